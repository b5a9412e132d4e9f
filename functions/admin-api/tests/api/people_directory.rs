//! People: a contract's admins (chosen by system administrators), adding people and granting
//! system administration, an address nobody proved, and searching the directory.

use crate::helpers::*;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::json;
use std::sync::Arc;
use testkit::As;

/// A contract's admins as (id, name).
fn admins(list: &wire::AdminList) -> Vec<(String, Option<String>)> {
    list.admins
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect()
}

#[tokio::test]
async fn system_admins_choose_a_contracts_admins_and_access_follows_at_once() {
    let w = World::new().await;
    let ursula = As::User("u1");
    // Ursula is in the directory but manages nothing yet; A's one admin is not in the
    // directory, so the refusal names nobody and sends her to a system administrator.
    let refused = w.contract("A", &ursula).await;
    assert_eq!(refused.refusal().0, 403);
    assert_eq!(
        refused.detail(),
        "You are not an administrator of this learning contract. Ask a system administrator to \
         add you on its Admins tab."
    );

    let added = w.add_admin("A", "u1", &SYSADMIN).await.unwrap();
    assert_eq!(
        admins(&added),
        [
            ("admin-a".to_owned(), None),
            ("u1".to_owned(), Some("Ursula Le Guin".to_owned()))
        ],
        "an admin outside the directory is listed without a name"
    );
    // Adding her again changes nothing.
    let again = w.add_admin("A", "u1", &SYSADMIN).await.unwrap();
    assert_eq!(admins(&again), admins(&added));
    // Now she manages A (and only A), sees her co-admins, but cannot choose them.
    assert!(w.contract("A", &ursula).await.is_ok());
    assert_eq!(w.contract("B", &ursula).await.refusal().0, 403);
    let listed = w.admins("A", &ursula).await.unwrap();
    assert_eq!(admins(&listed), admins(&added));
    let refused = w.remove_admin("A", "admin-a", &ursula).await;
    assert_eq!(refused.refusal(), (403, "forbidden"));
    // Victor, refused A, is told whom to ask, by name (the admin outside the directory has none,
    // so the list is said to be partial).
    let refused = w.contract("A", &As::User("u2")).await;
    assert_eq!(
        refused.detail(),
        "You are not an administrator of this learning contract. Its admins include Ursula Le \
         Guin: ask one of them, or a system administrator, to add you on its Admins tab."
    );

    // Refusals, each with its reason, and nothing changed.
    for (body, code, status) in [
        (json!({"user_id": "nobody-here"}), "user_not_found", 404),
        (json!({"user_id": "not an id!"}), "invalid_user_id", 400),
        (json!({"user": "u1"}), "invalid_body", 400),
    ] {
        let refused = w
            .call("POST", "/contracts/A/admins", Some(body), &SYSADMIN)
            .await;
        assert_eq!(refused.refusal(), (status, code));
    }
    let refused = w.add_admin("NOPE", "u1", &SYSADMIN).await;
    assert_eq!(refused.refusal(), (404, "contract_not_found"));

    // Removed, she loses the contract at once; removing again changes nothing.
    for _ in 0..2 {
        let removed = w.remove_admin("A", "u1", &SYSADMIN).await.unwrap();
        assert_eq!(admins(&removed), [("admin-a".to_owned(), None)]);
    }
    assert_eq!(w.contract("A", &ursula).await.refusal().0, 403);

    // Every change is in the contract's audit trail, by whom and to whom.
    let audit = w.audit("A").await;
    let mut changes: Vec<(AuditAction, String)> = audit
        .iter()
        .map(|a| (a.action, a.subjects.join(",")))
        .collect();
    changes.sort_by_key(|(action, _)| *action as u8);
    assert_eq!(
        changes,
        [
            (AuditAction::AddAdmin, "u1".to_owned()),
            (AuditAction::RemoveAdmin, "u1".to_owned())
        ]
    );
    assert!(audit
        .iter()
        .all(|a| a.actor == Some(UserId::parse("root").unwrap())));
}

