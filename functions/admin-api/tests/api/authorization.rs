//! Who may call what: anonymous callers nothing, a contract's admins their own contract's routes
//! (not choosing its admins, not the people routes), system administrators everything; and each
//! function serves its own routes only.

use crate::helpers::*;
use admin_api::functions::{all_routes, FUNCTIONS};
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use invitations_wire::routes::{self, Route};
use serde_json::{json, Value};
use testkit::{api_request, read_response, As};

type Call = (&'static str, String, Option<Value>);

/// Every route of contract `c` (the table's routes under `/contracts/{id}`), as (method, path,
/// body), on its invitation `inv` and its import `import`, in an order each can be answered
/// in: a new route is in the matrix without a line here (a body only if it takes one).
fn contract_routes(c: &str, inv: &str, import: &str, link: &str, lines: &Lines) -> Vec<Call> {
    let mut routes: Vec<&'static Route> = all_routes().filter(|r| r.names_a_contract()).collect();
    // The changes of the one invitation in an order each can be made in, then the admins.
    routes.sort_by_key(|r| ORDER.iter().position(|o| o == *r));
    routes
        .into_iter()
        .map(|r| {
            let params: Vec<&str> = r
                .param_names()
                .map(|name| match name {
                    "id" => c,
                    "invitationId" => inv,
                    "importId" => import,
                    "linkId" => link,
                    "entryId" if r.path.ends_with("/refuse") => &lines.refused,
                    "entryId" if r.path.contains("/join-requests/") => &lines.request,
                    "entryId" => &lines.waiting,
                    _ => "u1",
                })
                .collect();
            (r.method, r.to(&params), body(r, c, inv))
        })
        .collect()
}

/// Routes whose turn matters, last and in this order: resend before correcting the address
/// (a corrected address is a new send), both before revoke (they need the invitation
/// pending); choosing the contract's admins at the end. Any other route comes first.
const ORDER: [Route; 14] = [
    routes::RESEND,
    routes::CORRECT_ADDRESS,
    routes::CLEAR_BLOCK,
    routes::EXTEND,
    routes::EXTEND_MANY,
    routes::RESEND_MANY,
    routes::REVOKE,
    routes::REVOKE_MANY,
    routes::ADD_ADMIN,
    routes::REMOVE_ADMIN,
    routes::MOVE_WAITING,
    routes::REMOVE_WAITING,
    routes::APPROVE_JOIN_REQUEST,
    routes::REFUSE_JOIN_REQUEST,
];

/// The body a route of contract `c` is called with in the matrix, for those that take one.
fn body(route: &Route, c: &str, inv: &str) -> Option<Value> {
    let activities = if c == "A" { vec!["a1"] } else { vec![] };
    Some(match *route {
        routes::ANNOUNCE_IMPORT => {
            json!({"activities": activities, "file_name": "list.csv", "file_size": 120})
        }
        routes::ADD_INVITATIONS => {
            json!({"emails": ["someone@example.com"], "activities": activities})
        }
        routes::CORRECT_ADDRESS => json!({"email": format!("corrected.{c}@example.com")}),
        routes::EXTEND_MANY | routes::RESEND_MANY => json!({"ids": [inv]}),
        routes::REVOKE_MANY => json!({"emails": ["someone@example.com"]}),
        routes::SET_MAIL => {
            json!({"language": "fr", "subject": "{contract}", "message": "Bienvenue {name}."})
        }
        routes::TEST_MAIL => {
            json!({"language": "en", "subject": "Hi {name}", "message": "Join {contract}."})
        }
        routes::SET_REMINDERS => {
            json!({"enabled": true, "days_after_send": 4, "days_before_expiry": null, "at_most": 1})
        }
        routes::ADD_ADMIN => json!({"user_id": "u1"}),
        routes::ADD_CONTRACT_WEBHOOK => {
            json!({"url": "http://127.0.0.1:9/hook", "description": "matrix", "event_types": []})
        }
        routes::ADD_JOIN_LINK => json!({"audience": "matrix", "activities": activities}),
        routes::MOVE_WAITING => json!({"to": "first"}),
        // A window wide enough for every other route of the matrix.
        routes::SET_DATES => {
            json!({"starts_at": "2020-01-01T00:00:00Z", "ends_at": "2099-01-01T00:00:00Z"})
        }
        routes::SET_NOTIFICATIONS => json!({"enrolments": "off", "seat_alerts": false}),
        _ => {
            assert!(
                route.request.is_none(),
                "{}: give it a body here",
                route.key()
            );
            return None;
        }
    })
}

/// The routes of no contract, on the person at `email` (to add) and `sub` (to promote): who
/// may call them depends on who they are. The last field: whether contract admins may.
fn people_routes(email: &str, sub: &str) -> Vec<(&'static str, String, Option<Value>, bool)> {
    vec![
        ("GET", "/contracts".to_owned(), None, true),
        // Contract admins search by at least 3 letters (issue 26).
        ("GET", "/users?q=urs".to_owned(), None, true),
        (
            "POST",
            "/users".to_owned(),
            Some(json!({"email": email, "name": "Matrix Person"})),
            false,
        ),
        ("POST", format!("/users/{sub}/system-admin"), None, false),
        (
            "POST",
            format!("/users/{sub}/system-admin/remove"),
            None,
            false,
        ),
        // Privacy requests (issue 32): an export changes nothing.
        (
            "POST",
            "/privacy/requests".to_owned(),
            Some(
                json!({"email": email, "kind": "export", "delete_account": false, "do_not_invite": false}),
            ),
            false,
        ),
        ("GET", "/privacy/requests".to_owned(), None, false),
        (
            "GET",
            format!("/privacy/requests/{UNKNOWN_REQUEST}"),
            None,
            false,
        ),
    ]
}

/// A well-formed privacy request id that no test makes.
const UNKNOWN_REQUEST: &str = "20270301T090000-000000000000";

/// What a caller allowed on the contract is answered on each of its routes.
fn expected(method: &str, path: &str) -> u16 {
    if method == "POST"
        && (path.ends_with("/imports")
            || path.ends_with("/webhooks")
            || path.ends_with("/join-links"))
    {
        201
    } else if path.ends_with("/invite") || path.ends_with("/correct-address") {
        // Past the caller check, refused for what the invitation is: not a finished check; no
        // failed mail to correct (issue 26).
        409
    } else if path.ends_with("/mail/test") {
        202
    } else {
        200
    }
}

/// Choosing a contract's admins, and its dates, is for system administrators, not for its
/// admins.
fn chooses_admins(method: &str, path: &str) -> bool {
    method == "POST" && (path.contains("/admins") || path.ends_with("/dates"))
}

/// One pending invitation and one import in each of A and B, each made by its contract's own
/// admin two minutes ago (so that a resend is not too soon).
/// Someone on a contract's waiting list, and two asking to join it (one approved, one refused).
struct Lines {
    waiting: String,
    request: String,
    refused: String,
}

struct Matrix {
    a: (String, String, String, Lines),
    b: (String, String, String, Lines),
}

impl Matrix {
    async fn new(w: &World) -> Self {
        let a_inv = w.invite_one("pa").await;
        let b_inv = ids(&w.invite("B", &[w.env.email("pb")], &[], &ADMIN_B).await).remove(0);
        let a_import = w.announce(
            "A",
            json!({"activities": ["a1"], "file_size": 120}),
            &ADMIN_A,
        );
        let a_import = a_import.await.unwrap().import.id;
        let b_import = w.announce("B", json!({"file_size": 120}), &ADMIN_B);
        let b_import = b_import.await.unwrap().import.id;
        let link = |c: &'static str, who: &'static As| async move {
            let body = json!({"audience": "matrix", "activities": if c == "A" { vec!["a1"] } else { vec![] }});
            let (status, link) = w
                .call(
                    "POST",
                    &format!("/contracts/{c}/join-links"),
                    Some(body),
                    who,
                )
                .await;
            assert_eq!(status, 201, "{link}");
            link["id"].as_str().unwrap().to_owned()
        };
        let (a_link, b_link) = (link("A", &ADMIN_A).await, link("B", &ADMIN_B).await);
        // Someone waiting through each contract's link.
        let waiting = |link: String| async move {
            let link = w
                .env
                .store
                .get_join_link(&JoinLinkId::parse(&link).unwrap())
                .await
                .unwrap()
                .unwrap();
            let email = EmailAddress::parse(&w.env.email("waiting")).unwrap();
            let entry = WaitingEntry::new(&link, email, w.now());
            assert!(w.env.store.wait_via_link(&entry, &link).await.unwrap());
            let mut requests = Vec::new();
            for who in ["asking", "refused"] {
                let email = EmailAddress::parse(&w.env.email(who)).unwrap();
                let request = WaitingEntry::request(&link, email, w.now());
                assert!(w.env.store.wait_via_link(&request, &link).await.unwrap());
                requests.push(request.id.to_string());
            }
            Lines {
                waiting: entry.id.to_string(),
                refused: requests.pop().unwrap(),
                request: requests.pop().unwrap(),
            }
        };
        let (a_wait, b_wait) = (waiting(a_link.clone()).await, waiting(b_link.clone()).await);
        w.advance(Duration::minutes(2));
        Self {
            a: (a_inv, a_import, a_link, a_wait),
            b: (b_inv, b_import, b_link, b_wait),
        }
    }

    fn routes(&self, c: &str) -> Vec<Call> {
        let (inv, import, link, lines) = if c == "A" { &self.a } else { &self.b };
        contract_routes(c, inv, import, link, lines)
    }
}

/// Calls each route as `who`, in order: (method, path, answer).
async fn call_each(w: &World, routes: Vec<Call>, who: &As) -> Vec<(&'static str, String, Answer)> {
    let mut answers = Vec::new();
    for (method, path, body) in routes {
        let answer = w.call(method, &path, body, who).await;
        answers.push((method, path, answer));
    }
    answers
}

type Answer = (u16, Value);

#[test]
fn every_route_is_in_the_matrix() {
    assert_eq!(
        contract_routes(
            "A",
            "x",
            "m",
            "l",
            &Lines {
                waiting: "w".into(),
                request: "r".into(),
                refused: "f".into(),
            },
        )
        .len()
            + people_routes("p@example.com", "x").len()
            + crate::webhooks::webhook_routes("x").len()
            + crate::webhooks::system_routes().len()
            // Sending one message again needs a delivered or failed message: its own test
            // (webhooks::one_message_is_sent_again_by_its_endpoints_managers...) calls it as
            // each kind of caller.
            + 1,
        all_routes().count(),
        "every route is in this matrix"
    );
}

#[tokio::test]
async fn anonymous_callers_are_refused_on_every_route() {
    let w = World::new().await;
    let m = Matrix::new(&w).await;
    let routes = m.routes("A").into_iter().chain(m.routes("B")).collect();
    for (method, path, refused) in call_each(&w, routes, &As::Anonymous).await {
        assert_eq!(
            refused.refusal(),
            (401, "unauthenticated"),
            "anonymous {method} {path}"
        );
    }
    let person = w.env.email("matrix.person");
    for (method, path, body, _) in people_routes(&person, "nobody") {
        let refused = w.call(method, &path, body, &As::Anonymous).await;
        assert_eq!(
            refused.refusal(),
            (401, "unauthenticated"),
            "anonymous {method} {path}"
        );
    }
}

#[tokio::test]
async fn a_contract_admin_touches_nothing_of_another_contract() {
    let w = World::new().await;
    let m = Matrix::new(&w).await;
    for (method, path, refused) in call_each(&w, m.routes("B"), &ADMIN_A).await {
        assert_eq!(
            refused.refusal(),
            (403, "forbidden"),
            "admin of A on {method} {path}"
        );
    }
    // The other admin's invitation id under one's own contract is not found, not touched.
    let revoked = w.revoke("A", &m.b.0, &ADMIN_A).await;
    assert_eq!(revoked.refusal().0, 404);
}

#[tokio::test]
async fn a_contract_admin_reaches_every_route_of_their_contract_but_choosing_its_admins() {
    let w = World::new().await;
    let m = Matrix::new(&w).await;
    for (method, path, (status, body)) in call_each(&w, m.routes("A"), &ADMIN_A).await {
        let expected = if chooses_admins(method, &path) {
            403
        } else {
            expected(method, &path)
        };
        assert_eq!(status, expected, "admin of A on {method} {path}: {body}");
    }
}

#[tokio::test]
async fn a_system_admin_reaches_every_route_of_any_contract() {
    let w = World::new().await;
    let m = Matrix::new(&w).await;
    for (method, path, (status, body)) in call_each(&w, m.routes("B"), &SYSADMIN).await {
        assert_eq!(
            status,
            expected(method, &path),
            "system admin on {method} {path}: {body}"
        );
    }
}

/// A contract admin: the lists, not the people routes (403, nothing changes in the pool); a
/// system administrator: all of them.
#[tokio::test]
async fn the_people_routes_are_for_system_admins_the_lists_for_contract_admins_too() {
    let w = World::new().await;
    let person = w.env.email("matrix.person");
    for (method, path, body, for_contract_admins) in people_routes(&person, "nobody") {
        let answer = w.call(method, &path, body, &ADMIN_A).await;
        if for_contract_admins {
            assert_eq!(answer.0, 200, "admin of A on {method} {path}: {}", answer.1);
        } else {
            assert_eq!(
                answer.refusal(),
                (403, "forbidden"),
                "admin of A on {method} {path}"
            );
        }
    }
    let identity = EmailAddress::parse(&person).unwrap();
    let found = w.env.store.find_user_by_email(identity.identity()).await;
    assert!(
        found.unwrap().is_none(),
        "a refused POST /users added nobody"
    );
    let (status, added) = w
        .add_person(&person, "Matrix Person", &SYSADMIN)
        .await
        .unwrap();
    assert_eq!(status, 201, "{added:?}");
    for (method, path, body, _) in people_routes(&person, &added.user.id) {
        // POST /users again: the address has an account now, answered as it is (200). A
        // privacy request is queued (202); the unknown one is not found.
        let expected = match (method, path.as_str()) {
            ("POST", "/privacy/requests") => 202,
            (_, p) if p.ends_with(UNKNOWN_REQUEST) => 404,
            _ => 200,
        };
        let (status, body) = w.call(method, &path, body, &SYSADMIN).await;
        assert_eq!(status, expected, "system admin on {method} {path}: {body}");
    }
}

#[tokio::test]
async fn each_caller_lists_the_contracts_and_searches_the_directory_as_they_may() {
    let w = World::new().await;
    // Lists: a contract admin sees theirs only; the system admin sees all.
    let mine = w.contract_list(&ADMIN_A).await.unwrap();
    let names: Vec<&str> = mine.contracts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(names, ["A", "OLD"], "active first, then expired");
    let all = w.contract_list(&SYSADMIN).await.unwrap();
    assert_eq!(all.contracts.len(), 3);
    assert_eq!(w.contract_list(&As::Anonymous).await.refusal().0, 401);

    // The directory: contract admins and system admins, nobody else.
    assert!(w.users("?q=urs", &ADMIN_A).await.is_ok());
    assert!(w.users("?q=urs", &SYSADMIN).await.is_ok());
    let nobody = w.users("?q=urs", &As::User("nobody")).await;
    assert_eq!(nobody.refusal().0, 403);
    assert_eq!(w.users("?q=urs", &As::Anonymous).await.refusal().0, 401);
}

/// Each Lambda function answers its own routes and nothing else: a route of another function
/// is "not found" there, before any caller check, so no function does another's work.
#[tokio::test]
async fn each_function_serves_only_its_own_routes() {
    let w = World::new().await;
    let concrete = |path: &str| {
        path.replace("{id}", "A")
            .replace("{invitationId}", "i")
            .replace("{importId}", "m")
            .replace("{userId}", "u1")
    };
    for function in FUNCTIONS {
        for route in all_routes() {
            let request = api_request(route.method, &concrete(route.path), None, &SYSADMIN);
            let response = (function.handle)(w.app(function.binary), request)
                .await
                .unwrap();
            let (status, body, _) = read_response(response).await;
            // Refused by routing: 404, or 405 where another route has the same path.
            let unrouted = matches!(
                body.get("code").and_then(Value::as_str),
                Some("not_found" | "method_not_allowed")
            );
            if function.routes().contains(&route) {
                assert!(
                    !unrouted,
                    "{} {}: {status} {body}",
                    function.binary,
                    route.key()
                );
            } else {
                assert!(
                    unrouted,
                    "{} must not serve {}: {status} {body}",
                    function.binary,
                    route.key()
                );
            }
        }
    }
}
