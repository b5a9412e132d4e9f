//! The world every admin API test starts from: the emulators, one App per admin function, the
//! contracts and people below, and the calls, each answer read as its route's wire type.

use admin_api::functions::{all_routes, FUNCTIONS};
use admin_api::{handle, App, Webhooks};
use chrono::{DateTime, Duration, Utc};
use invitations_core::adapters::S3Blobs;
use invitations_core::domain::*;
use invitations_core::ports::*;
pub use invitations_wire as wire;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
pub use testkit::t0;
use testkit::{api_event, api_request, assert_sentence, read_response, As, TestEnv};

/// What a route answers: its wire type, or the problem of a refusal.
pub type Answer<T> = Result<T, wire::Problem>;

pub const ADMIN_A: As = As::User("admin-a");
pub const ADMIN_B: As = As::User("admin-b");
pub const SYSADMIN: As = As::SystemAdmin("root");

/// The contracts every test starts with, their dates around [`t0`]: `A`, a voucher of three
/// activities (`a1` to `a3`) administered by `admin-a`; `B`, a subscription (`b1`) of
/// `admin-b`'s; `OLD`, `admin-a`'s, ended the day before.
pub fn contracts() -> [Contract; 3] {
    [
        testkit::contract("A").voucher(&["a1", "a2", "a3"]).build(),
        testkit::contract("B")
            .subscription(&["b1"])
            .admin("admin-b")
            .build(),
        testkit::contract("OLD")
            .subscription(&["o1"])
            .ends_at(t0() - Duration::days(1))
            .build(),
    ]
}

pub struct World {
    pub env: TestEnv,
    /// One App per admin function, each on a store with its role's table permissions
    /// (testkit::leading_keys), as the functions run in AWS.
    apps: std::collections::BTreeMap<&'static str, App>,
    time: Arc<Mutex<DateTime<Utc>>>,
}

impl World {
    /// [`contracts`], and Ursula Le Guin (`u1`) and Victor Hugo (`u2`) in the directory.
    pub async fn new() -> Self {
        let env = TestEnv::new().await;
        let time = Arc::new(Mutex::new(t0()));
        let apps = FUNCTIONS
            .iter()
            .map(|f| {
                let clock_time = time.clone();
                let app = App::on(
                    Arc::new(env.store_as(f.binary)),
                    Arc::new(move || *clock_time.lock().unwrap()),
                )
                .with_blobs(Arc::new(S3Blobs::new(env.s3.clone(), &env.bucket)))
                .with_accounts(Arc::new(env.accounts.clone()))
                .with_webhooks(Webhooks::new(
                    Arc::new(env.store_as(f.binary)),
                    "a test sealing key's material, 32+ characters",
                    // The tests' endpoints are on loopback (no DNS here); AWS allows none.
                    webhooks::Policy {
                        allow_loopback_http: true,
                    },
                ))
                .with_join_links(admin_api::JoinLinks {
                    store: Arc::new(env.store_as(f.binary)),
                    key: env.link_key.clone().into(),
                });
                (f.binary, app)
            })
            .collect();
        for contract in contracts() {
            env.store.put_contract(&contract).await.unwrap();
        }
        for (id, local, name) in [
            ("u1", "ursula", "Ursula Le Guin"),
            ("u2", "victor", "Victor Hugo"),
        ] {
            let user = testkit::user(id, &env.email(local), name);
            assert!(env.store.put_user(&user).await.unwrap());
        }
        Self { env, apps, time }
    }

    /// The function's own App (`binary`, as in `FUNCTIONS`).
    pub fn app(&self, binary: &str) -> &App {
        &self.apps[binary]
    }

    /// The function's own App, to change what it holds (its keys, read on first use).
    pub fn app_mut(&mut self, binary: &str) -> &mut App {
        self.apps.get_mut(binary).expect("an admin function")
    }

    /// The App of the function that serves `req` (admin-read's when none does: the answer is
    /// then routing's 404 or 405).
    fn app_for(&self, req: &lambda_http::Request) -> &App {
        let path = lambda_http::RequestExt::raw_http_path(req).to_owned();
        let binary = invitations_wire::routes::find(all_routes(), req.method().as_str(), &path)
            .map_or("admin-read", |(r, _)| r.function);
        self.app(binary)
    }

    /// The admin API as API Gateway reaches it: the request goes to its function's App.
    pub async fn handle(
        &self,
        req: lambda_http::Request,
    ) -> lambda_http::Response<lambda_http::Body> {
        handle(self.app_for(&req), req).await.unwrap()
    }

