//! Our signatures, as a receiver gets them over the wire, verified by the Standard Webhooks
//! project's own Python library (`standardwebhooks` in .venv, see scripts/setup.sh), not by
//! our code: once with one secret, once with two during a rotation (each alone verifies), and
//! a wrong secret fails, so the check can fail.

mod common;

use common::{reference_verifies, Received, Receiver, Reply};
use webhooks::{headers, new_secret, Secret, Verdict};

/// Delivers one event signed with `secrets` and returns what the receiver got.
async fn received_with(secrets: &[Secret]) -> Received {
    let receiver = Receiver::start(vec![Reply::status(204)]).await;
    let body = br#"{"id":"evt_7f3a","type":"invitation.created","timestamp":"2025-05-01T09:00:00Z","data":{"contract_id":"c1","email":"ann@example.org"}}"#;
    let now = chrono::Utc::now().timestamp();
    let signed = headers(secrets, "evt_7f3a", now, body).unwrap();
    let attempt = common::sender()
        .deliver(&receiver.target().await, &signed, body)
        .await;
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
