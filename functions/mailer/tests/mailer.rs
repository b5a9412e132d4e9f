//! The mailer over the wire: real stream records from moto's DynamoDB Streams, the real store,
//! mail through SES v2 into aws-ses-v2-local (read back from its store).

mod common;

use chrono::Duration;
use common::*;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

fn failed_sequences(
    response: &aws_lambda_events::event::streams::DynamoDbEventResponse,
) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().expect("a sequence number"))
        .collect()
}

#[tokio::test]
async fn each_new_invitation_gets_one_mail_whose_link_enrols() {
    let (env, c) = setup().await;
    let emails = vec![env.email("Ann.Lee"), env.email("bob"), env.email("cy")];
    let ids = invite(&env, &c, &emails, now()).await;
    let clock = TestClock::at(now() + Duration::seconds(3));
    let app = app(&env, ses(&env), &clock);

    let event = stream_event(&env).await;
    // The stream also carries the contract, its counters and the audit record: all ignored.
    assert!(event.records.len() > emails.len());
    let response = app.handle(event).await.unwrap();
    assert!(response.batch_item_failures.is_empty());

    assert_eq!(env.sent_mail().len(), emails.len());
    for (email, id) in emails.iter().zip(&ids) {
        let mail = mail_to(&env, email);
        assert_eq!(mail.len(), 1, "{email}");
        let mail = &mail[0];
        assert_eq!(mail.destination.to, vec![email.clone()]);
        assert_eq!(mail.from, MAIL_FROM);
        assert_eq!(mail.subject, "You're invited to Leadership & Safety 2026");
        let text = mail.body.text.as_deref().expect("a text body");
        let html = mail.body.html.as_deref().expect("an HTML body");
        for part in [
            "invited by Ada Admin",
            "Safety basics",
            "First aid",
            "16 March 2026 at 09:00 UTC",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
            assert!(html.contains(part), "{part} missing from {html}");
        }
        assert!(text.contains("\"Leadership & Safety 2026\""));
        assert!(html.contains("&quot;Leadership &amp; Safety 2026&quot;"));

        let token = token_in(text);
        assert!(html.contains(&format!("href=\"{SITE_URL}/enrol#token={token}\"")));
        let link = env.link_key.verify(&token).expect("the link verifies");
        assert_eq!(
            link,
            LinkToken {
                invitation_id: id.clone(),
                version: 1
            }
        );
        let inv = env.store.get_invitation(&c.id, id).await.unwrap().unwrap();
        assert_eq!(
            inv.delivery,
            Delivery::Sent {
                at: now() + Duration::seconds(3)
            }
        );
        let (enrolled, decision) = env
            .store
            .enrol(
                &link,
                Enrolee::New {
                    subject: UserId::random(),
                    name: "Someone New".into(),
                },
                now() + Duration::hours(1),
            )
            .await
            .unwrap();
        assert_eq!(decision, EnrolDecision::Enrol);
        assert_eq!(enrolled.status, InvitationStatus::Enrolled);
    }
}

#[tokio::test]
async fn a_batch_delivered_twice_or_handled_twice_at_once_sends_each_mail_once() {
    let (env, c) = setup().await;
    let emails: Vec<String> = (0..4).map(|i| env.email(&format!("twice{i}"))).collect();
    invite(&env, &c, &emails, now()).await;
    let clock = TestClock::at(now());
    let app = Arc::new(app(&env, ses(&env), &clock));
    let event = stream_event(&env).await;

    // Two invocations with the same batch at the same time (a retried batch overlapping a slow
    // first run), then the same batch again, then the stream with the mailer's own updates.
    let (a, b) = tokio::join!(app.handle(event.clone()), app.handle(event.clone()));
    assert!(a.unwrap().batch_item_failures.is_empty());
    assert!(b.unwrap().batch_item_failures.is_empty());
    let again = app.handle(event).await.unwrap();
    assert!(again.batch_item_failures.is_empty());
    clock.set(now() + Duration::hours(1));
    let whole = app.handle(stream_event(&env).await).await.unwrap();
    assert!(whole.batch_item_failures.is_empty());

    let sent = env.sent_mail();
    assert_eq!(sent.len(), emails.len());
    let to: HashSet<String> = sent
        .iter()
        .map(|m| m.destination.to[0].to_lowercase())
        .collect();
    let expected: HashSet<String> = emails.iter().map(|e| e.to_lowercase()).collect();
    assert_eq!(to, expected);
}

