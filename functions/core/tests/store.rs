//! The DynamoDB store against moto server, over the wire.

mod common;

use chrono::Duration;
use common::*;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::collections::HashSet;
use std::sync::Arc;

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
async fn revoke_frees_the_seat_twice_is_a_no_op_and_a_revoked_person_can_be_invited_again() {
    let (env, c) = setup(Some(1)).await;
    let email = env.email("carol");
    let id = id_of(&invite(&env, &c, std::slice::from_ref(&email), now()).await[0]);
    let by = admin();
    assert_eq!(
        env.store.revoke(&c.id, &id, &by, now()).await.unwrap(),
        RevokeDecision::Revoke
    );
    assert_eq!(
        env.store.revoke(&c.id, &id, &by, now()).await.unwrap(),
        RevokeDecision::AlreadyRevoked
    );
    let counts = env.store.get_contract(&c.id).await.unwrap().unwrap().counts;
    assert_eq!(
        counts,
        StatusCounts {
            pending: 0,
            enrolled: 0,
            revoked: 1
        }
    );

    let later = now() + Duration::hours(2);
    let again = invite(&env, &c, std::slice::from_ref(&email), later).await;
    assert_eq!(
        again[0],
        InviteOutcome::Reinvited {
            invitation_id: id.clone()
        }
    );
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    assert_eq!(
        (inv.status, inv.token_version, inv.revoked_at),
        (InvitationStatus::Pending, 2, None)
    );
    assert_eq!(inv.expires_at, later + Duration::days(14));
    let counts = env.store.get_contract(&c.id).await.unwrap().unwrap().counts;
    assert_eq!(
        counts,
        StatusCounts {
            pending: 1,
            enrolled: 0,
            revoked: 0
        }
    );
}

