//! No mail lost, none doubled: the send sweeper (functions/send-sweeper) and the mailer
//! together, over the wire (moto's table and stream, aws-ses-v2-local), with the clock moved.

mod common;

use chrono::Duration;
use common::*;
use invitations_core::adapters::dynamo::items::{invitation_pk, invite_sk, s};
use invitations_core::domain::*;
use invitations_core::ports::*;
use send_sweeper::{run, SweepReport};
use std::sync::Arc;
use testkit::TestEnv;

fn sweeper(env: &TestEnv, clock: &TestClock) -> send_sweeper::App {
    send_sweeper::App {
        store: Arc::new(env.store_as("send-sweeper")),
        clock: clock.clock(),
    }
}

/// The raw item: what the store keeps beside the domain's view (message id, sweeps, index).
async fn item(
    env: &TestEnv,
    c: &Contract,
    email: &str,
) -> invitations_core::adapters::dynamo::items::Item {
    let identity = EmailAddress::parse(email).unwrap();
    env.dynamodb
        .get_item()
        .table_name(&env.table)
        .key("pk", s(invitation_pk(&c.id, identity.identity())))
        .key("sk", s(invite_sk(identity.identity())))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item()
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn a_send_lost_mid_flight_or_never_picked_up_is_queued_again_and_mailed_once() {
    let (env, c) = setup().await;
    let (crashed, lost) = (env.email("crashed"), env.email("lost"));
    invite(&env, &c, &[crashed.clone(), lost.clone()], now()).await;
    // The mailer claimed one send and died before recording it; the other's stream record
    // never reached the mailer (the trigger gave up on it).
    let claimed = env
        .store
        .claim_send(&c.id, &crashed.to_lowercase(), 1, now())
        .await
        .unwrap();
    assert!(claimed.is_some());
    let clock = TestClock::at(now() + Duration::minutes(1));
    // The record's retry, seconds later: the claim is young, so nothing is sent.
    let mailer = app(&env, ses(&env), &clock);
    let sweep = sweeper(&env, &clock);
    assert_eq!(
        run(&sweep).await.unwrap(),
        SweepReport::default(),
        "nothing is due yet"
    );

    // Past both limits, the sweeper queues both again, once each, even when it runs twice.
    clock.set(now() + Duration::minutes(16));
    let first = run(&sweep).await.unwrap();
    assert_eq!((first.due, first.requeued), (2, 2), "{first:?}");
    assert_eq!(run(&sweep).await.unwrap(), SweepReport::default());

    // The fresh stream records reach the mailer: one mail each, recorded with SES's id.
    let response = mailer.handle(stream_event(&env).await).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    for address in [&crashed, &lost] {
        assert_eq!(mail_to(&env, address).len(), 1, "{address}");
        let stored = item(&env, &c, address).await;
        assert_eq!(stored["delivery"].as_s().unwrap(), "sent");
        assert!(!stored["message_id"].as_s().unwrap().is_empty());
        assert!(
            !stored.contains_key("send_due_at"),
            "off the sweeper's index"
        );
    }
    // Everything once more, later: no more mail, nothing due.
    clock.set(now() + Duration::hours(2));
    mailer.handle(stream_event(&env).await).await.unwrap();
    assert_eq!(run(&sweep).await.unwrap(), SweepReport::default());
    assert_eq!(
        mail_to(&env, &crashed).len() + mail_to(&env, &lost).len(),
        2
    );
}

#[tokio::test]
async fn a_send_that_is_never_sent_is_given_up_visibly_and_revoked_ones_are_not_swept() {
    let (env, c) = setup().await;
    let (stuck, revoked) = (env.email("stuck"), env.email("gone"));
    let ids = invite(&env, &c, &[stuck.clone(), revoked.clone()], now()).await;
    env.store
        .revoke(&c.id, &ids[1], &admin(), now())
        .await
        .unwrap();
    let clock = TestClock::at(now());
    let sweep = sweeper(&env, &clock);
    // No mailer runs at all: every sweep finds the send stuck again.
    let mut requeued = 0;
    for round in 1..=10 {
        clock.set(now() + Duration::minutes(16 * round));
        let report = run(&sweep).await.unwrap();
        requeued += report.requeued;
        if report.gave_up == 1 {
            break;
        }
    }
    assert_eq!(requeued, 5, "MAX_SWEEPS requeues, then it gives up");
    let inv = env
        .store
        .get_invitation(&c.id, &ids[0])
        .await
        .unwrap()
        .unwrap();
    let Delivery::Failed { reason } = &inv.delivery else {
        panic!("{:?}", inv.delivery)
    };
    assert!(reason.contains("could not be sent"), "{reason}");
    // Giving up is in the invitation's history, once, with the reason.
    let history = env
        .store
        .invitation_history(&c.id, &ids[0], None, 50)
        .await
        .unwrap()
        .unwrap();
    let failed: Vec<_> = history
        .entries
        .iter()
        .filter(|e| e.action == AuditAction::SendFailed)
        .collect();
    assert_eq!(failed.len(), 1, "{:?}", history.entries);
    assert_eq!(failed[0].detail.as_deref(), Some(reason.as_str()));
    // The revoked invitation was never on the index; the given-up one is off it now.
    assert!(!item(&env, &c, &revoked).await.contains_key("send_due_at"));
    clock.set(now() + Duration::days(1));
    assert_eq!(run(&sweep).await.unwrap(), SweepReport::default());
}

/// SES, after which the table goes down (the outage the mailer must not answer by mailing again).
struct ThenOutage {
    ses: Arc<invitations_core::adapters::SesMailer>,
    outage: testkit::Outage,
}

#[async_trait::async_trait]
impl Mailer for ThenOutage {
    async fn send(&self, mail: &OutgoingMail) -> Result<String, MailError> {
        let accepted = self.ses.send(mail).await;
        self.outage.set(true);
        accepted
    }
}

#[tokio::test]
async fn a_mail_ses_accepted_is_never_given_back_even_when_its_record_fails() {
    let (env, c) = setup().await;
    let to = env.email("accepted");
    invite(&env, &c, std::slice::from_ref(&to), now()).await;
    // Only the write that records the sent mail fails; giving the claim back would succeed.
    let (store, outage) = env.store_with_outage(Some(":msg"));
    let clock = TestClock::at(now() + Duration::seconds(5));
    let mailer = mailer::App::new(
        Arc::new(store),
        Arc::new(ThenOutage {
            ses: ses(&env),
            outage: outage.clone(),
        }),
        env.link_key.clone(),
        "https://learn.example.com",
    )
    .with_send_rate(1000.0)
    .unwrap()
    .with_retry(mailer::RetryPolicy {
        attempts: 2,
        first_delay: std::time::Duration::from_millis(1),
    })
    .with_clock(clock.clock());
    let event = stream_event(&env).await;
    let response = mailer.handle(event.clone()).await.unwrap();
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "the record comes again"
    );
    outage.set(false);
    assert_eq!(mail_to(&env, &to).len(), 1);
    // The claim was kept: the record's retry finds the send claimed and sends nothing.
    assert_eq!(
        item(&env, &c, &to).await["delivery"].as_s().unwrap(),
        "sending"
    );
    let again = mailer.handle(event).await.unwrap();
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(mail_to(&env, &to).len(), 1);

    // SES's "Send" event for that mail records the send (the mailer could not), so the
    // sweeper finds nothing to send again: exactly one mail, and the send recorded.
    let (_, store) = testkit::http("GET", &env.emulators.ses, "/store", None).unwrap();
    let store: serde_json::Value = serde_json::from_str(&store).unwrap();
    let message_id = store["emails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["destination"]["to"][0].as_str() == Some(to.as_str()))
        .and_then(|m| m["messageId"].as_str())
        .expect("SES's message id")
        .to_owned();
    let inv = env
        .store
        .find_invitations_by_email(&c.id, &[to.to_lowercase().as_str()])
        .await
        .unwrap()
        .remove(0);
    let mut send: serde_json::Value = serde_json::from_str(include_str!(
        "../../delivery-events/src/testdata/bounce.json"
    ))
    .unwrap();
    send["detail"]["eventType"] = "Send".into();
    send["detail"]["mail"]["messageId"] = message_id.clone().into();
    send["detail"]["mail"]["destination"] = serde_json::json!([to]);
    send["detail"]["mail"]["tags"]["invitation"] = serde_json::json!([inv.id.as_str()]);
    send["detail"]["mail"]["tags"]["version"] = serde_json::json!(["1"]);
    let reports = delivery_events::App {
        store: Arc::new(env.store_as("delivery-events")),
    };
    delivery_events::record(&reports, &serde_json::from_value(send).unwrap())
        .await
        .unwrap();
    let stored = item(&env, &c, &to).await;
    assert_eq!(stored["delivery"].as_s().unwrap(), "sent");
    assert_eq!(stored["message_id"].as_s().unwrap(), &message_id);
    clock.set(now() + Duration::minutes(30));
    assert_eq!(
        run(&sweeper(&env, &clock)).await.unwrap(),
        SweepReport::default()
    );
    assert_eq!(mail_to(&env, &to).len(), 1);
}
