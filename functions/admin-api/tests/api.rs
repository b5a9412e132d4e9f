//! The admin API in-process, with real API Gateway v2 events, against the emulators.

use admin_api::functions::{all_routes, FUNCTIONS};
use admin_api::{handle, App};
use chrono::{DateTime, Duration, TimeZone, Utc};
use invitations_core::adapters::S3Blobs;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use testkit::{api_event, api_request, assert_sentence, read_response, As, TestEnv};

struct World {
    env: TestEnv,
    /// One App per admin function, each on a store with its role's table permissions
    /// (testkit::leading_keys), as the functions run in AWS.
    apps: std::collections::BTreeMap<&'static str, App>,
    time: Arc<Mutex<DateTime<Utc>>>,
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn contract(
    id: &str,
    admin: &str,
    kind: ContractKind,
    activities: &[&str],
    seat_limit: Option<u64>,
) -> Contract {
    Contract {
        id: ContractId::parse(id).unwrap(),
        name: format!("Contract {id}"),
        kind,
        activities: activities
            .iter()
            .map(|a| Activity {
                id: ActivityId::parse(a).unwrap(),
                name: format!("Course {a}"),
            })
            .collect(),
        admins: vec![UserId::parse(admin).unwrap()],
        seat_limit,
        starts_at: t0() - Duration::days(10),
        ends_at: t0() + Duration::days(100),
        invitation_lifetime_days: 14,
        counts: StatusCounts::default(),
        mail: Default::default(),
        reminders: Default::default(),
    }
}

impl World {
    async fn new() -> Self {
        let env = TestEnv::new().await;
        let time = Arc::new(Mutex::new(t0()));
        let clock_time = time.clone();
        let apps = FUNCTIONS
            .iter()
            .map(|f| {
                let clock_time = clock_time.clone();
                let app = App {
                    store: Arc::new(env.store_as(f.binary)),
                    blobs: Some(Arc::new(S3Blobs::new(env.s3.clone(), &env.bucket))),
                    accounts: Some(Arc::new(env.accounts.clone())),
                    clock: Arc::new(move || *clock_time.lock().unwrap()),
                };
                (f.binary, app)
            })
            .collect();
        let store = &env.store;
        store
            .put_contract(&contract(
                "A",
                "admin-a",
                ContractKind::Voucher,
                &["a1", "a2", "a3"],
                None,
            ))
            .await
            .unwrap();
        store
            .put_contract(&contract(
                "B",
                "admin-b",
                ContractKind::Subscription,
                &["b1"],
                None,
            ))
            .await
            .unwrap();
        let mut expired = contract("OLD", "admin-a", ContractKind::Subscription, &["o1"], None);
        expired.ends_at = t0() - Duration::days(1);
        store.put_contract(&expired).await.unwrap();
        for (id, local, name) in [
            ("u1", "ursula", "Ursula Le Guin"),
            ("u2", "victor", "Victor Hugo"),
        ] {
            let user = User {
                id: UserId::parse(id).unwrap(),
                email: EmailAddress::parse(&env.email(local)).unwrap(),
                name: name.into(),
                created_at: t0(),
                system_admin: false,
                email_verified: true,
            };
            assert!(store.put_user(&user).await.unwrap());
        }
        Self { env, apps, time }
    }

    /// The App of the function that serves `req` (admin-read's when none does: the answer is
    /// then routing's 404 or 405).
    fn app_for(&self, req: &lambda_http::Request) -> &App {
        let path = lambda_http::RequestExt::raw_http_path(req).to_owned();
        let binary = all_routes()
            .find(|r| r.matches(req.method().as_str(), &path).is_some())
            .map_or("admin-read", |r| r.function);
        &self.apps[binary]
    }

    /// The admin API as API Gateway reaches it: the request goes to its function's App.
    async fn handle(&self, req: lambda_http::Request) -> lambda_http::Response<lambda_http::Body> {
        handle(self.app_for(&req), req).await.unwrap()
    }

    fn advance(&self, by: Duration) {
        *self.time.lock().unwrap() += by;
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>, who: &As) -> (u16, Value) {
        self.answer(method, path, api_request(method, path, body.as_ref(), who))
            .await
    }

    /// A call whose body is `raw` as it is, JSON or not.
    async fn call_raw(&self, method: &str, path: &str, raw: &str, who: &As) -> (u16, Value) {
        let mut event = api_event(method, path, None, who);
        event["body"] = Value::String(raw.to_owned());
        let req = lambda_http::request::from_str(&event.to_string()).unwrap();
        self.answer(method, path, req).await
    }

    /// The handler's answer, held to what every answer must be: a problem's detail (and each
    /// refused row's of a bulk action) is a sentence (issue 26).
    async fn answer(&self, method: &str, path: &str, req: lambda_http::Request) -> (u16, Value) {
        let response = self.handle(req).await;
        let (status, body, content_type) = read_response(response).await;
        if status >= 400 {
            assert_eq!(
                content_type, "application/problem+json",
                "{method} {path}: {body}"
            );
            assert!(
                body["code"].is_string() && body["detail"].is_string(),
                "{body}"
            );
            assert_sentence(body["detail"].as_str().unwrap());
        } else if path.contains("/invitations/export") {
            assert_eq!(content_type, "text/csv; charset=utf-8", "{path}");
        } else {
            assert_eq!(content_type, "application/json");
        }
        // A bulk action's refused rows carry the refusal's detail, an add request's refused
        // people theirs, an import its refused rows' reasons: sentences too.
        let done = [
            "invited",
            "reinvited",
            "already_invited",
            "already_enrolled",
        ];
        for row in body["results"].as_array().into_iter().flatten() {
            if let Some(detail) = row["detail"].as_str() {
                if !done.contains(&row["outcome"].as_str().unwrap_or_default()) {
                    assert_sentence(detail);
                }
            }
        }
        let imports = body["imports"].as_array().cloned().unwrap_or_default();
        for import in imports.iter().chain([&body]) {
            for row in import["first_bad_rows"].as_array().into_iter().flatten() {
                assert_sentence(row["reason"].as_str().unwrap());
            }
            if import["status"]["state"] == "failed" {
                assert_sentence(import["status"]["reason"].as_str().unwrap());
            }
        }
        (status, body)
    }

    /// A download: status, the Content-Disposition header and the file's text.
    async fn download(&self, path: &str, who: &As) -> (u16, String, String) {
        let response = self.handle(api_request("GET", path, None, who)).await;
        let disposition = response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let status = response.status().as_u16();
        let text = match response.body() {
            lambda_http::Body::Text(t) => t.clone(),
            other => panic!("{path}: not text: {other:?}"),
        };
        (status, disposition, text)
    }

    /// The mailer's side of a send: claims the queued send and records it as SES accepted it.
    async fn mail_out(&self, id: &str, message_id: &str) {
        let store = &self.env.store;
        let inv = store
            .find_invitation(&InvitationId::parse(id).unwrap())
            .await
            .unwrap()
            .unwrap();
        let now = *self.time.lock().unwrap();
        let claimed = store
            .claim_send(
                &inv.contract_id,
                inv.email.identity(),
                inv.token_version,
                now,
            )
            .await
            .unwrap()
            .expect("a queued send");
        let sent = DeliveryResult::Sent {
            message_id: message_id.into(),
            remind_at: None,
        };
        store
            .record_delivery(&claimed, sent.clone(), now)
            .await
            .unwrap();
        // The mailer may record twice (a retried stream record): still one entry.
        store.record_delivery(&claimed, sent, now).await.unwrap();
    }

    /// The invitation's mail goes out and bounces for good, as the mailer and the delivery
    /// reports record it (and the address is blocked, as delivery-events does).
    async fn bounce(&self, id: &str) {
        let at = *self.time.lock().unwrap();
        let message_id = format!("bounce-{id}-{}", at.timestamp_millis());
        self.mail_out(id, &message_id).await;
        self.bounced(id, &message_id).await;
    }

    /// The mail already sent as `message_id` bounces for good (and its address is blocked).
    async fn bounced(&self, id: &str, message_id: &str) {
        let at = *self.time.lock().unwrap();
        let inv = InvitationId::parse(id).unwrap();
        let report = DeliveryReport {
            kind: ReportKind::BouncedPermanent,
            at,
            detail: "smtp; 550 5.1.1 user unknown".into(),
        };
        self.env
            .store
            .record_report(&inv, message_id, &report)
            .await
            .unwrap();
        let found = self.env.store.find_invitation(&inv).await.unwrap().unwrap();
        self.env
            .store
            .block_address(&AddressBlock {
                identity: found.email.identity().to_owned(),
                kind: ReportKind::BouncedPermanent,
                detail: report.detail,
                at,
            })
            .await
            .unwrap();
    }

    /// Announces a check of `team.csv` for contract A (activity a2); its id.
    async fn announce_check(&self) -> ImportId {
        let (status, created) = self
            .call(
                "POST",
                "/contracts/A/imports",
                Some(json!({"activities": ["a2"], "file_name": "team.csv", "file_size": 30, "mode": "check"})),
                &ADMIN_A,
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["import"]["mode"], "check");
        ImportId::parse(created["import"]["id"].as_str().unwrap()).unwrap()
    }

    async fn put_file(&self, key: &str, body: &str) {
        self.env
            .s3
            .put_object()
            .bucket(&self.env.bucket)
            .key(key)
            .body(body.to_owned().into_bytes().into())
            .send()
            .await
            .unwrap();
    }

    /// The check's file arrives and the check finishes, as the import function leaves it
    /// (`pinned`: holding the file's ETag, as checks do since issue 26).
    async fn finish_check(&self, check_id: &ImportId, file: &str, pinned: bool) {
        let key = format!("imports/A/{check_id}.csv");
        self.put_file(&key, file).await;
        let contract = ContractId::parse("A").unwrap();
        let mut check = self
            .env
            .store
            .get_import(&contract, check_id)
            .await
            .unwrap()
            .unwrap();
        if pinned {
            let head = self
                .env
                .s3
                .head_object()
                .bucket(&self.env.bucket)
                .key(&key)
                .send()
                .await
                .unwrap();
            check.file_etag = head.e_tag().map(|e| e.trim_matches('"').to_owned());
        }
        check.status = ImportStatus::Done;
        check.file_key = Some(key);
        self.env.store.save_import(&check).await.unwrap();
    }

    /// Every entry of an invitation's history, page by page (`limit` a page), newest first.
    async fn history(&self, contract: &str, id: &str, limit: usize) -> Vec<Value> {
        let mut entries = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/contracts/{contract}/invitations/{id}/history?limit={limit}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let (status, page) = self.call("GET", &path, None, &ADMIN_A).await;
            assert_eq!(status, 200, "{page}");
            assert_eq!(page["invitation_id"], id);
            let got = page["entries"].as_array().unwrap();
            assert!(got.len() <= limit);
            entries.extend(got.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => {
                    assert_eq!(got.len(), limit, "only a full page has a next one");
                    cursor = Some(c.to_owned());
                }
                None => break,
            }
        }
        entries
    }

