//! The local stack end to end, over HTTP only: each test starts one on free ports (with its own
//! table, bucket, queues and user pool on the shared emulators).
//!
//! - The seed's flows through the gateway as the site would walk them: sign in, invite, upload
//!   a CSV through the presigned URL, wait for the import, read the mail from the SES emulator,
//!   enrol through the mailed link, then revoke (refused once enrolled, allowed while pending);
//!   the local schedule's reminders (the seed's due ones, mailed once, in their histories).
//! - Identity as in AWS: someone created in the user pool reaches the directory through the
//!   sync and, made a contract admin, manages that contract and no other; an external person
//!   enrols and signs in with the account the enrolment made; two enrolments racing for one
//!   address make one account; the gateway refuses tampered, foreign, expired and access tokens;
//!   a system administrator adds a person (the people function), who signs in at once, and
//!   grants and withdraws their system administration (in force from their next token).

mod common;

use common::{enrol_link, mail_for, start_stack};
use local_stack::seed::contracts::{DATA_SKILLS, LEADERSHIP};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Client {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(
            method.parse().expect("method"),
            format!("{}{path}", self.base),
        );
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the gateway answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn signed_in(base: &str, user_id: &str) -> Self {
        let anonymous = Self {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            token: None,
        };
        let (status, body) = anonymous
            .call(
                "POST",
                "/local/sign-in",
                Some(json!({ "user_id": user_id })),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        Self {
            token: Some(body["token"].as_str().expect("a token").to_owned()),
            ..anonymous
        }
    }
}

/// The token of an enrol link.
fn token_of(link: &str) -> String {
    link.split("#token=").nth(1).expect("a token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_seeded_flows_work_through_the_gateway() {
    let (stack, tag) = start_stack("e2e").await;
    let ada_id = stack.person("contract-admin", 0).user_id.clone();
    let grace_id = stack.person("contract-admin", 1).user_id.clone();
    let sam_id = stack.person("system-admin", 0).user_id.clone();
    let ada = Client::signed_in(&stack.url, &ada_id).await;
    let grace = Client::signed_in(&stack.url, &grace_id).await;
    let anonymous = Client {
        http: reqwest::Client::new(),
        base: stack.url.clone(),
        token: None,
    };

    // The gateway behaves like API Gateway in front of the functions.
    let (status, config) = anonymous.call("GET", "/config.json", None).await;
    assert_eq!((status, config["api_base"].clone()), (200, json!("/api")));
    let (status, body) = anonymous.call("GET", "/api/contracts", None).await;
    assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
    let forged = Client {
        token: Some(format!("{}x", ada.token.clone().unwrap())),
        ..Client::signed_in(&stack.url, &ada_id).await
    };
    assert_eq!(forged.call("GET", "/api/contracts", None).await.0, 401);
    let (status, body) = ada.call("DELETE", "/api/contracts", None).await;
    assert_eq!((status, body), (404, json!({"message": "Not Found"})));
    // The sign-in page lists the whole pool, the seeded sign-in people first.
    let (status, people) = anonymous.call("GET", "/local/users", None).await;
    assert_eq!(status, 200);
    let people = people.as_array().unwrap();
    assert_eq!(people.len(), 3 + local_stack::seed::DIRECTORY_SIZE);
    let first: Vec<(&str, &str)> = people[..5]
        .iter()
        .map(|p| (p["user_id"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        first,
        stack
            .people
            .iter()
            .map(|p| (p.user_id.as_str(), p.role.as_str()))
            .collect::<Vec<_>>()
    );
    assert_eq!(first[0], (sam_id.as_str(), "system-admin"));
    assert_eq!(first[1], (ada_id.as_str(), "contract-admin"));

    // The seed: Ada sees her contracts (with invitations in every status), not Grace's.
    let (status, contracts) = ada.call("GET", "/api/contracts", None).await;
    assert_eq!(status, 200, "{contracts}");
    let ids: Vec<&str> = contracts["contracts"]
        .as_array()
        .expect("contracts")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(
        ids.contains(&DATA_SKILLS) && ids.contains(&LEADERSHIP),
        "{ids:?}"
    );
    assert!(!ids.contains(&"onboarding-voucher"), "{ids:?}");
    let (status, _) = grace
        .call("GET", &format!("/api/contracts/{DATA_SKILLS}"), None)
        .await;
    assert!(
        status == 403 || status == 404,
        "Grace opened Ada's contract: {status}"
    );
    for state in ["pending", "expired", "enrolled", "revoked"] {
        let (status, page) = ada
            .call(
                "GET",
                &format!("/api/contracts/{LEADERSHIP}/invitations?status={state}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        assert!(
            !page["invitations"].as_array().unwrap().is_empty(),
            "the seed has {state} invitations"
        );
    }

    // Invite two directory users to two of the voucher's three activities.
    let invitations = format!("/api/contracts/{DATA_SKILLS}/invitations");
    let (status, added) = ada
        .call(
            "POST",
            &invitations,
            Some(json!({
                "user_ids": [stack.directory[&150], stack.directory[&151]],
                "activities": ["sql-basics", "dashboards"],
            })),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(added["summary"]["invited"], 2, "{added}");

    // Upload a CSV with bad rows through the presigned URL, and wait for the import.
    let external = format!("robin@e2e{tag}.example");
    let other = format!("kim@e2e{tag}.example");
    let csv = format!(
        "Email\n{external}\nnot-an-address\n{other}\n{}\n",
        external.to_uppercase()
    );
    let (status, announced) = ada
        .call(
            "POST",
            &format!("/api/contracts/{DATA_SKILLS}/imports"),
            Some(json!({"activities": ["python-data"], "file_name": "team.csv", "file_size": csv.len()})),
        )
        .await;
    assert_eq!(status, 201, "{announced}");
    let upload = &announced["upload"];
    let put = reqwest::Client::new()
        .put(upload["url"].as_str().expect("upload url"))
        .header(
            "content-type",
            upload["content_type"].as_str().unwrap_or("text/csv"),
        )
        .body(csv)
        .send()
        .await
        .expect("the bucket takes the upload");
    assert!(put.status().is_success(), "upload: {}", put.status());
    let import_path = format!(
        "/api/contracts/{DATA_SKILLS}/imports/{}",
        announced["import"]["id"].as_str().expect("import id")
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let import = loop {
        let (status, import) = ada.call("GET", &import_path, None).await;
        assert_eq!(status, 200, "{import}");
        if import["status"]["state"] == "done" || import["status"]["state"] == "failed" {
            break import;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {import}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(import["status"]["state"], "done", "{import}");
    assert_eq!(import["counts"]["invited"], 2, "{import}");
    assert_eq!(import["counts"]["invalid_email"], 1, "{import}");
    assert_eq!(import["counts"]["duplicate"], 1, "{import}");
    assert_eq!(import["first_bad_rows"][0]["line"], 3, "{import}");

    // The mailed link opens the student's page and enrols an external person.
    let mail = mail_for(&stack.emulators.ses, &external, 1).await;
    assert_eq!(mail.len(), 1, "one mail per invitation");
    let token = token_of(&enrol_link(&mail[0], &stack.url));
    let (status, page) = anonymous
        .call("GET", &format!("/api/invitation?token={token}"), None)
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["registered"], false, "{page}");
    let (status, enrolled) = anonymous
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Robin External"})),
        )
        .await;
    assert_eq!(
        (status, enrolled["status"].clone()),
        (200, json!("enrolled")),
        "{enrolled}"
    );

    // Once enrolled, no revoke; a pending one can still be revoked.
    let find = |email: String| {
        let ada = &ada;
        let invitations = invitations.clone();
        async move {
            let (status, page) = ada
                .call(
                    "GET",
                    &format!("{invitations}?q={}", email.replace('@', "%40")),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{page}");
            page["invitations"][0].clone()
        }
    };
    let robin = find(external.clone()).await;
    assert_eq!(
        (robin["status"].clone(), robin["can_revoke"].clone()),
        (json!("enrolled"), json!(false))
    );
    let (status, refused) = ada
        .call(
            "POST",
            &format!("{invitations}/{}/revoke", robin["id"].as_str().unwrap()),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    let kim = find(other.clone()).await;
    assert_eq!(kim["status"], "pending", "{kim}");
    let (status, revoked) = ada
        .call(
            "POST",
            &format!("{invitations}/{}/revoke", kim["id"].as_str().unwrap()),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(find(other).await["status"], "revoked");

    // A revoked link shows a clear refusal, not the enrol page.
    let kim_mail = mail_for(&stack.emulators.ses, &format!("kim@e2e{tag}.example"), 1).await;
    let kim_token = token_of(&enrol_link(&kim_mail[0], &stack.url));
    let (status, problem) = anonymous
        .call("GET", &format!("/api/invitation?token={kim_token}"), None)
        .await;
    assert_eq!(status, 410, "{problem}");

    // The system administrator makes Grace an admin of Ada's contract: she can open it at once;
    // Ada may see who her co-admins are but not choose them.
    let sam = Client::signed_in(&stack.url, &sam_id).await;
    let admins = format!("/api/contracts/{DATA_SKILLS}/admins");
    let (status, after) = sam
        .call("POST", &admins, Some(json!({ "user_id": grace_id })))
        .await;
    assert_eq!(status, 200, "{after}");
    assert!(after["admins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == grace_id.as_str() && a["name"] == "Grace Hopper"));
    let contract = format!("/api/contracts/{DATA_SKILLS}");
    assert_eq!(grace.call("GET", &contract, None).await.0, 200);
    assert_eq!(ada.call("GET", &admins, None).await.0, 200);
    let remove_grace = format!("{admins}/{grace_id}/remove");
    assert_eq!(
        ada.call("POST", &remove_grace, Some(json!({}))).await.0,
        403
    );
    assert_eq!(
        sam.call("POST", &remove_grace, Some(json!({}))).await.0,
        200
    );
    assert_eq!(grace.call("GET", &contract, None).await.0, 403);

    // The local schedule runs the reminders as the template's does: the seed's two onboarding
    // invitations mailed "four days ago" get their first reminder (the same link), once, and
    // it is in each one's history.
    for n in [101, 102] {
        let address = local_stack::seed::directory_email(n);
        let mail = this_stacks_mail(&stack, &address, 2).await;
        assert_eq!(mail.len(), 2, "{address}: the invitation and one reminder");
        assert!(
            mail[1].subject.starts_with("Reminder: "),
            "{}",
            mail[1].subject
        );
        assert_eq!(
            enrol_link(&mail[0], &stack.url),
            enrol_link(&mail[1], &stack.url),
            "the reminder carries the invitation's own link"
        );
        let (status, list) = grace
            .call(
                "GET",
                &format!("/api/contracts/{ONBOARDING}/invitations?q={address}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{list}");
        let id = list["invitations"][0]["id"]
            .as_str()
            .expect("an invitation")
            .to_owned();
        let (status, history) = grace
            .call(
                "GET",
                &format!("/api/contracts/{ONBOARDING}/invitations/{id}/history"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{history}");
        let entries = history["entries"].as_array().unwrap();
        assert_eq!(
            entries.iter().filter(|e| e["action"] == "reminded").count(),
            1,
            "{history}"
        );
        assert!(
            entries.iter().any(|e| e["action"] == "sent"
                && e["detail"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("reminder 1 to"))),
            "{history}"
        );
    }
    // A run now (the schedule has run already): nothing is due twice.
    let again = stack
        .run_reminders(chrono::Utc::now())
        .await
        .expect("a run");
    assert_eq!(again.reminded, 0, "{again:?}");
    stack.stop();
}

// ---- identity: the user pool, the directory sync and the gateway's JWT check ----

use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType, MessageActionType,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use common::start_stack_with;
use invitations_core::domain::{ContractId, InvitationStatus};
use invitations_core::ports::{DirectoryStore, InvitationStore};
use local_stack::seed::contracts::ONBOARDING;
use local_stack::Stack;

/// A stack with only the seeded sign-in people in its pool, and the demo contracts (Ada's and
/// Grace's) put in the table.
async fn stack_with_contracts(prefix: &str) -> (Stack, String) {
    let (stack, tag) = start_stack_with(prefix, false).await;
    let contracts = local_stack::seed::demo_contracts(
        chrono::Utc::now(),
        &stack.person("contract-admin", 0).user_id,
        &stack.person("contract-admin", 1).user_id,
    );
    for contract in contracts {
        stack.store.put_contract(&contract).await.unwrap();
    }
    (stack, tag)
}

fn anonymous(stack: &Stack) -> Client {
    Client {
        http: reqwest::Client::new(),
        base: stack.url.clone(),
        token: None,
    }
}

fn with_token(stack: &Stack, token: &str) -> Client {
    Client {
        token: Some(token.to_owned()),
        ..anonymous(stack)
    }
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// The claims of a JWT, unverified (the gateway is what verifies).
fn payload(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&B64.decode(part).expect("base64url")).expect("JSON claims")
}

/// Creates a person in the pool as an administrator would in the console; answers the sub.
async fn create_in_pool(stack: &Stack, email: &str, name: &str) -> String {
    let out = stack
        .cognito
        .admin_create_user()
        .user_pool_id(&stack.pool.id)
        .username(email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email", email))
        .user_attributes(attribute("email_verified", "true"))
        .user_attributes(attribute("name", name))
        .send()
        .await
        .expect("AdminCreateUser");
    out.user()
        .unwrap()
        .attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .expect("a sub")
        .to_owned()
}

/// The ids of the contracts GET /api/contracts lists for `client`.
async fn listed_contracts(client: &Client) -> Vec<String> {
    let (status, body) = client.call("GET", "/api/contracts", None).await;
    assert_eq!(status, 200, "{body}");
    body["contracts"]
        .as_array()
        .expect("contracts")
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// At least `want` mails to `address` with links to this stack's site, oldest first: the SES
/// emulator is shared, and other tests' stacks seed the same demo people.
async fn this_stacks_mail(stack: &Stack, address: &str, want: usize) -> Vec<testkit::SentMail> {
    let ours = format!("{}/enrol#token=", stack.url);
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let mine: Vec<testkit::SentMail> = mail_for(&stack.emulators.ses, address, 1)
            .await
            .into_iter()
            .filter(|m| m.body.text.as_deref().is_some_and(|t| t.contains(&ours)))
            .collect();
        if mine.len() >= want {
            return mine;
        }
        assert!(
            Instant::now() < deadline,
            "{} mails for {address} from this stack within 90 s, not {want}",
            mine.len()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The enrol token of the `nth` invitation mail to `address` (oldest first).
async fn mailed_token(stack: &Stack, address: &str, want: usize, nth: usize) -> String {
    let mail = mail_for(&stack.emulators.ses, address, want).await;
    token_of(&enrol_link(&mail[nth], &stack.url))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_person_created_in_the_pool_reaches_the_directory_and_manages_the_contract_they_are_given(
) {
    let (stack, tag) = stack_with_contracts("pool").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;

    // Created in the pool as the console would, then one pass of the sync.
    let email = format!("noor.console@pool{tag}.example");
    let sub = create_in_pool(&stack, &email, "Noor Console").await;
    let report = stack.sync_directory().await.expect("a sync pass");
    assert!(report.accounts >= 6, "{report:?}");
    let record = stack
        .store
        .find_user_by_email(&email)
        .await
        .unwrap()
        .expect("a directory record after the pass");
    assert_eq!(
        (record.id.as_str(), record.name.as_str()),
        (sub.as_str(), "Noor Console")
    );
    let (status, found) = sam
        .call(
            "GET",
            &format!("/api/users?q=noor.console%40pool{tag}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["users"],
        json!([{"id": sub, "email": email, "name": "Noor Console", "system_admin": false, "email_verified": true}])
    );

    // A system administrator makes them an admin of one contract, by their sub.
    let (status, admins) = sam
        .call(
            "POST",
            &format!("/api/contracts/{LEADERSHIP}/admins"),
            Some(json!({ "user_id": sub })),
        )
        .await;
    assert_eq!(status, 200, "{admins}");

    // The sign-in page now offers them as a contract admin; they sign in through the pool.
    let (_, people) = anonymous(&stack).call("GET", "/local/users", None).await;
    let listed = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["user_id"] == sub.as_str())
        .expect("listed on the sign-in page")
        .clone();
    assert_eq!(
        (listed["role"].clone(), listed["email"].clone()),
        (json!("contract-admin"), json!(email))
    );
    let noor = Client::signed_in(&stack.url, &sub).await;
    let claims = payload(noor.token.as_deref().unwrap());
    assert_eq!(
        (claims["sub"].clone(), claims["token_use"].clone()),
        (json!(sub), json!("id"))
    );
    assert_eq!(listed_contracts(&noor).await, vec![LEADERSHIP.to_owned()]);
    let (status, page) = noor
        .call(
            "GET",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let (status, _) = noor
        .call(
            "GET",
            &format!("/api/contracts/{ONBOARDING}/invitations"),
            None,
        )
        .await;
    assert_eq!(status, 403, "another admin's contract");
    stack.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_external_person_enrols_then_signs_in_with_the_account_the_enrolment_made() {
    let (stack, tag) = stack_with_contracts("extern").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let email = format!("robin.outside@extern{tag}.example");
    let listed = stack
        .cognito
        .list_users()
        .user_pool_id(&stack.pool.id)
        .filter(format!("email = \"{email}\""))
        .send()
        .await
        .unwrap();
    assert!(listed.users().is_empty(), "unknown to the pool at first");

    let (status, added) = sam
        .call(
            "POST",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            Some(json!({ "emails": [email] })),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    let token = mailed_token(&stack, &email, 1, 0).await;
    let (status, enrolled) = anonymous(&stack)
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Robin Outside"})),
        )
        .await;
    assert_eq!(status, 200, "{enrolled}");

    // Cognito would mail a temporary password; the emulator mails nothing, so the test sets
    // one as that mail would have brought it (not permanent: the first sign-in must change it).
    let temporary = "Temp-Passw0rd!";
    stack
        .cognito
        .admin_set_user_password()
        .user_pool_id(&stack.pool.id)
        .username(&email)
        .password(temporary)
        .permanent(false)
        .send()
        .await
        .expect("AdminSetUserPassword");
    let first = stack
        .cognito
        .initiate_auth()
        .client_id(&stack.pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &email)
        .auth_parameters("PASSWORD", temporary)
        .send()
        .await
        .expect("InitiateAuth");
    assert_eq!(
        first.challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    let username = first
        .challenge_parameters()
        .and_then(|p| p.get("USERNAME"))
        .expect("the challenge names the user")
        .clone();
    let answered = stack
        .cognito
        .respond_to_auth_challenge()
        .client_id(&stack.pool.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .set_session(first.session().map(str::to_owned))
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", "Robin's-own-Passw0rd")
        .send()
        .await
        .expect("RespondToAuthChallenge");
    let id_token = answered
        .authentication_result()
        .and_then(|r| r.id_token())
        .expect("an id token")
        .to_owned();

    // The token's subject is the directory record the enrolment wrote.
    let record = stack
        .store
        .find_user_by_email(&email)
        .await
        .unwrap()
        .expect("the enrolment wrote a directory record");
    let claims = payload(&id_token);
    assert_eq!(claims["sub"], record.id.as_str(), "{claims}");
    assert_eq!(claims["email"], email.as_str(), "{claims}");
    assert_eq!(record.name, "Robin Outside");
    let (status, page) = sam
        .call(
            "GET",
            &format!("/api/contracts/{LEADERSHIP}/invitations?q=robin.outside"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["invitations"][0]["status"], "enrolled", "{page}");

    // The gateway accepts the token: a student administers nothing.
    let robin = with_token(&stack, &id_token);
    assert!(listed_contracts(&robin).await.is_empty());
    let (status, _) = robin
        .call(
            "GET",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            None,
        )
        .await;
    assert_eq!(status, 403);
    stack.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_enrolments_racing_for_one_address_make_one_account_and_one_record() {
    let (stack, tag) = stack_with_contracts("race").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let email = format!("kai.twice@race{tag}.example");
    for contract in [LEADERSHIP, ONBOARDING] {
        let (status, added) = sam
            .call(
                "POST",
                &format!("/api/contracts/{contract}/invitations"),
                Some(json!({ "emails": [email] })),
            )
            .await;
        assert_eq!(status, 200, "{added}");
    }
    let first = mailed_token(&stack, &email, 2, 0).await;
    let second = mailed_token(&stack, &email, 2, 1).await;
    assert_ne!(first, second);

    let visitor = anonymous(&stack);
    let enrol = |token: String| {
        let visitor = &visitor;
        async move {
            visitor
                .call(
                    "POST",
                    "/api/enrol",
                    Some(json!({"token": token, "name": "Kai Twice"})),
                )
                .await
        }
    };
    let ((status_a, a), (status_b, b)) = tokio::join!(enrol(first), enrol(second));
    assert_eq!((status_a, status_b), (200, 200), "{a} / {b}");

    let accounts = stack
        .cognito
        .list_users()
        .user_pool_id(&stack.pool.id)
        .filter(format!("email = \"{email}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.users().len(), 1, "one account for the address");
    let records: Vec<_> = stack
        .store
        .search_users(&email, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.email.identity() == email)
        .collect();
    assert_eq!(records.len(), 1, "one directory record: {records:?}");
    let account_sub = accounts.users()[0]
        .attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .unwrap()
        .to_owned();
    assert_eq!(records[0].id.as_str(), account_sub);

    // Both invitations are enrolled, by that one person.
    for contract in [LEADERSHIP, ONBOARDING] {
        let invitations = stack
            .store
            .find_invitations_by_email(&ContractId::parse(contract).unwrap(), &[email.as_str()])
            .await
            .unwrap();
        assert_eq!(invitations.len(), 1, "{contract}: {invitations:?}");
        assert_eq!(
            invitations[0].status,
            InvitationStatus::Enrolled,
            "{contract}"
        );
        assert_eq!(
            invitations[0].user_id.as_ref().map(|u| u.as_str()),
            Some(account_sub.as_str()),
            "{contract}"
        );
    }
    stack.stop();
}

/// A JWT signed with the emulator's key (every moto pool signs with it), as moto signs.
fn signed_by_the_emulator(claims: &Value) -> String {
    let python = testkit::repo_root().join(".venv/bin/python");
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(
            "import json, sys\n\
             from joserfc import jwk, jwt\n\
             from moto.utilities.utils import load_resource\n\
             key = jwk.RSAKey.import_key(load_resource('cognitoidp/resources/jwks-private.json'))\n\
             print(jwt.encode({'kid': 'dummy', 'alg': 'RS256'}, json.loads(sys.argv[1]), key))",
        )
        .arg(claims.to_string())
        .output()
        .expect("the venv's python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_gateway_refuses_tampered_foreign_expired_and_access_tokens() {
    let (stack, tag) = stack_with_contracts("jwt").await;
    let ada_id = stack.person("contract-admin", 0).user_id.clone();
    let ada = Client::signed_in(&stack.url, &ada_id).await;
    let token = ada.token.clone().unwrap();
    let unauthorized = (401, json!({"message": "Unauthorized"}));
    let mut ada_contracts = listed_contracts(&ada).await;
    ada_contracts.sort();
    assert_eq!(ada_contracts.len(), 3, "{ada_contracts:?}");
    let contracts =
        |client: Client| async move { client.call("GET", "/api/contracts", None).await };

    // Tampered: Ada makes herself a system administrator; the signature no longer matches.
    let mut claims = payload(&token);
    claims["cognito:groups"] = json!(["system-admins"]);
    let parts: Vec<&str> = token.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(claims.to_string()),
        parts[2]
    );
    assert_eq!(contracts(with_token(&stack, &tampered)).await, unauthorized);
    let none = format!(
        "{}.{}.",
        B64.encode(br#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(claims.to_string())
    );
    assert_eq!(contracts(with_token(&stack, &none)).await, unauthorized);

    // Another pool's genuine token (the emulator signs it with the very same key).
    let other = testkit::create_user_pool(&stack.cognito, &format!("other-{tag}"))
        .await
        .unwrap();
    let email = format!("ada@other{tag}.example");
    stack
        .cognito
        .admin_create_user()
        .user_pool_id(&other.id)
        .username(&email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email", &email))
        .send()
        .await
        .unwrap();
    stack
        .cognito
        .admin_set_user_password()
        .user_pool_id(&other.id)
        .username(&email)
        .password("Other-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let signed_in = |pool: testkit::UserPool, email: String, password: &'static str| {
        let cognito = stack.cognito.clone();
        async move {
            let out = cognito
                .initiate_auth()
                .client_id(&pool.client_id)
                .auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", email)
                .auth_parameters("PASSWORD", password)
                .send()
                .await
                .expect("InitiateAuth");
            out.authentication_result().unwrap().clone()
        }
    };
    let foreign = signed_in(other.clone(), email, "Other-Passw0rd!")
        .await
        .id_token()
        .unwrap()
        .to_owned();
    assert_eq!(contracts(with_token(&stack, &foreign)).await, unauthorized);

    // Expired: Ada's own claims signed with the emulator's key, an hour old. The same claims
    // with the original times pass, so it is the expiry that is refused.
    let genuine = payload(&token);
    let resigned = signed_by_the_emulator(&genuine);
    assert_eq!(contracts(with_token(&stack, &resigned)).await.0, 200);
    let mut old = genuine.clone();
    let now = chrono::Utc::now().timestamp();
    old["iat"] = json!(now - 3700);
    old["auth_time"] = json!(now - 3700);
    old["exp"] = json!(now - 100);
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&old))).await,
        unauthorized
    );
    // Not yet valid, and issued in the future.
    let mut early = genuine.clone();
    early["nbf"] = json!(now + 600);
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&early))).await,
        unauthorized
    );
    let mut future = genuine.clone();
    future["iat"] = json!(now + 600);
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&future))).await,
        unauthorized
    );
    // Another audience (app client) of this very pool.
    let mut elsewhere = genuine.clone();
    elsewhere["aud"] = json!("another-client");
    assert_eq!(
        contracts(with_token(&stack, &signed_by_the_emulator(&elsewhere))).await,
        unauthorized
    );

    // Ada's access token (token_use access, no aud) is not an id token.
    let ada_email = stack.person("contract-admin", 0).email.clone();
    stack
        .cognito
        .admin_set_user_password()
        .user_pool_id(&stack.pool.id)
        .username(&ada_id)
        .password("Ada-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let access = signed_in(stack.pool.clone(), ada_email, "Ada-Passw0rd!")
        .await
        .access_token()
        .unwrap()
        .to_owned();
    assert_eq!(contracts(with_token(&stack, &access)).await, unauthorized);

    // And the genuine token still works, with or without "Bearer ".
    let (status, _) = contracts(with_token(&stack, &token)).await;
    assert_eq!(status, 200);
    let raw = reqwest::Client::new()
        .get(format!("{}/api/contracts", stack.url))
        .header("authorization", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 200);
    stack.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_system_administrator_adds_a_person_who_signs_in_and_is_given_system_administration() {
    let (stack, tag) = stack_with_contracts("people").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let email = format!("lee.added@people{tag}.example");

    // Added through the people function: an account in the pool and a directory record.
    let (status, added) = sam
        .call(
            "POST",
            "/api/users",
            Some(json!({"email": email, "name": "Lee Added"})),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    let sub = added["user"]["id"].as_str().expect("an id").to_owned();
    let (status, again) = sam
        .call(
            "POST",
            "/api/users",
            Some(json!({"email": email, "name": "Lee Added"})),
        )
        .await;
    assert_eq!(
        (
            status,
            again["created"].clone(),
            again["user"]["id"].clone()
        ),
        (200, json!(false), json!(sub))
    );

    // They can sign in at once, as a student, and administer nothing.
    let (_, people) = anonymous(&stack).call("GET", "/local/users", None).await;
    assert!(people
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["user_id"] == sub.as_str() && p["role"] == "student"));
    let before = Client::signed_in(&stack.url, &sub).await;
    assert!(listed_contracts(&before).await.is_empty());
    assert_eq!(before.call("GET", "/api/users?q=lee", None).await.0, 403);

    // Made a system administrator: the group travels in the next token, not the one they hold.
    let (status, granted) = sam
        .call("POST", &format!("/api/users/{sub}/system-admin"), None)
        .await;
    assert_eq!(
        (status, granted["system_admin"].clone()),
        (200, json!(true)),
        "{granted}"
    );
    assert_eq!(before.call("GET", "/api/users?q=lee", None).await.0, 403);
    let after = Client::signed_in(&stack.url, &sub).await;
    assert_eq!(
        payload(after.token.as_deref().unwrap())["cognito:groups"],
        json!(["system-admins"])
    );
    assert_eq!(after.call("GET", "/api/users?q=lee", None).await.0, 200);
    assert_eq!(listed_contracts(&after).await.len(), 5);
    let (_, people) = anonymous(&stack).call("GET", "/local/users", None).await;
    assert!(people
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["user_id"] == sub.as_str() && p["role"] == "system-admin"));

    // Withdrawn again; a system administrator cannot withdraw their own.
    let (status, withdrawn) = sam
        .call(
            "POST",
            &format!("/api/users/{sub}/system-admin/remove"),
            None,
        )
        .await;
    assert_eq!(
        (status, withdrawn["system_admin"].clone()),
        (200, json!(false))
    );
    let sam_id = stack.person("system-admin", 0).user_id.clone();
    let (status, _) = sam
        .call(
            "POST",
            &format!("/api/users/{sam_id}/system-admin/remove"),
            None,
        )
        .await;
    assert_eq!(status, 409);
    let last = Client::signed_in(&stack.url, &sub).await;
    assert!(listed_contracts(&last).await.is_empty());
    stack.stop();
}

/// SES's mailbox simulator on the local stack: mail to bounce@ and complaint@ comes back as
/// SES's events, through the delivery-events function, onto the invitations the admin sees.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mail_to_the_ses_simulator_comes_back_as_delivery_reports() {
    let (stack, tag) = stack_with_contracts("reports").await;
    let admin = Client::signed_in(&stack.url, &stack.person("contract-admin", 0).user_id).await;
    let bounce = format!("bounce+{tag}@simulator.amazonses.com");
    let complaint = format!("complaint+{tag}@simulator.amazonses.com");
    let fine = format!("success+{tag}@simulator.amazonses.com");
    let (status, body) = admin
        .call(
            "POST",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            Some(json!({"emails": [&bounce, &complaint, &fine], "activities": []})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let wanted = [
        (bounce.as_str(), "bounced_permanent"),
        (complaint.as_str(), "complained"),
        (fine.as_str(), "delivered"),
    ];
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, page) = admin
            .call(
                "GET",
                &format!("/api/contracts/{LEADERSHIP}/invitations?limit=200"),
                None,
            )
            .await;
        let kinds: Vec<(String, String)> = page["invitations"]
            .as_array()
            .expect("invitations")
            .iter()
            .filter(|i| i["email"].as_str().unwrap_or("").contains(&tag))
            .map(|i| {
                (
                    i["email"].as_str().unwrap().to_lowercase(),
                    i["delivery"]["report"]["kind"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                )
            })
            .collect();
        let all_in = wanted.iter().all(|(address, kind)| {
            kinds
                .iter()
                .any(|(e, k)| e == &address.to_lowercase() && k == kind)
        });
        if all_in {
            break;
        }
        assert!(Instant::now() < deadline, "reports so far: {kinds:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The site comes with the security headers CloudFront adds in AWS (the template's
/// SiteHeadersPolicy), so the browser test runs the site under the same policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_site_is_served_with_the_templates_security_headers() {
    let (stack, _) = stack_with_contracts("headers").await;
    let response = reqwest::get(format!("{}/contracts", stack.url))
        .await
        .expect("the gateway answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let csp = header("content-security-policy");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains(&stack.emulators.aws),
        "uploads go to the emulator's S3: {csp}"
    );
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("referrer-policy"), "same-origin");
}
