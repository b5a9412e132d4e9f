//! The student routes in-process, with real API Gateway v2 events, against the emulators.

use chrono::{DateTime, Duration, TimeZone, Utc};
use enrol_api::{handle, App};
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use testkit::{api_event, api_request, assert_sentence, read_response, As, TestEnv};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

struct World {
    env: TestEnv,
    app: App,
    time: Arc<Mutex<DateTime<Utc>>>,
    contract: Contract,
}

impl World {
    async fn new() -> Self {
        let env = TestEnv::new().await;
        let time = Arc::new(Mutex::new(t0()));
        let t = time.clone();
        let app = App {
            store: Arc::new(env.store_as("enrol")),
            accounts: Arc::new(env.accounts.clone()),
            link_key: env.link_key.clone().into(),
            clock: Arc::new(move || *t.lock().unwrap()),
        };
        let contract = testkit::contract("V")
            .name("Safety Academy")
            .kind(ContractKind::Voucher)
            .named_activities(&[("a1", "Fire safety"), ("a2", "First aid")])
            .admin("admin-a")
            .around(t0())
            .started_days_ago(1)
            .ends_in_days(90)
            .build();
        env.store.put_contract(&contract).await.unwrap();
        let admin = testkit::user("admin-a", &env.email("admin"), "Alice Admin");
        env.store.put_user(&admin).await.unwrap();
        Self {
            env,
            app,
            time,
            contract,
        }
    }

    /// Invites `local` and returns the token of their link.
    async fn invite(&self, local: &str) -> (Invitation, String) {
        self.invite_to(&self.contract, local).await
    }

    async fn invite_to(&self, contract: &Contract, local: &str) -> (Invitation, String) {
        let invitee = Invitee {
            email: EmailAddress::parse(&self.env.email(local)).unwrap(),
            user_id: None,
            name: None,
            source: Source::Manual,
            options: Default::default(),
        };
        let outcomes = self
            .env
            .store
            .create_invitations(NewInvitations {
                contract,
                activities: &[ActivityId::parse("a2").unwrap()],
                invited_by: &UserId::parse("admin-a").unwrap(),
                now: t0(),
                invitees: &[invitee],
            })
            .await
            .unwrap();
        let InviteOutcome::Invited { invitation_id } = &outcomes[0] else {
            panic!("{outcomes:?}")
        };
        let inv = self
            .env
            .store
            .find_invitation(invitation_id)
            .await
            .unwrap()
            .unwrap();
        let token = self.env.link_key.sign(&inv.id, inv.token_version).unwrap();
        (inv, token)
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let req = api_request(method, path, body.as_ref(), &As::Anonymous);
        self.answer(req).await
    }

    /// A call whose body is `raw` as it is, JSON or not.
    async fn call_raw(&self, method: &str, path: &str, raw: &str) -> (u16, Value) {
        let mut event = api_event(method, path, None, &As::Anonymous);
        event["body"] = Value::String(raw.to_owned());
        self.answer(lambda_http::request::from_str(&event.to_string()).unwrap())
            .await
    }

    /// The handler's answer; a problem's detail is a sentence a student can act on (issue 26).
    async fn answer(&self, req: lambda_http::Request) -> (u16, Value) {
        let response = handle(&self.app, req).await.unwrap();
        let (status, body, content_type) = read_response(response).await;
        if status >= 400 {
            assert_eq!(content_type, "application/problem+json", "{body}");
            assert!(body["code"].is_string(), "{body}");
            assert_sentence(body["detail"].as_str().expect("a detail"));
        }
        (status, body)
    }

    async fn show(&self, token: &str) -> (u16, Value) {
        self.call("GET", &format!("/invitation?token={token}"), None)
            .await
    }

    async fn enrol(&self, token: &str, name: Option<&str>) -> (u16, Value) {
        self.call(
            "POST",
            "/enrol",
            Some(json!({"token": token, "name": name})),
        )
        .await
    }
}

#[tokio::test]
async fn the_link_shows_what_it_is_for_without_changing_anything() {
    let w = World::new().await;
    let (inv, token) = w.invite("nina").await;
    let (status, page) = w.show(&token).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["email"], w.env.email("nina"));
    assert_eq!(page["registered"], false);
    assert_eq!(page["status"], "pending");
    assert_eq!(page["contract"]["name"], "Safety Academy");
    assert_eq!(page["activities"], json!(["First aid"]));
    assert_eq!(page["invited_by"], "Alice Admin");
    assert_eq!(page["expires_at"], json!(t0() + Duration::days(14)));
    let after = w.env.store.find_invitation(&inv.id).await.unwrap().unwrap();
    assert_eq!(after, inv, "GET changes nothing");
}