    pub fn now(&self) -> DateTime<Utc> {
        *self.time.lock().unwrap()
    }

    pub fn advance(&self, by: Duration) {
        *self.time.lock().unwrap() += by;
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        who: &As,
    ) -> (u16, Value) {
        self.answer(method, path, api_request(method, path, body.as_ref(), who))
            .await
    }

    /// A call whose body is `raw` as it is, JSON or not.
    pub async fn call_raw(&self, method: &str, path: &str, raw: &str, who: &As) -> (u16, Value) {
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
        } else if path.contains("/invitations/export") || path.contains("/audit/export") {
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

    /// A call whose answer is read as the route's wire type `T`: its status and `T` for a
    /// success, the problem for a refusal.
    pub async fn request<T: DeserializeOwned + Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        who: &As,
    ) -> Answer<(u16, T)> {
        typed(self.call(method, path, body, who).await)
    }

    async fn get<T: DeserializeOwned + Serialize>(&self, path: &str, who: &As) -> Answer<T> {
        Ok(self.request("GET", path, None, who).await?.1)
    }

    /// A POST that answers 200.
    async fn post<T: DeserializeOwned + Serialize>(
        &self,
        path: &str,
        body: Option<Value>,
        who: &As,
    ) -> Answer<T> {
        let (status, answer) = self.request("POST", path, body, who).await?;
        assert_eq!(status, 200, "POST {path}");
        Ok(answer)
    }

    /// A download: status, the Content-Disposition header and the file's text.
    pub async fn download(&self, path: &str, who: &As) -> (u16, String, String) {
        let response = self.handle(api_request("GET", path, None, who)).await;
        let disposition = testkit::header(&response, "content-disposition");
        let status = response.status().as_u16();
        let text = match response.body() {
            lambda_http::Body::Text(t) => t.clone(),
            other => panic!("{path}: not text: {other:?}"),
        };
        (status, disposition, text)
    }
}

/// An answer read as the route's wire type: see [`World::request`]. The answer is that type
/// exactly: written again, it is the same JSON (no field missing, unknown, or `null` for absent).
/// A refusal's problem says the status it was answered with.
pub fn typed<T: DeserializeOwned + Serialize>((status, body): (u16, Value)) -> Answer<(u16, T)> {
    if status >= 400 {
        let problem: wire::Problem = exactly(status, body);
        assert_eq!(problem.status, status, "{problem:?}");
        Err(problem)
    } else {
        Ok((status, exactly(status, body)))
    }
}

fn exactly<T: DeserializeOwned + Serialize>(status: u16, body: Value) -> T {
    let read: T = serde_json::from_value(body.clone()).unwrap_or_else(|e| {
        panic!(
            "{status}, not a {}: {e}: {body}",
            std::any::type_name::<T>()
        )
    });
    let again = serde_json::to_value(&read).unwrap();
    assert_eq!(
        again,
        body,
        "{status}: not exactly a {}",
        std::any::type_name::<T>()
    );
    read
}

/// What a refused call answered: its status and code, and its sentence.
pub trait Refusal {
    /// The status and the code; panics if the call was not refused.
    fn refusal(&self) -> (u16, &str);
    fn detail(&self) -> &str;
}

impl Refusal for wire::Problem {
    fn refusal(&self) -> (u16, &str) {
        (self.status, &self.code)
    }
    fn detail(&self) -> &str {
        &self.detail
    }
}

impl<T: Debug> Refusal for Answer<T> {
    fn refusal(&self) -> (u16, &str) {
        self.as_ref()
            .map_or_else(Refusal::refusal, |ok| panic!("not refused: {ok:?}"))
    }
    fn detail(&self) -> &str {
        self.as_ref()
            .map_or_else(Refusal::detail, |ok| panic!("not refused: {ok:?}"))
    }
}

/// A raw answer (`World::call`): `World::answer` has checked a refusal's code and detail.
impl Refusal for (u16, Value) {
    fn refusal(&self) -> (u16, &str) {
        assert!(self.0 >= 400, "not refused: {} {}", self.0, self.1);
        (self.0, self.1["code"].as_str().unwrap_or_default())
    }
    fn detail(&self) -> &str {
        assert!(self.0 >= 400, "not refused: {} {}", self.0, self.1);
        self.1["detail"].as_str().unwrap_or_default()
    }
}

// ---- the routes, each answer read as its wire type ----

impl World {
    /// `GET /contracts`.
    pub async fn contract_list(&self, who: &As) -> Answer<wire::ContractList> {
        self.get("/contracts", who).await
    }

