//! Fixtures shared by the adapter tests.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use invitations_core::domain::*;
use invitations_core::ports::*;
use testkit::TestEnv;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn admin() -> UserId {
    UserId::parse("admin-a").unwrap()
}

pub fn contract(id: &str, seat_limit: Option<u64>) -> Contract {
    testkit::contract(id)
        .kind(ContractKind::Voucher)
        .named_activities(&[("a1", "Safety basics"), ("a2", "First aid")])
        .admin(admin().as_str())
        .seat_limit(seat_limit)
        .around(now())
        .started_days_ago(30)
        .ends_in_days(300)
        .build()
}

pub fn invitee(email: &str) -> Invitee {
    Invitee {
        email: EmailAddress::parse(email).unwrap(),
        user_id: None,
        name: None,
        source: Source::Manual,
        options: Default::default(),
    }
}

pub async fn setup(seat_limit: Option<u64>) -> (TestEnv, Contract) {
    let env = TestEnv::new().await;
    let c = contract("c1", seat_limit);
    env.store.put_contract(&c).await.unwrap();
    (env, c)
}

/// Invites `emails` at `at` and returns the outcomes.
pub async fn invite(
    env: &TestEnv,
    c: &Contract,
    emails: &[String],
    at: DateTime<Utc>,
) -> Vec<InviteOutcome> {
    let invitees: Vec<Invitee> = emails.iter().map(|e| invitee(e)).collect();
    let activities = vec![ActivityId::parse("a1").unwrap()];
    env.store
        .create_invitations(NewInvitations {
            contract: c,
            activities: &activities,
            invited_by: &admin(),
            now: at,
            invitees: &invitees,
        })
        .await
        .unwrap()
}

pub fn id_of(outcome: &InviteOutcome) -> InvitationId {
    match outcome {
        InviteOutcome::Invited { invitation_id }
        | InviteOutcome::Reinvited { invitation_id }
        | InviteOutcome::AlreadyInvited { invitation_id }
        | InviteOutcome::AlreadyEnrolled { invitation_id } => invitation_id.clone(),
        other => panic!("no invitation for {other:?}"),
    }
}

pub fn link(inv: &Invitation) -> LinkToken {
    LinkToken {
        invitation_id: inv.id.clone(),
        version: inv.token_version,
    }
}