    async fn invite(
        &self,
        contract: &str,
        emails: &[String],
        activities: &[&str],
        who: &As,
    ) -> Value {
        let (status, body) = self
            .call(
                "POST",
                &format!("/contracts/{contract}/invitations"),
                Some(json!({"emails": emails, "activities": activities})),
                who,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

const ADMIN_A: As = As::User("admin-a");
const SYSADMIN: As = As::SystemAdmin("root");

fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["invitation_id"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn every_admin_route_checks_who_is_calling_and_what_they_may_touch() {
    let w = World::new().await;
    // One pending invitation in each contract, made by its own admin.
    let a_inv = ids(&w.invite("A", &[w.env.email("pa")], &["a1"], &ADMIN_A).await)[0].clone();
    let b_inv = ids(&w
        .invite("B", &[w.env.email("pb")], &[], &As::User("admin-b"))
        .await)[0]
        .clone();
    let (_, a_import) = w
        .call(
            "POST",
            "/contracts/A/imports",
            Some(json!({"activities": ["a1"], "file_size": 120})),
            &ADMIN_A,
        )
        .await;
    let (_, b_import) = w
        .call(
            "POST",
            "/contracts/B/imports",
            Some(json!({"file_size": 120})),
            &As::User("admin-b"),
        )
        .await;
    let import_of = |c: &str| {
        let created = if c == "A" { &a_import } else { &b_import };
        created["import"]["id"]
            .as_str()
            .expect("an import id")
            .to_owned()
    };
    w.advance(Duration::minutes(2));

    let paths = |c: &str, inv: &str| {
        let activities = if c == "A" { vec!["a1"] } else { vec![] };
        vec![
            (
                "POST",
                format!("/contracts/{c}/imports"),
                Some(json!({"activities": activities, "file_name": "list.csv", "file_size": 120})),
            ),
            ("GET", format!("/contracts/{c}/imports"), None),
            // Not a check: refused (409) for those who may touch the contract.
            (
                "POST",
                format!("/contracts/{c}/imports/{}/invite", import_of(c)),
                None,
            ),
            (
                "GET",
                format!("/contracts/{c}/imports/{}", import_of(c)),
                None,
            ),
            ("GET", format!("/contracts/{c}"), None),
            ("GET", format!("/contracts/{c}/invitations"), None),
            ("GET", format!("/contracts/{c}/invitations/export"), None),
            (
                "GET",
                format!("/contracts/{c}/invitations/{inv}/history"),
                None,
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations"),
                Some(
                    json!({"emails": ["someone@example.com"], "activities": if c == "A" { vec!["a1"] } else { vec![] }}),
                ),
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations/{inv}/resend"),
                None,
            ),
            // After resend (a corrected address is a new send) and before revoke (it needs the
            // invitation pending).
            (
                "POST",
                format!("/contracts/{c}/invitations/{inv}/correct-address"),
                Some(json!({"email": format!("corrected.{c}@example.com")})),
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations/{inv}/clear-block"),
                None,
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations/{inv}/extend"),
                None,
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations/extend"),
                Some(json!({"ids": [inv]})),
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations/resend"),
                Some(json!({"ids": [inv]})),
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations/{inv}/revoke"),
                None,
            ),
            (
                "POST",
                format!("/contracts/{c}/invitations/revoke"),
                Some(json!({"emails": ["someone@example.com"]})),
            ),
            ("GET", format!("/contracts/{c}/admins"), None),
            ("GET", format!("/contracts/{c}/funnel"), None),
            (
                "POST",
                format!("/contracts/{c}/mail"),
                Some(
                    json!({"language": "fr", "subject": "{contract}", "message": "Bienvenue {name}."}),
                ),
            ),
            (
                "POST",
                format!("/contracts/{c}/mail/test"),
                Some(
                    json!({"language": "en", "subject": "Hi {name}", "message": "Join {contract}."}),
                ),
            ),
            (
                "POST",
                format!("/contracts/{c}/reminders"),
                Some(
                    json!({"enabled": true, "days_after_send": 4, "days_before_expiry": null, "at_most": 1}),
                ),
            ),
            (
                "POST",
                format!("/contracts/{c}/admins"),
                Some(json!({"user_id": "u1"})),
            ),
            ("POST", format!("/contracts/{c}/admins/u1/remove"), None),
        ]
    };
    // Choosing a contract's admins is for system administrators, not for its admins.
    let chooses_admins = |method: &str, path: &str| method == "POST" && path.contains("/admins");
    // The routes of no contract: who may call them depends on who they are.
    let person = w.env.email("matrix.person");
    let everyone_routes = |sub: &str| {
        vec![
            ("GET", "/contracts".to_owned(), None, true),
            // Contract admins search by at least 3 letters (issue 26).
            ("GET", "/users?q=urs".to_owned(), None, true),
            (
                "POST",
                "/users".to_owned(),
                Some(json!({"email": person, "name": "Matrix Person"})),
                false,
            ),
            ("POST", format!("/users/{sub}/system-admin"), None, false),
            (
                "POST",
                format!("/users/{sub}/system-admin/remove"),
                None,
                false,
            ),
        ]
    };
    assert_eq!(
        paths("A", "x").len() + everyone_routes("x").len(),
        all_routes().count(),
        "every route is in this matrix"
    );
    for (method, path, body) in paths("A", &a_inv).into_iter().chain(paths("B", &b_inv)) {
        let (status, problem) = w.call(method, &path, body.clone(), &As::Anonymous).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (401, Some("unauthenticated")),
            "anonymous {method} {path}"
        );
    }
    for (method, path, body) in paths("B", &b_inv) {
        let (status, problem) = w.call(method, &path, body, &ADMIN_A).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (403, Some("forbidden")),
            "admin of A on {method} {path}"
        );
    }
    for (method, path, body) in paths("A", &a_inv) {
        let (status, body) = w.call(method, &path, body, &ADMIN_A).await;
        let expected = if method == "POST" && path.ends_with("/imports") {
            201
        } else if path.ends_with("/invite") || path.ends_with("/correct-address") {
            // Past the caller check, refused for what the invitation is: not a finished
            // check; no failed mail to correct (issue 26).
            409
        } else if chooses_admins(method, &path) {
            403
        } else if path.ends_with("/mail/test") {
            202
        } else {
            200
        };
        assert_eq!(status, expected, "admin of A on {method} {path}: {body}");
    }
    for (method, path, body) in paths("B", &b_inv) {
        let (status, body) = w.call(method, &path, body, &SYSADMIN).await;
        let expected = if method == "POST" && path.ends_with("/imports") {
            201
        } else if path.ends_with("/invite") || path.ends_with("/correct-address") {
            409
        } else if path.ends_with("/mail/test") {
            202
        } else {
            200
        };
        assert_eq!(status, expected, "system admin on {method} {path}: {body}");
    }
    // Anonymous: 401 everywhere; a contract admin: the lists, not the people routes (403,
    // nothing changes in the pool); a system administrator: all of them.
    for (method, path, body, _) in everyone_routes("nobody") {
        let (status, problem) = w.call(method, &path, body, &As::Anonymous).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (401, Some("unauthenticated")),
            "anonymous {method} {path}"
        );
    }
    for (method, path, body, for_contract_admins) in everyone_routes("nobody") {
        let (status, problem) = w.call(method, &path, body, &ADMIN_A).await;
        if for_contract_admins {
            assert_eq!(status, 200, "admin of A on {method} {path}: {problem}");
        } else {
            assert_eq!(
                (status, problem["code"].as_str()),
                (403, Some("forbidden")),
                "admin of A on {method} {path}"
            );
        }
    }
    assert!(
        w.env
            .store
            .find_user_by_email(EmailAddress::parse(&person).unwrap().identity())
            .await
            .unwrap()
            .is_none(),
        "a refused POST /users added nobody"
    );
    let (status, added) = w
        .call(
            "POST",
            "/users",
            everyone_routes("x")[2].2.clone(),
            &SYSADMIN,
        )
        .await;
    assert_eq!(status, 201, "{added}");
    let sub = added["user"]["id"]
        .as_str()
        .expect("the new person's id")
        .to_owned();
    for (method, path, body, _) in everyone_routes(&sub) {
        // POST /users again: the address has an account now, answered as it is (200).
        let (status, body) = w.call(method, &path, body, &SYSADMIN).await;
        assert_eq!(status, 200, "system admin on {method} {path}: {body}");
    }

    // The other admin's invitation id under one's own contract is not found, not touched.
    let (status, _) = w
        .call(
            "POST",
            &format!("/contracts/A/invitations/{b_inv}/revoke"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 404);

    // Lists: a contract admin sees theirs only; the system admin sees all.
    let (_, mine) = w.call("GET", "/contracts", None, &ADMIN_A).await;
    let names: Vec<&str> = mine["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["A", "OLD"], "active first, then expired");
    let (_, all) = w.call("GET", "/contracts", None, &SYSADMIN).await;
    assert_eq!(all["contracts"].as_array().unwrap().len(), 3);
    assert_eq!(
        w.call("GET", "/contracts", None, &As::Anonymous).await.0,
        401
    );

    // The directory: contract admins and system admins, nobody else.
    assert_eq!(w.call("GET", "/users?q=urs", None, &ADMIN_A).await.0, 200);
    assert_eq!(w.call("GET", "/users?q=urs", None, &SYSADMIN).await.0, 200);
    assert_eq!(
        w.call("GET", "/users?q=urs", None, &As::User("nobody"))
            .await
            .0,
        403
    );
    assert_eq!(
        w.call("GET", "/users?q=urs", None, &As::Anonymous).await.0,
        401
    );
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
            let request = api_request(
                route.method,
                &concrete(route.path),
                None,
                &As::SystemAdmin("root"),
            );
            let response = (function.handle)(&w.apps[function.binary], request)
                .await
                .unwrap();
            let (status, body, _) = read_response(response).await;
            // Refused by routing: 404, or 405 where another route has the same path.
            let unrouted = matches!(
                body["code"].as_str(),
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

#[tokio::test]
async fn adding_people_answers_for_each_person() {
    let w = World::new().await;
    let e = |l: &str| w.env.email(l);
    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({
                "emails": [e("Amy"), e("amy"), "not-an-email", e("bo"), "x y@example.com"],
                "user_ids": ["u1", "nobody-here"],
                "activities": ["a1", "a3"],
            })),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let outcomes: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "invited",
            "duplicate",
            "invalid_email",
            "invited",
            "invalid_email",
            "invited",
            "unknown_user"
        ]
    );
    // Issue 26: each person's detail is a sentence; a refusal says what to do.
    assert_eq!(
        body["results"][2]["detail"],
        "The address has no @: write it as name@example.org."
    );
    assert_eq!(
        body["results"][4]["detail"],
        "The address has a space in it: an address has none."
    );
    assert_eq!(
        body["results"][1]["detail"],
        "The same address is given earlier in this request, so it is invited once."
    );
    assert_eq!(
        body["results"][6]["detail"],
        "There is no such person in the directory: pick them again, or give their address."
    );
    assert_eq!(body["summary"]["invited"], 3);

    let (_, list) = w
        .call("GET", "/contracts/A/invitations", None, &ADMIN_A)
        .await;
    let rows = list["invitations"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let ursula = rows.iter().find(|r| r["email"] == e("ursula")).unwrap();
    assert_eq!(
        (ursula["registered"].as_bool(), ursula["name"].as_str()),
        (Some(true), Some("Ursula Le Guin"))
    );
    assert_eq!(
        ursula["activities"],
        json!([{"id": "a1", "name": "Course a1"}, {"id": "a3", "name": "Course a3"}])
    );
    assert_eq!(ursula["delivery"]["state"], "queued");
    assert_eq!(list["counts"]["pending"], 3);

    // Again: already invited; and a typed address of a directory user links to that user.
    let again = w
        .invite("A", &[e("AMY"), e("victor")], &["a2"], &ADMIN_A)
        .await;
    let outcomes: Vec<&str> = again["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["already_invited", "invited"]);
}

#[tokio::test]
async fn activity_choice_follows_the_contract_kind() {
    let w = World::new().await;
    let one = vec![w.env.email("k")];
    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({"emails": one})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_activities"))
    );
    assert_eq!(
        body["detail"],
        "Choose at least one of the voucher's activities."
    );
    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({"emails": one, "activities": ["zz"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (
            400,
            Some("The activity zz is not part of this contract: choose among its own activities.")
        )
    );
    let (status, body) = w
        .call(
            "POST",
            "/contracts/B/invitations",
            Some(json!({"emails": one, "activities": ["b1"]})),
            &SYSADMIN,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_activities"))
    );
    let (status, body) = w
        .call(
            "POST",
            "/contracts/OLD/invitations",
            Some(json!({"emails": one})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("contract_expired"))
    );
}

#[tokio::test]
async fn a_thousand_people_in_one_request_and_no_more() {
    let w = World::new().await;
    let emails: Vec<String> = (0..1000)
        .map(|i| w.env.email(&format!("m{i:04}")))
        .collect();
    let body = w.invite("A", &emails, &["a2"], &ADMIN_A).await;
    assert_eq!(body["summary"]["invited"], 1000);
    let (_, c) = w.call("GET", "/contracts/A", None, &ADMIN_A).await;
    assert_eq!(c["counts"]["pending"], 1000);
    let too_many: Vec<String> = (0..1001).map(|i| format!("n{i}@example.com")).collect();
    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({"emails": too_many, "activities": ["a1"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("too_many_people"))
    );
}

#[tokio::test]
async fn the_seat_limit_is_reported_per_person() {
    let w = World::new().await;
    w.env
        .store
        .put_contract(&contract(
            "S",
            "admin-a",
            ContractKind::Subscription,
            &["s1"],
            Some(2),
        ))
        .await
        .unwrap();
    let emails: Vec<String> = (0..4).map(|i| w.env.email(&format!("seat{i}"))).collect();
    let body = w.invite("S", &emails, &[], &ADMIN_A).await;
    let outcomes: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["invited", "invited", "over_seat_limit", "over_seat_limit"]
    );
    let (_, c) = w.call("GET", "/contracts/S", None, &ADMIN_A).await;
    assert_eq!(
        (c["seats_used"].as_u64(), c["seats_left"].as_u64()),
        (Some(2), Some(0))
    );
}

#[tokio::test]
async fn search_filter_and_page_through_invitations() {
    let w = World::new().await;
    let emails: Vec<String> = (0..25)
        .map(|i| {
            w.env
                .email(&format!("{}{i:02}", if i < 15 { "sam" } else { "tom" }))
        })
        .collect();
    let body = w.invite("A", &emails, &["a1"], &ADMIN_A).await;
    let tom = ids(&body)[20].clone();
    w.call(
        "POST",
        &format!("/contracts/A/invitations/{tom}/revoke"),
        None,
        &ADMIN_A,
    )
    .await;

    let mut seen = 0;
    let mut path = "/contracts/A/invitations?q=SAM&limit=4".to_owned();
    loop {
        let (status, page) = w.call("GET", &path, None, &ADMIN_A).await;
        assert_eq!(status, 200, "{page}");
        seen += page["invitations"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/contracts/A/invitations?q=SAM&limit=4&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(seen, 15);
    let (_, revoked) = w
        .call(
            "GET",
            "/contracts/A/invitations?status=revoked",
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(revoked["invitations"].as_array().unwrap().len(), 1);
    assert_eq!(revoked["invitations"][0]["can_revoke"], false);
    w.advance(Duration::days(15));
    let (_, expired) = w
        .call(
            "GET",
            "/contracts/A/invitations?status=expired",
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(expired["invitations"].as_array().unwrap().len(), 24);
    assert_eq!(expired["invitations"][0]["status"], "expired");

    for (path, code) in [
        ("/contracts/A/invitations?status=lost", "invalid_status"),
        ("/contracts/A/invitations?limit=0", "invalid_limit"),
        ("/contracts/A/invitations?limit=abc", "invalid_limit"),
        ("/contracts/A/invitations?cursor=%21%21", "invalid_cursor"),
    ] {
        let (status, body) = w.call("GET", path, None, &ADMIN_A).await;
        assert_eq!((status, body["code"].as_str()), (400, Some(code)), "{path}");
    }
}

#[tokio::test]
async fn resend_makes_a_new_link_at_most_once_a_minute_and_only_while_pending() {
    let w = World::new().await;
    let id = ids(&w
        .invite("A", &[w.env.email("rita")], &["a1"], &ADMIN_A)
        .await)[0]
        .clone();
    let path = format!("/contracts/A/invitations/{id}/resend");
    w.advance(Duration::seconds(15));
    let response = w.handle(api_request("POST", &path, None, &ADMIN_A)).await;
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers().get("retry-after").unwrap(), "45");

    w.advance(Duration::minutes(1));
    let (status, body) = w.call("POST", &path, None, &ADMIN_A).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (
            body["invitation"]["send_count"].as_u64(),
            body["invitation"]["delivery"]["state"].as_str()
        ),
        (Some(2), Some("queued"))
    );
    let stored = w
        .env
        .store
        .get_invitation(
            &ContractId::parse("A").unwrap(),
            &InvitationId::parse(&id).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.token_version, 2);

    w.call(
        "POST",
        &format!("/contracts/A/invitations/{id}/revoke"),
        None,
        &ADMIN_A,
    )
    .await;
    w.advance(Duration::minutes(2));
    let (status, body) = w.call("POST", &path, None, &ADMIN_A).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("revoked")));
    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations/0123456789abcdef0123456789abcdef/resend",
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("invitation_not_found"))
    );
}

#[tokio::test]
async fn revoke_until_enrolment_twice_is_a_no_op_then_reinvite() {
    let w = World::new().await;
    let emails = [w.env.email("pat"), w.env.email("quinn")];
    let invited = ids(&w.invite("A", &emails, &["a1"], &ADMIN_A).await);
    let revoke = |id: &str| format!("/contracts/A/invitations/{id}/revoke");

    let (status, body) = w.call("POST", &revoke(&invited[0]), None, &ADMIN_A).await;
    assert_eq!(
        (
            status,
            body["changed"].as_bool(),
            body["invitation"]["status"].as_str()
        ),
        (200, Some(true), Some("revoked"))
    );
    let (status, body) = w.call("POST", &revoke(&invited[0]), None, &ADMIN_A).await;
    assert_eq!((status, body["changed"].as_bool()), (200, Some(false)));
    let again = w.invite("A", &emails[..1], &["a2"], &ADMIN_A).await;
    assert_eq!(again["results"][0]["outcome"], "reinvited");

    // Enrol quinn, then revoke must fail with a clear message.
    let quinn = w
        .env
        .store
        .get_invitation(
            &ContractId::parse("A").unwrap(),
            &InvitationId::parse(&invited[1]).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let token = LinkToken {
        invitation_id: quinn.id.clone(),
        version: quinn.token_version,
    };
    w.env
        .store
        .enrol(
            &token,
            Enrolee::New {
                subject: UserId::random(),
                name: "Quinn".into(),
            },
            t0(),
        )
        .await
        .unwrap();
    let (status, body) = w.call("POST", &revoke(&invited[1]), None, &ADMIN_A).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_enrolled"))
    );
    assert_eq!(
        body["detail"],
        format!(
            "The person at {} has already enrolled, so the invitation can no longer be revoked.",
            emails[1]
        )
    );
    let (_, c) = w.call("GET", "/contracts/A", None, &ADMIN_A).await;
    assert_eq!(
        c["counts"],
        json!({"pending": 1, "enrolled": 1, "revoked": 0})
    );
}

#[tokio::test]
async fn malformed_requests_get_clear_errors_never_a_500() {
    let w = World::new().await;
    let bad: Vec<(&str, &str, Option<Value>, u16)> = vec![
        ("GET", "/nowhere", None, 404),
        ("DELETE", "/contracts/A", None, 405),
        ("GET", "/contracts/%ZZ", None, 404),
        ("GET", "/contracts/a%23b/invitations", None, 404),
        ("GET", "/contracts/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, 404),
        ("POST", "/contracts/A/invitations", None, 400),
        ("POST", "/contracts/A/invitations", Some(json!("just a string")), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"emails": "a@b.co"})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"emails": [1, 2]})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"mails": ["a@b.co"]})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"emails": ["a@b.co"], "activities": ["bad#id"]})), 400),
        ("POST", "/contracts/A/invitations/not%20an%20id/revoke", None, 404),
        ("POST", "/contracts/A/invitations//revoke", None, 404),
        ("GET", "/users?limit=100000", None, 400),
        ("POST", "/contracts/A/imports", Some(json!({"file_size": -1})), 400),
        ("POST", "/contracts/A/imports", Some(json!({"file_size": "12"})), 400),
        ("POST", "/contracts/A/imports", Some(json!({"activities": ["a1"], "file_size": 0})), 400),
        ("POST", "/contracts/A/imports", Some(json!({"activities": ["a1"], "file_size": 1, "size": 1})), 400),
        ("POST", "/contracts/A/invitations/not%20an%20id/correct-address", Some(json!({"email": "a@b.co"})), 404),
        ("POST", "/contracts/A/invitations/not%20an%20id/clear-block", None, 404),
        ("GET", "/contracts/A/imports/not-an-import", None, 404),
    ];
    for (method, path, body, expected) in bad {
        let (status, problem) = w.call(method, path, body, &ADMIN_A).await;
        assert_eq!(status, expected, "{method} {path}: {problem}");
    }
    // An invitation that exists, with bodies that do not say what to do.
    let inv = ids(&w
        .invite("A", &[w.env.email("bad.input")], &["a1"], &ADMIN_A)
        .await)[0]
        .clone();
    let correct = format!("/contracts/A/invitations/{inv}/correct-address");
    for body in [
        None,
        Some(json!({})),
        Some(json!({"email": "not an address"})),
        Some(json!({"email": ["a@b.co"]})),
        Some(json!({"email": "a@b.co", "name": "x"})),
    ] {
        let (status, problem) = w.call("POST", &correct, body.clone(), &ADMIN_A).await;
        assert_eq!(status, 400, "{body:?}: {problem}");
    }
    // The people routes (system administrators): names and addresses are checked first.
    for body in [
        None,
        Some(json!({"email": "a@b.co"})),
        Some(json!({"email": "not an address", "name": "A B"})),
        Some(json!({"email": "a@b.co", "name": ""})),
        Some(json!({"email": "a@b.co", "name": "Bidi \u{202e}override"})),
    ] {
        let (status, problem) = w.call("POST", "/users", body.clone(), &SYSADMIN).await;
        assert_eq!(status, 400, "{body:?}: {problem}");
    }
}