/// Adding people and granting system administration: system administrators only, the user pool
/// decides, and the directory shows the change at once.
#[tokio::test]
async fn system_admins_add_people_and_grant_or_withdraw_system_administration() {
    let w = World::new().await;
    let email = w.env.email("new.person");
    for who in [&As::Anonymous, &ADMIN_A] {
        let refused = if matches!(who, As::Anonymous) {
            401
        } else {
            403
        };
        let added = w.add_person(&email, "New Person", who).await;
        assert_eq!(added.refusal().0, refused);
        let granted = w.grant_system_admin("u1", who).await;
        assert_eq!(granted.refusal().0, refused);
    }
    let refused = w.add_person("not-an-address", "X", &SYSADMIN).await;
    assert_eq!(refused.refusal(), (400, "invalid_email"));
    let refused = w.add_person(&email, "  ", &SYSADMIN).await;
    assert_eq!(refused.refusal(), (400, "invalid_name"));

    // Added: an account in the pool (Cognito mails the invitation), and a directory record
    // under its sub.
    let (status, added) = w.add_person(&email, "New Person", &SYSADMIN).await.unwrap();
    assert_eq!((status, added.created), (201, true));
    let sub = UserId::parse(&added.user.id).unwrap();
    let account = w.env.accounts.get_account(&sub).await.unwrap().unwrap();
    assert_eq!(account.email.as_entered(), email);
    let record = w.env.store.get_user(&sub).await.unwrap().unwrap();
    assert_eq!(
        (record.name.as_str(), record.system_admin),
        ("New Person", false)
    );

    // Again, in other letters: the same person, nothing made.
    let (status, again) = w
        .add_person(&email.to_uppercase(), "Someone Else", &SYSADMIN)
        .await
        .unwrap();
    assert_eq!((status, again.created), (200, false), "{again:?}");
    assert_eq!(again.user.id, added.user.id);
    assert_eq!(again.user.name, "New Person");

    // Granted, then withdrawn: the pool's group and the directory follow, twice is a no-op.
    for _ in 0..2 {
        let user = w.grant_system_admin(sub.as_str(), &SYSADMIN).await;
        let user = user.unwrap();
        assert_eq!(user.system_admin, Some(true), "{user:?}");
    }
    assert!(w.env.accounts.is_system_admin(&sub).await.unwrap());
    let record = w.env.store.get_user(&sub).await.unwrap().unwrap();
    assert!(record.system_admin);
    let user = w.withdraw_system_admin(sub.as_str(), &SYSADMIN).await;
    let user = user.unwrap();
    assert_eq!(user.system_admin, Some(false), "{user:?}");
    assert!(!w.env.accounts.is_system_admin(&sub).await.unwrap());
    let record = w.env.store.get_user(&sub).await.unwrap().unwrap();
    assert!(!record.system_admin);

    // Nobody withdraws their own; unknown people are not found.
    let refused = w.withdraw_system_admin("root", &SYSADMIN).await;
    assert_eq!(refused.refusal(), (409, "own_system_admin"));
    let refused = w.grant_system_admin("nobody-here", &SYSADMIN).await;
    assert_eq!(refused.refusal(), (404, "user_not_found"));
}

