//! The invitation list: search by prefix, status filter, paging.

use crate::common::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;

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
