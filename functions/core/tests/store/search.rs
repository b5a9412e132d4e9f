//! The invitation list: search by prefix, status filter, paging.

use crate::common::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use testkit::TestEnv;

#[tokio::test]
async fn search_by_prefix_filters_by_status_and_pages_with_a_cursor() {
    let (env, c) = setup(None).await;
    let emails: Vec<String> = (0..30)
        .map(|i| env.email(&format!("{}{i:02}", if i % 2 == 0 { "ann" } else { "bob" })))
        .collect();
    let outcomes = invite(&env, &c, &emails, now()).await;
    env.store
        .revoke(&c.id, &id_of(&outcomes[1]), &admin(), now())
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let q = InvitationQuery {
            email_prefix: "ANN".into(),
            limit: 4,
            cursor: cursor.clone(),
            ..Default::default()
        };
        let page = env.store.list_invitations(&c.id, &q, now()).await.unwrap();
        seen.extend(
            page.invitations
                .iter()
                .map(|i| i.email.identity().to_owned()),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 15);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "sorted, no repeats: {seen:?}"
    );
    assert!(seen.iter().all(|e| e.starts_with("ann")));

    let revoked = InvitationQuery {
        status: Some(ShownStatus::Revoked),
        limit: 50,
        ..Default::default()
    };
    let page = env
        .store
        .list_invitations(&c.id, &revoked, now())
        .await
        .unwrap();
    assert_eq!(page.invitations.len(), 1);
    assert_eq!(page.invitations[0].email.as_entered(), emails[1]);

    let expired = InvitationQuery {
        status: Some(ShownStatus::Expired),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        env.store
            .list_invitations(&c.id, &expired, now())
            .await
            .unwrap()
            .invitations
            .len(),
        0
    );
    let after = now() + Duration::days(15);
    assert_eq!(
        env.store
            .list_invitations(&c.id, &expired, after)
            .await
            .unwrap()
            .invitations
            .len(),
        29
    );
    let pending = InvitationQuery {
        status: Some(ShownStatus::Pending),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        env.store
            .list_invitations(&c.id, &pending, after)
            .await
            .unwrap()
            .invitations
            .len(),
        0
    );

    let forged = InvitationQuery {
        cursor: Some("!!".into()),
        limit: 5,
        ..Default::default()
    };
    assert!(matches!(
        env.store.list_invitations(&c.id, &forged, now()).await,
        Err(StoreError::BadCursor)
    ));
}

/// Every page of `query`, followed through its cursors: the addresses in the order shown.
async fn every_page(env: &TestEnv, c: &Contract, query: InvitationQuery) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor = None;
    for _ in 0..100 {
        let q = InvitationQuery {
            cursor: cursor.clone(),
            ..query.clone()
        };
        let page = env.store.list_invitations(&c.id, &q, now()).await.unwrap();
        assert!(page.invitations.len() <= q.limit, "a page holds its limit");
        seen.extend(
            page.invitations
                .iter()
                .map(|i| i.email.identity().to_owned()),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
    panic!("paging did not end");
}

/// Issue 33: a contract's invitations spread over its shards; the list gathers them, each
/// once and in order, on the table and on the status index, both ways, and so do the count
/// and the group figures.
#[tokio::test]
async fn the_list_gathers_a_contract_spread_over_its_shards() {
    use invitations_core::adapters::dynamo::items::{invitation_pks, s, INVITATION_SHARDS};
    let (env, c) = setup(None).await;
    let emails: Vec<String> = (0..60).map(|i| env.email(&format!("p{i:02}"))).collect();
    let outcomes = invite(&env, &c, &emails, now()).await;
    for outcome in outcomes.iter().step_by(3) {
        env.store
            .revoke(&c.id, &id_of(outcome), &admin(), now())
            .await
            .unwrap();
    }
    let mut all: Vec<String> = emails.iter().map(|e| e.to_lowercase()).collect();
    all.sort();
    let revoked: Vec<String> = {
        let mut r: Vec<String> = emails.iter().step_by(3).map(|e| e.to_lowercase()).collect();
        r.sort();
        r
    };

    // Over the wire: the items are in the shards' partitions, most of them used.
    let mut in_shards = 0;
    let mut used = 0;
    for pk in invitation_pks(&c.id) {
        let out = env
            .dynamodb
            .query()
            .table_name(&env.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":p", s("INVITE#"))
            .send()
            .await
            .unwrap();
        in_shards += out.count();
        used += usize::from(out.count() > 0);
    }
    assert_eq!(in_shards, 60);
    assert!(used >= INVITATION_SHARDS as usize / 2, "{used} shards used");

    let limit = |limit| InvitationQuery {
        limit,
        ..Default::default()
    };
    assert_eq!(every_page(&env, &c, limit(7)).await, all);
    let mut down = all.clone();
    down.reverse();
    let descending = InvitationQuery {
        descending: true,
        ..limit(9)
    };
    assert_eq!(every_page(&env, &c, descending).await, down);
    let by_status = InvitationQuery {
        status: Some(ShownStatus::Revoked),
        ..limit(3)
    };
    assert_eq!(every_page(&env, &c, by_status.clone()).await, revoked);
    let search = InvitationQuery {
        email_prefix: "p1".into(),
        ..limit(4)
    };
    let found: Vec<String> = all
        .iter()
        .filter(|e| e.starts_with("p1"))
        .cloned()
        .collect();
    assert_eq!(every_page(&env, &c, search.clone()).await, found);

    let count = |q: InvitationQuery| {
        let env = &env;
        let c = &c;
        async move { env.store.count_invitations(&c.id, &q, now()).await.unwrap() }
    };
    assert_eq!(count(limit(1)).await, 60);
    assert_eq!(count(by_status).await, revoked.len() as u64);
    assert_eq!(count(search).await, found.len() as u64);
    let groups = env.store.group_figures(&c.id, now()).await.unwrap();
    let sum = groups
        .values()
        .fold((0, 0), |(p, r), g| (p + g.pending, r + g.revoked));
    assert_eq!(sum, (40, 20));
}
