//! A contract's waiting list through the API (issue 30): its admins see who waits in order and
//! through which link, move people, take them off; a move planned on a line that changed
//! meanwhile is refused in words; another contract's admin sees nothing of it.

use crate::helpers::*;
use invitations_core::domain::waiting::{plan_move, Move};
use invitations_core::domain::*;
use invitations_core::ports::{ContractStore, InvitationStore, JoinLinkStore, WaitingListStore};
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

/// Ann and Bo asking to join contract A through a link that needs approval.
async fn two_requests(w: &World) -> (JoinLink, Value) {
    let (status, made) = w
        .call(
            "POST",
            "/contracts/A/join-links",
            Some(json!({"audience": "Partners", "activities": ["a1"], "needs_approval": true})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, made["needs_approval"].as_bool()),
        (201, Some(true)),
        "{made}"
    );
    let id = JoinLinkId::parse(made["id"].as_str().unwrap()).unwrap();
    let link = w.env.store.get_join_link(&id).await.unwrap().unwrap();
    // A second apart: they stand in the order they asked.
    for (i, who) in ["ann", "bo"].iter().enumerate() {
        let email = EmailAddress::parse(&w.env.email(who)).unwrap();
        let at = w.now() + chrono::Duration::seconds(i as i64);
        let request = WaitingEntry::request(&link, email, at);
        assert!(w.env.store.wait_via_link(&request, &link).await.unwrap());
    }
    let (status, list) = w
        .call("GET", "/contracts/A/join-requests", None, &ADMIN_A)
        .await;
    assert_eq!(status, 200, "{list}");
    (link, list)
}

#[tokio::test]
async fn an_approved_request_gets_a_place_and_a_refused_one_a_mail() {
    let w = World::new().await;
    let (link, list) = two_requests(&w).await;
    let ids = ids(&list);
    assert_eq!(list["entries"][0]["email"], w.env.email("ann"));
    assert_eq!(list["entries"][0]["link_audience"], "Partners");

    let (status, left) = w
        .call(
            "POST",
            &format!("/contracts/A/join-requests/{}/approve", ids[0]),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{left}");
    assert_eq!(left["entries"].as_array().unwrap().len(), 1);
    let ann = w
        .env
        .store
        .find_invitations_by_email(&link.contract_id, &[&w.env.email("ann")])
        .await
        .unwrap()
        .pop()
        .expect("Ann is invited");
    assert_eq!(ann.status, InvitationStatus::Pending);
    assert_eq!(
        ann.delivery,
        Delivery::Queued,
        "her invitation is mailed as any"
    );
    assert_eq!(
        ann.source,
        Source::JoinLink {
            link_id: link.id.clone()
        }
    );
    // Approved twice (another admin's click): said so, nothing more made.
    let again = w
        .call(
            "POST",
            &format!("/contracts/A/join-requests/{}/approve", ids[0]),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(again.refusal(), (404, "waiting_entry_not_found"));

    let (status, left) = w
        .call(
            "POST",
            &format!("/contracts/A/join-requests/{}/refuse", ids[1]),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, left["entries"].as_array().unwrap().len()),
        (200, 0)
    );
    // The refusal mail waits for the mailer; Bo has no invitation.
    let mails = w
        .env
        .dynamodb
        .scan()
        .table_name(&w.env.table)
        .filter_expression("#type = :type")
        .expression_attribute_names("#type", "type")
        .expression_attribute_values(
            ":type",
            aws_sdk_dynamodb::types::AttributeValue::S("join_refusal".into()),
        )
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["email"].as_s().unwrap(), &w.env.email("bo"));
    assert_eq!(mails[0]["delivery"].as_s().unwrap(), "queued");
    assert!(w
        .env
        .store
        .find_invitations_by_email(&link.contract_id, &[&w.env.email("bo")])
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_request_approved_while_the_contract_is_full_goes_to_the_waiting_list() {
    let w = World::new().await;
    let (link, list) = two_requests(&w).await;
    let mut contract = w
        .env
        .store
        .get_contract(&link.contract_id)
        .await
        .unwrap()
        .unwrap();
    contract.seat_limit = Some(contract.counts.seats_used());
    w.env.store.put_contract(&contract).await.unwrap();
    let ann = ids(&list)[0].clone();
    let (status, _) = w
        .call(
            "POST",
            &format!("/contracts/A/join-requests/{ann}/approve"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200);
    let (_, waiting) = w
        .call("GET", "/contracts/A/waiting-list", None, &ADMIN_A)
        .await;
    assert_eq!(
        waiting["entries"][0]["email"],
        w.env.email("ann"),
        "{waiting}"
    );
    let contract = w
        .env
        .store
        .get_contract(&link.contract_id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        contract.waiting.anyone,
        "the waiting-list function will see the next seat"
    );
}

#[tokio::test]
async fn invitations_over_the_seat_limit_wait_when_the_admin_asks() {
    let w = World::new().await;
    let id = ContractId::parse("A").unwrap();
    let mut contract = w.env.store.get_contract(&id).await.unwrap().unwrap();
    contract.seat_limit = Some(contract.counts.seats_used() + 1);
    w.env.store.put_contract(&contract).await.unwrap();
    let emails = [
        w.env.email("first"),
        w.env.email("second"),
        w.env.email("third"),
    ];
    // Without asking: the ones over the limit are refused, as before.
    let (status, refused) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({"emails": [emails[0].clone(), emails[1].clone()], "activities": ["a1"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{refused}");
    assert_eq!(
        refused["results"][1]["outcome"], "over_seat_limit",
        "{refused}"
    );
    let (status, added) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({
                "emails": [emails[1].clone(), emails[2].clone()],
                "activities": ["a1"],
                "over_limit_wait": true,
            })),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(added["results"][0]["outcome"], "waiting", "{added}");
    assert_eq!(added["results"][1]["outcome"], "waiting", "{added}");
    assert_sentence_of(&added["results"][0]["detail"]);
    let (_, line) = w
        .call("GET", "/contracts/A/waiting-list", None, &ADMIN_A)
        .await;
    let entries = line["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{line}");
    assert_eq!(entries[0]["email"], emails[1].as_str());
    assert!(entries[0]["link_id"].is_null(), "an admin's, not a link's");
    // Asked again: still once in line.
    w.call(
        "POST",
        "/contracts/A/invitations",
        Some(json!({"emails": [emails[1].clone()], "activities": ["a1"], "over_limit_wait": true})),
        &ADMIN_A,
    )
    .await;
    let (_, line) = w
        .call("GET", "/contracts/A/waiting-list", None, &ADMIN_A)
        .await;
    assert_eq!(line["entries"].as_array().unwrap().len(), 2);
    let contract = w.env.store.get_contract(&id).await.unwrap().unwrap();
    assert!(contract.waiting.anyone, "a freed seat will go to them");
}

fn assert_sentence_of(detail: &Value) {
    testkit::assert_sentence(detail.as_str().expect("a detail"));
}