#[tokio::test]
async fn revoke_after_enrol_is_refused_and_enrol_after_revoke_is_refused() {
    let (env, c) = setup(None).await;
    let emails = [env.email("dan"), env.email("eve")];
    let outcomes = invite(&env, &c, &emails, now()).await;
    let dan = env
        .store
        .get_invitation(&c.id, &id_of(&outcomes[0]))
        .await
        .unwrap()
        .unwrap();
    let eve = env
        .store
        .get_invitation(&c.id, &id_of(&outcomes[1]))
        .await
        .unwrap()
        .unwrap();

    let (enrolled, decision) = env
        .store
        .enrol(
            &link(&dan),
            Enrolee::New {
                subject: UserId::random(),
                name: "Dan Brown".into(),
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (enrolled.status, decision),
        (InvitationStatus::Enrolled, EnrolDecision::Enrol)
    );
    let user = env
        .store
        .find_user_by_email(dan.email.identity())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.name, "Dan Brown");
    assert_eq!(enrolled.user_id, Some(user.id));
    match env.store.revoke(&c.id, &dan.id, &admin(), now()).await {
        Err(ChangeError::Refused(RevokeRefused::AlreadyEnrolled(who))) => {
            assert_eq!(who, dan.email.as_entered())
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Enrolling again with the same link changes nothing and says so.
    let (_, again) = env
        .store
        .enrol(
            &link(&dan),
            Enrolee::New {
                subject: UserId::random(),
                name: "Dan".into(),
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(again, EnrolDecision::AlreadyEnrolled);

    env.store
        .revoke(&c.id, &eve.id, &admin(), now())
        .await
        .unwrap();
    match env
        .store
        .enrol(
            &link(&eve),
            Enrolee::New {
                subject: UserId::random(),
                name: "Eve".into(),
            },
            now(),
        )
        .await
    {
        Err(EnrolError::Refused(EnrolRefused::Revoked)) => {}
        other => panic!("expected revoked, got {other:?}"),
    }
    let counts = env.store.get_contract(&c.id).await.unwrap().unwrap().counts;
    assert_eq!(
        counts,
        StatusCounts {
            pending: 0,
            enrolled: 1,
            revoked: 1
        }
    );
}

#[tokio::test]
async fn resend_supersedes_old_links_refreshes_expiry_and_waits_a_minute() {
    let (env, c) = setup(None).await;
    let id = id_of(&invite(&env, &c, &[env.email("fay")], now()).await[0]);
    let old = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();

    match env
        .store
        .resend(&c, &id, &admin(), now() + Duration::seconds(10))
        .await
    {
        Err(ChangeError::Refused(ResendRefused::TooSoon {
            retry_after_seconds,
        })) => assert_eq!(retry_after_seconds, 50),
        other => panic!("expected too soon, got {other:?}"),
    }
    let later = now() + Duration::days(20);
    let resent = env.store.resend(&c, &id, &admin(), later).await.unwrap();
    assert_eq!((resent.token_version, resent.send_count), (2, 2));
    assert_eq!(resent.expires_at, later + Duration::days(14));
    assert_eq!(
        env.store.get_invitation(&c.id, &id).await.unwrap().unwrap(),
        resent
    );

    match env
        .store
        .enrol(
            &link(&old),
            Enrolee::New {
                subject: UserId::random(),
                name: "Fay".into(),
            },
            later,
        )
        .await
    {
        Err(EnrolError::Refused(EnrolRefused::Superseded)) => {}
        other => panic!("expected superseded, got {other:?}"),
    }
    env.store
        .enrol(
            &link(&resent),
            Enrolee::New {
                subject: UserId::random(),
                name: "Fay".into(),
            },
            later,
        )
        .await
        .unwrap();
    assert!(matches!(
        env.store
            .resend(&c, &id, &admin(), later + Duration::hours(1))
            .await,
        Err(ChangeError::Refused(ResendRefused::AlreadyEnrolled(_)))
    ));
}

#[tokio::test]
async fn an_expired_link_cannot_enrol() {
    let (env, c) = setup(None).await;
    let id = id_of(&invite(&env, &c, &[env.email("gus")], now()).await[0]);
    let inv = env.store.get_invitation(&c.id, &id).await.unwrap().unwrap();
    let result = env
        .store
        .enrol(
            &link(&inv),
            Enrolee::New {
                subject: UserId::random(),
                name: "Gus".into(),
            },
            inv.expires_at,
        )
        .await;
    assert!(
        matches!(result, Err(EnrolError::Refused(EnrolRefused::Expired))),
        "{result:?}"
    );
    let unknown = LinkToken {
        invitation_id: InvitationId::random(),
        version: 1,
    };
    assert!(matches!(
        env.store
            .enrol(
                &unknown,
                Enrolee::New {
                    subject: UserId::random(),
                    name: "x".into()
                },
                now()
            )
            .await,
        Err(EnrolError::NotFound)
    ));
}

#[tokio::test]
async fn a_race_of_100_revoke_and_enrol_pairs_ends_with_exactly_one_winner_each() {
    let (env, c) = setup(None).await;
    let emails: Vec<String> = (0..100).map(|i| env.email(&format!("r{i:03}"))).collect();
    let outcomes = invite(&env, &c, &emails, now()).await;
    let store = Arc::new(env.store.clone());
    let mut tasks = Vec::new();
    for outcome in &outcomes {
        let inv = store
            .get_invitation(&c.id, &id_of(outcome))
            .await
            .unwrap()
            .unwrap();
        let (s1, s2) = (store.clone(), store.clone());
        let (c1, token) = (c.id.clone(), link(&inv));
        let id = inv.id.clone();
        let revoke = tokio::spawn(async move { s1.revoke(&c1, &id, &admin(), now()).await });
        let enrol = tokio::spawn(async move {
            s2.enrol(
                &token,
                Enrolee::New {
                    subject: UserId::random(),
                    name: "Racer".into(),
                },
                now(),
            )
            .await
        });
        tasks.push((inv.id, revoke, enrol));
    }
    let (mut enrolled, mut revoked) = (0, 0);
    for (id, revoke, enrol) in tasks {
        let revoke = revoke.await.unwrap();
        let enrol = enrol.await.unwrap();
        let stored = store.get_invitation(&c.id, &id).await.unwrap().unwrap();
        match stored.status {
            InvitationStatus::Enrolled => {
                enrolled += 1;
                assert!(matches!(enrol, Ok((_, EnrolDecision::Enrol))), "{enrol:?}");
                assert!(
                    matches!(
                        revoke,
                        Err(ChangeError::Refused(RevokeRefused::AlreadyEnrolled(_)))
                    ),
                    "{revoke:?}"
                );
                assert!(stored.revoked_at.is_none());
            }
            InvitationStatus::Revoked => {
                revoked += 1;
                assert!(matches!(revoke, Ok(RevokeDecision::Revoke)), "{revoke:?}");
                assert!(
                    matches!(enrol, Err(EnrolError::Refused(EnrolRefused::Revoked))),
                    "{enrol:?}"
                );
                assert!(stored.enrolled_at.is_none());
            }
            InvitationStatus::Pending => panic!("{id} is still pending"),
        }
    }
    assert_eq!(enrolled + revoked, 100);
    let counts = store.get_contract(&c.id).await.unwrap().unwrap().counts;
    assert_eq!(
        counts,
        StatusCounts {
            pending: 0,
            enrolled,
            revoked
        }
    );
}

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

#[tokio::test]
async fn users_are_unique_by_address_and_searchable() {
    let env = testkit::TestEnv::new().await;
    let make = testkit::user;
    assert!(env
        .store
        .put_user(&make("u1", &env.email("Ivy.Stone"), "Ivy Stone"))
        .await
        .unwrap());
    assert!(env
        .store
        .put_user(&make("u2", &env.email("jack"), "Jack Frost"))
        .await
        .unwrap());
    assert!(!env
        .store
        .put_user(&make("u3", &env.email("IVY.STONE"), "Someone Else"))
        .await
        .unwrap());
    let ivy = env
        .store
        .find_user_by_email(&env.email("ivy.stone"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ivy.id.as_str(), "u1");
    let by_name = env.store.search_users("frost", 10).await.unwrap();
    assert_eq!(
        by_name.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["u2"]
    );
    let by_email = env.store.search_users("IVY", 10).await.unwrap();
    assert_eq!(
        by_email.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["u1"]
    );
    assert_eq!(env.store.search_users("", 10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn contracts_and_imports_round_trip() {
    let (env, c) = setup(Some(10)).await;
    let mut other = contract("c2", None);
    other.name = "Another".into();
    env.store.put_contract(&other).await.unwrap();
    assert_eq!(env.store.get_contract(&c.id).await.unwrap().unwrap(), c);
    let names: Vec<String> = env
        .store
        .list_contracts()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Another", "Contract c1"]);

    let import = Import {
        id: ImportId::new(now()),
        contract_id: c.id.clone(),
        status: ImportStatus::Queued,
        activities: vec![ActivityId::parse("a1").unwrap()],
        created_by: Some(admin()),
        created_at: now(),
        updated_at: now(),
        file_name: Some("list.csv".into()),
        rows_read: 0,
        counts: ImportCounts::default(),
        first_bad_rows: vec![],
        report_key: None,
        upload: None,
        refused_uploads: 0,
        put_by: None,
        announced_size: None,
        mode: ImportMode::Invite,
        checked_by: None,
        file_key: None,
        file_etag: None,
    };
    assert!(env.store.create_import(&import).await.unwrap());
    assert!(!env.store.create_import(&import).await.unwrap());
    let mut running = import.clone();
    running.status = ImportStatus::Running;
    running.rows_read = 7;
    env.store.save_import(&running).await.unwrap();
    assert_eq!(
        env.store
            .get_import(&c.id, &import.id)
            .await
            .unwrap()
            .unwrap(),
        running
    );
    assert_eq!(env.store.list_imports(&c.id).await.unwrap(), vec![running]);
}

#[tokio::test]
async fn admins_are_added_once_removed_once_and_audited() {
    let (env, c) = setup(None).await;
    let store = &env.store;
    let (ann, bob) = (UserId::parse("ann").unwrap(), UserId::parse("bob").unwrap());
    let sysadmin = UserId::parse("sysadmin").unwrap();
    let admins = |c: Option<Contract>| -> Vec<String> {
        c.expect("the contract exists")
            .admins
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let added = store.add_contract_admin(&c.id, &ann, &sysadmin, now());
    assert_eq!(admins(added.await.unwrap()), ["admin-a", "ann"]);
    // Again: nothing changes and nothing is audited.
    let again = store.add_contract_admin(&c.id, &ann, &sysadmin, now());
    assert_eq!(admins(again.await.unwrap()), ["admin-a", "ann"]);
    let first = admin();
    let removed = store.remove_contract_admin(&c.id, &first, &sysadmin, now());
    assert_eq!(admins(removed.await.unwrap()), ["ann"]);
    let not_one = store.remove_contract_admin(&c.id, &bob, &sysadmin, now());
    assert_eq!(admins(not_one.await.unwrap()), ["ann"]);

    let audit = store.list_audit(&c.id, 10).await.unwrap();
    let mut seen: Vec<(AuditAction, Vec<String>)> = audit
        .iter()
        .map(|a| (a.action, a.subjects.clone()))
        .collect();
    seen.sort_by_key(|(action, _)| *action as u8);
    assert_eq!(
        seen,
        [
            (AuditAction::AddAdmin, vec!["ann".to_owned()]),
            (AuditAction::RemoveAdmin, vec!["admin-a".to_owned()]),
        ]
    );
    assert!(audit.iter().all(|a| a.actor.as_ref() == Some(&sysadmin)));

    let nowhere = ContractId::parse("no-such-contract").unwrap();
    let add = store.add_contract_admin(&nowhere, &ann, &sysadmin, now());
    assert!(add.await.unwrap().is_none());
    let remove = store.remove_contract_admin(&nowhere, &ann, &sysadmin, now());
    assert!(remove.await.unwrap().is_none());
    assert!(store.get_contract(&nowhere).await.unwrap().is_none());
}

#[tokio::test]
async fn admins_changed_at_the_same_time_all_land_and_none_is_lost() {
    let (env, c) = setup(None).await;
    let store = Arc::new(env.store.clone());
    let sysadmin = UserId::parse("sysadmin").unwrap();
    // Twelve people added at once (each twice), while the first admin is removed.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (store, id, by) = (store.clone(), c.id.clone(), sysadmin.clone());
        tasks.push(tokio::spawn(async move {
            let admin = UserId::parse(&format!("person-{}", i % 12)).unwrap();
            store.add_contract_admin(&id, &admin, &by, now()).await
        }));
    }
    let (remover, id) = (store.clone(), c.id.clone());
    tasks.push(tokio::spawn(async move {
        remover
            .remove_contract_admin(&id, &admin(), &sysadmin, now())
            .await
    }));
    for task in tasks {
        task.await.unwrap().unwrap().unwrap();
    }
    let after = store.get_contract(&c.id).await.unwrap().unwrap();
    let got: HashSet<String> = after.admins.iter().map(ToString::to_string).collect();
    let expected: HashSet<String> = (0..12).map(|i| format!("person-{i}")).collect();
    assert_eq!(got, expected);
    assert_eq!(after.admins.len(), 12, "nobody is listed twice");
    let audit = store.list_audit(&c.id, 100).await.unwrap();
    assert_eq!(audit.len(), 13, "one record per change that happened");
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
