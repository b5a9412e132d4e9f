//! The mailer's side of an invitation: claim a queued send, record what SES answered, or give
//! the claim back; and the sweeper's: find sends stuck past their due time and queue them again.

use super::{invitation_key, key, tx_update, update};
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{db_error, DynamoStore, TxOutcome};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// A conditional update's answer: the output when it was written, `None` when its condition
/// failed (the item had moved on; each caller says what that means).
fn written<O, R: std::fmt::Debug>(
    result: Result<O, aws_sdk_dynamodb::error::SdkError<UpdateItemError, R>>,
) -> Result<Option<O>, StoreError> {
    match result {
        Ok(out) => Ok(Some(out)),
        Err(err)
            if matches!(
                err.as_service_error(),
                Some(UpdateItemError::ConditionalCheckFailedException(_))
            ) =>
        {
            Ok(None)
        }
        Err(err) => Err(db_error(err)),
    }
}

/// The history entry of a send SES accepted, keyed by its message id (however often it is
/// recorded, one entry).
fn sent_record(inv: &Invitation, at: DateTime<Utc>, message_id: &str) -> (AuditRecord, String) {
    let record = AuditRecord {
        activities: inv.activities.clone(),
        at,
        actor: None,
        action: AuditAction::Sent,
        subjects: vec![inv.email.identity().to_owned()],
        detail: Some(match inv.reminder {
            Some(n) => format!("reminder {n} to {}", inv.email),
            None if inv.send_count > 1 => format!("to {} (send {})", inv.email, inv.send_count),
            None => format!("to {}", inv.email),
        }),
        invitation_id: Some(inv.id.clone()),
    };
    let sk = history_sk_once(&inv.id, at, &format!("sent|{message_id}"));
    (record, sk)
}

/// A mailer claim older than this is taken to be from a mailer that died mid-send.
pub const STALE_CLAIM: Duration = Duration::minutes(5);
/// A queued send not claimed within this is stuck (its stream record was lost or gave up).
pub const QUEUED_LIMIT: Duration = Duration::minutes(15);
/// A claimed send not recorded within this is stuck (the mailer died mid-send).
pub const SENDING_LIMIT: Duration = Duration::minutes(10);
/// Sweeps of one send before it is recorded as failed.
pub const MAX_SWEEPS: u32 = 5;

