//! A forgotten person's invitation (issue 32): in one transaction the invitation goes, a
//! counted skeleton without address or name takes its place (`FORGOTTEN#<invitation id>`:
//! status, dates, group, activities), a pending one is withdrawn (counted as revoked, its seat
//! freed) and the contract's audit says that a person was forgotten, naming nobody. Its
//! history goes too (it is reachable only through the invitation). Conditional on the
//! invitation as it was read: an enrolment or a resend in between makes the pass look again.

use super::super::items::*;
use super::super::TxOutcome;
use super::{invitation_key, CountChange};
use crate::adapters::dynamo::db_error;
use crate::adapters::DynamoStore;
use crate::domain::*;
use crate::ports::StoreError;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use chrono::{DateTime, Utc};

pub(crate) const SKELETON_SK_PREFIX: &str = "FORGOTTEN#";
pub(crate) const SKELETON_TYPE: &str = "forgotten_invitation";

/// The skeleton of an invitation: what counts, nothing that names.
fn skeleton(contract: &ContractId, item: &Item, status: &str, now: DateTime<Utc>) -> Item {
    let id = Reader(item).opt_s("invitation_id").unwrap_or_default();
    let mut skeleton = Item::from([
        ("pk".into(), s(contract_pk(contract))),
        ("sk".into(), s(format!("{SKELETON_SK_PREFIX}{id}"))),
        ("type".into(), s(SKELETON_TYPE)),
        ("status".into(), s(status)),
        ("forgotten_at".into(), ms(now)),
    ]);
    for kept in [
        "invited_at",
        "enrolled_at",
        "revoked_at",
        "cohort",
        "activities",
        "import_id",
        "join_link",
        "send_count",
    ] {
        if let Some(value) = item.get(kept) {
            skeleton.insert(kept.into(), value.clone());
        }
    }
    if status == InvitationStatus::Revoked.as_str() && !item.contains_key("revoked_at") {
        skeleton.insert("revoked_at".into(), ms(now));
    }
    skeleton
}

impl DynamoStore {
    /// Erases one invitation item as read. `Ok(false)`: it changed since (look again).
    pub(crate) async fn erase_invitation(
        &self,
        item: &Item,
        by: Option<&UserId>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = Reader(item);
        let contract = ContractId::parse(r.s("contract_id")?)
            .map_err(|e| StoreError::Corrupt(CorruptItem(e.to_string())))?;
        let identity = invite_identity(item)?;
        let status = r.s("status")?;
        let pending = status == InvitationStatus::Pending.as_str();
        let left_as = if pending {
            InvitationStatus::Revoked.as_str()
        } else {
            status
        };
        let mut condition = Item::from([
            (":status".into(), s(status)),
            (":tv".into(), n(r.n::<u32>("token_version")?)),
            (":delivery".into(), s(r.s("delivery")?)),
        ]);
        condition.insert(":id".into(), s(r.s("invitation_id")?));
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(invitation_key(&contract, &identity)))
            .condition_expression(
                "invitation_id = :id AND #status = :status AND token_version = :tv \
                 AND delivery = :delivery",
            )
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(condition))
            .build()
            .expect("delete is complete");
        let mut items = vec![
            TransactWriteItem::builder().delete(delete).build(),
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(self.table())
                        .set_item(Some(skeleton(&contract, item, left_as, now)))
                        .build()
                        .expect("put is complete"),
                )
                .build(),
            self.put_audit(
                &contract,
                AuditRecord {
                    at: now,
                    actor: by.cloned(),
                    action: AuditAction::Forget,
                    subjects: Vec::new(),
                    invitation_id: None,
                    detail: Some(if pending {
                        "A person was forgotten; their pending invitation was withdrawn.".into()
                    } else {
                        "A person was forgotten.".into()
                    }),
                    activities: Vec::new(),
                },
            ),
        ];
        if pending {
            items.push(self.count_change(
                &contract,
                CountChange {
                    pending: -1,
                    enrolled: 0,
                    revoked: 1,
                    enrolled_after: None,
                    joined: 0,
                    now,
                    start_sends: None,
                },
                None,
            ));
        }
        match self.transact(items).await? {
            TxOutcome::Cancelled(_) => return Ok(false),
            TxOutcome::Done => {}
        }
        if let Ok(id) = InvitationId::parse(r.s("invitation_id")?) {
            self.delete_history(&contract, &id).await?;
        }
        Ok(true)
    }

    /// Erases the person's invitation in `contract`, as the erasure does (issue 32): for a
    /// writer that finds, after writing it, that the address went onto the do-not-invite list
    /// meanwhile. Read consistently, erased conditionally on what was read, read again if it
    /// changed in between. `Ok(false)`: there is none (the erasure got there first).
    pub(crate) async fn forget_invitation_of(
        &self,
        contract: &ContractId,
        identity: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        for _ in 0..8 {
            let Some(item) = self
                .get(invitation_pk(contract, identity), &invite_sk(identity))
                .await?
            else {
                return Ok(false);
            };
            if self.erase_invitation(&item, None, now).await? {
                return Ok(true);
            }
        }
        Err(StoreError::Contended)
    }

    /// Deletes an invitation's whole history (the invitation is gone).
    async fn delete_history(
        &self,
        contract: &ContractId,
        id: &InvitationId,
    ) -> Result<(), StoreError> {
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                .expression_attribute_values(":pk", s(history_pk(contract, id)))
                .expression_attribute_values(":p", s(history_prefix(id)))
                .projection_expression("pk, sk")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(db_error)?;
            for key in out.items() {
                self.client()
                    .delete_item()
                    .table_name(self.table())
                    .set_key(Some(key.clone()))
                    .send()
                    .await
                    .map_err(db_error)?;
            }
            match out.last_evaluated_key() {
                Some(last) => start = Some(last.clone()),
                None => return Ok(()),
            }
        }
    }
}
