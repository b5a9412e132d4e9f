//! The store on one DynamoDB table. Every state change is a conditional write; when a condition
//! fails, the item as it was (ALL_OLD) goes back through the domain's rules to say why.

mod directory;
mod import_chunks;
mod imports;
mod invitations;
pub mod items;
pub mod join_links;
pub mod join_proofs;
pub mod notices;
mod privacy;
mod shards;
pub mod waiting;
pub mod webhooks;

pub use items::CorruptItem;

use crate::ports::StoreError;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{CancellationReason, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use items::{s, Item, GSI1};
use std::time::Duration;

/// Rounds of a transaction before giving up with [`StoreError::Contended`].
const MAX_ATTEMPTS: u32 = 10;

#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// How long audit records and history items are kept (their `ttl`, after their time).
    audit_kept: chrono::Duration,
}

pub(crate) enum TxOutcome {
    Done,
    /// A condition failed; one reason per item, in order, with the old item where there was one.
    Cancelled(Vec<CancellationReason>),
}

pub(crate) fn db_error<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StoreError::Database(DisplayErrorContext(&err).to_string())
}

pub(crate) fn failed_condition(reason: Option<&CancellationReason>) -> bool {
    reason.and_then(|r| r.code()) == Some("ConditionalCheckFailed")
}

/// Jittered exponential backoff for conflicts and throttling: 20 ms doubling, capped at 1 s.
pub(crate) async fn backoff(attempt: u32) {
    use rand::Rng;
    let cap = (20u64 << attempt.min(6)).min(1000);
    let wait = rand::thread_rng().gen_range(cap / 2..=cap);
    tokio::time::sleep(Duration::from_millis(wait)).await;
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            audit_kept: chrono::Duration::days(items::AUDIT_KEPT_DAYS),
        }
    }

    /// The audit period the operator set (`config::audit_retention`, read once at a cold
    /// start): audit records and history items written through this store expire that long
    /// after their time. Without it, [`items::AUDIT_KEPT_DAYS`].
    pub fn with_audit_retention(mut self, kept: chrono::Duration) -> Self {
        self.audit_kept = kept;
        self
    }

    /// How long this store's audit records and history items are kept.
    pub fn audit_kept(&self) -> chrono::Duration {
        self.audit_kept
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// All items of a GSI1 partition, page by page, in `gsi1sk` order.
    pub(crate) async fn gsi1_all(&self, partition: &str) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(GSI1)
                .key_condition_expression("gsi1pk = :p")
                .expression_attribute_values(":p", s(partition))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(db_error)?;
            items.extend(out.items().iter().cloned());
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// Every item of a partition whose sort key starts with `prefix`, page by page, read
    /// consistently, in key order.
    pub(crate) async fn partition_all(
        &self,
        pk: &str,
        prefix: &str,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                .expression_attribute_values(":pk", s(pk))
                .expression_attribute_values(":p", s(prefix))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(db_error)?;
            items.extend(out.items().iter().cloned());
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// Puts an item unless one is at its key: `false` when there was one (left as it is), for
    /// writes that a repeated event makes again.
    pub(crate) async fn put_if_absent(&self, item: Item) -> Result<bool, StoreError> {
        let result = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(err) => Err(db_error(err)),
        }
    }

    /// One item by its key, read consistently.
    pub(crate) async fn get(&self, pk: String, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.table())
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out.item().cloned())
    }

    /// Puts an item that must not exist yet (a fresh id).
    pub(crate) async fn put_new(&self, item: Item) -> Result<(), StoreError> {
        self.client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// The items at `keys` that exist, read consistently: BatchGetItem takes at most 100 keys,
    /// and keys it could not read come back to be asked again.
    pub(crate) async fn batch_get(
        &self,
        keys: Vec<items::Item>,
    ) -> Result<Vec<items::Item>, StoreError> {
        use aws_sdk_dynamodb::types::KeysAndAttributes;
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut keys = chunk.to_vec();
            for attempt in 0.. {
                if keys.is_empty() {
                    break;
                }
                if attempt == MAX_ATTEMPTS {
                    return Err(StoreError::Contended);
                }
                if attempt > 0 {
                    backoff(attempt).await;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut keys)))
                    .consistent_read(true)
                    .build()
                    .expect("keys are set");
                let mut out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(db_error)?;
                if let Some(items) = out.responses.as_mut().and_then(|r| r.remove(&self.table)) {
                    found.extend(items);
                }
                if let Some(left) = out.unprocessed_keys().and_then(|u| u.get(&self.table)) {
                    keys = left.keys().to_vec();
                }
            }
        }
        Ok(found)
    }

    /// Runs a transaction, retrying conflicts with other transactions and throttling. A failed
    /// condition is not an error: the caller decides what it means.
    pub(crate) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<TxOutcome, StoreError> {
        // The same token on every retry of the same items: if a response was lost after the
        // write succeeded, DynamoDB answers the retry with that success instead of a failed check.
        let token = uuid::Uuid::new_v4().to_string();
        for attempt in 0..MAX_ATTEMPTS {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .client_request_token(&token)
                .send()
                .await;
            let err = match result {
                Ok(_) => return Ok(TxOutcome::Done),
                Err(err) => err,
            };
            let retry = match err.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(cancel)) => {
                    let reasons = cancel.cancellation_reasons();
                    if reasons.iter().any(|r| failed_condition(Some(r))) {
                        return Ok(TxOutcome::Cancelled(reasons.to_vec()));
                    }
                    reasons.iter().any(|r| {
                        matches!(
                            r.code(),
                            Some(
                                "TransactionConflict"
                                    | "ThrottlingError"
                                    | "ProvisionedThroughputExceeded"
                            )
                        )
                    })
                }
                Some(TransactWriteItemsError::TransactionInProgressException(_))
                | Some(TransactWriteItemsError::ProvisionedThroughputExceededException(_))
                | Some(TransactWriteItemsError::RequestLimitExceeded(_))
                | Some(TransactWriteItemsError::ThrottlingException(_)) => true,
                _ => false,
            };
            if !retry {
                return Err(db_error(err));
            }
            tracing::debug!(attempt, "transaction conflict; backing off");
            backoff(attempt).await;
        }
        Err(StoreError::Contended)
    }
}
