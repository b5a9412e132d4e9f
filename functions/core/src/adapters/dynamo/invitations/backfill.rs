//! The funnel's one-time backfill (issue 28): what the contract's counters miss of the
//! invitations written before the funnel's version. The reminder run does it, a bounded part
//! per run, contract by contract:
//!
//! - "invited", pending, enrolled and revoked need nothing: they are the status counters, kept
//!   since the first version;
//! - delivered and bounced: an invitation whose last mail report says so and that has no
//!   `counted_delivered` / `counted_bounced` flag is flagged and counted in one transaction,
//!   conditional on the flag's absence and on that report (so a report being recorded, or a
//!   re-invite, at the same time counts it once);
//! - expired: a pending invitation off the reminder index (written before it) is put on it at
//!   its link's expiry, conditional on its state as read; the reminder run counts it there
//!   once, as any other;
//! - the time to enrol: the contract's `enrolled` less the enrolments its buckets hold are the
//!   earliest enrolments (every enrolment since the buckets counted itself in the same
//!   transaction as `enrolled`, so the difference does not move while others enrol); their
//!   buckets are added in one conditional write with the contract's completion mark
//!   (`funnel_backfilled`), which later runs skip.

use super::{invitation_key, key, tx_update, update};
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{db_error, DynamoStore, TxOutcome};
use crate::domain::funnel::earliest_enrolments;
use crate::domain::*;
use crate::ports::*;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};

/// What the backfill reads of an invitation.
const PROJECTION: &str = "sk, invitation_id, #status, invited_at, enrolled_at, expires_at, \
     remind_at, expiry_counted, report_kind, counted_delivered, counted_bounced";

/// One invitation as the backfill reads it.
struct Row<'a> {
    identity: String,
    id: &'a str,
    status: &'a str,
    item: &'a Item,
}

/// A write one invitation needs.
enum Fix {
    /// Count its last report (`report_kind`) under `flag` and `counter`.
    Report {
        kind: String,
        flag: &'static str,
        counter: &'static str,
    },
    /// Put it on the reminder index at its link's expiry.
    ToExpire { expires_at: DateTime<Utc> },
}

impl Row<'_> {
    fn has(&self, name: &str) -> bool {
        self.item.contains_key(name)
    }

    fn fixes(&self) -> Result<Vec<Fix>, CorruptItem> {
        let r = Reader(self.item);
        let mut fixes = Vec::new();
        let counted = match r.opt_s("report_kind").and_then(ReportKind::parse) {
            Some(ReportKind::Delivered) => Some(("counted_delivered", "delivered_total")),
            Some(ReportKind::BouncedPermanent | ReportKind::BouncedTransient) => {
                Some(("counted_bounced", "bounced_total"))
            }
            _ => None,
        };
        if let Some((flag, counter)) = counted.filter(|(flag, _)| !self.has(flag)) {
            fixes.push(Fix::Report {
                kind: r.s("report_kind")?.to_owned(),
                flag,
                counter,
            });
        }
        if self.status == InvitationStatus::Pending.as_str()
            && !self.has("remind_at")
            && !self.has("expiry_counted")
        {
            fixes.push(Fix::ToExpire {
                expires_at: r.time("expires_at")?,
            });
        }
        Ok(fixes)
    }
}

impl DynamoStore {
    pub(super) async fn contracts_without_backfill(
        &self,
        limit: usize,
    ) -> Result<Vec<ContractId>, StoreError> {
        // Its invitations in their shards first (to_shards.rs): the backfill reads there.
        let marks = [("#sharded", super::to_shards::INVITATIONS_SHARDED)];
        let filter = "attribute_not_exists(#done) AND attribute_exists(#sharded)";
        self.contracts_without(FUNNEL_BACKFILLED, filter, &marks, limit)
            .await
    }

