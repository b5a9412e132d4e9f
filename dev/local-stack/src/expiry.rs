//! Retention, locally (issue 32): what DynamoDB's time to live and S3's lifecycle rules do in
//! AWS, which moto does not do. Every EXPIRE_EVERY, the table's items whose `ttl` (epoch
//! seconds) has passed are deleted (audit and history items, test mails and their counters,
//! join proofs, notices, ...), and so are the imports bucket's objects older than their
//! lifecycle rule (infra/template.yaml's `expire-imports` and `expire-reports`, read as data).
//! AWS does both in the background, days late at most; here within seconds.
//!
//! The periods are the template's defaults, or one short period for all of them
//! (`local-stack --retention-minutes N`) to watch things go.

use crate::provision::BoxError;
use crate::template::Template;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};

/// How often the expiry runs.
pub const EXPIRE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The imports bucket's logical id in the template.
const IMPORTS_BUCKET: &str = "ImportsBucket";

/// How long the local stack keeps what expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retention {
    /// Audit records and history items (the template's `AuditRetentionDays`): the store's
    /// audit period, written into their `ttl`.
    pub audit: Duration,
    /// The imports bucket's objects, by key prefix (the template's lifecycle rules).
    pub objects: Vec<(String, Duration)>,
}

impl Retention {
    /// As a stack deployed with the template's defaults keeps things.
    pub fn template_defaults(template: &Template) -> Self {
        let audit = template
            .parameter_default("AuditRetentionDays")
            .expect("infra/template.yaml: AuditRetentionDays has a default");
        Self {
            audit: Duration::days(audit),
            objects: template
                .expiry_rules(IMPORTS_BUCKET)
                .into_iter()
                .map(|r| (r.prefix, Duration::days(r.days)))
                .collect(),
        }
    }

    /// Every period `period`: audit and history, and every lifecycle rule's prefix.
    pub fn every(template: &Template, period: Duration) -> Self {
        let mut retention = Self::template_defaults(template);
        retention.audit = period;
        for (_, kept) in &mut retention.objects {
            *kept = period;
        }
        retention
    }
}

/// What one pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expired {
    pub items: usize,
    pub objects: usize,
}

/// The expiry of one table and one bucket.
#[derive(Clone)]
pub struct Expiry {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub table: String,
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    /// Objects under each prefix are deleted once older than its period.
    pub objects: Vec<(String, Duration)>,
}

impl Expiry {
    /// One pass at `now`: every item whose `ttl` is before it, every object older than its rule.
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<Expired, BoxError> {
        Ok(Expired {
            items: self.expire_items(now).await?,
            objects: self.expire_objects(now).await?,
        })
    }

    /// A pass every `every`, for as long as the stack runs.
    pub async fn run(self, every: std::time::Duration) {
        loop {
            tokio::time::sleep(every).await;
            match self.pass(Utc::now()).await {
                Ok(expired) if expired != Expired::default() => {
                    tracing::info!(
                        ?expired,
                        "expired (the table's TTL, the bucket's lifecycle)"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the expiry failed; it runs again shortly"),
            }
        }
    }

    async fn expire_items(&self, now: DateTime<Utc>) -> Result<usize, BoxError> {
        let ttl = invitations_core::adapters::dynamo::items::TTL;
        let now = AttributeValue::N(now.timestamp().to_string());
        let mut keys = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .dynamodb
                .scan()
                .table_name(&self.table)
                .filter_expression("#ttl < :now")
                .projection_expression("pk, sk")
                .expression_attribute_names("#ttl", ttl)
                .expression_attribute_values(":now", now.clone())
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| format!("scanning for expired items: {}", e.into_service_error()))?;
            keys.extend(page.items().iter().cloned());
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        let mut deleted = 0;
        for key in keys {
            // Only if still expired: a write since the scan may have moved its `ttl` on.
            let result = self
                .dynamodb
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key))
                .condition_expression("#ttl < :now")
                .expression_attribute_names("#ttl", ttl)
                .expression_attribute_values(":now", now.clone())
                .send()
                .await;
            match result {
                Ok(_) => deleted += 1,
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                Err(e) => {
                    return Err(
                        format!("deleting an expired item: {}", e.into_service_error()).into(),
                    )
                }
            }
        }
        Ok(deleted)
    }

    async fn expire_objects(&self, now: DateTime<Utc>) -> Result<usize, BoxError> {
        let mut deleted = 0;
        for (prefix, kept) in &self.objects {
            let before = (now - *kept).timestamp();
            let mut token = None;
            loop {
                let page = self
                    .s3
                    .list_objects_v2()
                    .bucket(&self.bucket)
                    .prefix(prefix)
                    .set_continuation_token(token)
                    .send()
                    .await
                    .map_err(|e| format!("listing {prefix}: {}", e.into_service_error()))?;
                for object in page.contents() {
                    let (Some(key), Some(modified)) = (object.key(), object.last_modified()) else {
                        continue;
                    };
                    if modified.secs() < before {
                        self.s3
                            .delete_object()
                            .bucket(&self.bucket)
                            .key(key)
                            .send()
                            .await
                            .map_err(|e| format!("deleting {key}: {}", e.into_service_error()))?;
                        deleted += 1;
                    }
                }
                token = page.next_continuation_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(deleted)
    }
}
