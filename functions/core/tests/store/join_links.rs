//! Join links in the table (issue 30): a link reads back as written, a contract lists its own
//! newest first, an admin's save is refused after another change and never undoes a join's
//! count.

use chrono::{Duration, TimeZone, Utc};
use invitations_core::adapters::dynamo::join_links::join_link_pk;
use invitations_core::domain::*;
use invitations_core::ports::JoinLinkStore;
use testkit::TestEnv;

fn link(contract: &str, minutes: i64) -> JoinLink {
    let at = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap() + Duration::minutes(minutes);
    JoinLink {
        id: JoinLinkId::random(),
        contract_id: ContractId::parse(contract).unwrap(),
        audience: "Sales team".into(),
        generation: 1,
        activities: vec![ActivityId::parse("a1").unwrap()],
        max_uses: Some(150),
        uses: 0,
        opens_at: Some(at),
        closes_at: Some(at + Duration::days(30)),
        allowed_domains: vec!["corp.example".into()],
        needs_approval: false,
        enabled: true,
        created_by: UserId::parse("admin-a").unwrap(),
        created_at: at,
        version: 1,
    }
}

/// What a join does to the link's count (the join's transaction, issue 30 part 2).
async fn count_a_join(env: &TestEnv, id: &JoinLinkId) {
    env.dynamodb
        .update_item()
        .table_name(&env.table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(join_link_pk(id)),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("LINK".into()),
        )
        .update_expression("ADD #uses :one")
        .expression_attribute_names("#uses", "uses")
        .expression_attribute_values(
            ":one",
            aws_sdk_dynamodb::types::AttributeValue::N("1".into()),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_link_reads_back_and_a_contract_lists_its_own_newest_first() {
    let env = TestEnv::new().await;
    let (older, newer, elsewhere) = (link("c1", 0), link("c1", 5), link("c2", 1));
    for l in [&older, &newer, &elsewhere] {
        env.store.create_join_link(l).await.unwrap();
    }
    assert_eq!(
        env.store.get_join_link(&older.id).await.unwrap(),
        Some(older.clone())
    );
    let listed = env.store.join_links(&older.contract_id).await.unwrap();
    assert_eq!(listed, vec![newer, older.clone()]);
    assert!(
        env.store.create_join_link(&older).await.is_err(),
        "a fresh id only"
    );
    assert_eq!(
        env.store
            .get_join_link(&JoinLinkId::random())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn an_admins_save_is_refused_after_another_change_and_keeps_the_joins() {
    let env = TestEnv::new().await;
    let l = link("c1", 0);
    env.store.create_join_link(&l).await.unwrap();
    // Two joins while the admin's page was open.
    count_a_join(&env, &l.id).await;
    count_a_join(&env, &l.id).await;
    let regenerated = JoinLink {
        generation: 2,
        max_uses: None,
        closes_at: None,
        audience: "Sales, spring".into(),
        ..l.clone()
    };
    assert!(env.store.save_join_link(&regenerated).await.unwrap());
    let stored = env.store.get_join_link(&l.id).await.unwrap().unwrap();
    assert_eq!(stored.uses, 2, "the joins still count");
    assert_eq!(
        (
            stored.generation,
            stored.max_uses,
            stored.closes_at,
            stored.version
        ),
        (2, None, None, 2)
    );
    assert_eq!(stored.audience, "Sales, spring");
    // A second admin who read version 1 is refused; the first's change stands.
    let stale = JoinLink {
        enabled: false,
        ..l
    };
    assert!(!env.store.save_join_link(&stale).await.unwrap());
    assert!(
        env.store
            .get_join_link(&stale.id)
            .await
            .unwrap()
            .unwrap()
            .enabled
    );
}
