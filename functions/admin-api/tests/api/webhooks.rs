//! Webhook endpoints through the API: who may manage which endpoint, a secret shown once and
//! never stored in plain text, the address guard at registration, rotation, disable and enable,
//! a test event queued, and the refusals in words.

use crate::helpers::*;
use serde_json::{json, Value};
use testkit::As;

/// The routes of one endpoint (not under a contract), as (method, path, body).
pub fn webhook_routes(endpoint: &str) -> Vec<(&'static str, String, Option<Value>)> {
    vec![
        ("GET", format!("/webhooks/{endpoint}/messages"), None),
        ("POST", format!("/webhooks/{endpoint}/test"), None),
        (
            "POST",
            format!("/webhooks/{endpoint}/replay"),
            Some(json!({"since": "2020-01-01T00:00:00Z"})),
        ),
        ("POST", format!("/webhooks/{endpoint}/disable"), None),
        ("POST", format!("/webhooks/{endpoint}/enable"), None),
        ("POST", format!("/webhooks/{endpoint}/rotate"), None),
    ]
}

/// Every contract's endpoints: system administrators only.
pub fn system_routes() -> Vec<(&'static str, String, Option<Value>)> {
    vec![
        ("GET", "/webhooks".to_owned(), None),
        (
            "POST",
            "/webhooks".to_owned(),
            Some(new_endpoint("every contract")),
        ),
    ]
}

fn new_endpoint(description: &str) -> Value {
    json!({"url": "http://127.0.0.1:9/hook", "description": description, "event_types": ["enrolment.created"]})
}

