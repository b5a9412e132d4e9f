//! Admins' own mail about a contract (issue 31), in the contract's partition.
//!
//! | item    | pk              | sk               |
//! |---------|-----------------|------------------|
//! | choice  | `CONTRACT#<id>` | `NOTIFY#<user>`  |
//! | notice  | `CONTRACT#<id>` | `NOTICE#<hash>`  |
//!
//! A choice that asks for mail sits on `by_remind_at` (every 5 minutes for each enrolment or
//! seat alerts, a day after the last digest otherwise); the reminder run reads the contract's
//! enrolments from its audit records after the choice's cursor (`told_sk`), and in one
//! transaction moves the cursor and puts the notices (each under `attribute_not_exists`, its key
//! a hash of what it tells), so runs that race or repeat queue each notice once. The mailer
//! (stream filter on `type = admin_notice`) claims and sends them; they expire after 30 days.

use super::items::*;
use super::webhooks::written;
use super::{DynamoStore, TxOutcome};
use crate::domain::notice::{self, Enrolled, EnrolmentNotices, NoticeSetting, DIGEST_EVERY};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::{DateTime, Duration, Utc};

pub const NOTICE_TYPE: &str = "admin_notice";
const SETTING_TYPE: &str = "notice_setting";
/// Enrolments told in one wake of a choice for each enrolment (the rest at the next run).
const EACH_PER_WAKE: usize = 50;
/// Enrolments read for one digest at most (counted beyond the named ones).
const DIGEST_READ_AT_MOST: usize = 10_000;

fn setting_key(contract: &ContractId, admin: &str) -> Item {
    Item::from([
        ("pk".into(), s(contract_pk(contract))),
        ("sk".into(), s(format!("{NOTIFY_SK_PREFIX}{admin}"))),
    ])
}

fn notice_key(contract: &ContractId, id: &str) -> Item {
    Item::from([
        ("pk".into(), s(contract_pk(contract))),
        ("sk".into(), s(format!("NOTICE#{id}"))),
    ])
}

