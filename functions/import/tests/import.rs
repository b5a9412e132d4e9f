//! The import function against the emulators: real objects in a moto bucket, real S3 event
//! JSON, the real table; mail counted by running the mailer over the table's stream.

use ::import::{handle, handle_until, App};
use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::stream::BoxStream;
use futures::StreamExt;
use invitations_core::adapters::{S3Blobs, SesMailer};
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;
use testkit::TestEnv;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn voucher(id: &str, activities: &[&str], seat_limit: Option<u64>) -> Contract {
    testkit::contract(id)
        .name(format!("Voucher {id}"))
        .voucher(activities)
        .admin("admin-a")
        .seat_limit(seat_limit)
        .around(t0())
        .started_days_ago(1)
        .ends_in_days(90)
        .build()
}

struct World {
    env: TestEnv,
    app: App,
}

impl World {
    async fn new() -> Self {
        let env = TestEnv::new().await;
        let app = App {
            store: Arc::new(env.store_as("import")),
            blobs: Arc::new(S3Blobs::new(env.s3.clone(), &env.bucket)),
            clock: Arc::new(t0),
            max_file_bytes: ::import::MAX_FILE_BYTES,
        };
        env.store
            .put_contract(&voucher("V1", &["a1"], None))
            .await
            .unwrap();
        env.store
            .put_contract(&voucher("V3", &["a1", "a2", "a3"], None))
            .await
            .unwrap();
        Self { env, app }
    }

    async fn put(&self, key: &str, body: Vec<u8>, activities: Option<&str>) {
        let mut put = self
            .env
            .s3
            .put_object()
            .bucket(&self.env.bucket)
            .key(key)
            .body(body.into());
        if let Some(a) = activities {
            put = put.metadata("activities", a);
        }
        put.send().await.unwrap();
    }

    /// The event S3 sends for `key` (URL-encoded as S3 does), with a given sequencer and the
    /// object's ETag as it is now (what S3 puts in the event of the PUT that made it).
    async fn event(&self, key: &str, sequencer: &str) -> aws_lambda_events::event::s3::S3Event {
        let etag = match self
            .env
            .s3
            .head_object()
            .bucket(&self.env.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => head
                .e_tag()
                .unwrap_or_default()
                .trim_matches('"')
                .to_owned(),
            Err(_) => "no-such-object".to_owned(),
        };
        self.event_with_etag(key, sequencer, &etag)
    }

    fn event_with_etag(
        &self,
        key: &str,
        sequencer: &str,
        etag: &str,
    ) -> aws_lambda_events::event::s3::S3Event {
        let encoded = key.replace(' ', "+");
        serde_json::from_value(serde_json::json!({"Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": "2026-03-02T09:00:00.000Z", "eventName": "ObjectCreated:Put",
            "userIdentity": {"principalId": "AWS:TEST"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
            "responseElements": {"x-amz-request-id": "1", "x-amz-id-2": "2"},
            "s3": {"s3SchemaVersion": "1.0", "configurationId": "imports",
                   "bucket": {"name": self.env.bucket, "ownerIdentity": {"principalId": "x"}, "arn": format!("arn:aws:s3:::{}", self.env.bucket)},
                   "object": {"key": encoded, "size": 1, "eTag": etag, "sequencer": sequencer}}
        }]}))
        .unwrap()
    }

    async fn imports(&self, contract: &str) -> Vec<Import> {
        self.env
            .store
            .list_imports(&ContractId::parse(contract).unwrap())
            .await
            .unwrap()
    }

    async fn report(&self, import: &Import) -> String {
        let key = import.report_key.as_deref().expect("a report");
        let out = self
            .env
            .s3
            .get_object()
            .bucket(&self.env.bucket)
            .key(key)
            .send()
            .await
            .unwrap();
        String::from_utf8(out.body.collect().await.unwrap().into_bytes().to_vec()).unwrap()
    }

    async fn pending(&self, contract: &str) -> u64 {
        self.env.stored_contract(contract).await.counts.pending
    }

    /// Runs the mailer over everything the table's stream holds; returns mails sent in all.
    async fn mail_all(&self) -> usize {
        let mailer = mailer::App::new(
            Arc::new(self.env.store_as("mailer")),
            Arc::new(SesMailer::new(
                self.env.sesv2.clone(),
                "invitations@example.com",
                None,
            )),
            self.env.link_key.clone(),
            "https://learn.example.com",
        )
        .with_send_rate(10_000.0)
        .unwrap()
        .with_clock(Arc::new(t0));
        let event = serde_json::from_value(self.env.stream_event().await).unwrap();
        assert!(mailer
            .handle(event)
            .await
            .unwrap()
            .batch_item_failures
            .is_empty());
        self.env.sent_mail().len()
    }
}

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
    assert_eq!(requests.count("BatchGetItem"), rounds_read * 10);
    assert_eq!(w.report(&import).await.lines().count() as u64, total + 1);
    assert_eq!(w.pending("V1").await, total);
    assert_eq!(w.mail_all().await as u64, total);
}

