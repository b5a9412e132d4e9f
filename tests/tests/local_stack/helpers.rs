//! What the local stack tests share: an HTTP client, stacks with the demo contracts, the pool's
//! people, mailed tokens.

use crate::common::{enrol_link, mail_for, start_stack_with};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use invitations_core::ports::ContractStore;
use local_stack::Stack;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
}
impl Client {
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
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

    pub async fn signed_in(base: &str, user_id: &str) -> Self {
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
pub fn token_of(link: &str) -> String {
    link.split("#token=").nth(1).expect("a token").to_owned()
}

/// A stack with only the seeded sign-in people in its pool, and the demo contracts (Ada's and
/// Grace's) put in the table.
pub async fn stack_with_contracts(prefix: &str) -> (Stack, String) {
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

pub fn anonymous(stack: &Stack) -> Client {
    Client {
        http: reqwest::Client::new(),
        base: stack.url.clone(),
        token: None,
    }
}

pub fn with_token(stack: &Stack, token: &str) -> Client {
    Client {
        token: Some(token.to_owned()),
        ..anonymous(stack)
    }
}

pub fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// The claims of a JWT, unverified (the gateway is what verifies).
pub fn payload(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&B64.decode(part).expect("base64url")).expect("JSON claims")
}

/// Creates a person in the pool as an administrator would in the console; answers the sub.
pub async fn create_in_pool(stack: &Stack, email: &str, name: &str) -> String {
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
pub async fn listed_contracts(client: &Client) -> Vec<String> {
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
pub async fn this_stacks_mail(stack: &Stack, address: &str, want: usize) -> Vec<testkit::SentMail> {
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
pub async fn mailed_token(stack: &Stack, address: &str, want: usize, nth: usize) -> String {
    let mail = mail_for(&stack.emulators.ses, address, want).await;
    token_of(&enrol_link(&mail[nth], &stack.url))
}

/// A JWT signed with the emulator's key (every moto pool signs with it), as moto signs.
pub fn signed_by_the_emulator(claims: &Value) -> String {
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

/// Announces an upload of `csv` to `contract` with `body` (the announce fields besides the
/// file's size), puts it through the presigned URL as the site does, and waits for the import
/// to end; answers the import as the API shows it.
pub async fn upload_and_wait(client: &Client, contract: &str, csv: String, body: Value) -> Value {
    upload_and_wait_for(client, contract, csv, body, Duration::from_secs(60)).await
}

/// [`upload_and_wait`], waiting up to `patience` for the import to end.
pub async fn upload_and_wait_for(
    client: &Client,
    contract: &str,
    csv: String,
    mut body: Value,
    patience: Duration,
) -> Value {
    body["file_size"] = serde_json::json!(csv.len());
    let (status, announced) = client
        .call(
            "POST",
            &format!("/api/contracts/{contract}/imports"),
            Some(body),
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
    let path = format!(
        "/api/contracts/{contract}/imports/{}",
        announced["import"]["id"].as_str().expect("import id")
    );
    let deadline = Instant::now() + patience;
    loop {
        let (status, import) = client.call("GET", &path, None).await;
        assert_eq!(status, 200, "{import}");
        if import["status"]["state"] == "done" || import["status"]["state"] == "failed" {
            return import;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {import}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
