//! SES's reports on invitation mail (functions/delivery-events) about mail the mailer really
//! sent: matched by the mail's tag and message id, recorded on the invitation and in its
//! history, once each, never moving a newer send back.

mod common;

use chrono::Duration;
use common::*;
use delivery_events::{record, App as Reports, Envelope};
use invitations_core::adapters::dynamo::items::{invitation_pk, invite_sk, s};
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;
use testkit::TestEnv;

/// The example event of the delivery-events function, for this invitation's send.
fn event(kind: &str, invitation: &InvitationId, message_id: &str, at: &str, to: &str) -> Envelope {
    let mut event: serde_json::Value = serde_json::from_str(include_str!(
        "../../delivery-events/src/testdata/bounce.json"
    ))
    .unwrap();
    let detail = &mut event["detail"];
    detail["mail"]["messageId"] = message_id.into();
    detail["mail"]["destination"] = serde_json::json!([to]);
    detail["mail"]["tags"]["invitation"] = serde_json::json!([invitation.as_str()]);
    match kind {
        "Bounce" => detail["bounce"]["timestamp"] = at.into(),
        "Delivery" => detail["delivery"] = serde_json::json!({"timestamp": at}),
        "DeliveryDelay" => {
            detail["deliveryDelay"] =
                serde_json::json!({"timestamp": at, "delayType": "MailboxFull"})
        }
        "Complaint" => {
            detail["complaint"] =
                serde_json::json!({"timestamp": at, "complaintFeedbackType": "abuse"})
        }
        _ => panic!("{kind}"),
    }
    detail["eventType"] = kind.into();
    serde_json::from_value(event).unwrap()
}

async fn message_id(env: &TestEnv, c: &Contract, email: &str) -> String {
    let identity = EmailAddress::parse(email).unwrap();
    let item = env
        .dynamodb
        .get_item()
        .table_name(&env.table)
        .key("pk", s(invitation_pk(&c.id, identity.identity())))
        .key("sk", s(invite_sk(identity.identity())))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    item.item().unwrap()["message_id"].as_s().unwrap().clone()
}

#[tokio::test]
async fn reports_are_recorded_once_on_the_current_send_and_always_in_the_history() {
    let (env, c) = setup().await;
    let to = env.email("reported");
    let id = invite(&env, &c, std::slice::from_ref(&to), now())
        .await
        .remove(0);
    let clock = TestClock::at(now() + Duration::seconds(5));
    let mailer = app(&env, ses(&env), &clock);
    mailer.handle(stream_event(&env).await).await.unwrap();
    let first = message_id(&env, &c, &to).await;
    assert!(!first.is_empty(), "the mailer stored SES's message id");
    let reports = Reports {
        store: Arc::new(env.store_as("delivery-events")),
    };

    // Delayed, then delivered (twice: EventBridge delivers at least once), then a late
    // "delayed" that must not cover the delivery.
    let delayed = event("DeliveryDelay", &id, &first, "2026-03-02T09:00:10Z", &to);
    let delivered = event("Delivery", &id, &first, "2026-03-02T09:00:20Z", &to);
    assert_eq!(
        record(&reports, &delayed).await.unwrap(),
        Some(ReportOutcome::Current)
    );
    for _ in 0..2 {
        assert_eq!(
            record(&reports, &delivered).await.unwrap(),
            Some(ReportOutcome::Current)
        );
    }
    let late = event("DeliveryDelay", &id, &first, "2026-03-02T09:00:30Z", &to);
    assert_eq!(
        record(&reports, &late).await.unwrap(),
        Some(ReportOutcome::HistoryOnly)
    );
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(
        inv.delivery_report.as_ref().map(|r| r.kind),
        Some(ReportKind::Delivered)
    );

    // Resent: the new mail has its own id; a bounce of the old one is history only.
    env.store
        .resend(&c, &id, &admin(), now() + Duration::minutes(5))
        .await
        .unwrap();
    clock.set(now() + Duration::minutes(6));
    mailer.handle(stream_event(&env).await).await.unwrap();
    let second = message_id(&env, &c, &to).await;
    assert_ne!(first, second);
    let old_bounce = event("Bounce", &id, &first, "2026-03-02T09:07:00Z", &to);
    assert_eq!(
        record(&reports, &old_bounce).await.unwrap(),
        Some(ReportOutcome::HistoryOnly)
    );
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(
        inv.delivery_report, None,
        "nothing is known of the new send yet"
    );
    let bounce = event("Bounce", &id, &second, "2026-03-02T09:08:00Z", &to);
    assert_eq!(
        record(&reports, &bounce).await.unwrap(),
        Some(ReportOutcome::Current)
    );
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    let report = inv.delivery_report.expect("the bounce");
    assert_eq!(report.kind, ReportKind::BouncedPermanent);
    assert!(report.detail.contains("550 5.1.1"), "{}", report.detail);

    // The history: each distinct report once (delayed, delivered, late delay, old bounce, bounce).
    let history: Vec<AuditRecord> = env
        .store
        .list_audit(&c.id, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == AuditAction::MailReport)
        .collect();
    assert_eq!(history.len(), 5, "{history:?}");
    assert!(history
        .iter()
        .all(|a| a.subjects == [EmailAddress::parse(&to).unwrap().identity().to_owned()]));

    // The permanent bounce blocked the address: a new send of it is refused by the mailer,
    // in words, and nothing goes out.
    let sent_before = mail_to(&env, &to).len();
    env.store
        .resend(&c, &id, &admin(), now() + Duration::minutes(10))
        .await
        .unwrap();
    clock.set(now() + Duration::minutes(11));
    mailer.handle(stream_event(&env).await).await.unwrap();
    assert_eq!(mail_to(&env, &to).len(), sent_before);
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    let Delivery::Failed { reason } = &inv.delivery else {
        panic!("{:?}", inv.delivery)
    };
    assert!(
        reason.starts_with("Not sent: mail to it bounced for good"),
        "{reason}"
    );

    // A report for an invitation that does not exist is ignored, not an error.
    let unknown = event(
        "Delivery",
        &InvitationId::random(),
        "m-x",
        "2026-03-02T10:00:00Z",
        &to,
    );
    assert_eq!(
        record(&reports, &unknown).await.unwrap(),
        Some(ReportOutcome::Unknown)
    );
}
