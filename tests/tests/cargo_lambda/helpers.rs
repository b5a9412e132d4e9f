//! What the steps share: the watch process, the bench that runs the scripts against the stack,
//! the functions as the steps invoke them, and the seeded invitations.

use invitations_core::domain::ContractId;
use invitations_core::ports::InvitationStore;
use local_stack::Stack;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `cargo lambda watch` (lambda-watch.sh execs it) leading its own process group; stopped when
/// dropped, pass or fail.
pub struct Watch {
    child: Child,
    log: PathBuf,
}

impl Watch {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Fails at once when cargo-lambda's `cargo run --bin <function>` compiles: the functions
    /// must be found built, with the workspace's one feature set (dev/workspace-hack).
    fn refuse_compiling(&self) {
        let log = self.log();
        if let Some(line) = log
            .lines()
            .find(|l| l.trim_start().starts_with("Compiling "))
        {
            panic!(
                "cargo lambda watch is compiling ({}): the functions were not built, or not \
                 with the workspace's features. Run `bash scripts/build.sh --check` (scripts/test.sh \
                 does) before this test.\n{log}",
                line.trim()
            );
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(100));
        }
        // Whatever of the group did not stop by itself (cargo, a build).
        signal("-KILL");
        let _ = self.child.wait();
    }
}

/// Where this test binary was built (`<target>/debug/deps/`): the watch builds the functions
/// there too, so it finds the dev binaries and dependencies `cargo test` already built.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("<target>/<profile>/deps/<test>")
        .to_path_buf()
}

pub fn port_of(url: &str) -> String {
    url.rsplit(':').next().expect("a port").to_owned()
}

pub struct Bench {
    pub root: PathBuf,
    /// The stack's ports and resource prefix, for both scripts.
    pub stack_args: Vec<String>,
    pub invoke_port: u16,
}

impl Bench {
    fn command(&self, script: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(self.root.join("scripts").join(script))
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target_dir())
            .args(["--invoke-port", &self.invoke_port.to_string()])
            // mint-event is built by scripts/build.sh; the scripts fail at once if it is not.
            .arg("--no-build")
            .args(&self.stack_args)
            .stdin(Stdio::null());
        command
    }

    pub fn start_watch(&self) -> Watch {
        let log = std::env::temp_dir().join(format!("lambda-watch-{}.log", self.invoke_port));
        let out = std::fs::File::create(&log).expect("a log file");
        let child = {
            use std::os::unix::process::CommandExt;
            self.command("lambda-watch.sh")
                // Other tests may touch the checkout meanwhile: no reloads.
                .arg("--ignore-changes")
                .stdout(out.try_clone().expect("log"))
                .stderr(out)
                .process_group(0)
                .spawn()
                .expect("scripts/lambda-watch.sh starts")
        };
        let mut watch = Watch { child, log };
        // Nothing is compiled here (scripts/test.sh built every binary first): cargo lambda
        // watch listens at once, so this deadline is for a busy machine, not for a build.
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", self.invoke_port)).is_err() {
            if let Ok(Some(status)) = watch.child.try_wait() {
                panic!("lambda-watch.sh ended ({status}):\n{}", watch.log());
            }
            watch.refuse_compiling();
            assert!(
                Instant::now() < deadline,
                "cargo lambda watch did not listen within 60 s:\n{}",
                watch.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        watch
    }

    /// The function's answer to the event file (relative to functions/), as the README runs it.
    fn invoke(&self, watch: &Watch, function: &str, file: &str) -> Value {
        let file = Path::new("functions").join(file);
        // Into files, polled: a function's first invoke is where cargo-lambda would compile,
        // and that must fail at once, not after the build.
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let (out_path, err_path) = (
            std::env::temp_dir().join(format!("lambda-invoke-{tag}.out")),
            std::env::temp_dir().join(format!("lambda-invoke-{tag}.err")),
        );
        let mut child = self
            .command("lambda-invoke.sh")
            .args([function, &file.to_string_lossy()])
            .stdout(std::fs::File::create(&out_path).expect("an output file"))
            .stderr(std::fs::File::create(&err_path).expect("an error file"))
            .spawn()
            .expect("scripts/lambda-invoke.sh runs");
        let status = loop {
            if let Some(status) = child.try_wait().expect("lambda-invoke.sh") {
                break status;
            }
            if let Err(e) = std::panic::catch_unwind(|| watch.refuse_compiling()) {
                let _ = child.kill();
                std::panic::resume_unwind(e);
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        let _ = (
            std::fs::remove_file(&out_path),
            std::fs::remove_file(&err_path),
        );
        assert!(
            status.success(),
            "{function} {}: {status}\n{stdout}{stderr}\n-- cargo lambda watch:\n{}",
            file.display(),
            watch.log()
        );
        serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{function} {}: not JSON ({e}): {stdout}", file.display()))
    }

    /// An HTTP function's answer: its status and its body as `T`.
    fn call<T: DeserializeOwned>(
        &self,
        watch: &Watch,
        function: &str,
        file: &str,
        status: u16,
    ) -> T {
        let answer = self.invoke(watch, function, file);
        assert_eq!(answer["statusCode"], status, "{function} {file}: {answer}");
        let body = answer["body"].as_str().unwrap_or_default();
        serde_json::from_str(body).unwrap_or_else(|e| {
            panic!("{function} {file}: the body is not the wire type: {e}: {body}")
        })
    }
}

/// A seeded directory user's address (seed::directory_email).
pub fn learner(local: &str) -> String {
    format!("{local}@learners.example")
}

pub async fn invitation(
    stack: &Stack,
    contract: &str,
    email: &str,
) -> invitations_core::domain::Invitation {
    let contract = ContractId::parse(contract).unwrap();
    let found = stack
        .store
        .find_invitations_by_email(&contract, &[email])
        .await
        .unwrap();
    found
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{contract} has no invitation for {email}"))
}

/// The functions under one watch, as the steps invoke them. The scripts block; the test's own
/// tokio threads stay free for the store checks.
pub struct Lambda<'a> {
    pub bench: &'a Bench,
    pub watch: &'a Watch,
}

impl Lambda<'_> {
    /// The function's answer to the event file (relative to functions/).
    pub fn run(&self, function: &str, file: &str) -> Value {
        tokio::task::block_in_place(|| self.bench.invoke(self.watch, function, file))
    }

    /// An HTTP function's answer: its status and its body as `T`.
    pub fn call<T: DeserializeOwned>(&self, function: &str, file: &str, status: u16) -> T {
        tokio::task::block_in_place(|| self.bench.call(self.watch, function, file, status))
    }
}
