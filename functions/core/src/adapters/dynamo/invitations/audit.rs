//! A contract's audit read back (issue 32): its `AUDIT#<ms>#<rand>` items, newest first, a
//! time range as the key condition and the person and action as a filter; the cursor is the
//! last item's sort key. A record past its `ttl` (the audit period) is left out: DynamoDB
//! deletes it up to days later.

use super::decode_cursor_raw;
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{db_error, DynamoStore};
use crate::domain::*;
use crate::ports::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Reads one page may take at most (a narrow filter over a long audit).
const READS_PER_PAGE: usize = 20;

impl DynamoStore {
    pub(super) async fn read_audit_page(
        &self,
        contract: &ContractId,
        query: &AuditQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AuditRecordPage, StoreError> {
        let limit = limit.clamp(1, 500);
        let low = match query.from {
            Some(from) => format!("{AUDIT_SK_PREFIX}{:013}", from.timestamp_millis()),
            None => AUDIT_SK_PREFIX.to_owned(),
        };
        let high = match query.before {
            Some(before) => format!("{AUDIT_SK_PREFIX}{:013}", before.timestamp_millis()),
            None => format!("{AUDIT_SK_PREFIX}~"),
        };
        // Strictly below the last key shown; a cursor that is not one of ours is refused.
        let high = match cursor {
            None => high,
            Some(c) => decode_cursor_raw(c)
                .filter(|last| last.starts_with(AUDIT_SK_PREFIX))
                .map(|last| last.min(high))
                .ok_or(StoreError::BadCursor)?,
        };
        // TTL is wall-clock time in AWS too: expired is expired, whatever the caller's clock.
        let now = ttl_at(chrono::Utc::now());
        let mut records = Vec::new();
        let mut start = None;
        let mut last_seen: Option<String> = None;
        for _ in 0..READS_PER_PAGE {
            let mut q = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :pk AND sk BETWEEN :low AND :high")
                .expression_attribute_values(":pk", s(contract_pk(contract)))
                .expression_attribute_values(":low", s(&low))
                .expression_attribute_values(":high", s(&high))
                .scan_index_forward(false)
                .limit(i32::try_from(limit).unwrap_or(500))
                .set_exclusive_start_key(start.take());
            // Kept: no `ttl` (written before retention), or one still ahead.
            let mut filter = vec!["(attribute_not_exists(#ttl) OR #ttl > :now)"];
            q = q
                .expression_attribute_names("#ttl", TTL)
                .expression_attribute_values(":now", now.clone());
            if let Some(actor) = &query.actor {
                filter.push("actor = :actor");
                q = q.expression_attribute_values(":actor", s(actor.as_str()));
            }
            if let Some(action) = query.action {
                filter.push("#action = :action");
                q = q
                    .expression_attribute_names("#action", "action")
                    .expression_attribute_values(":action", s(action_code(action)));
            }
            q = q.filter_expression(filter.join(" AND "));
            let out = q.send().await.map_err(db_error)?;
            for item in out.items() {
                let sk = Reader(item).s("sk")?;
                // The upper bound is inclusive: the cursor's own item is not shown again.
                if cursor.is_some() && sk == high {
                    continue;
                }
                records.push(audit_from(item)?);
                last_seen = Some(sk.to_owned());
                if records.len() == limit {
                    break;
                }
            }
            start = out.last_evaluated_key().cloned();
            if records.len() == limit || start.is_none() {
                break;
            }
            // Where this read stopped, should the page end here.
            if let Some(key) = &start {
                last_seen = Reader(key).opt_s("sk").map(str::to_owned);
            }
        }
        let more = records.len() == limit || start.is_some();
        Ok(AuditRecordPage {
            records,
            next_cursor: last_seen
                .filter(|_| more)
                .map(|sk| URL_SAFE_NO_PAD.encode(sk)),
        })
    }
}

fn action_code(action: AuditAction) -> String {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