#[tokio::test]
async fn an_external_person_enrols_with_a_name_and_is_registered_once() {
    let w = World::new().await;
    let (inv, token) = w.invite("omar").await;
    let (status, body) = w.enrol(&token, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("name_required"))
    );
    let (status, body) = w.enrol(&token, Some("   ")).await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (400, Some("Please give your name."))
    );

    let (status, body) = w.enrol(&token, Some("Omar Khayyam")).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("enrolled")),
        "{body}"
    );
    let user = w
        .env
        .store
        .find_user_by_email(inv.email.identity())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.name, "Omar Khayyam");
    // The directory record is keyed by the sign-in account the enrolment made for the address.
    let account = w.env.accounts.get_account(&user.id).await.unwrap().unwrap();
    assert_eq!(account.email, inv.email);
    assert_eq!(accounts_with_email(&w.env, inv.email.identity()).await, 1);

    // Idempotent: the same link again answers the same and registers nobody new.
    let (status, again) = w.enrol(&token, Some("Someone Else")).await;
    assert_eq!(
        (
            status,
            again["status"].as_str(),
            again["registered"].as_bool()
        ),
        (200, Some("enrolled"), Some(true))
    );
    assert_eq!(
        w.env
            .store
            .find_user_by_email(inv.email.identity())
            .await
            .unwrap()
            .unwrap()
            .id,
        user.id
    );
    let (_, page) = w.show(&token).await;
    assert_eq!(page["status"], "enrolled");
    let contract = w
        .env
        .store
        .get_contract(&w.contract.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        contract.counts,
        StatusCounts {
            pending: 0,
            enrolled: 1,
            revoked: 0
        }
    );
}

#[tokio::test]
async fn a_registered_person_enrols_without_giving_a_name() {
    let w = World::new().await;
    let user = testkit::user("u-pia", &w.env.email("pia"), "Pia");
    w.env.store.put_user(&user).await.unwrap();
    let (inv, token) = w.invite("PIA").await;
    let (_, page) = w.show(&token).await;
    assert_eq!(page["registered"], true);
    let (status, body) = w.enrol(&token, None).await;
    assert_eq!(status, 200, "{body}");
    let stored = w.env.store.find_invitation(&inv.id).await.unwrap().unwrap();
    assert_eq!(stored.user_id, Some(user.id));
}

#[tokio::test]
async fn each_kind_of_dead_link_gets_its_own_answer() {
    let w = World::new().await;
    let (revoked, revoked_token) = w.invite("rev").await;
    w.env
        .store
        .revoke(
            &w.contract.id,
            &revoked.id,
            &UserId::parse("admin-a").unwrap(),
            t0(),
        )
        .await
        .unwrap();
    let (resent, old_token) = w.invite("res").await;
    w.env
        .store
        .resend(
            &w.contract,
            &resent.id,
            &UserId::parse("admin-a").unwrap(),
            t0() + Duration::minutes(5),
        )
        .await
        .unwrap();
    let (_, expiring) = w.invite("exp").await;
    let forged = LinkKey::from_bytes(vec![1; 32])
        .unwrap()
        .sign(&InvitationId::random(), 1)
        .unwrap();
    let unknown = w.env.link_key.sign(&InvitationId::random(), 1).unwrap();

    let cases = [
        (revoked_token.as_str(), 410, "revoked"),
        (old_token.as_str(), 410, "superseded"),
        (forged.as_str(), 404, "unknown_link"),
        (unknown.as_str(), 404, "unknown_link"),
        ("abc", 400, "malformed_link"),
        ("", 400, "malformed_link"),
        (&old_token[..30], 400, "malformed_link"),
    ];
    for (token, status, code) in cases {
        let (got, body) = w.show(token).await;
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "show {token:?}: {body}"
        );
        let (got, body) = w.enrol(token, Some("Someone")).await;
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "enrol {token:?}: {body}"
        );
    }
    *w.time.lock().unwrap() = t0() + Duration::days(15);
    let (status, body) = w.enrol(&expiring, Some("Late")).await;
    assert_eq!((status, body["code"].as_str()), (410, Some("expired")));
    assert_eq!(
        body["detail"],
        "This invitation has expired. Ask the administrator to send it again."
    );
}