#[tokio::test]
async fn system_admins_choose_a_contracts_admins_and_access_follows_at_once() {
    let w = World::new().await;
    let ursula = As::User("u1");
    let admins = |body: &Value| -> Vec<(String, Option<String>)> {
        body["admins"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap().to_owned(),
                    a["name"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    // Ursula is in the directory but manages nothing yet.
    assert_eq!(w.call("GET", "/contracts/A", None, &ursula).await.0, 403);

    let add = |user: &str| Some(json!({ "user_id": user }));
    let (status, body) = w
        .call("POST", "/contracts/A/admins", add("u1"), &SYSADMIN)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        admins(&body),
        [
            ("admin-a".to_owned(), None),
            ("u1".to_owned(), Some("Ursula Le Guin".to_owned()))
        ],
        "an admin outside the directory is listed without a name"
    );
    // Adding her again changes nothing.
    let (_, again) = w
        .call("POST", "/contracts/A/admins", add("u1"), &SYSADMIN)
        .await;
    assert_eq!(admins(&again), admins(&body));
    // Now she manages A (and only A), sees her co-admins, but cannot choose them.
    assert_eq!(w.call("GET", "/contracts/A", None, &ursula).await.0, 200);
    assert_eq!(w.call("GET", "/contracts/B", None, &ursula).await.0, 403);
    let (status, listed) = w.call("GET", "/contracts/A/admins", None, &ursula).await;
    assert_eq!((status, admins(&listed)), (200, admins(&body)));
    let (status, problem) = w
        .call("POST", "/contracts/A/admins/admin-a/remove", None, &ursula)
        .await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("forbidden")));

    // Refusals, each with its reason, and nothing changed.
    for (body, code, status) in [
        (add("nobody-here"), "user_not_found", 404),
        (add("not an id!"), "invalid_user_id", 400),
        (Some(json!({"user": "u1"})), "invalid_body", 400),
    ] {
        let (got, problem) = w.call("POST", "/contracts/A/admins", body, &SYSADMIN).await;
        assert_eq!((got, problem["code"].as_str()), (status, Some(code)));
    }
    let (status, problem) = w
        .call("POST", "/contracts/NOPE/admins", add("u1"), &SYSADMIN)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("contract_not_found"))
    );

    // Removed, she loses the contract at once; removing again changes nothing.
    for _ in 0..2 {
        let (status, body) = w
            .call("POST", "/contracts/A/admins/u1/remove", None, &SYSADMIN)
            .await;
        assert_eq!(
            (status, admins(&body)),
            (200, vec![("admin-a".to_owned(), None)])
        );
    }
    assert_eq!(w.call("GET", "/contracts/A", None, &ursula).await.0, 403);

    // Every change is in the contract's audit trail, by whom and to whom.
    let audit = w
        .env
        .store
        .list_audit(&ContractId::parse("A").unwrap(), 10)
        .await
        .unwrap();
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

/// The upload's size limit holds at upload time: the route refuses an empty or oversized file
/// before anything is stored, and the URL it gives signs the announced length, so S3 takes a
/// body of that size only (the import checks it again: tests in functions/import).
#[tokio::test]
async fn an_upload_announces_its_size_and_the_url_takes_that_size_only() {
    let w = World::new().await;
    let announce = |body: Value| w.call("POST", "/contracts/A/imports", Some(body), &ADMIN_A);

    let (status, empty) = announce(json!({"activities": ["a1"], "file_size": 0})).await;
    assert_eq!((status, empty["code"].as_str()), (400, Some("file_empty")));
    let over = invitations_core::domain::import::MAX_FILE_BYTES + 1;
    let (status, large) = announce(json!({"activities": ["a1"], "file_size": over})).await;
    assert_eq!(
        (status, large["code"].as_str()),
        (413, Some("file_too_large")),
        "{large}"
    );
    assert!(large["detail"]
        .as_str()
        .unwrap()
        .contains(&over.to_string()));
    let (status, no_size) = announce(json!({"activities": ["a1"]})).await;
    assert_eq!(status, 400, "the size is required: {no_size}");
    let (_, list) = w.call("GET", "/contracts/A/imports", None, &ADMIN_A).await;
    assert_eq!(
        list["imports"],
        json!([]),
        "a refused announcement stores nothing"
    );

    let (status, created) = announce(json!({"activities": ["a1"], "file_size": 1234})).await;
    assert_eq!(status, 201, "{created}");
    let url = created["upload"]["url"].as_str().unwrap();
    let signed = url
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("X-Amz-SignedHeaders="))
        .expect("a SigV4 presigned URL")
        .replace("%3B", ";");
    assert!(
        signed.split(';').any(|h| h == "content-length"),
        "the length is signed: {signed}"
    );
    let id = ImportId::parse(created["import"]["id"].as_str().unwrap()).unwrap();
    let stored = w
        .env
        .store
        .get_import(&ContractId::parse("A").unwrap(), &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.announced_size, Some(1234));
}

