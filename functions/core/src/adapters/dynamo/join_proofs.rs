//! Joiners' proofs of address in the table (issue 30).
//!
//! | item    | pk                          | sk            |
//! |---------|-----------------------------|---------------|
//! | proof   | `JOINPROOF#<proof id>`      | `PROOF`       |
//! | counter | `JOINMAILS#<address>`       | `DAY#<date>`  |
//!
//! A proof is written `delivery = queued` in the same transaction that counts it in its
//! address's day; the mailer (stream filter on `type = join_proof`) claims and mails it. Both
//! expire with DynamoDB's TTL a day after they stop mattering: the address is kept no longer
//! than the proof works.

use super::items::{ms, n, s, ttl_at, Item, Reader, TTL};
use super::webhooks::written;
use super::{failed_condition, DynamoStore, TxOutcome};
use crate::domain::*;
use crate::ports::{CorruptItem, DeliveryResult, JoinProofStore, ProofQueued, StoreError};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use chrono::Duration;

const PROOF_SK: &str = "PROOF";
const PK_PREFIX: &str = "JOINPROOF#";
pub const ITEM_TYPE: &str = "join_proof";

fn proof_key(id: &JoinProofId) -> Item {
    Item::from([
        ("pk".into(), s(format!("{PK_PREFIX}{id}"))),
        ("sk".into(), s(PROOF_SK)),
    ])
}

fn counter_key(proof: &JoinProof) -> Item {
    Item::from([
        (
            "pk".into(),
            s(format!("JOINMAILS#{}", proof.email.identity())),
        ),
        ("sk".into(), s(format!("DAY#{}", proof.day()))),
    ])
}

fn proof_item(p: &JoinProof) -> Item {
    let mut item = proof_key(&p.id);
    item.extend([
        ("type".into(), s(ITEM_TYPE)),
        ("link".into(), s(p.link_id.as_str())),
        ("generation".into(), n(p.generation)),
        ("contract".into(), s(p.contract_id.as_str())),
        ("email".into(), s(p.email.as_entered())),
        ("requested_at".into(), ms(p.requested_at)),
        ("expires_at".into(), ms(p.expires_at)),
        ("delivery".into(), s("queued")),
        (TTL.into(), ttl_at(p.expires_at + Duration::days(1))),
    ]);
    item
}

/// A proof from its item (the table's or a stream record's image).
pub fn join_proof_from(item: &Item) -> Result<JoinProof, CorruptItem> {
    let r = Reader(item);
    let id = r.s("pk")?.trim_start_matches(PK_PREFIX);
    Ok(JoinProof {
        id: JoinProofId::parse(id).map_err(|e| CorruptItem(format!("pk: {e}")))?,
        link_id: r.id("link", JoinLinkId::parse)?,
        generation: r.n("generation")?,
        contract_id: r.id("contract", ContractId::parse)?,
        email: EmailAddress::parse(r.s("email")?)
            .map_err(|e| CorruptItem(format!("email: {e}")))?,
        requested_at: r.time("requested_at")?,
        expires_at: r.time("expires_at")?,
    })
}

#[async_trait]
impl JoinProofStore for DynamoStore {
    async fn queue_join_proof(
        &self,
        proof: &JoinProof,
        per_day: u32,
    ) -> Result<ProofQueued, StoreError> {
        let counter = Update::builder()
            .table_name(self.table())
            .set_key(Some(counter_key(proof)))
            .update_expression("ADD sent :one SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(sent) OR sent < :max")
            .expression_attribute_names("#ttl", TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(per_day))
            .expression_attribute_values(":ttl", ttl_at(proof.requested_at + Duration::days(2)))
            .build()
            .expect("update is complete");
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(proof_item(proof)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put is complete");
        match self
            .transact(vec![
                TransactWriteItem::builder().update(counter).build(),
                TransactWriteItem::builder().put(put).build(),
            ])
            .await?
        {
            TxOutcome::Done => Ok(ProofQueued::Queued),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => {
                Ok(ProofQueued::TooMany)
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "queueing a join proof was cancelled: {reasons:?}"
            ))),
        }
    }

    async fn get_join_proof(&self, id: &JoinProofId) -> Result<Option<JoinProof>, StoreError> {
        self.get(format!("{PK_PREFIX}{id}"), PROOF_SK)
            .await?
            .map(|item| join_proof_from(&item).map_err(StoreError::from))
            .transpose()
    }

    async fn claim_join_proof(&self, id: &JoinProofId) -> Result<bool, StoreError> {
        self.move_delivery(proof_key(id), "queued", "sending", None)
            .await
    }

    async fn release_join_proof(&self, id: &JoinProofId) -> Result<(), StoreError> {
        self.move_delivery(proof_key(id), "sending", "queued", None)
            .await?;
        Ok(())
    }

    async fn record_join_proof(
        &self,
        id: &JoinProofId,
        result: &DeliveryResult,
    ) -> Result<(), StoreError> {
        self.record_delivery_of(proof_key(id), result).await
    }

    async fn claim_join_refusal(&self, id: &WaitingId) -> Result<bool, StoreError> {
        self.move_delivery(refusal_key(id), "queued", "sending", None)
            .await
    }

    async fn release_join_refusal(&self, id: &WaitingId) -> Result<(), StoreError> {
        self.move_delivery(refusal_key(id), "sending", "queued", None)
            .await?;
        Ok(())
    }

    async fn record_join_refusal(
        &self,
        id: &WaitingId,
        result: &DeliveryResult,
    ) -> Result<(), StoreError> {
        self.record_delivery_of(refusal_key(id), result).await
    }
}

fn refusal_key(id: &WaitingId) -> Item {
    Item::from([
        (
            "pk".into(),
            s(format!("{}{id}", super::waiting::REFUSAL_PREFIX)),
        ),
        ("sk".into(), s("MAIL")),
    ])
}

impl DynamoStore {
    async fn record_delivery_of(
        &self,
        key: Item,
        result: &DeliveryResult,
    ) -> Result<(), StoreError> {
        let (to, detail) = match result {
            DeliveryResult::Sent { message_id, .. } => ("sent", message_id.as_str()),
            DeliveryResult::Failed { reason } => ("failed", reason.as_str()),
        };
        self.move_delivery(key, "sending", to, Some(detail)).await?;
        Ok(())
    }

    /// `delivery: from -> to` (with SES's message id or the refusal), if it is `from`.
    async fn move_delivery(
        &self,
        key: Item,
        from: &str,
        to: &str,
        detail: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key))
            .update_expression(if detail.is_some() {
                "SET delivery = :to, delivery_detail = :detail"
            } else {
                "SET delivery = :to"
            })
            .condition_expression("delivery = :from")
            .expression_attribute_values(":from", s(from))
            .expression_attribute_values(":to", s(to));
        if let Some(detail) = detail {
            update = update.expression_attribute_values(":detail", s(detail));
        }
        written(update.send().await)
    }
}
