//! `run-reminders`: one reminder run now against the running local stack's table (what the
//! template's schedule does every 5 minutes, and the stack every 30 s), printing its counts.
//! The stack's mailer sends what it queues, through the bridge. scripts/run-reminders.sh
//! calls it.
//!
//! Options: `--moto-port N` (default 4566), `--prefix P` (the stack's resource names, default
//! `local`), `--days N` (run as if N days had passed, to see later reminders and expiries;
//! default 0): the same as the local stack was started with.

use invitations_core::adapters::DynamoStore;
use local_stack::provision::Names;
use std::process::ExitCode;

const USAGE: &str = "usage: run-reminders [--moto-port 4566] [--prefix local] [--days 0]";

#[tokio::main]
async fn main() -> ExitCode {
    let (mut moto_port, mut prefix, mut days) = (4566u16, "local".to_owned(), 0i64);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let value = it.next();
        let parsed = match (arg.as_str(), value) {
            ("--moto-port", Some(v)) => v.parse().map(|p| moto_port = p).is_ok(),
            ("--prefix", Some(v)) => {
                prefix = v;
                true
            }
            ("--days", Some(v)) => v.parse().map(|d| days = d).is_ok(),
            _ => false,
        };
        if !parsed {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    let sdk = testkit::sdk_config(&format!("http://127.0.0.1:{moto_port}"));
    let store = DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        Names::with_prefix(&prefix).table,
    );
    let now = chrono::Utc::now() + chrono::Duration::days(days);
    match reminders::run(&store, now, reminders::DEFAULT_PER_RUN).await {
        Ok(counts) => {
            println!(
                "{}",
                serde_json::to_string(&counts).expect("counts serialise")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("run-reminders: {e} (is the local stack running on moto port {moto_port}?)");
            ExitCode::FAILURE
        }
    }
}
