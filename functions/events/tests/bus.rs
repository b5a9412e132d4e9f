//! The events function over the wire: real changes in a table on moto, the table's real stream
//! as Lambda delivers it, PutEvents to a bus on moto's EventBridge, and what a rule on that bus
//! hands its SQS target read back. Each event is read as the wire type its JSON Schema is made
//! from (unknown fields refused), so what is emitted is what functions/asyncapi.yaml says.

use aws_lambda_events::event::dynamodb::Event;
use chrono::{DateTime, TimeZone, Utc};
use events::{handle, App};
use invitations_core::domain::token::LinkToken;
use invitations_core::domain::*;
use invitations_core::ports::*;
use invitations_wire::events::{EventData, EventType, ProductEvent, EVENT_SOURCE};
use std::collections::{BTreeMap, BTreeSet};
use testkit::TestEnv;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn admin() -> UserId {
    UserId::parse("admin-a").unwrap()
}

/// A bus of this test's own, a rule for the product's events, and an SQS queue as its target.
struct Bus {
    app: App,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
}

impl Bus {
    async fn new(env: &TestEnv) -> Self {
        let bridge = aws_sdk_eventbridge::Client::new(&env.sdk);
        let sqs = aws_sdk_sqs::Client::new(&env.sdk);
        let name = format!("{}-events", env.table);
        bridge.create_event_bus().name(&name).send().await.unwrap();
        let queue_url = sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let queue_arn = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
            .clone();
        bridge
            .put_rule()
            .name("product-events")
            .event_bus_name(&name)
            .event_pattern(serde_json::json!({ "source": [EVENT_SOURCE] }).to_string())
            .send()
            .await
            .unwrap();
        bridge
            .put_targets()
            .rule("product-events")
            .event_bus_name(&name)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id("queue")
                    .arn(queue_arn)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        Self {
            app: App { bridge, bus: name },
            sqs,
            queue_url,
        }
    }

