//! Invitations on DynamoDB, by job: creation in batches (`create.rs`), the conditional
//! transitions resend, revoke and enrol (`transitions.rs`), the mailer's claim and record
//! (`delivery.rs`), the reminder run's wake-ups (`reminders.rs`) and the funnel's one-time
//! backfill (`backfill.rs`), and here the reads and the helpers they share.

mod audit;
mod backfill;
pub(crate) mod create;
mod delivery;
pub(crate) mod forget;
mod gather;
mod reminders;
mod scheduled;
mod to_shards;
mod transitions;

use create::INVITATIONS_PER_TRANSACTION;

use super::items::*;
use super::{db_error, DynamoStore};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{
    Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};

pub(super) fn update(
    key: Item,
    update: &str,
    condition: &str,
    names: &[(&str, &str)],
    values: Item,
    table: &str,
) -> Update {
    Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .update_expression(update)
        .condition_expression(condition)
        .set_expression_attribute_names(Some(
            names
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
        .set_expression_attribute_values(Some(values))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("update is complete")
}

pub(super) fn key(pk: String, sk: String) -> Item {
    Item::from([("pk".into(), s(pk)), ("sk".into(), s(sk))])
}

pub(super) fn invitation_key(contract: &ContractId, identity: &str) -> Item {
    key(invitation_pk(contract, identity), invite_sk(identity))
}

pub(super) fn tx_update(u: Update) -> TransactWriteItem {
    TransactWriteItem::builder().update(u).build()
}

/// A transaction's put of an item that must be new (no item at its key yet).
pub(super) fn tx_put_new(table: &str, item: Item) -> TransactWriteItem {
    TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .expect("put is complete"),
        )
        .build()
}

impl DynamoStore {
    pub(super) fn put_audit(
        &self,
        contract: &ContractId,
        record: AuditRecord,
    ) -> TransactWriteItem {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(self.table())
                    .set_item(Some(audit_item(contract, &record, self.audit_kept())))
                    .build()
                    .expect("put is complete"),
            )
            .build()
    }

    /// The history item of an audit record about one invitation (`record.invitation_id`),
    /// for the same transaction as the record and the change.
    pub(super) fn put_history(
        &self,
        contract: &ContractId,
        record: &AuditRecord,
        sk: String,
    ) -> TransactWriteItem {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(self.table())
                    .set_item(Some(history_item(contract, record, sk, self.audit_kept())))
                    .build()
                    .expect("put is complete"),
            )
            .build()
    }

    /// An audit record about one invitation and its history item, both for one transaction.
    pub(super) fn audit_with_history(
        &self,
        contract: &ContractId,
        record: AuditRecord,
    ) -> [TransactWriteItem; 2] {
        let id = record
            .invitation_id
            .clone()
            .expect("a record about one invitation");
        let history = self.put_history(contract, &record, history_sk(&id, record.at));
        [self.put_audit(contract, record), history]
    }

    /// Adds `change` to the contract's counters in the same transaction as the invitations it
    /// counts: the status counts and seats (whose sum is the funnel's "invited"), and the
    /// funnel's own (the time to enrol, and today's seats and enrolments as they stand after
    /// the change).
    pub(super) fn count_change(
        &self,
        contract: &ContractId,
        change: CountChange,
        seats_at_most_before: Option<i64>,
    ) -> TransactWriteItem {
        let CountChange {
            pending,
            enrolled,
            revoked,
            enrolled_after,
            joined,
            now,
            start_sends,
        } = change;
        let day = funnel::day_key(now);
        let mut values = Item::from([
            (":p".into(), n(pending)),
            (":e".into(), n(enrolled)),
            (":r".into(), n(revoked)),
            (":seats".into(), n(pending + enrolled)),
            (":zero".into(), n(0)),
        ]);
        let mut names = vec![
            ("#seats_today", format!("{SEATS_ON_PREFIX}{day}")),
            ("#enrolled_today", format!("{ENROLLED_ON_PREFIX}{day}")),
        ];
        // The operands are read before the update: these are the counts after it.
        let mut expression = "SET #seats_today = if_not_exists(seats_used, :zero) + :seats, \
             #enrolled_today = if_not_exists(enrolled, :zero) + :e \
             ADD pending :p, enrolled :e, revoked :r, seats_used :seats"
            .to_owned();
        if joined != 0 {
            values.insert(":joined".into(), n(joined));
            expression.push_str(", joined_total :joined");
        }
        if let Some(bucket) = enrolled_after {
            names.push(("#after", format!("{ENROL_AFTER_PREFIX}{}", bucket.key())));
            values.insert(":one".into(), n(1));
            expression.push_str(", #after :one");
        }
        let mut condition = "attribute_exists(pk)".to_owned();
        if let Some(start) = start_sends {
            // Mails waiting for the start: the contract wakes the reminder run at its start
            // (moved with it), which brings those mails forward (see reminders.rs). The start
            // must be the one the schedule was made for.
            expression = expression.replacen(
                "SET ",
                "SET remind_shard = :cshard, remind_at = :start, start_sends = :yes, ",
                1,
            );
            values.insert(":cshard".into(), s(remind_shard(contract, CONTRACT_SK)));
            values.insert(":start".into(), ms(start));
            values.insert(
                ":yes".into(),
                aws_sdk_dynamodb::types::AttributeValue::Bool(true),
            );
            condition.push_str(" AND starts_at = :start");
        }
        if let Some(max) = seats_at_most_before {
            condition.push_str(" AND seats_used <= :max");
            values.insert(":max".into(), n(max));
        }
        let names: Vec<(&str, &str)> = names.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tx_update(update(
            key(contract_pk(contract), CONTRACT_SK.into()),
            &expression,
            &condition,
            &names,
            values,
            self.table(),
        ))
    }
}

