//! The `webhooks` function's work over the wire: endpoints and messages in a table on moto, a
//! receiver on loopback, the clock moved along the schedule. An event kept once however often
//! it comes; a receiver that fails 3 times then succeeds gets the event 4 times with one id and
//! the reference library verifies the last; 410 disables the endpoint; a crash between sending
//! and recording sends again, with the same id, once the claim runs out; an endpoint hears only
//! its contract's events (and the types it asked for).

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{Receiver, Reply};
use invitations_core::domain::*;
use invitations_core::ports::{
    ContractStore, InvitationStore, Invitee, NewInvitations, WebhookStore,
};
use invitations_wire::events::{EventData, EventType, InvitationEvent, ProductEvent};
use std::sync::{Arc, Mutex};
use testkit::TestEnv;
use webhooks::run::{on_event, sweep, App};
use webhooks::{new_secret, Policy, SealingKey, Secret};

struct World {
    env: TestEnv,
    app: App,
    now: Arc<Mutex<DateTime<Utc>>>,
    key: Arc<SealingKey>,
}

impl World {
    async fn new() -> Self {
        let env = TestEnv::new().await;
        // From the real time: the reference library checks a signature's time against its own
        // clock (5 minutes either way).
        let now = Arc::new(Mutex::new(Utc::now()));
        let key = Arc::new(SealingKey::from_bytes(&[7; 32]).unwrap());
        let clock = {
            let now = now.clone();
            Arc::new(move || *now.lock().unwrap())
        };
        let app = App {
            store: Arc::new(env.store_as("webhooks")),
            key: SealingKey::clone(&key).into(),
            policy: Policy {
                allow_loopback_http: true,
            },
            clock,
            sender: common::sender().within(std::time::Duration::from_secs(2)),
        };
        // Ann's invitations in c1 and c2: a message about an invitation is kept only while
        // the invitation exists (issue 32).
        for contract in ["c1", "c2"] {
            let contract = testkit::contract(contract).build();
            env.store.put_contract(&contract).await.unwrap();
            env.store
                .create_invitations(NewInvitations {
                    contract: &contract,
                    activities: &[],
                    invited_by: &UserId::parse("admin-a").unwrap(),
                    now: Utc::now(),
                    invitees: &[Invitee {
                        email: EmailAddress::parse("ann@example.org").unwrap(),
                        user_id: None,
                        name: None,
                        source: Source::Manual,
                        options: Default::default(),
                    }],
                })
                .await
                .unwrap();
        }
        Self { env, app, now, key }
    }

