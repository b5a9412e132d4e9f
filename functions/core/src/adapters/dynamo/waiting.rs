//! Contracts' waiting lists in the table (issue 30).
//!
//! | item            | pk                      | sk                   |
//! |-----------------|-------------------------|----------------------|
//! | entry           | `WAITLIST#<contract>`   | `<address>`          |
//! | join request    | `JOINREQ#<contract>`    | `<address>`          |
//! | refusal mail    | `JOINREFUSAL#<id>`      | `MAIL`               |
//!
//! One partition per contract's line, off the contract's own (every invite writes that one);
//! one entry per address, so a person waits once. The contract item carries the mark
//! (`waiting_list`, `waiting_joins`) that wakes the waiting-list function when a seat frees;
//! join requests (a link that needs approval) never set it: only an admin moves them on. A
//! refused request leaves a refusal mail item for the mailer, expiring by TTL.

use super::invitations::create::Via;
use super::items::*;
use super::{db_error, failed_condition, DynamoStore, TxOutcome};
use crate::domain::waiting::Line;
use crate::domain::*;
use crate::ports::{
    CorruptItem, CreateError, NewInvitations, PeopleStore, StoreError, WaitingListStore,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};

pub const ITEM_TYPE: &str = "waiting";
/// The refusal mail's item type (the mailer's stream filter).
pub const REFUSAL_TYPE: &str = "join_refusal";
pub const REFUSAL_PREFIX: &str = "JOINREFUSAL#";

fn prefix(line: Line) -> &'static str {
    match line {
        Line::Waiting => "WAITLIST#",
        Line::Approval => "JOINREQ#",
    }
}

fn list_pk(line: Line, contract: &ContractId) -> String {
    format!("{}{contract}", prefix(line))
}

fn entry_key(line: Line, contract: &ContractId, identity: &str) -> Item {
    Item::from([
        ("pk".into(), s(list_pk(line, contract))),
        ("sk".into(), s(identity)),
    ])
}

fn key_of(e: &WaitingEntry) -> Item {
    entry_key(e.line, &e.contract_id, e.email.identity())
}

fn entry_item(e: &WaitingEntry) -> Item {
    let mut item = key_of(e);
    item.extend([
        ("type".into(), s(ITEM_TYPE)),
        ("entry_id".into(), s(e.id.as_str())),
        ("contract".into(), s(e.contract_id.as_str())),
        ("email".into(), s(e.email.as_entered())),
        ("invited_by".into(), s(e.invited_by.as_str())),
        ("activities".into(), list_s(&e.activities)),
        ("joined_at".into(), ms(e.joined_at)),
        ("position".into(), n(e.position)),
    ]);
    if let Some(link) = &e.link_id {
        item.insert("link".into(), s(link.as_str()));
    }
    item
}

/// A refusal mail queued for the mailer: whose request, which contract, to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRefusal {
    pub id: WaitingId,
    pub contract_id: ContractId,
    pub email: EmailAddress,
}

/// A refusal mail from its item (a stream record's image).
pub fn join_refusal_from(item: &Item) -> Result<JoinRefusal, CorruptItem> {
    let r = Reader(item);
    let id = r.s("pk")?.trim_start_matches(REFUSAL_PREFIX);
    Ok(JoinRefusal {
        id: WaitingId::parse(id).map_err(|e| CorruptItem(format!("pk: {e}")))?,
        contract_id: r.id("contract", ContractId::parse)?,
        email: EmailAddress::parse(r.s("email")?)
            .map_err(|e| CorruptItem(format!("email: {e}")))?,
    })
}

/// An entry from its item (the table's, or a stream record's image).
pub fn waiting_entry_from(item: &Item) -> Result<WaitingEntry, CorruptItem> {
    entry_from(item)
}

fn entry_from(item: &Item) -> Result<WaitingEntry, CorruptItem> {
    let r = Reader(item);
    let line = if r.s("pk")?.starts_with(prefix(Line::Approval)) {
        Line::Approval
    } else {
        Line::Waiting
    };
    Ok(WaitingEntry {
        line,
        id: r.id("entry_id", WaitingId::parse)?,
        contract_id: r.id("contract", ContractId::parse)?,
        email: EmailAddress::parse(r.s("email")?)
            .map_err(|e| CorruptItem(format!("email: {e}")))?,
        link_id: r.opt_id("link", JoinLinkId::parse)?,
        invited_by: r.id("invited_by", UserId::parse)?,
        activities: r.ids("activities", ActivityId::parse)?,
        joined_at: r.time("joined_at")?,
        position: r.n("position")?,
    })
}