#[async_trait]
impl SendStore for DynamoStore {
    async fn claim_test_mail(
        &self,
        test: &TestMail,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(test_mail_key(test)))
            .update_expression("SET delivery = :sending, delivery_since = :now")
            .condition_expression("delivery = :queued")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":queued", s("queued"))
            .expression_attribute_values(":now", ms(now))
            .send()
            .await;
        Ok(written(result)?.is_some())
    }

    async fn record_test_mail(
        &self,
        test: &TestMail,
        result: &DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let update = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(test_mail_key(test)))
            .condition_expression("delivery = :sending")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":now", ms(now));
        let update = match result {
            DeliveryResult::Sent { message_id, .. } => update
                .update_expression("SET delivery = :sent, last_sent_at = :now, message_id = :msg")
                .expression_attribute_values(":sent", s("sent"))
                .expression_attribute_values(":msg", s(message_id)),
            DeliveryResult::Failed { reason } => update
                .update_expression(
                    "SET delivery = :failed, delivery_error = :reason, delivery_since = :now",
                )
                .expression_attribute_values(":failed", s("failed"))
                .expression_attribute_values(":reason", s(import::shorten(reason, 500))),
        };
        written(update.send().await)?;
        Ok(())
    }

    async fn claim_send(
        &self,
        contract: &ContractId,
        identity: &str,
        token_version: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(contract, identity)))
            .update_expression("SET delivery = :sending, delivery_since = :now, send_due_at = :due")
            .condition_expression(
                "#status = :pending AND token_version = :ver AND \
                 (delivery = :queued OR (delivery = :sending AND delivery_since < :stale))",
            )
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(HashMap::from([
                (":sending".into(), s("sending")),
                (":queued".into(), s("queued")),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":ver".into(), n(token_version)),
                (":now".into(), ms(now)),
                (":stale".into(), ms(now - STALE_CLAIM)),
                (":due".into(), ms(now + SENDING_LIMIT)),
            ])))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        Ok(written(result)?
            .and_then(|out| out.attributes().map(invitation_from))
            .transpose()?)
    }

    async fn record_delivery(
        &self,
        invitation: &Invitation,
        result: DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut values = HashMap::from([
            (":ver".to_owned(), n(invitation.token_version)),
            (":sending".to_owned(), s("sending")),
            (":now".to_owned(), ms(now)),
        ]);
        let (expression, history) = match result {
            DeliveryResult::Sent {
                message_id,
                remind_at,
            } => {
                values.insert(":sent".into(), s("sent"));
                values.insert(":msg".into(), s(&message_id));
                let mut set =
                    "SET delivery = :sent, last_sent_at = :now, message_id = :msg".to_owned();
                if let Some(at) = remind_at {
                    values.insert(":remind".into(), ms(at));
                    values.insert(
                        ":rshard".into(),
                        s(remind_shard(
                            &invitation.contract_id,
                            invitation.email.identity(),
                        )),
                    );
                    set.push_str(", remind_at = :remind, remind_shard = :rshard");
                }
                (
                    set + " REMOVE delivery_since, delivery_error, send_shard, send_due_at, \
                     report_kind, report_at, report_detail, send_reminder, reminder_version",
                    sent_record(invitation, now, &message_id),
                )
            }
            DeliveryResult::Failed { reason } => {
                let reason = import::shorten(&reason, 500);
                values.insert(":failed".into(), s("failed"));
                values.insert(":reason".into(), s(&reason));
                let record = AuditRecord {
                    activities: invitation.activities.clone(),
                    at: now,
                    actor: None,
                    action: AuditAction::SendFailed,
                    subjects: vec![invitation.email.identity().to_owned()],
                    detail: Some(reason),
                    invitation_id: Some(invitation.id.clone()),
                };
                let sk = history_sk(&invitation.id, now);
                (
                    "SET delivery = :failed, delivery_error = :reason, delivery_since = :now \
                     REMOVE send_shard, send_due_at, send_reminder, reminder_version"
                        .to_owned(),
                    (record, sk),
                )
            }
        };
        // The send's history entry goes with its record: if the mailer records twice, the
        // second finds the send no longer claimed and writes neither.
        let (record, sk) = history;
        let items = vec![
            tx_update(update(
                invitation_key(&invitation.contract_id, invitation.email.identity()),
                &expression,
                "token_version = :ver AND delivery = :sending",
                &[],
                values,
                self.table(),
            )),
            self.put_history(&invitation.contract_id, &record, sk),
        ];
        // A failed condition: a resend superseded the send while it was in flight; the newer
        // send's own record stands.
        self.transact(items).await?;
        Ok(())
    }

    async fn release_claim(&self, invitation: &Invitation) -> Result<(), StoreError> {
        let values = HashMap::from([
            (":ver".to_owned(), n(invitation.token_version)),
            (":sending".to_owned(), s("sending")),
            (":queued".to_owned(), s("queued")),
            (":due".to_owned(), ms(Utc::now() + QUEUED_LIMIT)),
        ]);
        self.update_claimed_send(
            invitation,
            "SET delivery = :queued, send_due_at = :due REMOVE delivery_since",
            values,
        )
        .await
    }
}

#[async_trait]
impl SweepStore for DynamoStore {
    async fn due_sends(
        &self,
        shard: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DueSend>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(BY_SEND_DUE)
            .key_condition_expression("send_shard = :shard AND send_due_at <= :now")
            .expression_attribute_values(":shard", s(shard))
            .expression_attribute_values(":now", ms(now))
            .limit(i32::try_from(limit.clamp(1, 1000)).unwrap_or(1000))
            .send()
            .await
            .map_err(db_error)?;
        out.items()
            .iter()
            .map(|item| {
                let r = Reader(item);
                let identity = invite_identity(item)?;
                Ok(DueSend {
                    contract: r.id("contract_id", ContractId::parse)?,
                    identity,
                    due_at: r.time("send_due_at")?,
                })
            })
            .collect::<Result<_, CorruptItem>>()
            .map_err(StoreError::from)
    }

