//! Test helpers: the local AWS emulators, started on free loopback ports when they are not
//! already running, and a fresh table and bucket for every test so tests run in parallel.
//!
//! Set `MOTO_ENDPOINT` / `SES_ENDPOINT` to use emulators that are already up (the test script
//! does, so all test binaries share one of each). Otherwise the first test of a binary starts
//! them from the repo's `.venv` and `.tools` folders, with a watchdog that stops them when the
//! test process exits.

pub mod fixtures;
pub mod leading_keys;

pub use fixtures::{contract, t0, user, ContractBuilder};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Credentials, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
};
use aws_sdk_dynamodb::Client;
use invitations_core::adapters::dynamo::items;
use invitations_core::adapters::{CognitoAccounts, DynamoStore};
use invitations_core::domain::{LinkKey, UserId};
use invitations_core::ports::StoreError;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Emulators {
    /// moto server: DynamoDB, DynamoDB Streams, S3, SQS.
    pub aws: String,
    /// aws-ses-v2-local: SES v2 with a readable store of sent mail.
    pub ses: String,
}

/// The workspace this process was started from. Under cargo (`cargo test`, `cargo run`) that is
/// the workspace around the running package's CARGO_MANIFEST_DIR, read at run time: two
/// checkouts (git worktrees) sharing one CARGO_TARGET_DIR can share this crate's build, and the
/// path compiled into it would be the other checkout's. Otherwise, where this crate was built.
pub fn repo_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .and_then(|dir| workspace_around(Path::new(&dir)))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The nearest folder at or above `dir` whose Cargo.toml declares a workspace.
fn workspace_around(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml"))
                .is_ok_and(|toml| toml.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Starts `program args` under a watchdog shell that kills it once this process is gone.
fn spawn_watched(program: &str, args: &[String], log: &str) {
    let parent = std::process::id();
    let quoted: Vec<String> = std::iter::once(program.to_owned())
        .chain(args.iter().cloned())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let script = format!(
        "{} >'{log}' 2>&1 & child=$!; trap 'kill $child 2>/dev/null' EXIT; \
         while kill -0 {parent} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done",
        quoted.join(" ")
    );
    let mut watchdog = Command::new("bash")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    // Reap it when it ends, so it never lingers as a zombie.
    std::thread::spawn(move || watchdog.wait());
}

fn wait_for(url: &str, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if http("GET", url, path, None).is_ok_and(|(status, _)| status < 500) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("emulator at {url} did not come up within 30 s");
}

/// The emulators for this process, started once. moto runs under `dev/moto_serial.py`,
/// which applies one request at a time as DynamoDB's per-item atomicity requires.
pub fn emulators() -> &'static Emulators {
    static EMULATORS: OnceLock<Emulators> = OnceLock::new();
    EMULATORS.get_or_init(|| {
        let aws = std::env::var("MOTO_ENDPOINT")
            .unwrap_or_else(|_| start_moto(free_port(), &std::env::temp_dir()));
        let ses = std::env::var("SES_ENDPOINT")
            .unwrap_or_else(|_| start_ses(free_port(), &std::env::temp_dir()));
        wait_for(&aws, "/moto-api/");
        wait_for(&ses, "/health-check");
        Emulators { aws, ses }
    })
}

/// Starts both emulators on the given loopback ports, logging into `logs`, and waits until
/// they answer. They stop when this process ends.
pub fn start_emulators(aws_port: u16, ses_port: u16, logs: &std::path::Path) -> Emulators {
    let aws = start_moto(aws_port, logs);
    let ses = start_ses(ses_port, logs);
    wait_for(&aws, "/moto-api/");
    wait_for(&ses, "/health-check");
    Emulators { aws, ses }
}

fn start_moto(port: u16, logs: &std::path::Path) -> String {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup.sh",
        python.display()
    );
    let launcher = root.join("dev/moto_serial.py");
    spawn_watched(
        python.to_str().expect("utf-8 path"),
        &[
            launcher.to_str().expect("utf-8 path").to_owned(),
            "-H".into(),
            "127.0.0.1".into(),
            "-p".into(),
            port.to_string(),
        ],
        &format!("{}/moto-{port}.log", logs.display()),
    );
    format!("http://127.0.0.1:{port}")
}