async fn add(w: &World, path: &str, who: &As) -> (String, String) {
    let (status, body) = w.call("POST", path, Some(new_endpoint("test")), who).await;
    assert_eq!(status, 201, "{body}");
    (
        body["endpoint"]["id"].as_str().unwrap().to_owned(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn each_endpoint_is_managed_by_its_contracts_admins_and_system_administrators() {
    let w = World::new().await;
    let (mine, _) = add(&w, "/contracts/A/webhooks", &ADMIN_A).await;
    let (theirs, _) = add(&w, "/contracts/B/webhooks", &ADMIN_B).await;
    let (everyone, _) = add(&w, "/webhooks", &SYSADMIN).await;
    for (method, path, body) in webhook_routes(&mine) {
        let (status, answer) = w.call(method, &path, body, &ADMIN_A).await;
        assert!(
            (200..300).contains(&status),
            "admin of A on {method} {path}: {answer}"
        );
    }
    for endpoint in [&theirs, &everyone] {
        for (method, path, body) in webhook_routes(endpoint) {
            let answer = w.call(method, &path, body.clone(), &ADMIN_A).await;
            assert_eq!(
                answer.refusal(),
                (403, "forbidden"),
                "admin of A on {method} {path}"
            );
            let answer = w.call(method, &path, body, &As::Anonymous).await;
            assert_eq!(answer.0, 401, "anonymous on {method} {path}");
        }
    }
    for (method, path, body) in system_routes() {
        let answer = w.call(method, &path, body.clone(), &ADMIN_A).await;
        assert_eq!(
            answer.refusal(),
            (403, "forbidden"),
            "admin of A on {method} {path}"
        );
        let (status, answer) = w.call(method, &path, body, &SYSADMIN).await;
        assert!(
            (200..300).contains(&status),
            "system admin on {method} {path}: {answer}"
        );
    }
    for (method, path, body) in webhook_routes(&theirs) {
        let (status, answer) = w.call(method, &path, body, &SYSADMIN).await;
        assert!(
            (200..300).contains(&status),
            "system admin on {method} {path}: {answer}"
        );
    }
    // A contract's list shows its own endpoints only.
    let (_, listed) = w.call("GET", "/contracts/A/webhooks", None, &ADMIN_A).await;
    let ids: Vec<&str> = listed["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine.as_str()]);
    let refused = w.call("GET", "/contracts/B/webhooks", None, &ADMIN_A).await;
    assert_eq!(refused.refusal().0, 403);
}

#[tokio::test]
async fn a_secret_is_shown_once_and_kept_only_sealed() {
    let w = World::new().await;
    let (id, secret) = add(&w, "/contracts/A/webhooks", &ADMIN_A).await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    webhooks::Secret::parse(&secret).expect("a Standard Webhooks secret");
    let (_, listed) = w.call("GET", "/contracts/A/webhooks", None, &ADMIN_A).await;
    assert!(
        !listed.to_string().contains(&secret),
        "the list shows no secret"
    );
    // The table holds it sealed: neither the secret nor its key bytes in any item.
    let scan = w
        .env
        .dynamodb
        .scan()
        .table_name(&w.env.table)
        .send()
        .await
        .unwrap();
    let raw = format!("{:?}", scan.items());
    let key_part = secret.trim_start_matches("whsec_");
    assert!(
        !raw.contains(&secret) && !raw.contains(key_part),
        "a secret in the table"
    );

    // Rotated: a new secret, and the previous one still signs for a day.
    let (status, rotated) = w
        .call("POST", &format!("/webhooks/{id}/rotate"), None, &ADMIN_A)
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert_ne!(rotated["secret"], secret.as_str());
    assert!(
        rotated["endpoint"]["previous_secret_until"].is_string(),
        "{rotated}"
    );
}

#[tokio::test]
async fn an_address_that_is_not_public_or_an_unknown_type_is_refused_in_words() {
    let w = World::new().await;
    for (url, words) in [
        ("http://10.1.2.3/hook", "http"),
        ("https://10.1.2.3/hook", "private"),
        ("https://169.254.169.254/latest", "metadata"),
        ("not a url", "url"),
    ] {
        let body = json!({"url": url, "description": "x", "event_types": []});
        let refused = w
            .call("POST", "/contracts/A/webhooks", Some(body), &ADMIN_A)
            .await;
        assert_eq!(refused.refusal(), (400, "invalid_url"), "{url}");
        assert!(
            refused.detail().to_lowercase().contains(words) && refused.detail().contains("(url)"),
            "{url}: {}",
            refused.detail()
        );
    }
    let body = json!({"url": "http://127.0.0.1:9/hook", "description": "x", "event_types": ["invitation.eaten"]});
    let refused = w
        .call("POST", "/contracts/A/webhooks", Some(body), &ADMIN_A)
        .await;
    assert_eq!(refused.refusal(), (400, "invalid_event_type"));
    assert!(refused.detail().contains("invitation.eaten"));
    let (_, listed) = w.call("GET", "/contracts/A/webhooks", None, &ADMIN_A).await;
    assert_eq!(listed["endpoints"], json!([]), "nothing was added");
}

#[tokio::test]
async fn disable_says_who_and_a_test_event_is_queued_for_the_endpoint() {
    let w = World::new().await;
    let (id, _) = add(&w, "/contracts/A/webhooks", &ADMIN_A).await;
    let (_, disabled) = w
        .call("POST", &format!("/webhooks/{id}/disable"), None, &ADMIN_A)
        .await;
    assert_eq!(disabled["enabled"], false);
    assert!(
        disabled["disabled_reason"]
            .as_str()
            .unwrap()
            .starts_with("Disabled by"),
        "{disabled}"
    );
    let (_, enabled) = w
        .call("POST", &format!("/webhooks/{id}/enable"), None, &ADMIN_A)
        .await;
    assert_eq!(
        (
            enabled["enabled"].clone(),
            enabled["disabled_reason"].clone()
        ),
        (json!(true), Value::Null)
    );

    let (status, queued) = w
        .call("POST", &format!("/webhooks/{id}/test"), None, &ADMIN_A)
        .await;
    assert_eq!((status, queued["queued"].clone()), (202, json!(1)));
    let (_, messages) = w
        .call("GET", &format!("/webhooks/{id}/messages"), None, &ADMIN_A)
        .await;
    let listed = messages["messages"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["event_type"], "webhook.test");
    assert_eq!(listed[0]["state"], "pending");
    let refused = w
        .call(
            "POST",
            &format!("/webhooks/{id}/replay"),
            Some(json!({"since": "yesterday"})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(refused.refusal(), (400, "invalid_since"));
    let missing = w
        .call("POST", "/webhooks/ep_nope/test", None, &ADMIN_A)
        .await;
    assert_eq!(missing.refusal(), (404, "webhook_not_found"));
}

/// The endpoint's newest message, as the Deliveries list shows it.
async fn first_message(w: &World, endpoint: &str) -> Value {
    let path = format!("/webhooks/{endpoint}/messages");
    w.call("GET", &path, None, &ADMIN_A).await.1["messages"][0].clone()
}

/// The deliveries' record of a failed try, as the webhooks function writes it.
async fn fail_every_message(w: &World, endpoint: &str) {
    use invitations_core::domain::{DeliveryAttempt, EndpointId, Message, MessageState};
    use invitations_core::ports::WebhookStore;
    let id = EndpointId::parse(endpoint).unwrap();
    let (messages, _) = w.env.store.messages(&id, None, 10).await.unwrap();
    let now = chrono::Utc::now();
    for m in messages {
        let until = now + chrono::Duration::seconds(60);
        assert!(w.env.store.claim_message(&m, until).await.unwrap());
        let claimed = Message {
            next_attempt_at: Some(until),
            ..m
        };
        let attempt = DeliveryAttempt {
            at: now,
            status: Some(500),
            duration_ms: 12,
            response_start: "down".into(),
            error: None,
        };
        let recorded = w
            .env
            .store
            .record_attempt(&claimed, &attempt, MessageState::Failed, None)
            .await
            .unwrap();
        assert!(recorded);
    }
}

#[tokio::test]
async fn one_message_is_sent_again_by_its_endpoints_managers_with_the_same_event_id() {
    let w = World::new().await;
    let (id, _) = add(&w, "/contracts/A/webhooks", &ADMIN_A).await;
    w.call("POST", &format!("/webhooks/{id}/test"), None, &ADMIN_A)
        .await;
    let message = first_message(&w, &id).await;
    let replay = format!(
        "/webhooks/{id}/messages/{}/replay",
        message["id"].as_str().unwrap()
    );
    // Waiting for its first try: nothing to send again yet.
    let pending = w.call("POST", &replay, None, &ADMIN_A).await;
    assert_eq!(pending.refusal(), (409, "webhook_message_pending"));

    fail_every_message(&w, &id).await;
    assert_eq!(first_message(&w, &id).await["state"], "failed");
    let other = w.call("POST", &replay, None, &ADMIN_B).await;
    assert_eq!(other.refusal().0, 403);
    let anonymous = w.call("POST", &replay, None, &As::Anonymous).await;
    assert_eq!(anonymous.0, 401);
    let unknown = w
        .call(
            "POST",
            &format!("/webhooks/{id}/messages/1795694400000.evt_nope/replay"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(unknown.refusal(), (404, "webhook_message_not_found"));
    let garbled = w
        .call(
            "POST",
            &format!("/webhooks/{id}/messages/not-an-id/replay"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(garbled.refusal(), (404, "webhook_message_not_found"));

    let (status, again) = w.call("POST", &replay, None, &SYSADMIN).await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["state"], "pending");
    assert_eq!(
        again["event_id"], message["event_id"],
        "the same webhook-id"
    );
    assert_eq!(again["id"], message["id"]);
    assert!(again["next_attempt_at"].is_string());
    assert_eq!(
        again["attempts"].as_array().unwrap().len(),
        1,
        "the history stays"
    );
    // Pending again: a second click changes nothing.
    let twice = w.call("POST", &replay, None, &ADMIN_A).await;
    assert_eq!(twice.refusal(), (409, "webhook_message_pending"));
}

/// Issue 33: the sealing key is read when a route first seals a secret, not at the start. The
/// routes that seal nothing answer while it cannot be read; one that seals answers 500 (the
/// error the start gave before, in the log), and the next request reads it again.
#[tokio::test]
async fn the_sealing_key_is_read_when_a_secret_is_first_sealed() {
    let mut w = World::new().await;
    let key = w.env.sealing_key(webhooks::SealingKey::from_material);
    let hooks = w.app_mut("webhook-endpoints").webhooks.as_mut().unwrap();
    hooks.key = key.clone();
    let (status, body) = w.call("GET", "/webhooks", None, &SYSADMIN).await;
    assert_eq!(status, 200, "{body}");
    let refused = w
        .call("POST", "/webhooks", Some(new_endpoint("early")), &SYSADMIN)
        .await;
    assert_eq!(refused.refusal(), (500, "internal_error"));
    assert!(!key.is_read());

    w.env.put_sealing_material(&"m".repeat(64)).await;
    add(&w, "/webhooks", &SYSADMIN).await;
    assert!(key.is_read());
}
