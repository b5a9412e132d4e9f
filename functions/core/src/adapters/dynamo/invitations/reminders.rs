//! The reminder run's side of an invitation: find the ones whose wake-up time has come on the
//! sparse `by_remind_at` index, and deal with each under its contract's plan (the domain's
//! `reminder::wake`): queue a reminder through the one mail path, count the link's expiry, or
//! set the next wake-up. Every write is conditional on the wake-up time it was found with, so
//! two runs racing (a schedule firing twice, a long run overlapping the next) change each
//! invitation once: the second finds it moved.

use super::delivery::QUEUED_LIMIT;
use super::{invitation_key, key, tx_update, update};
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{db_error, DynamoStore, TxOutcome};
use crate::domain::reminder::{wake, Wake};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};

/// A send in flight (queued or being sent) when the invitation wakes: look again after this,
/// when the mailer has recorded it (and set the next wake-up itself).
pub const IN_FLIGHT_RETRY: Duration = Duration::hours(1);

#[async_trait]
impl ReminderStore for DynamoStore {
    async fn contracts_to_shard(&self, limit: usize) -> Result<Vec<ContractId>, StoreError> {
        self.contracts_not_sharded(limit).await
    }

    async fn move_to_shards(
        &self,
        contract: &ContractId,
        writes: usize,
        now: DateTime<Utc>,
    ) -> Result<ShardMove, StoreError> {
        self.move_contract_to_shards(contract, writes, now).await
    }

    async fn funnels_to_backfill(&self, limit: usize) -> Result<Vec<ContractId>, StoreError> {
        self.contracts_without_backfill(limit).await
    }

    async fn backfill_funnel(
        &self,
        contract: &ContractId,
        writes: usize,
        now: DateTime<Utc>,
    ) -> Result<FunnelBackfill, StoreError> {
        self.backfill_contract(contract, writes, now).await
    }

    async fn woken_contract(&self, contract: &ContractId) -> Result<Option<Contract>, StoreError> {
        self.get_contract(contract).await
    }

    async fn wake_notices(
        &self,
        due: &DueReminder,
        contract: Option<&Contract>,
        now: DateTime<Utc>,
    ) -> Result<NoticeWake, StoreError> {
        self.wake_notice_setting(due, contract, now).await
    }

