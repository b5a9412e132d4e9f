//! End-to-end import benchmark on the local emulators (a command, not a test):
//!
//!     cargo run --release -p import --example import_bench -- [ROWS] [--check]
//!
//! With `--check` the file is checked (metadata `mode=check`): every row classified against the
//! table, nothing invited; the figures are then rows/s, the requests per 1,000 rows (batch reads
//! of invitations and address blocks) and the writes (the check's own record only).
//!
//! Generates a CSV of ROWS addresses (default 100,000; ~1% invalid, ~1% duplicates), puts it in
//! a moto bucket, runs the import handler on its S3 event, and prints rows per second, DynamoDB
//! write requests per 1,000 invited (counted on the wire), the import's peak memory, and, for
//! comparison in the same run, the same import of a file a tenth the size (memory must not grow
//! with the file). moto applies about 200 writes a second, so rows/s here measures moto far
//! more than this code; the request count and memory are the figures that carry over to AWS.

use ::import::{handle, App};
use chrono::Utc;
use invitations_core::adapters::S3Blobs;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use testkit::TestEnv;

const WRITES: [&str; 5] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
];

fn generate(rows: usize, tag: &str) -> Vec<u8> {
    let mut csv = String::with_capacity(rows * 40);
    csv.push_str("Email,Name\r\n");
    for i in 0..rows {
        if i % 100 == 37 {
            csv.push_str("not an address,Somebody\r\n");
        } else if i % 100 == 71 {
            csv.push_str(&format!(
                "User{:06}@Bench-{tag}.example.com,Again\r\n",
                i - 1
            ));
        } else {
            csv.push_str(&format!(
                "user{i:06}@bench-{tag}.example.com,Person {i}\r\n"
            ));
        }
    }
    csv.into_bytes()
}

struct Figures {
    check: bool,
    rows: usize,
    seconds: f64,
    invited: u64,
    writes: u64,
    by_operation: BTreeMap<String, u64>,
    peak_mb: f64,
}

async fn run(rows: usize, check: bool) -> Figures {
    let env = TestEnv::new().await;
    let (store, counter) = env.counted_store();
    let now = Utc::now();
    let contract = testkit::contract("bench")
        .name("Benchmark")
        .kind(ContractKind::Subscription)
        .named_activities(&[("a1", "Course")])
        .admins(&[])
        .around(now)
        .started_days_ago(1)
        .ends_in_days(30)
        .build();
    store.put_contract(&contract).await.unwrap();
    let key = "imports/bench/generated.csv";
    {
        let body = generate(rows, &env.tag);
        let mut put = env.s3.put_object().bucket(&env.bucket).key(key);
        if check {
            put = put.metadata("mode", "check");
        }
        put.body(body.into()).send().await.unwrap();
    }
    let app = App {
        store: Arc::new(store),
        blobs: Arc::new(S3Blobs::new(env.s3.clone(), &env.bucket)),
        clock: system_clock(),
        max_file_bytes: ::import::MAX_FILE_BYTES,
        fan_out: None,
    };
    let notification = serde_json::json!({"Records": [{
        "eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
        "s3": {"bucket": {"name": env.bucket}, "object": {"key": key, "sequencer": "01"}}
    }]});
    let event: aws_lambda_events::event::s3::S3Event =
        serde_json::from_value(testkit::s3_event_as_aws_sends_it(&notification.to_string()))
            .unwrap();
    counter.reset();
    testkit::memory::reset_peak();
    let started = Instant::now();
    handle(&app, event).await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let peak_mb = testkit::memory::peak_mb();
    let import = &app.store.list_imports(&contract.id).await.unwrap()[0];
    assert_eq!(import.status, ImportStatus::Done, "{import:?}");
    assert_eq!(import.mode == ImportMode::Check, check, "{import:?}");
    let by_operation = counter.counts();
    let writes = WRITES
        .iter()
        .map(|w| by_operation.get(*w).copied().unwrap_or(0))
        .sum();
    Figures {
        check,
        rows,
        seconds,
        invited: import.counts.invited,
        writes,
        by_operation,
        peak_mb,
    }
}

fn print(f: &Figures) {
    if f.check {
        let requests: u64 = f.by_operation.values().sum();
        println!(
            "{:>8} rows checked | {:>7.1} s | {:>7.0} rows/s | {:>6} would be invited | {:>5.1} requests per 1,000 rows | {} writes | peak {:>6.1} MB | {:?}",
            f.rows,
            f.seconds,
            f.rows as f64 / f.seconds,
            f.invited,
            requests as f64 * 1000.0 / f.rows.max(1) as f64,
            f.writes,
            f.peak_mb,
            f.by_operation,
        );
        return;
    }
    println!(
        "{:>8} rows | {:>7.1} s | {:>7.0} rows/s | {:>6} invited | {:>5.1} writes per 1,000 invited | peak {:>6.1} MB | {:?}",
        f.rows,
        f.seconds,
        f.rows as f64 / f.seconds,
        f.invited,
        f.writes as f64 * 1000.0 / f.invited.max(1) as f64,
        f.peak_mb,
        f.by_operation,
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let rows: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    if check {
        println!("check benchmark on moto (DynamoDB, S3) — aims: one invocation (15 min) for 100,000 rows, nothing invited");
    } else {
        println!("import benchmark on moto (DynamoDB, S3) — aims: <= 15 writes per 1,000 invited, peak < 64 MB");
    }
    let baseline = run((rows / 10).max(1000), check).await;
    print(&baseline);
    let full = run(rows, check).await;
    print(&full);
    println!(
        "memory growth from {} to {} rows: {:+.1} MB",
        baseline.rows,
        full.rows,
        full.peak_mb - baseline.peak_mb
    );
}
