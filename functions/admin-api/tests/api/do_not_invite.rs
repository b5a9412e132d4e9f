//! The do-not-invite list (issue 32) at the admin routes: an address on it is refused in
//! words by the add route (typed in any case, or picked from the directory) while the others
//! are invited, and by Correct address; nothing is written for it.

use crate::helpers::*;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::json;
use wire::InviteOutcome as O;

async fn list(w: &World, local: &str) {
    let email = EmailAddress::parse(&w.env.email(local)).unwrap();
    w.env
        .store
        .add_do_not_invite(&email, w.now())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_add_route_refuses_a_listed_address_in_words_and_invites_the_others() {
    let w = World::new().await;
    let e = |l: &str| w.env.email(l);
    list(&w, "ann").await;
    // Ursula (u1) is in the directory: picked there, she is refused too.
    list(&w, "ursula").await;
    let body = json!({
        "emails": [e("ANN").to_uppercase(), e("bo")],
        "user_ids": ["u1", "u2"],
        "activities": ["a1"],
    });
    let added = w.add("A", body, &ADMIN_A).await.unwrap();
    assert_eq!(
        outcomes(&added),
        [O::DoNotInvite, O::Invited, O::DoNotInvite, O::Invited]
    );
    assert_eq!(
        added.results[0].detail,
        "Not invited: this person asked not to be invited again."
    );
    assert_eq!(added.results[0].invitation_id, None);
    assert_eq!(added.summary[&O::DoNotInvite], 2);
    let listed: Vec<String> = w
        .list("A", "", &ADMIN_A)
        .await
        .unwrap()
        .invitations
        .into_iter()
        .map(|r| r.email)
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.contains(&e("bo")) && listed.contains(&e("victor")));
    assert_eq!(w.env.stored_contract("A").await.counts.pending, 2);
}

#[tokio::test]
async fn correct_address_refuses_a_listed_address_in_words() {
    let w = World::new().await;
    let id = w.invite_one("ann.typo").await;
    let before = w.stored("A", &id).await;
    w.bounce(&id).await;
    list(&w, "ann").await;
    let refused = w
        .correct_address("A", &id, &w.env.email("Ann"), &ADMIN_A)
        .await;
    assert_eq!(refused.refusal(), (409, "do_not_invite"));
    assert!(
        refused.detail().contains("asked not to be invited again"),
        "{}",
        refused.detail()
    );
    let after = w.stored("A", &id).await;
    assert_eq!(
        (after.email.identity(), after.token_version),
        (before.email.identity(), before.token_version),
        "the invitation stays where it was"
    );
}

#[tokio::test]
async fn approving_the_join_request_of_a_listed_person_invites_nobody_and_says_why() {
    let w = World::new().await;
    let (status, made) = w
        .call(
            "POST",
            "/contracts/A/join-links",
            Some(json!({"audience": "Partners", "activities": ["a1"], "needs_approval": true})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = JoinLinkId::parse(made["id"].as_str().unwrap()).unwrap();
    let link = w.env.store.get_join_link(&id).await.unwrap().unwrap();
    let ann = EmailAddress::parse(&w.env.email("ann")).unwrap();
    let request = WaitingEntry::request(&link, ann.clone(), w.now());
    assert!(w.env.store.wait_via_link(&request, &link).await.unwrap());
    list(&w, "ann").await;

    let (status, refused) = w
        .call(
            "POST",
            &format!("/contracts/A/join-requests/{}/approve", request.id),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("do_not_invite"))
    );
    assert_eq!(
        refused["detail"],
        "This person asked not to be invited again: their request was taken off, and nobody was invited."
    );
    let found = w
        .env
        .store
        .find_invitations_by_email(&link.contract_id, &[ann.identity()])
        .await
        .unwrap();
    assert!(found.is_empty());
    let (_, requests) = w
        .call("GET", "/contracts/A/join-requests", None, &ADMIN_A)
        .await;
    assert_eq!(
        requests["entries"].as_array().unwrap().len(),
        0,
        "{requests}"
    );
}