#[tokio::test]
async fn an_import_that_will_not_finish_by_itself_says_why() {
    let w = World::new().await;
    let (status, created) = w
        .call(
            "POST",
            "/contracts/A/imports",
            Some(json!({"activities": ["a1"], "file_name": "list.csv", "file_size": 120})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["import"]["id"].as_str().unwrap().to_owned();
    let path = format!("/contracts/A/imports/{id}");
    let stalled = |body: &Value| body["stalled"].clone();

    w.advance(Duration::minutes(20));
    let (_, waiting) = w.call("GET", &path, None, &ADMIN_A).await;
    assert_eq!(
        stalled(&waiting),
        Value::Null,
        "still within the upload's time"
    );
    w.advance(Duration::minutes(1));
    let (_, never) = w.call("GET", &path, None, &ADMIN_A).await;
    assert_eq!(stalled(&never), json!("upload_never_arrived"));
    let (_, list) = w.call("GET", "/contracts/A/imports", None, &ADMIN_A).await;
    assert_eq!(stalled(&list["imports"][0]), json!("upload_never_arrived"));

    // The file came and the import started, then stopped moving.
    let contract = ContractId::parse("A").unwrap();
    let mut import = w
        .env
        .store
        .get_import(&contract, &ImportId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    import.status = ImportStatus::Running;
    import.updated_at = *w.time.lock().unwrap();
    w.env.store.save_import(&import).await.unwrap();
    let (_, running) = w.call("GET", &path, None, &ADMIN_A).await;
    assert_eq!(stalled(&running), Value::Null);
    w.advance(Duration::minutes(21));
    let (_, quiet) = w.call("GET", &path, None, &ADMIN_A).await;
    assert_eq!(stalled(&quiet), json!("no_progress"));
}

/// Adding people and granting system administration: system administrators only, the user pool
/// decides, and the directory shows the change at once.
#[tokio::test]
async fn system_admins_add_people_and_grant_or_withdraw_system_administration() {
    let w = World::new().await;
    let email = w.env.email("new.person");
    let add = |email: &str, name: &str| Some(json!({"email": email, "name": name}));

    for who in [&As::Anonymous, &ADMIN_A] {
        let (status, _) = w
            .call("POST", "/users", add(&email, "New Person"), who)
            .await;
        assert_eq!(
            status,
            if matches!(who, As::Anonymous) {
                401
            } else {
                403
            }
        );
        let (status, _) = w.call("POST", "/users/u1/system-admin", None, who).await;
        assert_eq!(
            status,
            if matches!(who, As::Anonymous) {
                401
            } else {
                403
            }
        );
    }
    let (status, problem) = w
        .call("POST", "/users", add("not-an-address", "X"), &SYSADMIN)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_email"))
    );
    let (status, problem) = w.call("POST", "/users", add(&email, "  "), &SYSADMIN).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_name"))
    );

    // Added: an account in the pool (Cognito mails the invitation), and a directory record
    // under its sub.
    let (status, added) = w
        .call("POST", "/users", add(&email, "New Person"), &SYSADMIN)
        .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["created"], true);
    let sub = UserId::parse(added["user"]["id"].as_str().unwrap()).unwrap();
    let account = w.env.accounts.get_account(&sub).await.unwrap().unwrap();
    assert_eq!(account.email.as_entered(), email);
    let record = w.env.store.get_user(&sub).await.unwrap().unwrap();
    assert_eq!(
        (record.name.as_str(), record.system_admin),
        ("New Person", false)
    );

    // Again, in other letters: the same person, nothing made.
    let (status, again) = w
        .call(
            "POST",
            "/users",
            add(&email.to_uppercase(), "Someone Else"),
            &SYSADMIN,
        )
        .await;
    assert_eq!((status, &again["created"]), (200, &json!(false)), "{again}");
    assert_eq!(again["user"]["id"], added["user"]["id"]);
    assert_eq!(again["user"]["name"], "New Person");

    // Granted, then withdrawn: the pool's group and the directory follow, twice is a no-op.
    let grant = format!("/users/{sub}/system-admin");
    for _ in 0..2 {
        let (status, user) = w.call("POST", &grant, None, &SYSADMIN).await;
        assert_eq!(
            (status, &user["system_admin"]),
            (200, &json!(true)),
            "{user}"
        );
    }
    assert!(w.env.accounts.is_system_admin(&sub).await.unwrap());
    assert!(
        w.env
            .store
            .get_user(&sub)
            .await
            .unwrap()
            .unwrap()
            .system_admin
    );
    let (status, user) = w
        .call("POST", &format!("{grant}/remove"), None, &SYSADMIN)
        .await;
    assert_eq!(
        (status, &user["system_admin"]),
        (200, &json!(false)),
        "{user}"
    );
    assert!(!w.env.accounts.is_system_admin(&sub).await.unwrap());
    assert!(
        !w.env
            .store
            .get_user(&sub)
            .await
            .unwrap()
            .unwrap()
            .system_admin
    );

    // Nobody withdraws their own; unknown people are not found.
    let (status, problem) = w
        .call("POST", "/users/root/system-admin/remove", None, &SYSADMIN)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("own_system_admin"))
    );
    let (status, problem) = w
        .call("POST", "/users/nobody-here/system-admin", None, &SYSADMIN)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("user_not_found"))
    );
}

#[tokio::test]
async fn an_address_that_bounced_for_good_is_not_sent_again() {
    let w = World::new().await;
    let address = w.env.email("bounced");
    let id = ids(&w
        .invite("A", std::slice::from_ref(&address), &["a1"], &ADMIN_A)
        .await)[0]
        .clone();
    w.advance(Duration::minutes(2));
    w.env
        .store
        .block_address(&AddressBlock {
            identity: address.to_lowercase(),
            kind: ReportKind::BouncedPermanent,
            detail: "Permanent (General): smtp; 550 5.1.1 user unknown".into(),
            at: t0(),
        })
        .await
        .unwrap();
    let (status, problem) = w
        .call(
            "POST",
            &format!("/contracts/A/invitations/{id}/resend"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("address_blocked"))
    );
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("Correct the address"));
}

#[tokio::test]
async fn a_bounced_address_is_corrected_or_its_block_cleared_by_the_contracts_admins() {
    let w = World::new().await;
    let wrong = w.env.email("ann.typo");
    let right = w.env.email("ann");
    let id = ids(&w
        .invite("A", std::slice::from_ref(&wrong), &["a1"], &ADMIN_A)
        .await)[0]
        .clone();
    let before = w
        .env
        .store
        .get_invitation(
            &ContractId::parse("A").unwrap(),
            &InvitationId::parse(&id).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let correct = format!("/contracts/A/invitations/{id}/correct-address");
    let clear = format!("/contracts/A/invitations/{id}/clear-block");
    let body = Some(json!({"email": right}));

    // Who may: the contract's admins and system administrators, nobody else.
    assert_eq!(
        w.call("POST", &correct, body.clone(), &As::Anonymous)
            .await
            .0,
        401
    );
    assert_eq!(
        w.call("POST", &correct, body.clone(), &As::User("admin-b"))
            .await
            .0,
        403
    );
    assert_eq!(
        w.call("POST", &clear, None, &As::User("admin-b")).await.0,
        403
    );
    // Issue 26: the detail is a sentence a person can act on.
    for (email, detail) in [
        (
            "nope",
            "The new address has no @: write it as name@example.org.",
        ),
        (
            "",
            "The new address is empty: write an address such as name@example.org.",
        ),
        (
            "a@b",
            "The domain of the new address (after the @) has no dot: write it as name@example.org.",
        ),
    ] {
        let (status, problem) = w
            .call("POST", &correct, Some(json!({"email": email})), &ADMIN_A)
            .await;
        assert_eq!(
            (status, problem["code"].as_str(), problem["detail"].as_str()),
            (400, Some("invalid_email"), Some(detail)),
            "{email:?}"
        );
    }
    let (status, problem) = w
        .call(
            "POST",
            &correct,
            Some(json!({"email": wrong.to_uppercase()})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("same_address"))
    );

    // The address bounced: blocked, so no resend; the admin corrects it.
    w.bounce(&id).await;
    w.advance(Duration::minutes(2));
    let (status, changed) = w.call("POST", &correct, body.clone(), &ADMIN_A).await;
    assert_eq!(status, 200, "{changed}");
    let inv = &changed["invitation"];
    assert_eq!(
        (inv["id"].as_str(), inv["email"].as_str()),
        (Some(id.as_str()), Some(right.as_str()))
    );
    assert_eq!(inv["delivery"]["state"], "queued");
    let after = w
        .env
        .store
        .get_invitation(
            &ContractId::parse("A").unwrap(),
            &InvitationId::parse(&id).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.token_version,
        before.token_version + 1,
        "the old link stops working"
    );
    let contract = w
        .env
        .store
        .get_contract(&ContractId::parse("A").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        contract.counts.pending, 1,
        "one invitation, moved, not a second one"
    );
    // Correcting to an address already invited here is refused (once this mail bounced too:
    // before, there is nothing to correct).
    w.bounce(&id).await;
    let other = w.env.email("other");
    w.invite("A", std::slice::from_ref(&other), &["a1"], &ADMIN_A)
        .await;
    let (status, problem) = w
        .call("POST", &correct, Some(json!({"email": other})), &ADMIN_A)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("already_invited"))
    );

    // Clearing the block (the corrected address bounced too): audited, and clearing again
    // changes nothing.
    assert!(w
        .env
        .store
        .address_block(&right.to_lowercase())
        .await
        .unwrap()
        .is_some());
    let (status, cleared) = w.call("POST", &clear, None, &ADMIN_A).await;
    assert_eq!(
        (status, &cleared["changed"]),
        (200, &json!(true)),
        "{cleared}"
    );
    assert!(w
        .env
        .store
        .address_block(&right.to_lowercase())
        .await
        .unwrap()
        .is_none());
    let (_, again) = w.call("POST", &clear, None, &ADMIN_A).await;
    assert_eq!(again["changed"], false);
    let audit = w
        .env
        .store
        .list_audit(&ContractId::parse("A").unwrap(), 50)
        .await
        .unwrap();
    assert!(audit.iter().any(|a| a.action == AuditAction::CorrectAddress
        && a.subjects == [wrong.to_lowercase(), right.to_lowercase()]));
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == AuditAction::ClearBlock)
            .count(),
        1
    );
}

#[tokio::test]
async fn no_new_mail_goes_out_for_an_expired_contract() {
    let w = World::new().await;
    let old = w
        .env
        .store
        .get_contract(&ContractId::parse("OLD").unwrap())
        .await
        .unwrap()
        .unwrap();
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
            }],
        })
        .await
        .unwrap();
    let InviteOutcome::Invited { invitation_id } = &outcomes[0] else {
        panic!("{outcomes:?}")
    };
    for path in ["resend", "correct-address"] {
        let (status, problem) = w
            .call(
                "POST",
                &format!("/contracts/OLD/invitations/{invitation_id}/{path}"),
                (path == "correct-address").then(|| json!({"email": w.env.email("later")})),
                &ADMIN_A,
            )
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (409, Some("contract_expired")),
            "{path}"
        );
    }
}

