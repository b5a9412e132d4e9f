//! The chunks of a large import (issue 33): one item each beside the import
//! (`IMPORTCHUNK#<import id>#<index>`), holding its progress and counts as JSON; the import item
//! counts the chunks done (`chunks_done`, beside its JSON, so that no save of the record
//! overwrites it) and holds the claim on its last step (`finishing_until`).

use super::items::*;
use super::{db_error, DynamoStore, TxOutcome};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};

fn chunk_item(chunk: &ImportChunk) -> Item {
    Item::from([
        ("pk".into(), s(contract_pk(&chunk.contract_id))),
        (
            "sk".into(),
            s(import_chunk_sk(&chunk.import_id, chunk.index)),
        ),
        ("type".into(), s("import_chunk")),
        (
            "done".into(),
            aws_sdk_dynamodb::types::AttributeValue::Bool(chunk.done),
        ),
        (
            "chunk".into(),
            s(serde_json::to_string(chunk).expect("a chunk serialises")),
        ),
    ])
}

fn chunk_from(item: &Item) -> Result<ImportChunk, CorruptItem> {
    Reader(item).json("chunk")
}

fn is_failed_condition<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(err: &E) -> bool {
    err.code() == Some("ConditionalCheckFailedException")
}

#[async_trait]
impl ImportChunkStore for DynamoStore {
    async fn create_chunks(&self, chunks: &[ImportChunk]) -> Result<(), StoreError> {
        for chunk in chunks {
            // One made by an earlier run of the plan may have run since, and is kept.
            self.put_if_absent(chunk_item(chunk)).await?;
        }
        Ok(())
    }

    async fn get_chunk(
        &self,
        contract: &ContractId,
        import: &ImportId,
        index: u32,
    ) -> Result<Option<ImportChunk>, StoreError> {
        Ok(self
            .get(contract_pk(contract), &import_chunk_sk(import, index))
            .await?
            .as_ref()
            .map(chunk_from)
            .transpose()?)
    }

    async fn save_chunk(&self, chunk: &ImportChunk) -> Result<(), StoreError> {
        let result = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(chunk_item(chunk)))
            .condition_expression("attribute_exists(pk) AND #done = :false")
            .expression_attribute_names("#done", "done")
            .expression_attribute_values(
                ":false",
                aws_sdk_dynamodb::types::AttributeValue::Bool(false),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if err.as_service_error().is_some_and(is_failed_condition) => {
                Err(StoreError::Contended)
            }
            Err(err) => Err(db_error(err)),
        }
    }

    async fn finish_chunk(&self, chunk: &ImportChunk) -> Result<bool, StoreError> {
        let mut done = chunk.clone();
        done.done = true;
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(chunk_item(&done)))
            .condition_expression("attribute_exists(pk) AND #done = :false")
            .expression_attribute_names("#done", "done")
            .expression_attribute_values(
                ":false",
                aws_sdk_dynamodb::types::AttributeValue::Bool(false),
            )
            .build()
            .expect("put is complete");
        let count = Update::builder()
            .table_name(self.table())
            .key("pk", s(contract_pk(&chunk.contract_id)))
            .key("sk", s(import_sk(&chunk.import_id)))
            .update_expression("ADD chunks_done :one")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":one", n(1))
            .build()
            .expect("update is complete");
        let items = vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder().update(count).build(),
        ];
        match self.transact(items).await? {
            TxOutcome::Done => Ok(true),
            // Done by an earlier delivery of the same chunk: counted once.
            TxOutcome::Cancelled(_) => Ok(false),
        }
    }

    async fn list_chunks(
        &self,
        contract: &ContractId,
        import: &ImportId,
    ) -> Result<Vec<ImportChunk>, StoreError> {
        let prefix = format!("{IMPORT_CHUNK_SK_PREFIX}{import}#");
        self.partition_all(&contract_pk(contract), &prefix)
            .await?
            .iter()
            .map(|item| chunk_from(item).map_err(StoreError::from))
            .collect()
    }

    async fn chunks_done(
        &self,
        contract: &ContractId,
        import: &ImportId,
    ) -> Result<u32, StoreError> {
        let item = self.get(contract_pk(contract), &import_sk(import)).await?;
        Ok(item
            .as_ref()
            .and_then(|i| i.get("chunks_done"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    async fn claim_import_finish(
        &self,
        contract: &ContractId,
        import: &ImportId,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<bool, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(contract_pk(contract)))
            .key("sk", s(import_sk(import)))
            .update_expression("SET finishing_until = :until")
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(finishing_until) OR finishing_until < :now)",
            )
            .expression_attribute_values(":until", ms(now + lease))
            .expression_attribute_values(":now", ms(now))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if err.as_service_error().is_some_and(is_failed_condition) => Ok(false),
            Err(err) => Err(db_error(err)),
        }
    }
}
