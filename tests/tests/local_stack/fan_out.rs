//! A large file through the fan-out on the local stack (issue 33): uploaded through the
//! presigned URL, planned by the import's S3 event, its chunks on the stack's SQS queue run by
//! the bridge as Lambda's trigger runs them (several at once), the import and its report
//! gathered once; nothing lost, nothing doubled.

use crate::helpers::*;
use chrono::{Duration, Utc};
use invitations_core::ports::ContractStore;
use local_stack::{Options, Stack};
use serde_json::json;

#[tokio::test]
async fn a_large_file_is_imported_in_chunks_through_the_stacks_queue() {
    let emulators = tokio::task::spawn_blocking(testkit::emulators)
        .await
        .unwrap()
        .clone();
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    let mut options = Options::new(emulators, &format!("fan-{tag}"));
    options.seed = false;
    options.split_above_bytes = 0;
    options.chunk_rows = 250;
    let stack = Stack::start(options).await.expect("the local stack starts");
    let ada = stack.person("contract-admin", 0).user_id.clone();
    // Starts next month: the invitations wait for its start, so nothing is mailed meanwhile.
    let contract = testkit::contract("fan-out")
        .name("Fan-out")
        .subscription(&["a1"])
        .admin(&ada)
        .starts_at(Utc::now() + Duration::days(30))
        .ends_at(Utc::now() + Duration::days(120))
        .build();
    stack.store.put_contract(&contract).await.unwrap();

    // 1,200 addresses, every 50th followed by a repeat of the address 300 lines up (another
    // chunk); moto serves one request at a time, so the file is small, the chunks smaller.
    let mut lines = vec!["email".to_owned()];
    for i in 0..1200 {
        lines.push(format!("p{i}@fan{tag}.example"));
        if i % 50 == 49 && i >= 300 {
            lines.push(format!("P{}@FAN{tag}.example", i - 300));
        }
    }
    let repeats = lines.len() - 1 - 1200;
    let ada = Client::signed_in(&stack.url, &ada).await;
    let import = upload_and_wait_for(
        &ada,
        "fan-out",
        lines.join("\r\n") + "\r\n",
        json!({"activities": [], "file_name": "everyone.csv"}),
        std::time::Duration::from_secs(240),
    )
    .await;
    assert_eq!(import["status"]["state"], "done", "{import}");
    assert_eq!(import["rows_read"], 1200 + repeats, "{import}");
    assert_eq!(import["counts"]["invited"], 1200, "{import}");
    assert_eq!(import["counts"]["duplicate"], repeats, "{import}");
    let (status, count) = ada
        .call("GET", "/api/contracts/fan-out/invitations/count", None)
        .await;
    assert_eq!(status, 200, "{count}");
    assert_eq!(count["count"], 1200, "{count}");
}
