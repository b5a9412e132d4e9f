//! The event bridge: what Lambda's triggers do in AWS, done by polling the emulators.
//!
//! - Imports: S3 ObjectCreated notifications arrive on an SQS queue (moto cannot invoke a
//!   function). Each becomes the S3 event JSON AWS sends and goes to `import::handle`. A failure
//!   is retried like an asynchronous invocation (3 attempts in all, a few seconds apart), then
//!   logged and parked on the failure queue, never dropped silently.
//! - A large import's chunks (issue 33): its chunk queue is read as Lambda's SQS trigger
//!   reads it, each message an SQS event of one record to `import::handle_chunks`, the
//!   messages of a receive run at once (the template lets 20 run); a failed one comes back
//!   after the queue's visibility timeout, and after five deliveries is parked.
//! - Mail: the table's stream is read from LATEST, like the template's event source mapping, in
//!   batches of up to 25. Each batch becomes the DynamoDB stream event JSON and goes to the
//!   mailer. Records it reports as failed are delivered again from the first failure on, up to
//!   10 retries, then logged and parked on the failure queue and skipped.
//! - Events: the `events` function reads the same stream from a position of its own (its
//!   trigger's filters), and puts the product's events on the stack's bus on moto; the rule on
//!   the bus fills a queue, which this reads for the local targets (`/local/events` shows what
//!   arrived).
//! - Waiting lists: the `waiting-list` function reads the stream from a position of its own
//!   (its trigger's filter: contracts marked as having people waiting) and invites the first in
//!   line when a seat frees.

use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use std::sync::Arc;
use std::time::Duration;
use testkit::{lambda_stream_event, s3_event_as_aws_sends_it};
use tokio::task::JoinHandle;

/// Attempts of an asynchronous invocation: the first and Lambda's two retries.
pub const IMPORT_ATTEMPTS: i64 = 3;
/// The template's `maxReceiveCount` for the chunk queue.
pub const CHUNK_ATTEMPTS: i64 = 5;
/// The template's `MaximumRetryAttempts` for the stream.
pub const STREAM_RETRIES: u32 = 10;
/// The template's `BatchSize` for the stream.
pub const STREAM_BATCH: usize = 25;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub struct Bridge {
    pub sqs: aws_sdk_sqs::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub streams: aws_sdk_dynamodbstreams::Client,
    pub table: String,
    pub import_queue_url: String,
    pub chunk_queue_url: String,
    pub failure_queue_url: String,
    pub import: Arc<import::App>,
    pub mailer: Arc<mailer::App>,
    /// The mailer trigger's FilterCriteria patterns from infra/template.yaml: records that
    /// match none never reach the mailer, as in AWS.
    pub stream_filters: Vec<serde_json::Value>,
    /// The events function and what a rule on the stack's bus delivers (`None`: not run).
    pub events: Option<ProductEvents>,
    /// The waiting-list function and its trigger's filters (`None`: not run).
    pub waiting_list: Option<(Arc<::waiting_list::App>, Vec<serde_json::Value>)>,
    /// The privacy function and its trigger's filters (`None`: not run).
    pub privacy: Option<(Arc<::privacy::App>, Vec<serde_json::Value>)>,
}

/// The `events` function on the stream (its trigger's filters), and the local targets of the
/// bus: the queue its rule fills, read into `received` (the newest last, at most
/// RECEIVED_KEPT), which the gateway shows at `/local/events`.
pub struct ProductEvents {
    pub app: Arc<::events::App>,
    /// The `webhooks` function, a target of the bus's rule as in AWS.
    pub webhooks: Option<Arc<::webhooks::run::App>>,
    pub filters: Vec<serde_json::Value>,
    pub queue_url: String,
    pub received: Received,
}

/// The product events the local targets received, as EventBridge delivered them.
pub type Received = Arc<std::sync::Mutex<std::collections::VecDeque<serde_json::Value>>>;
/// How many received events the local stack keeps to show.
pub const RECEIVED_KEPT: usize = 500;

/// Who reads the stream: each has its own position, as each event source mapping does in AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Consumer {
    Mailer,
    Events,
    WaitingList,
    Privacy,
}

