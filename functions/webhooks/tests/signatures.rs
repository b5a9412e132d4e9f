//! Our signatures, as a receiver gets them over the wire, verified by the Standard Webhooks
//! project's own Python library (`standardwebhooks` in .venv, see scripts/setup.sh), not by
//! our code: once with one secret, once with two during a rotation (each alone verifies), and
//! a wrong secret fails, so the check can fail.

mod common;

use common::{Received, Receiver, Reply};
use std::path::PathBuf;
use std::process::Command;
use webhooks::{deliver, headers, new_secret, Secret, Verdict};

const VERIFY: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
request = json.load(sys.stdin)
Webhook(request["secret"]).verify(request["body"].encode(), request["headers"])
"#;

fn python() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `bash scripts/setup.sh`",
        python.display()
    );
    python
}

/// Whether the reference library accepts what the receiver got, with this secret.
fn reference_verifies(secret: &Secret, got: &Received) -> bool {
    let headers: serde_json::Map<String, serde_json::Value> = got
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().into()))
        .collect();
    let request = serde_json::json!({
        "secret": secret.expose(),
        "body": String::from_utf8(got.body.clone()).unwrap(),
        "headers": headers,
    });
    let mut child = Command::new(python())
        .args(["-c", VERIFY])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    serde_json::to_writer(child.stdin.take().unwrap(), &request).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() || stderr.contains("WebhookVerificationError"),
        "the verifier itself failed: {stderr}"
    );
    out.status.success()
}

/// Delivers one event signed with `secrets` and returns what the receiver got.
async fn received_with(secrets: &[Secret]) -> Received {
    let receiver = Receiver::start(vec![Reply::status(204)]).await;
    let body = br#"{"id":"evt_7f3a","type":"invitation.created","timestamp":"2025-05-01T09:00:00Z","data":{"contract_id":"c1","email":"ann@example.org"}}"#;
    let now = chrono::Utc::now().timestamp();
    let signed = headers(secrets, "evt_7f3a", now, body).unwrap();
    let attempt = deliver(&receiver.target().await, &signed, body).await;
    assert_eq!(attempt.verdict(), Verdict::Delivered, "{attempt:?}");
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, body);
    got.into_iter().next().unwrap()
}

#[tokio::test]
async fn the_reference_library_verifies_our_signature() {
    let secret = new_secret();
    let got = received_with(std::slice::from_ref(&secret)).await;
    assert_eq!(got.headers["webhook-id"], "evt_7f3a");
    assert_eq!(got.headers["content-type"], "application/json");
    let agent = got.headers["user-agent"].to_str().unwrap();
    assert!(
        agent.starts_with("LearningContractInvitations-Webhooks/"),
        "{agent}"
    );
    assert!(reference_verifies(&secret, &got));
    assert!(
        !reference_verifies(&new_secret(), &got),
        "a wrong secret must fail"
    );
}

#[tokio::test]
async fn during_a_rotation_each_secret_alone_verifies() {
    let (old, new) = (new_secret(), new_secret());
    let got = received_with(&[old.clone(), new.clone()]).await;
    let signature = got.headers["webhook-signature"].to_str().unwrap();
    assert_eq!(signature.split(' ').count(), 2, "{signature}");
    assert!(reference_verifies(&old, &got), "the old secret");
    assert!(reference_verifies(&new, &got), "the new secret");
    assert!(!reference_verifies(&new_secret(), &got), "a third secret");
}
