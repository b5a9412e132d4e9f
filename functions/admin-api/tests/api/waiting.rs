//! A contract's waiting list through the API (issue 30): its admins see who waits in order and
//! through which link, move people, take them off; a move planned on a line that changed
//! meanwhile is refused in words; another contract's admin sees nothing of it.

use crate::helpers::*;
use invitations_core::domain::waiting::{plan_move, Move};
use invitations_core::domain::*;
use invitations_core::ports::{JoinLinkStore, WaitingListStore};
use serde_json::{json, Value};

/// Ann, Bo and Cy waiting on contract A through a link for "Sales", in that order.
async fn line_of_three(w: &World) -> JoinLink {
    let (status, made) = w
        .call(
            "POST",
            "/contracts/A/join-links",
            Some(json!({"audience": "Sales", "activities": ["a1"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let id = JoinLinkId::parse(made["id"].as_str().unwrap()).unwrap();
    let link = w.env.store.get_join_link(&id).await.unwrap().unwrap();
    for (i, who) in ["ann", "bo", "cy"].iter().enumerate() {
        let entry = WaitingEntry::new(
            &link,
            EmailAddress::parse(&w.env.email(who)).unwrap(),
            w.now() + chrono::Duration::seconds(i as i64),
        );
        assert!(w.env.store.wait_via_link(&entry, &link).await.unwrap());
    }
    link
}

fn ids(list: &Value) -> Vec<String> {
    list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn admins_see_the_line_move_people_and_take_them_off() {
    let w = World::new().await;
    line_of_three(&w).await;
    let (status, list) = w
        .call("GET", "/contracts/A/waiting-list", None, &ADMIN_A)
        .await;
    assert_eq!(status, 200, "{list}");
    let names: Vec<String> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [w.env.email("ann"), w.env.email("bo"), w.env.email("cy")]
    );
    assert_eq!(list["entries"][2]["position"], 3);
    assert_eq!(list["entries"][0]["link_audience"], "Sales");
    let cy = list["entries"][2]["id"].as_str().unwrap().to_owned();
    let ann = list["entries"][0]["id"].as_str().unwrap().to_owned();

    let move_ = |id: String, to: &'static str| {
        let w = &w;
        async move {
            w.call(
                "POST",
                &format!("/contracts/A/waiting-list/{id}/move"),
                Some(json!({ "to": to })),
                &ADMIN_A,
            )
            .await
        }
    };
    let (status, moved) = move_(cy.clone(), "first").await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["entries"][0]["id"], cy.as_str());
    let (_, moved) = move_(ann.clone(), "down").await;
    let after = ids(&moved);
    assert_eq!(after[0], cy);
    assert_eq!(after[2], ann, "{moved}");
    // Down from the end changes nothing.
    let (status, same) = move_(ann.clone(), "down").await;
    assert_eq!((status, ids(&same)), (200, after));
    let (status, bad) = w
        .call(
            "POST",
            &format!("/contracts/A/waiting-list/{ann}/move"),
            Some(json!({"to": "sideways"})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 400, "{bad}");

    let (status, removed) = w
        .call(
            "POST",
            &format!("/contracts/A/waiting-list/{cy}/remove"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{removed}");
    assert_eq!(removed["entries"].as_array().unwrap().len(), 2);
    assert_eq!(removed["entries"][0]["position"], 1);
    let gone = w
        .call(
            "POST",
            &format!("/contracts/A/waiting-list/{cy}/remove"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(gone.refusal(), (404, "waiting_entry_not_found"));
}

#[tokio::test]
async fn a_move_on_a_line_that_changed_meanwhile_is_refused_and_other_admins_see_nothing() {
    let w = World::new().await;
    let link = line_of_three(&w).await;
    let line = w.env.store.waiting_list(&link.contract_id).await.unwrap();
    // Another admin moved Bo first a moment ago; this move was planned on the line before.
    let before = line.clone();
    assert!(w
        .env
        .store
        .reposition(&[(&line[1], line[0].position - 1)])
        .await
        .unwrap());
    let plan = plan_move(&before, 1, Move::Up).unwrap();
    let stale: Vec<(&WaitingEntry, i64)> = plan.iter().map(|(i, p)| (&before[*i], *p)).collect();
    assert!(!w.env.store.reposition(&stale).await.unwrap());

    let refused = w
        .call("GET", "/contracts/A/waiting-list", None, &ADMIN_B)
        .await;
    assert_eq!(refused.refusal(), (403, "forbidden"));
    let id = line[0].id.to_string();
    let refused = w
        .call(
            "POST",
            &format!("/contracts/B/waiting-list/{id}/remove"),
            None,
            &ADMIN_B,
        )
        .await;
    assert_eq!(refused.refusal(), (404, "waiting_entry_not_found"));
    assert_eq!(
        w.env
            .store
            .waiting_list(&link.contract_id)
            .await
            .unwrap()
            .len(),
        3
    );
}
