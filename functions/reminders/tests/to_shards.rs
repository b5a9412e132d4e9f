//! The one-time move of invitations written before the shards (issue 33) over the wire
//! (moto's table), run as the reminders role allows (testkit's LeadingKeys): items in a
//! contract's own partition go to their shards with their history, once however often or
//! however many runs at once, and an invitation made since for the same address stays.

#[path = "../../mailer/tests/common/mod.rs"]
mod common;

use chrono::{Duration, Utc};
use common::*;
use invitations_core::adapters::dynamo::items::*;
use invitations_core::domain::*;
use invitations_core::ports::*;
use reminders::move_to_shards;
use testkit::TestEnv;

/// An invitation and one history item as a version before the shards wrote them.
async fn old_invitation(env: &TestEnv, c: &Contract, local: &str, status: InvitationStatus) {
    let email = EmailAddress::parse(&env.email(local)).unwrap();
    let id = InvitationId::random();
    let at = Utc::now() - Duration::days(2);
    let item = Item::from([
        ("pk".into(), s(contract_pk(&c.id))),
        ("sk".into(), s(invite_sk(email.identity()))),
        (
            "gsi1pk".into(),
            s(format!("INVITES#{}#{}", c.id, status.as_str())),
        ),
        ("gsi1sk".into(), s(email.identity())),
        ("type".into(), s("invitation")),
        ("invitation_id".into(), s(id.as_str())),
        ("contract_id".into(), s(c.id.as_str())),
        ("email".into(), s(email.as_entered())),
        ("status".into(), s(status.as_str())),
        ("activities".into(), list_s(&["a1"])),
        ("invited_by".into(), s(admin().as_str())),
        ("invited_at".into(), ms(at)),
        ("token_version".into(), n(1)),
        ("expires_at".into(), ms(at + Duration::days(30))),
        ("send_count".into(), n(1)),
        ("last_queued_at".into(), ms(at)),
        ("delivery".into(), s("sent")),
        ("last_sent_at".into(), ms(at)),
    ]);
    let record = AuditRecord::on_invitation(
        AuditAction::Resend,
        &admin(),
        &invitation_from(&item).unwrap(),
        at + Duration::hours(1),
    );
    let mut history = history_item(
        &c.id,
        &record,
        history_sk(&id, record.at),
        Duration::days(AUDIT_KEPT_DAYS),
    );
    history.insert("pk".into(), s(contract_pk(&c.id)));
    for item in [item, history] {
        env.dynamodb
            .put_item()
            .table_name(&env.table)
            .set_item(Some(item))
            .send()
            .await
            .unwrap();
    }
}

/// What the contract's own partition still holds of invitations and histories.
async fn left_in_old_partition(env: &TestEnv, c: &Contract) -> usize {
    let mut left = 0;
    for kind in [INVITE_SK_PREFIX, "HISTORY#"] {
        left += env
            .dynamodb
            .query()
            .table_name(&env.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :k)")
            .expression_attribute_values(":pk", s(contract_pk(&c.id)))
            .expression_attribute_values(":k", s(kind))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .count() as usize;
    }
    left
}

async fn listed(env: &TestEnv, c: &Contract, status: Option<ShownStatus>) -> Vec<Invitation> {
    let query = InvitationQuery {
        status,
        limit: 100,
        ..Default::default()
    };
    env.store
        .list_invitations(&c.id, &query, Utc::now())
        .await
        .unwrap()
        .invitations
}

#[tokio::test]
async fn invitations_from_before_the_shards_move_with_their_history_once() {
    let (env, c) = setup().await;
    for i in 0..12 {
        let status = match i % 3 {
            0 => InvitationStatus::Enrolled,
            _ => InvitationStatus::Pending,
        };
        old_invitation(&env, &c, &format!("p{i:02}"), status).await;
    }
    // Before the move the reads, which look in the shards, do not see them.
    assert!(listed(&env, &c, None).await.is_empty());

    // Three runs at once, each allowed 10 writes, then runs until none is left.
    let reminders = env.store_as("reminders");
    let (a, b, c3) = tokio::join!(
        move_to_shards(&reminders, Utc::now(), 20, 10),
        move_to_shards(&reminders, Utc::now(), 20, 10),
        move_to_shards(&reminders, Utc::now(), 20, 10),
    );
    for counts in [a, b, c3] {
        counts.unwrap();
    }
    for _ in 0..10 {
        let counts = move_to_shards(&reminders, Utc::now(), 20, 10)
            .await
            .unwrap();
        if !counts.more && left_in_old_partition(&env, &c).await == 0 {
            break;
        }
    }
    assert_eq!(left_in_old_partition(&env, &c).await, 0);
    let all = listed(&env, &c, None).await;
    assert_eq!(all.len(), 12, "each once");
    let enrolled = listed(&env, &c, Some(ShownStatus::Enrolled)).await;
    assert_eq!(enrolled.len(), 4, "the status index entries moved too");
    for inv in &all {
        let history = env
            .store
            .invitation_history(&c.id, &inv.id, None, 50)
            .await
            .unwrap()
            .expect("found by its id");
        let resent = history
            .entries
            .iter()
            .filter(|e| e.action == AuditAction::Resend)
            .count();
        assert_eq!(resent, 1, "its history came along, once");
    }
    // Marked: later runs look at it no more.
    assert!(!reminders
        .contracts_to_shard(100)
        .await
        .unwrap()
        .contains(&c.id));
    let again = move_to_shards(&reminders, Utc::now(), 20, 10)
        .await
        .unwrap();
    assert_eq!((again.moved, again.left), (0, 0));
}

#[tokio::test]
async fn an_invitation_made_since_for_the_same_address_stays() {
    let (env, c) = setup().await;
    old_invitation(&env, &c, "both", InvitationStatus::Pending).await;
    old_invitation(&env, &c, "only-old", InvitationStatus::Pending).await;
    // Invited again after the upgrade, before the move: a new invitation at the shard's key.
    let new_id = invite(&env, &c, &[env.email("both")], now())
        .await
        .remove(0);

    let counts = move_to_shards(&env.store_as("reminders"), Utc::now(), 20, 100)
        .await
        .unwrap();
    assert_eq!(counts.left, 1, "{counts:?}");
    let all = listed(&env, &c, None).await;
    assert_eq!(all.len(), 2);
    let both = all
        .iter()
        .find(|i| i.email.identity() == env.email("both"))
        .unwrap();
    assert_eq!(both.id, new_id, "the new invitation keeps its place");
    // The old one stays under its old key (logged, for an operator); the contract is marked,
    // so the runs go on to other contracts.
    assert_eq!(left_in_old_partition(&env, &c).await, 1);
    assert!(!env
        .store_as("reminders")
        .contracts_to_shard(100)
        .await
        .unwrap()
        .contains(&c.id));
}
