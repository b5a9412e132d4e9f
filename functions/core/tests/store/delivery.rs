//! The mailer's claim and record, and each send's history entry.

use crate::common::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;

#[tokio::test]
async fn a_queued_send_is_claimed_once_and_its_result_recorded() {
    let (env, c) = setup(None).await;
    let email = env.email("hal");
    let id = id_of(&invite(&env, &c, std::slice::from_ref(&email), now()).await[0]);
    let identity = email.to_lowercase();
    let claimed = env
        .store
        .claim_send(&c.id, &identity, 1, now())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(claimed.delivery, Delivery::Sending { .. }));
    // The same stream record again, a moment later: nothing to claim.
    assert!(env
        .store
        .claim_send(&c.id, &identity, 1, now())
        .await
        .unwrap()
        .is_none());
    env.store
        .record_delivery(
            &claimed,
            DeliveryResult::Sent {
                message_id: "m-1".into(),
                remind_at: None,
            },
            now(),
        )
        .await
        .unwrap();
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(
        (inv.delivery, inv.last_sent_at),
        (Delivery::Sent { at: now() }, Some(now()))
    );
    assert!(env
        .store
        .claim_send(&c.id, &identity, 1, now() + Duration::hours(1))
        .await
        .unwrap()
        .is_none());

    // A claim left by a mailer that died is taken over once it is stale.
    let later = now() + Duration::days(1);
    let resent = env.store.resend(&c, &id, &admin(), later).await.unwrap();
    let first = env
        .store
        .claim_send(&c.id, &identity, resent.token_version, later)
        .await
        .unwrap();
    assert!(first.is_some());
    assert!(env
        .store
        .claim_send(
            &c.id,
            &identity,
            resent.token_version,
            later + Duration::minutes(1)
        )
        .await
        .unwrap()
        .is_none());
    let retaken = env
        .store
        .claim_send(
            &c.id,
            &identity,
            resent.token_version,
            later + Duration::minutes(6),
        )
        .await
        .unwrap()
        .unwrap();
    env.store
        .record_delivery(
            &retaken,
            DeliveryResult::Failed {
                reason: "address rejected".into(),
            },
            later,
        )
        .await
        .unwrap();
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(
        inv.delivery,
        Delivery::Failed {
            reason: "address rejected".into()
        }
    );

    // Nothing is claimed for an invitation that is no longer pending.
    env.store.revoke(&c.id, &id, &admin(), later).await.unwrap();
    assert!(env
        .store
        .claim_send(
            &c.id,
            &identity,
            resent.token_version,
            later + Duration::hours(1)
        )
        .await
        .unwrap()
        .is_none());
}

/// Each send is in the invitation's history once, whoever records it: the mailer, or the SES
/// Send event when the mailer could not (`record_accepted`); a record that finds the send no
/// longer claimed writes nothing, history included.
#[tokio::test]
async fn each_send_is_in_the_history_once_whoever_records_it() {
    let (env, c) = setup(None).await;
    let email = env.email("ida");
    let id = id_of(&invite(&env, &c, std::slice::from_ref(&email), now()).await[0]);
    let identity = email.to_lowercase();
    let claimed = env
        .store
        .claim_send(&c.id, &identity, 1, now())
        .await
        .unwrap()
        .unwrap();
    let at = now() + Duration::seconds(2);
    assert!(env.store.record_accepted(&id, 1, "m-1", at).await.unwrap());
    assert!(!env.store.record_accepted(&id, 1, "m-1", at).await.unwrap());
    // The mailer's own record comes late: the send is no longer claimed.
    env.store
        .record_delivery(
            &claimed,
            DeliveryResult::Sent {
                message_id: "m-1".into(),
                remind_at: None,
            },
            at + Duration::seconds(1),
        )
        .await
        .unwrap();

    let later = now() + Duration::days(1);
    let resent = env.store.resend(&c, &id, &admin(), later).await.unwrap();
    let claimed = env
        .store
        .claim_send(&c.id, &identity, resent.token_version, later)
        .await
        .unwrap()
        .unwrap();
    env.store
        .record_delivery(
            &claimed,
            DeliveryResult::Failed {
                reason: "address rejected".into(),
            },
            later + Duration::seconds(1),
        )
        .await
        .unwrap();

    let page = env
        .store
        .invitation_history(&c.id, &id, None, 50)
        .await
        .unwrap()
        .unwrap();
    let seen: Vec<(AuditAction, Option<String>)> = page
        .entries
        .iter()
        .map(|e| (e.action, e.detail.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (AuditAction::SendFailed, Some("address rejected".to_owned())),
            (AuditAction::Resend, None),
            (AuditAction::Sent, Some(format!("to {email}"))),
            (AuditAction::Invite, None),
        ]
    );
    assert!(page
        .entries
        .iter()
        .all(|e| e.invitation_id.as_ref() == Some(&id)));
    assert_eq!(page.next_cursor, None);
    // The contract's audit has the admin's resend (one record), not the mailer's work.
    let audit = env.store.list_audit(&c.id, 10).await.unwrap();
    assert_eq!(
        audit.iter().map(|a| a.action).collect::<Vec<_>>(),
        [AuditAction::Resend, AuditAction::Invite]
    );
    // Another contract's path does not reach the history.
    assert!(env
        .store
        .invitation_history(&ContractId::parse("c2").unwrap(), &id, None, 50)
        .await
        .unwrap()
        .is_none());
}