    async fn wake_contract_start(
        &self,
        due: &DueReminder,
        contract: &Contract,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<StartWake, StoreError> {
        self.release_at_start(due, contract, now, limit).await
    }

    async fn due_reminders(
        &self,
        shard: &str,
        now: DateTime<Utc>,
        limit: usize,
        after: Option<&DueReminder>,
    ) -> Result<Vec<DueReminder>, StoreError> {
        let mut query = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(BY_REMIND_AT)
            .key_condition_expression("remind_shard = :shard AND remind_at <= :now")
            .expression_attribute_values(":shard", s(shard))
            .expression_attribute_values(":now", ms(now))
            .limit(i32::try_from(limit.clamp(1, 1000)).unwrap_or(1000));
        if let Some(last) = after {
            // The index's key and the table's key of the last item seen: the next page starts
            // after it.
            let mut start = match last.kind {
                DueKind::Invitation => invitation_key(&last.contract, &last.identity),
                DueKind::ContractStart => key(contract_pk(&last.contract), CONTRACT_SK.into()),
                DueKind::Notices => key(
                    contract_pk(&last.contract),
                    format!("{NOTIFY_SK_PREFIX}{}", last.identity),
                ),
            };
            start.insert("remind_shard".into(), s(&last.shard));
            start.insert("remind_at".into(), ms(last.remind_at));
            query = query.set_exclusive_start_key(Some(start));
        }
        let out = query.send().await.map_err(db_error)?;
        out.items()
            .iter()
            .map(|item| {
                let r = Reader(item);
                // A contract item is here while mails wait for its start, an admin's choice
                // of mail while it asks for some (issue 31).
                let sk = r.s("sk")?;
                let other = if sk == CONTRACT_SK {
                    Some((DueKind::ContractStart, String::new()))
                } else {
                    sk.strip_prefix(NOTIFY_SK_PREFIX)
                        .map(|admin| (DueKind::Notices, admin.to_owned()))
                };
                if let Some((kind, identity)) = other {
                    return Ok(DueReminder {
                        shard: r.s("remind_shard")?.to_owned(),
                        // The index holds keys and `contract_id`, which a contract item has
                        // not: its id is its key's.
                        contract: ContractId::parse(contract_of_pk(r.s("pk")?).unwrap_or_default())
                            .map_err(|e| CorruptItem(format!("pk: {e}")))?,
                        identity,
                        remind_at: r.time("remind_at")?,
                        kind,
                    });
                }
                let identity = invite_identity(item)?;
                Ok(DueReminder {
                    shard: r.s("remind_shard")?.to_owned(),
                    contract: r.id("contract_id", ContractId::parse)?,
                    identity,
                    remind_at: r.time("remind_at")?,
                    kind: DueKind::Invitation,
                })
            })
            .collect::<Result<_, CorruptItem>>()
            .map_err(StoreError::from)
    }

    async fn wake_invitation(
        &self,
        due: &DueReminder,
        contract: Option<&Contract>,
        now: DateTime<Utc>,
    ) -> Result<WakeOutcome, StoreError> {
        // No such contract: no reminders (its expiry is still counted).
        let off = ReminderPlan {
            enabled: false,
            ..ReminderPlan::default()
        };
        let plan = contract.map_or(&off, |c| &c.reminders);
        // The read only chooses which write to try; each write is conditional on the wake-up
        // time it was found with.
        let key = invitation_key(&due.contract, &due.identity);
        let Some(item) = self.item_by_key(key.clone()).await? else {
            return Ok(WakeOutcome::Moved);
        };
        let r = Reader(&item);
        if r.opt_time("remind_at")? != Some(due.remind_at) {
            return Ok(WakeOutcome::Moved);
        }
        let seen = (":seen".to_owned(), ms(due.remind_at));
        if r.s("status")? != InvitationStatus::Pending.as_str() {
            // Revoke and enrol take it off the index themselves; this is a leftover.
            return self
                .wake_update(
                    key,
                    "REMOVE remind_shard, remind_at",
                    Item::from([seen]),
                    WakeOutcome::Cleared,
                )
                .await;
        }
        let inv = invitation_from(&item)?;
        if inv.delivery == Delivery::Scheduled {
            return self.release_scheduled(&inv, due, contract, now).await;
        }
        let last_sent = match inv.delivery {
            Delivery::Sent { at } => Some(at),
            _ => None,
        };
        let in_flight = matches!(inv.delivery, Delivery::Queued | Delivery::Sending { .. });
        let decision = wake(
            plan,
            now,
            last_sent,
            inv.expires_at,
            inv.reminders_sent,
            inv.expiry_counted,
        );
        match decision {
            Wake::Remind(n) if last_sent.is_some() => self.remind(&inv, due, plan, n, now).await,
            Wake::Expired => self.count_expiry(&inv, due, now).await,
            Wake::Done => {
                self.wake_update(
                    key,
                    "REMOVE remind_shard, remind_at",
                    Item::from([seen]),
                    WakeOutcome::Cleared,
                )
                .await
            }
            Wake::Remind(_) | Wake::Later(_) => {
                let at = match decision {
                    // The mailer records the send in flight and sets the next wake-up; should
                    // it never do so, look again in an hour.
                    _ if in_flight => (now + IN_FLIGHT_RETRY).min(inv.expires_at),
                    Wake::Later(at) => at,
                    _ => inv.expires_at,
                };
                self.wake_update(
                    key,
                    "SET remind_at = :at",
                    Item::from([seen, (":at".to_owned(), ms(at))]),
                    WakeOutcome::Rescheduled,
                )
                .await
            }
        }
    }
}

impl DynamoStore {
    /// One conditional update of a woken invitation (`values` binds `:seen`): `outcome` when
    /// written, `Moved` when the invitation changed since it was found.
    async fn wake_update(
        &self,
        key: Item,
        expression: &str,
        values: Item,
        outcome: WakeOutcome,
    ) -> Result<WakeOutcome, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key))
            .update_expression(expression)
            .condition_expression("remind_at = :seen")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(outcome),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(WakeOutcome::Moved)
            }
            Err(err) => Err(db_error(err)),
        }
    }

    /// Queues reminder `n`: the same link (no new version), as a queued send the mailer takes
    /// from the stream and the send sweeper covers; the next wake-up is the link's expiry until
    /// the mailer records the reminder and sets it from the plan.
    async fn remind(
        &self,
        inv: &Invitation,
        due: &DueReminder,
        plan: &ReminderPlan,
        reminder: u32,
        now: DateTime<Utc>,
    ) -> Result<WakeOutcome, StoreError> {
        let identity = inv.email.identity();
        let values = Item::from([
            (":pending".into(), s(InvitationStatus::Pending.as_str())),
            (":v".into(), n(inv.token_version)),
            (":sent".into(), s("sent")),
            (":queued".into(), s("queued")),
            (":seen".into(), ms(due.remind_at)),
            (":now".into(), ms(now)),
            (":n".into(), n(reminder)),
            (":exp".into(), ms(inv.expires_at)),
            (":sshard".into(), s(send_shard(&inv.contract_id, identity))),
            (":due".into(), ms(now + QUEUED_LIMIT)),
        ]);
        let mut items = vec![tx_update(update(
            invitation_key(&inv.contract_id, identity),
            "SET delivery = :queued, send_reminder = :n, reminder_version = :v, \
             reminders_sent = :n, last_queued_at = :now, send_shard = :sshard, \
             send_due_at = :due, remind_at = :exp \
             REMOVE delivery_since, delivery_error, message_id, sweeps, \
             report_kind, report_at, report_detail",
            "#status = :pending AND token_version = :v AND delivery = :sent \
             AND remind_at = :seen AND expires_at > :now",
            &[("#status", "status")],
            values,
            self.table(),
        ))];
        items.extend(self.audit_with_history(
            &inv.contract_id,
            AuditRecord {
                activities: inv.activities.clone(),
                at: now,
                actor: None,
                action: AuditAction::Remind,
                subjects: vec![identity.to_owned()],
                detail: Some(format!("reminder {reminder} of {}", plan.at_most)),
                invitation_id: Some(inv.id.clone()),
            },
        ));
        Ok(match self.transact(items).await? {
            TxOutcome::Done => WakeOutcome::Reminded(reminder),
            TxOutcome::Cancelled(_) => WakeOutcome::Moved,
        })
    }

    /// Counts a link that ran out unused, once: the contract's `expired_total`, and the
    /// invitation's history; it needs no more wake-ups.
    async fn count_expiry(
        &self,
        inv: &Invitation,
        due: &DueReminder,
        now: DateTime<Utc>,
    ) -> Result<WakeOutcome, StoreError> {
        let identity = inv.email.identity();
        let mut items = vec![
            tx_update(update(
                invitation_key(&inv.contract_id, identity),
                "SET expiry_counted = :true REMOVE remind_shard, remind_at",
                "#status = :pending AND remind_at = :seen AND expires_at <= :now \
                 AND attribute_not_exists(expiry_counted)",
                &[("#status", "status")],
                Item::from([
                    (":pending".into(), s(InvitationStatus::Pending.as_str())),
                    (":seen".into(), ms(due.remind_at)),
                    (":now".into(), ms(now)),
                    (":true".into(), AttributeValue::Bool(true)),
                ]),
                self.table(),
            )),
            tx_update(update(
                key(contract_pk(&inv.contract_id), CONTRACT_SK.into()),
                "ADD expired_total :one",
                "attribute_exists(pk)",
                &[],
                Item::from([(":one".into(), n(1))]),
                self.table(),
            )),
        ];
        items.extend(self.audit_with_history(
            &inv.contract_id,
            AuditRecord {
                activities: inv.activities.clone(),
                at: now,
                actor: None,
                action: AuditAction::Expire,
                subjects: vec![identity.to_owned()],
                detail: Some(format!(
                    "the link expired at {} without an enrolment",
                    inv.expires_at.format("%Y-%m-%d %H:%M UTC")
                )),
                invitation_id: Some(inv.id.clone()),
            },
        ));
        Ok(match self.transact(items).await? {
            TxOutcome::Done => WakeOutcome::Expired,
            TxOutcome::Cancelled(_) => WakeOutcome::Moved,
        })
    }
}