impl Bridge {
    /// Starts both pollers. The stream is positioned at its end before this returns, so every
    /// write after it is mailed.
    pub async fn start(self: Arc<Self>) -> Result<Vec<JoinHandle<()>>, BoxError> {
        let shards = self.stream_shards_at_latest().await?;
        let imports = tokio::spawn(self.clone().poll_imports());
        let chunks = tokio::spawn(self.clone().poll_chunks());
        let mail = tokio::spawn(self.clone().poll_stream(Consumer::Mailer, shards));
        let mut tasks = vec![imports, chunks, mail];
        if self.events.is_some() {
            let shards = self.stream_shards_at_latest().await?;
            tasks.push(tokio::spawn(
                self.clone().poll_stream(Consumer::Events, shards),
            ));
            tasks.push(tokio::spawn(self.clone().poll_product_events()));
        }
        if self.waiting_list.is_some() {
            let shards = self.stream_shards_at_latest().await?;
            tasks.push(tokio::spawn(
                self.clone().poll_stream(Consumer::WaitingList, shards),
            ));
        }
        if self.privacy.is_some() {
            let shards = self.stream_shards_at_latest().await?;
            tasks.push(tokio::spawn(
                self.clone().poll_stream(Consumer::Privacy, shards),
            ));
        }
        Ok(tasks)
    }

