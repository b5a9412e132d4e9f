//! A run of the import: bad rows reported, an event twice, a run killed or out of time and retried.

use crate::helpers::*;
use ::import::{handle, handle_until, App};
use async_trait::async_trait;
use bytes::Bytes;
use chrono::Duration;
use futures::stream::BoxStream;
use futures::StreamExt;
use invitations_core::adapters::S3Blobs;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;

#[tokio::test]
async fn a_dropped_file_with_bad_rows_imports_the_good_ones_and_reports_each_bad_row() {
    let w = World::new().await;
    let e = |l: &str| w.env.email(l);
    let csv = format!(
        "Email\r\n{}\r\nnot-an-address\r\n{}\r\n\r\n{}\r\n=HYPERLINK(\"http://x\")\r\n",
        e("Ann"),
        e("bob"),
        e("ANN")
    );
    w.put(
        "imports/V3/spring list.csv",
        csv.into_bytes(),
        Some("a1, a3"),
    )
    .await;
    handle(&w.app, w.event("imports/V3/spring list.csv", "01").await)
        .await
        .unwrap();

    let imports = w.imports("V3").await;
    assert_eq!(imports.len(), 1);
    let import = &imports[0];
    assert_eq!(import.status, ImportStatus::Done);
    assert_eq!(import.file_name.as_deref(), Some("spring list.csv"));
    assert_eq!(
        import.activities,
        vec![
            ActivityId::parse("a1").unwrap(),
            ActivityId::parse("a3").unwrap()
        ]
    );
    assert_eq!(
        (
            import.rows_read,
            import.counts.invited,
            import.counts.invalid_email,
            import.counts.duplicate
        ),
        (5, 2, 2, 1)
    );
    let bad: Vec<(u64, &str)> = import
        .first_bad_rows
        .iter()
        .map(|b| (b.line, b.reason.as_str()))
        .collect();
    assert_eq!(
        bad,
        [
            (3, "The address has no @: write it as name@example.org."),
            (6, "The same address is on line 2, so it is invited once."),
            (7, "The address has no @: write it as name@example.org.")
        ]
    );
    let report = w.report(import).await;
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "line,value,outcome,detail");
    assert_eq!(lines.len(), 6, "{report}");
    assert!(
        lines[5].starts_with("7,\"'=HYPERLINK"),
        "formula neutralised: {}",
        lines[5]
    );
    assert_eq!(w.pending("V3").await, 2);
    assert_eq!(w.mail_all().await, 2);
}

#[tokio::test]
async fn the_same_event_twice_invites_each_person_once_with_one_mail() {
    let w = World::new().await;
    let csv: String = (0..150)
        .map(|i| format!("{}\n", w.env.email(&format!("dup{i:03}"))))
        .collect();
    w.put("imports/V1/list.csv", csv.into_bytes(), None).await;
    let event = w.event("imports/V1/list.csv", "0A").await;
    handle(&w.app, event.clone()).await.unwrap();
    // A second delivery after it finished is ignored; one during it is safe (below).
    handle(&w.app, event.clone()).await.unwrap();
    let (a, b) = tokio::join!(
        handle(&w.app, w.event("imports/V1/list.csv", "0B").await),
        handle(&w.app, w.event("imports/V1/list.csv", "0B").await)
    );
    a.unwrap();
    b.unwrap();

    let imports = w.imports("V1").await;
    assert_eq!(
        imports.len(),
        2,
        "two distinct uploads (sequencers), each once"
    );
    let first = imports
        .iter()
        .find(|i| i.counts.invited == 150)
        .expect("the first upload invited all");
    assert_eq!(first.status, ImportStatus::Done);
    let second = imports.iter().find(|i| i.id != first.id).unwrap();
    assert_eq!(
        (second.status.clone(), second.counts.already_invited),
        (ImportStatus::Done, 150)
    );
    assert_eq!(w.pending("V1").await, 150);
    assert_eq!(w.mail_all().await, 150);
}

/// Blobs whose reads break off after `cut` bytes: a function killed halfway through a file.
struct BreaksOff {
    inner: S3Blobs,
    cut: usize,
}

#[async_trait]
impl Blobs for BreaksOff {
    async fn head(&self, key: &str) -> Result<BlobInfo, BlobError> {
        self.inner.head(key).await
    }
    async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, BlobError> {
        self.inner.list(prefix).await
    }
    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        self.inner.delete(key).await
    }
    async fn read(
        &self,
        key: &str,
        if_match: Option<&str>,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let body: Vec<Bytes> = self
            .inner
            .read(key, if_match)
            .await?
            .map(|c| c.unwrap())
            .collect()
            .await;
        let all = Bytes::from(body.concat());
        let cut = all.slice(..self.cut.min(all.len()));
        Ok(futures::stream::iter(vec![
            Ok(cut),
            Err(BlobError::Storage("connection reset".into())),
        ])
        .boxed())
    }
    async fn read_range(
        &self,
        key: &str,
        if_match: Option<&str>,
        start: u64,
        end: Option<u64>,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        self.inner.read_range(key, if_match, start, end).await
    }
    async fn put(&self, key: &str, body: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        self.inner.put(key, body, content_type).await
    }
    async fn presigned_get(
        &self,
        key: &str,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError> {
        self.inner.presigned_get(key, expires_in).await
    }
    async fn start_upload(&self, key: &str, content_type: &str) -> Result<String, BlobError> {
        self.inner.start_upload(key, content_type).await
    }
    async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        n: i32,
        body: Vec<u8>,
    ) -> Result<String, BlobError> {
        self.inner.upload_part(key, upload_id, n, body).await
    }
    async fn finish_upload(
        &self,
        key: &str,
        upload_id: &str,
        parts: Vec<(i32, String)>,
    ) -> Result<(), BlobError> {
        self.inner.finish_upload(key, upload_id, parts).await
    }
    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), BlobError> {
        self.inner.abort_upload(key, upload_id).await
    }
    async fn copy(&self, from: &str, to: &str, if_match: Option<&str>) -> Result<(), BlobError> {
        self.inner.copy(from, to, if_match).await
    }
    async fn presigned_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError> {
        self.inner
            .presigned_put(key, content_type, content_length, expires_in)
            .await
    }
}