/// A change to a contract's counters (see [`DynamoStore::count_change`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct CountChange {
    pub pending: i64,
    pub enrolled: i64,
    pub revoked: i64,
    /// For an enrolment: how long after its invitation.
    pub enrolled_after: Option<EnrolAfter>,
    /// Invitations made through a join link (the funnel's `joined_total`).
    pub joined: i64,
    pub now: DateTime<Utc>,
    /// Some of the invitations are mailed at the contract's start, which is this (issue 31).
    pub start_sends: Option<DateTime<Utc>>,
}

impl DynamoStore {
    /// The table key of an invitation, from its id (the link's or the admin route's).
    async fn invitation_key_by_id(&self, id: &InvitationId) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(BY_INVITATION_ID)
            .key_condition_expression("invitation_id = :id")
            .expression_attribute_values(":id", s(id.as_str()))
            .limit(1)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out.items().first().map(|item| {
            item.iter()
                .filter(|(k, _)| *k == "pk" || *k == "sk")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }))
    }

    async fn get_by_key(&self, key: Item) -> Result<Option<Invitation>, StoreError> {
        Ok(self
            .item_by_key(key)
            .await?
            .as_ref()
            .map(invitation_from)
            .transpose()?)
    }

    /// One item as it is now (a consistent read).
    async fn item_by_key(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.table())
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out.item().cloned())
    }

    pub(super) async fn load(
        &self,
        contract: Option<&ContractId>,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        let Some(key) = self.invitation_key_by_id(id).await? else {
            return Ok(None);
        };
        if let Some(contract) = contract {
            let pk = key.get("pk").and_then(|v| v.as_s().ok());
            if pk.and_then(|pk| contract_of_pk(pk)) != Some(contract.as_str()) {
                return Ok(None);
            }
        }
        Ok(self.get_by_key(key).await?.filter(|inv| &inv.id == id))
    }
}

/// The invite an invitation item stands for, as a history entry (the item is the record of its
/// current invite: a batch of 98 invitations leaves no room in its transaction for 98 history
/// items).
pub(super) fn invite_record(inv: &Invitation) -> AuditRecord {
    AuditRecord {
        activities: inv.activities.clone(),
        at: inv.invited_at,
        actor: Some(inv.invited_by.clone()),
        action: if inv.reinvited {
            AuditAction::Reinvite
        } else {
            AuditAction::Invite
        },
        subjects: vec![inv.email.identity().to_owned()],
        detail: match &inv.source {
            Source::Import { import_id, line } => {
                Some(format!("from import {import_id}, line {line}"))
            }
            Source::JoinLink { link_id } => Some(format!("joined through join link {link_id}")),
            Source::Manual => None,
        },
        invitation_id: Some(inv.id.clone()),
    }
}

/// Entries of one history page at most.
const MAX_HISTORY_PAGE: usize = 200;

fn history_cursor_ok(tail: &str) -> bool {
    !tail.is_empty()
        && tail.len() <= 64
        && tail
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'#' || b == b'~')
}

pub(super) fn encode_cursor(identity: &str) -> String {
    URL_SAFE_NO_PAD.encode(identity)
}