    /// `GET /contracts/{c}`.
    pub async fn contract(&self, c: &str, who: &As) -> Answer<wire::Contract> {
        self.get(&format!("/contracts/{c}"), who).await
    }

    pub async fn funnel(&self, c: &str, who: &As) -> Answer<wire::Funnel> {
        self.get(&format!("/contracts/{c}/funnel"), who).await
    }

    /// `POST /contracts/{c}/invitations` with this body.
    pub async fn add(&self, c: &str, body: Value, who: &As) -> Answer<wire::AddResult> {
        self.post(&format!("/contracts/{c}/invitations"), Some(body), who)
            .await
    }

    /// Invites these addresses, which must be answered (whatever each person's outcome).
    pub async fn invite(
        &self,
        c: &str,
        emails: &[String],
        activities: &[&str],
        who: &As,
    ) -> wire::AddResult {
        self.add(c, json!({"emails": emails, "activities": activities}), who)
            .await
            .unwrap()
    }

    /// `n` addresses of this test's (`TestEnv::email`), the `i`th at `local(i)`.
    pub fn addresses(&self, n: usize, local: impl Fn(usize) -> String) -> Vec<String> {
        (0..n).map(|i| self.env.email(&local(i))).collect()
    }

    /// Invites one address of this test's (`TestEnv::email`) to contract A (activity a1); its id.
    pub async fn invite_one(&self, local: &str) -> String {
        let invited = self
            .invite("A", &[self.env.email(local)], &["a1"], &ADMIN_A)
            .await;
        ids(&invited).remove(0)
    }

    /// `GET /contracts/{c}/invitations{query}` (`query` empty or from `?`).
    pub async fn list(&self, c: &str, query: &str, who: &As) -> Answer<wire::InvitationList> {
        self.get(&format!("/contracts/{c}/invitations{query}"), who)
            .await
    }

    /// `GET /contracts/{c}/invitations/{id}`: one invitation as its row shows it.
    pub async fn one(&self, c: &str, id: &str, who: &As) -> Answer<wire::Invitation> {
        self.get(&format!("/contracts/{c}/invitations/{id}"), who)
            .await
    }

    /// `GET /contracts/{c}/invitations/count{query}`: how many the list would list.
    pub async fn count(&self, c: &str, query: &str, who: &As) -> Answer<u64> {
        let counted: wire::InvitationCount = self
            .get(&format!("/contracts/{c}/invitations/count{query}"), who)
            .await?;
        Ok(counted.count)
    }

    /// `POST /contracts/{c}/invitations/{id}/{action}`: resend, revoke, extend, clear-block.
    pub async fn act(
        &self,
        c: &str,
        id: &str,
        action: &str,
        who: &As,
    ) -> Answer<wire::InvitationChange> {
        self.post(
            &format!("/contracts/{c}/invitations/{id}/{action}"),
            None,
            who,
        )
        .await
    }

    pub async fn resend(&self, c: &str, id: &str, who: &As) -> Answer<wire::InvitationChange> {
        self.act(c, id, "resend", who).await
    }

    pub async fn revoke(&self, c: &str, id: &str, who: &As) -> Answer<wire::InvitationChange> {
        self.act(c, id, "revoke", who).await
    }

    pub async fn clear_block(&self, c: &str, id: &str, who: &As) -> Answer<wire::InvitationChange> {
        self.act(c, id, "clear-block", who).await
    }

    pub async fn correct_address(
        &self,
        c: &str,
        id: &str,
        email: &str,
        who: &As,
    ) -> Answer<wire::InvitationChange> {
        self.post(
            &format!("/contracts/{c}/invitations/{id}/correct-address"),
            Some(json!({ "email": email })),
            who,
        )
        .await
    }

    /// `POST /contracts/{c}/invitations/{action}`: a bulk resend, extend or revoke.
    pub async fn bulk(
        &self,
        c: &str,
        action: &str,
        body: Value,
        who: &As,
    ) -> Answer<wire::BulkResult> {
        self.post(
            &format!("/contracts/{c}/invitations/{action}"),
            Some(body),
            who,
        )
        .await
    }

    /// One page of an invitation's history (`query` empty or from `?`).
    pub async fn history_page(
        &self,
        c: &str,
        id: &str,
        query: &str,
        who: &As,
    ) -> Answer<wire::InvitationHistory> {
        self.get(
            &format!("/contracts/{c}/invitations/{id}/history{query}"),
            who,
        )
        .await
    }

