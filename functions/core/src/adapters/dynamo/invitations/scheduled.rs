//! Scheduled mails (issue 31): the reminder run wakes a scheduled invitation when its mail is
//! due and releases it (a queued send, which the mailer takes from the stream), puts it off (its
//! contract's start moved later) or cancels it (the contract ended or is gone). A contract whose
//! invitations wait for its start sits on the same index at its start, so a start moved earlier
//! brings them forward. Every write is conditional on the wake-up it was found with.

use super::delivery::QUEUED_LIMIT;
use super::{invitation_key, key};
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::webhooks::written;
use crate::adapters::dynamo::{db_error, DynamoStore};
use crate::domain::schedule::{release, Release};
use crate::domain::*;
use crate::ports::*;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};

/// A contract looks again this long after its start for invitations the index showed late,
/// then leaves the index.
pub const START_STRAGGLERS: Duration = Duration::hours(1);
/// How often it looks meanwhile.
const START_LOOK_AGAIN: Duration = Duration::minutes(10);

impl DynamoStore {
    /// A woken scheduled invitation, under `schedule::release`.
    pub(super) async fn release_scheduled(
        &self,
        inv: &Invitation,
        due: &DueReminder,
        contract: Option<&Contract>,
        now: DateTime<Utc>,
    ) -> Result<WakeOutcome, StoreError> {
        let identity = inv.email.identity();
        let key = invitation_key(&inv.contract_id, identity);
        let Some(schedule) = inv.options.schedule else {
            // Scheduled without a schedule cannot be written; mail it rather than strand it.
            return self.send_scheduled(inv, due, contract, now).await;
        };
        match release(&schedule, contract, now) {
            Release::Send => self.send_scheduled(inv, due, contract, now).await,
            Release::Later(at) => {
                self.scheduled_update(
                    key,
                    "SET remind_at = :at",
                    Item::from([(":at".into(), ms(at))]),
                    due,
                    WakeOutcome::Rescheduled,
                )
                .await
            }
            Release::Cancel(reason) => {
                self.scheduled_update(
                    key,
                    "SET delivery = :failed, delivery_error = :reason \
                     REMOVE remind_shard, remind_at, send_at",
                    Item::from([
                        (":failed".into(), s("failed")),
                        (":reason".into(), s(reason)),
                    ]),
                    due,
                    WakeOutcome::Cancelled,
                )
                .await
            }
        }
    }

    /// The scheduled mail goes now: a queued send like any invite's, its link counted from
    /// now (never shortened: an admin may have extended it meanwhile).
    async fn send_scheduled(
        &self,
        inv: &Invitation,
        due: &DueReminder,
        contract: Option<&Contract>,
        now: DateTime<Utc>,
    ) -> Result<WakeOutcome, StoreError> {
        let identity = inv.email.identity();
        let expires = contract
            .map(|c| c.invitation_expiry(now))
            .unwrap_or(inv.expires_at)
            .max(inv.expires_at);
        self.scheduled_update(
            invitation_key(&inv.contract_id, identity),
            "SET delivery = :queued, last_queued_at = :now, send_shard = :sshard, \
             send_due_at = :due, expires_at = :exp, remind_at = :exp REMOVE send_at",
            Item::from([
                (":queued".into(), s("queued")),
                (":now".into(), ms(now)),
                (":sshard".into(), s(send_shard(&inv.contract_id, identity))),
                (":due".into(), ms(now + QUEUED_LIMIT)),
                (":exp".into(), ms(expires)),
            ]),
            due,
            WakeOutcome::Released,
        )
        .await
    }