fn start_ses(port: u16, logs: &std::path::Path) -> String {
    let bin = repo_root().join(".tools/node_modules/aws-ses-v2-local/dist/cli.js");
    assert!(
        bin.exists(),
        "{} is missing: run scripts/setup.sh",
        bin.display()
    );
    spawn_watched(
        "node",
        &[
            bin.to_str().expect("utf-8 path").to_owned(),
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
        ],
        &format!("{}/ses-{port}.log", logs.display()),
    );
    format!("http://127.0.0.1:{port}")
}

/// A tiny HTTP/1.1 client for the emulators' own loopback APIs (mail store, reset).
pub fn http(
    method: &str,
    base: &str,
    path: &str,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}

pub fn sdk_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            Credentials::new("test", "test", None, None, "static"),
        ))
        .build()
}

/// One mail as the SES emulator stored it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentMail {
    pub from: String,
    pub destination: SentTo,
    pub subject: String,
    pub body: SentBody,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentTo {
    pub to: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentBody {
    pub text: Option<String>,
    pub html: Option<String>,
}

/// A fresh world for one test: its own table (with stream) and bucket on the shared emulators.
pub struct TestEnv {
    pub emulators: Emulators,
    pub sdk: SdkConfig,
    pub table: String,
    pub bucket: String,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub sesv2: aws_sdk_sesv2::Client,
    pub store: DynamoStore,
    pub link_key: LinkKey,
    /// This test's own user pool, made as infra/template.yaml makes it.
    pub pool: UserPool,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    pub accounts: CognitoAccounts,
    /// Unique per test: mail addresses built with it are this test's alone.
    pub tag: String,
}

impl TestEnv {
    pub async fn new() -> Self {
        let emulators = tokio::task::spawn_blocking(emulators)
            .await
            .expect("emulators start")
            .clone();
        let sdk = sdk_config(&emulators.aws);
        let tag = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        let table = format!("invitations-{tag}");
        let bucket = format!("imports-{tag}");
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        let sesv2 = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&sdk)
                .endpoint_url(&emulators.ses)
                .build(),
        );
        create_table(&dynamodb, &table).await.expect("create table");
        s3.create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .expect("create bucket");
        let store = DynamoStore::new(dynamodb.clone(), &table);
        let link_key = LinkKey::from_bytes(tag.as_bytes().repeat(3)).expect("36-byte key");
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
        let pool = create_user_pool(&cognito, &format!("people-{tag}"))
            .await
            .expect("create user pool");
        let accounts = CognitoAccounts::new(cognito.clone(), &pool.id);
        Self {
            pool,
            cognito,
            accounts,
            emulators,
            sdk,
            table,
            bucket,
            dynamodb,
            s3,
            sesv2,
            store,
            link_key,
            tag,
        }
    }

    /// An address unique to this test.
    pub fn email(&self, local: &str) -> String {
        format!("{local}@t{}.example.com", self.tag)
    }

    /// Someone made straight in this test's user pool (the console, an import, a federation),
    /// not by the product; returns their sub. `proved`: the address is marked verified, as an
    /// administrator does when they know it is the person's (or a federation that vouches for
    /// it); else the account only claims it.
    pub async fn account_in_pool(&self, email: &str, name: Option<&str>, proved: bool) -> UserId {
        use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
        let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
        let mut request = self
            .cognito
            .admin_create_user()
            .user_pool_id(&self.pool.id)
            .username(email)
            .user_attributes(attr("email", email))
            .user_attributes(attr(
                "email_verified",
                if proved { "true" } else { "false" },
            ))
            .message_action(MessageActionType::Suppress);
        if let Some(name) = name {
            request = request.user_attributes(attr("name", name));
        }
        let out = request.send().await.expect("AdminCreateUser");
        let sub = out
            .user()
            .and_then(|u| u.attributes().iter().find(|a| a.name() == "sub"))
            .and_then(|a| a.value())
            .expect("a sub");
        UserId::parse(sub).expect("a usable sub")
    }

    /// The account's address changed without being proved: what Cognito holds after a change
    /// made where the pool does not require verification first (the template's pool does; an
    /// account changed before, or in another pool setup, keeps it). moto changes `email` but
    /// leaves `email_verified` as it was, so both are set here, as Cognito would have them.
    pub async fn claim_address(&self, account: &UserId, email: &str) {
        use aws_sdk_cognitoidentityprovider::types::AttributeType;
        let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
        self.cognito
            .admin_update_user_attributes()
            .user_pool_id(&self.pool.id)
            .username(account.as_str())
            .user_attributes(attr("email", email))
            .user_attributes(attr("email_verified", "false"))
            .send()
            .await
            .expect("AdminUpdateUserAttributes");
    }

    /// The contract as this test's table holds it.
    pub async fn stored_contract(&self, id: &str) -> invitations_core::domain::Contract {
        use invitations_core::ports::ContractStore;
        let id = invitations_core::domain::ContractId::parse(id).expect("a contract id");
        let found = self
            .store
            .get_contract(&id)
            .await
            .expect("the table answers");
        found.expect("the contract is in the table")
    }

    /// Every mail the SES emulator holds for this test's addresses.
    pub fn sent_mail(&self) -> Vec<SentMail> {
        #[derive(serde::Deserialize)]
        struct Store {
            emails: Vec<SentMail>,
        }
        let (status, body) = http("GET", &self.emulators.ses, "/store", None).expect("mail store");
        assert_eq!(status, 200, "mail store answered {status}: {body}");
        let store: Store = serde_json::from_str(&body).expect("mail store JSON");
        let needle = format!("@t{}.", self.tag);
        store
            .emails
            .into_iter()
            .filter(|m| {
                m.destination
                    .to
                    .iter()
                    .any(|to| to.to_lowercase().contains(&needle))
            })
            .collect()
    }
}

