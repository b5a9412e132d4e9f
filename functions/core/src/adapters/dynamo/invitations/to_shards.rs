//! The one-time move of invitations written before the shards (issue 33): a table from an
//! earlier version holds a contract's invitations and their history items in `CONTRACT#<id>`,
//! where no read looks any more. The reminder run moves them, a bounded part per run, contract
//! by contract (contracts without the mark `invitations_sharded`):
//!
//! - each item is put at its shard's key (an invitation's status index entry moved with it)
//!   and deleted from the old key in one transaction: the put only if nothing is at the new key,
//!   the delete only if the old item is as read (an invitation: its version and status), so
//!   runs that repeat or overlap move each item once and a change made meanwhile is read again;
//! - an item already at its new key (a run that moved it and stopped before its delete) loses
//!   only its old copy; an invitation made at the new key meanwhile for the same address (a
//!   re-invite before the move) keeps its place, and the old one is left where it is and
//!   logged, for an operator;
//! - when a pass reads the contract's old partition to its end having moved (or left behind)
//!   everything, the contract is marked (one conditional write), and later runs skip it; an
//!   item that changed while it was read keeps the contract for the next run.

use super::{key, DynamoStore};
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{db_error, TxOutcome};
use crate::domain::*;
use crate::ports::*;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use chrono::{DateTime, Utc};

/// The contract item's mark: its invitations are all in their shards (epoch ms).
pub const INVITATIONS_SHARDED: &str = "invitations_sharded";

/// What a contract's old partition may still hold.
const MOVED_KINDS: [&str; 2] = [INVITE_SK_PREFIX, "HISTORY#"];

impl DynamoStore {
    pub(super) async fn contracts_not_sharded(
        &self,
        limit: usize,
    ) -> Result<Vec<ContractId>, StoreError> {
        self.contracts_without(
            INVITATIONS_SHARDED,
            "attribute_not_exists(#done)",
            &[],
            limit,
        )
        .await
    }

    /// Moves at most `writes` of the contract's old items; marks it when read to the end.
    pub(super) async fn move_contract_to_shards(
        &self,
        contract: &ContractId,
        writes: usize,
        now: DateTime<Utc>,
    ) -> Result<ShardMove, StoreError> {
        let mut done = ShardMove::default();
        let old_pk = contract_pk(contract);
        for kind in MOVED_KINDS {
            // Paged from where the last page ended: what is left behind is not read again.
            let mut start = None;
            loop {
                let out = self
                    .client()
                    .query()
                    .table_name(self.table())
                    .key_condition_expression("pk = :pk AND begins_with(sk, :kind)")
                    .expression_attribute_values(":pk", s(&old_pk))
                    .expression_attribute_values(":kind", s(kind))
                    .consistent_read(true)
                    .limit(100)
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .map_err(db_error)?;
                for item in out.items() {
                    if done.writes == writes {
                        return Ok(done);
                    }
                    done.writes += 1;
                    match self.move_item(contract, item).await? {
                        Move::Done => done.moved += 1,
                        // Read again by the next run, which sees it as it is now.
                        Move::Changed => done.changed += 1,
                        Move::Superseded => done.left += 1,
                    }
                }
                start = out.last_evaluated_key().cloned();
                if start.is_none() {
                    break;
                }
            }
        }
        if done.changed == 0 {
            // Marked even with invitations left behind (superseded, logged): the contract's
            // current invitations are all in their shards.
            self.mark_sharded(contract, now).await?;
        }
        done.finished = true;
        Ok(done)
    }

    async fn move_item(&self, contract: &ContractId, old: &Item) -> Result<Move, StoreError> {
        let r = Reader(old);
        let sk = r.s("sk")?.to_owned();
        let mut new = old.clone();
        let mut condition = "attribute_exists(pk)".to_owned();
        let mut delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(key(contract_pk(contract), sk.clone())));
        if let Some(identity) = sk.strip_prefix(INVITE_SK_PREFIX) {
            let status = InvitationStatus::parse(r.s("status")?)
                .ok_or_else(|| CorruptItem("status".into()))?;
            new.insert("pk".into(), s(invitation_pk(contract, identity)));
            new.insert(
                "gsi1pk".into(),
                s(invites_gsi1pk(contract, status, identity)),
            );
            condition.push_str(" AND token_version = :ver AND #status = :status");
            delete = delete
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":ver", n(r.n::<u64>("token_version")?))
                .expression_attribute_values(":status", s(status.as_str()));
        } else {
            let id = sk
                .strip_prefix("HISTORY#")
                .and_then(|rest| rest.split('#').next())
                .ok_or_else(|| CorruptItem(format!("a history key {sk}")))?;
            let id = InvitationId::parse(id).map_err(|e| CorruptItem(e.to_string()))?;
            new.insert("pk".into(), s(history_pk(contract, &id)));
        }
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(new.clone()))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put is complete");
        let delete = delete
            .condition_expression(condition)
            .build()
            .expect("delete is complete");
        let items = vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder().delete(delete.clone()).build(),
        ];
        let reasons = match self.transact(items).await? {
            TxOutcome::Done => return Ok(Move::Done),
            TxOutcome::Cancelled(reasons) => reasons,
        };
        let put_failed = super::super::failed_condition(reasons.first());
        let delete_failed = super::super::failed_condition(reasons.get(1));
        if delete_failed || !put_failed {
            // Changed (or gone) since it was read: the next read sees it as it is.
            return Ok(Move::Changed);
        }
        // Something is at the new key already: the same item (moved by an earlier run), or
        // an invitation of the same address made there since.
        let there = self.get(new_key(&new)?.0, &new_key(&new)?.1).await?;
        let same = there.as_ref().is_some_and(|there| {
            Reader(there).opt_s("invitation_id") == r.opt_s("invitation_id")
                && Reader(there).opt_s("at") == r.opt_s("at")
        });
        if !same {
            tracing::warn!(
                %contract, sk = %sk,
                "an invitation from before the shards is superseded by one made since; left under its old key"
            );
            return Ok(Move::Superseded);
        }
        self.client()
            .delete_item()
            .table_name(self.table())
            .set_key(Some(delete.key))
            .set_condition_expression(delete.condition_expression)
            .set_expression_attribute_names(delete.expression_attribute_names)
            .set_expression_attribute_values(delete.expression_attribute_values)
            .send()
            .await
            .map(|_| Move::Done)
            .or_else(|e| match e.as_service_error() {
                Some(e) if e.is_conditional_check_failed_exception() => Ok(Move::Changed),
                _ => Err(db_error(e)),
            })
    }

    async fn mark_sharded(
        &self,
        contract: &ContractId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(contract_pk(contract)))
            .key("sk", s(CONTRACT_SK))
            .update_expression("SET #done = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#done", INVITATIONS_SHARDED)
            .expression_attribute_values(":now", ms(now))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            // The contract is gone: nothing to mark.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(db_error(e)),
        }
    }
}

fn new_key(item: &Item) -> Result<(String, String), CorruptItem> {
    let r = Reader(item);
    Ok((r.s("pk")?.to_owned(), r.s("sk")?.to_owned()))
}

enum Move {
    Done,
    /// Changed or gone since it was read.
    Changed,
    /// An invitation made at the new key since: the old one stays where it is.
    Superseded,
}