/// Issue 26: an account that claims an address it never proved gets nothing through it.
/// "Adding" the address on People does not adopt (or later promote) that account; granting it
/// system administration is refused; picking it from the directory invites the address,
/// bound to nobody, and the directory lists it as unproved.
#[tokio::test]
async fn an_account_that_never_proved_its_address_gets_nothing_through_it() {
    let w = World::new().await;
    let sly = w
        .env
        .account_in_pool(&w.env.email("sly"), Some("Sly Student"), true)
        .await;
    let new_hire = w.env.email("new.hire");
    w.env.claim_address(&sly, &new_hire).await;
    directory_sync::run(&directory_sync::App {
        accounts: Arc::new(w.env.accounts.clone()),
        store: Arc::new(w.env.store_as("directory-sync")),
    })
    .await
    .unwrap();

    let refused = w.add_person(&new_hire, "New Hire", &SYSADMIN).await;
    assert_eq!(
        refused.refusal(),
        (409, "address_unverified"),
        "{refused:?}"
    );
    let refused = w.grant_system_admin(sly.as_str(), &SYSADMIN).await;
    assert_eq!(
        refused.refusal(),
        (409, "address_unverified"),
        "{refused:?}"
    );
    assert!(!w.env.accounts.is_system_admin(&sly).await.unwrap());

    let list = w.users("?q=new.hire", &SYSADMIN).await.unwrap();
    assert_eq!(list.users.len(), 1, "{list:?}");
    assert!(!list.users[0].email_verified);

    let body = json!({"user_ids": [sly.to_string()], "activities": ["a1"]});
    let added = w.add("A", body, &ADMIN_A).await.unwrap();
    let contract = ContractId::parse("A").unwrap();
    let found = w
        .env
        .store
        .find_invitations_by_email(&contract, &[new_hire.as_str()])
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{added:?}");
    assert_eq!(found[0].user_id, None, "bound to nobody");
    assert_eq!(found[0].name, None, "not named after the account");
}

/// Issue 26: contract admins find people to invite by a few letters, see at most 20, and never
/// learn who administers the system; system administrators see the directory whole.
#[tokio::test]
async fn contract_admins_search_the_directory_narrowly() {
    let w = World::new().await;
    for n in 0..25 {
        let email = w.env.email(&format!("match{n:02}"));
        let mut user = testkit::user(&format!("m{n:02}"), &email, &format!("Match {n:02}"));
        user.system_admin = n == 3;
        assert!(w.env.store.put_user(&user).await.unwrap());
    }
    for q in ["", "ma", "%20%20m%20"] {
        let refused = w.users(&format!("?q={q}"), &ADMIN_A).await;
        assert_eq!(refused.refusal(), (400, "query_too_short"), "{q:?}");
        assert!(refused.detail().contains("at least 3 letters"));
    }
    let list = w.users("?q=match&limit=200", &ADMIN_A).await.unwrap();
    assert_eq!(list.users.len(), 20);
    // Read exactly as the wire type: `None` is no field at all, not `null`.
    assert!(
        list.users.iter().all(|u| u.system_admin.is_none()),
        "{list:?}"
    );
    let list = w.users("?q=match&limit=200", &SYSADMIN).await.unwrap();
    assert_eq!(list.users.len(), 25);
    assert_eq!(list.users.iter().filter(|u| u.is_system_admin()).count(), 1);
    // Everyone, with no search at all.
    assert!(w.users("", &SYSADMIN).await.is_ok());
}