/// Who signs a test request: the claims API Gateway's JWT authorizer would pass on.
#[derive(Debug, Clone)]
pub enum As {
    Anonymous,
    User(&'static str),
    SystemAdmin(&'static str),
    /// A user whose token's address is not confirmed (`email_verified` false).
    UnconfirmedUser(&'static str),
}

/// The API Gateway HTTP API (payload 2.0) event for a request, as AWS delivers it.
pub fn api_event(
    method: &str,
    path_and_query: &str,
    body: Option<&serde_json::Value>,
    who: &As,
) -> serde_json::Value {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut params = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        params.insert(decode(k), serde_json::Value::String(decode(v)));
    }
    let mut context = serde_json::json!({
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": "api.example.com",
        "domainPrefix": "api",
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "testkit"},
        "requestId": uuid::Uuid::new_v4().to_string(),
        "routeKey": "$default",
        "stage": "$default",
        "time": "02/Mar/2026:09:00:00 +0000",
        "timeEpoch": 1_772_442_000_000_i64,
    });
    let claims = match who {
        As::Anonymous => None,
        // Claims as API Gateway's JWT authorizer passes them: every value a string.
        As::User(sub) => Some(
            serde_json::json!({"sub": sub, "email": format!("{sub}@example.com"), "email_verified": "true"}),
        ),
        As::SystemAdmin(sub) => Some(
            serde_json::json!({"sub": sub, "email": format!("{sub}@example.com"), "email_verified": "true", "cognito:groups": "[system-admins]"}),
        ),
        As::UnconfirmedUser(sub) => Some(
            serde_json::json!({"sub": sub, "email": format!("{sub}@example.com"), "email_verified": "false"}),
        ),
    };
    if let Some(claims) = claims {
        context["authorizer"] = serde_json::json!({"jwt": {"claims": claims, "scopes": null}});
    }
    let mut event = serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "api.example.com", "content-type": "application/json"},
        "requestContext": context,
        "isBase64Encoded": false,
    });
    if !params.is_empty() {
        event["queryStringParameters"] = serde_json::Value::Object(params);
    }
    if let Some(body) = body {
        event["body"] = serde_json::Value::String(body.to_string());
    }
    event
}

pub fn api_request(
    method: &str,
    path_and_query: &str,
    body: Option<&serde_json::Value>,
    who: &As,
) -> lambda_http::Request {
    lambda_http::request::from_str(&api_event(method, path_and_query, body, who).to_string())
        .expect("a valid API Gateway event")
}

