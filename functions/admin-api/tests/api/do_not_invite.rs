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
