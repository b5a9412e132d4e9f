//! The event bridge against the emulators: events that keep failing are retried the way Lambda
//! retries them, then parked on the failure queue with how often they were tried, never dropped.

use invitations_core::adapters::{DynamoStore, S3Blobs, SesMailer};
use invitations_core::domain::{Delivery, EmailAddress, LinkKey, Source, UserId};
use invitations_core::ports::{
    self, ContractStore, InvitationQuery, InvitationStore, Invitee, NewInvitations,
};
use local_stack::bridge::{Bridge, IMPORT_ATTEMPTS, STREAM_RETRIES};
use local_stack::provision::{self, Names, Resources};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use testkit::{emulators, sdk_config};

struct World {
    sdk: aws_config::SdkConfig,
    s3: aws_sdk_s3::Client,
    sqs: aws_sdk_sqs::Client,
    resources: Resources,
    store: DynamoStore,
}

impl World {
    async fn new() -> Self {
        let emulators = tokio::task::spawn_blocking(emulators)
            .await
            .unwrap()
            .clone();
        let sdk = sdk_config(&emulators.aws);
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        let sqs = aws_sdk_sqs::Client::new(&sdk);
        let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
        let names = Names::with_prefix(&format!("bridge-{tag}"));
        let bus = aws_sdk_eventbridge::Client::new(&sdk);
        let resources = provision::create(&dynamodb, &s3, &sqs, &bus, &names, "http://127.0.0.1:1")
            .await
            .expect("resources");
        let store = DynamoStore::new(dynamodb, &names.table);
        Self {
            sdk,
            s3,
            sqs,
            resources,
            store,
        }
    }

    /// A bridge whose import reads `import_table` and whose mailer sends through `ses`.
    fn bridge(&self, import_table: &str, ses: &str) -> Arc<Bridge> {
        let sesv2 = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&self.sdk)
                .endpoint_url(ses)
                .build(),
        );
        let link_key = LinkKey::from_bytes(vec![7; 32]).unwrap();
        let mailer = mailer::App::new(
            Arc::new(self.store.clone()),
            Arc::new(SesMailer::new(sesv2, "from@example.com", None)),
            link_key,
            "http://127.0.0.1:1",
        )
        .with_retry(mailer::RetryPolicy {
            attempts: 1,
            first_delay: Duration::from_millis(1),
        });
        let import = import::App {
            store: Arc::new(DynamoStore::new(
                aws_sdk_dynamodb::Client::new(&self.sdk),
                import_table,
            )),
            blobs: Arc::new(S3Blobs::new(self.s3.clone(), &self.resources.names.bucket)),
            clock: ports::system_clock(),
            max_file_bytes: import::MAX_FILE_BYTES,
            fan_out: None,
        };
        Arc::new(Bridge {
            stream_filters: local_stack::template::Template::load().stream_filters("mailer"),
            sqs: self.sqs.clone(),
            dynamodb: aws_sdk_dynamodb::Client::new(&self.sdk),
            streams: aws_sdk_dynamodbstreams::Client::new(&self.sdk),
            table: self.resources.names.table.clone(),
            import_queue_url: self.resources.import_queue_url.clone(),
            chunk_queue_url: self.resources.chunk_queue_url.clone(),
            failure_queue_url: self.resources.failure_queue_url.clone(),
            import: Arc::new(import),
            mailer: Arc::new(mailer),
            events: None,
            waiting_list: None,
            privacy: None,
        })
    }

    /// The first parked event, waiting up to `within`.
    async fn parked(&self, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let got = self
                .sqs
                .receive_message()
                .queue_url(&self.resources.failure_queue_url)
                .send()
                .await
                .unwrap();
            if let Some(body) = got.messages().first().and_then(|m| m.body()) {
                return serde_json::from_str(body).unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "nothing was parked within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn messages_left(&self, queue: &str) -> u64 {
        use aws_sdk_sqs::types::QueueAttributeName as A;
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(queue)
            .attribute_names(A::ApproximateNumberOfMessages)
            .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .unwrap();
        let attributes = out.attributes().unwrap();
        [
            A::ApproximateNumberOfMessages,
            A::ApproximateNumberOfMessagesNotVisible,
        ]
        .iter()
        .map(|a| attributes[a].parse::<u64>().unwrap())
        .sum()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_that_keeps_failing_is_tried_three_times_then_parked() {
    let w = World::new().await;
    // The import's table does not exist: every attempt fails before anything is written.
    let tasks = w
        .bridge("no-such-table", "http://127.0.0.1:1")
        .start()
        .await
        .unwrap();
    w.s3.put_object()
        .bucket(&w.resources.names.bucket)
        .key("imports/leadership-2026/list.csv")
        .body(b"ada@example.com\n".to_vec().into())
        .send()
        .await
        .unwrap();

    let parked = w.parked(Duration::from_secs(60)).await;
    assert_eq!(parked["source"], "import");
    assert_eq!(parked["attempts"], IMPORT_ATTEMPTS);
    assert!(
        parked["event"]
            .as_str()
            .unwrap()
            .contains("imports%2Fleadership-2026%2Flist.csv"),
        "the parked event is the S3 notification (keys arrive URL-encoded): {parked}"
    );
    assert_eq!(
        w.messages_left(&w.resources.import_queue_url).await,
        0,
        "the notification left the import queue"
    );
    tasks.iter().for_each(|t| t.abort());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_that_keeps_failing_is_retried_then_parked_and_the_send_stays_queued() {
    let w = World::new().await;
    // Nothing listens on port 1: every send fails as "busy", so the mailer asks for the
    // records again each time.
    let tasks = w
        .bridge(&w.resources.names.table, "http://127.0.0.1:1")
        .start()
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let contract = local_stack::seed::demo_contracts(now, "ada-admin", "grace-admin").remove(0);
    w.store.put_contract(&contract).await.unwrap();
    let outcomes = w
        .store
        .create_invitations(NewInvitations {
            contract: &contract,
            activities: &[],
            invited_by: &UserId::parse("ada-admin").unwrap(),
            now,
            invitees: &[Invitee {
                email: EmailAddress::parse("robin@bridge.example").unwrap(),
                user_id: None,
                name: None,
                source: Source::Manual,
                options: Default::default(),
            }],
        })
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 1);

    let parked = w.parked(Duration::from_secs(60)).await;
    assert_eq!(parked["source"], "stream");
    assert_eq!(parked["attempts"], i64::from(STREAM_RETRIES) + 1);
    let event: Value = serde_json::from_str(parked["event"].as_str().unwrap()).unwrap();
    assert!(
        event.to_string().contains("robin@bridge.example"),
        "the parked records are the invitation's: {event}"
    );
    let page = w
        .store
        .list_invitations(
            &contract.id,
            &InvitationQuery {
                limit: 10,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert!(
        matches!(page.invitations[0].delivery, Delivery::Queued),
        "the claim was given back, so a later retry can still send it: {:?}",
        page.invitations[0].delivery
    );
    tasks.iter().for_each(|t| t.abort());
}
