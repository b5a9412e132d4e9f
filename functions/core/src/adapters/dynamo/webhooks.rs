//! Webhook endpoints and their messages in the table.
//!
//! | item     | pk                   | sk                              | gsi1pk                       | gsi1sk                          |
//! |----------|----------------------|---------------------------------|------------------------------|---------------------------------|
//! | endpoint | `WEBHOOK#<endpoint>` | `ENDPOINT`                      | `WEBHOOKS#ALL` or `WEBHOOKS#<contract>` | `<created ms>#<endpoint>` |
//! | message  | `WEBHOOK#<endpoint>` | `MSG#<event ms>#<event id>`     | `WEBHOOKDUE` while pending   | `<next attempt ms>#<endpoint>#<sk>` |
//!
//! A message's key comes from its event alone, so a redelivered event finds the message the
//! first delivery kept (`attribute_not_exists`). The due entry on gsi1 is sparse: only pending
//! messages have it, and a claim moves it to the claim's end (a crashed delivery is found again).

use super::items::{invitation_pk, invite_sk, ms, n, s, Item, Reader, GSI1};
use super::{db_error, DynamoStore, TxOutcome};
use crate::domain::*;
use crate::ports::{CorruptItem, MessageKey, StoreError, WebhookStore};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

const ENDPOINT_SK: &str = "ENDPOINT";
const MSG_PREFIX: &str = "MSG#";
const DUE_GSI1PK: &str = "WEBHOOKDUE";
/// `owner_notice` while the mail about a disabling waits for the mailer, then `sent`.
pub const OWNER_NOTICE_QUEUED: &str = "queued";
const OWNER_NOTICE_SENT: &str = "sent";

pub fn webhook_pk(id: &EndpointId) -> String {
    format!("WEBHOOK#{id}")
}

fn scope_gsi1pk(scope: &EndpointScope) -> String {
    match scope {
        EndpointScope::AllContracts => "WEBHOOKS#ALL".to_owned(),
        EndpointScope::Contract(c) => format!("WEBHOOKS#{c}"),
    }
}

fn message_sk(key: &MessageKey) -> String {
    format!(
        "{MSG_PREFIX}{:013}#{}",
        key.at.timestamp_millis(),
        key.event_id
    )
}

fn due_sk(endpoint: &EndpointId, sk: &str, at: DateTime<Utc>) -> String {
    format!("{:013}#{endpoint}#{sk}", at.timestamp_millis())
}

/// A conditional write's answer: written (true), its condition failed (false), or an error.
pub(super) fn written<O, E, R>(result: Result<O, SdkError<E, R>>) -> Result<bool, StoreError>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(_) => Ok(true),
        Err(SdkError::ServiceError(e))
            if e.err().code() == Some("ConditionalCheckFailedException") =>
        {
            Ok(false)
        }
        Err(e) => Err(db_error(e)),
    }
}

// ---- endpoints ----

fn endpoint_item(e: &Endpoint, version: u64) -> Item {
    let mut item = Item::from([
        ("pk".into(), s(webhook_pk(&e.id))),
        ("sk".into(), s(ENDPOINT_SK)),
        ("type".into(), s("webhook_endpoint")),
        ("gsi1pk".into(), s(scope_gsi1pk(&e.scope))),
        (
            "gsi1sk".into(),
            s(format!("{:013}#{}", e.created_at.timestamp_millis(), e.id)),
        ),
        ("url".into(), s(&e.url)),
        ("description".into(), s(&e.description)),
        (
            "event_types".into(),
            AttributeValue::L(e.event_types.iter().map(s).collect()),
        ),
        ("enabled".into(), AttributeValue::Bool(e.enabled)),
        (
            "secrets".into(),
            AttributeValue::L(
                e.secrets
                    .iter()
                    .map(|secret| {
                        let mut m = HashMap::from([
                            ("sealed".to_owned(), s(&secret.sealed)),
                            ("created_at".to_owned(), ms(secret.created_at)),
                        ]);
                        if let Some(end) = secret.expires_at {
                            m.insert("expires_at".into(), ms(end));
                        }
                        AttributeValue::M(m)
                    })
                    .collect(),
            ),
        ),
        ("created_by".into(), s(e.created_by.as_str())),
        ("created_at".into(), ms(e.created_at)),
        ("version".into(), n(version)),
    ]);
    if let EndpointScope::Contract(c) = &e.scope {
        item.insert("contract_id".into(), s(c.as_str()));
    }
    if let Some(why) = &e.disabled_reason {
        item.insert("disabled_reason".into(), s(why));
    }
    if e.owner_notice_queued {
        item.insert("owner_notice".into(), s(OWNER_NOTICE_QUEUED));
    }
    if let Some(since) = e.failing_since {
        item.insert("failing_since".into(), ms(since));
    }
    item
}

