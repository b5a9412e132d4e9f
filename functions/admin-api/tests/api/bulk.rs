//! Bulk actions (issue 17): by addresses, by ids or by the list's filter; each invitation goes
//! through the single action's conditional write, so refusals stay in their rows while the rest
//! go through, and a request sent again changes nothing more.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::json;
use wire::BulkOutcomeKind as K;

#[tokio::test]
async fn bulk_actions_act_on_a_selection_or_the_filter_and_refuse_row_by_row() {
    let w = World::new().await;
    let people = w.addresses(5, |i| format!("bulk{i}"));
    let invited = ids(&w.invite("A", &people, &["a1"], &ADMIN_A).await);
    // bulk1 enrols.
    w.enrol("A", &invited[1], new_student("Bulk One"), t0())
        .await;

    // Revoke by address: one revoked, the enrolled one refused in its row, one not found, and
    // a line that is not an address said to be so (issue 28).
    let body = json!({"emails": [people[0], people[1], w.env.email("nobody"), "not an address"]});
    let result = w.bulk("A", "revoke", body, &ADMIN_A).await.unwrap();
    let rows: Vec<(K, Option<&str>)> = result
        .results
        .iter()
        .map(|r| (r.outcome, r.code.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            (K::Done, None),
            (K::Refused, Some("already_enrolled")),
            (K::NotFound, Some("invitation_not_found")),
            (K::NotAnAddress, Some("invalid_email")),
        ]
    );
    assert_eq!(
        (
            result.done,
            result.refused,
            result.not_found,
            result.not_an_address,
            &result.continuation
        ),
        (1, 1, 1, 1, &None)
    );
    assert_eq!(
        w.stored("A", &invited[0]).await.status,
        InvitationStatus::Revoked
    );
    assert_eq!(
        w.stored("A", &invited[1]).await.status,
        InvitationStatus::Enrolled
    );
    // The same by id again: nothing more to do.
    let again = w.bulk("A", "revoke", json!({"ids": [invited[0]]}), &ADMIN_A);
    let again = again.await.unwrap();
    assert_eq!(again.unchanged, 1, "{again:?}");

    // Extend everything that has expired: the three left pending, the same links, later.
    w.advance(Duration::days(15));
    let expired = w.list("A", "?status=expired", &ADMIN_A).await.unwrap();
    assert_eq!(expired.invitations.len(), 3);
    let before = w.stored("A", &invited[2]).await;
    let filter = json!({"filter": {"status": "expired"}});
    let extended = w.bulk("A", "extend", filter, &ADMIN_A).await.unwrap();
    assert_eq!(extended.done, 3, "{extended:?}");
    let after = w.stored("A", &invited[2]).await;
    assert_eq!(after.token_version, before.token_version, "the same link");
    assert!(after.expires_at > w.now());
    let none_left = w.list("A", "?status=expired", &ADMIN_A).await.unwrap();
    assert_eq!(none_left.invitations, []);
    let twice = w.bulk("A", "extend", json!({"ids": [invited[2]]}), &ADMIN_A);
    let twice = twice.await.unwrap();
    assert_eq!(twice.unchanged, 1, "already lasts as long: {twice:?}");

    // Resend by the search box: one person; at once again, refused as too soon, in its row.
    let search = json!({"filter": {"q": people[3]}});
    let resent = w.bulk("A", "resend", search.clone(), &ADMIN_A).await;
    let resent = resent.unwrap();
    assert_eq!((resent.done, resent.results.len()), (1, 1));
    assert_eq!(
        w.stored("A", &invited[3]).await.token_version,
        before.token_version + 1
    );
    let soon = w.bulk("A", "resend", search, &ADMIN_A).await.unwrap();
    assert_eq!(
        soon.results[0].code.as_deref(),
        Some("resent_too_recently"),
        "{soon:?}"
    );

    // Audit: one record per invitation changed.
    let audit = w.audit("A").await;
    let count = |action| audit.iter().filter(|a| a.action == action).count();
    assert_eq!(
        (count(AuditAction::Revoke), count(AuditAction::Extend)),
        (1, 3)
    );
}