    /// At most `limit` contracts without the mark `done` (`#done` in `filter`, with `names`),
    /// from the contracts' list on gsi1: the one-time passes' work lists.
    pub(super) async fn contracts_without(
        &self,
        done: &str,
        filter: &str,
        names: &[(&str, &str)],
        limit: usize,
    ) -> Result<Vec<ContractId>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(GSI1)
                .key_condition_expression("gsi1pk = :p")
                .filter_expression(filter)
                .expression_attribute_names("#done", done)
                .expression_attribute_values(":p", s(CONTRACTS_GSI1PK))
                .projection_expression("id")
                .set_exclusive_start_key(start);
            for (name, attribute) in names {
                query = query.expression_attribute_names(*name, *attribute);
            }
            let out = query.send().await.map_err(db_error)?;
            for item in out.items() {
                if found.len() == limit {
                    return Ok(found);
                }
                found.push(Reader(item).id("id", ContractId::parse)?);
            }
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                return Ok(found);
            }
        }
    }

    pub(super) async fn backfill_contract(
        &self,
        contract: &ContractId,
        writes: usize,
        now: DateTime<Utc>,
    ) -> Result<FunnelBackfill, StoreError> {
        let mut done = FunnelBackfill::default();
        let Some(item) = self
            .item_by_key(key(contract_pk(contract), CONTRACT_SK.into()))
            .await?
        else {
            done.finished = true;
            return Ok(done);
        };
        if item.contains_key(FUNNEL_BACKFILLED) {
            done.finished = true;
            return Ok(done);
        }
        // Read in one item: the enrolments the buckets miss, which no enrolment changes.
        let enrolled: u64 = Reader(&item).opt_n("enrolled")?.unwrap_or(0);
        let missing = enrolled.saturating_sub(funnel_from(&item)?.enrolments_timed());
        let mut enrolments = Vec::new();
        // Every shard of the contract's invitations (issue 33).
        for pk in invitation_pks(contract) {
            let mut start = None;
            loop {
                let out = self
                    .client()
                    .query()
                    .table_name(self.table())
                    .key_condition_expression("pk = :pk AND begins_with(sk, :invite)")
                    .expression_attribute_values(":pk", s(&pk))
                    .expression_attribute_values(":invite", s(INVITE_SK_PREFIX))
                    .projection_expression(PROJECTION)
                    .expression_attribute_names("#status", "status")
                    .consistent_read(true)
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .map_err(db_error)?;
                for item in out.items() {
                    let r = Reader(item);
                    let row = Row {
                        identity: invite_identity(item)?,
                        id: r.s("invitation_id")?,
                        status: r.s("status")?,
                        item,
                    };
                    if row.status == InvitationStatus::Enrolled.as_str() {
                        if let Some(at) = r.opt_time("enrolled_at")? {
                            enrolments.push((r.time("invited_at")?, at));
                        }
                    }
                    for fix in row.fixes()? {
                        if done.writes == writes {
                            // Out of writes: the next run reads again and goes on.
                            return Ok(done);
                        }
                        done.writes += 1;
                        self.fix(contract, &row, fix, &mut done).await?;
                    }
                }
                start = out.last_evaluated_key().cloned();
                if start.is_none() {
                    break;
                }
            }
        }
        let buckets = earliest_enrolments(missing, enrolments);
        if self.finish(contract, &buckets, now).await? {
            done.enrolments_timed = buckets.iter().map(|(_, n)| n).sum();
        }
        done.finished = true;
        Ok(done)
    }

    /// One invitation's write; a failed condition means it changed meanwhile (counted by
    /// what changed it, or to be seen by the next run) and is no error.
    async fn fix(
        &self,
        contract: &ContractId,
        row: &Row<'_>,
        fix: Fix,
        done: &mut FunnelBackfill,
    ) -> Result<(), StoreError> {
        let at = invitation_key(contract, &row.identity);
        match fix {
            Fix::Report {
                kind,
                flag,
                counter,
            } => {
                let flag_update = update(
                    at,
                    &format!("SET {flag} = :true"),
                    &format!(
                        "invitation_id = :id AND report_kind = :kind \
                         AND attribute_not_exists({flag})"
                    ),
                    &[],
                    Item::from([
                        (":true".into(), AttributeValue::Bool(true)),
                        (":id".into(), s(row.id)),
                        (":kind".into(), s(&kind)),
                    ]),
                    self.table(),
                );
                let counter_update = update(
                    key(contract_pk(contract), CONTRACT_SK.into()),
                    &format!("ADD {counter} :one"),
                    "attribute_exists(pk)",
                    &[],
                    Item::from([(":one".into(), n(1))]),
                    self.table(),
                );
                let items = vec![tx_update(flag_update), tx_update(counter_update)];
                if let TxOutcome::Done = self.transact(items).await? {
                    match flag {
                        "counted_delivered" => done.delivered += 1,
                        _ => done.bounced += 1,
                    }
                }
            }
            Fix::ToExpire { expires_at } => {
                let result = self
                    .client()
                    .update_item()
                    .table_name(self.table())
                    .set_key(Some(at))
                    .update_expression("SET remind_shard = :rshard, remind_at = :exp")
                    .condition_expression(
                        "invitation_id = :id AND #status = :pending AND expires_at = :exp \
                         AND attribute_not_exists(remind_at) AND attribute_not_exists(expiry_counted)",
                    )
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":id", s(row.id))
                    .expression_attribute_values(
                        ":pending",
                        s(InvitationStatus::Pending.as_str()),
                    )
                    .expression_attribute_values(":exp", ms(expires_at))
                    .expression_attribute_values(
                        ":rshard",
                        s(remind_shard(contract, &row.identity)),
                    )
                    .send()
                    .await;
                if changed(result)? {
                    done.to_expire += 1;
                }
            }
        }
        Ok(())
    }

    /// The missing buckets and the completion mark, once: false when another run finished
    /// first (or the contract is gone).
    async fn finish(
        &self,
        contract: &ContractId,
        buckets: &[(EnrolAfter, u64)],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut expression = "SET #done = :now".to_owned();
        let mut request = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key(contract_pk(contract), CONTRACT_SK.into())))
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(#done)")
            .expression_attribute_names("#done", FUNNEL_BACKFILLED)
            .expression_attribute_values(":now", ms(now));
        for (i, (bucket, count)) in buckets.iter().enumerate() {
            expression.push_str(if i == 0 { " ADD " } else { ", " });
            expression.push_str(&format!("#b{i} :b{i}"));
            request = request
                .expression_attribute_names(
                    format!("#b{i}"),
                    format!("{ENROL_AFTER_PREFIX}{}", bucket.key()),
                )
                .expression_attribute_values(format!(":b{i}"), n(count));
        }
        let result = request.update_expression(expression).send().await;
        changed(result)
    }
}

/// Whether a conditional update was made (false: its condition failed).
fn changed<O, R: std::fmt::Debug>(
    result: Result<O, aws_sdk_dynamodb::error::SdkError<UpdateItemError, R>>,
) -> Result<bool, StoreError> {
    match result {
        Ok(_) => Ok(true),
        Err(err)
            if matches!(
                err.as_service_error(),
                Some(UpdateItemError::ConditionalCheckFailedException(_))
            ) =>
        {
            Ok(false)
        }
        Err(err) => Err(db_error(err)),
    }
}