    async fn sweep_send(
        &self,
        due: &DueSend,
        now: DateTime<Utc>,
    ) -> Result<SweepOutcome, StoreError> {
        // The read only chooses which write to try; each write is conditional on the send
        // being as it was found (same due time), so a mailer or a resend that got there first
        // wins and the sweep changes nothing.
        let key = invitation_key(&due.contract, &due.identity);
        let Some(item) = self.item_by_key(key.clone()).await? else {
            return Ok(SweepOutcome::Moved);
        };
        let r = Reader(&item);
        if r.opt_time("send_due_at")? != Some(due.due_at) {
            return Ok(SweepOutcome::Moved);
        }
        let needs_send = r.s("status")? == InvitationStatus::Pending.as_str()
            && matches!(r.opt_s("delivery"), Some("queued" | "sending"));
        let sweeps: u32 = r.opt_n("sweeps")?.unwrap_or(0);
        let mut values = HashMap::from([(":seen".to_owned(), ms(due.due_at))]);
        let (expression, outcome) = if !needs_send {
            ("REMOVE send_shard, send_due_at", SweepOutcome::Cleared)
        } else if sweeps >= MAX_SWEEPS {
            values.insert(":failed".into(), s("failed"));
            values.insert(
                ":reason".into(),
                s(format!(
                    "the mail could not be sent after {MAX_SWEEPS} more tries; send it again to retry"
                )),
            );
            values.insert(":now".into(), ms(now));
            (
                "SET delivery = :failed, delivery_error = :reason, delivery_since = :now \
                 REMOVE send_shard, send_due_at",
                SweepOutcome::GaveUp,
            )
        } else {
            // `sweeps` changes with every sweep, so the mailer tells this fresh send from a
            // claim it gave back itself (same version, same sweeps).
            values.insert(":queued".into(), s("queued"));
            values.insert(":due".into(), ms(now + QUEUED_LIMIT));
            values.insert(":sweeps".into(), n(sweeps + 1));
            (
                "SET delivery = :queued, send_due_at = :due, sweeps = :sweeps \
                 REMOVE delivery_since",
                SweepOutcome::Requeued,
            )
        };
        if outcome == SweepOutcome::GaveUp {
            // Giving up is a send that failed: in the invitation's history, with the record.
            let id = r.id("invitation_id", InvitationId::parse)?;
            let record = AuditRecord {
                activities: Vec::new(),
                at: now,
                actor: None,
                action: AuditAction::SendFailed,
                subjects: vec![due.identity.clone()],
                detail: values.get(":reason").and_then(|v| v.as_s().ok()).cloned(),
                invitation_id: Some(id.clone()),
            };
            let items = vec![
                tx_update(update(
                    key,
                    expression,
                    "send_due_at = :seen",
                    &[],
                    values,
                    self.table(),
                )),
                self.put_history(&due.contract, &record, history_sk(&id, now)),
            ];
            return Ok(match self.transact(items).await? {
                TxOutcome::Done => outcome,
                TxOutcome::Cancelled(_) => SweepOutcome::Moved,
            });
        }
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(key))
            .update_expression(expression)
            .condition_expression("send_due_at = :seen")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        Ok(match written(result)? {
            Some(_) => outcome,
            None => SweepOutcome::Moved,
        })
    }
}

#[async_trait]
impl ReportStore for DynamoStore {
    async fn record_report(
        &self,
        id: &InvitationId,
        message_id: &str,
        report: &DeliveryReport,
    ) -> Result<ReportOutcome, StoreError> {
        let Some(invitation) = self.load(None, id).await? else {
            return Ok(ReportOutcome::Unknown);
        };
        let contract = &invitation.contract_id;
        // The history first, keyed by the report itself, so a redelivered event adds nothing.
        let detail = if report.detail.is_empty() {
            report.kind.as_str().to_owned()
        } else {
            format!("{}: {}", report.kind.as_str(), report.detail)
        };
        let mut audit = audit_item(
            contract,
            &AuditRecord {
                activities: invitation.activities.clone(),
                at: report.at,
                actor: None,
                action: AuditAction::MailReport,
                subjects: vec![invitation.email.identity().to_owned()],
                detail: Some(import::shorten(&detail, 500)),
                invitation_id: Some(id.clone()),
            },
            self.audit_kept(),
        );
        audit.insert(
            "sk".into(),
            s(audit_sk_once(
                report.at,
                &format!("{message_id}|{}", report.kind.as_str()),
            )),
        );
        audit.insert("message_id".into(), s(message_id));
        let mut history = audit.clone();
        // The history in its shard (issue 33), the audit record in the contract's partition.
        history.insert("pk".into(), s(history_pk(contract, id)));
        history.insert(
            "sk".into(),
            s(history_sk_once(
                id,
                report.at,
                &format!("{message_id}|{}", report.kind.as_str()),
            )),
        );
        history.insert("type".into(), s("history"));
        // Both keys come from the report, so a redelivered event fails both conditions and
        // adds nothing.
        let once = |item: Item| {
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(self.table())
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(sk)")
                        .build()
                        .expect("put is complete"),
                )
                .build()
        };
        self.transact(vec![once(audit), once(history)]).await?;
        // The funnel counts an invitation once as delivered and once as bounced, however many
        // of its mails were: the flag and the counter change in one transaction.
        let counted = match report.kind {
            ReportKind::Delivered => Some(("counted_delivered", "delivered_total")),
            ReportKind::BouncedPermanent | ReportKind::BouncedTransient => {
                Some(("counted_bounced", "bounced_total"))
            }
            _ => None,
        };
        if let Some((flag, counter)) = counted {
            let flag_update = update(
                invitation_key(contract, invitation.email.identity()),
                &format!("SET {flag} = :true"),
                &format!("invitation_id = :id AND attribute_not_exists({flag})"),
                &[],
                Item::from([
                    (":true".into(), AttributeValue::Bool(true)),
                    (":id".into(), s(id.as_str())),
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
            // Cancelled: counted already (a redelivered event, or an earlier mail).
            self.transact(vec![tx_update(flag_update), tx_update(counter_update)])
                .await?;
        }
        // Then the invitation: only its current send's report, never an older one over a
        // newer, and "delayed" never over a final word.
        let mut condition =
            "message_id = :mid AND (attribute_not_exists(report_at) OR report_at <= :at)"
                .to_owned();
        let mut values = HashMap::from([
            (":mid".to_owned(), s(message_id)),
            (":at".to_owned(), ms(report.at)),
            (":kind".to_owned(), s(report.kind.as_str())),
            (
                ":detail".to_owned(),
                s(import::shorten(&report.detail, 500)),
            ),
        ]);
        if !report.kind.is_final() {
            condition.push_str(" AND (attribute_not_exists(report_kind) OR report_kind = :kind)");
        } else {
            values.insert(":delayed".into(), s(ReportKind::Delayed.as_str()));
            condition.push_str(
                " AND (attribute_not_exists(report_kind) OR report_kind = :delayed OR report_at < :at OR report_kind = :kind)",
            );
        }
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(contract, invitation.email.identity())))
            .update_expression("SET report_kind = :kind, report_at = :at, report_detail = :detail")
            .condition_expression(condition)
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        Ok(match written(result)? {
            Some(_) => ReportOutcome::Current,
            None => ReportOutcome::HistoryOnly,
        })
    }