impl DynamoStore {
    /// The transaction item that takes `entry` off its line (the promotion's own): only the
    /// entry as read, so a person removed or promoted meanwhile is not invited.
    pub(crate) fn leave_waiting_list(&self, entry: &WaitingEntry) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(key_of(entry)))
            .condition_expression("entry_id = :id")
            .expression_attribute_values(":id", s(entry.id.as_str()))
            .build()
            .expect("delete is complete");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// The new entry, and for the waiting line the contract's mark, as transaction items.
    fn enter(&self, entry: &WaitingEntry) -> Vec<TransactWriteItem> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(entry_item(entry)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put is complete");
        let mut items = vec![TransactWriteItem::builder().put(put).build()];
        if entry.line == Line::Waiting {
            let mark = Update::builder()
                .table_name(self.table())
                .key("pk", s(contract_pk(&entry.contract_id)))
                .key("sk", s(CONTRACT_SK))
                .update_expression("SET #mark = :true ADD #joins :one")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_names("#mark", WAITING_LIST)
                .expression_attribute_names("#joins", WAITING_JOINS)
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":one", n(1))
                .build()
                .expect("update is complete");
            items.push(TransactWriteItem::builder().update(mark).build());
        }
        items
    }

    async fn line(
        &self,
        line: Line,
        contract: &ContractId,
    ) -> Result<Vec<WaitingEntry>, StoreError> {
        let mut entries = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :p")
                .expression_attribute_values(":p", s(list_pk(line, contract)))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(db_error)?;
            for item in out.items() {
                entries.push(entry_from(item)?);
            }
            start = out.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
        entries.sort_by_key(|e| (e.position, e.joined_at));
        Ok(entries)
    }
}