#[tokio::test]
async fn killed_halfway_and_run_again_ends_with_everyone_invited_once_and_a_correct_report() {
    let w = World::new().await;
    let mut csv = String::new();
    for i in 0..1500 {
        csv.push_str(&format!(
            "{},{}\n",
            w.env.email(&format!("k{i:04}")),
            "x".repeat(200)
        ));
        if i == 1200 {
            csv.push_str(&format!("{}\n", w.env.email("K0005")));
        }
    }
    let bytes = csv.into_bytes();
    w.put("imports/V1/big.csv", bytes.clone(), None).await;
    let event = w.event("imports/V1/big.csv", "0C").await;

    let broken = App {
        blobs: Arc::new(BreaksOff {
            inner: S3Blobs::new(w.env.s3.clone(), &w.env.bucket),
            cut: bytes.len() * 4 / 5,
        }),
        ..w.app.clone()
    };
    assert!(
        handle(&broken, event.clone()).await.is_err(),
        "the cut-off run fails, to be retried"
    );
    let halfway = w.imports("V1").await;
    assert_eq!(halfway[0].status, ImportStatus::Running);
    let written = w.pending("V1").await;
    assert!(
        written > 0 && written < 1500,
        "some rounds were written before the cut: {written}"
    );

    handle(&w.app, event).await.unwrap();
    let import = &w.imports("V1").await[0];
    assert_eq!(import.status, ImportStatus::Done);
    assert_eq!(
        (
            import.rows_read,
            import.counts.invited,
            import.counts.duplicate
        ),
        (1501, 1500, 1)
    );
    assert_eq!(import.first_bad_rows.len(), 1);
    assert_eq!(import.first_bad_rows[0].line, 1202);
    assert_eq!(
        import.first_bad_rows[0].reason,
        "The same address is on line 6, so it is invited once."
    );
    assert_eq!(w.report(import).await.lines().count(), 1502);
    assert_eq!(w.pending("V1").await, 1500);
    assert_eq!(w.mail_all().await, 1500);
}

#[tokio::test]
async fn a_run_that_runs_out_of_time_stops_between_rounds_and_the_retry_reads_its_work_back() {
    let w = World::new().await;
    let (counted, requests) = w.env.counted_store();
    let total = 2500;
    let mut csv = String::from("Email\n");
    for i in 0..total {
        csv.push_str(&format!("{}\n", w.env.email(&format!("t{i:04}"))));
    }
    w.put("imports/V1/long.csv", csv.into_bytes(), None).await;
    let event = w.event("imports/V1/long.csv", "0D").await;

    // A clock that moves a second each time it is read, and a deadline 68 s on: the run must
    // stop (60 s before it) after a few rounds, with what it did saved.
    let ticks = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let clock_ticks = ticks.clone();
    let hurried = App {
        store: Arc::new(counted.clone()),
        clock: Arc::new(move || {
            t0() + Duration::seconds(clock_ticks.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        }),
        ..w.app.clone()
    };
    let deadline = t0() + Duration::seconds(68);
    let stopped = handle_until(&hurried, event.clone(), Some(deadline)).await;
    let message = stopped
        .expect_err("out of time, the run fails to be retried")
        .to_string();
    assert!(message.contains("out of time"), "{message}");
    let saved = w.imports("V1").await.remove(0);
    assert_eq!(saved.status, ImportStatus::Running);
    assert!(
        saved.rows_read > 0 && saved.rows_read < total && saved.rows_read % 980 == 0,
        "whole rounds were done and saved: {}",
        saved.rows_read
    );
    assert_eq!(w.pending("V1").await, saved.rows_read);

    // The retry reads the saved rounds back (no transaction for them) and writes the rest.
    requests.reset();
    let retry = App {
        store: Arc::new(counted),
        ..w.app.clone()
    };
    handle(&retry, event).await.unwrap();
    let import = w.imports("V1").await.remove(0);
    assert_eq!(import.status, ImportStatus::Done);
    assert_eq!((import.rows_read, import.counts.invited), (total, total));
    let rest = (total - saved.rows_read).div_ceil(98);
    let rounds_read = saved.rows_read.div_ceil(980);
    assert_eq!(
        requests.count("TransactWriteItems"),
        rest,
        "one transaction per 98 new invitations, none for the rows read back: {:?}",
        requests.counts()
    );
    // Besides the rounds read back, the do-not-invite list (issue 32): every round's addresses
    // before its writes and the invited again after them, 100 keys a request.
    let list_reads: u64 = (0..total)
        .step_by(980)
        .map(|start| 2 * (total - start).min(980).div_ceil(100))
        .sum();
    assert_eq!(
        requests.count("BatchGetItem"),
        rounds_read * 10 + list_reads
    );
    assert_eq!(w.report(&import).await.lines().count() as u64, total + 1);
    assert_eq!(w.pending("V1").await, total);
    assert_eq!(w.mail_all().await as u64, total);
}