#[tokio::test]
async fn an_invitation_revoked_before_the_stream_is_handled_gets_no_mail() {
    let (env, c) = setup().await;
    let (kept, revoked) = (env.email("kept"), env.email("revoked"));
    let ids = invite(&env, &c, &[kept.clone(), revoked.clone()], now()).await;
    env.store
        .revoke(&c.id, &ids[1], &admin(), now() + Duration::seconds(10))
        .await
        .unwrap();

    let clock = TestClock::at(now() + Duration::seconds(20));
    let app = app(&env, ses(&env), &clock);
    let response = app.handle(stream_event(&env).await).await.unwrap();
    assert!(response.batch_item_failures.is_empty());

    assert_eq!(mail_to(&env, &kept).len(), 1);
    assert!(mail_to(&env, &revoked).is_empty());
    let inv = env
        .store
        .get_invitation(&c.id, &ids[1])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(inv.status, InvitationStatus::Revoked);
    assert_eq!(inv.delivery, Delivery::Queued);
}

#[tokio::test]
async fn a_resend_mails_a_new_link_and_the_old_link_is_superseded() {
    let (env, c) = setup().await;
    let email = env.email("resent");
    let id = invite(&env, &c, std::slice::from_ref(&email), now()).await[0].clone();
    let clock = TestClock::at(now());
    let app = app(&env, ses(&env), &clock);
    app.handle(stream_event(&env).await).await.unwrap();
    let first = mail_to(&env, &email);
    assert_eq!(first.len(), 1);
    let old_token = token_in(first[0].body.text.as_deref().unwrap());

    let later = now() + Duration::days(2);
    let resent = env.store.resend(&c, &id, &admin(), later).await.unwrap();
    assert_eq!(resent.token_version, 2);
    clock.set(later + Duration::seconds(1));
    // The whole stream again: the first send's record finds nothing to claim, the resend sends.
    let response = app.handle(stream_event(&env).await).await.unwrap();
    assert!(response.batch_item_failures.is_empty());

    let mails = mail_to(&env, &email);
    assert_eq!(mails.len(), 2);
    let tokens: Vec<String> = mails
        .iter()
        .map(|m| token_in(m.body.text.as_deref().unwrap()))
        .collect();
    let new_token = tokens
        .iter()
        .find(|t| **t != old_token)
        .expect("a second, different link")
        .clone();
    let old_link = env.link_key.verify(&old_token).unwrap();
    let new_link = env.link_key.verify(&new_token).unwrap();
    assert_eq!((old_link.version, new_link.version), (1, 2));
    // The new mail gives the new expiry.
    let new_mail = mails
        .iter()
        .find(|m| m.body.text.as_deref().unwrap().contains(&new_token))
        .unwrap();
    assert!(new_mail
        .body
        .text
        .as_deref()
        .unwrap()
        .contains("18 March 2026 at 09:00 UTC"));

    let enrol_at = later + Duration::hours(1);
    let who = || Enrolee::New {
        subject: UserId::random(),
        name: "Resent Person".into(),
    };
    assert!(matches!(
        env.store.enrol(&old_link, who(), enrol_at).await,
        Err(EnrolError::Refused(EnrolRefused::Superseded))
    ));
    let (_, decision) = env.store.enrol(&new_link, who(), enrol_at).await.unwrap();
    assert_eq!(decision, EnrolDecision::Enrol);
}

#[tokio::test]
async fn a_permanent_failure_is_recorded_on_the_invitation() {
    let (env, c) = setup().await;
    let email = env.email("bounces");
    let id = invite(&env, &c, std::slice::from_ref(&email), now()).await[0].clone();
    let refusing = Arc::new(Refusing(
        "MessageRejected: Email address is on the suppression list".into(),
        AtomicU32::new(0),
    ));
    let clock = TestClock::at(now() + Duration::seconds(1));
    let app = app(&env, refusing.clone(), &clock);

    let event = stream_event(&env).await;
    let response = app.handle(event.clone()).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(
        refusing.1.load(Ordering::SeqCst),
        1,
        "no retry for a refusal"
    );

    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(
        inv.delivery,
        Delivery::Failed {
            reason: "MessageRejected: Email address is on the suppression list".into()
        }
    );
    assert_eq!(inv.status, InvitationStatus::Pending);

    // Delivered again, the record finds nothing due: the refusal stands until a resend.
    app.handle(event).await.unwrap();
    assert_eq!(refusing.1.load(Ordering::SeqCst), 1);
    assert!(env.sent_mail().is_empty());
}