/// Issue 33: the function reads the link key on first use. Before it can be read, a damaged
/// link is still answered (no key needed) and a link that needs the key gets a 500 (the error
/// the start gave before, in the log); the next request reads it again. A link mailed before
/// a rotation opens its page with the previous version, read for it.
#[tokio::test]
async fn the_link_key_is_read_on_first_use_and_links_from_before_a_rotation_work() {
    let mut w = World::new().await;
    w.app.link_key = w.env.link_keys();
    let (inv, _) = w.invite("rita").await;

    let (status, body) = w.show("not-a-token").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("malformed_link"))
    );
    assert_eq!(w.app.link_key.read(), (false, false), "no key read for it");

    let old = LinkKey::from_bytes(vec![1; 48]).unwrap();
    let old_link = old.sign(&inv.id, inv.token_version).unwrap();
    let (status, body) = w.show(&old_link).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (500, Some("internal_error"))
    );

    // Made, then rotated: the next request reads the key.
    w.env.put_link_key(&[1; 48]).await;
    let new = w.env.put_link_key(&[2; 48]).await;
    let (status, page) = w.show(&old_link).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(w.app.link_key.read(), (true, true));
    let new_link = new.sign(&inv.id, inv.token_version).unwrap();
    let (status, body) = w.enrol(&new_link, Some("Rita Ray")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("enrolled")));
    let forged = LinkKey::from_bytes(vec![3; 48])
        .unwrap()
        .sign(&inv.id, inv.token_version)
        .unwrap();
    let (status, body) = w.show(&forged).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("unknown_link")));
}

#[tokio::test]
async fn malformed_requests_are_refused_cleanly() {
    let w = World::new().await;
    for (method, path, body, status) in [
        ("POST", "/enrol", None, 400),
        ("POST", "/enrol", Some(json!({"name": "x"})), 400),
        ("POST", "/enrol", Some(json!({"token": 5})), 400),
        (
            "POST",
            "/enrol",
            Some(json!({"token": "x", "extra": 1})),
            400,
        ),
        ("GET", "/invitation", None, 400),
        ("PUT", "/enrol", None, 405),
        ("GET", "/contracts", None, 404),
    ] {
        let (got, problem) = w.call(method, path, body).await;
        assert_eq!(got, status, "{method} {path}: {problem}");
    }
}

/// How many accounts of the pool have this address.
async fn accounts_with_email(env: &TestEnv, email: &str) -> usize {
    env.cognito
        .list_users()
        .user_pool_id(&env.pool.id)
        .filter(format!("email = \"{email}\""))
        .send()
        .await
        .unwrap()
        .users()
        .len()
}

#[tokio::test]
async fn two_enrolments_for_one_address_in_two_contracts_make_one_account_and_one_record() {
    let w = World::new().await;
    let mut other = w.contract.clone();
    other.id = ContractId::parse("W").unwrap();
    other.name = "Warehouse Academy".into();
    w.env.store.put_contract(&other).await.unwrap();
    for n in 0..5 {
        let local = format!("racer{n}");
        let (first, a) = w.invite(&local).await;
        let (second, b) = w.invite_to(&other, &local).await;
        let ((sa, ba), (sb, bb)) = tokio::join!(
            w.enrol(&a, Some("Racer One")),
            w.enrol(&b, Some("Racer Two"))
        );
        assert_eq!((sa, sb), (200, 200), "{ba} {bb}");
        assert_eq!(accounts_with_email(&w.env, first.email.identity()).await, 1);
        let user = w
            .env
            .store
            .find_user_by_email(first.email.identity())
            .await
            .unwrap()
            .unwrap();
        let account = w.env.accounts.get_account(&user.id).await.unwrap();
        assert_eq!(account.map(|a| a.email), Some(first.email.clone()));
        for inv in [&first, &second] {
            let stored = w.env.store.find_invitation(&inv.id).await.unwrap().unwrap();
            assert_eq!(stored.status, InvitationStatus::Enrolled);
            assert_eq!(stored.user_id.as_ref(), Some(&user.id), "{local}");
        }
    }
}