/// Bulk actions (issue 17): by addresses, by ids or by the list's filter; each invitation goes
/// through the single action's conditional write, so refusals stay in their rows while the rest
/// go through, and a request sent again changes nothing more.
#[tokio::test]
async fn bulk_actions_act_on_a_selection_or_the_filter_and_refuse_row_by_row() {
    let w = World::new().await;
    let people: Vec<String> = (0..5).map(|i| w.env.email(&format!("bulk{i}"))).collect();
    let invited = ids(&w.invite("A", &people, &["a1"], &ADMIN_A).await);
    let contract = ContractId::parse("A").unwrap();
    let stored = |i: usize| {
        let (store, contract, id) = (
            w.env.store.clone(),
            contract.clone(),
            InvitationId::parse(&invited[i]).unwrap(),
        );
        async move { store.get_invitation(&contract, &id).await.unwrap().unwrap() }
    };
    // bulk1 enrols.
    let enrolled = stored(1).await;
    w.env
        .store
        .enrol(
            &LinkToken {
                invitation_id: enrolled.id.clone(),
                version: enrolled.token_version,
            },
            Enrolee::New {
                subject: UserId::random(),
                name: "Bulk One".into(),
            },
            t0(),
        )
        .await
        .unwrap();
    let bulk = |action: &'static str, body: Value| {
        let w = &w;
        async move {
            w.call(
                "POST",
                &format!("/contracts/A/invitations/{action}"),
                Some(body),
                &ADMIN_A,
            )
            .await
        }
    };

    // Revoke by address: one revoked, the enrolled one refused in its row, two not found.
    let (status, result) = bulk(
        "revoke",
        json!({"emails": [people[0], people[1], w.env.email("nobody"), "not an address"]}),
    )
    .await;
    assert_eq!(status, 200, "{result}");
    let outcomes: Vec<(&str, Option<&str>)> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["outcome"].as_str().unwrap(), r["code"].as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("done", None),
            ("refused", Some("already_enrolled")),
            ("not_found", Some("invitation_not_found")),
            ("not_found", Some("invitation_not_found")),
        ]
    );
    assert_eq!(
        (
            &result["done"],
            &result["refused"],
            &result["not_found"],
            &result["continuation"]
        ),
        (&json!(1), &json!(1), &json!(2), &Value::Null)
    );
    assert_eq!(stored(0).await.status, InvitationStatus::Revoked);
    assert_eq!(stored(1).await.status, InvitationStatus::Enrolled);
    // The same by id again: nothing more to do.
    let (_, again) = bulk("revoke", json!({"ids": [invited[0]]})).await;
    assert_eq!(again["unchanged"], 1, "{again}");

    // Extend everything that has expired: the three left pending, the same links, later.
    w.advance(Duration::days(15));
    let (_, expired) = w
        .call(
            "GET",
            "/contracts/A/invitations?status=expired",
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(expired["invitations"].as_array().unwrap().len(), 3);
    let before = stored(2).await;
    let (status, extended) = bulk("extend", json!({"filter": {"status": "expired"}})).await;
    assert_eq!((status, &extended["done"]), (200, &json!(3)), "{extended}");
    let after = stored(2).await;
    assert_eq!(after.token_version, before.token_version, "the same link");
    assert!(after.expires_at > *w.time.lock().unwrap());
    let (_, none_left) = w
        .call(
            "GET",
            "/contracts/A/invitations?status=expired",
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(none_left["invitations"], json!([]));
    let (_, twice) = bulk("extend", json!({"ids": [invited[2]]})).await;
    assert_eq!(twice["unchanged"], 1, "already lasts as long: {twice}");

    // Resend by the search box: one person; at once again, refused as too soon, in its row.
    let (_, resent) = bulk("resend", json!({"filter": {"q": people[3]}})).await;
    assert_eq!(
        (&resent["done"], resent["results"].as_array().unwrap().len()),
        (&json!(1), 1)
    );
    assert_eq!(stored(3).await.token_version, before.token_version + 1);
    let (_, soon) = bulk("resend", json!({"filter": {"q": people[3]}})).await;
    assert_eq!(soon["results"][0]["code"], "resent_too_recently", "{soon}");

    // Audit: one record per invitation changed.
    let audit = w.env.store.list_audit(&contract, 100).await.unwrap();
    let count = |action| audit.iter().filter(|a| a.action == action).count();
    assert_eq!(
        (count(AuditAction::Revoke), count(AuditAction::Extend)),
        (1, 3)
    );

    // Requests that do not say what to act on.
    for body in [
        json!({}),
        json!({"ids": []}),
        json!({"ids": ["x"], "emails": ["a@b.co"]}),
        json!({"ids": vec!["x"; 1001]}),
        json!({"ids": ["x", "y"], "continuation": "7"}),
        json!({"filter": {"status": "lost"}}),
        json!({"filter": {}, "continuation": "not-a-cursor"}),
        json!({"filter": {}, "action": "revoke"}),
    ] {
        let (status, problem) = bulk("revoke", body.clone()).await;
        assert_eq!(status, 400, "{body}: {problem}");
    }
    // Nothing is sent or kept alive for a contract that has ended; revoking still works.
    let (status, problem) = w
        .call(
            "POST",
            "/contracts/OLD/invitations/extend",
            Some(json!({"filter": {}})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("contract_expired"))
    );
}

/// A filter matching more than one request's work: pages of 100 with a continuation, until
/// every match is handled once.
#[tokio::test]
async fn a_bulk_action_pages_through_any_number_with_a_continuation() {
    let w = World::new().await;
    let people: Vec<String> = (0..130)
        .map(|i| w.env.email(&format!("many{i:03}")))
        .collect();
    w.invite("B", &people, &[], &As::User("admin-b")).await;
    let mut continuation = None;
    let (mut requests, mut revoked) = (0, 0);
    loop {
        let mut body = json!({"filter": {"status": "pending"}});
        if let Some(c) = &continuation {
            body["continuation"] = json!(c);
        }
        let (status, page) = w
            .call(
                "POST",
                "/contracts/B/invitations/revoke",
                Some(body),
                &As::User("admin-b"),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        requests += 1;
        assert!(page["results"].as_array().unwrap().len() <= 100);
        revoked += page["done"].as_u64().unwrap();
        continuation = page["continuation"].as_str().map(str::to_owned);
        if continuation.is_none() {
            break;
        }
        assert!(requests < 5, "the continuation moves on");
    }
    assert_eq!((requests, revoked), (2, 130));
    let (_, c) = w
        .call("GET", "/contracts/B", None, &As::User("admin-b"))
        .await;
    assert_eq!(c["counts"]["revoked"], 130);
    assert_eq!(c["counts"]["pending"], 0);
}

/// A bulk revoke and students enrolling at the same moment: each invitation ends either
/// enrolled (and the revoke refused in its row) or revoked (and the enrolment refused), never
/// both, and the answer counts exactly what it did.
#[tokio::test]
async fn a_bulk_revoke_racing_enrolments_never_revokes_an_enrolled_student() {
    let w = World::new().await;
    let people: Vec<String> = (0..24)
        .map(|i| w.env.email(&format!("race{i:02}")))
        .collect();
    let invited = ids(&w.invite("B", &people, &[], &As::User("admin-b")).await);
    let contract = ContractId::parse("B").unwrap();
    let mut tokens = Vec::new();
    for id in &invited {
        let inv = w
            .env
            .store
            .get_invitation(&contract, &InvitationId::parse(id).unwrap())
            .await
            .unwrap()
            .unwrap();
        tokens.push(LinkToken {
            invitation_id: inv.id,
            version: inv.token_version,
        });
    }
    let enrolments = futures::future::join_all(tokens.iter().map(|token| {
        w.env.store.enrol(
            token,
            Enrolee::New {
                subject: UserId::random(),
                name: "Racer".into(),
            },
            t0(),
        )
    }));
    let revoke = w.call(
        "POST",
        "/contracts/B/invitations/revoke",
        Some(json!({"ids": invited})),
        &As::User("admin-b"),
    );
    let (enrolled, (status, result)) = tokio::join!(enrolments, revoke);
    assert_eq!(status, 200, "{result}");
    let mut revoked_here = 0;
    for (i, id) in invited.iter().enumerate() {
        let inv = w
            .env
            .store
            .get_invitation(&contract, &InvitationId::parse(id).unwrap())
            .await
            .unwrap()
            .unwrap();
        let row = &result["results"][i];
        match inv.status {
            InvitationStatus::Enrolled => {
                assert!(enrolled[i].is_ok(), "{id}");
                assert_eq!(row["code"], "already_enrolled", "{row}");
            }
            InvitationStatus::Revoked => {
                assert!(enrolled[i].is_err(), "{id} enrolled and revoked");
                assert_eq!(row["outcome"], "done", "{row}");
                revoked_here += 1;
            }
            InvitationStatus::Pending => panic!("{id} neither enrolled nor revoked"),
        }
    }
    assert_eq!(result["done"], revoked_here);
    let (_, c) = w
        .call("GET", "/contracts/B", None, &As::User("admin-b"))
        .await;
    assert_eq!(
        c["counts"]["revoked"].as_u64().unwrap() + c["counts"]["enrolled"].as_u64().unwrap(),
        24
    );
}

/// "Invite these N" after a check: a new import of the same stored file (copied to the new
/// import's key, which starts it), with the check's activities; only from a finished check.
#[tokio::test]
async fn a_finished_check_is_invited_from_its_stored_file() {
    let w = World::new().await;
    let check_id = w.announce_check().await;
    let invite = format!("/contracts/A/imports/{check_id}/invite");
    let (status, problem) = w.call("POST", &invite, None, &ADMIN_A).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("not_a_finished_check")),
        "not run yet"
    );

    // The import function ran the check on the uploaded file (a check from before checks
    // kept the file's ETag: nothing to hold the file to).
    let file = format!("{}\n{}\n", w.env.email("c1"), w.env.email("c2"));
    w.finish_check(&check_id, &file, false).await;

    let (status, import) = w.call("POST", &invite, None, &ADMIN_A).await;
    assert_eq!(status, 201, "{import}");
    assert_eq!(
        (
            &import["mode"],
            &import["checked_by"],
            &import["activities"],
            &import["file_name"]
        ),
        (
            &json!("invite"),
            &json!(check_id.to_string()),
            &json!(["a2"]),
            &json!("team.csv")
        )
    );
    let copied = w
        .env
        .s3
        .get_object()
        .bucket(&w.env.bucket)
        .key(format!("imports/A/{}.csv", import["id"].as_str().unwrap()))
        .send()
        .await
        .expect("the checked file, copied to the new import's key");
    let body = copied.body.collect().await.unwrap().into_bytes();
    assert_eq!(body.as_ref(), file.as_bytes());
    // Another contract's admin may not.
    let (status, _) = w.call("POST", &invite, None, &As::User("admin-b")).await;
    assert_eq!(status, 403);
}

/// Issue 26: a check is invited from once. Asked again while that import is still queued
/// (the first call may have stopped before its copy), the same import answers and no second
/// one is made, however many ask at once; once it runs, asking again is refused in words.
#[tokio::test]
async fn a_check_is_invited_from_once() {
    let w = World::new().await;
    let contract = ContractId::parse("A").unwrap();
    let check_id = w.announce_check().await;
    let file = format!("{}\n{}\n", w.env.email("c1"), w.env.email("c2"));
    w.finish_check(&check_id, &file, true).await;
    let invite = format!("/contracts/A/imports/{check_id}/invite");
    let (status, import) = w.call("POST", &invite, None, &ADMIN_A).await;
    assert_eq!(status, 201, "{import}");

    let again =
        futures::future::join_all((0..3).map(|_| w.call("POST", &invite, None, &ADMIN_A))).await;
    for (status, body) in &again {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["id"], import["id"]);
    }
    let made = w.env.store.list_imports(&contract).await.unwrap();
    assert_eq!(
        made.iter()
            .filter(|i| i.checked_by.as_ref() == Some(&check_id))
            .count(),
        1
    );
    let mut running = w
        .env
        .store
        .get_import(
            &contract,
            &ImportId::parse(import["id"].as_str().unwrap()).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    running.status = ImportStatus::Running;
    w.env.store.save_import(&running).await.unwrap();
    let (status, problem) = w.call("POST", &invite, None, &ADMIN_A).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("already_invited")),
        "{problem}"
    );
    // Named by when it started, as the Imports page shows it (not by an id nobody typed).
    assert_eq!(
        problem["detail"],
        "The addresses of this check were invited already, by the import started on 2026-03-02 \
         at 09:00 (UTC): see it on the Imports page."
    );
}

/// Issue 26: a check holds its file to the version it read (its ETag): replaced by a file of
/// the same length with other addresses, it is not invited.
#[tokio::test]
async fn a_checked_file_replaced_after_the_check_is_not_invited() {
    let w = World::new().await;
    let contract = ContractId::parse("A").unwrap();
    let check_id = w.announce_check().await;
    let file = format!("{}\n{}\n", w.env.email("c1"), w.env.email("c2"));
    w.finish_check(&check_id, &file, true).await;
    let other = format!("{}\n{}\n", w.env.email("x1"), w.env.email("x2"));
    assert_eq!(other.len(), file.len());
    w.put_file(&format!("imports/A/{check_id}.csv"), &other)
        .await;

    let invite = format!("/contracts/A/imports/{check_id}/invite");
    let (status, problem) = w.call("POST", &invite, None, &ADMIN_A).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("file_changed")),
        "{problem}"
    );
    let made = w.env.store.list_imports(&contract).await.unwrap();
    assert!(
        made.iter()
            .all(|i| i.checked_by.as_ref() != Some(&check_id)),
        "nothing invited from the replaced file"
    );
}

/// The actions of a history, newest first, as (action, detail).
fn actions(entries: &[Value]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn each_invitation_has_its_own_history_newest_first_and_paged() {
    let w = World::new().await;
    let [ann, bob, cat] = [w.env.email("ann"), w.env.email("bob"), w.env.email("cat")];
    let invited = ids(&w
        .invite(
            "A",
            &[ann.clone(), bob.clone(), cat.clone()],
            &["a1"],
            &ADMIN_A,
        )
        .await);
    let (ann_id, bob_id, cat_id) = (&invited[0], &invited[1], &invited[2]);
    let contract = ContractId::parse("A").unwrap();

    // Ann: sent (the mailer records twice), delivered (reported twice), resent, sent again,
    // revoked, re-invited.
    w.advance(Duration::seconds(5));
    w.mail_out(ann_id, "m-1").await;
    let delivered = DeliveryReport {
        kind: ReportKind::Delivered,
        at: t0() + Duration::seconds(10),
        detail: String::new(),
    };
    for _ in 0..2 {
        w.env
            .store
            .record_report(&InvitationId::parse(ann_id).unwrap(), "m-1", &delivered)
            .await
            .unwrap();
    }
    w.advance(Duration::minutes(2));
    let resend = format!("/contracts/A/invitations/{ann_id}/resend");
    assert_eq!(w.call("POST", &resend, None, &ADMIN_A).await.0, 200);
    // Refused (too soon): no entry, as nothing changed.
    assert_eq!(w.call("POST", &resend, None, &ADMIN_A).await.0, 429);
    w.advance(Duration::seconds(5));
    w.mail_out(ann_id, "m-2").await;
    w.advance(Duration::minutes(1));
    let revoke = format!("/contracts/A/invitations/{ann_id}/revoke");
    assert_eq!(w.call("POST", &revoke, None, &SYSADMIN).await.0, 200);
    w.advance(Duration::minutes(1));
    let again = w
        .invite("A", std::slice::from_ref(&ann), &["a2"], &ADMIN_A)
        .await;
    assert_eq!(again["results"][0]["outcome"], "reinvited");

    let full = w.history("A", ann_id, 50).await;
    assert_eq!(
        actions(&full),
        [
            ("reinvited", ""),
            ("revoked", ""),
            ("sent", &*format!("to {ann} (send 2)")),
            ("resent", ""),
            ("mail_report", "delivered"),
            ("sent", &*format!("to {ann}")),
            ("invited", ""),
        ]
        .map(|(a, d)| (a.to_owned(), d.to_owned()))
    );
    let actors: Vec<Option<&str>> = full.iter().map(|e| e["actor"].as_str()).collect();
    assert_eq!(
        actors,
        [
            Some("admin-a"),
            Some("root"),
            None,
            Some("admin-a"),
            None,
            None,
            Some("admin-a")
        ]
    );
    let times: Vec<&str> = full.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|p| p[0] >= p[1]), "{times:?}");
    assert_eq!(full.last().unwrap()["at"], "2026-03-02T09:00:00Z");
    // Any page size gives the same entries in the same order.
    for limit in [1, 2, 3, 6, 7] {
        assert_eq!(
            w.history("A", ann_id, limit).await,
            full,
            "pages of {limit}"
        );
    }

    // Bob: enrolled as a new person; the history names him from the directory.
    let bob_inv = w
        .env
        .store
        .get_invitation(&contract, &InvitationId::parse(bob_id).unwrap())
        .await
        .unwrap()
        .unwrap();
    w.env
        .store
        .enrol(
            &LinkToken {
                invitation_id: bob_inv.id.clone(),
                version: bob_inv.token_version,
            },
            Enrolee::New {
                subject: UserId::parse("bob-sub").unwrap(),
                name: "Bob Dylan".into(),
            },
            t0() + Duration::minutes(30),
        )
        .await
        .unwrap();
    let bob_history = w.history("A", bob_id, 50).await;
    assert_eq!(
        actions(&bob_history),
        [("enrolled", ""), ("invited", "")].map(|(a, d)| (a.to_owned(), d.to_owned()))
    );
    assert_eq!(bob_history[0]["actor"], "bob-sub");
    assert_eq!(bob_history[0]["actor_name"], format!("Bob Dylan <{bob}>"));

    // Cat: her address bounced; the block cleared, then the address corrected.
    w.bounce(cat_id).await;
    w.advance(Duration::seconds(1));
    let clear = format!("/contracts/A/invitations/{cat_id}/clear-block");
    let (_, cleared) = w.call("POST", &clear, None, &ADMIN_A).await;
    assert_eq!(cleared["changed"], true);
    // Nothing to clear the second time: no entry.
    let (_, cleared) = w.call("POST", &clear, None, &ADMIN_A).await;
    assert_eq!(cleared["changed"], false);
    w.advance(Duration::seconds(1));
    let cat2 = w.env.email("cat2");
    let correct = format!("/contracts/A/invitations/{cat_id}/correct-address");
    assert_eq!(
        w.call("POST", &correct, Some(json!({"email": cat2})), &ADMIN_A)
            .await
            .0,
        200
    );
    // Newest first: the correction, the cleared block, then the mail and its bounce, and the
    // invite at the start.
    let cat_history = actions(&w.history("A", cat_id, 50).await);
    assert_eq!(
        cat_history[..2],
        [
            ("address_corrected", &*format!("from {cat} to {cat2}")),
            ("block_cleared", ""),
        ]
        .map(|(a, d)| (a.to_owned(), d.to_owned())),
        "{cat_history:?}"
    );
    assert_eq!(
        cat_history.last().map(|(a, _)| a.as_str()),
        Some("invited"),
        "{cat_history:?}"
    );

    // An invitation of another contract, an unknown id, a cursor not handed out.
    let b_inv = ids(&w
        .invite("B", &[w.env.email("dan")], &[], &As::User("admin-b"))
        .await)[0]
        .clone();
    for path in [
        format!("/contracts/A/invitations/{b_inv}/history"),
        format!(
            "/contracts/A/invitations/{}/history",
            InvitationId::random()
        ),
        "/contracts/A/invitations/not%20an%20id/history".to_owned(),
    ] {
        let (status, problem) = w.call("GET", &path, None, &ADMIN_A).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (404, Some("invitation_not_found")),
            "{path}"
        );
    }
    let (status, problem) = w
        .call(
            "GET",
            &format!("/contracts/A/invitations/{ann_id}/history?cursor=Zm9vJA"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_cursor"))
    );
}