#[tokio::test]
async fn files_that_cannot_be_imported_fail_with_a_reason_and_invite_nobody() {
    let w = World::new().await;
    let one = format!("{}\n", w.env.email("x"));
    w.put("imports/NOPE/a.csv", one.clone().into_bytes(), None)
        .await;
    w.put("imports/V3/b.csv", one.clone().into_bytes(), None)
        .await;
    w.put("imports/V3/c.csv", one.clone().into_bytes(), Some("a1,zz"))
        .await;
    w.put(
        "imports/V1/d.csv",
        vec![
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R',
        ],
        None,
    )
    .await;
    w.put("imports/V1/e.csv", b"name,phone\nAnn,123\n".to_vec(), None)
        .await;
    w.put("imports/V1/f.csv", one.repeat(100).into_bytes(), None)
        .await;
    let small = App {
        max_file_bytes: 1000,
        ..w.app.clone()
    };
    for (key, app) in [
        ("imports/NOPE/a.csv", &w.app),
        ("imports/V3/b.csv", &w.app),
        ("imports/V3/c.csv", &w.app),
        ("imports/V1/d.csv", &w.app),
        ("imports/V1/e.csv", &w.app),
        ("imports/V1/f.csv", &small),
    ] {
        handle(app, w.event(key, "0D").await).await.unwrap();
    }
    let reason = |i: &Import| match &i.status {
        ImportStatus::Failed { reason } => reason.clone(),
        other => panic!("{:?} is {other:?}", i.file_name),
    };
    let nope = &w
        .env
        .store
        .list_imports(&ContractId::parse("NOPE").unwrap())
        .await
        .unwrap()[0];
    assert_eq!(reason(nope), "There is no learning contract NOPE.");
    let mut v3: Vec<(String, String)> = w
        .imports("V3")
        .await
        .iter()
        .map(|i| (i.file_name.clone().unwrap(), reason(i)))
        .collect();
    v3.sort();
    assert_eq!(
        v3[0],
        (
            "b.csv".into(),
            "Choose at least one of the voucher's activities.".into()
        )
    );
    assert_eq!(
        v3[1],
        (
            "c.csv".into(),
            "The activity zz is not part of this contract: choose among its own activities.".into()
        )
    );
    let mut v1: Vec<(String, String)> = w
        .imports("V1")
        .await
        .iter()
        .map(|i| (i.file_name.clone().unwrap(), reason(i)))
        .collect();
    v1.sort();
    assert_eq!(
        v1[2],
        (
            "f.csv".into(),
            "The file is larger than the limit of 1000 bytes: split it into smaller files.".into()
        )
    );
    assert!(
        v1[0].1.contains("not") && v1[0].1.contains("text"),
        "{:?}",
        v1[0]
    );
    assert!(v1[1].1.contains("address"), "{:?}", v1[1]);
    assert_eq!(
        w.pending("V1").await + w.pending("V3").await,
        0,
        "nothing invited"
    );
    // Objects outside imports/<contract>/ are not imports at all.
    handle(&w.app, w.event("reports/V1/x.csv", "0E").await)
        .await
        .unwrap();
    handle(&w.app, w.event("imports/stray.csv", "0F").await)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_upload_through_the_bucket_notification_is_imported() {
    use aws_sdk_s3::types::{Event, NotificationConfiguration, QueueConfiguration};
    let w = World::new().await;
    let sqs = aws_sdk_sqs::Client::new(&w.env.sdk);
    let queue = sqs
        .create_queue()
        .queue_name(format!("imports-{}", w.env.tag))
        .send()
        .await
        .unwrap();
    let queue_url = queue.queue_url().unwrap().to_owned();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone();
    w.env
        .s3
        .put_bucket_notification_configuration()
        .bucket(&w.env.bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(
                    QueueConfiguration::builder()
                        .queue_arn(arn)
                        .events(Event::S3ObjectCreated)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let csv = format!("{}\n{}\n", w.env.email("n1"), w.env.email("n2"));
    w.put(
        "imports/V1/from the notification.csv",
        csv.into_bytes(),
        None,
    )
    .await;

    let mut event = None;
    for _ in 0..20 {
        let got = sqs
            .receive_message()
            .queue_url(&queue_url)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        if let Some(message) = got
            .messages()
            .iter()
            .find(|m| m.body().is_some_and(|b| b.contains("ObjectCreated")))
        {
            event = Some(
                serde_json::from_value::<aws_lambda_events::event::s3::S3Event>(
                    testkit::s3_event_as_aws_sends_it(message.body().unwrap()),
                )
                .unwrap(),
            );
            break;
        }
    }
    let event = event.expect("S3 sent a notification");
    assert!(
        event.records[0]
            .s3
            .object
            .key
            .as_deref()
            .unwrap()
            .contains('+'),
        "keys arrive URL-encoded"
    );
    handle(&w.app, event).await.unwrap();
    let import = &w.imports("V1").await[0];
    assert_eq!(
        (import.status.clone(), import.counts.invited),
        (ImportStatus::Done, 2)
    );
    assert_eq!(
        import.file_name.as_deref(),
        Some("from the notification.csv")
    );
}

/// An announced upload takes the first file put at its key, and only that one: a second PUT
/// with the same upload URL (other contents) is refused, noted on the import once however
/// often its event comes, and invites nobody.
#[tokio::test]
async fn an_announced_upload_takes_its_first_file_and_refuses_a_later_one() {
    let w = World::new().await;
    let contract = ContractId::parse("V1").unwrap();
    let id = ImportId::new(t0());
    let announced = Import {
        id: id.clone(),
        contract_id: contract.clone(),
        status: ImportStatus::Queued,
        activities: vec![ActivityId::parse("a1").unwrap()],
        created_by: Some(UserId::parse("admin-1").unwrap()),
        created_at: t0(),
        updated_at: t0(),
        file_name: Some("list.csv".into()),
        rows_read: 0,
        counts: ImportCounts::default(),
        first_bad_rows: vec![],
        report_key: None,
        upload: None,
        refused_uploads: 0,
        put_by: None,
        announced_size: None,
        mode: ImportMode::Invite,
        checked_by: None,
        file_key: None,
        file_etag: None,
    };
    assert!(w.env.store.create_import(&announced).await.unwrap());
    let key = format!("imports/V1/{id}.csv");
    let first = format!("{}\n{}\n", w.env.email("first1"), w.env.email("first2"));
    w.put(&key, first.into_bytes(), None).await;
    handle(&w.app, w.event(&key, "0001").await).await.unwrap();

    // The same URL used again, with another list.
    let second = format!("{}\n", w.env.email("second"));
    w.put(&key, second.into_bytes(), None).await;
    for _ in 0..2 {
        handle(&w.app, w.event(&key, "0002").await).await.unwrap();
    }
    // The first file's event once more changes nothing either.
    handle(&w.app, w.event(&key, "0001").await).await.unwrap();

    let import = w
        .env
        .store
        .get_import(&contract, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(import.status, ImportStatus::Done);
    assert_eq!(import.counts.invited, 2);
    assert_eq!(import.refused_uploads, 1);
    assert_eq!(import.upload.as_deref(), Some("0001"));
    // Who put the file (the event's principal) is on the import and in the audit, once.
    assert_eq!(import.put_by.as_deref(), Some("AWS:TEST"));
    let audit = w.env.store.list_audit(&contract, 50).await.unwrap();
    let imports: Vec<_> = audit
        .iter()
        .filter(|a| a.action == AuditAction::Import)
        .collect();
    assert_eq!(imports.len(), 1, "{audit:?}");
    assert!(imports[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("by AWS:TEST"));
    assert_eq!(imports[0].actor, Some(UserId::parse("admin-1").unwrap()));
    assert_eq!(w.pending("V1").await, 2, "nobody from the second file");

    // A subscription: the upload route stored all its activities (what resolving gives); the
    // import takes them as they are.
    let mut subscription = voucher("S", &["s1", "s2"], None);
    subscription.kind = ContractKind::Subscription;
    w.env.store.put_contract(&subscription).await.unwrap();
    let sid = ImportId::new(t0() + Duration::seconds(1));
    let for_subscription = Import {
        id: sid.clone(),
        contract_id: subscription.id.clone(),
        activities: subscription
            .activities
            .iter()
            .map(|a| a.id.clone())
            .collect(),
        ..announced
    };
    assert!(w.env.store.create_import(&for_subscription).await.unwrap());
    let key = format!("imports/S/{sid}.csv");
    w.put(&key, format!("{}\n", w.env.email("sub")).into_bytes(), None)
        .await;
    handle(&w.app, w.event(&key, "0003").await).await.unwrap();
    let done = w
        .env
        .store
        .get_import(&subscription.id, &sid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (done.status.clone(), done.counts.invited),
        (ImportStatus::Done, 1),
        "{done:?}"
    );
}

/// An announced upload names its size, and the URL signs it, so in AWS S3 refuses a file of
/// another size; where nothing checks signatures the import refuses it instead, inviting nobody.
#[tokio::test]
async fn a_file_of_another_size_than_announced_fails_and_invites_nobody() {
    let w = World::new().await;
    let contract = ContractId::parse("V1").unwrap();
    let id = ImportId::new(t0());
    let list = format!("{}\n{}\n", w.env.email("one"), w.env.email("two"));
    let announced = Import {
        id: id.clone(),
        contract_id: contract.clone(),
        status: ImportStatus::Queued,
        activities: vec![ActivityId::parse("a1").unwrap()],
        created_by: Some(UserId::parse("admin-1").unwrap()),
        created_at: t0(),
        updated_at: t0(),
        file_name: Some("list.csv".into()),
        rows_read: 0,
        counts: ImportCounts::default(),
        first_bad_rows: vec![],
        report_key: None,
        upload: None,
        refused_uploads: 0,
        put_by: None,
        announced_size: Some(list.len() as u64 - 1),
        mode: ImportMode::Invite,
        checked_by: None,
        file_key: None,
        file_etag: None,
    };
    assert!(w.env.store.create_import(&announced).await.unwrap());
    let key = format!("imports/V1/{id}.csv");
    w.put(&key, list.clone().into_bytes(), None).await;
    handle(&w.app, w.event(&key, "0001").await).await.unwrap();

    let import = w
        .env
        .store
        .get_import(&contract, &id)
        .await
        .unwrap()
        .unwrap();
    let ImportStatus::Failed { reason } = &import.status else {
        panic!("{import:?}");
    };
    assert_eq!(
        reason,
        &format!(
            "The file is {} bytes, but the upload announced {} bytes: upload it again.",
            list.len(),
            list.len() - 1
        )
    );
    assert_eq!(w.pending("V1").await, 0);
}

/// A check (a dropped file with `mode=check`): every row classified against the table as it
/// is now, across rounds, with the seats left counted down, and nothing written but the
/// import's own record and report.
#[tokio::test]
async fn a_check_classifies_every_row_and_writes_no_invitation() {
    let w = World::new().await;
    // A contract with two seats taken and three left after this setup.
    w.env
        .store
        .put_contract(&voucher("S2", &["a1"], Some(5)))
        .await
        .unwrap();
    let (already, enrolled, revoked) = (
        w.env.email("already"),
        w.env.email("enrolled"),
        w.env.email("revoked"),
    );
    let key = "imports/S2/first.csv";
    w.put(
        key,
        format!("{already}\n{enrolled}\n{revoked}\n").into_bytes(),
        Some("a1"),
    )
    .await;
    handle(&w.app, w.event(key, "0001").await).await.unwrap();
    let contract = ContractId::parse("S2").unwrap();
    let found = w
        .env
        .store
        .find_invitations_by_email(
            &contract,
            &[
                EmailAddress::parse(&enrolled).unwrap().identity(),
                EmailAddress::parse(&revoked).unwrap().identity(),
            ],
        )
        .await
        .unwrap();
    let by = UserId::parse("admin-1").unwrap();
    for inv in &found {
        if inv.email.identity() == EmailAddress::parse(&enrolled).unwrap().identity() {
            let token = LinkToken {
                invitation_id: inv.id.clone(),
                version: inv.token_version,
            };
            let who = Enrolee::New {
                subject: UserId::random(),
                name: "E".into(),
            };
            w.env.store.enrol(&token, who, t0()).await.unwrap();
        } else {
            w.env
                .store
                .revoke(&contract, &inv.id, &by, t0())
                .await
                .unwrap();
        }
    }
    let blocked = w.env.email("blocked");
    w.env
        .store
        .block_address(&AddressBlock {
            identity: EmailAddress::parse(&blocked).unwrap().identity().to_owned(),
            kind: ReportKind::BouncedPermanent,
            detail: "smtp; 550 no such user".into(),
            at: t0(),
        })
        .await
        .unwrap();
    let pending_before = w.pending("S2").await;

    // Lines 2-10 as below, fillers to the end of the first round (980 rows), then line 2's
    // address again in the second round.
    let new = |i: u32| w.env.email(&format!("new{i}"));
    let mut file = format!(
        "Email\n{}\n{revoked}\n{already}\n{enrolled}\nnot an address\n{}\n{blocked}\n{}\n{}\n",
        new(1),
        new(1).to_uppercase(),
        new(2),
        new(3)
    );
    for i in 0..971 {
        file.push_str(&format!("{}\n", w.env.email(&format!("filler{i}"))));
    }
    file.push_str(&format!("{}\n", new(1)));
    let check_key = "imports/S2/check.csv";
    w.env
        .s3
        .put_object()
        .bucket(&w.env.bucket)
        .key(check_key)
        .metadata("mode", "check")
        .metadata("activities", "a1")
        .body(file.into_bytes().into())
        .send()
        .await
        .unwrap();
    handle(&w.app, w.event(check_key, "0002").await)
        .await
        .unwrap();

    let check = w
        .imports("S2")
        .await
        .into_iter()
        .find(|i| i.file_key.as_deref() == Some(check_key))
        .expect("the check's import");
    assert_eq!(
        (check.mode, &check.status),
        (ImportMode::Check, &ImportStatus::Done)
    );
    let c = check.counts;
    assert_eq!(
        (
            c.invited,
            c.reinvited,
            c.already_invited,
            c.already_enrolled
        ),
        (2, 1, 1, 1),
        "{c:?}"
    );
    assert_eq!(
        (
            c.invalid_email,
            c.duplicate,
            c.address_blocked,
            c.over_seat_limit
        ),
        (1, 2, 1, 972),
        "{c:?}"
    );
    let report = w.report(&check).await;
    for expected in [
        format!("2,{},would_invite", new(1)),
        format!("3,{revoked},would_reinvite"),
        format!(
            "7,{},duplicate,\"The same address is on line 2, so it would be invited once.\"",
            new(1).to_uppercase()
        ),
        format!("8,{blocked},address_blocked"),
        format!("10,{},over_seat_limit", new(3)),
        format!(
            "982,{},duplicate,\"The same address is on line 2, so it would be invited once.\"",
            new(1)
        ),
    ] {
        assert!(report.contains(&expected), "{expected} in the report");
    }
    // Nothing was written: no invitation for the new addresses, the revoked one still revoked.
    assert_eq!(w.pending("S2").await, pending_before);
    let new_one = EmailAddress::parse(&new(1)).unwrap();
    assert!(w
        .env
        .store
        .find_invitations_by_email(&contract, &[new_one.identity()])
        .await
        .unwrap()
        .is_empty());
    let still = w
        .env
        .store
        .find_invitations_by_email(
            &contract,
            &[EmailAddress::parse(&revoked).unwrap().identity()],
        )
        .await
        .unwrap();
    assert_eq!(still[0].status, InvitationStatus::Revoked);
}

/// Issue 26: an import reads the file its event announced, never one put at the same key
/// after it (same length, other addresses): it fails in words and invites nobody.
#[tokio::test]
async fn a_file_replaced_after_its_event_is_not_read_in_its_place() {
    let w = World::new().await;
    let key = "imports/V1/swap.csv";
    let first = format!("{}\n", w.env.email("aaaa"));
    let second = format!("{}\n", w.env.email("bbbb"));
    assert_eq!(first.len(), second.len());
    w.put(key, first.into_bytes(), Some("a1")).await;
    let event = w.event(key, "0A1").await;
    w.put(key, second.into_bytes(), Some("a1")).await;
    handle(&w.app, event).await.unwrap();
    let import = w
        .imports("V1")
        .await
        .into_iter()
        .find(|i| i.file_key.as_deref() == Some(key))
        .expect("the import");
    let ImportStatus::Failed { reason } = &import.status else {
        panic!("{:?}", import.status)
    };
    assert!(reason.contains("replaced"), "{reason}");
    assert_eq!(w.pending("V1").await, 0, "nobody invited from either file");
}
