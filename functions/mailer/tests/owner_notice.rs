//! The mail to a webhook endpoint's owner when the deliveries disabled it: sent once however
//! often the stream delivers the record, given back to the stream when the mail service is
//! busy, and not sent when an admin turned the endpoint back on first.

mod common;

use common::*;
use invitations_core::domain::*;
use invitations_core::ports::WebhookStore;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use testkit::TestEnv;

const RECEIVER: &str = "https://hooks.example.org/lms";

/// An endpoint `admin-a` registered, then disabled by the deliveries with its notice queued.
async fn disabled_endpoint(env: &TestEnv) -> Endpoint {
    let endpoint = Endpoint {
        id: EndpointId::random(),
        scope: EndpointScope::Contract(contract().id),
        url: RECEIVER.into(),
        description: "The LMS".into(),
        event_types: Vec::new(),
        enabled: true,
        disabled_reason: None,
        secrets: Vec::new(),
        created_by: admin(),
        created_at: now(),
        failing_since: Some(now()),
        owner_notice_queued: false,
        version: 1,
    };
    env.store.create_endpoint(&endpoint).await.unwrap();
    let disabled = Endpoint {
        enabled: false,
        disabled_reason: Some(
            "Every delivery failed from 2026-02-25 to 2026-03-02: disabled after 5 days.".into(),
        ),
        owner_notice_queued: true,
        ..endpoint
    };
    assert!(env.store.save_endpoint(&disabled).await.unwrap());
    env.store.get_endpoint(&disabled.id).await.unwrap().unwrap()
}

#[tokio::test]
async fn the_owner_gets_one_mail_saying_why_and_where_to_turn_it_back_on() {
    let (env, c) = setup().await;
    let endpoint = disabled_endpoint(&env).await;
    let app = Arc::new(app(&env, ses(&env), &TestClock::at(now())));
    let event = stream_event(&env).await;
    // Delivered twice at once: one mail.
    let (a, b) = tokio::join!(app.handle(event.clone()), app.handle(event.clone()));
    assert!(a.unwrap().batch_item_failures.is_empty());
    assert!(b.unwrap().batch_item_failures.is_empty());
    // The claim's own write comes through the stream too: nothing more.
    app.handle(stream_event(&env).await).await.unwrap();

    let mail = mail_to(&env, &env.email("ada"));
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].subject, "A webhook endpoint was disabled");
    let text = mail[0].body.text.as_deref().unwrap();
    assert!(text.starts_with("Hello Ada Admin,"), "{text}");
    assert!(text.contains(RECEIVER), "{text}");
    assert!(
        text.contains("failed from 2026-02-25 to 2026-03-02"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{SITE_URL}/contracts/{}/integrations", c.id)),
        "{text}"
    );
    let after = env.store.get_endpoint(&endpoint.id).await.unwrap().unwrap();
    assert!(!after.owner_notice_queued, "the notice is marked sent");
    assert!(!after.enabled);
}

#[tokio::test]
async fn a_busy_mail_service_gives_the_record_back_and_the_next_delivery_mails() {
    let (env, _) = setup().await;
    disabled_endpoint(&env).await;
    let busy = Arc::new(Busy {
        busy: AtomicU32::new(1),
        calls: AtomicU32::new(0),
        inner: ses(&env),
    });
    let app = app(&env, busy.clone(), &TestClock::at(now()));
    let event = stream_event(&env).await;
    let first = app.handle(event.clone()).await.unwrap();
    assert_eq!(
        first.batch_item_failures.len(),
        1,
        "given back to the stream"
    );
    assert!(mail_to(&env, &env.email("ada")).is_empty());
    let again = app.handle(event).await.unwrap();
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(busy.calls.load(Ordering::SeqCst), 2);
    assert_eq!(mail_to(&env, &env.email("ada")).len(), 1);
}

#[tokio::test]
async fn an_endpoint_enabled_again_before_the_mailer_ran_mails_nobody() {
    let (env, _) = setup().await;
    let endpoint = disabled_endpoint(&env).await;
    // An admin turns it back on (webhook-endpoints clears the notice with it).
    let enabled = Endpoint {
        enabled: true,
        disabled_reason: None,
        owner_notice_queued: false,
        ..endpoint
    };
    assert!(env.store.save_endpoint(&enabled).await.unwrap());
    let app = app(&env, ses(&env), &TestClock::at(now()));
    let out = app.handle(stream_event(&env).await).await.unwrap();
    assert!(out.batch_item_failures.is_empty());
    assert!(env.sent_mail().is_empty());
}
