//! Webhook endpoints and messages in the table: conditional writes that make a redelivered
//! event one message, a claimed attempt one writer's, and a changed endpoint a refused save.

use chrono::{Duration, TimeZone, Utc};
use invitations_core::domain::*;
use invitations_core::ports::{MessageKey, WebhookStore};
use testkit::TestEnv;

fn endpoint(scope: EndpointScope) -> Endpoint {
    Endpoint {
        id: EndpointId::random(),
        scope,
        url: "https://hooks.example.com/lms".into(),
        description: "The LMS".into(),
        event_types: vec!["enrolment.created".into()],
        enabled: true,
        disabled_reason: None,
        secrets: vec![SealedSecret {
            sealed: "sealed-bytes".into(),
            created_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
            expires_at: None,
        }],
        created_by: UserId::parse("admin-a").unwrap(),
        created_at: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        failing_since: None,
        owner_notice_queued: false,
        version: 1,
    }
}

fn message(endpoint: &EndpointId, event_id: &str) -> Message {
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    Message {
        endpoint_id: endpoint.clone(),
        event_id: event_id.into(),
        event_type: "enrolment.created".into(),
        body: r#"{"id":"evt_1"}"#.into(),
        created_at: at,
        state: MessageState::Pending,
        attempts: vec![],
        next_attempt_at: Some(at),
        round_from: 0,
    }
}

#[tokio::test]
async fn endpoints_are_saved_only_as_they_were_read_and_listed_by_scope() {
    let env = TestEnv::new().await;
    let c1 = ContractId::parse("c1").unwrap();
    let mine = endpoint(EndpointScope::Contract(c1.clone()));
    let everyone = endpoint(EndpointScope::AllContracts);
    env.store.create_endpoint(&mine).await.unwrap();
    env.store.create_endpoint(&everyone).await.unwrap();
    assert!(
        env.store.create_endpoint(&mine).await.is_err(),
        "an id is used once"
    );

    let listed = env
        .store
        .endpoints(&EndpointScope::Contract(c1))
        .await
        .unwrap();
    assert_eq!(listed, vec![mine.clone()]);
    let listed = env
        .store
        .endpoints(&EndpointScope::AllContracts)
        .await
        .unwrap();
    assert_eq!(listed, vec![everyone.clone()]);

    // Two admins change it at once from the same read: one save wins, the other is told.
    let mut a = env.store.get_endpoint(&mine.id).await.unwrap().unwrap();
    let mut b = a.clone();
    a.enabled = false;
    a.disabled_reason = Some("Disabled by Ada".into());
    b.description = "Renamed".into();
    let (first, second) = tokio::join!(env.store.save_endpoint(&a), env.store.save_endpoint(&b));
    assert_ne!(first.unwrap(), second.unwrap(), "exactly one save wins");
    let now = env.store.get_endpoint(&mine.id).await.unwrap().unwrap();
    assert_eq!(now.version, 2);
    assert!(now == Endpoint { version: 2, ..a } || now == Endpoint { version: 2, ..b });
}

#[tokio::test]
async fn an_event_is_one_message_and_each_attempt_one_writers() {
    let env = TestEnv::new().await;
    let e = endpoint(EndpointScope::AllContracts);
    env.store.create_endpoint(&e).await.unwrap();
    let m = message(&e.id, "evt_0123");
    assert!(env.store.put_message(&m).await.unwrap());
    assert!(
        !env.store.put_message(&m).await.unwrap(),
        "the same event again: kept once"
    );

    let key = MessageKey {
        at: m.created_at,
        event_id: m.event_id.clone(),
    };
    let due = env.store.due_messages(m.created_at, 10).await.unwrap();
    assert_eq!(due, vec![(e.id.clone(), key.clone())]);

    // Two deliveries race for the first attempt: one claims it.
    let until = m.created_at + Duration::seconds(60);
    let (a, b) = tokio::join!(
        env.store.claim_message(&m, until),
        env.store.claim_message(&m, until)
    );
    assert!(a.unwrap() ^ b.unwrap(), "one claim");
    // Claimed, it is not due until the claim ends (a crashed delivery is found again then).
    assert!(env
        .store
        .due_messages(m.created_at, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(env.store.due_messages(until, 10).await.unwrap().len(), 1);

    let failed = DeliveryAttempt {
        at: m.created_at,
        status: Some(500),
        duration_ms: 12,
        response_start: "oops".into(),
        error: None,
    };
    let retry_at = m.created_at + Duration::seconds(5);
    assert!(env
        .store
        .record_attempt(&m, &failed, MessageState::Pending, Some(retry_at))
        .await
        .unwrap());
    // The same attempt recorded again (a retried write) changes nothing.
    assert!(!env
        .store
        .record_attempt(&m, &failed, MessageState::Pending, Some(retry_at))
        .await
        .unwrap());
    let read = env.store.get_message(&e.id, &key).await.unwrap().unwrap();
    assert_eq!(read.attempts, vec![failed.clone()]);
    assert_eq!(read.next_attempt_at, Some(retry_at));

    let ok = DeliveryAttempt {
        status: Some(204),
        ..failed
    };
    assert!(env
        .store
        .record_attempt(&read, &ok, MessageState::Delivered, None)
        .await
        .unwrap());
    assert!(env
        .store
        .due_messages(retry_at + Duration::days(1), 10)
        .await
        .unwrap()
        .is_empty());
    let (page, next) = env.store.messages(&e.id, None, 10).await.unwrap();
    assert_eq!(next, None);
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].state, MessageState::Delivered);
    assert_eq!(page[0].attempts.len(), 2);

    // Replayed: pending again from the start of the schedule, the same event id.
    let delivered = page[0].clone();
    let later = retry_at + Duration::hours(1);
    assert!(env.store.requeue_message(&delivered, later).await.unwrap());
    assert!(
        !env.store.requeue_message(&delivered, later).await.unwrap(),
        "once"
    );
    let again = env.store.get_message(&e.id, &key).await.unwrap().unwrap();
    assert_eq!(
        (
            again.state,
            again.attempts_this_round(),
            again.next_attempt_at
        ),
        (MessageState::Pending, 0, Some(later))
    );
    assert_eq!(env.store.due_messages(later, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_endpoints_messages_page_newest_first() {
    let env = TestEnv::new().await;
    let e = endpoint(EndpointScope::AllContracts);
    for i in 0..5 {
        let mut m = message(&e.id, &format!("evt_{i}"));
        m.created_at += Duration::minutes(i);
        env.store.put_message(&m).await.unwrap();
    }
    let (first, cursor) = env.store.messages(&e.id, None, 2).await.unwrap();
    let ids: Vec<&str> = first.iter().map(|m| m.event_id.as_str()).collect();
    assert_eq!(ids, ["evt_4", "evt_3"]);
    let (second, cursor) = env
        .store
        .messages(&e.id, cursor.as_deref(), 2)
        .await
        .unwrap();
    let ids: Vec<&str> = second.iter().map(|m| m.event_id.as_str()).collect();
    assert_eq!(ids, ["evt_2", "evt_1"]);
    let (last, cursor) = env
        .store
        .messages(&e.id, cursor.as_deref(), 2)
        .await
        .unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(cursor, None);
    assert!(env
        .store
        .messages(&e.id, Some("not-a-cursor!"), 2)
        .await
        .is_err());
}