#[tokio::test]
async fn an_address_that_already_has_an_account_enrols_as_that_person() {
    let w = World::new().await;
    // Made in the pool, not yet in the directory (the sync has not run since).
    let rita = w.env.email("rita");
    let sub = w.env.account_in_pool(&rita, Some("Rita Levi"), true).await;
    let (inv, token) = w.invite("rita").await;
    let (status, body) = w.enrol(&token, Some("Someone Else")).await;
    assert_eq!(status, 200, "{body}");
    let stored = w.env.store.find_invitation(&inv.id).await.unwrap().unwrap();
    assert_eq!(stored.user_id, Some(sub.clone()));
    let user = w.env.store.get_user(&sub).await.unwrap().unwrap();
    assert_eq!(
        user.name, "Rita Levi",
        "the account's name, not the one typed"
    );
    assert_eq!(accounts_with_email(&w.env, &rita).await, 1);

    // An account whose address differs in case, known to the directory from the sync: the
    // invitation (lower-cased) is matched to it; no name is asked for, no account is made.
    let mixed = w.env.email("Sven.Mixed");
    let sven = w
        .env
        .account_in_pool(&mixed, Some("Sven Mixed"), true)
        .await;
    directory_sync::run(&directory_sync::App {
        accounts: Arc::new(w.env.accounts.clone()),
        store: Arc::new(w.env.store_as("directory-sync")),
    })
    .await
    .unwrap();
    let (inv, token) = w.invite("sven.mixed").await;
    assert_ne!(inv.email.as_entered(), mixed);
    let (_, page) = w.show(&token).await;
    assert_eq!(page["registered"], true);
    let (status, body) = w.enrol(&token, None).await;
    assert_eq!(status, 200, "{body}");
    let stored = w.env.store.find_invitation(&inv.id).await.unwrap().unwrap();
    assert_eq!(stored.user_id, Some(sven));
    let listed = w
        .env
        .cognito
        .list_users()
        .user_pool_id(&w.env.pool.id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.users().len(), 2, "Rita and Sven, nobody else");
}

/// Issue 26: an account that claims the invited address without having proved it never gets
/// the invited person's place. Whether the directory has seen the claim or not, the
/// enrolment is refused in words (and the link stays valid); once the address is proved,
/// the enrolment lands on the account that proved it.
#[tokio::test]
async fn an_account_that_never_proved_the_address_gets_nobody_s_enrolment() {
    let w = World::new().await;
    let sync = || async {
        directory_sync::run(&directory_sync::App {
            accounts: Arc::new(w.env.accounts.clone()),
            store: Arc::new(w.env.store_as("directory-sync")),
        })
        .await
        .unwrap()
    };
    // A student with a proved address of their own changes it to the new hire's.
    let sly = w
        .env
        .account_in_pool(&w.env.email("sly"), Some("Sly Student"), true)
        .await;
    sync().await;
    let new_hire = w.env.email("new.hire");
    w.env.claim_address(&sly, &new_hire).await;
    let (inv, token) = w.invite("new.hire").await;
    assert_eq!(inv.user_id, None, "the invitation is bound to nobody");
    for synced in [false, true] {
        if synced {
            sync().await;
        }
        let (_, page) = w.show(&token).await;
        assert_eq!(page["registered"], false, "synced: {synced}");
        let (status, problem) = w.enrol(&token, Some("New Hire")).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (409, Some("address_unverified")),
            "synced: {synced}"
        );
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("link stays valid"),
            "{problem}"
        );
        let stored = w.env.store.find_invitation(&inv.id).await.unwrap().unwrap();
        assert_eq!(stored.status, InvitationStatus::Pending);
        assert_eq!(stored.user_id, None);
    }
    assert!(w
        .env
        .store
        .get_user(&sly)
        .await
        .unwrap()
        .is_some_and(|u| !u.email_verified));

    // The account's holder proves the address (enters the code Cognito mailed to it): the
    // address is theirs, and so is the enrolment through it.
    use aws_sdk_cognitoidentityprovider::types::AttributeType;
    w.env
        .cognito
        .admin_update_user_attributes()
        .user_pool_id(&w.env.pool.id)
        .username(sly.as_str())
        .user_attributes(
            AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    sync().await;
    let (status, body) = w.enrol(&token, None).await;
    assert_eq!(status, 200, "{body}");
    let stored = w.env.store.find_invitation(&inv.id).await.unwrap().unwrap();
    assert_eq!(stored.user_id, Some(sly));
}

