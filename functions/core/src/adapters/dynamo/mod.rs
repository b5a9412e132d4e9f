//! The store on one DynamoDB table. Every state change is a conditional write; when a condition
//! fails, the item as it was (ALL_OLD) goes back through the domain's rules to say why.

mod directory;
mod invitations;
pub mod items;

pub use items::CorruptItem;

use crate::ports::StoreError;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CancellationReason, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TransactWriteItem,
};
use aws_sdk_dynamodb::Client;
use std::time::Duration;

/// Rounds of a transaction before giving up with [`StoreError::Contended`].
const MAX_ATTEMPTS: u32 = 10;

#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
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
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
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

    /// Creates the table with the keys, indexes and stream the code relies on. Production gets
    /// the same shape from infra/template.yaml; tests and the local stack call this.
    pub async fn create_table(client: &Client, table: &str) -> Result<(), StoreError> {
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attribute definition is complete")
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .expect("key schema is complete")
        };
        client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr("pk"))
            .attribute_definitions(attr("sk"))
            .attribute_definitions(attr("gsi1pk"))
            .attribute_definitions(attr("gsi1sk"))
            .attribute_definitions(attr("invitation_id"))
            .key_schema(key("pk", KeyType::Hash))
            .key_schema(key("sk", KeyType::Range))
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(items::GSI1)
                    .key_schema(key("gsi1pk", KeyType::Hash))
                    .key_schema(key("gsi1sk", KeyType::Range))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .expect("index is complete"),
            )
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(items::BY_INVITATION_ID)
                    .key_schema(key("invitation_id", KeyType::Hash))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::KeysOnly)
                            .build(),
                    )
                    .build()
                    .expect("index is complete"),
            )
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewAndOldImages)
                    .build()
                    .expect("stream specification is complete"),
            )
            .send()
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