/// A stable id for what a notice tells (FNV-1a, 64 bits).
fn notice_id(key: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn setting_from(item: &Item) -> Result<NoticeSetting, CorruptItem> {
    let r = Reader(item);
    let sk = r.s("sk")?;
    Ok(NoticeSetting {
        contract_id: r.id("contract_id", ContractId::parse)?,
        admin: UserId::parse(sk.trim_start_matches(NOTIFY_SK_PREFIX))
            .map_err(|e| CorruptItem(format!("sk: {e}")))?,
        email: EmailAddress::parse(r.s("email")?)
            .map_err(|e| CorruptItem(format!("email: {e}")))?,
        enrolments: EnrolmentNotices::parse(r.s("enrolments")?)
            .ok_or_else(|| CorruptItem("enrolments".into()))?,
        seat_alerts: r.flag("seat_alerts"),
        system_admin: r.flag("system_admin"),
        told_through: r.time("told_through")?,
        seats_told: r.opt_n("seats_told")?.unwrap_or(0),
    })
}

/// A queued notice from its item (the table's or a stream record's image).
pub fn queued_notice_from(item: &Item) -> Result<QueuedNotice, CorruptItem> {
    let r = Reader(item);
    Ok(QueuedNotice {
        contract_id: r.id("contract_id", ContractId::parse)?,
        id: r.s("sk")?.trim_start_matches("NOTICE#").to_owned(),
        to: EmailAddress::parse(r.s("email")?).map_err(|e| CorruptItem(format!("email: {e}")))?,
        subject: r.s("subject")?.to_owned(),
        text: r.s("text")?.to_owned(),
        html: r.s("html")?.to_owned(),
    })
}

#[async_trait]
impl NoticeStore for DynamoStore {
    async fn notice_setting(
        &self,
        contract: &ContractId,
        admin: &UserId,
    ) -> Result<Option<NoticeSetting>, StoreError> {
        let key = setting_key(contract, admin.as_str());
        let pk = Reader(&key).s("pk")?.to_owned();
        let sk = Reader(&key).s("sk")?.to_owned();
        Ok(self
            .get(pk, &sk)
            .await?
            .as_ref()
            .map(setting_from)
            .transpose()?)
    }

    async fn save_notice_setting(
        &self,
        setting: &NoticeSetting,
        before: Option<&NoticeSetting>,
    ) -> Result<bool, StoreError> {
        let mut item = setting_key(&setting.contract_id, setting.admin.as_str());
        item.extend([
            ("type".into(), s(SETTING_TYPE)),
            ("contract_id".into(), s(setting.contract_id.as_str())),
            ("email".into(), s(setting.email.as_entered())),
            ("enrolments".into(), s(setting.enrolments.code())),
            (
                "seat_alerts".into(),
                AttributeValue::Bool(setting.seat_alerts),
            ),
            (
                "system_admin".into(),
                AttributeValue::Bool(setting.system_admin),
            ),
            ("told_through".into(), ms(setting.told_through)),
            ("told_sk".into(), s(audit_cursor(setting.told_through))),
            ("seats_told".into(), n(setting.seats_told)),
        ]);
        // Looked at from now: the next run (or the digest's day).
        if setting.wants_mail() {
            item.insert(
                "remind_shard".into(),
                s(remind_shard(&setting.contract_id, setting.admin.as_str())),
            );
            let first = match setting.enrolments {
                EnrolmentNotices::Daily if !setting.seat_alerts => {
                    setting.told_through + DIGEST_EVERY
                }
                _ => setting.told_through,
            };
            item.insert("remind_at".into(), ms(first));
        }
        let mut put = self
            .client()
            .put_item()
            .table_name(self.table())
            .set_item(Some(item));
        put = match before {
            None => put.condition_expression("attribute_not_exists(pk)"),
            Some(b) => put
                .condition_expression("told_through = :seen")
                .expression_attribute_values(":seen", ms(b.told_through)),
        };
        written(put.send().await)
    }

    async fn claim_notice(&self, contract: &ContractId, id: &str) -> Result<bool, StoreError> {
        self.notice_delivery(
            contract,
            id,
            "queued",
            "SET delivery = :to",
            "sending",
            None,
        )
        .await
    }

    async fn release_notice(&self, contract: &ContractId, id: &str) -> Result<(), StoreError> {
        self.notice_delivery(
            contract,
            id,
            "sending",
            "SET delivery = :to",
            "queued",
            None,
        )
        .await
        .map(|_| ())
    }

    async fn record_notice(
        &self,
        contract: &ContractId,
        id: &str,
        result: &DeliveryResult,
    ) -> Result<(), StoreError> {
        let (to, detail) = match result {
            DeliveryResult::Sent { message_id, .. } => ("sent", message_id.clone()),
            DeliveryResult::Failed { reason } => ("failed", import::shorten(reason, 500)),
        };
        self.notice_delivery(
            contract,
            id,
            "sending",
            "SET delivery = :to, delivery_detail = :detail",
            to,
            Some(detail),
        )
        .await
        .map(|_| ())
    }
}

/// The audit sort key just before anything at or after `at`.
fn audit_cursor(at: DateTime<Utc>) -> String {
    format!("{AUDIT_SK_PREFIX}{:013}#", at.timestamp_millis())
}

impl DynamoStore {
    async fn notice_delivery(
        &self,
        contract: &ContractId,
        id: &str,
        from: &str,
        expression: &str,
        to: &str,
        detail: Option<String>,
    ) -> Result<bool, StoreError> {
        let mut update = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(notice_key(contract, id)))
            .update_expression(expression)
            .condition_expression("delivery = :from")
            .expression_attribute_values(":from", s(from))
            .expression_attribute_values(":to", s(to));
        if let Some(detail) = detail {
            update = update.expression_attribute_values(":detail", s(detail));
        }
        written(update.send().await)
    }

    /// One wake of an admin's choice (the reminder run): the enrolments after its cursor told
    /// as it asks, the seats checked, the cursor and the next wake-up moved, in one transaction
    /// conditional on the wake-up it was found with.
    pub(crate) async fn wake_notice_setting(
        &self,
        due: &DueReminder,
        contract: Option<&Contract>,
        now: DateTime<Utc>,
    ) -> Result<NoticeWake, StoreError> {
        let key = setting_key(&due.contract, &due.identity);
        let (pk, sk) = (
            Reader(&key).s("pk")?.to_owned(),
            Reader(&key).s("sk")?.to_owned(),
        );
        let Some(item) = self.get(pk, &sk).await? else {
            return Ok(NoticeWake::Moved);
        };
        if Reader(&item).opt_time("remind_at")? != Some(due.remind_at) {
            return Ok(NoticeWake::Moved);
        }
        let setting = setting_from(&item)?;
        let cursor = Reader(&item)
            .opt_s("told_sk")
            .map(str::to_owned)
            .unwrap_or_else(|| audit_cursor(setting.told_through));
        let Some(contract) = contract else {
            return self.move_setting(&key, due, None, None, Vec::new()).await;
        };
        let wanted = match setting.enrolments {
            EnrolmentNotices::Each => EACH_PER_WAKE,
            EnrolmentNotices::Daily if now >= setting.told_through + DIGEST_EVERY => {
                DIGEST_READ_AT_MOST
            }
            _ => 0,
        };
        let (enrolled, last_sk, more) = self
            .enrolments_after(&contract.id, &cursor, now, wanted)
            .await?;
        let plan = notice::plan(&setting, contract, &enrolled, now);
        let next_wake = match plan.next_wake {
            // More enrolments than one wake tells: the next run goes on.
            Some(_) if more => Some(now),
            other => other,
        };
        let mut set = vec![
            ("told_through", ms(plan.told_through)),
            ("seats_told", n(plan.seats_told)),
        ];
        if plan.told_through != setting.told_through || more {
            set.push(("told_sk", s(last_sk.unwrap_or(audit_cursor(now)))));
        }
        let notices = plan
            .mails
            .into_iter()
            .map(|m| self.put_notice(contract, &setting.email, m, now))
            .collect();
        self.move_setting(&key, due, next_wake, Some(set), notices)
            .await
    }

    /// Moves a choice on (or off the index) and queues its notices, in one transaction.
    async fn move_setting(
        &self,
        key: &Item,
        due: &DueReminder,
        next_wake: Option<DateTime<Utc>>,
        set: Option<Vec<(&str, AttributeValue)>>,
        notices: Vec<TransactWriteItem>,
    ) -> Result<NoticeWake, StoreError> {
        let mut values = Item::from([(":seen".to_owned(), ms(due.remind_at))]);
        let mut sets = Vec::new();
        for (i, (name, value)) in set.unwrap_or_default().into_iter().enumerate() {
            sets.push(format!("{name} = :v{i}"));
            values.insert(format!(":v{i}"), value);
        }
        let mut expression = String::new();
        match next_wake {
            Some(at) => {
                sets.push("remind_at = :next".into());
                values.insert(":next".into(), ms(at));
                expression.push_str(&format!("SET {}", sets.join(", ")));
            }
            None => {
                if !sets.is_empty() {
                    expression.push_str(&format!("SET {} ", sets.join(", ")));
                }
                expression.push_str("REMOVE remind_shard, remind_at");
            }
        }
        let queued = notices.len();
        let mut items = vec![TransactWriteItem::builder()
            .update(
                Update::builder()
                    .table_name(self.table())
                    .set_key(Some(key.clone()))
                    .update_expression(expression)
                    .condition_expression("remind_at = :seen")
                    .set_expression_attribute_values(Some(values))
                    .build()
                    .expect("update is complete"),
            )
            .build()];
        items.extend(notices);
        Ok(match self.transact(items).await? {
            TxOutcome::Done if next_wake.is_none() => NoticeWake::Cleared,
            TxOutcome::Done => NoticeWake::Queued(queued),
            TxOutcome::Cancelled(_) => NoticeWake::Moved,
        })
    }

    fn put_notice(
        &self,
        contract: &Contract,
        to: &EmailAddress,
        mail: notice::NoticeMail,
        now: DateTime<Utc>,
    ) -> TransactWriteItem {
        let mut item = notice_key(&contract.id, &notice_id(&mail.key));
        item.extend([
            ("type".into(), s(NOTICE_TYPE)),
            ("contract_id".into(), s(contract.id.as_str())),
            ("email".into(), s(to.as_entered())),
            ("subject".into(), s(mail.subject)),
            ("text".into(), s(mail.text)),
            ("html".into(), s(mail.html)),
            ("delivery".into(), s("queued")),
            ("queued_at".into(), ms(now)),
            (TTL.into(), ttl_at(now + Duration::days(30))),
        ]);
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(self.table())
                    .set_item(Some(item))
                    .condition_expression("attribute_not_exists(pk)")
                    .build()
                    .expect("put is complete"),
            )
            .build()
    }

    /// The contract's enrolments recorded after `cursor` (an audit sort key) up to `now`, oldest
    /// first, at most `limit`, with the invitation's name where it has one; the sort key of the
    /// last one read, and whether more are left.
    async fn enrolments_after(
        &self,
        contract: &ContractId,
        cursor: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Vec<Enrolled>, Option<String>, bool), StoreError> {
        if limit == 0 {
            return Ok((Vec::new(), None, false));
        }
        let enrol = serde_json::to_value(AuditAction::Enrol)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut found: Vec<(String, String, DateTime<Utc>)> = Vec::new();
        let mut start = None;
        let mut more = false;
        'pages: loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
                .filter_expression("#action = :enrol")
                .expression_attribute_names("#action", "action")
                .expression_attribute_values(":pk", s(contract_pk(contract)))
                .expression_attribute_values(":from", s(cursor))
                .expression_attribute_values(":to", s(format!("{}~", audit_cursor(now))))
                .expression_attribute_values(":enrol", s(&enrol))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(super::db_error)?;
            for item in out.items() {
                let r = Reader(item);
                let sk = r.s("sk")?;
                if sk == cursor {
                    continue;
                }
                if found.len() == limit {
                    more = true;
                    break 'pages;
                }
                let subject = r.strings("subjects").into_iter().next().unwrap_or_default();
                found.push((sk.to_owned(), subject, r.time("at")?));
            }
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
        let last = found.last().map(|(sk, ..)| sk.clone());
        let names = self.invitation_names(contract, &found).await?;
        let enrolled = found
            .into_iter()
            .map(|(_, identity, at)| Enrolled {
                name: names.get(&identity).cloned(),
                email: identity,
                at,
            })
            .collect();
        Ok((enrolled, last, more))
    }

    /// The names of the first enrolments' invitations, by address.
    async fn invitation_names(
        &self,
        contract: &ContractId,
        found: &[(String, String, DateTime<Utc>)],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let identities: std::collections::BTreeSet<&str> = found
            .iter()
            .take(notice::NAMED_AT_MOST)
            .map(|(_, identity, _)| identity.as_str())
            .collect();
        let keys: Vec<Item> = identities
            .into_iter()
            .map(|identity| {
                Item::from([
                    ("pk".into(), s(invitation_pk(contract, identity))),
                    ("sk".into(), s(invite_sk(identity))),
                ])
            })
            .collect();
        let items = self.batch_get(keys).await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                let r = Reader(item);
                let identity = invite_identity(item).ok()?;
                Some((identity, r.opt_s("name")?.to_owned()))
            })
            .collect())
    }
}