/// Issue 26: every problem the student's pages can get is a sentence that says what to do, in
/// plain words (`World::call` holds every error answer of this file to `assert_sentence`).
#[tokio::test]
async fn every_problem_detail_is_a_sentence() {
    let w = World::new().await;
    let (_, token) = w.invite("sentence").await;
    let (revoked, revoked_token) = w.invite("sentence.revoked").await;
    w.env
        .store
        .revoke(
            &w.contract.id,
            &revoked.id,
            &UserId::parse("admin-a").unwrap(),
            t0(),
        )
        .await
        .unwrap();
    let (resent, old_token) = w.invite("sentence.resent").await;
    w.env
        .store
        .resend(
            &w.contract,
            &resent.id,
            &UserId::parse("admin-a").unwrap(),
            t0() + Duration::minutes(5),
        )
        .await
        .unwrap();
    let unknown = w.env.link_key.sign(&InvitationId::random(), 1).unwrap();
    let mut answers = vec![
        (
            w.call_raw("POST", "/enrol", "").await,
            (400, "invalid_body"),
            "The request needs a JSON body.",
        ),
        (
            w.call_raw("POST", "/enrol", r#"{"token": "#).await,
            (400, "invalid_body"),
            "The body is not valid JSON: it ends before it is complete.",
        ),
        (
            w.call_raw("POST", "/enrol", "token=abc").await,
            (400, "invalid_body"),
            "The body is not valid JSON: check its quotes, commas and brackets.",
        ),
        (
            w.call("POST", "/enrol", Some(json!({"name": "x"}))).await,
            (400, "invalid_body"),
            "The field `token` is missing.",
        ),
        (
            w.call("POST", "/enrol", Some(json!({"token": 5}))).await,
            (400, "invalid_body"),
            "The field `token` must be text, not the number 5.",
        ),
        (
            w.call("POST", "/enrol", Some(json!({"token": &token, "name": ["A"]}))).await,
            (400, "invalid_body"),
            "The field `name` must be text, not a list.",
        ),
        (
            w.call("POST", "/enrol", Some(json!({"token": &token, "extra": 1}))).await,
            (400, "invalid_body"),
            "The field `extra` is not one this request takes: use `token` or `name`.",
        ),
        (
            w.enrol(&token, Some(" ")).await,
            (400, "name_required"),
            "Please give your name.",
        ),
        (
            w.enrol(&token, Some(&"n".repeat(201))).await,
            (400, "name_required"),
            "A name can be at most 200 characters.",
        ),
        (
            w.show("").await,
            (400, "malformed_link"),
            "This link is incomplete or damaged. Open it straight from the email, or copy all of it.",
        ),
        (
            w.show(&token[..30]).await,
            (400, "malformed_link"),
            "This link is incomplete or damaged. Open it straight from the email, or copy all of it.",
        ),
        (
            w.show(&unknown).await,
            (404, "unknown_link"),
            "This invitation link is not one we sent. Please check that you opened the link from your email.",
        ),
        (
            w.show(&revoked_token).await,
            (410, "revoked"),
            "This invitation was withdrawn by the contract's administrator. Ask them to invite you again if you still need it.",
        ),
        (
            w.enrol(&old_token, Some("Someone")).await,
            (410, "superseded"),
            "A newer invitation link was sent to this address. Please use the link in the latest email.",
        ),
        (
            w.call("PUT", "/enrol", None).await,
            (405, "method_not_allowed"),
            "This address does not accept that method.",
        ),
        (
            w.call("GET", "/contracts", None).await,
            (404, "not_found"),
            "There is nothing at this address.",
        ),
    ];
    let forged = LinkKey::from_bytes(vec![1; 32])
        .unwrap()
        .sign(&InvitationId::random(), 1)
        .unwrap();
    answers.push((
        w.enrol(&forged, Some("Someone")).await,
        (404, "unknown_link"),
        "This invitation link is not one we sent. Please check that you opened the link from your email.",
    ));
    for ((status, problem), (want_status, code), detail) in answers {
        assert_eq!(
            (status, problem["code"].as_str(), problem["detail"].as_str()),
            (want_status, Some(code), Some(detail)),
            "{problem}"
        );
        assert_sentence(detail);
    }
}
