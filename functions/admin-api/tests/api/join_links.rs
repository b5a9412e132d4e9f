//! Join links through the API (issue 30, part 1): a contract's admins make one per audience,
//! each with a code that names it and its generation (never stored); Regenerate retires the old
//! code; disable and enable; what is wrong in a new link is said at its field.

use crate::helpers::*;
use invitations_core::ports::PeopleStore;
use serde_json::{json, Value};

async fn add(w: &World, contract: &str, body: Value) -> (u16, Value) {
    w.call(
        "POST",
        &format!("/contracts/{contract}/join-links"),
        Some(body),
        &ADMIN_A,
    )
    .await
}

#[tokio::test]
async fn an_admin_makes_a_link_for_one_audience_and_its_code_names_it() {
    let w = World::new().await;
    let ada = testkit::user("admin-a", &w.env.email("ada"), "Ada Admin");
    assert!(w.env.store.put_user(&ada).await.unwrap());
    let (status, link) = add(
        &w,
        "A",
        json!({
            "audience": "  Sales team, spring intake ",
            "activities": ["a2"],
            "max_uses": 150,
            "closes_at": "2026-03-31T18:00:00Z",
            "allowed_domains": ["@Corp.Example", "corp.example", "eu.corp.example"],
        }),
    )
    .await;
    assert_eq!(status, 201, "{link}");
    assert_eq!(link["audience"], "Sales team, spring intake");
    assert_eq!(link["activities"], json!(["a2"]));
    assert_eq!(
        link["allowed_domains"],
        json!(["corp.example", "eu.corp.example"])
    );
    assert_eq!(
        (link["uses"].clone(), link["places_left"].clone()),
        (json!(0), json!(150))
    );
    assert_eq!(link["state"], "open");
    assert_eq!(link["enabled"], true);
    assert_eq!(link["created_by_name"], "Ada Admin", "{link}");
    let code = w
        .env
        .link_key
        .verify_join(link["code"].as_str().unwrap())
        .expect("the code verifies with the link key");
    assert_eq!(code.link_id.as_str(), link["id"].as_str().unwrap());
    assert_eq!(code.generation, 1);
    // Not an invitation token.
    assert!(w
        .env
        .link_key
        .verify(link["code"].as_str().unwrap())
        .is_err());

    // A second audience; the list is newest first.
    w.advance(chrono::Duration::minutes(1));
    let (_, later) = add(
        &w,
        "A",
        json!({"audience": "Managers", "activities": ["a1", "a3"], "opens_at": "2026-03-10T08:00:00Z"}),
    )
    .await;
    assert_eq!(later["state"], "not_yet_open");
    assert_eq!(later["places_left"], Value::Null);
    let (_, list) = w
        .call("GET", "/contracts/A/join-links", None, &ADMIN_A)
        .await;
    let ids: Vec<&str> = list["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [later["id"].as_str().unwrap(), link["id"].as_str().unwrap()]
    );
    // Another contract's admin sees none of it.
    let refused = w
        .call("GET", "/contracts/A/join-links", None, &ADMIN_B)
        .await;
    assert_eq!(refused.refusal().0, 403);
}

#[tokio::test]
async fn what_is_wrong_in_a_new_link_is_said_in_words() {
    let w = World::new().await;
    for (body, code, says) in [
        (
            json!({"audience": " ", "activities": ["a1"]}),
            "invalid_audience",
            "Say who the link is for",
        ),
        (json!({"audience": "Sales"}), "invalid_activities", "Choose"),
        (
            json!({"audience": "Sales", "activities": ["a1"], "allowed_domains": ["corp.example", "gmail.com"]}),
            "invalid_domain",
            "The domain gmail.com is a free mail service",
        ),
        (
            json!({"audience": "Sales", "activities": ["a1"], "allowed_domains": ["not a domain"]}),
            "invalid_domain",
            "This is not an email domain: \"not a domain\".",
        ),
        (
            json!({"audience": "Sales", "activities": ["a1"], "opens_at": "2026-04-01T00:00:00Z", "closes_at": "2026-03-20T00:00:00Z"}),
            "invalid_window",
            "must close after it opens",
        ),
        (
            json!({"audience": "Sales", "activities": ["a1"], "closes_at": "2026-03-01T00:00:00Z"}),
            "invalid_window",
            "has passed already",
        ),
        (
            json!({"audience": "Sales", "activities": ["a1"], "closes_at": "next friday"}),
            "invalid_time",
            "The time closes_at must be written like",
        ),
        (
            json!({"audience": "Sales", "activities": ["a1"], "max_uses": 0}),
            "invalid_max_uses",
            "admits nobody",
        ),
    ] {
        let refused = add(&w, "A", body.clone()).await;
        assert_eq!(refused.refusal().0, 400, "{body}: {:?}", refused.1);
        assert!(
            refused.1["code"]
                .as_str()
                .unwrap()
                .starts_with(code.split('_').next().unwrap()),
            "{body}: {:?}",
            refused.1
        );
        assert!(
            refused.detail().contains(says),
            "{body}: {}",
            refused.detail()
        );
    }
    // An expired contract makes no links.
    let expired = add(&w, "OLD", json!({"audience": "Late"})).await;
    assert_eq!(expired.refusal().0, 409, "{:?}", expired.1);
}