    async fn record_accepted(
        &self,
        id: &InvitationId,
        version: u32,
        message_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(invitation) = self.load(None, id).await? else {
            return Ok(false);
        };
        if invitation.token_version != version
            || !matches!(invitation.delivery, Delivery::Sending { .. })
        {
            return Ok(false);
        }
        let values = HashMap::from([
            (":ver".to_owned(), n(version)),
            (":sending".to_owned(), s("sending")),
            (":sent".to_owned(), s("sent")),
            (":now".to_owned(), ms(at)),
            (":msg".to_owned(), s(message_id)),
        ]);
        let (record, sk) = sent_record(&invitation, at, message_id);
        let items = vec![
            tx_update(update(
                invitation_key(&invitation.contract_id, invitation.email.identity()),
                "SET delivery = :sent, last_sent_at = :now, message_id = :msg \
                 REMOVE delivery_since, delivery_error, send_shard, send_due_at",
                "token_version = :ver AND delivery = :sending",
                &[],
                values,
                self.table(),
            )),
            self.put_history(&invitation.contract_id, &record, sk),
        ];
        Ok(matches!(self.transact(items).await?, TxOutcome::Done))
    }
}

#[async_trait]
impl BlockStore for DynamoStore {
    async fn block_address(&self, block: &AddressBlock) -> Result<(), StoreError> {
        let item = Item::from([
            ("pk".into(), s(block_pk(&block.identity))),
            ("sk".into(), s(BLOCK_SK)),
            ("type".into(), s("mail_block")),
            ("kind".into(), s(block.kind.as_str())),
            ("detail".into(), s(import::shorten(&block.detail, 500))),
            ("at".into(), ms(block.at)),
        ]);
        let result = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(err) => Err(db_error(err)),
        }
    }

    async fn address_block(&self, identity: &str) -> Result<Option<AddressBlock>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.table())
            .key("pk", s(block_pk(identity)))
            .key("sk", s(BLOCK_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(db_error)?;
        out.item().map(block_from).transpose()
    }

    async fn address_blocks(&self, identities: &[&str]) -> Result<Vec<AddressBlock>, StoreError> {
        let keys = identities
            .iter()
            .map(|identity| {
                Item::from([
                    ("pk".into(), s(block_pk(identity))),
                    ("sk".into(), s(BLOCK_SK)),
                ])
            })
            .collect();
        self.batch_get(keys).await?.iter().map(block_from).collect()
    }
}

impl DynamoStore {
    /// Changes the delivery of the send this mailer claimed. `values` must bind `:ver` and
    /// `:sending`. A failed condition means a resend superseded the send while it was in
    /// flight: the newer send's own record stands, so that is not an error.
    async fn update_claimed_send(
        &self,
        invitation: &Invitation,
        expression: &str,
        values: HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(
                &invitation.contract_id,
                invitation.email.identity(),
            )))
            .update_expression(expression)
            .condition_expression("token_version = :ver AND delivery = :sending")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        written(result)?;
        Ok(())
    }
}

fn block_from(item: &Item) -> Result<AddressBlock, StoreError> {
    let r = Reader(item);
    let kind = r.s("kind")?;
    let pk = r.s("pk")?;
    Ok(AddressBlock {
        identity: pk.strip_prefix(BLOCK_PK_PREFIX).unwrap_or(pk).to_owned(),
        kind: ReportKind::parse(kind).ok_or_else(|| CorruptItem(format!("kind {kind}")))?,
        detail: r.opt_s("detail").unwrap_or_default().to_owned(),
        at: r.time("at")?,
    })
}
