//! The import function's test world: a contract, the bucket, the mailer over the stream.

use ::import::App;
use chrono::{DateTime, TimeZone, Utc};
use invitations_core::adapters::{S3Blobs, SesMailer};
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;
use testkit::TestEnv;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn voucher(id: &str, activities: &[&str], seat_limit: Option<u64>) -> Contract {
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

/// An upload the API announced: queued for `list.csv`, activity a1, by admin-1.
pub fn announced_import(id: &ImportId, contract: &ContractId) -> Import {
    Import::queued(
        id.clone(),
        contract.clone(),
        vec![ActivityId::parse("a1").unwrap()],
        Some(UserId::parse("admin-1").unwrap()),
        Some("list.csv".into()),
        t0(),
    )
}

pub struct World {
    pub env: TestEnv,
    pub app: App,
}
impl World {
    pub async fn new() -> Self {
        let env = TestEnv::new().await;
        let app = App {
            store: Arc::new(env.store_as("import")),
            blobs: Arc::new(S3Blobs::new(env.s3.clone(), &env.bucket)),
            clock: Arc::new(t0),
            max_file_bytes: ::import::MAX_FILE_BYTES,
            fan_out: None,
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

    pub async fn put(&self, key: &str, body: Vec<u8>, activities: Option<&str>) {
        let metadata: Vec<_> = activities.map(|a| ("activities", a)).into_iter().collect();
        self.put_with(key, body, &metadata).await;
    }

    /// Puts a file with these object metadata (`x-amz-meta-<name>`).
    pub async fn put_with(&self, key: &str, body: Vec<u8>, metadata: &[(&str, &str)]) {
        let mut put = self
            .env
            .s3
            .put_object()
            .bucket(&self.env.bucket)
            .key(key)
            .body(body.into());
        for (name, value) in metadata {
            put = put.metadata(*name, *value);
        }
        put.send().await.unwrap();
    }

    /// Drops a file with these metadata and handles its event; answers its import.
    pub async fn drop_file(&self, key: &str, body: Vec<u8>, metadata: &[(&str, &str)]) -> Import {
        self.put_with(key, body, metadata).await;
        ::import::handle(&self.app, self.event(key, "0C1").await)
            .await
            .unwrap();
        let contract = key.split('/').nth(1).expect("imports/<contract>/<file>");
        self.imports(contract)
            .await
            .into_iter()
            .find(|i| i.file_key.as_deref() == Some(key))
            .expect("the file's import")
    }

    /// The invitations of `contract` for these addresses, by address as entered.
    pub async fn invitations(
        &self,
        contract: &str,
        addresses: &[&str],
    ) -> std::collections::HashMap<String, Invitation> {
        let parsed: Vec<EmailAddress> = addresses
            .iter()
            .map(|a| EmailAddress::parse(a).unwrap())
            .collect();
        let identities: Vec<&str> = parsed.iter().map(EmailAddress::identity).collect();
        self.env
            .store
            .find_invitations_by_email(&ContractId::parse(contract).unwrap(), &identities)
            .await
            .unwrap()
            .into_iter()
            .map(|inv| (inv.email.identity().to_owned(), inv))
            .collect()
    }

    /// The event S3 sends for `key` (URL-encoded as S3 does), with a given sequencer and the
    /// object's ETag as it is now (what S3 puts in the event of the PUT that made it).
    pub async fn event(&self, key: &str, sequencer: &str) -> aws_lambda_events::event::s3::S3Event {
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

    pub fn event_with_etag(
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

    pub async fn imports(&self, contract: &str) -> Vec<Import> {
        self.env
            .store
            .list_imports(&ContractId::parse(contract).unwrap())
            .await
            .unwrap()
    }

    pub async fn report(&self, import: &Import) -> String {
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

    pub async fn pending(&self, contract: &str) -> u64 {
        self.env.stored_contract(contract).await.counts.pending
    }

    /// Runs the mailer over everything the table's stream holds; returns mails sent in all.
    pub async fn mail_all(&self) -> usize {
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
