//! Waiting lists in the table (issue 30): a person waits once, in order, with the link's use
//! counted; moves are refused when the line changed; a promotion takes the seat and the entry
//! together, so a freed seat goes to exactly one person however many runs promote at once.

use chrono::{Duration, TimeZone, Utc};
use invitations_core::domain::waiting::{plan_move, Line, Move};
use invitations_core::domain::*;
use invitations_core::ports::{ContractStore, CreateError, JoinLinkStore, WaitingListStore};
use testkit::TestEnv;

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
}

async fn full_contract(env: &TestEnv, seats: u64) -> Contract {
    let mut contract = testkit::contract("c1")
        .seat_limit(Some(seats))
        .around(t0())
        .build();
    contract.counts.pending = seats;
    env.store.put_contract(&contract).await.unwrap();
    contract
}

async fn link(env: &TestEnv, contract: &Contract, max_uses: Option<u32>) -> JoinLink {
    let link = JoinLink {
        max_uses,
        ..testkit::join_link(&contract.id, t0())
    };
    env.store.create_join_link(&link).await.unwrap();
    link
}

fn entry(link: &JoinLink, email: &str, minutes: i64) -> WaitingEntry {
    WaitingEntry::new(
        link,
        EmailAddress::parse(email).unwrap(),
        t0() + Duration::minutes(minutes),
    )
}

#[tokio::test]
async fn people_wait_once_in_order_and_each_join_counts_on_the_link() {
    let env = TestEnv::new().await;
    let contract = full_contract(&env, 1).await;
    let link = link(&env, &contract, Some(2)).await;
    let (ann, bo) = (
        entry(&link, "ann@corp.example", 1),
        entry(&link, "bo@corp.example", 2),
    );
    assert!(env.store.wait_via_link(&bo, &link).await.unwrap());
    assert!(env.store.wait_via_link(&ann, &link).await.unwrap());
    // Ann again (another tab): she keeps her place, and the link counts her once.
    let again = entry(&link, "ANN@corp.example", 3);
    assert!(!env.store.wait_via_link(&again, &link).await.unwrap());
    let line = env.store.waiting_list(&contract.id).await.unwrap();
    assert_eq!(line, vec![ann.clone(), bo.clone()]);
    assert_eq!(
        env.store
            .get_join_link(&link.id)
            .await
            .unwrap()
            .unwrap()
            .uses,
        2
    );
    // The link is used up: a third person is refused by it.
    let cy = entry(&link, "cy@corp.example", 4);
    assert!(matches!(
        env.store.wait_via_link(&cy, &link).await,
        Err(CreateError::LinkRefused)
    ));
    let marked = env.store.get_contract(&contract.id).await.unwrap().unwrap();
    assert_eq!(
        marked.waiting,
        WaitingMark {
            anyone: true,
            joins: 2
        }
    );
    assert_eq!(
        env.store
            .waiting_entry(Line::Waiting, &contract.id, "ann@corp.example")
            .await
            .unwrap(),
        Some(ann)
    );
}

#[tokio::test]
async fn moves_apply_to_the_line_as_read_and_removal_takes_the_entry_read() {
    let env = TestEnv::new().await;
    let contract = full_contract(&env, 1).await;
    let link = link(&env, &contract, None).await;
    for (i, who) in ["a", "b", "c"].iter().enumerate() {
        let e = entry(&link, &format!("{who}@corp.example"), i as i64);
        env.store.wait_via_link(&e, &link).await.unwrap();
    }
    let line = env.store.waiting_list(&contract.id).await.unwrap();
    let first = plan_move(&line, 2, Move::First).unwrap();
    let moves: Vec<(&WaitingEntry, i64)> = first.iter().map(|(i, p)| (&line[*i], *p)).collect();
    assert!(env.store.reposition(&moves).await.unwrap());
    let order = |line: &[WaitingEntry]| -> Vec<String> {
        line.iter().map(|e| e.email.identity().to_owned()).collect()
    };
    let now = env.store.waiting_list(&contract.id).await.unwrap();
    assert_eq!(
        order(&now),
        ["c@corp.example", "a@corp.example", "b@corp.example"]
    );
    // The same move planned on the old read is refused: c's position changed.
    assert!(!env.store.reposition(&moves).await.unwrap());
    let up = plan_move(&now, 2, Move::Up).unwrap();
    let moves: Vec<(&WaitingEntry, i64)> = up.iter().map(|(i, p)| (&now[*i], *p)).collect();
    assert!(env.store.reposition(&moves).await.unwrap());
    let now = env.store.waiting_list(&contract.id).await.unwrap();
    assert_eq!(
        order(&now),
        ["c@corp.example", "b@corp.example", "a@corp.example"]
    );

    assert!(env.store.remove_waiting(&now[1]).await.unwrap());
    assert!(
        !env.store.remove_waiting(&now[1]).await.unwrap(),
        "gone already"
    );
    assert_eq!(env.store.waiting_list(&contract.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_freed_seat_goes_to_exactly_one_person_however_many_runs_promote() {
    let env = TestEnv::new().await;
    let mut contract = full_contract(&env, 2).await;
    let link = link(&env, &contract, None).await;
    let (ann, bo) = (
        entry(&link, "ann@corp.example", 1),
        entry(&link, "bo@corp.example", 2),
    );
    env.store.wait_via_link(&ann, &link).await.unwrap();
    env.store.wait_via_link(&bo, &link).await.unwrap();
    // Full: nobody is promoted, and nobody leaves the line.
    let outcome = env.store.promote(&contract, &ann, t0()).await.unwrap();
    assert_eq!(outcome, InviteOutcome::OverSeatLimit);
    assert_eq!(env.store.waiting_list(&contract.id).await.unwrap().len(), 2);

    // One seat frees (as a revoke leaves it): four runs promote the first in line at once.
    contract = env.store.get_contract(&contract.id).await.unwrap().unwrap();
    contract.counts.pending = 1;
    env.store.put_contract(&contract).await.unwrap();
    let contract = env.store.get_contract(&contract.id).await.unwrap().unwrap();
    let runs =
        futures::future::join_all((0..4).map(|_| env.store.promote(&contract, &ann, t0()))).await;
    let invited = runs
        .iter()
        .filter(|r| matches!(r, Ok(InviteOutcome::Invited { .. })))
        .count();
    let gone = runs
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(CreateError::NoLongerWaiting) | Ok(InviteOutcome::AlreadyInvited { .. })
            )
        })
        .count();
    assert_eq!((invited, gone), (1, 3), "{runs:?}");
    // Bo is next, but no seat is left for him.
    let after = env.store.get_contract(&contract.id).await.unwrap().unwrap();
    assert_eq!(after.counts.pending, 2);
    // The funnel counts Ann among those who came through a join link, once.
    let (_, funnel) = env
        .store
        .contract_funnel(&contract.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(funnel.joined, 1);
    assert_eq!(
        env.store.promote(&after, &bo, t0()).await.unwrap(),
        InviteOutcome::OverSeatLimit
    );
    let line = env.store.waiting_list(&contract.id).await.unwrap();
    assert_eq!(line, vec![bo]);
    // The mark clears only with the count of joins read before the list was found empty.
    assert!(!env
        .store
        .waiting_list_emptied(&contract.id, 1)
        .await
        .unwrap());
    assert!(env
        .store
        .waiting_list_emptied(&contract.id, 2)
        .await
        .unwrap());
    let cleared = env.store.get_contract(&contract.id).await.unwrap().unwrap();
    assert!(!cleared.waiting.anyone);
}