#[tokio::test]
async fn a_busy_mail_service_gives_the_send_back_and_a_retry_sends_it() {
    let (env, c) = setup().await;
    let email = env.email("busy");
    let id = invite(&env, &c, std::slice::from_ref(&email), now()).await[0].clone();
    let busy = Arc::new(Busy {
        busy: AtomicU32::new(3),
        calls: AtomicU32::new(0),
        inner: ses(&env),
    });
    let clock = TestClock::at(now() + Duration::seconds(1));
    let app = app(&env, busy.clone(), &clock);

    let event = stream_event(&env).await;
    let position = event
        .records
        .iter()
        .position(|r| {
            r.change.new_image.get("type")
                == Some(&serde_dynamo::AttributeValue::S("invitation".into()))
        })
        .expect("the invitation's record");
    let response = app.handle(event.clone()).await.unwrap();
    // Three tries (the policy), then the record and everything after it go back to Lambda.
    assert_eq!(busy.calls.load(Ordering::SeqCst), 3);
    let expected: Vec<String> = event.records[position..]
        .iter()
        .map(|r| r.change.sequence_number.clone().unwrap())
        .collect();
    assert_eq!(failed_sequences(&response), expected);
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(inv.delivery, Delivery::Queued, "the claim was given back");
    assert!(env.sent_mail().is_empty());

    // Lambda delivers the batch again, now with the claim and its release behind it.
    let retried = stream_event(&env).await;
    assert!(retried.records.len() > event.records.len());
    let response = app.handle(retried).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(busy.calls.load(Ordering::SeqCst), 4);
    assert_eq!(mail_to(&env, &email).len(), 1);
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(
        inv.delivery,
        Delivery::Sent {
            at: now() + Duration::seconds(1)
        }
    );
}

/// Issue 33: the link key is read when a mail first needs a link, not at the start. While it
/// cannot be read, the records before the invitation's (which need none) are done, the
/// invitation's send is given back and its record and the rest go back to Lambda, as a busy
/// mail service's do; the next delivery reads the key again and mails a link signed with it.
#[tokio::test]
async fn the_link_key_is_read_when_a_mail_first_needs_it_and_a_failed_read_is_retried() {
    let (env, c) = setup().await;
    let email = env.email("kai");
    let id = invite(&env, &c, std::slice::from_ref(&email), now()).await[0].clone();
    let clock = TestClock::at(now() + Duration::seconds(1));
    let app = app_with_key(&env, ses(&env), &clock, env.link_keys());

    let event = stream_event(&env).await;
    let position = event
        .records
        .iter()
        .position(|r| mailer::queued_invitation(r).is_some())
        .expect("the invitation's record");
    assert!(position > 0, "records that need no key come first");
    let response = app.handle(event.clone()).await.unwrap();
    let expected: Vec<String> = event.records[position..]
        .iter()
        .map(|r| r.change.sequence_number.clone().unwrap())
        .collect();
    assert_eq!(failed_sequences(&response), expected);
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(inv.delivery, Delivery::Queued, "the claim was given back");
    assert!(env.sent_mail().is_empty());

    let key = env.put_link_key(&[5; 48]).await;
    let response = app.handle(stream_event(&env).await).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    let mail = mail_to(&env, &email);
    assert_eq!(mail.len(), 1);
    let token = token_in(mail[0].body.text.as_deref().unwrap());
    assert_eq!(key.verify(&token).unwrap().invitation_id, id);
}

#[tokio::test]
async fn a_short_busy_spell_is_ridden_out_by_the_retries() {
    let (env, c) = setup().await;
    let email = env.email("blip");
    invite(&env, &c, std::slice::from_ref(&email), now()).await;
    let busy = Arc::new(Busy {
        busy: AtomicU32::new(2),
        calls: AtomicU32::new(0),
        inner: ses(&env),
    });
    let app = app(&env, busy.clone(), &TestClock::at(now()));
    let response = app.handle(stream_event(&env).await).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(busy.calls.load(Ordering::SeqCst), 3);
    assert_eq!(mail_to(&env, &email).len(), 1);
}

#[tokio::test]
async fn a_revoke_while_the_mail_waits_for_the_send_rate_stops_it() {
    let (env, c) = setup().await;
    let (first, waiting) = (env.email("first"), env.email("waiting"));
    let ids = invite(&env, &c, &[first.clone(), waiting.clone()], now()).await;
    let clock = TestClock::at(now() + Duration::seconds(5));
    // One mail every two seconds: the second waits for its turn, and is revoked meanwhile.
    let app = Arc::new(app(&env, ses(&env), &clock).with_send_rate(0.5).unwrap());
    let event = stream_event(&env).await;
    let handling = tokio::spawn({
        let app = app.clone();
        async move { app.handle(event).await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert!(
        !handling.is_finished(),
        "the second mail is still waiting for its turn"
    );
    env.store
        .revoke(&c.id, &ids[1], &admin(), now() + Duration::seconds(6))
        .await
        .unwrap();
    assert!(handling.await.unwrap().batch_item_failures.is_empty());
    assert_eq!(mail_to(&env, &first).len(), 1);
    assert!(
        mail_to(&env, &waiting).is_empty(),
        "claimed only after the wait, so not sent"
    );
}