fn endpoint_from(item: &Item) -> Result<Endpoint, CorruptItem> {
    let r = Reader(item);
    let id = r.s("pk")?.trim_start_matches("WEBHOOK#");
    let scope = match r.opt_s("contract_id") {
        Some(c) => EndpointScope::Contract(
            ContractId::parse(c).map_err(|e| CorruptItem(format!("contract_id: {e}")))?,
        ),
        None => EndpointScope::AllContracts,
    };
    let secrets = match item.get("secrets") {
        Some(AttributeValue::L(list)) => list
            .iter()
            .filter_map(|v| v.as_m().ok())
            .map(|m| {
                let r = Reader(m);
                Ok(SealedSecret {
                    sealed: r.s("sealed")?.to_owned(),
                    created_at: r.time("created_at")?,
                    expires_at: r.opt_time("expires_at")?,
                })
            })
            .collect::<Result<Vec<_>, CorruptItem>>()?,
        _ => Vec::new(),
    };
    Ok(Endpoint {
        id: EndpointId::parse(id).map_err(|e| CorruptItem(format!("endpoint id: {e}")))?,
        scope,
        url: r.s("url")?.to_owned(),
        description: r.opt_s("description").unwrap_or_default().to_owned(),
        event_types: r.strings("event_types"),
        enabled: matches!(item.get("enabled"), Some(AttributeValue::Bool(true))),
        disabled_reason: r.opt_s("disabled_reason").map(str::to_owned),
        secrets,
        created_by: r.id("created_by", UserId::parse)?,
        created_at: r.time("created_at")?,
        failing_since: r.opt_time("failing_since")?,
        owner_notice_queued: r.opt_s("owner_notice") == Some(OWNER_NOTICE_QUEUED),
        version: r.n("version")?,
    })
}

// ---- messages ----

fn attempt_value(a: &DeliveryAttempt) -> AttributeValue {
    let mut m = HashMap::from([
        ("at".to_owned(), ms(a.at)),
        ("duration_ms".to_owned(), n(a.duration_ms)),
        ("response_start".to_owned(), s(&a.response_start)),
    ]);
    if let Some(status) = a.status {
        m.insert("status".into(), n(status));
    }
    if let Some(e) = &a.error {
        m.insert("error".into(), s(e));
    }
    AttributeValue::M(m)
}

fn attempt_from(v: &AttributeValue) -> Result<DeliveryAttempt, CorruptItem> {
    let m = v
        .as_m()
        .map_err(|_| CorruptItem("an attempt that is not a map".into()))?;
    let r = Reader(m);
    Ok(DeliveryAttempt {
        at: r.time("at")?,
        status: r.opt_n("status")?,
        duration_ms: r.n("duration_ms")?,
        response_start: r.opt_s("response_start").unwrap_or_default().to_owned(),
        error: r.opt_s("error").map(str::to_owned),
    })
}