#[tokio::test]
async fn regenerate_retires_the_old_code_and_disable_and_enable_say_where_it_stands() {
    let w = World::new().await;
    let (status, link) = w
        .call(
            "POST",
            "/contracts/B/join-links",
            Some(json!({"audience": "Everyone"})),
            &ADMIN_B,
        )
        .await;
    assert_eq!(status, 201, "{link}");
    let id = link["id"].as_str().unwrap();
    let call = |what: &str| {
        let path = format!("/contracts/B/join-links/{id}/{what}");
        let w = &w;
        async move { w.call("POST", &path, None, &ADMIN_A).await }
    };
    // Admin A is not B's admin.
    assert_eq!(call("regenerate").await.refusal().0, 403);
    let call = |what: &'static str| {
        let path = format!("/contracts/B/join-links/{id}/{what}");
        let w = &w;
        async move { w.call("POST", &path, None, &crate::helpers::ADMIN_B).await }
    };
    let (status, again) = call("regenerate").await;
    assert_eq!(status, 200, "{again}");
    assert_ne!(again["code"], link["code"]);
    let new = w
        .env
        .link_key
        .verify_join(again["code"].as_str().unwrap())
        .unwrap();
    let old = w
        .env
        .link_key
        .verify_join(link["code"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        (old.generation, new.generation),
        (1, 2),
        "the old code names a retired generation"
    );

    let (_, off) = call("disable").await;
    assert_eq!(
        (off["enabled"].clone(), off["state"].clone()),
        (json!(false), json!("disabled"))
    );
    let (status, still_off) = call("disable").await;
    assert_eq!(
        (status, still_off["state"].clone()),
        (200, json!("disabled")),
        "twice is once"
    );
    let (_, on) = call("enable").await;
    assert_eq!(on["state"], "open");
    assert_eq!(on["code"], again["code"], "enabling keeps the code");

    // A link of B is not found under A, even by A's admin.
    let (status, _) = w
        .call(
            "POST",
            &format!("/contracts/A/join-links/{id}/disable"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = w
        .call(
            "POST",
            "/contracts/B/join-links/not-a-link/disable",
            None,
            &ADMIN_B,
        )
        .await;
    assert_eq!(status, 404);
}

/// Issue 33: the key that makes the codes is read when a route first shows one, not at the
/// start. While it cannot be read, a new link is refused before it is written (500, the
/// error the start gave before in the log); the next request reads it again.
#[tokio::test]
async fn the_link_key_is_read_when_a_code_is_first_shown() {
    let mut w = World::new().await;
    let keys = w.env.link_keys();
    w.app_mut("join-links").join_links.as_mut().unwrap().key = keys.clone();
    let body = json!({"audience": "Sales team", "activities": ["a2"]});
    let refused = add(&w, "A", body.clone()).await;
    assert_eq!(refused.refusal(), (500, "internal_error"));
    let (status, list) = w
        .call("GET", "/contracts/A/join-links", None, &ADMIN_A)
        .await;
    assert_eq!(
        (status, list["links"].clone()),
        (200, json!([])),
        "nothing written"
    );
    assert_eq!(keys.read(), (false, false));

    let key = w.env.put_link_key(&[4; 48]).await;
    let (status, link) = add(&w, "A", body).await;
    assert_eq!(status, 201, "{link}");
    let code = key.verify_join(link["code"].as_str().unwrap()).unwrap();
    assert_eq!(code.link_id.as_str(), link["id"].as_str().unwrap());
    assert_eq!(
        keys.read(),
        (true, false),
        "a signer never reads the previous version"
    );
}