#[tokio::test]
async fn a_bulk_request_says_what_to_act_on_and_nothing_is_kept_alive_once_ended() {
    let w = World::new().await;
    // Requests that do not say what to act on.
    for body in [
        json!({}),
        json!({"ids": []}),
        json!({"ids": ["x"], "emails": ["a@b.co"]}),
        json!({"ids": vec!["x"; 1001]}),
        json!({"ids": ["x", "y"], "continuation": "7"}),
        json!({"filter": {"status": "lost"}}),
        json!({"filter": {}, "continuation": "not-a-cursor"}),
        json!({"filter": {}, "action": "revoke"}),
    ] {
        let refused = w.bulk("A", "revoke", body.clone(), &ADMIN_A).await;
        assert_eq!(refused.refusal().0, 400, "{body}: {refused:?}");
    }
    // Nothing is sent or kept alive for a contract that has ended; revoking still works.
    let refused = w
        .bulk("OLD", "extend", json!({"filter": {}}), &ADMIN_A)
        .await;
    assert_eq!(refused.refusal(), (409, "contract_expired"));
}

/// A filter matching more than one request's work: pages of 100 with a continuation, until
/// every match is handled once.
#[tokio::test]
async fn a_bulk_action_pages_through_any_number_with_a_continuation() {
    let w = World::new().await;
    let people = w.addresses(130, |i| format!("many{i:03}"));
    w.invite("B", &people, &[], &ADMIN_B).await;
    let mut continuation = None;
    let (mut requests, mut revoked) = (0, 0);
    loop {
        let request = wire::BulkRequest {
            filter: Some(wire::InvitationFilter {
                status: Some(wire::InvitationStatus::Pending),
                ..Default::default()
            }),
            continuation,
            ..wire::BulkRequest::default()
        };
        let body = serde_json::to_value(request).unwrap();
        let page = w.bulk("B", "revoke", body, &ADMIN_B).await.unwrap();
        requests += 1;
        assert!(page.results.len() <= 100);
        revoked += page.done;
        continuation = page.continuation;
        if continuation.is_none() {
            break;
        }
        assert!(requests < 5, "the continuation moves on");
    }
    assert_eq!((requests, revoked), (2, 130));
    let c = w.contract("B", &ADMIN_B).await.unwrap();
    assert_eq!((c.counts.revoked, c.counts.pending), (130, 0));
}

/// A bulk revoke and students enrolling at the same moment: each invitation ends either
/// enrolled (and the revoke refused in its row) or revoked (and the enrolment refused), never
/// both, and the answer counts exactly what it did.
#[tokio::test]
async fn a_bulk_revoke_racing_enrolments_never_revokes_an_enrolled_student() {
    let w = World::new().await;
    let people = w.addresses(24, |i| format!("race{i:02}"));
    let invited = ids(&w.invite("B", &people, &[], &ADMIN_B).await);
    let mut links = Vec::new();
    for id in &invited {
        links.push(w.link("B", id).await);
    }
    let enrolments = futures::future::join_all(
        links
            .iter()
            .map(|link| w.env.store.enrol(link, new_student("Racer"), t0())),
    );
    let revoke = w.bulk("B", "revoke", json!({"ids": invited}), &ADMIN_B);
    let (enrolled, result) = tokio::join!(enrolments, revoke);
    let result = result.unwrap();
    let mut revoked_here = 0;
    for (i, id) in invited.iter().enumerate() {
        let row = &result.results[i];
        match w.stored("B", id).await.status {
            InvitationStatus::Enrolled => {
                assert!(enrolled[i].is_ok(), "{id}");
                assert_eq!(row.code.as_deref(), Some("already_enrolled"), "{row:?}");
            }
            InvitationStatus::Revoked => {
                assert!(enrolled[i].is_err(), "{id} enrolled and revoked");
                assert_eq!(row.outcome, K::Done, "{row:?}");
                revoked_here += 1;
            }
            InvitationStatus::Pending => panic!("{id} neither enrolled nor revoked"),
        }
    }
    assert_eq!(result.done, revoked_here);
    let c = w.contract("B", &ADMIN_B).await.unwrap();
    assert_eq!(c.counts.revoked + c.counts.enrolled, 24);
}