fn message_from(item: &Item) -> Result<Message, CorruptItem> {
    let r = Reader(item);
    let endpoint = r.s("pk")?.trim_start_matches("WEBHOOK#");
    let attempts = match item.get("attempts") {
        Some(AttributeValue::L(list)) => list.iter().map(attempt_from).collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    Ok(Message {
        endpoint_id: EndpointId::parse(endpoint)
            .map_err(|e| CorruptItem(format!("endpoint id: {e}")))?,
        event_id: r.s("event_id")?.to_owned(),
        event_type: r.s("event_type")?.to_owned(),
        body: r.s("body")?.to_owned(),
        created_at: r.time("created_at")?,
        state: MessageState::parse(r.s("state")?)
            .ok_or_else(|| CorruptItem("state: not a message state".into()))?,
        attempts,
        next_attempt_at: r.opt_time("next_attempt_at")?,
        round_from: r.opt_n("round_from")?.unwrap_or(0),
    })
}

/// The message's key, from the message (its event's time is `created_at`).
pub fn key_of(m: &Message) -> MessageKey {
    MessageKey {
        at: m.created_at,
        event_id: m.event_id.clone(),
    }
}

#[async_trait]
impl WebhookStore for DynamoStore {
    async fn create_endpoint(&self, endpoint: &Endpoint) -> Result<(), StoreError> {
        self.put_new(endpoint_item(endpoint, 1)).await
    }

    async fn get_endpoint(&self, id: &EndpointId) -> Result<Option<Endpoint>, StoreError> {
        self.get(webhook_pk(id), ENDPOINT_SK)
            .await?
            .map(|item| endpoint_from(&item).map_err(StoreError::from))
            .transpose()
    }

    async fn save_endpoint(&self, endpoint: &Endpoint) -> Result<bool, StoreError> {
        let result = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(endpoint_item(endpoint, endpoint.version + 1)))
            .condition_expression("version = :read")
            .expression_attribute_values(":read", n(endpoint.version))
            .send()
            .await;
        written(result)
    }

    async fn claim_owner_notice(&self, endpoint: &EndpointId) -> Result<bool, StoreError> {
        self.move_owner_notice(endpoint, OWNER_NOTICE_QUEUED, OWNER_NOTICE_SENT)
            .await
    }

    async fn release_owner_notice(&self, endpoint: &EndpointId) -> Result<bool, StoreError> {
        self.move_owner_notice(endpoint, OWNER_NOTICE_SENT, OWNER_NOTICE_QUEUED)
            .await
    }

    async fn endpoints(&self, scope: &EndpointScope) -> Result<Vec<Endpoint>, StoreError> {
        let mut found = Vec::new();
        // The index may lag a write by a moment; each endpoint is read from the table.
        for item in self.gsi1_all(&scope_gsi1pk(scope)).await? {
            let id = Reader(&item).s("pk")?.trim_start_matches("WEBHOOK#");
            if let Ok(id) = EndpointId::parse(id) {
                if let Some(endpoint) = self.get_endpoint(&id).await? {
                    found.push(endpoint);
                }
            }
        }
        Ok(found)
    }

    async fn put_message(&self, m: &Message) -> Result<bool, StoreError> {
        let result = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(message_item(m)))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        written(result)
    }

    async fn put_message_about(
        &self,
        m: &Message,
        contract: &ContractId,
        identity: &str,
    ) -> Result<bool, StoreError> {
        use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem};
        let invitation = ConditionCheck::builder()
            .table_name(self.table())
            .key("pk", s(invitation_pk(contract, identity)))
            .key("sk", s(invite_sk(identity)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .expect("condition check is complete");
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(message_item(m)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put is complete");
        let items = vec![
            TransactWriteItem::builder()
                .condition_check(invitation)
                .build(),
            TransactWriteItem::builder().put(put).build(),
        ];
        Ok(matches!(self.transact(items).await?, TxOutcome::Done))
    }

    async fn get_message(
        &self,
        endpoint: &EndpointId,
        key: &MessageKey,
    ) -> Result<Option<Message>, StoreError> {
        self.get(webhook_pk(endpoint), &message_sk(key))
            .await?
            .map(|item| message_from(&item).map_err(StoreError::from))
            .transpose()
    }

    async fn claim_message(&self, m: &Message, until: DateTime<Utc>) -> Result<bool, StoreError> {
        let sk = message_sk(&key_of(m));
        let read_next = m.next_attempt_at.map_or_else(|| n(-1), ms);
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(webhook_pk(&m.endpoint_id)))
            .key("sk", s(&sk))
            .update_expression("SET next_attempt_at = :until, gsi1pk = :due, gsi1sk = :due_sk")
            .condition_expression(
                "#state = :pending AND attempt_count = :count AND next_attempt_at = :read",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":until", ms(until))
            .expression_attribute_values(":due", s(DUE_GSI1PK))
            .expression_attribute_values(":due_sk", s(due_sk(&m.endpoint_id, &sk, until)))
            .expression_attribute_values(":pending", s(MessageState::Pending.as_str()))
            .expression_attribute_values(":count", n(m.attempts.len()))
            .expression_attribute_values(":read", read_next)
            .send()
            .await;
        written(result)
    }

    async fn record_attempt(
        &self,
        m: &Message,
        attempt: &DeliveryAttempt,
        state: MessageState,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let sk = message_sk(&key_of(m));
        let mut update = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(webhook_pk(&m.endpoint_id)))
            .key("sk", s(&sk))
            .condition_expression("attempt_count = :count")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":count", n(m.attempts.len()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(
                ":attempt",
                AttributeValue::L(vec![attempt_value(attempt)]),
            )
            .expression_attribute_values(":state", s(state.as_str()));
        update = match next_attempt_at {
            Some(next) => update
                .update_expression(
                    "SET attempts = list_append(attempts, :attempt), #state = :state, \
                     next_attempt_at = :next, gsi1pk = :due, gsi1sk = :due_sk \
                     ADD attempt_count :one",
                )
                .expression_attribute_values(":next", ms(next))
                .expression_attribute_values(":due", s(DUE_GSI1PK))
                .expression_attribute_values(":due_sk", s(due_sk(&m.endpoint_id, &sk, next))),
            None => update.update_expression(
                "SET attempts = list_append(attempts, :attempt), #state = :state \
                 REMOVE next_attempt_at, gsi1pk, gsi1sk ADD attempt_count :one",
            ),
        };
        written(update.send().await)
    }

    async fn messages(
        &self,
        endpoint: &EndpointId,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Message>, Option<String>), StoreError> {
        let below = match cursor {
            None => format!("{MSG_PREFIX}~"),
            Some(c) => URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|sk| sk.starts_with(MSG_PREFIX) && sk.len() < 200)
                .ok_or(StoreError::BadCursor)?,
        };
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :below")
            .expression_attribute_values(":pk", s(webhook_pk(endpoint)))
            .expression_attribute_values(":from", s(MSG_PREFIX))
            .expression_attribute_values(":below", s(&below))
            .scan_index_forward(false)
            .limit(i32::try_from(limit + 2).unwrap_or(i32::MAX))
            .consistent_read(true)
            .send()
            .await
            .map_err(db_error)?;
        let mut page = Vec::with_capacity(limit + 1);
        let mut last_sk = None;
        for item in out.items() {
            let sk = Reader(item).s("sk")?;
            if sk == below {
                continue;
            }
            if page.len() == limit {
                return Ok((page, last_sk.map(|sk: String| URL_SAFE_NO_PAD.encode(sk))));
            }
            page.push(message_from(item)?);
            last_sk = Some(sk.to_owned());
        }
        Ok((page, None))
    }

    async fn requeue_message(&self, m: &Message, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let sk = message_sk(&key_of(m));
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(webhook_pk(&m.endpoint_id)))
            .key("sk", s(&sk))
            .update_expression(
                "SET #state = :pending, next_attempt_at = :now, gsi1pk = :due, gsi1sk = :due_sk, \
                 round_from = :count",
            )
            .condition_expression("#state <> :pending AND attempt_count = :count")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":pending", s(MessageState::Pending.as_str()))
            .expression_attribute_values(":now", ms(now))
            .expression_attribute_values(":due", s(DUE_GSI1PK))
            .expression_attribute_values(":due_sk", s(due_sk(&m.endpoint_id, &sk, now)))
            .expression_attribute_values(":count", n(m.attempts.len()))
            .send()
            .await;
        written(result)
    }

    async fn due_messages(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(EndpointId, MessageKey)>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(GSI1)
            .key_condition_expression("gsi1pk = :due AND gsi1sk <= :now")
            .expression_attribute_values(":due", s(DUE_GSI1PK))
            .expression_attribute_values(":now", s(format!("{:013}~", now.timestamp_millis())))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(db_error)?;
        let mut due = Vec::new();
        for item in out.items() {
            let r = Reader(item);
            let endpoint = r.s("pk")?.trim_start_matches("WEBHOOK#");
            let sk = r.s("sk")?;
            let Some((at, event_id)) = sk
                .strip_prefix(MSG_PREFIX)
                .and_then(|rest| rest.split_once('#'))
            else {
                continue;
            };
            let (Ok(endpoint), Some(at)) = (
                EndpointId::parse(endpoint),
                at.parse::<i64>()
                    .ok()
                    .and_then(DateTime::from_timestamp_millis),
            ) else {
                continue;
            };
            due.push((
                endpoint,
                MessageKey {
                    at,
                    event_id: event_id.to_owned(),
                },
            ));
        }
        Ok(due)
    }
}