    /// One conditional update of a woken scheduled invitation: still pending, still scheduled,
    /// at the wake-up it was found with.
    async fn scheduled_update(
        &self,
        key: Item,
        expression: &str,
        mut values: Item,
        due: &DueReminder,
        outcome: WakeOutcome,
    ) -> Result<WakeOutcome, StoreError> {
        values.insert(":seen".into(), ms(due.remind_at));
        values.insert(":pending".into(), s(InvitationStatus::Pending.as_str()));
        values.insert(":scheduled".into(), s("scheduled"));
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key))
            .update_expression(expression)
            .condition_expression(
                "#status = :pending AND delivery = :scheduled AND remind_at = :seen",
            )
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        Ok(if written(result)? {
            outcome
        } else {
            WakeOutcome::Moved
        })
    }

    /// A contract woken at (what was) its start: each invitation still waiting for the start
    /// is woken now, wherever its own wake-up is.
    pub(super) async fn release_at_start(
        &self,
        due: &DueReminder,
        contract: &Contract,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<StartWake, StoreError> {
        let mut done = StartWake::default();
        if contract.starts_at > now {
            // The start moved later and the move did not reach the index: look then.
            self.contract_wake(due, "SET remind_at = :at", Some(contract.starts_at))
                .await?;
            done.finished = true;
            return Ok(done);
        }
        // Shard by shard (issue 33); a run stopped by its limit starts again from the first.
        for index_pk in invites_gsi1pks(&contract.id, InvitationStatus::Pending) {
            self.release_shard_at_start(&index_pk, contract, &mut done, limit, now)
                .await?;
            if done.released + done.cancelled >= limit {
                return Ok(done);
            }
        }
        done.finished = true;
        if now >= contract.starts_at + START_STRAGGLERS {
            self.contract_wake(due, "REMOVE remind_shard, remind_at, start_sends", None)
                .await?;
        } else {
            self.contract_wake(due, "SET remind_at = :at", Some(now + START_LOOK_AGAIN))
                .await?;
        }
        Ok(done)
    }

    /// The invitations of one status index shard still waiting for the contract's start,
    /// woken until `done` reaches `limit`.
    async fn release_shard_at_start(
        &self,
        index_pk: &str,
        contract: &Contract,
        done: &mut StartWake,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut cursor = None;
        loop {
            let (items, next) = self.waiting_for_start(index_pk, cursor).await?;
            for item in items {
                if done.released + done.cancelled >= limit {
                    return Ok(());
                }
                let r = Reader(&item);
                let woken = DueReminder {
                    shard: r.s("remind_shard")?.to_owned(),
                    contract: contract.id.clone(),
                    identity: invite_identity(&item)?,
                    remind_at: r.time("remind_at")?,
                    kind: DueKind::Invitation,
                };
                let inv = invitation_from(&item)?;
                match self
                    .release_scheduled(&inv, &woken, Some(contract), now)
                    .await?
                {
                    WakeOutcome::Released => done.released += 1,
                    WakeOutcome::Cancelled => done.cancelled += 1,
                    _ => {}
                }
            }
            match next {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// A contract's pending invitations still scheduled for its start, a page at a time.
    async fn waiting_for_start(
        &self,
        index_pk: &str,
        cursor: Option<Item>,
    ) -> Result<(Vec<Item>, Option<Item>), StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :pk")
            .filter_expression("delivery = :scheduled AND send_at = :start")
            .expression_attribute_values(":pk", s(index_pk))
            .expression_attribute_values(":scheduled", s("scheduled"))
            .expression_attribute_values(":start", s(Schedule::ContractStart.to_stored()))
            .set_exclusive_start_key(cursor)
            .send()
            .await
            .map_err(db_error)?;
        Ok((out.items().to_vec(), out.last_evaluated_key().cloned()))
    }

    /// The contract item's wake-up, changed only if it is the one it was found with.
    async fn contract_wake(
        &self,
        due: &DueReminder,
        expression: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let mut values = Item::from([(":seen".to_owned(), ms(due.remind_at))]);
        if let Some(at) = at {
            values.insert(":at".into(), ms(at));
        }
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(contract_pk(&due.contract), CONTRACT_SK.into())))
            .update_expression(expression)
            .condition_expression("remind_at = :seen")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        // A failed condition: changed by someone else meanwhile, nothing to do.
        written(result).map(|_| ())
    }

    /// A contract's dates moved (a system administrator): mails waiting for its start follow
    /// it. Conditional on there being such mails, so a contract without them stays off the
    /// index.
    pub(crate) async fn follow_start(
        &self,
        contract: &ContractId,
        starts_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(contract_pk(contract), CONTRACT_SK.into())))
            .update_expression("SET remind_at = :start, remind_shard = :shard")
            .condition_expression("start_sends = :yes")
            .expression_attribute_values(":start", ms(starts_at))
            .expression_attribute_values(":shard", s(remind_shard(contract, CONTRACT_SK)))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await;
        // A failed condition: changed by someone else meanwhile, nothing to do.
        written(result).map(|_| ())
    }
}
