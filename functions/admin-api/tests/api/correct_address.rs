//! An address whose mail did not arrive: corrected by the contract's admins (a new link on the
//! same invitation, for the new address's person), or its block cleared.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::domain::*;
use testkit::As;

#[tokio::test]
async fn only_the_contracts_admins_correct_an_address_and_only_to_another_real_one() {
    let w = World::new().await;
    let id = w.invite_one("ann.typo").await;
    let right = w.env.email("ann");

    // Who may: the contract's admins and system administrators, nobody else.
    let anonymous = w.correct_address("A", &id, &right, &As::Anonymous).await;
    assert_eq!(anonymous.refusal(), (401, "unauthenticated"));
    let other = w.correct_address("A", &id, &right, &ADMIN_B).await;
    assert_eq!(other.refusal(), (403, "forbidden"));
    let other = w.clear_block("A", &id, &ADMIN_B).await;
    assert_eq!(other.refusal(), (403, "forbidden"));
    // Issue 26: the detail is a sentence a person can act on.
    for (email, detail) in [
        (
            "nope",
            "The new address has no @: write it as name@example.org.",
        ),
        (
            "",
            "The new address is empty: write an address such as name@example.org.",
        ),
        (
            "a@b",
            "The domain of the new address (after the @) has no dot: write it as name@example.org.",
        ),
    ] {
        let refused = w.correct_address("A", &id, email, &ADMIN_A).await;
        assert_eq!(
            (refused.refusal(), refused.detail()),
            ((400, "invalid_email"), detail),
            "{email:?}"
        );
    }
    let wrong = w.env.email("ann.typo").to_uppercase();
    let same = w.correct_address("A", &id, &wrong, &ADMIN_A).await;
    assert_eq!(same.refusal(), (409, "same_address"));
}

#[tokio::test]
async fn a_bounced_address_is_corrected_with_a_new_link_and_its_block_cleared_once() {
    let w = World::new().await;
    let wrong = w.env.email("ann.typo");
    let right = w.env.email("ann");
    let id = w.invite_one("ann.typo").await;
    let before = w.stored("A", &id).await;

    // The address bounced: blocked, so no resend; the admin corrects it.
    w.bounce(&id).await;
    w.advance(Duration::minutes(2));
    let changed = w.correct_address("A", &id, &right, &ADMIN_A).await.unwrap();
    let inv = &changed.invitation;
    assert_eq!(
        (inv.id.as_str(), inv.email.as_str()),
        (id.as_str(), right.as_str())
    );
    assert_eq!(inv.delivery.state, wire::DeliveryState::Queued);
    let after = w.stored("A", &id).await;
    assert_eq!(
        after.token_version,
        before.token_version + 1,
        "the old link stops working"
    );
    let contract = w.env.stored_contract("A").await;
    assert_eq!(
        contract.counts.pending, 1,
        "one invitation, moved, not a second one"
    );
    // Correcting to an address already invited here is refused (once this mail bounced too:
    // before, there is nothing to correct).
    w.bounce(&id).await;
    let other = w.env.email("other");
    w.invite("A", std::slice::from_ref(&other), &["a1"], &ADMIN_A)
        .await;
    let refused = w.correct_address("A", &id, &other, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "already_invited"));

    // Clearing the block (the corrected address bounced too): audited, and clearing again
    // changes nothing.
    assert!(w.blocked(&right).await);
    let cleared = w.clear_block("A", &id, &ADMIN_A).await.unwrap();
    assert!(cleared.changed, "{cleared:?}");
    assert!(!w.blocked(&right).await);
    let again = w.clear_block("A", &id, &ADMIN_A).await.unwrap();
    assert!(!again.changed);
    let audit = w.audit("A").await;
    assert!(audit.iter().any(|a| a.action == AuditAction::CorrectAddress
        && a.subjects == [wrong.to_lowercase(), right.to_lowercase()]));
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == AuditAction::ClearBlock)
            .count(),
        1
    );
}