/// Issue 26: a problem's `detail` is a sentence a person can act on. It starts with a capital
/// letter, ends as a sentence does, has at least three words, and holds none of serde's or
/// Rust's words ("invalid type: string, expected u64 at line 1 column 5") nor a bare fragment
/// of a rule ("missing @").
pub fn assert_sentence(detail: &str) {
    let starts_upper = detail.chars().next().is_some_and(char::is_uppercase);
    let ends = detail.ends_with(['.', '!', '?']);
    let words = detail.split_whitespace().count();
    assert!(
        starts_upper && ends && words >= 3,
        "not a sentence (a capital letter first, a full stop last, three words or more): {detail:?}"
    );
    let lower = detail.to_lowercase();
    for jargon in [
        "line 1 column",
        " at line ",
        "invalid type",
        "invalid value",
        "invalid length",
        "expected",
        "missing field",
        "unknown field",
        "unknown variant",
        "missing @",
        "struct ",
        "u64",
        "usize",
        "i64",
        "sequence",
        "error(",
        "..",
    ] {
        assert!(
            !lower.contains(jargon),
            "{jargon:?} in the detail {detail:?}"
        );
    }
}

/// A response header's value as text (empty when there is none).
pub fn header(response: &lambda_http::Response<lambda_http::Body>, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A handler's response as (status, JSON body, content type).
pub async fn read_response(
    response: lambda_http::Response<lambda_http::Body>,
) -> (u16, serde_json::Value, String) {
    let status = response.status().as_u16();
    let content_type = header(&response, "content-type");
    let body = match response.body() {
        lambda_http::Body::Text(t) => {
            serde_json::from_str(t).unwrap_or(serde_json::Value::String(t.clone()))
        }
        lambda_http::Body::Binary(b) => {
            serde_json::from_slice(b).unwrap_or(serde_json::Value::Null)
        }
        _ => serde_json::Value::Null,
    };
    (status, body, content_type)
}

// ---- the table's stream, as a Lambda stream trigger receives it ----

/// Every record of `table`'s stream so far, oldest first: each shard read from TRIM_HORIZON to
/// its end (parents are listed before their children). Returns the stream ARN and the records.
pub async fn read_stream(
    sdk: &SdkConfig,
    table: &str,
) -> Result<
    (String, Vec<aws_sdk_dynamodbstreams::types::Record>),
    Box<dyn std::error::Error + Send + Sync>,
> {
    use aws_sdk_dynamodbstreams::types::ShardIteratorType;
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let streams = aws_sdk_dynamodbstreams::Client::new(sdk);
    let described = dynamodb.describe_table().table_name(table).send().await?;
    let arn = described
        .table()
        .and_then(|t| t.latest_stream_arn())
        .ok_or_else(|| format!("table {table} has no stream"))?
        .to_owned();
    let mut shards = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let out = streams
            .describe_stream()
            .stream_arn(&arn)
            .set_exclusive_start_shard_id(start.clone())
            .send()
            .await?;
        let Some(description) = out.stream_description() else {
            break;
        };
        shards.extend(
            description
                .shards()
                .iter()
                .filter_map(|s| s.shard_id().map(str::to_owned)),
        );
        match description.last_evaluated_shard_id() {
            Some(last) if start.as_deref() != Some(last) => start = Some(last.to_owned()),
            _ => break,
        }
    }
    let mut records = Vec::new();
    for shard in shards {
        let mut iterator = streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await?
            .shard_iterator()
            .map(str::to_owned);
        // An open shard always hands back a next iterator; an empty page means "caught up".
        while let Some(current) = iterator {
            let page = streams.get_records().shard_iterator(current).send().await?;
            if page.records().is_empty() {
                break;
            }
            records.extend(page.records().iter().cloned());
            iterator = page.next_shard_iterator().map(str::to_owned);
        }
    }
    Ok((arn, records))
}

/// Stream records as the JSON event AWS Lambda delivers for a DynamoDB stream trigger
/// (`{"Records": [...]}`), ready to deserialize into `aws_lambda_events`' DynamoDB `Event`.
pub fn lambda_stream_event(
    stream_arn: &str,
    records: &[aws_sdk_dynamodbstreams::types::Record],
) -> serde_json::Value {
    serde_json::json!({
        "Records": records
            .iter()
            .map(|r| lambda_stream_record(stream_arn, r))
            .collect::<Vec<_>>()
    })
}

