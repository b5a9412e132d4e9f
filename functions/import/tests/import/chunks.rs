//! A large file fanned out (issue 33): planned by the S3 event's run, its chunks on a real SQS
//! queue (moto), each chunk run twice (one after the other, and two at once), the import and
//! its report gathered once when the last chunk ends.

use crate::helpers::*;
use ::import::chunks::run_chunk;
use ::import::fan_out::ChunkMessage;
use ::import::queue::SqsChunkQueue;
use ::import::FanOut;
use invitations_core::domain::*;
use std::sync::Arc;

/// The world with a chunk queue of its own: every file fanned out, `rows` rows a chunk.
async fn fanned_out(rows: usize) -> (World, aws_sdk_sqs::Client, String) {
    let mut world = World::new().await;
    let sqs = aws_sdk_sqs::Client::new(&world.env.sdk);
    let url = testkit::queue::new_queue(&sqs, "chunks", &world.env.tag).await;
    world.app.fan_out = Some(FanOut {
        queue: Arc::new(SqsChunkQueue::new(sqs.clone(), url.clone())),
        split_above_bytes: 0,
        rows_per_chunk: rows,
    });
    (world, sqs, url)
}

/// Every chunk message on the queue, taken off it.
async fn take_messages(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<ChunkMessage> {
    testkit::queue::take_bodies(sqs, url)
        .await
        .iter()
        .map(|body| serde_json::from_str(body).expect("a chunk message"))
        .collect()
}

/// 1,046 rows: p0..p999 once each, a bad row, and 45 repeats of an address 100 addresses back
/// (another chunk than its first line).
fn file() -> (String, usize) {
    let mut lines = vec!["email".to_owned()];
    for i in 0..1000 {
        lines.push(format!("p{i}@example.com"));
        if i % 20 == 19 && i > 100 {
            lines.push(format!("P{}@Example.com", i - 100));
        }
    }
    lines.insert(500, "not an address".into());
    let repeats = lines.len() - 1 - 1000 - 1;
    (lines.join("\n") + "\n", repeats)
}

#[tokio::test]
async fn a_large_file_runs_in_chunks_each_twice_and_is_gathered_once() {
    let (world, sqs, url) = fanned_out(100).await;
    let (csv, repeats) = file();
    let rows = csv.lines().count() - 1;
    let import = world
        .drop_file(
            "imports/V1/big.csv",
            csv.clone().into_bytes(),
            &[("activities", "a1")],
        )
        .await;
    assert_eq!(import.status, ImportStatus::Running);
    let messages = take_messages(&sqs, &url).await;
    assert_eq!(import.chunks as usize, messages.len());
    assert_eq!(messages.len(), rows.div_ceil(100));
    // Half the chunks: the import shows their progress, still running.
    let half = messages.len() / 2;
    for m in &messages[..half] {
        run_chunk(&world.app, m, None).await.unwrap();
    }
    let running = world.imports("V1").await.remove(0);
    assert_eq!(running.status, ImportStatus::Running);
    assert_eq!(running.rows_read, 100 * half as u64);
    // The rest, each twice at once; then every chunk again (a second delivery). Of two runs
    // of the last chunk, one may find the last step taken by the other: it fails, so that its
    // message comes back (and finds the import done).
    for m in &messages[half..] {
        let (a, b) = tokio::join!(
            run_chunk(&world.app, m, None),
            run_chunk(&world.app, m, None)
        );
        for run in [&a, &b] {
            if let Err(e) = run {
                assert!(e.to_string().contains("held by another run"), "{e}");
            }
        }
        assert!(a.is_ok() || b.is_ok());
    }
    for m in &messages {
        run_chunk(&world.app, m, None).await.unwrap();
    }

    let done = world.imports("V1").await.remove(0);
    assert_eq!(done.status, ImportStatus::Done, "{done:?}");
    assert_eq!(done.rows_read, rows as u64);
    assert_eq!(done.counts.invited, 1000);
    assert_eq!(done.counts.duplicate, repeats as u64);
    assert_eq!(done.counts.invalid_email, 1);
    assert_eq!(world.pending("V1").await, 1000);
    // One report, every row once, in file order, the repeats naming their first line.
    let report = world.report(&done).await;
    let lines: Vec<u64> = report
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    let expected: Vec<u64> = csv
        .lines()
        .enumerate()
        .skip(1)
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert_eq!(lines, expected);
    assert!(
        report.contains("The same address is on line 21"),
        "P19 repeats p19 on line 21: {report:.400}"
    );
    // The parts are gone; the report stays.
    let objects = world.app.blobs.list("reports/V1/").await.unwrap();
    assert_eq!(objects.len(), 1, "{objects:?}");
}

#[tokio::test]
async fn a_chunk_whose_file_was_replaced_fails_the_import() {
    let (world, sqs, url) = fanned_out(100).await;
    let (csv, _) = file();
    world
        .drop_file(
            "imports/V1/big.csv",
            csv.clone().into_bytes(),
            &[("activities", "a1")],
        )
        .await;
    let messages = take_messages(&sqs, &url).await;
    run_chunk(&world.app, &messages[0], None).await.unwrap();
    world
        .put(
            "imports/V1/big.csv",
            csv.replace("p7@", "q7@").into_bytes(),
            Some("a1"),
        )
        .await;
    run_chunk(&world.app, &messages[1], None).await.unwrap();
    let failed = world.imports("V1").await.remove(0);
    assert!(
        matches!(&failed.status, ImportStatus::Failed { reason } if reason.contains("replaced")),
        "{failed:?}"
    );
    // The chunks after it stop where they stand.
    run_chunk(&world.app, &messages[2], None).await.unwrap();
    assert_eq!(world.pending("V1").await, 100);
}