    /// Every entry of an invitation's history, page by page (`limit` a page), newest first.
    pub async fn history(&self, c: &str, id: &str, limit: usize) -> Vec<wire::HistoryEntry> {
        let mut entries = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = format!("?limit={limit}");
            if let Some(c) = &cursor {
                query.push_str(&format!("&cursor={c}"));
            }
            let page = self.history_page(c, id, &query, &ADMIN_A).await.unwrap();
            assert_eq!(page.invitation_id, id);
            assert!(page.entries.len() <= limit);
            let got = page.entries.len();
            entries.extend(page.entries);
            match page.next_cursor {
                Some(c) => {
                    assert_eq!(got, limit, "only a full page has a next one");
                    cursor = Some(c);
                }
                None => break,
            }
        }
        entries
    }

    /// `POST /contracts/{c}/imports`, which answers 201.
    pub async fn announce(&self, c: &str, body: Value, who: &As) -> Answer<wire::AnnouncedImport> {
        let (status, created) = self
            .request("POST", &format!("/contracts/{c}/imports"), Some(body), who)
            .await?;
        assert_eq!(status, 201);
        Ok(created)
    }

    pub async fn imports(&self, c: &str, who: &As) -> Answer<wire::ImportList> {
        self.get(&format!("/contracts/{c}/imports"), who).await
    }

    pub async fn import(&self, c: &str, id: &str, who: &As) -> Answer<wire::Import> {
        self.get(&format!("/contracts/{c}/imports/{id}"), who).await
    }

    /// "Invite these N" of a check: the status (201 made, 200 made before) and the import.
    pub async fn invite_checked(
        &self,
        c: &str,
        check: &ImportId,
        who: &As,
    ) -> Answer<(u16, wire::Import)> {
        let path = format!("/contracts/{c}/imports/{check}/invite");
        self.request("POST", &path, None, who).await
    }

    /// `POST /contracts/{c}/mail`: the contract as saved.
    pub async fn save_mail(&self, c: &str, body: Value, who: &As) -> Answer<wire::Contract> {
        self.post(&format!("/contracts/{c}/mail"), Some(body), who)
            .await
    }

    /// `POST /contracts/{c}/mail/test`, which answers 202.
    pub async fn test_mail(&self, c: &str, body: Value, who: &As) -> Answer<wire::TestMailQueued> {
        let path = format!("/contracts/{c}/mail/test");
        let (status, queued) = self.request("POST", &path, Some(body), who).await?;
        assert_eq!(status, 202);
        Ok(queued)
    }

    /// `POST /contracts/{c}/reminders`: the contract as saved.
    pub async fn save_reminders(&self, c: &str, body: Value, who: &As) -> Answer<wire::Contract> {
        self.post(&format!("/contracts/{c}/reminders"), Some(body), who)
            .await
    }

    pub async fn admins(&self, c: &str, who: &As) -> Answer<wire::AdminList> {
        self.get(&format!("/contracts/{c}/admins"), who).await
    }

    pub async fn add_admin(&self, c: &str, user: &str, who: &As) -> Answer<wire::AdminList> {
        let body = json!({ "user_id": user });
        self.post(&format!("/contracts/{c}/admins"), Some(body), who)
            .await
    }

    pub async fn remove_admin(&self, c: &str, user: &str, who: &As) -> Answer<wire::AdminList> {
        self.post(&format!("/contracts/{c}/admins/{user}/remove"), None, who)
            .await
    }

    /// `GET /users{query}` (`query` empty or from `?`).
    pub async fn users(&self, query: &str, who: &As) -> Answer<wire::UserList> {
        self.get(&format!("/users{query}"), who).await
    }

    /// `POST /users`: the status (201 made, 200 there already) and the person.
    pub async fn add_person(
        &self,
        email: &str,
        name: &str,
        who: &As,
    ) -> Answer<(u16, wire::PersonAdded)> {
        let body = json!({"email": email, "name": name});
        self.request("POST", "/users", Some(body), who).await
    }

    pub async fn grant_system_admin(&self, user: &str, who: &As) -> Answer<wire::User> {
        self.post(&format!("/users/{user}/system-admin"), None, who)
            .await
    }

    pub async fn withdraw_system_admin(&self, user: &str, who: &As) -> Answer<wire::User> {
        self.post(&format!("/users/{user}/system-admin/remove"), None, who)
            .await
    }
}

/// The invitation ids of an add request's people, in order ("" for those not invited).
pub fn ids(added: &wire::AddResult) -> Vec<String> {
    added
        .results
        .iter()
        .map(|r| r.invitation_id.clone().unwrap_or_default())
        .collect()
}