    /// Every event the rule delivered so far, as EventBridge wrote it, checked and parsed.
    async fn received(&self) -> Vec<ProductEvent> {
        let mut events = Vec::new();
        loop {
            let got = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap();
            if got.messages().is_empty() {
                return events;
            }
            for message in got.messages() {
                let envelope: serde_json::Value =
                    serde_json::from_str(message.body().unwrap()).unwrap();
                assert_eq!(envelope["source"], EVENT_SOURCE);
                let event: ProductEvent = serde_json::from_value(envelope["detail"].clone())
                    .unwrap_or_else(|e| panic!("not a product event ({e}): {envelope}"));
                assert_eq!(envelope["detail-type"], event.kind.as_str());
                events.push(event);
                self.sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(message.receipt_handle().unwrap())
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
}

async fn invite(env: &TestEnv, c: &Contract, local: &str) -> Invitation {
    let outcomes = env
        .store
        .create_invitations(NewInvitations {
            contract: c,
            activities: &c
                .activities
                .iter()
                .map(|a| a.id.clone())
                .collect::<Vec<_>>(),
            invited_by: &admin(),
            now: now(),
            invitees: &[Invitee {
                email: EmailAddress::parse(&env.email(local)).unwrap(),
                user_id: None,
                name: None,
                source: Source::Manual,
                options: Default::default(),
            }],
        })
        .await
        .unwrap();
    let id = match &outcomes[0] {
        InviteOutcome::Invited { invitation_id } | InviteOutcome::Reinvited { invitation_id } => {
            invitation_id.clone()
        }
        other => panic!("not invited: {other:?}"),
    };
    env.store.get_invitation(&c.id, &id).await.unwrap().unwrap()
}

fn stream_event(json: serde_json::Value) -> Event {
    serde_json::from_value(json).expect("the stream event as Lambda delivers it")
}

#[tokio::test]
async fn each_change_is_one_event_on_the_bus_however_often_the_stream_delivers_it() {
    let env = TestEnv::new().await;
    let bus = Bus::new(&env).await;
    let c = testkit::contract("c1")
        .admin(admin().as_str())
        .around(now())
        .seat_limit(Some(2))
        .build();
    env.store.put_contract(&c).await.unwrap();
    let ann = invite(&env, &c, "ann").await;
    let bob = invite(&env, &c, "bob").await;
    env.store
        .enrol(
            &LinkToken {
                invitation_id: ann.id.clone(),
                version: ann.token_version,
            },
            Enrolee::New {
                subject: UserId::random(),
                name: "Ann Lee".into(),
            },
            now(),
        )
        .await
        .unwrap();
    env.store
        .revoke(&c.id, &bob.id, &admin(), now())
        .await
        .unwrap();

    // The whole stream, delivered twice (a retried batch): every record is published again.
    let event = env.stream_event().await;
    for _ in 0..2 {
        let answer = handle(&bus.app, stream_event(event.clone())).await.unwrap();
        assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    }
    let received = bus.received().await;
    let by_id: BTreeMap<&str, &ProductEvent> =
        received.iter().map(|e| (e.id.as_str(), e)).collect();
    assert_eq!(
        received.len(),
        2 * by_id.len(),
        "each event twice, with one id"
    );
    let kinds: Vec<(EventType, String)> = by_id
        .values()
        .map(|e| match &e.data {
            EventData::Invitation(i) => (e.kind, i.email.clone()),
            EventData::Contract(c) => (e.kind, format!("{:?}/{:?}", c.seats_used, c.seat_limit)),
            EventData::Import(i) => (e.kind, i.import_id.clone()),
            EventData::Join(j) => (e.kind, j.email.clone()),
        })
        .collect();
    let expected: BTreeSet<(EventType, String)> = [
        (EventType::InvitationCreated, env.email("ann")),
        (EventType::InvitationCreated, env.email("bob")),
        (
            EventType::ContractSeatsExhausted,
            "Some(2)/Some(2)".to_owned(),
        ),
        (EventType::EnrolmentCreated, env.email("ann")),
        (EventType::InvitationRevoked, env.email("bob")),
    ]
    .into();
    assert_eq!(kinds.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert_eq!(
        kinds.len(),
        expected.len(),
        "one event per change: {kinds:?}"
    );
    // Who acted, and never the link.
    for e in by_id.values() {
        let text = serde_json::to_string(e).unwrap();
        assert!(
            !text.contains("token") && !text.contains("/enrol"),
            "{text}"
        );
        if let EventData::Invitation(i) = &e.data {
            assert_eq!(i.contract_id, "c1");
            match e.kind {
                EventType::InvitationCreated | EventType::InvitationRevoked => {
                    assert_eq!(i.actor_id.as_deref(), Some("admin-a"))
                }
                EventType::EnrolmentCreated => assert!(i.actor_id.is_some()),
                _ => {}
            }
            // The invitation's activities, and the order of the change.
            let invited = if i.email == env.email("ann") {
                &ann
            } else {
                &bob
            };
            let activities: Vec<String> =
                invited.activities.iter().map(|a| a.to_string()).collect();
            assert!(!activities.is_empty());
            assert_eq!(i.activities, activities, "{e:?}");
            assert!(
                !i.sequence.is_empty() && i.sequence.bytes().all(|b| b.is_ascii_digit()),
                "{e:?}"
            );
        }
    }
    // A consumer orders an invitation's events by their sequence: the enrolment after the invite.
    let sequence_of = |kind: EventType| -> u128 {
        by_id
            .values()
            .find_map(|e| match &e.data {
                EventData::Invitation(i) if e.kind == kind && i.email == env.email("ann") => {
                    Some(i.sequence.parse().unwrap())
                }
                _ => None,
            })
            .unwrap()
    };
    assert!(sequence_of(EventType::InvitationCreated) < sequence_of(EventType::EnrolmentCreated));
}

#[tokio::test]
async fn a_bus_that_refuses_leaves_every_record_for_lambda_to_deliver_again() {
    let env = TestEnv::new().await;
    let bus = Bus::new(&env).await;
    let c = testkit::contract("c1")
        .admin(admin().as_str())
        .around(now())
        .build();
    env.store.put_contract(&c).await.unwrap();
    invite(&env, &c, "ann").await;
    let event = stream_event(env.stream_event().await);
    let gone = App {
        bridge: bus.app.bridge.clone(),
        bus: format!("{}-no-such-bus", env.table),
    };
    let answer = handle(&gone, event.clone()).await.unwrap();
    let invitation_records = event
        .records
        .iter()
        .filter(|r| {
            let item: invitations_core::adapters::dynamo::items::Item =
                r.change.new_image.clone().into();
            item.get("type")
                .and_then(|t| t.as_s().ok())
                .map(String::as_str)
                == Some("invitation")
        })
        .count();
    assert_eq!(invitation_records, 1);
    assert_eq!(answer.batch_item_failures.len(), 1, "{answer:?}");
    assert!(bus.received().await.is_empty());
}

/// Issue 30: someone waiting for a seat, someone asking for an admin's yes, and a refusal are
/// each one event, with the link they came through; the entries' own later changes make none.
#[tokio::test]
async fn joining_a_line_and_a_refusal_are_events_once() {
    let env = TestEnv::new().await;
    let bus = Bus::new(&env).await;
    let c = testkit::contract("c1")
        .admin(admin().as_str())
        .around(now())
        .build();
    env.store.put_contract(&c).await.unwrap();
    let link = testkit::join_link(&c.id, now());
    env.store.create_join_link(&link).await.unwrap();
    let address = |who: &str| EmailAddress::parse(&env.email(who)).unwrap();
    let waiting = WaitingEntry::new(&link, address("wanda"), now());
    let asking = WaitingEntry::request(&link, address("ravi"), now());
    assert!(env.store.wait_via_link(&waiting, &link).await.unwrap());
    assert!(env.store.wait_via_link(&asking, &link).await.unwrap());
    assert!(env.store.refuse_request(&asking, now()).await.unwrap());
    // Moved in line: no event.
    assert!(env
        .store
        .reposition(&[(&waiting, waiting.position - 5)])
        .await
        .unwrap());

    let event = stream_event(env.stream_event().await);
    handle(&bus.app, event.clone()).await.unwrap();
    handle(&bus.app, event).await.unwrap();
    let mut got: BTreeMap<EventType, Vec<ProductEvent>> = BTreeMap::new();
    for e in bus.received().await {
        got.entry(e.kind).or_default().push(e);
    }
    let ids = |kind: EventType| -> BTreeSet<String> {
        got.get(&kind)
            .map(|v| v.iter().map(|e| e.id.clone()).collect())
            .unwrap_or_default()
    };
    for kind in [
        EventType::WaitingListJoined,
        EventType::JoinRequestCreated,
        EventType::JoinRequestRefused,
    ] {
        assert_eq!(ids(kind).len(), 1, "{kind:?} once: {got:?}");
    }
    let joined = &got[&EventType::WaitingListJoined][0];
    let EventData::Join(data) = &joined.data else {
        panic!("{joined:?}")
    };
    assert_eq!(data.email, env.email("wanda"));
    assert_eq!(data.link_id, Some(link.id.to_string()));
    assert_eq!(data.entry_id, waiting.id.to_string());
    let refused = &got[&EventType::JoinRequestRefused][0];
    let EventData::Join(data) = &refused.data else {
        panic!("{refused:?}")
    };
    assert_eq!(
        (data.email.as_str(), data.entry_id.as_str()),
        (env.email("ravi").as_str(), asking.id.as_str())
    );
    assert_eq!(data.link_id, Some(link.id.to_string()));
}