impl DynamoStore {
    /// `owner_notice` from one state to the other, conditional on the first.
    async fn move_owner_notice(
        &self,
        endpoint: &EndpointId,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(webhook_pk(endpoint)))
            .key("sk", s(ENDPOINT_SK))
            .update_expression("SET owner_notice = :to, version = version + :one")
            .condition_expression("owner_notice = :from")
            .expression_attribute_values(":from", s(from))
            .expression_attribute_values(":to", s(to))
            .expression_attribute_values(":one", n(1u64))
            .send()
            .await;
        written(result)
    }
}

/// A message as its item: its key, and the due index while a try is due.
fn message_item(m: &Message) -> Item {
    let sk = message_sk(&key_of(m));
    let mut item = Item::from([
        ("pk".into(), s(webhook_pk(&m.endpoint_id))),
        ("sk".into(), s(&sk)),
        ("type".into(), s("webhook_message")),
        ("event_id".into(), s(&m.event_id)),
        ("event_type".into(), s(&m.event_type)),
        ("body".into(), s(&m.body)),
        ("created_at".into(), ms(m.created_at)),
        ("state".into(), s(m.state.as_str())),
        (
            "attempts".into(),
            AttributeValue::L(m.attempts.iter().map(attempt_value).collect()),
        ),
        ("attempt_count".into(), n(m.attempts.len())),
    ]);
    if let Some(next) = m.next_attempt_at {
        item.insert("next_attempt_at".into(), ms(next));
        item.insert("gsi1pk".into(), s(DUE_GSI1PK));
        item.insert("gsi1sk".into(), s(due_sk(&m.endpoint_id, &sk, next)));
    }
    item
}
