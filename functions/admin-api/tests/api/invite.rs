//! Adding people, by address and from the directory: each person's outcome, the voucher's
//! activities, the seat limit, and finding them again in the list.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::ports::*;
use serde_json::json;
use wire::InviteOutcome as O;

fn course(id: &str) -> wire::Activity {
    wire::Activity {
        id: id.into(),
        name: format!("Course {id}"),
    }
}

#[tokio::test]
async fn adding_people_answers_for_each_person() {
    let w = World::new().await;
    let e = |l: &str| w.env.email(l);
    let body = json!({
        "emails": [e("Amy"), e("amy"), "not-an-email", e("bo"), "x y@example.com"],
        "user_ids": ["u1", "nobody-here"],
        "activities": ["a1", "a3"],
    });
    let added = w.add("A", body, &ADMIN_A).await.unwrap();
    assert_eq!(
        outcomes(&added),
        [
            O::Invited,
            O::Duplicate,
            O::InvalidEmail,
            O::Invited,
            O::InvalidEmail,
            O::Invited,
            O::UnknownUser
        ]
    );
    // Issue 26: each person's detail is a sentence; a refusal says what to do.
    let detail = |i: usize| added.results[i].detail.as_str();
    assert_eq!(
        detail(2),
        "The address has no @: write it as name@example.org."
    );
    assert_eq!(
        detail(4),
        "The address has a space in it: an address has none."
    );
    assert_eq!(
        detail(1),
        "The same address is given earlier in this request, so it is invited once."
    );
    assert_eq!(
        detail(6),
        "There is no such person in the directory: pick them again, or give their address."
    );
    assert_eq!(added.summary[&O::Invited], 3);

    let list = w.list("A", "", &ADMIN_A).await.unwrap();
    assert_eq!(list.invitations.len(), 3);
    let ursula = list
        .invitations
        .iter()
        .find(|r| r.email == e("ursula"))
        .unwrap();
    assert_eq!(
        (ursula.registered, ursula.name.as_deref()),
        (true, Some("Ursula Le Guin"))
    );
    assert_eq!(ursula.activities, [course("a1"), course("a3")]);
    assert_eq!(ursula.delivery.state, wire::DeliveryState::Queued);
    assert_eq!(list.counts.pending, 3);

    // Again: already invited; and a typed address of a directory user links to that user.
    let again = w
        .invite("A", &[e("AMY"), e("victor")], &["a2"], &ADMIN_A)
        .await;
    assert_eq!(outcomes(&again), [O::AlreadyInvited, O::Invited]);
}

#[tokio::test]
async fn activity_choice_follows_the_contract_kind() {
    let w = World::new().await;
    let one = vec![w.env.email("k")];
    let refused = w.add("A", json!({"emails": one}), &ADMIN_A).await;
    assert_eq!(refused.refusal(), (400, "invalid_activities"));
    assert_eq!(
        refused.detail(),
        "Choose at least one of the voucher's activities."
    );
    let refused = w
        .add("A", json!({"emails": one, "activities": ["zz"]}), &ADMIN_A)
        .await;
    assert_eq!(
        (refused.refusal().0, refused.detail()),
        (
            400,
            "The activity zz is not part of this contract: choose among its own activities."
        )
    );
    let refused = w
        .add("B", json!({"emails": one, "activities": ["b1"]}), &SYSADMIN)
        .await;
    assert_eq!(refused.refusal(), (400, "invalid_activities"));
    let refused = w.add("OLD", json!({"emails": one}), &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "contract_expired"));
}

#[tokio::test]
async fn a_thousand_people_in_one_request_and_no_more() {
    let w = World::new().await;
    let emails = w.addresses(1000, |i| format!("m{i:04}"));
    let added = w.invite("A", &emails, &["a2"], &ADMIN_A).await;
    assert_eq!(added.summary[&O::Invited], 1000);
    let c = w.contract("A", &ADMIN_A).await.unwrap();
    assert_eq!(c.counts.pending, 1000);
    let too_many: Vec<String> = (0..1001).map(|i| format!("n{i}@example.com")).collect();
    let refused = w
        .add(
            "A",
            json!({"emails": too_many, "activities": ["a1"]}),
            &ADMIN_A,
        )
        .await;
    assert_eq!(refused.refusal(), (400, "too_many_people"));
}