#[tokio::test]
async fn the_export_is_the_filtered_invitations_as_csv_with_formulas_made_plain() {
    let w = World::new().await;
    let sly = User {
        id: UserId::parse("u-sly").unwrap(),
        email: EmailAddress::parse(&w.env.email("sly")).unwrap(),
        name: "=HYPERLINK(\"http://evil\")".into(),
        created_at: t0(),
        system_admin: false,
        email_verified: true,
    };
    assert!(w.env.store.put_user(&sly).await.unwrap());
    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({"user_ids": ["u-sly"], "activities": ["a1", "a2"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // 1,000 more, so the export pages through the store (500 a page).
    let many: Vec<String> = (0..1000)
        .map(|i| w.env.email(&format!("p{i:04}")))
        .collect();
    let invited = ids(&w.invite("A", &many, &["a1"], &ADMIN_A).await);
    w.advance(Duration::minutes(2));
    let revoked = &invited[7];
    let (status, _) = w
        .call(
            "POST",
            &format!("/contracts/A/invitations/{revoked}/revoke"),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200);

    let read = |text: &str| -> Vec<Vec<String>> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let (status, disposition, text) = w
        .download("/contracts/A/invitations/export", &ADMIN_A)
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        disposition,
        "attachment; filename=\"invitations-A-2026-03-02.csv\""
    );
    assert_eq!(
        text.lines().next().unwrap(),
        "status,email,name,delivery,invited at,last sent,enrolled at,revoked at,expires at,activities,inviter,import,line"
    );
    let rows = read(&text);
    assert_eq!(rows.len(), 1001, "every invitation, across pages");
    let emails: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted, "by address, as the tab lists them");
    let sly_row = rows.iter().find(|r| r[1] == sly.email.to_string()).unwrap();
    assert_eq!(
        sly_row[..4],
        [
            "Pending",
            sly.email.as_entered(),
            "'=HYPERLINK(\"http://evil\")",
            "Queued"
        ]
    );
    assert_eq!(sly_row[4], "2026-03-02T09:00:00Z");
    assert_eq!(sly_row[8], "2026-03-16T09:00:00Z");
    assert_eq!(sly_row[9], "Course a1; Course a2");
    assert_eq!(
        sly_row[10], "admin-a",
        "an inviter the directory does not know"
    );
    assert_eq!(sly_row[11..], ["", ""]);

    // The tab's filter: status and the start of the address.
    let (status, disposition, text) = w
        .download("/contracts/A/invitations/export?status=revoked", &ADMIN_A)
        .await;
    assert_eq!(status, 200);
    assert!(
        disposition.contains("invitations-A-revoked-"),
        "{disposition}"
    );
    let rows = read(&text);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "Revoked");
    assert_eq!(rows[0][1], many[7]);
    assert_eq!(rows[0][7], "2026-03-02T09:02:00Z");
    let prefix = &many[12][..many[12].find('@').unwrap() - 1];
    let (_, _, text) = w
        .download(
            &format!("/contracts/A/invitations/export?status=pending&q={prefix}"),
            &ADMIN_A,
        )
        .await;
    let rows = read(&text);
    assert_eq!(rows.len(), 10, "p0010 to p0019");
    assert!(rows
        .iter()
        .all(|r| r[1].starts_with(prefix) && r[0] == "Pending"));

    let (status, problem) = w
        .call(
            "GET",
            "/contracts/A/invitations/export?status=lost",
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (400, Some("invalid_status"))
    );
    // Issue 26: two statuses are refused in words, not answered as the first alone.
    for path in [
        "/contracts/A/invitations/export?status=pending&status=revoked",
        "/contracts/A/invitations?status=pending&status=revoked",
    ] {
        let (status, problem) = w.call("GET", path, None, &ADMIN_A).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("repeated_parameter")),
            "{path}"
        );
        assert_eq!(
            problem["detail"],
            "Give status once: the list is filtered by one status at a time."
        );
    }

    // Past the size one answer can carry: refused in words, not cut short.
    let c = w
        .env
        .store
        .get_contract(&ContractId::parse("A").unwrap())
        .await
        .unwrap()
        .unwrap();
    let err = admin_api::routes::export::write_export(&w.env.store, &c, "", None, t0(), 50_000)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Narrow them down"), "{err}");
}

