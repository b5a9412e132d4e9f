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
        audience: "Sales team".into(),
        activities: vec![ActivityId::parse("a1").unwrap()],
        max_uses: Some(150),
        opens_at: Some(at),
        closes_at: Some(at + Duration::days(30)),
        allowed_domains: vec!["corp.example".into()],
        ..testkit::join_link(&ContractId::parse(contract).unwrap(), at)
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

// ---- joining through a link: the invitation, the seat and the use in one transaction ----

mod joining {
    use super::*;
    use invitations_core::ports::{
        ContractStore, CreateError, InvitationStore, Invitee, NewInvitations,
    };

    fn contract(seats: Option<u64>) -> Contract {
        testkit::contract("c1")
            .subscription(&["a1"])
            .seat_limit(seats)
            .around(now())
            .build()
    }

    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 5, 9, 0, 0).unwrap()
    }

    fn open_link(max_uses: Option<u32>) -> JoinLink {
        JoinLink {
            max_uses,
            opens_at: None,
            closes_at: None,
            allowed_domains: Vec::new(),
            ..link("c1", 0)
        }
    }

    async fn join(
        env: &TestEnv,
        c: &Contract,
        link: &JoinLink,
        who: &str,
    ) -> Result<InviteOutcome, CreateError> {
        let invitee = Invitee {
            email: EmailAddress::parse(&env.email(who)).unwrap(),
            user_id: None,
            name: Some(who.to_owned()),
            source: Source::JoinLink {
                link_id: link.id.clone(),
            },
            options: Default::default(),
        };
        let mut outcomes = env
            .store
            .invite_via_link(
                NewInvitations {
                    contract: c,
                    activities: &link.activities,
                    invited_by: &link.created_by,
                    now: now(),
                    invitees: std::slice::from_ref(&invitee),
                },
                link,
            )
            .await?;
        Ok(outcomes.remove(0))
    }

    #[tokio::test]
    async fn two_joiners_for_the_last_seat_get_one_seat_and_one_clear_answer() {
        let env = TestEnv::new().await;
        let c = contract(Some(1));
        env.store.put_contract(&c).await.unwrap();
        let l = open_link(None);
        env.store.create_join_link(&l).await.unwrap();
        let (a, b) = tokio::join!(join(&env, &c, &l, "ann"), join(&env, &c, &l, "bob"));
        let mut outcomes = [a.unwrap(), b.unwrap()];
        outcomes.sort_by_key(|o| matches!(o, InviteOutcome::Invited { .. }));
        assert!(
            matches!(
                outcomes,
                [InviteOutcome::OverSeatLimit, InviteOutcome::Invited { .. }]
            ),
            "{outcomes:?}"
        );
        let stored = env.store.get_join_link(&l.id).await.unwrap().unwrap();
        assert_eq!(stored.uses, 1, "the refused joiner used nothing");
        let after = env.store.get_contract(&c.id).await.unwrap().unwrap();
        assert_eq!(after.counts.seats_used(), 1);
    }

    #[tokio::test]
    async fn a_burst_of_joiners_uses_the_link_exactly_up_to_its_limit() {
        let env = TestEnv::new().await;
        let c = contract(None);
        env.store.put_contract(&c).await.unwrap();
        let l = open_link(Some(3));
        env.store.create_join_link(&l).await.unwrap();
        let names: Vec<String> = (0..8).map(|i| format!("joiner{i}")).collect();
        let outcomes = futures::future::join_all(names.iter().map(|n| join(&env, &c, &l, n))).await;
        let joined = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(InviteOutcome::Invited { .. })))
            .count();
        let refused = outcomes
            .iter()
            .filter(|o| matches!(o, Err(CreateError::LinkRefused)))
            .count();
        assert_eq!((joined, refused), (3, 5), "{outcomes:?}");
        let stored = env.store.get_join_link(&l.id).await.unwrap().unwrap();
        assert_eq!(stored.uses, 3);
        let after = env.store.get_contract(&c.id).await.unwrap().unwrap();
        assert_eq!(after.counts.pending, 3, "only the joined hold seats");
    }

    #[tokio::test]
    async fn a_code_of_a_regenerated_link_joins_nobody_and_the_source_is_kept() {
        let env = TestEnv::new().await;
        let c = contract(None);
        env.store.put_contract(&c).await.unwrap();
        let l = open_link(None);
        env.store.create_join_link(&l).await.unwrap();
        let joined = join(&env, &c, &l, "ann").await.unwrap();
        let InviteOutcome::Invited { invitation_id } = joined else {
            panic!("{joined:?}")
        };
        let ann = env
            .store
            .get_invitation(&c.id, &invitation_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            ann.source,
            Source::JoinLink {
                link_id: l.id.clone()
            }
        );
        // An admin regenerates it; a joiner who read the old generation is refused.
        let regenerated = JoinLink {
            generation: 2,
            uses: 1,
            ..l.clone()
        };
        assert!(env.store.save_join_link(&regenerated).await.unwrap());
        assert!(matches!(
            join(&env, &c, &l, "bob").await,
            Err(CreateError::LinkRefused)
        ));
        let stored = env.store.get_join_link(&l.id).await.unwrap().unwrap();
        assert_eq!(stored.uses, 1);
    }
}