#[tokio::test]
async fn the_seat_limit_is_reported_per_person() {
    let w = World::new().await;
    let limited = testkit::contract("S")
        .subscription(&["s1"])
        .seats(2)
        .build();
    w.env.store.put_contract(&limited).await.unwrap();
    let emails = w.addresses(4, |i| format!("seat{i}"));
    let added = w.invite("S", &emails, &[], &ADMIN_A).await;
    assert_eq!(
        outcomes(&added),
        [O::Invited, O::Invited, O::OverSeatLimit, O::OverSeatLimit]
    );
    let c = w.contract("S", &ADMIN_A).await.unwrap();
    assert_eq!((c.seats_used, c.seats_left), (2, Some(0)));
}

#[tokio::test]
async fn search_filter_and_page_through_invitations() {
    let w = World::new().await;
    let emails = w.addresses(25, |i| {
        format!("{}{i:02}", if i < 15 { "sam" } else { "tom" })
    });
    let added = w.invite("A", &emails, &["a1"], &ADMIN_A).await;
    let tom = ids(&added)[20].clone();
    w.revoke("A", &tom, &ADMIN_A).await.unwrap();

    let mut seen = 0;
    let mut query = "?q=SAM&limit=4".to_owned();
    loop {
        let page = w.list("A", &query, &ADMIN_A).await.unwrap();
        seen += page.invitations.len();
        match page.next_cursor {
            Some(cursor) => query = format!("?q=SAM&limit=4&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, 15);
    let revoked = w.list("A", "?status=revoked", &ADMIN_A).await.unwrap();
    assert_eq!(revoked.invitations.len(), 1);
    assert!(!revoked.invitations[0].can_revoke);
    w.advance(Duration::days(15));
    let expired = w.list("A", "?status=expired", &ADMIN_A).await.unwrap();
    assert_eq!(expired.invitations.len(), 24);
    assert_eq!(
        expired.invitations[0].status,
        wire::InvitationStatus::Expired
    );

    for (query, code) in [
        ("?status=lost", "invalid_status"),
        ("?limit=0", "invalid_limit"),
        ("?limit=abc", "invalid_limit"),
        ("?cursor=%21%21", "invalid_cursor"),
    ] {
        let refused = w.list("A", query, &ADMIN_A).await;
        assert_eq!(refused.refusal(), (400, code), "{query}");
    }
}

/// Issue 28: the Invitations tab finds people as people search: by any part of the address
/// and by name, in any case, with the status as well, page by page.
#[tokio::test]
async fn search_finds_any_part_of_the_address_and_the_name() {
    let w = World::new().await;
    let body = json!({
        "emails": [
            w.env.email("ann.lee"),
            w.env.email("bob.smith"),
            w.env.email("carla"),
        ],
        "activities": ["a1"],
    });
    w.add("A", body, &ADMIN_A).await.unwrap();
    // A directory user, named, invited by picking them.
    let grace = testkit::user("u-grace", &w.env.email("gh"), "Grace Hopper");
    assert!(w.env.store.put_user(&grace).await.unwrap());
    let picked = json!({"user_ids": ["u-grace"], "activities": ["a1"]});
    w.add("A", picked, &ADMIN_A).await.unwrap();
    let found = |query: &'static str| {
        let w = &w;
        async move {
            let mut emails = Vec::new();
            let mut cursor = String::new();
            loop {
                let page = w
                    .list("A", &format!("{query}&limit=1{cursor}"), &ADMIN_A)
                    .await
                    .unwrap();
                emails.extend(page.invitations.into_iter().map(|i| i.email));
                match page.next_cursor {
                    Some(next) => cursor = format!("&cursor={next}"),
                    None => break emails,
                }
            }
        }
    };
    let local = |e: &String| e.split('@').next().unwrap().to_owned();
    // The middle of an address, in another case.
    let by_part: Vec<String> = found("?q=SMITH").await.iter().map(local).collect();
    assert_eq!(by_part, ["bob.smith"]);
    // A name, in another case; the status with it.
    let by_name: Vec<String> = found("?q=hopper").await.iter().map(local).collect();
    assert_eq!(by_name, ["gh"]);
    let pending: Vec<String> = found("?q=hopper&status=pending")
        .await
        .iter()
        .map(local)
        .collect();
    assert_eq!(pending, ["gh"]);
    assert!(found("?q=hopper&status=revoked").await.is_empty());
    // The count says the same.
    assert_eq!(w.count("A", "?q=lee", &ADMIN_A).await.unwrap(), 1);
    assert_eq!(w.count("A", "?q=ARL", &ADMIN_A).await.unwrap(), 1, "carla");
    // Every address of the test has its domain: all four.
    let domain = w.env.email("x").split('@').nth(1).unwrap().to_owned();
    assert_eq!(
        w.count("A", &format!("?q={domain}"), &ADMIN_A)
            .await
            .unwrap(),
        4
    );
}
