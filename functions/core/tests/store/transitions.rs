//! Revoke, enrol and resend under their conditions, and their races.

use crate::common::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;

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
