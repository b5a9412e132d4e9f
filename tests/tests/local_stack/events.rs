//! The product's events on the local stack: an enrolment made through the API reaches the
//! stack's bus on moto's EventBridge (the `events` function on the table's stream, as in AWS),
//! and the bus's rule hands it to the local targets, shown at `/local/events`.

use crate::helpers::*;
use local_stack::seed::contracts::LEADERSHIP;
use local_stack::Stack;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// The events the local targets received about `email`, once `want` types are all in.
pub(crate) async fn events_about(stack: &Stack, email: &str, want: &[&str]) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let received: Vec<Value> = reqwest::get(format!("{}/local/events", stack.url))
            .await
            .expect("the gateway answers")
            .json()
            .await
            .expect("a JSON list");
        let about: Vec<Value> = received
            .into_iter()
            .filter(|e| e["detail"]["data"]["email"] == email)
            .collect();
        let kinds: BTreeSet<&str> = about
            .iter()
            .filter_map(|e| e["detail-type"].as_str())
            .collect();
        if want.iter().all(|k| kinds.contains(k)) {
            return about;
        }
        assert!(
            Instant::now() < deadline,
            "events so far about {email}: {kinds:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Ada invites `email` to the Leadership contract and the person enrols through the mailed
/// link as `name`; answers Ada's user id and the link's token.
async fn invited_and_enrolled(stack: &Stack, email: &str, name: &str) -> (String, String) {
    let ada = stack.person("contract-admin", 0).user_id.clone();
    let admin = Client::signed_in(&stack.url, &ada).await;
    let (status, body) = admin
        .call(
            "POST",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            Some(json!({"emails": [email], "activities": []})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token = mailed_token(stack, email, 1, 0).await;
    let (status, enrolled) = anonymous(stack)
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": name})),
        )
        .await;
    assert_eq!(status, 200, "{enrolled}");
    (ada, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_enrolment_reaches_the_bus_and_its_local_targets() {
    let (stack, tag) = stack_with_contracts("events").await;
    let email = format!("eve-{tag}@example.com");
    let (ada, token) = invited_and_enrolled(&stack, &email, "Eve Events").await;

    let about = events_about(
        &stack,
        &email,
        &["invitation.created", "invitation.sent", "enrolment.created"],
    )
    .await;
    for event in &about {
        assert_eq!(event["source"], "learning-contracts.invitations", "{event}");
        let detail = &event["detail"];
        assert_eq!(detail["type"], event["detail-type"], "{event}");
        assert_eq!(detail["data"]["contract_id"], LEADERSHIP, "{event}");
        assert!(
            detail["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("evt_")),
            "{event}"
        );
        // Thin: never the link or its token.
        assert!(!event.to_string().contains(&token), "{event}");
    }
    let created = about
        .iter()
        .find(|e| e["detail-type"] == "invitation.created")
        .unwrap();
    assert_eq!(created["detail"]["data"]["actor_id"], ada.as_str());
    let ids: BTreeSet<&str> = about
        .iter()
        .filter_map(|e| e["detail"]["id"].as_str())
        .collect();
    assert_eq!(ids.len(), about.len(), "one id per event: {about:?}");
}

/// What the Standard Webhooks project's own Python library (`standardwebhooks` in .venv, see
/// scripts/setup.sh) says of a webhook the receiver got: whether it verifies with `secret`.
fn reference_verifies(secret: &str, got: &local_stack::webhooks::Received) -> bool {
    const VERIFY: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
r = json.load(sys.stdin)
Webhook(r["secret"]).verify(r["body"].encode(), r["headers"])
"#;
    let python = testkit::repo_root().join(".venv/bin/python");
    let mut child = std::process::Command::new(&python)
        .args(["-c", VERIFY])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", python.display()));
    let request = json!({
        "secret": secret,
        "body": got.body,
        "headers": {
            "webhook-id": got.webhook_id,
            "webhook-timestamp": got.webhook_timestamp,
            "webhook-signature": got.webhook_signature,
        },
    });
    serde_json::to_writer(child.stdin.take().unwrap(), &request).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() || stderr.contains("WebhookVerificationError"),
        "the verifier itself failed: {stderr}"
    );
    out.status.success()
}

/// The seeded endpoint (every contract's events) points at the stack's receiver: an enrolment
/// arrives there as a webhook within seconds, its signature verified by the reference library,
/// its `webhook-id` the event's id on the bus.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_enrolment_reaches_the_seeded_webhook_signed() {
    let (stack, tag) = stack_with_contracts("webhooks").await;
    let email = format!("wendy-{tag}@example.com");
    invited_and_enrolled(&stack, &email, "Wendy Hook").await;
    let on_the_bus = events_about(&stack, &email, &["enrolment.created"]).await;
    let bus_id = on_the_bus
        .iter()
        .find(|e| e["detail-type"] == "enrolment.created")
        .unwrap()["detail"]["id"]
        .clone();

    let receiver = &stack.webhook_receiver;
    let deadline = Instant::now() + Duration::from_secs(30);
    let got = loop {
        let found = receiver.received().into_iter().find(|w| {
            w.event["type"] == "enrolment.created" && w.event["data"]["email"] == email.as_str()
        });
        if let Some(found) = found {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "no webhook yet: {:?}",
            receiver.received()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(
        got.webhook_id,
        bus_id.as_str().unwrap(),
        "the webhook's id is the event's"
    );
    assert!(got.verified, "the receiver's own check");
    assert!(
        reference_verifies(&receiver.secret, &got),
        "the reference library's check"
    );
    assert!(
        !reference_verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &got),
        "a wrong secret fails"
    );
    // The receiver's page lists it.
    let page = reqwest::get(&receiver.url)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("enrolment.created") && page.contains("verified"),
        "{page}"
    );
}
