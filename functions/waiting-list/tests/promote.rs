//! The waiting-list function on the table's stream, against moto (issue 30): a revoked place
//! goes to the first in line, once however often and however concurrently the records come;
//! a raised seat limit takes the rest; an empty list clears the contract's mark; someone
//! invited another way meanwhile is taken off the line, not invited twice.

use aws_lambda_events::event::dynamodb::Event;
use chrono::{DateTime, Duration, TimeZone, Utc};
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;
use testkit::TestEnv;
use waiting_list::{handle, App};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
}

struct World {
    env: TestEnv,
    app: Arc<App>,
    contract: ContractId,
    link: JoinLink,
}

impl World {
    /// A contract of 1 seat, taken by `seated@`, and `waiting` people in line in that order.
    async fn new(waiting: &[&str]) -> Self {
        let env = TestEnv::new().await;
        let contract = testkit::contract("c1")
            .seat_limit(Some(1))
            .around(t0())
            .build();
        env.store.put_contract(&contract).await.unwrap();
        let invitee = Invitee {
            email: EmailAddress::parse("seated@corp.example").unwrap(),
            user_id: None,
            name: None,
            source: Source::Manual,
            options: Default::default(),
        };
        env.store
            .create_invitations(NewInvitations {
                contract: &contract,
                activities: &[],
                invited_by: &UserId::parse("admin-a").unwrap(),
                now: t0(),
                invitees: &[invitee],
            })
            .await
            .unwrap();
        let link = testkit::join_link(&contract.id, t0());
        env.store.create_join_link(&link).await.unwrap();
        for (i, who) in waiting.iter().enumerate() {
            let entry = WaitingEntry::new(
                &link,
                EmailAddress::parse(&format!("{who}@corp.example")).unwrap(),
                t0() + Duration::minutes(i as i64),
            );
            assert!(env.store.wait_via_link(&entry, &link).await.unwrap());
        }
        let app = Arc::new(App {
            store: Arc::new(env.store_as("waiting-list")),
            clock: Arc::new(t0),
        });
        Self {
            app,
            contract: contract.id,
            link,
            env,
        }
    }

    async fn stream(&self) -> Event {
        serde_json::from_value(self.env.stream_event().await).unwrap()
    }

    async fn line(&self) -> Vec<String> {
        self.env
            .store
            .waiting_list(&self.contract)
            .await
            .unwrap()
            .iter()
            .map(|e| e.email.identity().to_owned())
            .collect()
    }

    async fn invitation(&self, who: &str) -> Option<Invitation> {
        self.env
            .store
            .find_invitations_by_email(&self.contract, &[&format!("{who}@corp.example")])
            .await
            .unwrap()
            .pop()
    }

    async fn revoke(&self, who: &str) {
        let inv = self.invitation(who).await.unwrap();
        self.env
            .store
            .revoke(
                &self.contract,
                &inv.id,
                &UserId::parse("admin-a").unwrap(),
                t0(),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_revoked_place_goes_to_the_first_in_line_once() {
    let w = World::new(&["ann", "bo"]).await;
    // Full: the joins' own records change nothing.
    let response = handle(&w.app, w.stream().await).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(w.line().await, ["ann@corp.example", "bo@corp.example"]);

    w.revoke("seated").await;
    let event = w.stream().await;
    // The same records, twice at once and once more after.
    let (a, b) = tokio::join!(handle(&w.app, event.clone()), handle(&w.app, event.clone()));
    assert!(a.unwrap().batch_item_failures.is_empty());
    assert!(b.unwrap().batch_item_failures.is_empty());
    handle(&w.app, event).await.unwrap();

    let ann = w.invitation("ann").await.expect("ann is invited");
    assert_eq!(ann.status, InvitationStatus::Pending);
    assert_eq!(
        ann.delivery,
        Delivery::Queued,
        "her mail is queued for the mailer"
    );
    assert_eq!(
        ann.source,
        Source::JoinLink {
            link_id: w.link.id.clone()
        }
    );
    assert_eq!(ann.invited_by.as_str(), "admin-a");
    assert!(w.invitation("bo").await.is_none());
    assert_eq!(w.line().await, ["bo@corp.example"]);
    let contract = w
        .env
        .store
        .get_contract(&w.contract)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contract.counts.pending, 1);
    assert!(contract.waiting.anyone);
}

#[tokio::test]
async fn a_raised_seat_limit_takes_the_rest_and_an_empty_line_clears_the_mark() {
    let w = World::new(&["ann", "bo", "cy"]).await;
    // Cy was invited by an admin meanwhile (the limit raised for it, then set back).
    let mut contract = w
        .env
        .store
        .get_contract(&w.contract)
        .await
        .unwrap()
        .unwrap();
    contract.seat_limit = Some(2);
    w.env.store.put_contract(&contract).await.unwrap();
    w.env
        .store
        .create_invitations(NewInvitations {
            contract: &contract,
            activities: &[],
            invited_by: &UserId::parse("admin-a").unwrap(),
            now: t0(),
            invitees: &[Invitee {
                email: EmailAddress::parse("cy@corp.example").unwrap(),
                user_id: None,
                name: None,
                source: Source::Manual,
                options: Default::default(),
            }],
        })
        .await
        .unwrap();
    let mut contract = w
        .env
        .store
        .get_contract(&w.contract)
        .await
        .unwrap()
        .unwrap();
    contract.seat_limit = Some(10);
    w.env.store.put_contract(&contract).await.unwrap();

    let promoted = w.app.promote(&w.contract).await.unwrap();
    assert_eq!(
        promoted,
        waiting_list::Promoted {
            invited: 2,
            had_a_place: 1,
            emptied: true,
            do_not_invite: 0,
        }
    );
    assert!(w.invitation("ann").await.is_some());
    assert!(w.invitation("bo").await.is_some());
    assert!(w.line().await.is_empty());
    let contract = w
        .env
        .store
        .get_contract(&w.contract)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contract.counts.pending, 4);
    assert!(!contract.waiting.anyone, "the mark is cleared");
    // Its own records do nothing more.
    let again = handle(&w.app, w.stream().await).await.unwrap();
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(
        w.env
            .store
            .get_contract(&w.contract)
            .await
            .unwrap()
            .unwrap()
            .counts
            .pending,
        4
    );
}

/// Issue 32: someone in line who asked not to be invited again (forgetting them deletes their
/// entry; this is the promotion reaching them first) is taken off the line, not invited, and
/// the seat goes to the next in line.
#[tokio::test]
async fn a_person_on_the_do_not_invite_list_is_taken_off_the_line_not_invited() {
    let w = World::new(&["ann", "bo"]).await;
    let ann = EmailAddress::parse("Ann@corp.example").unwrap();
    w.env.store.add_do_not_invite(&ann, t0()).await.unwrap();
    w.revoke("seated").await;

    let promoted = w.app.promote(&w.contract).await.unwrap();
    assert_eq!((promoted.invited, promoted.do_not_invite), (1, 1));
    assert!(w.invitation("ann").await.is_none());
    assert!(w.invitation("bo").await.is_some());
    assert!(w.line().await.is_empty());
}
