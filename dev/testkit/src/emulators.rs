//! The emulators (moto under dev/moto_serial.py, aws-ses-v2-local): started once per process
//! on free loopback ports, or reached where the test script started them.

use super::*;

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