/// Issue 28: system administrators page through the whole directory (the People page's "Show
/// more"); contract admins get one short page; a cursor the API did not give is refused.
#[tokio::test]
async fn system_admins_page_through_the_directory() {
    let w = World::new().await;
    for i in 0..5 {
        let person = testkit::user(
            &format!("p{i}"),
            &w.env.email(&format!("pager{i}")),
            "Pat Pager",
        );
        assert!(w.env.store.put_user(&person).await.unwrap());
    }
    let mut seen = Vec::new();
    let mut query = "?q=pager&limit=2".to_owned();
    loop {
        let page = w.users(&query, &SYSADMIN).await.unwrap();
        assert!(page.users.len() <= 2);
        seen.extend(page.users.iter().map(|u| u.id.clone()));
        match page.next_cursor {
            Some(cursor) => query = format!("?q=pager&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, ["p0", "p1", "p2", "p3", "p4"]);
    let admins = w.users("?q=pager&limit=2", &ADMIN_A).await.unwrap();
    assert_eq!((admins.users.len(), admins.next_cursor), (2, None));
    let refused = w
        .users("?q=pager&cursor=not-ours", &SYSADMIN)
        .await
        .unwrap_err();
    assert_eq!(refused.status, 400, "{refused:?}");
}

/// Issue 32: the directory's answers carry each person's standing in the sign-in service
/// (and when a removal was noticed); a contract's admins carry theirs. Someone who cannot sign
/// in is not made an admin nor bound to a new invitation; one made an admin before stays one
/// (their token, which they cannot get, decides).
#[tokio::test]
async fn answers_carry_each_persons_standing_in_the_sign_in_service() {
    let w = World::new().await;
    let noticed = w.now();
    for (id, standing) in [
        ("s-active", Standing::Active),
        ("s-disabled", Standing::Disabled),
        (
            "s-removed",
            Standing::Removed {
                noticed_at: noticed,
            },
        ),
    ] {
        let mut user = testkit::user(id, &w.env.email(id), &format!("Stand {id}"));
        user.standing = standing;
        assert!(w.env.store.put_user(&user).await.unwrap());
    }
    let standings = |list: &wire::UserList| -> Vec<(String, wire::Standing, Option<String>)> {
        let mut all: Vec<_> = list
            .users
            .iter()
            .map(|u| (u.id.clone(), u.standing, u.removed_at.clone()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    };
    let expected = vec![
        ("s-active".to_owned(), wire::Standing::Active, None),
        ("s-disabled".to_owned(), wire::Standing::Disabled, None),
        (
            "s-removed".to_owned(),
            wire::Standing::Removed,
            Some(admin_api::views::timestamp(noticed)),
        ),
    ];
    for who in [&SYSADMIN, &ADMIN_A] {
        let list = w.users("?q=stand", who).await.unwrap();
        assert_eq!(standings(&list), expected);
    }
    // On the wire: lower-case words, and no `removed_at` unless removed.
    let (status, body) = w.call("GET", "/users?q=stand", None, &SYSADMIN).await;
    assert_eq!(status, 200);
    let raw: Vec<(String, serde_json::Value)> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["standing"].as_str().unwrap().to_owned(), u.clone()))
        .collect();
    for (standing, user) in &raw {
        assert_eq!(
            user.get("removed_at").is_some(),
            standing == "removed",
            "{user}"
        );
    }
    let mut words: Vec<&str> = raw.iter().map(|(s, _)| s.as_str()).collect();
    words.sort();
    assert_eq!(words, ["active", "disabled", "removed"]);

    // Someone who cannot sign in is not made an admin (refused in words); made one before
    // they were disabled or removed, they are listed with their standing, and one outside the
    // directory with none.
    for id in ["s-disabled", "s-removed"] {
        let refused = w.add_admin("A", id, &SYSADMIN).await;
        assert_eq!(refused.refusal(), (409, "cannot_sign_in"));
        assert!(refused.detail().contains("cannot sign in"));
        w.env
            .store
            .add_contract_admin(
                &ContractId::parse("A").unwrap(),
                &UserId::parse(id).unwrap(),
                &UserId::parse("root").unwrap(),
                t0(),
            )
            .await
            .unwrap();
    }
    let list = w.admins("A", &SYSADMIN).await.unwrap();
    let mut got: Vec<(String, Option<wire::Standing>)> = list
        .admins
        .iter()
        .map(|a| (a.id.clone(), a.standing))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        [
            ("admin-a".to_owned(), None),
            ("s-disabled".to_owned(), Some(wire::Standing::Disabled)),
            ("s-removed".to_owned(), Some(wire::Standing::Removed)),
        ]
    );

    // Picked from the directory, someone who cannot sign in is invited by address, bound to
    // no account (their account could not enrol).
    let body = json!({"user_ids": ["s-disabled"], "activities": ["a1"]});
    let added = w.add("A", body, &ADMIN_A).await.unwrap();
    let disabled = w
        .env
        .store
        .get_user(&UserId::parse("s-disabled").unwrap())
        .await
        .unwrap()
        .unwrap();
    let found = w
        .env
        .store
        .find_invitations_by_email(
            &ContractId::parse("A").unwrap(),
            &[disabled.email.identity()],
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{added:?}");
    assert_eq!(found[0].user_id, None, "bound to nobody");
}
