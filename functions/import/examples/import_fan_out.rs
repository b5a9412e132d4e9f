//! A large file through the fan-out on moto (issue 33; a command, not a test):
//!
//!     cargo run --release -p import --example import_fan_out -- [ROWS] [--rows-per-chunk N]
//!
//! Generates a CSV of ROWS addresses (default 100,000; ~1% invalid, ~1% repeating the row before
//! it, and ~1% repeating a row a third of the file up, in another chunk), puts it in a moto bucket and
//! runs the import on its S3 event with a real SQS queue (moto) for its chunks: the plan, then
//! every chunk twice at once (two deliveries of each message), then every message once more. It checks
//! that nothing was lost or doubled (the import's counts, the contract's counters and the
//! report against the file) and prints the time of each step and the writes per 1,000 invited.

use ::import::chunks::run_chunk;
use ::import::fan_out::ChunkMessage;
use ::import::queue::SqsChunkQueue;
use ::import::{handle, App, FanOut};
use chrono::Utc;
use futures::future::join_all;
use invitations_core::adapters::S3Blobs;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;
use std::time::Instant;
use testkit::TestEnv;

/// The file, and how many rows it should invite and report as repeats.
fn generate(rows: usize, tag: &str) -> (Vec<u8>, u64, u64) {
    let (mut invited, mut repeats) = (0, 0);
    let far = 100 * (rows / 300) + 1;
    let mut csv = String::with_capacity(rows * 40);
    csv.push_str("Email\r\n");
    for i in 0..rows {
        let line = match i % 100 {
            37 => "not an address".to_owned(),
            71 => {
                repeats += 1;
                format!("User{:06}@Bench-{tag}.example.com", i - 1)
            }
            // Far back, in another chunk: a row ending in 52, always an address of its own.
            53 if i >= far => {
                repeats += 1;
                format!("user{:06}@bench-{tag}.example.com", i - far)
            }
            _ => {
                invited += 1;
                format!("user{i:06}@bench-{tag}.example.com")
            }
        };
        csv.push_str(&line);
        csv.push_str("\r\n");
    }
    (csv.into_bytes(), invited, repeats)
}

async fn take_messages(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<ChunkMessage> {
    testkit::queue::take_bodies(sqs, url)
        .await
        .iter()
        .map(|body| serde_json::from_str(body).expect("a chunk message"))
        .collect()
}

/// Runs every chunk twice at once (each message delivered twice); answers how many runs
/// failed (a run that finds the import's last step held by another fails, as designed, and its
/// message would come back).
async fn run_all(app: &App, messages: &[ChunkMessage]) -> usize {
    let runs = join_all(
        messages
            .iter()
            .flat_map(|m| [m, m])
            .map(|m| run_chunk(app, m, None)),
    )
    .await;
    runs.iter().filter(|r| r.is_err()).count()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rows_per_chunk: usize = args
        .iter()
        .position(|a| a == "--rows-per-chunk")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(::import::plan::ROWS_PER_CHUNK);
    let env = TestEnv::new().await;
    let (store, counter) = env.counted_store();
    let contract = testkit::contract("bench")
        .name("Benchmark")
        .kind(ContractKind::Subscription)
        .named_activities(&[("a1", "Course")])
        .admins(&[])
        .around(Utc::now())
        .started_days_ago(1)
        .ends_in_days(30)
        .build();
    store.put_contract(&contract).await.unwrap();
    let sqs = aws_sdk_sqs::Client::new(&env.sdk);
    let url = testkit::queue::new_queue(&sqs, "chunks", &env.tag).await;
    let app = App {
        store: Arc::new(store),
        blobs: Arc::new(S3Blobs::new(env.s3.clone(), &env.bucket)),
        clock: system_clock(),
        max_file_bytes: ::import::MAX_FILE_BYTES,
        fan_out: Some(FanOut {
            queue: Arc::new(SqsChunkQueue::new(sqs.clone(), url.clone())),
            split_above_bytes: 0,
            rows_per_chunk,
        }),
    };
    let key = "imports/bench/generated.csv";
    let (body, expected_invited, expected_repeats) = generate(rows, &env.tag);
    let size = body.len();
    env.s3
        .put_object()
        .bucket(&env.bucket)
        .key(key)
        .body(body.into())
        .send()
        .await
        .unwrap();
    let notification = serde_json::json!({"Records": [{
        "eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
        "s3": {"bucket": {"name": env.bucket}, "object": {"key": key, "sequencer": "01"}}
    }]});
    let event =
        serde_json::from_value(testkit::s3_event_as_aws_sends_it(&notification.to_string()))
            .unwrap();
    println!("fan-out benchmark on moto: {rows} rows ({size} bytes), chunks of {rows_per_chunk} rows, each chunk run twice");

    let started = Instant::now();
    handle(&app, event).await.unwrap();
    let messages = take_messages(&sqs, &url).await;
    println!(
        "plan: {:.1} s, {} chunks",
        started.elapsed().as_secs_f64(),
        messages.len()
    );
    let first = Instant::now();
    let failed = run_all(&app, &messages).await;
    println!(
        "every chunk twice at once: {:.1} s ({failed} runs found the last step held)",
        first.elapsed().as_secs_f64()
    );
    // A message that failed comes back: its chunk is done, and the import then ends.
    let again = run_all(&app, &messages).await;
    println!("every message once more: {again} failed");
    let import = &app.store.list_imports(&contract.id).await.unwrap()[0];
    let after = app.store.get_contract(&contract.id).await.unwrap().unwrap();
    let report = env
        .s3
        .get_object()
        .bucket(&env.bucket)
        .key(import.report_key.as_deref().expect("a report"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    let report_rows = report
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count()
        - 1;
    let writes: u64 = [
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactWriteItems",
    ]
    .iter()
    .map(|w| counter.counts().get(*w).copied().unwrap_or(0))
    .sum();
    println!(
        "import {:?}: {} rows read, {} invited, {} repeats, {} invalid; contract pending {}; report {} rows; {:.1} writes per 1,000 invited",
        import.status,
        import.rows_read,
        import.counts.invited,
        import.counts.duplicate,
        import.counts.invalid_email,
        after.counts.pending,
        report_rows,
        writes as f64 * 1000.0 / import.counts.invited.max(1) as f64,
    );
    let whole = import.status == ImportStatus::Done
        && import.rows_read == rows as u64
        && import.counts.invited == expected_invited
        && import.counts.duplicate == expected_repeats
        && after.counts.pending == expected_invited
        && report_rows == rows;
    println!(
        "nothing lost or doubled: {} (expected {expected_invited} invited, {expected_repeats} repeats)",
        if whole { "yes" } else { "NO" }
    );
    assert!(whole);
}