#[async_trait]
impl InvitationStore for DynamoStore {
    async fn create_invitations(
        &self,
        new: NewInvitations<'_>,
    ) -> Result<Vec<InviteOutcome>, CreateError> {
        let mut outcomes: Vec<Option<InviteOutcome>> = vec![None; new.invitees.len()];
        let mut seats_left = new.contract.seats_left();
        let mut start = 0;
        while start < new.invitees.len() {
            let end = (start + INVITATIONS_PER_TRANSACTION).min(new.invitees.len());
            self.create_chunk(
                &new,
                start..end,
                &mut outcomes,
                &mut seats_left,
                create::Via::Direct,
            )
            .await?;
            start = end;
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.expect("every invitee gets an outcome"))
            .collect())
    }

    async fn get_invitation(
        &self,
        contract: &ContractId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.load(Some(contract), id).await
    }

    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        self.load(None, id).await
    }

    async fn find_invitations_by_email(
        &self,
        contract: &ContractId,
        identities: &[&str],
    ) -> Result<Vec<Invitation>, StoreError> {
        let keys = identities
            .iter()
            .map(|identity| {
                Item::from([
                    ("pk".into(), s(invitation_pk(contract, identity))),
                    ("sk".into(), s(invite_sk(identity))),
                ])
            })
            .collect();
        self.batch_get(keys)
            .await?
            .iter()
            .map(|item| invitation_from(item).map_err(StoreError::from))
            .collect()
    }

    async fn list_invitations(
        &self,
        contract: &ContractId,
        query: &InvitationQuery,
        now: DateTime<Utc>,
    ) -> Result<InvitationPage, StoreError> {
        self.gather_page(contract, query, now).await
    }

    async fn count_invitations(
        &self,
        contract: &ContractId,
        query: &InvitationQuery,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        self.gather_count(contract, query, now).await
    }

    async fn group_figures(
        &self,
        contract: &ContractId,
        now: DateTime<Utc>,
    ) -> Result<std::collections::BTreeMap<Option<Group>, GroupCounts>, StoreError> {
        self.gather_groups(contract, now).await
    }

    async fn list_audit(
        &self,
        contract: &ContractId,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
            .expression_attribute_values(":pk", s(contract_pk(contract)))
            .expression_attribute_values(":p", s(AUDIT_SK_PREFIX))
            .scan_index_forward(false)
            .limit(limit.clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out
            .items()
            .iter()
            .map(audit_from)
            .collect::<Result<_, _>>()?)
    }

    async fn audit_page(
        &self,
        contract: &ContractId,
        query: &AuditQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AuditRecordPage, StoreError> {
        self.read_audit_page(contract, query, cursor, limit).await
    }

    async fn invitation_history(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Option<HistoryPage>, StoreError> {
        let Some(inv) = self.load(Some(contract), id).await? else {
            return Ok(None);
        };
        let limit = limit.clamp(1, MAX_HISTORY_PAGE);
        let prefix = history_prefix(id);
        // The cursor is the key tail of the last entry shown; entries strictly below it follow.
        let below = match cursor {
            None => format!("{prefix}~"),
            Some(c) => {
                let tail = decode_cursor_raw(c)
                    .filter(|t| history_cursor_ok(t))
                    .ok_or(StoreError::BadCursor)?;
                format!("{prefix}{tail}")
            }
        };
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND sk BETWEEN :lo AND :hi")
            .expression_attribute_values(":pk", s(history_pk(contract, id)))
            .expression_attribute_values(":lo", s(&prefix))
            .expression_attribute_values(":hi", s(&below))
            .scan_index_forward(false)
            // The cursor's own entry may come back (BETWEEN is inclusive), and one more tells
            // whether another page exists.
            .limit(i32::try_from(limit + 2).unwrap_or(i32::MAX))
            .consistent_read(true)
            .send()
            .await
            .map_err(db_error)?;
        let mut entries: Vec<(String, AuditRecord)> = Vec::with_capacity(limit + 2);
        // Past its retention but not yet deleted by DynamoDB (TTL lags): not shown, as the
        // contract's audit does not show it. The oldest expire first, so paging holds.
        let now = chrono::Utc::now().timestamp();
        for item in out.items() {
            let sk = Reader(item).s("sk")?.to_owned();
            let expired = Reader(item)
                .opt_n::<i64>(TTL)?
                .is_some_and(|ttl| ttl <= now);
            if sk != below && !expired {
                entries.push((sk, audit_from(item)?));
            }
        }
        // The current invite, unless a revoke has already written it into the history.
        let invite_sk = history_sk_invite(id, inv.invited_at);
        if invite_sk < below && entries.iter().all(|(sk, _)| *sk != invite_sk) {
            entries.push((invite_sk, invite_record(&inv)));
        }
        entries.sort_by(|a, b| b.0.cmp(&a.0));
        let next_cursor = if entries.len() > limit {
            entries.truncate(limit);
            entries
                .last()
                .map(|(sk, _)| encode_cursor(&sk[prefix.len()..]))
        } else {
            None
        };
        Ok(Some(HistoryPage {
            entries: entries.into_iter().map(|(_, r)| r).collect(),
            next_cursor,
        }))
    }

    async fn forget_invitation(
        &self,
        contract: &ContractId,
        identity: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.forget_invitation_of(contract, identity, now).await
    }
}

fn decode_cursor_raw(cursor: &str) -> Option<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}

impl DynamoStore {
    /// Invitations through a join link: as `create_invitations`, one transaction for all of
    /// them (at most one transaction's worth), with the link's uses in it.
    pub(crate) async fn create_via_link(
        &self,
        new: NewInvitations<'_>,
        link: &JoinLink,
    ) -> Result<Vec<InviteOutcome>, CreateError> {
        assert!(
            new.invitees.len() <= INVITATIONS_PER_TRANSACTION,
            "one transaction's worth through a link"
        );
        let mut outcomes: Vec<Option<InviteOutcome>> = vec![None; new.invitees.len()];
        let mut seats_left = new.contract.seats_left();
        let all = 0..new.invitees.len();
        self.create_chunk(
            &new,
            all,
            &mut outcomes,
            &mut seats_left,
            create::Via::Link(link),
        )
        .await?;
        Ok(outcomes
            .into_iter()
            .map(|o| o.expect("every invitee gets an outcome"))
            .collect())
    }
}