/// One stream record in the Lambda event shape.
pub fn lambda_stream_record(
    stream_arn: &str,
    record: &aws_sdk_dynamodbstreams::types::Record,
) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let image = |m: Option<
        &std::collections::HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>,
    >| {
        m.map(|m| {
            Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), stream_attribute_json(v)))
                    .collect(),
            )
        })
    };
    let mut change = Map::new();
    if let Some(sr) = record.dynamodb() {
        if let Some(t) = sr.approximate_creation_date_time() {
            change.insert("ApproximateCreationDateTime".into(), json!(t.secs()));
        }
        if let Some(keys) = image(sr.keys()) {
            change.insert("Keys".into(), keys);
        }
        if let Some(new) = image(sr.new_image()) {
            change.insert("NewImage".into(), new);
        }
        if let Some(old) = image(sr.old_image()) {
            change.insert("OldImage".into(), old);
        }
        if let Some(seq) = sr.sequence_number() {
            change.insert("SequenceNumber".into(), json!(seq));
        }
        change.insert("SizeBytes".into(), json!(sr.size_bytes().unwrap_or(0)));
        if let Some(view) = sr.stream_view_type() {
            change.insert("StreamViewType".into(), json!(view.as_str()));
        }
    }
    let mut out = Map::new();
    out.insert(
        "eventID".into(),
        json!(record.event_id().unwrap_or_default()),
    );
    out.insert(
        "eventName".into(),
        json!(record.event_name().map(|n| n.as_str()).unwrap_or_default()),
    );
    out.insert(
        "eventVersion".into(),
        json!(record.event_version().unwrap_or("1.1")),
    );
    out.insert(
        "eventSource".into(),
        json!(record.event_source().unwrap_or("aws:dynamodb")),
    );
    out.insert(
        "awsRegion".into(),
        json!(record.aws_region().unwrap_or_default()),
    );
    out.insert("dynamodb".into(), Value::Object(change));
    out.insert("eventSourceARN".into(), json!(stream_arn));
    if let Some(who) = record.user_identity() {
        out.insert(
            "userIdentity".into(),
            json!({ "type": who.r#type().unwrap_or_default(), "principalId": who.principal_id().unwrap_or_default() }),
        );
    }
    Value::Object(out)
}

/// An attribute value in DynamoDB's JSON form (`{"S": "..."}`, `{"N": "1"}`, binary as base64).
pub fn stream_attribute_json(
    value: &aws_sdk_dynamodbstreams::types::AttributeValue,
) -> serde_json::Value {
    use aws_sdk_dynamodbstreams::types::AttributeValue as A;
    use base64::Engine;
    use serde_json::{json, Value};
    let b64 =
        |b: &aws_smithy_types::Blob| base64::engine::general_purpose::STANDARD.encode(b.as_ref());
    match value {
        A::S(s) => json!({ "S": s }),
        A::N(n) => json!({ "N": n }),
        A::B(b) => json!({ "B": b64(b) }),
        A::Bool(b) => json!({ "BOOL": b }),
        A::Null(b) => json!({ "NULL": b }),
        A::Ss(v) => json!({ "SS": v }),
        A::Ns(v) => json!({ "NS": v }),
        A::Bs(v) => json!({ "BS": v.iter().map(b64).collect::<Vec<_>>() }),
        A::L(v) => json!({ "L": v.iter().map(stream_attribute_json).collect::<Vec<_>>() }),
        A::M(m) => json!({
            "M": m.iter().map(|(k, v)| (k.clone(), stream_attribute_json(v))).collect::<serde_json::Map<_, _>>()
        }),
        _ => Value::Null,
    }
}

impl TestEnv {
    /// This test's table stream so far, as the JSON event a Lambda stream trigger would receive.
    pub async fn stream_event(&self) -> serde_json::Value {
        let (arn, records) = read_stream(&self.sdk, &self.table)
            .await
            .expect("read the table's stream");
        lambda_stream_event(&arn, &records)
    }
}

/// moto's S3 notification leaves out fields AWS always sends (and `aws_lambda_events` requires);
/// this fills them in, so handlers see the event as AWS delivers it.
pub fn s3_event_as_aws_sends_it(body: &str) -> serde_json::Value {
    let mut event: serde_json::Value = serde_json::from_str(body).expect("an S3 notification");
    if let Some(records) = event["Records"].as_array_mut() {
        for record in records {
            let defaults = [
                ("eventVersion", serde_json::json!("2.1")),
                ("eventSource", serde_json::json!("aws:s3")),
                ("eventTime", serde_json::json!("2026-01-01T00:00:00.000Z")),
                ("userIdentity", serde_json::json!({"principalId": "local"})),
                (
                    "requestParameters",
                    serde_json::json!({"sourceIPAddress": "127.0.0.1"}),
                ),
                (
                    "responseElements",
                    serde_json::json!({"x-amz-request-id": "local", "x-amz-id-2": "local"}),
                ),
            ];
            for (name, value) in defaults {
                if record.get(name).is_none() {
                    record[name] = value;
                }
            }
            let s3 = &mut record["s3"];
            if s3.get("s3SchemaVersion").is_none() {
                s3["s3SchemaVersion"] = serde_json::json!("1.0");
            }
            if s3["bucket"].get("ownerIdentity").is_none() {
                s3["bucket"]["ownerIdentity"] = serde_json::json!({"principalId": "local"});
            }
        }
    }
    event
}

/// Counts DynamoDB requests by operation, from the `x-amz-target` header of each request sent.
#[derive(Debug, Default, Clone)]
pub struct RequestCounter(Arc<Mutex<BTreeMap<String, u64>>>);

impl RequestCounter {
    /// Requests so far, by operation ("TransactWriteItems", "BatchGetItem", ...).
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.0.lock().expect("counter").clone()
    }

    pub fn count(&self, operation: &str) -> u64 {
        self.counts().get(operation).copied().unwrap_or(0)
    }

    pub fn reset(&self) {
        self.0.lock().expect("counter").clear();
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or("unknown")
            .rsplit('.')
            .next()
            .unwrap_or("unknown")
            .to_owned();
        *self.0.lock().expect("counter").entry(target).or_default() += 1;
        Ok(())
    }
}

