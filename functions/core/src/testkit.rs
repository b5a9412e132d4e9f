//! Test helpers: the local AWS emulators, started on free loopback ports when they are not
//! already running, and a fresh table and bucket for every test so tests run in parallel.
//!
//! Set `MOTO_ENDPOINT` / `SES_ENDPOINT` to use emulators that are already up (the test script
//! does, so all test binaries share one of each). Otherwise the first test of a binary starts
//! them from the repo's `.venv` and `.tools` folders, with a watchdog that stops them when the
//! test process exits.

use crate::adapters::DynamoStore;
use crate::domain::LinkKey;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Emulators {
    /// moto server: DynamoDB, DynamoDB Streams, S3, SQS.
    pub aws: String,
    /// aws-ses-v2-local: SES v2 with a readable store of sent mail.
    pub ses: String,
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
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

/// The emulators for this process, started once. moto runs under `scripts/moto_serial.py`,
/// which applies one request at a time as DynamoDB's per-item atomicity requires.
pub fn emulators() -> &'static Emulators {
    static EMULATORS: OnceLock<Emulators> = OnceLock::new();
    EMULATORS.get_or_init(|| {
        let root = repo_root();
        let logs = std::env::temp_dir();
        let aws = std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
            let port = free_port();
            let python = root.join(".venv/bin/python");
            assert!(
                python.exists(),
                "{} is missing: run scripts/setup.sh",
                python.display()
            );
            let launcher = root.join("scripts/moto_serial.py");
            spawn_watched(
                python.to_str().expect("utf-8 path"),
                &[
                    launcher.to_str().expect("utf-8 path").to_owned(),
                    "-p".into(),
                    port.to_string(),
                ],
                &format!("{}/moto-{port}.log", logs.display()),
            );
            format!("http://127.0.0.1:{port}")
        });
        let ses = std::env::var("SES_ENDPOINT").unwrap_or_else(|_| {
            let port = free_port();
            let bin = root.join(".tools/node_modules/aws-ses-v2-local/dist/cli.js");
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
        });
        wait_for(&aws, "/moto-api/");
        wait_for(&ses, "/health-check");
        Emulators { aws, ses }
    })
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
        DynamoStore::create_table(&dynamodb, &table)
            .await
            .expect("create table");
        s3.create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .expect("create bucket");
        let store = DynamoStore::new(dynamodb.clone(), &table);
        let link_key = LinkKey::from_bytes(tag.as_bytes().repeat(3)).expect("36-byte key");
        Self {
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
