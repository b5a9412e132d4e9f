//! Retention (issue 32): audit records and their history copies carry `ttl` = their time plus
//! the store's audit period, and the contract's audit leaves out a record past it that
//! DynamoDB has not deleted yet (its TTL deletes up to days late).

use crate::common::*;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{Duration, Utc};
use invitations_core::adapters::dynamo::items::{AUDIT_KEPT_DAYS, TTL};
use invitations_core::adapters::DynamoStore;
use invitations_core::domain::*;
use invitations_core::ports::*;

/// Every item of the contract's partition whose sort key starts with `prefix`.
async fn items(
    store: &DynamoStore,
    contract: &ContractId,
    prefix: &str,
) -> Vec<std::collections::HashMap<String, AttributeValue>> {
    use invitations_core::adapters::dynamo::items::{contract_pk, history_pk};
    // An invitation's history is in its shard (issue 33), the audit in the contract's partition.
    let pk = match prefix.strip_prefix("HISTORY#") {
        Some(id) => history_pk(
            contract,
            &InvitationId::parse(id.trim_end_matches('#')).unwrap(),
        ),
        None => contract_pk(contract),
    };
    store
        .client()
        .query()
        .table_name(store.table())
        .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
        .expression_attribute_values(":pk", AttributeValue::S(pk))
        .expression_attribute_values(":p", AttributeValue::S(prefix.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .items()
        .to_vec()
}

fn ttl_of(item: &std::collections::HashMap<String, AttributeValue>) -> Option<i64> {
    match item.get(TTL) {
        Some(AttributeValue::N(n)) => Some(n.parse().unwrap()),
        _ => None,
    }
}

async fn invite_with(
    store: &DynamoStore,
    c: &Contract,
    email: &str,
    at: chrono::DateTime<Utc>,
) -> InvitationId {
    let activities = vec![ActivityId::parse("a1").unwrap()];
    let outcomes = store
        .create_invitations(NewInvitations {
            contract: c,
            activities: &activities,
            invited_by: &admin(),
            now: at,
            invitees: &[invitee(email)],
        })
        .await
        .unwrap();
    id_of(&outcomes[0])
}

#[tokio::test]
async fn audit_records_and_their_history_expire_after_the_store_s_period() {
    let (env, c) = setup(None).await;
    let kept = Duration::minutes(10);
    let store = env.store.clone().with_audit_retention(kept);
    assert_eq!(store.audit_kept(), kept);
    assert_eq!(env.store.audit_kept(), Duration::days(AUDIT_KEPT_DAYS));

    let invited_at = now();
    let revoked_at = now() + Duration::hours(3);
    let id = invite_with(&store, &c, "kept@example.com", invited_at).await;
    assert_eq!(
        store
            .revoke(&c.id, &id, &admin(), revoked_at)
            .await
            .unwrap(),
        RevokeDecision::Revoke
    );

    // The invite's audit record and the revoke's: each `at` plus ten minutes.
    let audit = items(&store, &c.id, "AUDIT#").await;
    let mut ttls: Vec<i64> = audit.iter().map(|i| ttl_of(i).expect("ttl")).collect();
    ttls.sort();
    assert_eq!(
        ttls,
        vec![
            (invited_at + kept).timestamp(),
            (revoked_at + kept).timestamp()
        ]
    );
    // The revoke's history copy and the invite's, written into the history by the revoke,
    // expire with their records.
    let history = items(&store, &c.id, &format!("HISTORY#{id}#")).await;
    let mut ttls: Vec<i64> = history.iter().map(|i| ttl_of(i).expect("ttl")).collect();
    ttls.sort();
    assert_eq!(
        ttls,
        vec![
            (invited_at + kept).timestamp(),
            (revoked_at + kept).timestamp()
        ]
    );

    // A store built without a period keeps them two years.
    invite_with(&env.store, &c, "default@example.com", invited_at).await;
    let audit = items(&env.store, &c.id, "AUDIT#").await;
    let about = about(&audit, "default@example.com");
    assert_eq!(
        ttl_of(about),
        Some((invited_at + Duration::days(AUDIT_KEPT_DAYS)).timestamp())
    );
}

/// The audit item whose subjects name `email`.
fn about<'a>(
    items: &'a [std::collections::HashMap<String, AttributeValue>],
    email: &str,
) -> &'a std::collections::HashMap<String, AttributeValue> {
    items
        .iter()
        .find(|i| match i.get("subjects") {
            Some(AttributeValue::L(l)) => l.contains(&AttributeValue::S(email.into())),
            _ => false,
        })
        .unwrap_or_else(|| panic!("no audit record about {email}: {items:?}"))
}