/// A DynamoDB outage a test switches on and off: while on, the requests of the client it is
/// installed in fail before they are sent, as when the table cannot be reached; all of them,
/// or only those whose body holds a given text (one kind of write).
#[derive(Debug, Default, Clone)]
pub struct Outage {
    on: Arc<std::sync::atomic::AtomicBool>,
    only_with: Option<&'static str>,
}

impl Outage {
    pub fn set(&self, on: bool) {
        self.on.store(on, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Intercept for Outage {
    fn name(&self) -> &'static str {
        "Outage"
    }
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let affected = self.only_with.is_none_or(|needle| {
            context
                .request()
                .body()
                .bytes()
                .is_some_and(|body| body.windows(needle.len()).any(|w| w == needle.as_bytes()))
        });
        if self.on.load(std::sync::atomic::Ordering::SeqCst) && affected {
            Err("the table cannot be reached (a test's outage)".into())
        } else {
            Ok(())
        }
    }
}

impl TestEnv {
    /// A store on this test's table that a test can cut off: every request, or (`only_with`)
    /// those whose body holds that text.
    pub fn store_with_outage(&self, only_with: Option<&'static str>) -> (DynamoStore, Outage) {
        let outage = Outage {
            only_with,
            ..Outage::default()
        };
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&self.sdk)
                .interceptor(outage.clone())
                .build(),
        );
        (DynamoStore::new(client, &self.table), outage)
    }

    /// A store on this test's table whose requests are counted.
    pub fn counted_store(&self) -> (DynamoStore, RequestCounter) {
        let counter = RequestCounter::default();
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&self.sdk)
                .interceptor(counter.clone())
                .build(),
        );
        (DynamoStore::new(client, &self.table), counter)
    }
}