/// Issue 26: an address is corrected only after its mail did not arrive, and the corrected
/// invitation belongs to the new address's person (a proved directory person, or nobody),
/// never to the old one: no admin can move a working link to a mailbox of their own.
#[tokio::test]
async fn an_address_is_corrected_only_after_its_mail_failed_and_leaves_the_old_person() {
    let w = World::new().await;
    // Picked from the directory: bound to Ursula (u1).
    let body = serde_json::json!({"user_ids": ["u1"], "activities": ["a1"]});
    let id = ids(&w.add("A", body, &ADMIN_A).await.unwrap()).remove(0);
    let mine = w.env.email("admin.own.mailbox");

    // Queued, then sent and not bounced: nothing to correct.
    for sent in [false, true] {
        if sent {
            w.mail_out(&id, "m-ok").await;
        }
        let refused = w.correct_address("A", &id, &mine, &ADMIN_A).await;
        assert_eq!(
            refused.refusal(),
            (409, "mail_not_failed"),
            "sent: {sent}: {refused:?}"
        );
        let page = w.list("A", "", &ADMIN_A).await.unwrap();
        assert!(!page.invitations[0].can_correct_address);
    }
    let still = w.stored("A", &id).await;
    assert_eq!(still.user_id, Some(UserId::parse("u1").unwrap()));
    assert_eq!(still.token_version, 1, "the link is untouched");

    // It bounced: now it may be corrected, and the site is told so.
    w.bounced(&id, "m-ok").await;
    let page = w.list("A", "", &ADMIN_A).await.unwrap();
    assert!(page.invitations[0].can_correct_address);
    let changed = w.correct_address("A", &id, &mine, &ADMIN_A).await.unwrap();
    let moved = w.stored("A", &id).await;
    assert_eq!(moved.user_id, None, "not Ursula's any more");
    assert_eq!(moved.name, None);
    assert!(!changed.invitation.registered);

    // Corrected again after that mail bounced too, to a proved directory person's address:
    // the invitation is theirs.
    w.advance(Duration::minutes(1));
    w.bounce(&id).await;
    let victor = w.env.email("victor");
    w.correct_address("A", &id, &victor, &ADMIN_A)
        .await
        .unwrap();
    let theirs = w.stored("A", &id).await;
    assert_eq!(theirs.user_id, Some(UserId::parse("u2").unwrap()));
    assert_eq!(theirs.name.as_deref(), Some("Victor Hugo"));
}

/// Issue 26: a block stops mail to the address from every contract, so a contract admin lifts
/// only the bounce of their own pending invitation; a spam complaint's block is for system
/// administrators, and an invitation no longer pending clears nothing.
#[tokio::test]
async fn a_contract_admin_clears_only_the_bounce_of_their_own_pending_invitation() {
    let w = World::new().await;
    let emails = [w.env.email("complainer"), w.env.email("gone")];
    let made = ids(&w.invite("A", &emails, &["a1"], &ADMIN_A).await);
    for (email, kind) in [
        (&emails[0], ReportKind::Complained),
        (&emails[1], ReportKind::BouncedPermanent),
    ] {
        w.block(&email.to_lowercase(), kind, "report", t0()).await;
    }

    let refused = w.clear_block("A", &made[0], &ADMIN_A).await;
    assert_eq!(refused.refusal(), (403, "forbidden"));
    assert!(refused.detail().contains("Only a system administrator"));
    assert!(w.blocked(&emails[0]).await);
    let cleared = w.clear_block("A", &made[0], &SYSADMIN).await.unwrap();
    assert!(cleared.changed, "{cleared:?}");

    // Revoked: the address's block is no longer this contract's business.
    w.revoke("A", &made[1], &ADMIN_A).await.unwrap();
    let refused = w.clear_block("A", &made[1], &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "not_pending"), "{refused:?}");
    assert!(w.blocked(&emails[1]).await);
}