    /// The local targets: what the bus's rule put on its queue, kept to show.
    async fn poll_product_events(self: Arc<Self>) {
        let Some(events) = &self.events else { return };
        loop {
            let got = self
                .sqs
                .receive_message()
                .queue_url(&events.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(0)
                .send()
                .await;
            let messages = match got {
                Ok(got) => got.messages.unwrap_or_default(),
                Err(e) => {
                    tracing::warn!(error = %e, "reading the product events failed; trying again");
                    Vec::new()
                }
            };
            for message in &messages {
                if let Some(Ok(event)) = message
                    .body()
                    .map(serde_json::from_str::<serde_json::Value>)
                {
                    tracing::info!(kind = %event["detail-type"], id = %event["detail"]["id"], "product event on the bus");
                    if let (Some(hooks), Ok(product)) = (
                        &events.webhooks,
                        serde_json::from_value::<invitations_wire::events::ProductEvent>(
                            event["detail"].clone(),
                        ),
                    ) {
                        if let Err(e) = ::webhooks::run::on_event(hooks, &product).await {
                            tracing::warn!(error = %e, "webhooks failed on an event; the sweep tries its messages again");
                        }
                    }
                    let mut received = events.received.lock().expect("the received events");
                    received.push_back(event);
                    while received.len() > RECEIVED_KEPT {
                        received.pop_front();
                    }
                }
                if let Some(receipt) = message.receipt_handle() {
                    let _ = self
                        .sqs
                        .delete_message()
                        .queue_url(&events.queue_url)
                        .receipt_handle(receipt)
                        .send()
                        .await;
                }
            }
            if messages.is_empty() {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
    }

    fn filters(&self, consumer: Consumer) -> &[serde_json::Value] {
        match (consumer, &self.events, &self.waiting_list) {
            (Consumer::Events, Some(events), _) => &events.filters,
            (Consumer::WaitingList, _, Some((_, filters))) => filters,
            (Consumer::Privacy, _, _) => match &self.privacy {
                Some((_, filters)) => filters,
                None => &self.stream_filters,
            },
            _ => &self.stream_filters,
        }
    }

    /// One batch to a consumer's handler.
    async fn invoke(
        &self,
        consumer: Consumer,
        event: StreamEvent,
    ) -> Result<DynamoDbEventResponse, lambda_runtime::Error> {
        match (consumer, &self.events, &self.waiting_list) {
            (Consumer::Events, Some(events), _) => ::events::handle(&events.app, event).await,
            (Consumer::WaitingList, _, Some((app, _))) => ::waiting_list::handle(app, event).await,
            (Consumer::Privacy, _, _) => match &self.privacy {
                Some((app, _)) => ::privacy::handle(app, event)
                    .await
                    .map(|()| DynamoDbEventResponse::default()),
                None => Ok(DynamoDbEventResponse::default()),
            },
            _ => self.mailer.handle(event).await,
        }
    }

    async fn poll_imports(self: Arc<Self>) {
        loop {
            match self.import_round().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(Duration::from_millis(500)).await,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the import queue failed; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Handles what is on the queue now; true when there was anything.
    async fn import_round(&self) -> Result<bool, BoxError> {
        let got = self
            .sqs
            .receive_message()
            .queue_url(&self.import_queue_url)
            .max_number_of_messages(10)
            // No long polling: the emulator serves one request at a time, and a waiting
            // receive would hold up every other call.
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await?;
        for message in got.messages() {
            let body = message.body().unwrap_or_default();
            let receipt = message.receipt_handle().unwrap_or_default();
            let attempt: i64 = message
                .attributes()
                .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            // S3 sends a test event when the notification is configured; it is not an upload.
            if !body.contains("\"Records\"") {
                self.delete(receipt).await?;
                continue;
            }
            let outcome = match serde_json::from_value::<S3Event>(s3_event_as_aws_sends_it(body)) {
                Err(e) => Err(format!("not an S3 event: {e}")),
                Ok(event) => {
                    let keys: Vec<String> = event
                        .records
                        .iter()
                        .filter_map(|r| r.s3.object.key.clone())
                        .collect();
                    tracing::info!(?keys, attempt, "import: invoking for an S3 upload");
                    import::handle(&self.import, event)
                        .await
                        .map_err(|e| e.to_string())
                }
            };
            match outcome {
                Ok(()) => self.delete(receipt).await?,
                Err(e) if attempt < IMPORT_ATTEMPTS => {
                    tracing::warn!(error = %e, attempt, "import failed; Lambda would retry it");
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt, "import failed for good; parked on the failure queue");
                    self.park("import", attempt, body).await?;
                    self.delete(receipt).await?;
                }
            }
        }
        Ok(!got.messages().is_empty())
    }

    async fn poll_chunks(self: Arc<Self>) {
        loop {
            match self.chunk_round().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(Duration::from_millis(300)).await,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the chunk queue failed; trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Runs the chunks on the queue now, at once; true when there were any.
    async fn chunk_round(&self) -> Result<bool, BoxError> {
        let got = self
            .sqs
            .receive_message()
            .queue_url(&self.chunk_queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(0)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await?;
        let runs = got.messages().iter().map(|message| async move {
            let body = message.body().unwrap_or_default();
            let attempt: i64 = message
                .attributes()
                .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let event = serde_json::json!({ "Records": [{
                "messageId": message.message_id(),
                "receiptHandle": message.receipt_handle(),
                "body": body,
                "eventSource": "aws:sqs",
            }]});
            let outcome = match serde_json::from_value(event) {
                Ok(event) => import::handle_chunks(&self.import, event, None)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            (
                message.receipt_handle().unwrap_or_default(),
                body,
                attempt,
                outcome,
            )
        });
        for (receipt, body, attempt, outcome) in futures::future::join_all(runs).await {
            match outcome {
                Ok(()) => self.delete_from(&self.chunk_queue_url, receipt).await?,
                Err(e) if attempt < CHUNK_ATTEMPTS => {
                    tracing::warn!(error = %e, attempt, "a chunk failed; SQS delivers it again");
                }
                Err(e) => {
                    tracing::error!(error = %e, attempt, "a chunk failed for good; parked on the failure queue");
                    self.park("import-chunk", attempt, body).await?;
                    self.delete_from(&self.chunk_queue_url, receipt).await?;
                }
            }
        }
        Ok(!got.messages().is_empty())
    }

    async fn delete(&self, receipt: &str) -> Result<(), BoxError> {
        self.delete_from(&self.import_queue_url, receipt).await
    }

    async fn delete_from(&self, queue_url: &str, receipt: &str) -> Result<(), BoxError> {
        self.sqs
            .delete_message()
            .queue_url(queue_url)
            .receipt_handle(receipt)
            .send()
            .await?;
        Ok(())
    }

    /// Puts an event that kept failing on the failure queue, with how often it was tried.
    async fn park(&self, source: &str, attempts: i64, body: &str) -> Result<(), BoxError> {
        self.sqs
            .send_message()
            .queue_url(&self.failure_queue_url)
            .message_body(
                serde_json::json!({ "source": source, "attempts": attempts, "event": body })
                    .to_string(),
            )
            .send()
            .await?;
        Ok(())
    }

    async fn stream_arn(&self) -> Result<String, BoxError> {
        Ok(self
            .dynamodb
            .describe_table()
            .table_name(&self.table)
            .send()
            .await?
            .table()
            .and_then(|t| t.latest_stream_arn())
            .ok_or("the table has no stream")?
            .to_owned())
    }

    /// Every shard of the stream with an iterator at its end.
    async fn stream_shards_at_latest(&self) -> Result<Vec<Shard>, BoxError> {
        let arn = self.stream_arn().await?;
        let described = self
            .streams
            .describe_stream()
            .stream_arn(&arn)
            .send()
            .await?;
        let mut shards = Vec::new();
        for shard in described
            .stream_description()
            .map(|d| d.shards())
            .unwrap_or_default()
        {
            let Some(id) = shard.shard_id() else { continue };
            let iterator = self
                .streams
                .get_shard_iterator()
                .stream_arn(&arn)
                .shard_id(id)
                .shard_iterator_type(ShardIteratorType::Latest)
                .send()
                .await?
                .shard_iterator()
                .map(str::to_owned);
            shards.push(Shard {
                arn: arn.clone(),
                id: id.to_owned(),
                iterator,
                pending: Vec::new(),
            });
        }
        Ok(shards)
    }

    async fn poll_stream(self: Arc<Self>, consumer: Consumer, mut shards: Vec<Shard>) {
        loop {
            let mut idle = true;
            for shard in &mut shards {
                match self.stream_round(consumer, shard).await {
                    Ok(worked) => idle &= !worked,
                    Err(e) => {
                        tracing::warn!(shard = %shard.id, error = %e, "reading the stream failed; trying again")
                    }
                }
            }
            if idle {
                // The template's batching window is 1 s; half of it keeps the demo snappy.
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }

    /// Reads what is new on one shard and hands it to the consumer in batches. True when it
    /// did any work.
    async fn stream_round(&self, consumer: Consumer, shard: &mut Shard) -> Result<bool, BoxError> {
        if let Some(iterator) = shard.iterator.clone() {
            let page = self
                .streams
                .get_records()
                .shard_iterator(iterator)
                .send()
                .await?;
            shard.pending.extend(
                page.records()
                    .iter()
                    .filter(|record| {
                        let shaped = testkit::lambda_stream_record(&shard.arn, record);
                        let filters = self.filters(consumer);
                        filters.is_empty()
                            || filters
                                .iter()
                                .any(|p| crate::template::pattern_matches(p, &shaped))
                    })
                    .cloned(),
            );
            shard.iterator = page.next_shard_iterator().map(str::to_owned);
        }
        if shard.pending.is_empty() {
            return Ok(false);
        }
        while !shard.pending.is_empty() {
            let take = shard.pending.len().min(STREAM_BATCH);
            let batch: Vec<Record> = shard.pending.drain(..take).collect();
            self.deliver(consumer, &shard.arn, batch).await?;
        }
        Ok(true)
    }

    /// One batch to a consumer, with Lambda's stream retry rules.
    async fn deliver(
        &self,
        consumer: Consumer,
        arn: &str,
        mut batch: Vec<Record>,
    ) -> Result<(), BoxError> {
        let mut retries = 0;
        loop {
            let event: StreamEvent = serde_json::from_value(lambda_stream_event(arn, &batch))?;
            let failed_from = match self.invoke(consumer, event).await {
                Ok(response) => {
                    let failed: Vec<String> = response
                        .batch_item_failures
                        .iter()
                        .filter_map(|f| f.item_identifier.clone())
                        .collect();
                    // Lambda restarts the batch at the lowest failed sequence number.
                    batch.iter().position(|r| {
                        r.dynamodb()
                            .and_then(|d| d.sequence_number())
                            .is_some_and(|s| failed.iter().any(|f| f == s))
                    })
                }
                Err(e) => {
                    tracing::warn!(?consumer, error = %e, "a stream consumer failed the whole batch");
                    Some(0)
                }
            };
            let Some(from) = failed_from else {
                tracing::debug!(?consumer, records = batch.len(), "stream batch done");
                return Ok(());
            };
            batch.drain(..from);
            if retries >= STREAM_RETRIES {
                tracing::error!(
                    records = batch.len(),
                    "stream records failed {} retries; parked on the failure queue and skipped",
                    STREAM_RETRIES
                );
                let attempts = i64::from(retries) + 1;
                let event = lambda_stream_event(arn, &batch).to_string();
                self.park("stream", attempts, &event).await?;
                return Ok(());
            }
            retries += 1;
            tracing::warn!(
                ?consumer,
                records = batch.len(),
                retries,
                "a stream consumer asked for records again"
            );
            tokio::time::sleep(Duration::from_millis(100 * u64::from(retries))).await;
        }
    }
}

struct Shard {
    arn: String,
    id: String,
    iterator: Option<String>,
    pending: Vec<Record>,
}