#[async_trait]
impl WaitingListStore for DynamoStore {
    async fn wait_via_link(
        &self,
        entry: &WaitingEntry,
        link: &JoinLink,
    ) -> Result<bool, CreateError> {
        let mut items = self.enter(entry);
        let link_at = items.len();
        items.push(
            TransactWriteItem::builder()
                .update(self.link_use(link, 1, entry.joined_at))
                .build(),
        );
        match self.transact(items).await? {
            TxOutcome::Done => Ok(true),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => Ok(false),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.get(link_at)) => {
                Err(CreateError::LinkRefused)
            }
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.get(1)) => {
                Err(CreateError::ContractNotFound)
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "joining a waiting list was cancelled: {reasons:?}"
            ))
            .into()),
        }
    }

    async fn waiting_list(&self, contract: &ContractId) -> Result<Vec<WaitingEntry>, StoreError> {
        self.line(Line::Waiting, contract).await
    }

    async fn wait_over_limit(&self, entry: &WaitingEntry) -> Result<bool, CreateError> {
        match self.transact(self.enter(entry)).await? {
            TxOutcome::Done => Ok(true),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => Ok(false),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.get(1)) => {
                Err(CreateError::ContractNotFound)
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "joining a waiting list was cancelled: {reasons:?}"
            ))
            .into()),
        }
    }

    async fn join_requests(&self, contract: &ContractId) -> Result<Vec<WaitingEntry>, StoreError> {
        self.line(Line::Approval, contract).await
    }

    async fn waiting_entry(
        &self,
        line: Line,
        contract: &ContractId,
        identity: &str,
    ) -> Result<Option<WaitingEntry>, StoreError> {
        self.get(list_pk(line, contract), identity)
            .await?
            .map(|item| entry_from(&item).map_err(StoreError::from))
            .transpose()
    }

    async fn remove_waiting(&self, entry: &WaitingEntry) -> Result<bool, StoreError> {
        let result = self
            .client()
            .delete_item()
            .table_name(self.table())
            .set_key(Some(key_of(entry)))
            .condition_expression("entry_id = :id")
            .expression_attribute_values(":id", s(entry.id.as_str()))
            .send()
            .await;
        super::webhooks::written(result)
    }

    async fn reposition(&self, moves: &[(&WaitingEntry, i64)]) -> Result<bool, StoreError> {
        let items = moves
            .iter()
            .map(|(entry, position)| {
                let update = Update::builder()
                    .table_name(self.table())
                    .set_key(Some(key_of(entry)))
                    .update_expression("SET #position = :new")
                    .condition_expression("entry_id = :id AND #position = :old")
                    .expression_attribute_names("#position", "position")
                    .expression_attribute_values(":new", n(position))
                    .expression_attribute_values(":old", n(entry.position))
                    .expression_attribute_values(":id", s(entry.id.as_str()))
                    .build()
                    .expect("update is complete");
                TransactWriteItem::builder().update(update).build()
            })
            .collect();
        match self.transact(items).await? {
            TxOutcome::Done => Ok(true),
            TxOutcome::Cancelled(reasons) if reasons.iter().any(|r| failed_condition(Some(r))) => {
                Ok(false)
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "moving on a waiting list was cancelled: {reasons:?}"
            ))),
        }
    }

    async fn promote(
        &self,
        contract: &Contract,
        entry: &WaitingEntry,
        now: DateTime<Utc>,
    ) -> Result<InviteOutcome, CreateError> {
        let invitee = crate::ports::Invitee {
            email: entry.email.clone(),
            user_id: self
                .find_user_by_email(entry.email.identity())
                .await?
                .map(|u| u.id),
            name: None,
            source: match &entry.link_id {
                Some(link_id) => Source::JoinLink {
                    link_id: link_id.clone(),
                },
                None => Source::Manual,
            },
            // Promoted before the contract starts: mailed at its start, as any invite is.
            options: InviteOptions {
                schedule: SendAt::default_for(contract, now)
                    .resolve(contract, now)
                    .unwrap_or(None),
                ..InviteOptions::default()
            },
        };
        let new = NewInvitations {
            contract,
            activities: &entry.activities,
            invited_by: &entry.invited_by,
            now,
            invitees: std::slice::from_ref(&invitee),
        };
        let mut outcomes = vec![None];
        let mut seats_left = contract.seats_left();
        self.create_chunk(
            &new,
            0..1,
            &mut outcomes,
            &mut seats_left,
            Via::Waiting(entry),
        )
        .await?;
        Ok(outcomes
            .pop()
            .flatten()
            .expect("the invitee gets an outcome"))
    }

    async fn approve_to_waiting(
        &self,
        request: &WaitingEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let waiting = request.approved_to_wait(now);
        let mut items = vec![self.leave_waiting_list(request)];
        items.extend(self.enter(&waiting));
        match self.transact(items).await? {
            TxOutcome::Done => Ok(true),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => Ok(false),
            // On the waiting line already (through another link): the request only goes.
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.get(1)) => {
                self.remove_waiting(request).await
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "approving a join request was cancelled: {reasons:?}"
            ))),
        }
    }

    async fn refuse_request(
        &self,
        request: &WaitingEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mail = Item::from([
            ("pk".into(), s(format!("{REFUSAL_PREFIX}{}", request.id))),
            ("sk".into(), s("MAIL")),
            ("type".into(), s(REFUSAL_TYPE)),
            ("contract".into(), s(request.contract_id.as_str())),
            ("email".into(), s(request.email.as_entered())),
            (
                "link".into(),
                s(request.link_id.as_ref().map_or("", |l| l.as_str())),
            ),
            ("refused_at".into(), ms(now)),
            ("delivery".into(), s("queued")),
            (TTL.into(), ttl_at(now + chrono::Duration::days(2))),
        ]);
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(mail))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put is complete");
        let items = vec![
            self.leave_waiting_list(request),
            TransactWriteItem::builder().put(put).build(),
        ];
        match self.transact(items).await? {
            TxOutcome::Done => Ok(true),
            TxOutcome::Cancelled(reasons) if reasons.iter().any(|r| failed_condition(Some(r))) => {
                Ok(false)
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "refusing a join request was cancelled: {reasons:?}"
            ))),
        }
    }

    async fn waiting_list_emptied(
        &self,
        contract: &ContractId,
        joins_seen: u64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(contract_pk(contract)))
            .key("sk", s(CONTRACT_SK))
            .update_expression("REMOVE #mark")
            .condition_expression("attribute_exists(pk) AND #joins = :seen")
            .expression_attribute_names("#mark", WAITING_LIST)
            .expression_attribute_names("#joins", WAITING_JOINS)
            .expression_attribute_values(":seen", n(joins_seen))
            .send()
            .await;
        super::webhooks::written(result)
    }
}