/// Each person's outcome, in order.
pub fn outcomes(added: &wire::AddResult) -> Vec<wire::InviteOutcome> {
    added.results.iter().map(|r| r.outcome).collect()
}

/// A new person enrolling through their link.
pub fn new_student(name: &str) -> Enrolee {
    Enrolee::New {
        subject: UserId::random(),
        name: name.into(),
    }
}

// ---- what the other functions and the mail service do, straight in the table ----

impl World {
    /// The invitation as the table holds it.
    pub async fn stored(&self, c: &str, id: &str) -> Invitation {
        self.env
            .store
            .get_invitation(
                &ContractId::parse(c).unwrap(),
                &InvitationId::parse(id).unwrap(),
            )
            .await
            .unwrap()
            .unwrap()
    }

    /// The contract's audit trail (its last 100 records).
    pub async fn audit(&self, c: &str) -> Vec<AuditRecord> {
        let c = ContractId::parse(c).unwrap();
        self.env.store.list_audit(&c, 100).await.unwrap()
    }

    /// The invitation's link, as it is now.
    pub async fn link(&self, c: &str, id: &str) -> LinkToken {
        let inv = self.stored(c, id).await;
        LinkToken {
            invitation_id: inv.id,
            version: inv.token_version,
        }
    }

    /// The person enrols through the invitation's link (as the enrol function does) at `at`.
    pub async fn enrol(&self, c: &str, id: &str, who: Enrolee, at: DateTime<Utc>) {
        let link = self.link(c, id).await;
        self.env.store.enrol(&link, who, at).await.unwrap();
    }

    /// The mail service stops mail to the address (as delivery-events does after a report).
    pub async fn block(&self, identity: &str, kind: ReportKind, detail: &str, at: DateTime<Utc>) {
        let block = AddressBlock {
            identity: identity.to_owned(),
            kind,
            detail: detail.into(),
            at,
        };
        self.env.store.block_address(&block).await.unwrap();
    }

    /// Whether mail to the address is stopped.
    pub async fn blocked(&self, email: &str) -> bool {
        let identity = email.to_lowercase();
        let block = self.env.store.address_block(&identity).await.unwrap();
        block.is_some()
    }

    /// The mail service reports on the invitation's mail sent as `message_id`.
    pub async fn report(&self, id: &str, message_id: &str, kind: ReportKind, at: DateTime<Utc>) {
        let report = DeliveryReport {
            kind,
            at,
            detail: String::new(),
        };
        self.env
            .store
            .record_report(&InvitationId::parse(id).unwrap(), message_id, &report)
            .await
            .unwrap();
    }

    /// The mailer's side of a send: claims the queued send and records it as SES accepted it.
    pub async fn mail_out(&self, id: &str, message_id: &str) {
        let store = &self.env.store;
        let inv = store
            .find_invitation(&InvitationId::parse(id).unwrap())
            .await
            .unwrap()
            .unwrap();
        let now = self.now();
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
    pub async fn bounce(&self, id: &str) {
        let message_id = format!("bounce-{id}-{}", self.now().timestamp_millis());
        self.mail_out(id, &message_id).await;
        self.bounced(id, &message_id).await;
    }

    /// The mail already sent as `message_id` bounces for good (and its address is blocked).
    pub async fn bounced(&self, id: &str, message_id: &str) {
        let at = self.now();
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
        let identity = found.email.identity().to_owned();
        self.block(&identity, ReportKind::BouncedPermanent, &report.detail, at)
            .await;
    }

    /// Announces a check of `team.csv` for contract A (activity a2); its id.
    pub async fn announce_check(&self) -> ImportId {
        let body = json!({"activities": ["a2"], "file_name": "team.csv", "file_size": 30, "mode": "check"});
        let created = self.announce("A", body, &ADMIN_A).await.unwrap();
        assert_eq!(created.import.mode, wire::ImportMode::Check);
        ImportId::parse(&created.import.id).unwrap()
    }

    /// A check of `team.csv` for contract A, finished on a file of two addresses (`pinned`: as
    /// in [`World::finish_check`]): its id and the file.
    pub async fn finished_check(&self, pinned: bool) -> (ImportId, String) {
        let check_id = self.announce_check().await;
        let file = format!("{}\n{}\n", self.env.email("c1"), self.env.email("c2"));
        self.finish_check(&check_id, &file, pinned).await;
        (check_id, file)
    }

    pub async fn put_file(&self, key: &str, body: &str) {
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
    pub async fn finish_check(&self, check_id: &ImportId, file: &str, pinned: bool) {
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
}