#[tokio::test]
async fn the_audit_leaves_out_records_past_their_time_that_are_not_deleted_yet() {
    let (env, c) = setup(None).await;
    // Real time: the table's TTL is wall-clock time.
    let wall = Utc::now();
    let short = env
        .store
        .clone()
        .with_audit_retention(Duration::minutes(10));
    // Past its ten minutes (DynamoDB may not have deleted it yet: moto never does).
    invite_with(&short, &c, "expired@example.com", wall - Duration::hours(1)).await;
    // Within its ten minutes.
    invite_with(&short, &c, "fresh@example.com", wall - Duration::minutes(1)).await;
    // Kept two years.
    invite_with(&env.store, &c, "old@example.com", wall - Duration::days(40)).await;
    // Written before retention existed: no ttl, kept.
    invite_with(
        &env.store,
        &c,
        "untimed@example.com",
        wall - Duration::days(50),
    )
    .await;
    let audit = items(&env.store, &c.id, "AUDIT#").await;
    let untimed = about(&audit, "untimed@example.com");
    env.store
        .client()
        .update_item()
        .table_name(env.store.table())
        .key("pk", untimed["pk"].clone())
        .key("sk", untimed["sk"].clone())
        .update_expression("REMOVE #ttl")
        .expression_attribute_names("#ttl", TTL)
        .send()
        .await
        .unwrap();
    assert_eq!(items(&env.store, &c.id, "AUDIT#").await.len(), 4);

    let shown = |page: &AuditRecordPage| -> Vec<String> {
        page.records
            .iter()
            .flat_map(|r| r.subjects.iter().cloned())
            .collect()
    };
    let page = short
        .audit_page(&c.id, &AuditQuery::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(
        shown(&page),
        vec![
            "fresh@example.com",
            "old@example.com",
            "untimed@example.com"
        ]
    );
    // Filtered by action and paged one by one, the same three.
    let query = AuditQuery {
        action: Some(AuditAction::Invite),
        ..AuditQuery::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = env
            .store
            .audit_page(&c.id, &query, cursor.as_deref(), 1)
            .await
            .unwrap();
        seen.extend(shown(&page));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        vec![
            "fresh@example.com",
            "old@example.com",
            "untimed@example.com"
        ]
    );
}

#[tokio::test]
async fn an_invitations_history_leaves_out_entries_past_their_time() {
    let (env, c) = setup(None).await;
    let wall = Utc::now();
    let short = env
        .store
        .clone()
        .with_audit_retention(Duration::minutes(10));
    let id = invite_with(&short, &c, "hist@example.com", wall - Duration::hours(2)).await;
    // Resent an hour ago (expired by now), extended a minute ago (not yet).
    short
        .resend(&c, &id, &admin(), wall - Duration::hours(1))
        .await
        .unwrap();
    short
        .extend(
            &c.id,
            &id,
            wall + Duration::days(20),
            &admin(),
            wall - Duration::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(
        items(&short, &c.id, &format!("HISTORY#{id}#")).await.len(),
        2
    );

    let page = short
        .invitation_history(&c.id, &id, None, 50)
        .await
        .unwrap()
        .expect("the invitation");
    let actions: Vec<AuditAction> = page.entries.iter().map(|r| r.action).collect();
    // The current invite comes from the invitation itself, which does not expire.
    assert_eq!(actions, [AuditAction::Extend, AuditAction::Invite]);
}