/// Creates the table with the keys, indexes and stream the store relies on. Production gets
/// the same shape from infra/template.yaml (tests/tests/template/ compares the two); tests
/// and the local stack call this. It lives here so that no function ships table creation.
pub async fn create_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("attribute definition is complete")
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("key schema is complete")
    };
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk"))
        .attribute_definitions(attr("sk"))
        .attribute_definitions(attr("gsi1pk"))
        .attribute_definitions(attr("gsi1sk"))
        .attribute_definitions(attr("invitation_id"))
        .attribute_definitions(attr("send_shard"))
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("send_due_at")
                .attribute_type(ScalarAttributeType::N)
                .build()
                .expect("attribute definition is complete"),
        )
        .attribute_definitions(attr("remind_shard"))
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("remind_at")
                .attribute_type(ScalarAttributeType::N)
                .build()
                .expect("attribute definition is complete"),
        )
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::GSI1)
                .key_schema(key("gsi1pk", KeyType::Hash))
                .key_schema(key("gsi1sk", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::BY_INVITATION_ID)
                .key_schema(key("invitation_id", KeyType::Hash))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::KeysOnly)
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::BY_SEND_DUE)
                .key_schema(key("send_shard", KeyType::Hash))
                .key_schema(key("send_due_at", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .non_key_attributes("contract_id")
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::BY_REMIND_AT)
                .key_schema(key("remind_shard", KeyType::Hash))
                .key_schema(key("remind_at", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .non_key_attributes("contract_id")
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream specification is complete"),
        )
        .send()
        .await
        .map_err(|e| StoreError::Database(DisplayErrorContext(e).to_string()))?;
    // The template's time to live: items with `ttl` (epoch seconds) expire. moto records the
    // setting but deletes nothing; tests read the attribute.
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
                .attribute_name(items::TTL)
                .enabled(true)
                .build()
                .expect("time to live is complete"),
        )
        .send()
        .await
        .map_err(|e| StoreError::Database(DisplayErrorContext(e).to_string()))?;
    Ok(())
}

/// A user pool and the site's app client on the Cognito emulator.
#[derive(Debug, Clone)]
pub struct UserPool {
    pub id: String,
    pub client_id: String,
}

/// A user pool as infra/template.yaml makes it: people sign in with their email address
/// (case-insensitive), the template's password policy, and a `system-admins` group. The app
/// client differs where the emulator needs it to: it allows USER_PASSWORD_AUTH (the template's
/// client signs in through the hosted UI, code + PKCE, and allows SRP; the emulator has no
/// hosted UI and does not check SRP proofs), and it lists the attributes its id tokens carry
/// (Cognito puts every readable one in; the emulator only those listed).
pub async fn create_user_pool(
    client: &aws_sdk_cognitoidentityprovider::Client,
    name: &str,
) -> Result<UserPool, String> {
    use aws_sdk_cognitoidentityprovider::types::{
        ExplicitAuthFlowsType, PasswordPolicyType, UserPoolPolicyType, UsernameAttributeType,
        UsernameConfigurationType,
    };
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let pool = client
        .create_user_pool()
        .pool_name(name)
        .username_attributes(UsernameAttributeType::Email)
        .username_configuration(
            UsernameConfigurationType::builder()
                .case_sensitive(false)
                .build()
                .map_err(|e| err(&e))?,
        )
        // The template's password policy (the emulator checks passwords against it too).
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(12)
                        .require_lowercase(true)
                        .require_uppercase(true)
                        .require_numbers(true)
                        .require_symbols(false)
                        .temporary_password_validity_days(7)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .map_err(|e| err(&DisplayErrorContext(&e)))?;
    let id = pool
        .user_pool()
        .and_then(|p| p.id())
        .ok_or("no pool id")?
        .to_owned();
    client
        .create_group()
        .user_pool_id(&id)
        .group_name(invitations_core::domain::SYSTEM_ADMIN_GROUP)
        .send()
        .await
        .map_err(|e| err(&DisplayErrorContext(&e)))?;
    let app = client
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("site")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        // Cognito puts every readable attribute in the id token, and the template's client
        // leaves them all readable; the emulator puts only those listed here.
        .read_attributes("email")
        .read_attributes("email_verified")
        .read_attributes("name")
        .send()
        .await
        .map_err(|e| err(&DisplayErrorContext(&e)))?;
    let client_id = app
        .user_pool_client()
        .and_then(|c| c.client_id())
        .ok_or("no client id")?
        .to_owned();
    Ok(UserPool { id, client_id })
}
