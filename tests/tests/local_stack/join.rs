//! Join links on the local stack (issue 30), over HTTP only: a contract admin makes a link; a
//! person at an allowed domain opens it, proves their address through the mail the mailer
//! sends, and enrols; a wrong domain is refused in words; a burst of joiners for the link's
//! last place gets one place, and the link then says it is used up.

use crate::common::mail_for;
use crate::helpers::{anonymous, stack_with_contracts, Client};
use invitations_core::ports::ContractStore;
use local_stack::seed::contracts::DATA_SKILLS;
use local_stack::Stack;
use serde_json::{json, Value};

/// The proof in the link of the proof mail to `address`.
async fn mailed_proof(stack: &Stack, address: &str) -> String {
    let mail = mail_for(&stack.emulators.ses, address, 1).await;
    assert_eq!(mail.len(), 1, "one proof mail");
    let text = mail[0].body.text.clone().unwrap_or_default();
    let prefix = format!("{}/join#proof=", stack.url);
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no proof link in: {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

/// Asks to join with `address` and returns the mailed proof.
async fn ask_and_read_the_mail(
    stack: &Stack,
    joiner: &Client,
    code: &str,
    address: &str,
) -> String {
    let (status, sent) = joiner
        .call(
            "POST",
            "/api/join",
            Some(json!({"code": code, "email": address})),
        )
        .await;
    assert_eq!(status, 202, "{sent}");
    mailed_proof(stack, address).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_link_lets_a_proved_address_join_and_never_overfills() {
    let (stack, tag) = stack_with_contracts("join").await;
    let ada = Client::signed_in(&stack.url, &stack.person("contract-admin", 0).user_id).await;
    let joiner = anonymous(&stack);
    let domain = format!("{tag}.corp.example");
    let (status, link) = ada
        .call(
            "POST",
            &format!("/api/contracts/{DATA_SKILLS}/join-links"),
            Some(json!({
                "audience": "Data team",
                "activities": ["sql-basics"],
                "max_uses": 2,
                "allowed_domains": [domain],
            })),
        )
        .await;
    assert_eq!(status, 201, "{link}");
    let code = link["code"].as_str().unwrap().to_owned();

    let (status, page) = joiner
        .call("GET", &format!("/api/join?code={code}"), None)
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["contract"]["name"], "Data Skills Voucher");
    assert_eq!(page["activities"], json!(["SQL Basics"]));
    assert_eq!(page["places_left"], 2);

    let (status, refused) = joiner
        .call(
            "POST",
            "/api/join",
            Some(json!({"code": code, "email": format!("eve@{tag}.elsewhere.example")})),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("domain_not_allowed"))
    );
    assert!(
        refused["detail"].as_str().unwrap().contains(&domain),
        "{refused}"
    );

    // Ann proves her address through the mail, then enrols as from an invitation.
    let ann = format!("ann@{domain}");
    let proof = ask_and_read_the_mail(&stack, &joiner, &code, &ann).await;
    let (status, joined) = joiner
        .call("POST", "/api/join/confirm", Some(json!({ "proof": proof })))
        .await;
    assert_eq!(
        (status, joined["outcome"].as_str()),
        (200, Some("invited")),
        "{joined}"
    );
    let token = joined["token"].as_str().unwrap();
    let (status, enrolled) = joiner
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Ann Joiner"})),
        )
        .await;
    assert_eq!(
        (status, enrolled["status"].as_str()),
        (200, Some("enrolled")),
        "{enrolled}"
    );
    // Three more prove their address; they confirm at the same moment for the last place.
    let mut proofs = Vec::new();
    for name in ["bo", "cy", "di"] {
        let address = format!("{name}@{domain}");
        proofs.push(ask_and_read_the_mail(&stack, &joiner, &code, &address).await);
    }
    let answers: Vec<(u16, Value)> =
        futures::future::join_all(proofs.iter().map(|proof| {
            joiner.call("POST", "/api/join/confirm", Some(json!({ "proof": proof })))
        }))
        .await;
    let placed = answers.iter().filter(|(s, _)| *s == 200).count();
    let used_up = answers
        .iter()
        .filter(|(s, b)| *s == 410 && b["code"] == "link_used_up")
        .count();
    assert_eq!((placed, used_up), (1, 2), "{answers:?}");

    let (status, page) = joiner
        .call("GET", &format!("/api/join?code={code}"), None)
        .await;
    assert_eq!(
        (status, page["code"].as_str()),
        (410, Some("link_used_up")),
        "{page}"
    );
    let (_, links) = ada
        .call(
            "GET",
            &format!("/api/contracts/{DATA_SKILLS}/join-links"),
            None,
        )
        .await;
    assert_eq!(links["links"][0]["uses"], 2, "{links}");
    assert_eq!(links["links"][0]["state"], "used_up", "{links}");
    stack.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_programme_keeps_joiners_waiting_and_a_revoked_place_goes_to_the_first() {
    let (stack, tag) = stack_with_contracts("wait").await;
    let ada = Client::signed_in(&stack.url, &stack.person("contract-admin", 0).user_id).await;
    let joiner = anonymous(&stack);
    // One seat in the programme.
    let id = invitations_core::domain::ContractId::parse(DATA_SKILLS).unwrap();
    let mut contract = stack.store.get_contract(&id).await.unwrap().unwrap();
    contract.seat_limit = Some(1);
    stack.store.put_contract(&contract).await.unwrap();
    let (_, link) = ada
        .call(
            "POST",
            &format!("/api/contracts/{DATA_SKILLS}/join-links"),
            Some(json!({"audience": "Everyone", "activities": ["sql-basics"]})),
        )
        .await;
    let code = link["code"].as_str().unwrap().to_owned();
    let domain = format!("{tag}.corp.example");
    let (ann, bo) = (format!("ann@{domain}"), format!("bo@{domain}"));

    let proof = ask_and_read_the_mail(&stack, &joiner, &code, &ann).await;
    let (_, joined) = joiner
        .call("POST", "/api/join/confirm", Some(json!({ "proof": proof })))
        .await;
    assert_eq!(joined["outcome"], "invited", "{joined}");
    let proof = ask_and_read_the_mail(&stack, &joiner, &code, &bo).await;
    let (status, waiting) = joiner
        .call("POST", "/api/join/confirm", Some(json!({ "proof": proof })))
        .await;
    assert_eq!(
        (status, waiting["outcome"].as_str()),
        (200, Some("waiting")),
        "{waiting}"
    );
    assert_eq!(waiting["waiting_position"], 1);

    // Ada revokes Ann's place: the waiting-list function invites Bo, and the mailer mails him.
    let invitations = format!("/api/contracts/{DATA_SKILLS}/invitations");
    let (_, found) = ada
        .call(
            "GET",
            &format!("{invitations}?q={}", ann.replace('@', "%40")),
            None,
        )
        .await;
    let ann_id = found["invitations"][0]["id"].as_str().unwrap().to_owned();
    let (status, revoked) = ada
        .call(
            "POST",
            &format!("{invitations}/{ann_id}/revoke"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{revoked}");
    let mail = mail_for(&stack.emulators.ses, &bo, 2).await;
    assert_eq!(mail.len(), 2, "the proof, then his invitation");
    let token = crate::helpers::token_of(&crate::common::enrol_link(&mail[1], &stack.url));
    let (status, enrolled) = joiner
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Bo Waiting"})),
        )
        .await;
    assert_eq!(
        (status, enrolled["status"].as_str()),
        (200, Some("enrolled")),
        "{enrolled}"
    );
    // The bus heard of his place as of any invitation, naming the link he came through.
    let want = ["invitation.created", "enrolment.created"];
    let events = crate::events::events_about(&stack, &bo, &want).await;
    let created = events
        .iter()
        .find(|e| e["detail-type"] == "invitation.created")
        .unwrap();
    let detail = created["detail"]["data"]["detail"]
        .as_str()
        .unwrap_or_default();
    assert!(detail.starts_with("joined through join link "), "{created}");
    stack.stop();
}
