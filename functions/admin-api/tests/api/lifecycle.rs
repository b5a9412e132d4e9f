//! One invitation's life: resent (a new link, at most once a minute, while pending), revoked
//! (until the person enrols; twice changes nothing), invited again; no mail to a blocked
//! address nor for a contract that has ended.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use testkit::api_request;

#[tokio::test]
async fn resend_makes_a_new_link_at_most_once_a_minute_and_only_while_pending() {
    let w = World::new().await;
    let id = w.invite_one("rita").await;
    let path = format!("/contracts/A/invitations/{id}/resend");
    w.advance(Duration::seconds(15));
    let response = w.handle(api_request("POST", &path, None, &ADMIN_A)).await;
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers().get("retry-after").unwrap(), "45");

    w.advance(Duration::minutes(1));
    let resent = w.resend("A", &id, &ADMIN_A).await.unwrap();
    assert_eq!(
        (
            resent.invitation.send_count,
            resent.invitation.delivery.state
        ),
        (2, wire::DeliveryState::Queued)
    );
    assert_eq!(w.stored("A", &id).await.token_version, 2);

    w.revoke("A", &id, &ADMIN_A).await.unwrap();
    w.advance(Duration::minutes(2));
    let refused = w.resend("A", &id, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "revoked"));
    let unknown = w
        .resend("A", "0123456789abcdef0123456789abcdef", &ADMIN_A)
        .await;
    assert_eq!(unknown.refusal(), (404, "invitation_not_found"));
}

#[tokio::test]
async fn revoke_until_enrolment_twice_is_a_no_op_then_reinvite() {
    let w = World::new().await;
    let emails = [w.env.email("pat"), w.env.email("quinn")];
    let invited = ids(&w.invite("A", &emails, &["a1"], &ADMIN_A).await);

    let revoked = w.revoke("A", &invited[0], &ADMIN_A).await.unwrap();
    assert_eq!(
        (revoked.changed, revoked.invitation.status),
        (true, wire::InvitationStatus::Revoked)
    );
    let again = w.revoke("A", &invited[0], &ADMIN_A).await.unwrap();
    assert!(!again.changed);
    let again = w.invite("A", &emails[..1], &["a2"], &ADMIN_A).await;
    assert_eq!(outcomes(&again), [wire::InviteOutcome::Reinvited]);

    // Enrol quinn, then revoke must fail with a clear message.
    w.enrol("A", &invited[1], new_student("Quinn"), t0()).await;
    let refused = w.revoke("A", &invited[1], &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "already_enrolled"));
    assert_eq!(
        refused.detail(),
        format!(
            "The person at {} has already enrolled, so the invitation can no longer be revoked.",
            emails[1]
        )
    );
    let c = w.contract("A", &ADMIN_A).await.unwrap();
    assert_eq!(
        c.counts,
        wire::StatusCounts {
            pending: 1,
            enrolled: 1,
            revoked: 0
        }
    );
}

#[tokio::test]
async fn an_address_that_bounced_for_good_is_not_sent_again() {
    let w = World::new().await;
    let id = w.invite_one("bounced").await;
    w.advance(Duration::minutes(2));
    let detail = "Permanent (General): smtp; 550 5.1.1 user unknown";
    let identity = w.env.email("bounced").to_lowercase();
    w.block(&identity, ReportKind::BouncedPermanent, detail, t0())
        .await;
    let refused = w.resend("A", &id, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "address_blocked"));
    assert!(refused.detail().contains("Correct the address"));
}

#[tokio::test]
async fn no_new_mail_goes_out_for_an_expired_contract() {
    let w = World::new().await;
    let old = w.env.stored_contract("OLD").await;
    // Invited while the contract ran (straight through the store: the add route refuses now).
    let address = w.env.email("late");
    let outcomes = w
        .env
        .store
        .create_invitations(NewInvitations {
            contract: &old,
            activities: &[],
            invited_by: &UserId::parse("admin-a").unwrap(),
            now: old.ends_at - Duration::days(5),
            invitees: &[Invitee {
                email: EmailAddress::parse(&address).unwrap(),
                user_id: None,
                name: None,
                source: Source::Manual,
                options: Default::default(),
            }],
        })
        .await
        .unwrap();
    let InviteOutcome::Invited { invitation_id } = &outcomes[0] else {
        panic!("{outcomes:?}")
    };
    let id = invitation_id.to_string();
    let resent = w.resend("OLD", &id, &ADMIN_A).await;
    assert_eq!(resent.refusal(), (409, "contract_expired"), "resend");
    let later = w.env.email("later");
    let corrected = w.correct_address("OLD", &id, &later, &ADMIN_A).await;
    assert_eq!(
        corrected.refusal(),
        (409, "contract_expired"),
        "correct-address"
    );
}