    fn later(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    async fn endpoint(
        &self,
        receiver: &Receiver,
        scope: EndpointScope,
        types: &[&str],
    ) -> (Endpoint, Secret) {
        let secret = new_secret();
        let now = *self.now.lock().unwrap();
        let endpoint = Endpoint {
            id: EndpointId::random(),
            scope,
            url: receiver.url(),
            description: "test receiver".into(),
            event_types: types.iter().map(|t| t.to_string()).collect(),
            enabled: true,
            disabled_reason: None,
            secrets: vec![SealedSecret {
                sealed: self.key.seal(&secret),
                created_at: now,
                expires_at: None,
            }],
            created_by: UserId::parse("admin-a").unwrap(),
            created_at: now,
            failing_since: None,
            owner_notice_queued: false,
            version: 1,
        };
        self.env.store.create_endpoint(&endpoint).await.unwrap();
        (endpoint, secret)
    }

    fn event(&self, contract: &str, kind: EventType) -> ProductEvent {
        ProductEvent {
            id: format!("evt_{}", uuid_hex()),
            kind,
            timestamp: self.now.lock().unwrap().to_rfc3339(),
            data: EventData::Invitation(InvitationEvent {
                contract_id: contract.into(),
                invitation_id: "inv1".into(),
                email: "ann@example.org".into(),
                actor_id: Some("admin-a".into()),
                detail: None,
                activities: vec!["a1".into()],
                sequence: "4100000000000000001".into(),
            }),
        }
    }
}

fn uuid_hex() -> String {
    EndpointId::random()
        .as_str()
        .trim_start_matches("ep_")
        .to_owned()
}

/// An event about an invitation that is gone (its person forgotten) keeps no message and
/// calls nobody (issue 32).
#[tokio::test]
async fn an_event_about_a_forgotten_invitation_keeps_nothing() {
    let w = World::new().await;
    let receiver = Receiver::start(vec![Reply::status(200)]).await;
    w.endpoint(&receiver, EndpointScope::AllContracts, &[])
        .await;
    let mut event = w.event("c1", EventType::InvitationCreated);
    if let EventData::Invitation(data) = &mut event.data {
        data.email = "gone@example.org".into();
    }
    let ran = on_event(&w.app, &event).await.unwrap();
    assert_eq!(ran.kept, 0);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_receiver_failing_three_times_gets_the_event_again_with_the_same_id() {
    let w = World::new().await;
    let receiver = Receiver::start(vec![
        Reply::status(500),
        Reply::status(503),
        Reply::status(502),
        Reply::status(204),
    ])
    .await;
    let (endpoint, secret) = w
        .endpoint(&receiver, EndpointScope::AllContracts, &[])
        .await;
    let event = w.event("c1", EventType::EnrolmentCreated);
    let ran = on_event(&w.app, &event).await.unwrap();
    assert_eq!((ran.kept, ran.retrying), (1, 1));
    // Delivered again by the bus: kept once, not sent again.
    assert_eq!(on_event(&w.app, &event).await.unwrap().kept, 0);
    assert_eq!(receiver.received().len(), 1);

    // Along the schedule: 5 s, 5 min, 30 min (with up to 10% jitter each).
    for wait in [
        Duration::seconds(6),
        Duration::minutes(6),
        Duration::minutes(34),
    ] {
        assert_eq!(
            sweep(&w.app).await.unwrap().retrying + sweep(&w.app).await.unwrap().delivered,
            0,
            "not due yet"
        );
        w.later(wait);
        sweep(&w.app).await.unwrap();
    }
    let got = receiver.received();
    assert_eq!(got.len(), 4, "three failures and the success");
    assert!(got
        .iter()
        .all(|r| r.headers["webhook-id"] == event.id.as_str()));
    assert!(got.iter().all(|r| r.body == got[0].body));
    // The first try was signed at the real time; the later ones at the moved clock's.
    assert!(common::reference_verifies(&secret, &got[0]));
    let key = webhooks::run::key_of(&event).unwrap();
    let message = w
        .env
        .store
        .get_message(&endpoint.id, &key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(message.state, MessageState::Delivered);
    let statuses: Vec<Option<u16>> = message.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(503), Some(502), Some(204)]);
    // The endpoint was failing, and is not after the success.
    let after = w
        .env
        .store
        .get_endpoint(&endpoint.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.failing_since, None);
}

#[tokio::test]
async fn a_receiver_answering_410_disables_its_endpoint() {
    let w = World::new().await;
    let receiver = Receiver::start(vec![Reply::status(410)]).await;
    let (endpoint, _) = w
        .endpoint(&receiver, EndpointScope::AllContracts, &[])
        .await;
    let ran = on_event(&w.app, &w.event("c1", EventType::InvitationRevoked))
        .await
        .unwrap();
    assert_eq!(ran.failed, 1);
    let after = w
        .env
        .store
        .get_endpoint(&endpoint.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!after.enabled);
    assert!(after.disabled_reason.unwrap().contains("410 Gone"));
    // Its owner's mail is queued in the same write (the mailer sends it: mailer/tests).
    assert!(after.owner_notice_queued);
    // Disabled, it hears nothing more.
    on_event(&w.app, &w.event("c1", EventType::InvitationRevoked))
        .await
        .unwrap();
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn a_crash_between_sending_and_recording_sends_again_with_the_same_id() {
    let w = World::new().await;
    let receiver = Receiver::start(vec![Reply::status(200)]).await;
    let (endpoint, _) = w
        .endpoint(&receiver, EndpointScope::AllContracts, &[])
        .await;
    let event = w.event("c1", EventType::InvitationCreated);
    // The function keeps the message and claims its first try, then dies before sending or
    // recording anything (the table is as a crash leaves it).
    let key = webhooks::run::key_of(&event).unwrap();
    let now = *w.now.lock().unwrap();
    let message = Message {
        endpoint_id: endpoint.id.clone(),
        event_id: event.id.clone(),
        event_type: event.kind.as_str().into(),
        body: serde_json::to_string(&event).unwrap(),
        created_at: key.at,
        state: MessageState::Pending,
        attempts: vec![],
        next_attempt_at: Some(key.at),
        round_from: 0,
    };
    assert!(w.env.store.put_message(&message).await.unwrap());
    assert!(w
        .env
        .store
        .claim_message(&message, now + Duration::seconds(60))
        .await
        .unwrap());
    // While the claim holds, the sweep leaves it; after, it sends it, with the event's id.
    sweep(&w.app).await.unwrap();
    assert!(receiver.received().is_empty());
    w.later(Duration::seconds(61));
    assert_eq!(sweep(&w.app).await.unwrap().delivered, 1);
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["webhook-id"], event.id.as_str());
}

#[tokio::test]
async fn an_endpoint_hears_its_contract_and_its_types_only() {
    let w = World::new().await;
    let receiver = Receiver::start(vec![Reply::status(200)]).await;
    let c1 = ContractId::parse("c1").unwrap();
    w.endpoint(
        &receiver,
        EndpointScope::Contract(c1),
        &["enrolment.created"],
    )
    .await;
    on_event(&w.app, &w.event("c2", EventType::EnrolmentCreated))
        .await
        .unwrap();
    on_event(&w.app, &w.event("c1", EventType::InvitationCreated))
        .await
        .unwrap();
    assert!(
        receiver.received().is_empty(),
        "another contract's, or another type"
    );
    on_event(&w.app, &w.event("c1", EventType::EnrolmentCreated))
        .await
        .unwrap();
    assert_eq!(receiver.received().len(), 1);
}

/// A backlog longer than one page of the due index: one sweep sends all of it, each message
/// once, several at a time.
#[tokio::test]
async fn one_sweep_drains_a_backlog_of_more_than_a_page() {
    let w = World::new().await;
    let receiver = Receiver::start(vec![Reply::status(204)]).await;
    let (endpoint, _) = w
        .endpoint(&receiver, EndpointScope::AllContracts, &[])
        .await;
    let backlog = webhooks::run::SWEEP_PAGE + 30;
    let start = *w.now.lock().unwrap() - Duration::minutes(10);
    for i in 0..backlog {
        let at = start + Duration::milliseconds(i as i64);
        let message = Message {
            endpoint_id: endpoint.id.clone(),
            event_id: format!("evt_{i:032x}"),
            event_type: "enrolment.created".into(),
            body: format!(r#"{{"id":"evt_{i:032x}","type":"enrolment.created","data":{{}}}}"#),
            created_at: at,
            state: MessageState::Pending,
            attempts: Vec::new(),
            next_attempt_at: Some(at),
            round_from: 0,
        };
        assert!(w.env.store.put_message(&message).await.unwrap());
    }
    let ran = sweep(&w.app).await.unwrap();
    assert_eq!(ran.delivered, backlog, "{ran:?}");
    let ids: std::collections::BTreeSet<String> = receiver
        .received()
        .iter()
        .map(|r| r.headers["webhook-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), backlog, "each message once");
    assert_eq!(receiver.received().len(), backlog);
    // Nothing is left due.
    assert_eq!(sweep(&w.app).await.unwrap(), webhooks::run::Ran::default());
}

/// Issue 33: the sealing key is read by the first run with a try to make, not at the start. A
/// run with nothing to try reads nothing; a failed read keeps no message and fails the run with
/// the error the start gave before; the bus's next delivery of the event reads it again.
#[tokio::test]
async fn the_sealing_key_is_read_by_the_first_try_and_a_failed_read_is_tried_again() {
    let mut w = World::new().await;
    let material = "s".repeat(64);
    w.key = Arc::new(SealingKey::from_material(&material));
    w.app.key = w.env.sealing_key(SealingKey::from_material);
    assert_eq!(sweep(&w.app).await.unwrap(), webhooks::run::Ran::default());
    assert!(!w.app.key.is_read(), "nothing due, nothing read");

    let receiver = Receiver::start(vec![Reply::status(204)]).await;
    w.endpoint(&receiver, EndpointScope::AllContracts, &[])
        .await;
    let event = w.event("c1", EventType::EnrolmentCreated);
    let error = on_event(&w.app, &event).await.unwrap_err().to_string();
    assert!(
        error.starts_with("environment variable WEBHOOK_SEALING_SECRET is not valid: "),
        "{error}"
    );
    assert!(receiver.received().is_empty());

    w.env.put_sealing_material(&material).await;
    let ran = on_event(&w.app, &event).await.unwrap();
    assert_eq!((ran.kept, ran.delivered), (1, 1), "kept only now");
    assert_eq!(receiver.received().len(), 1);
}
