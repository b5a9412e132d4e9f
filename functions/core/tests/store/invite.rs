//! Creating invitations: one, a batch, the seat limit, finding them by address.

use crate::common::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::collections::HashSet;

#[tokio::test]
async fn a_new_invitation_is_pending_queued_and_counted() {
    let (env, c) = setup(None).await;
    let email = env.email("Ann.Lee");
    let outcomes = invite(&env, &c, std::slice::from_ref(&email), now()).await;
    let id = match &outcomes[0] {
        InviteOutcome::Invited { invitation_id } => invitation_id.clone(),
        other => panic!("expected invited, got {other:?}"),
    };
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(inv.email.as_entered(), email);
    assert_eq!(inv.status, InvitationStatus::Pending);
    assert_eq!(inv.delivery, Delivery::Queued);
    assert_eq!(inv.token_version, 1);
    assert_eq!(inv.expires_at, now() + Duration::days(14));
    assert_eq!(inv.activities, vec![ActivityId::parse("a1").unwrap()]);
    let stored = env.store.get_contract(&c.id).await.unwrap().unwrap();
    assert_eq!(
        stored.counts,
        StatusCounts {
            pending: 1,
            enrolled: 0,
            revoked: 0
        }
    );
    let audit = env.store.list_audit(&c.id, 10).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, AuditAction::Invite);
    assert_eq!(audit[0].subjects, vec![email.to_lowercase()]);
    // Another contract's path does not reach it.
    let other = ContractId::parse("c2").unwrap();
    assert!(env
        .store
        .get_invitation(&other, &id)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_second_create_reports_already_invited_and_leaves_the_first_untouched() {
    let (env, c) = setup(None).await;
    let email = env.email("bob");
    let first = invite(&env, &c, std::slice::from_ref(&email), now()).await;
    let before = env
        .store
        .get_invitation(&c.id, &id_of(&first[0]))
        .await
        .unwrap()
        .unwrap();

    let again = invite(
        &env,
        &c,
        &[email.to_uppercase()],
        now() + Duration::hours(1),
    )
    .await;
    assert_eq!(
        again[0],
        InviteOutcome::AlreadyInvited {
            invitation_id: before.id.clone()
        }
    );
    let after = env
        .store
        .get_invitation(&c.id, &before.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after, before);
    assert_eq!(
        env.store
            .get_contract(&c.id)
            .await
            .unwrap()
            .unwrap()
            .counts
            .pending,
        1
    );
}

#[tokio::test]
async fn a_batch_of_250_where_40_exist_writes_exactly_210() {
    let (env, c) = setup(None).await;
    let emails: Vec<String> = (0..250).map(|i| env.email(&format!("p{i:03}"))).collect();
    let existing: Vec<String> = emails.iter().step_by(6).take(40).cloned().collect();
    assert_eq!(existing.len(), 40);
    let early = now() - Duration::days(1);
    invite(&env, &c, &existing, early).await;

    let outcomes = invite(&env, &c, &emails, now()).await;
    let invited = outcomes
        .iter()
        .filter(|o| matches!(o, InviteOutcome::Invited { .. }))
        .count();
    let already = outcomes
        .iter()
        .filter(|o| matches!(o, InviteOutcome::AlreadyInvited { .. }))
        .count();
    assert_eq!((invited, already), (210, 40));

    let page = env
        .store
        .list_invitations(
            &c.id,
            &InvitationQuery {
                limit: 500,
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(page.invitations.len(), 250);
    let old: HashSet<&str> = existing.iter().map(String::as_str).collect();
    for inv in &page.invitations {
        let expected = if old.contains(inv.email.as_entered()) {
            early
        } else {
            now()
        };
        assert_eq!(inv.invited_at, expected, "{}", inv.email);
        assert_eq!(inv.token_version, 1);
    }
    let counts = env.store.get_contract(&c.id).await.unwrap().unwrap().counts;
    assert_eq!(counts.pending, 250);
    // 210 new ones in transactions of at most 98, plus the 40 earlier: audit has one per batch.
    let audit = env.store.list_audit(&c.id, 100).await.unwrap();
    let audited: usize = audit.iter().map(|a| a.subjects.len()).sum();
    assert_eq!(audited, 250);
}

#[tokio::test]
async fn the_seat_limit_holds_and_the_rest_are_reported() {
    let (env, c) = setup(Some(5)).await;
    let emails: Vec<String> = (0..8).map(|i| env.email(&format!("s{i}"))).collect();
    let outcomes = invite(&env, &c, &emails[..3], now()).await;
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, InviteOutcome::Invited { .. })));
    // The contract snapshot is stale (0 used): the condition on the counter still holds the line.
    let outcomes = invite(&env, &c, &emails[3..], now()).await;
    let codes: Vec<&str> = outcomes.iter().map(|o| o.code()).collect();
    assert_eq!(
        codes,
        [
            "invited",
            "invited",
            "over_seat_limit",
            "over_seat_limit",
            "over_seat_limit"
        ]
    );
    let counts = env.store.get_contract(&c.id).await.unwrap().unwrap().counts;
    assert_eq!(counts.seats_used(), 5);
}

#[tokio::test]
async fn invitations_are_found_by_email_in_batches_and_only_in_their_contract() {
    let (env, c) = setup(None).await;
    let emails: Vec<String> = (0..150).map(|i| env.email(&format!("f{i:03}"))).collect();
    invite(&env, &c, &emails, now()).await;
    let mut other = contract("c2", None);
    other.name = "Another".into();
    env.store.put_contract(&other).await.unwrap();
    invite(&env, &other, &[env.email("elsewhere")], now()).await;

    // 150 that exist (over one batch of 100), 10 that do not, one from the other contract.
    let mut asked: Vec<String> = emails.iter().map(|e| e.to_lowercase()).collect();
    asked.extend((0..10).map(|i| env.email(&format!("nobody{i}")).to_lowercase()));
    asked.push(env.email("elsewhere").to_lowercase());
    let identities: Vec<&str> = asked.iter().map(String::as_str).collect();
    let found = env
        .store
        .find_invitations_by_email(&c.id, &identities)
        .await
        .unwrap();
    let got: HashSet<String> = found
        .iter()
        .map(|inv| inv.email.identity().to_owned())
        .collect();
    let expected: HashSet<String> = emails.iter().map(|e| e.to_lowercase()).collect();
    assert_eq!(got, expected);
    assert_eq!(found.len(), 150);
    assert!(found.iter().all(|inv| inv.contract_id == c.id));
    assert!(env
        .store
        .find_invitations_by_email(&c.id, &[])
        .await
        .unwrap()
        .is_empty());
}