#[tokio::test]
async fn a_contracts_admins_write_its_mail_and_reminder_plan_and_test_it() {
    let w = World::new().await;
    // An unknown merge field is refused with the field named; nothing changes.
    let (status, problem) = w
        .call(
            "POST",
            "/contracts/A/mail",
            Some(json!({"language": "en", "subject": "Hello {first_name}", "message": "Join {contract}."})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["code"], "invalid_mail_template");
    assert!(
        problem["detail"].as_str().unwrap().contains("{first_name}"),
        "{problem}"
    );
    let (_, contract) = w.call("GET", "/contracts/A", None, &ADMIN_A).await;
    assert_eq!(contract["mail"]["custom"], false);
    assert_eq!(contract["mail"]["language"], "en");
    assert_eq!(contract["mail"]["subject"], "You're invited to {contract}");
    assert_eq!(
        contract["reminders"],
        json!({"enabled": true, "days_after_send": 3, "days_before_expiry": 2, "at_most": 2})
    );

    // Its own text, in French.
    let (status, contract) = w
        .call(
            "POST",
            "/contracts/A/mail",
            Some(json!({"language": "fr", "subject": "{name}, rejoignez {contract}", "message": "<b>Bienvenue</b> dans {activities}."})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{contract}");
    assert_eq!(
        contract["mail"],
        json!({"language": "fr", "subject": "{name}, rejoignez {contract}", "message": "<b>Bienvenue</b> dans {activities}.", "custom": true})
    );
    let stored = w
        .env
        .store
        .get_contract(&ContractId::parse("A").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.mail.language, Language::Fr);
    // The standard text of a language, sent back as it is: the contract uses it again.
    let (_, contract) = w
        .call(
            "POST",
            "/contracts/A/mail",
            Some(json!({"language": "en", "subject": "You're invited to {contract}", "message": "You have been invited by {inviter} to join the learning contract \"{contract}\"."})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(contract["mail"]["custom"], false);

    // Reminder plans are checked.
    for (bad, words) in [
        (
            json!({"enabled": true, "days_after_send": 0, "days_before_expiry": null, "at_most": 1}),
            "between 1 and 90",
        ),
        (
            json!({"enabled": true, "days_after_send": null, "days_before_expiry": null, "at_most": 1}),
            "Choose when",
        ),
        (
            json!({"enabled": true, "days_after_send": 3, "days_before_expiry": null, "at_most": 6}),
            "At most",
        ),
    ] {
        let (status, problem) = w
            .call("POST", "/contracts/A/reminders", Some(bad), &ADMIN_A)
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (422, Some("invalid_reminder_plan"))
        );
        assert!(
            problem["detail"].as_str().unwrap().contains(words),
            "{problem}"
        );
    }
    // Both fields are required (null says "none").
    let (status, _) = w
        .call(
            "POST",
            "/contracts/A/reminders",
            Some(json!({"enabled": false, "at_most": 1})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 400);
    let (status, contract) = w
        .call(
            "POST",
            "/contracts/A/reminders",
            Some(json!({"enabled": true, "days_after_send": null, "days_before_expiry": 1, "at_most": 1})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        contract["reminders"],
        json!({"enabled": true, "days_after_send": null, "days_before_expiry": 1, "at_most": 1})
    );

    // A test: queued for the mailer, to the caller's own address, with the draft as typed.
    let (status, queued) = w
        .call(
            "POST",
            "/contracts/A/mail/test",
            Some(json!({"language": "en", "subject": "Draft for {name}", "message": "Try {link}"})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    assert_eq!(queued["to"], "admin-a@example.com");
    let (status, problem) = w
        .call(
            "POST",
            "/contracts/A/mail/test",
            Some(json!({"language": "en", "subject": "Draft", "message": "{oops}"})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("invalid_mail_template"))
    );
    // Every change is audited.
    let audit = w
        .env
        .store
        .list_audit(&ContractId::parse("A").unwrap(), 50)
        .await
        .unwrap();
    let count = |action| audit.iter().filter(|r| r.action == action).count();
    assert_eq!(
        (
            count(AuditAction::ContractSettings),
            count(AuditAction::TestMail)
        ),
        (3, 1)
    );
}

#[tokio::test]
async fn the_funnel_counts_what_the_state_changes_counted() {
    let w = World::new().await;
    let emails: Vec<String> = (0..4).map(|i| w.env.email(&format!("f{i}"))).collect();
    let made = ids(&w.invite("A", &emails, &["a1"], &ADMIN_A).await);
    for (i, id) in made.iter().enumerate() {
        w.mail_out(id, &format!("msg-{i}")).await;
    }
    let store = &w.env.store;
    let report = |kind, at| DeliveryReport {
        kind,
        at,
        detail: String::new(),
    };
    let now = t0() + Duration::minutes(1);
    // Delivered twice (a redelivered event) counts once; a bounce counts apart.
    for _ in 0..2 {
        store
            .record_report(
                &InvitationId::parse(&made[0]).unwrap(),
                "msg-0",
                &report(ReportKind::Delivered, now),
            )
            .await
            .unwrap();
    }
    store
        .record_report(
            &InvitationId::parse(&made[1]).unwrap(),
            "msg-1",
            &report(ReportKind::Delivered, now),
        )
        .await
        .unwrap();
    store
        .record_report(
            &InvitationId::parse(&made[2]).unwrap(),
            "msg-2",
            &report(ReportKind::BouncedPermanent, now),
        )
        .await
        .unwrap();
    // Enrol the first after 5 hours, revoke the fourth.
    w.advance(Duration::hours(5));
    let inv = store
        .find_invitation(&InvitationId::parse(&made[0]).unwrap())
        .await
        .unwrap()
        .unwrap();
    let key = LinkKey::from_bytes(b"0123456789abcdef0123456789abcdef".to_vec()).unwrap();
    let token = key.sign(&inv.id, inv.token_version).unwrap();
    let link = key.verify(&token).unwrap();
    store
        .enrol(
            &link,
            Enrolee::Registered(UserId::parse("u1").unwrap()),
            t0() + Duration::hours(5),
        )
        .await
        .unwrap();
    let (status, _) = w
        .call(
            "POST",
            &format!("/contracts/A/invitations/{}/revoke", made[3]),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200);

    let (status, funnel) = w.call("GET", "/contracts/A/funnel", None, &ADMIN_A).await;
    assert_eq!(status, 200, "{funnel}");
    assert_eq!(
        (
            &funnel["invited"],
            &funnel["delivered"],
            &funnel["enrolled"],
            &funnel["bounced"],
            &funnel["revoked"],
            &funnel["pending"],
            &funnel["expired"]
        ),
        (
            &json!(4),
            &json!(2),
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(2),
            &json!(0)
        )
    );
    // Enrolled 5 hours after the invitation: the median is the middle of that hour.
    assert_eq!(funnel["median_enrol_seconds"], 5 * 3600 + 1800);
    assert_eq!(funnel["enrolments_timed"], 1);
    // One day of changes: 4 seats taken, then 1 enrolled, then 1 given back.
    assert_eq!(
        funnel["seats"],
        json!([{"day": "2026-03-02", "seats_used": 3, "enrolled": 1}])
    );
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

    let (status, problem) = w
        .call(
            "POST",
            "/users",
            Some(json!({"email": new_hire, "name": "New Hire"})),
            &SYSADMIN,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("address_unverified")),
        "{problem}"
    );
    let (status, problem) = w
        .call(
            "POST",
            &format!("/users/{sly}/system-admin"),
            None,
            &SYSADMIN,
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("address_unverified")),
        "{problem}"
    );
    assert!(!w.env.accounts.is_system_admin(&sly).await.unwrap());

    let (status, list) = w.call("GET", "/users?q=new.hire", None, &SYSADMIN).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["users"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list["users"][0]["email_verified"], false);

    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({"user_ids": [sly.to_string()], "activities": ["a1"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let contract = ContractId::parse("A").unwrap();
    let found = w
        .env
        .store
        .find_invitations_by_email(&contract, &[new_hire.as_str()])
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{body}");
    assert_eq!(found[0].user_id, None, "bound to nobody");
    assert_eq!(found[0].name, None, "not named after the account");
}

/// Issue 26: "Send me a test" goes only to the caller's confirmed address, never to one the
/// mail service blocked, at most five an hour per person however many are asked for at once,
/// and the test's item expires with the table's time to live.
#[tokio::test]
async fn test_mails_go_to_a_confirmed_unblocked_address_five_an_hour() {
    let w = World::new().await;
    let draft = json!({"language": "en", "subject": "Draft for {name}", "message": "Try {link}"});
    let test = |who: As| {
        let w = &w;
        let body = draft.clone();
        async move {
            w.call("POST", "/contracts/A/mail/test", Some(body), &who)
                .await
        }
    };

    let (status, problem) = test(As::UnconfirmedUser("admin-a")).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("no_address"))
    );
    assert!(problem["detail"].as_str().unwrap().contains("confirmed"));

    // Eight at once: five pass, three are refused in words; nothing more is queued.
    let answers = futures::future::join_all((0..8).map(|_| test(ADMIN_A))).await;
    let passed = answers.iter().filter(|(s, _)| *s == 202).count();
    let limited: Vec<_> = answers.iter().filter(|(s, _)| *s == 429).collect();
    assert_eq!((passed, limited.len()), (5, 3), "{answers:?}");
    assert_eq!(limited[0].1["code"], "test_mail_limit");
    assert!(
        limited[0].1["detail"]
            .as_str()
            .unwrap()
            .contains("Send the next after 10:00 (UTC)"),
        "{}",
        limited[0].1
    );
    let contract = ContractId::parse("A").unwrap();
    let tests = w
        .env
        .dynamodb
        .query()
        .table_name(&w.env.table)
        .key_condition_expression("pk = :pk AND begins_with(sk, :sk)")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("CONTRACT#{contract}")),
        )
        .expression_attribute_values(
            ":sk",
            aws_sdk_dynamodb::types::AttributeValue::S("TESTMAIL#".into()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(tests.items().len(), 5);
    let thirty_days = (t0() + Duration::days(30)).timestamp().to_string();
    for item in tests.items() {
        assert_eq!(item["ttl"].as_n().unwrap(), &thirty_days, "{item:?}");
    }
    // Another person's tests are theirs.
    assert_eq!(test(SYSADMIN).await.0, 202);
    // The next hour, the next five.
    w.advance(Duration::hours(1));
    assert_eq!(test(ADMIN_A).await.0, 202);

    // A blocked address gets no test.
    w.env
        .store
        .block_address(&AddressBlock {
            identity: "admin-a@example.com".into(),
            kind: ReportKind::Complained,
            detail: "abuse".into(),
            at: t0(),
        })
        .await
        .unwrap();
    let (status, problem) = test(ADMIN_A).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("address_blocked"))
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("its owner marked our mail as spam on 2026-03-02"),
        "{problem}"
    );
}

/// Issue 26: an address is corrected only after its mail did not arrive, and the corrected
/// invitation belongs to the new address's person (a proved directory person, or nobody),
/// never to the old one: no admin can move a working link to a mailbox of their own.
#[tokio::test]
async fn an_address_is_corrected_only_after_its_mail_failed_and_leaves_the_old_person() {
    let w = World::new().await;
    // Picked from the directory: bound to Ursula (u1).
    let (status, body) = w
        .call(
            "POST",
            "/contracts/A/invitations",
            Some(json!({"user_ids": ["u1"], "activities": ["a1"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = body["results"][0]["invitation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let correct = format!("/contracts/A/invitations/{id}/correct-address");
    let mine = Some(json!({"email": w.env.email("admin.own.mailbox")}));

    // Queued, then sent and not bounced: nothing to correct.
    for sent in [false, true] {
        if sent {
            w.mail_out(&id, "m-ok").await;
        }
        let (status, problem) = w.call("POST", &correct, mine.clone(), &ADMIN_A).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (409, Some("mail_not_failed")),
            "sent: {sent}: {problem}"
        );
        let (_, page) = w
            .call("GET", "/contracts/A/invitations", None, &ADMIN_A)
            .await;
        assert_eq!(page["invitations"][0]["can_correct_address"], false);
    }
    let inv = InvitationId::parse(&id).unwrap();
    let still = w.env.store.find_invitation(&inv).await.unwrap().unwrap();
    assert_eq!(still.user_id, Some(UserId::parse("u1").unwrap()));
    assert_eq!(still.token_version, 1, "the link is untouched");

    // It bounced: now it may be corrected, and the site is told so.
    w.bounced(&id, "m-ok").await;
    let (_, page) = w
        .call("GET", "/contracts/A/invitations", None, &ADMIN_A)
        .await;
    assert_eq!(page["invitations"][0]["can_correct_address"], true);
    let (status, changed) = w.call("POST", &correct, mine.clone(), &ADMIN_A).await;
    assert_eq!(status, 200, "{changed}");
    let moved = w.env.store.find_invitation(&inv).await.unwrap().unwrap();
    assert_eq!(moved.user_id, None, "not Ursula's any more");
    assert_eq!(moved.name, None);
    assert_eq!(changed["invitation"]["registered"], false);

    // Corrected again after that mail bounced too, to a proved directory person's address:
    // the invitation is theirs.
    w.advance(Duration::minutes(1));
    w.bounce(&id).await;
    let (status, changed) = w
        .call(
            "POST",
            &correct,
            Some(json!({"email": w.env.email("victor")})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    let theirs = w.env.store.find_invitation(&inv).await.unwrap().unwrap();
    assert_eq!(theirs.user_id, Some(UserId::parse("u2").unwrap()));
    assert_eq!(theirs.name.as_deref(), Some("Victor Hugo"));
}

/// Issue 26: a subject with a line break (a header injection) or the personal link is refused
/// at the field, in words, for saving and for a test alike; nothing is stored or queued.
#[tokio::test]
async fn a_subject_with_a_line_break_or_the_link_is_refused_in_words() {
    let w = World::new().await;
    for (subject, words) in [
        ("Hello\r\nBcc: x@example.org", "The subject is one line"),
        ("Hello\u{0}", "The subject is one line"),
        ("Your link: {link}", "Put {link} in the message"),
    ] {
        for path in ["/contracts/A/mail", "/contracts/A/mail/test"] {
            let body = json!({"language": "en", "subject": subject, "message": "Join: {link}"});
            let (status, problem) = w.call("POST", path, Some(body), &ADMIN_A).await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (422, Some("invalid_mail_template")),
                "{path} {subject:?}"
            );
            assert!(
                problem["detail"].as_str().unwrap().contains(words),
                "{problem}"
            );
        }
    }
    let contract = w
        .env
        .store
        .get_contract(&ContractId::parse("A").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contract.mail.custom, None, "nothing stored");
    let audit = w
        .env
        .store
        .list_audit(&ContractId::parse("A").unwrap(), 50)
        .await
        .unwrap();
    assert!(audit.iter().all(|r| r.action != AuditAction::TestMail));
}

/// Issue 26: contract admins find people to invite by a few letters, see at most 20, and never
/// learn who administers the system; system administrators see the directory whole.
#[tokio::test]
async fn contract_admins_search_the_directory_narrowly() {
    let w = World::new().await;
    for n in 0..25 {
        let user = User {
            id: UserId::parse(&format!("m{n:02}")).unwrap(),
            email: EmailAddress::parse(&w.env.email(&format!("match{n:02}"))).unwrap(),
            name: format!("Match {n:02}"),
            created_at: t0(),
            system_admin: n == 3,
            email_verified: true,
        };
        assert!(w.env.store.put_user(&user).await.unwrap());
    }
    for q in ["", "ma", "%20%20m%20"] {
        let (status, problem) = w
            .call("GET", &format!("/users?q={q}"), None, &ADMIN_A)
            .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (400, Some("query_too_short")),
            "{q:?}"
        );
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .contains("at least 3 letters"));
    }
    let (status, list) = w
        .call("GET", "/users?q=match&limit=200", None, &ADMIN_A)
        .await;
    assert_eq!(status, 200, "{list}");
    let users = list["users"].as_array().unwrap();
    assert_eq!(users.len(), 20);
    assert!(
        users.iter().all(|u| u.get("system_admin").is_none()),
        "{list}"
    );
    let (status, list) = w
        .call("GET", "/users?q=match&limit=200", None, &SYSADMIN)
        .await;
    assert_eq!(status, 200, "{list}");
    let users = list["users"].as_array().unwrap();
    assert_eq!(users.len(), 25);
    assert_eq!(
        users.iter().filter(|u| u["system_admin"] == true).count(),
        1
    );
    // Everyone, with no search at all.
    let (status, _) = w.call("GET", "/users", None, &SYSADMIN).await;
    assert_eq!(status, 200);
}

/// Issue 26: a block stops mail to the address from every contract, so a contract admin lifts
/// only the bounce of their own pending invitation; a spam complaint's block is for system
/// administrators, and an invitation no longer pending clears nothing.
#[tokio::test]
async fn a_contract_admin_clears_only_the_bounce_of_their_own_pending_invitation() {
    let w = World::new().await;
    let emails = [w.env.email("complainer"), w.env.email("gone")];
    let made = ids(&w.invite("A", &emails, &["a1"], &ADMIN_A).await);
    for (email, kind) in [
        (&emails[0], ReportKind::Complained),
        (&emails[1], ReportKind::BouncedPermanent),
    ] {
        w.env
            .store
            .block_address(&AddressBlock {
                identity: email.to_lowercase(),
                kind,
                detail: "report".into(),
                at: t0(),
            })
            .await
            .unwrap();
    }
    let clear = |id: &str| format!("/contracts/A/invitations/{id}/clear-block");

    let (status, problem) = w.call("POST", &clear(&made[0]), None, &ADMIN_A).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("forbidden")));
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("Only a system administrator"));
    assert!(w
        .env
        .store
        .address_block(&emails[0].to_lowercase())
        .await
        .unwrap()
        .is_some());
    let (status, cleared) = w.call("POST", &clear(&made[0]), None, &SYSADMIN).await;
    assert_eq!(
        (status, &cleared["changed"]),
        (200, &json!(true)),
        "{cleared}"
    );

    // Revoked: the address's block is no longer this contract's business.
    let (status, _) = w
        .call(
            "POST",
            &format!("/contracts/A/invitations/{}/revoke", made[1]),
            None,
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200);
    let (status, problem) = w.call("POST", &clear(&made[1]), None, &ADMIN_A).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("not_pending")),
        "{problem}"
    );
    assert!(w
        .env
        .store
        .address_block(&emails[1].to_lowercase())
        .await
        .unwrap()
        .is_some());
}

/// Issue 26: every problem detail is a sentence a person can act on, whatever the route and
/// whatever went wrong: bad JSON, fields missing or of the wrong kind, bad addresses, unknown
/// or someone else's contracts, conflicts, bad or repeated query parameters, too much at once.
/// (`World::call` holds every error answer of this file to `assert_sentence`; these are the
/// answers no other test asks for, and the words of some.)
#[tokio::test]
async fn every_problem_detail_is_a_sentence() {
    let w = World::new().await;
    let made = ids(&w
        .invite(
            "A",
            &[
                w.env.email("sen.one"),
                w.env.email("sen.two"),
                w.env.email("sen.three"),
            ],
            &["a1"],
            &ADMIN_A,
        )
        .await);
    let (one, two, three) = (&made[0], &made[1], &made[2]);
    let at = |id: &str, action: &str| format!("/contracts/A/invitations/{id}/{action}");
    let mut seen: Vec<(u16, String, String)> = Vec::new();
    let mut expect = |what: &str, (status, problem): (u16, Value), want: (u16, &str)| {
        let code = problem["code"].as_str().unwrap_or_default().to_owned();
        let detail = problem["detail"].as_str().unwrap_or_default().to_owned();
        assert_eq!((status, code.as_str()), want, "{what}: {problem}");
        assert_sentence(&detail);
        seen.push((status, code, detail));
    };

    // Bodies that are not JSON, or not the JSON a route takes: each says what is wrong.
    let add = "/contracts/A/invitations";
    for (raw, detail) in [
        ("", "The request needs a JSON body."),
        ("{", "The body is not valid JSON: it ends before it is complete."),
        ("{emails: []}", "The body is not valid JSON: check its quotes, commas and brackets."),
        (r#"{"emails": []} {}"#, "The body is not valid JSON: check its quotes, commas and brackets."),
        ("[1]", "The body must be an object, not a list."),
        (r#""a@b.co""#, "The body must be an object, not text."),
        (r#"{"emails": "a@b.co"}"#, "The field `emails` must be a list, not text."),
        (r#"{"emails": ["a@b.co", 2]}"#, "Item 2 of `emails` must be text, not the number 2."),
        (
            r#"{"mails": ["a@b.co"]}"#,
            "The field `mails` is not one this request takes: use `emails`, `user_ids` or `activities`.",
        ),
    ] {
        let answer = w.call_raw("POST", add, raw, &ADMIN_A).await;
        assert_eq!(answer.1["detail"], detail, "{raw}");
        expect(raw, answer, (400, "invalid_body"));
    }
    let imports = "/contracts/A/imports";
    for (body, detail) in [
        (
            json!({"activities": ["a1"]}),
            "The field `file_size` is missing.",
        ),
        (
            json!({"activities": ["a1"], "file_size": -1}),
            "The field `file_size` must be a whole number, 0 or more, not the number -1.",
        ),
        (
            json!({"activities": ["a1"], "file_size": "12"}),
            "The field `file_size` must be a whole number, 0 or more, not text.",
        ),
        (
            json!({"activities": ["a1"], "file_size": 1, "mode": "maybe"}),
            "The field `mode` cannot be `maybe`: use `invite` or `check`.",
        ),
    ] {
        let answer = w.call("POST", imports, Some(body.clone()), &ADMIN_A).await;
        assert_eq!(answer.1["detail"], detail, "{body}");
        expect(&body.to_string(), answer, (400, "invalid_body"));
    }
    let revoke_many = "/contracts/A/invitations/revoke";
    for (body, detail) in [
        (
            json!({"filter": {"status": "lost"}}),
            "The field `filter.status` cannot be `lost`: use `pending`, `expired`, `enrolled` or `revoked`.",
        ),
        (
            json!({"filter": {"state": "pending"}}),
            "The field `filter.state` is not one this request takes: use `status` or `q`.",
        ),
        (json!({"ids": [1]}), "Item 1 of `ids` must be text, not the number 1."),
    ] {
        let answer = w.call("POST", revoke_many, Some(body.clone()), &ADMIN_A).await;
        assert_eq!(answer.1["detail"], detail, "{body}");
        expect(&body.to_string(), answer, (400, "invalid_body"));
    }
    let answer = w
        .call(
            "POST",
            &at(one, "correct-address"),
            Some(json!({})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(answer.1["detail"], "The field `email` is missing.");
    expect("no email", answer, (400, "invalid_body"));
    let answer = w
        .call(
            "POST",
            &at(one, "correct-address"),
            Some(json!({"email": ["a@b.co"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        answer.1["detail"],
        "The field `email` must be text, not a list."
    );
    expect("email list", answer, (400, "invalid_body"));
    let answer = w
        .call(
            "POST",
            "/contracts/A/admins",
            Some(json!({"user": "u1"})),
            &SYSADMIN,
        )
        .await;
    expect("admin body", answer, (400, "invalid_body"));
    let answer = w
        .call(
            "POST",
            "/contracts/A/reminders",
            Some(json!({"enabled": "yes"})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(
        answer.1["detail"],
        "The field `enabled` must be true or false, not text."
    );
    expect("reminders", answer, (400, "invalid_body"));

    // Addresses: the mistake as a sentence, never "missing @" or "is empty" (the words the
    // correct-address route once answered).
    for (email, detail) in [
        (
            "not-an-address",
            "The new address has no @: write it as name@example.org.",
        ),
        (
            "",
            "The new address is empty: write an address such as name@example.org.",
        ),
        (
            "ann@@example.org",
            "The new address has more than one @: an address has exactly one.",
        ),
    ] {
        let answer = w
            .call(
                "POST",
                &at(one, "correct-address"),
                Some(json!({"email": email})),
                &ADMIN_A,
            )
            .await;
        assert_eq!(answer.1["detail"], detail, "{email:?}");
        expect(email, answer, (400, "invalid_email"));
    }
    let answer = w
        .call(
            "POST",
            "/users",
            Some(json!({"email": "nope", "name": "A B"})),
            &SYSADMIN,
        )
        .await;
    assert_eq!(
        answer.1["detail"],
        "The address has no @: write it as name@example.org."
    );
    expect("person", answer, (400, "invalid_email"));
    let answer = w
        .call(
            "POST",
            "/users",
            Some(json!({"email": "a@b.co", "name": " "})),
            &SYSADMIN,
        )
        .await;
    expect("name", answer, (400, "invalid_name"));

    // Who may: nobody signed in, someone else's contract, system administrators' routes.
    expect(
        "anonymous",
        w.call("GET", "/contracts/A", None, &As::Anonymous).await,
        (401, "unauthenticated"),
    );
    expect(
        "B",
        w.call("GET", "/contracts/B", None, &ADMIN_A).await,
        (403, "forbidden"),
    );
    expect(
        "admins",
        w.call(
            "POST",
            "/contracts/A/admins",
            Some(json!({"user_id": "u1"})),
            &ADMIN_A,
        )
        .await,
        (403, "forbidden"),
    );
    expect(
        "people",
        w.call(
            "POST",
            "/users",
            Some(json!({"email": "a@b.co", "name": "A B"})),
            &ADMIN_A,
        )
        .await,
        (403, "forbidden"),
    );
    expect(
        "own",
        w.call("POST", "/users/root/system-admin/remove", None, &SYSADMIN)
            .await,
        (409, "own_system_admin"),
    );

    // What is not there: routes, contracts, invitations, imports, people.
    expect(
        "nowhere",
        w.call("GET", "/nowhere", None, &ADMIN_A).await,
        (404, "not_found"),
    );
    expect(
        "method",
        w.call("DELETE", "/contracts/A", None, &ADMIN_A).await,
        (405, "method_not_allowed"),
    );
    expect(
        "contract",
        w.call("GET", "/contracts/NOPE", None, &ADMIN_A).await,
        (404, "contract_not_found"),
    );
    expect(
        "invitation",
        w.call(
            "POST",
            &at("0123456789abcdef0123456789abcdef", "resend"),
            None,
            &ADMIN_A,
        )
        .await,
        (404, "invitation_not_found"),
    );
    expect(
        "import",
        w.call("GET", "/contracts/A/imports/not-an-import", None, &ADMIN_A)
            .await,
        (404, "import_not_found"),
    );
    let answer = w
        .call(
            "POST",
            "/contracts/A/admins",
            Some(json!({"user_id": "bad#id"})),
            &SYSADMIN,
        )
        .await;
    assert_eq!(
        answer.1["detail"],
        "A user id must be 1 to 64 letters, digits, '-' or '_'. Pick the person from the directory."
    );
    expect("user id", answer, (400, "invalid_user_id"));
    expect(
        "user",
        w.call(
            "POST",
            "/contracts/A/admins",
            Some(json!({"user_id": "nobody"})),
            &SYSADMIN,
        )
        .await,
        (404, "user_not_found"),
    );

    // Query parameters: bad, repeated, too long, too short, too large a page.
    for (path, code) in [
        ("/contracts/A/invitations?status=lost", "invalid_status"),
        (
            "/contracts/A/invitations?status=pending&status=revoked",
            "repeated_parameter",
        ),
        ("/contracts/A/invitations?q=a&q=b", "repeated_parameter"),
        ("/contracts/A/invitations?limit=0", "invalid_limit"),
        ("/contracts/A/invitations?limit=many", "invalid_limit"),
        ("/contracts/A/invitations?limit=100000", "invalid_limit"),
        ("/contracts/A/invitations?cursor=%21%21", "invalid_cursor"),
        ("/users?limit=201", "invalid_limit"),
        ("/users?q=ab", "query_too_short"),
        (
            "/contracts/A/invitations/export?status=lost",
            "invalid_status",
        ),
    ] {
        expect(path, w.call("GET", path, None, &ADMIN_A).await, (400, code));
    }
    let long = format!("/contracts/A/invitations?q={}", "x".repeat(300));
    let answer = w.call("GET", &long, None, &ADMIN_A).await;
    assert_eq!(
        answer.1["detail"],
        "The search text is too long: an address has at most 254 characters."
    );
    expect("long q", answer, (400, "invalid_query"));
    let history = format!("/contracts/A/invitations/{one}/history?limit=500");
    expect(
        "history",
        w.call("GET", &history, None, &ADMIN_A).await,
        (400, "invalid_limit"),
    );

    // Too much, or too little, at once.
    let many: Vec<String> = (0..1001).map(|i| format!("p{i}@example.org")).collect();
    expect(
        "add many",
        w.call(
            "POST",
            add,
            Some(json!({"emails": many, "activities": ["a1"]})),
            &ADMIN_A,
        )
        .await,
        (400, "too_many_people"),
    );
    expect(
        "add none",
        w.call("POST", add, Some(json!({"activities": ["a1"]})), &ADMIN_A)
            .await,
        (400, "no_people"),
    );
    expect(
        "bulk many",
        w.call("POST", revoke_many, Some(json!({"emails": many})), &ADMIN_A)
            .await,
        (400, "too_many"),
    );
    expect(
        "bulk none",
        w.call("POST", revoke_many, Some(json!({})), &ADMIN_A).await,
        (400, "choose_invitations"),
    );
    expect(
        "bulk two",
        w.call(
            "POST",
            revoke_many,
            Some(json!({"ids": [one], "emails": ["a@b.co"]})),
            &ADMIN_A,
        )
        .await,
        (400, "choose_invitations"),
    );
    expect(
        "continuation",
        w.call(
            "POST",
            revoke_many,
            Some(json!({"ids": [one], "continuation": "x"})),
            &ADMIN_A,
        )
        .await,
        (400, "invalid_continuation"),
    );
    expect(
        "empty file",
        w.call(
            "POST",
            imports,
            Some(json!({"activities": ["a1"], "file_size": 0})),
            &ADMIN_A,
        )
        .await,
        (400, "file_empty"),
    );
    expect(
        "large file",
        w.call(
            "POST",
            imports,
            Some(json!({"activities": ["a1"], "file_size": 1u64 << 40})),
            &ADMIN_A,
        )
        .await,
        (413, "file_too_large"),
    );

    // Activities that do not suit the contract, and a contract that has ended.
    for (contract, activities, code, status) in [
        ("A", json!([]), "invalid_activities", 400),
        ("A", json!(["zz"]), "invalid_activities", 400),
        ("A", json!(["bad#id"]), "invalid_activities", 400),
        ("B", json!(["b1"]), "invalid_activities", 400),
        ("OLD", json!([]), "contract_expired", 409),
    ] {
        let who = if contract == "B" { &SYSADMIN } else { &ADMIN_A };
        let body = json!({"emails": ["a@b.co"], "activities": activities});
        let path = format!("/contracts/{contract}/invitations");
        expect(
            &path,
            w.call("POST", &path, Some(body), who).await,
            (status, code),
        );
    }

    // Conflicts: too soon, revoked, enrolled, not failed, not a check.
    expect(
        "too soon",
        w.call("POST", &at(one, "resend"), None, &ADMIN_A).await,
        (429, "resent_too_recently"),
    );
    let answer = w
        .call(
            "POST",
            &at(one, "correct-address"),
            Some(json!({"email": "a@b.co"})),
            &ADMIN_A,
        )
        .await;
    expect("not failed", answer, (409, "mail_not_failed"));
    w.call("POST", &at(two, "revoke"), None, &ADMIN_A).await;
    w.advance(Duration::minutes(2));
    for action in ["resend", "extend"] {
        expect(
            action,
            w.call("POST", &at(two, action), None, &ADMIN_A).await,
            (409, "revoked"),
        );
    }
    let enrolled = w
        .env
        .store
        .get_invitation(
            &ContractId::parse("A").unwrap(),
            &InvitationId::parse(three).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let token = LinkToken {
        invitation_id: enrolled.id.clone(),
        version: enrolled.token_version,
    };
    let student = Enrolee::New {
        subject: UserId::random(),
        name: "Sentence Three".into(),
    };
    w.env.store.enrol(&token, student, t0()).await.unwrap();
    for action in ["revoke", "resend", "extend"] {
        let answer = w.call("POST", &at(three, action), None, &ADMIN_A).await;
        assert!(
            answer.1["detail"].as_str().unwrap().starts_with(&format!(
                "The person at {} has already enrolled",
                w.env.email("sen.three")
            )),
            "{action}: {}",
            answer.1
        );
        expect(action, answer, (409, "already_enrolled"));
    }
    let answer = w
        .call(
            "POST",
            revoke_many,
            Some(json!({"ids": [three, "nope"]})),
            &ADMIN_A,
        )
        .await;
    assert_eq!(answer.0, 200, "{}", answer.1);
    assert_eq!(answer.1["results"][0]["code"], "already_enrolled");
    assert_eq!(answer.1["results"][1]["code"], "invitation_not_found");
    let check = w.announce_check().await;
    expect(
        "unfinished check",
        w.call(
            "POST",
            &format!("/contracts/A/imports/{check}/invite"),
            None,
            &ADMIN_A,
        )
        .await,
        (409, "not_a_finished_check"),
    );

    // The contract's mail and reminder plan.
    let mail = json!({"language": "en", "subject": "Hello {first_name}", "message": "Join {contract}: {link}"});
    expect(
        "mail",
        w.call("POST", "/contracts/A/mail", Some(mail), &ADMIN_A)
            .await,
        (422, "invalid_mail_template"),
    );
    let plan =
        json!({"enabled": true, "days_after_send": 0, "days_before_expiry": null, "at_most": 1});
    expect(
        "plan",
        w.call("POST", "/contracts/A/reminders", Some(plan), &ADMIN_A)
            .await,
        (422, "invalid_reminder_plan"),
    );

    // No detail was said twice for two different mistakes of one kind by accident: each
    // names what it is about (a sample of distinct texts, not one catch-all).
    let distinct: std::collections::BTreeSet<&str> =
        seen.iter().map(|(_, _, d)| d.as_str()).collect();
    assert!(distinct.len() > 40, "{} distinct details", distinct.len());
}
