//! Contracts' waiting lists in the table (issue 30).
//!
//! | item  | pk                      | sk           |
//! |-------|-------------------------|--------------|
//! | entry | `WAITLIST#<contract>`   | `<address>`  |
//!
//! One partition per contract's line, off the contract's own (every invite writes that one);
//! one entry per address, so a person waits once. The contract item carries the mark
//! (`waiting_list`, `waiting_joins`) that wakes the waiting-list function when a seat frees.

use super::invitations::create::Via;
use super::items::*;
use super::{db_error, failed_condition, DynamoStore, TxOutcome};
use crate::domain::*;
use crate::ports::{
    CorruptItem, CreateError, NewInvitations, PeopleStore, StoreError, WaitingListStore,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};

pub const ITEM_TYPE: &str = "waiting";

fn list_pk(contract: &ContractId) -> String {
    format!("WAITLIST#{contract}")
}

fn entry_key(contract: &ContractId, identity: &str) -> Item {
    Item::from([
        ("pk".into(), s(list_pk(contract))),
        ("sk".into(), s(identity)),
    ])
}

fn entry_item(e: &WaitingEntry) -> Item {
    let mut item = entry_key(&e.contract_id, e.email.identity());
    item.extend([
        ("type".into(), s(ITEM_TYPE)),
        ("entry_id".into(), s(e.id.as_str())),
        ("contract".into(), s(e.contract_id.as_str())),
        ("email".into(), s(e.email.as_entered())),
        ("link".into(), s(e.link_id.as_str())),
        ("invited_by".into(), s(e.invited_by.as_str())),
        ("activities".into(), list_s(&e.activities)),
        ("joined_at".into(), ms(e.joined_at)),
        ("position".into(), n(e.position)),
    ]);
    item
}

fn entry_from(item: &Item) -> Result<WaitingEntry, CorruptItem> {
    let r = Reader(item);
    Ok(WaitingEntry {
        id: r.id("entry_id", WaitingId::parse)?,
        contract_id: r.id("contract", ContractId::parse)?,
        email: EmailAddress::parse(r.s("email")?)
            .map_err(|e| CorruptItem(format!("email: {e}")))?,
        link_id: r.id("link", JoinLinkId::parse)?,
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
            .set_key(Some(entry_key(&entry.contract_id, entry.email.identity())))
            .condition_expression("entry_id = :id")
            .expression_attribute_values(":id", s(entry.id.as_str()))
            .build()
            .expect("delete is complete");
        TransactWriteItem::builder().delete(delete).build()
    }
}

#[async_trait]
impl WaitingListStore for DynamoStore {
    async fn wait_via_link(
        &self,
        entry: &WaitingEntry,
        link: &JoinLink,
    ) -> Result<bool, CreateError> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(entry_item(entry)))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put is complete");
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
        let items = vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder()
                .update(self.link_use(link, 1, entry.joined_at))
                .build(),
            TransactWriteItem::builder().update(mark).build(),
        ];
        match self.transact(items).await? {
            TxOutcome::Done => Ok(true),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.first()) => Ok(false),
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.get(1)) => {
                Err(CreateError::LinkRefused)
            }
            TxOutcome::Cancelled(reasons) if failed_condition(reasons.get(2)) => {
                Err(CreateError::ContractNotFound)
            }
            TxOutcome::Cancelled(reasons) => Err(StoreError::Database(format!(
                "joining a waiting list was cancelled: {reasons:?}"
            ))
            .into()),
        }
    }

    async fn waiting_list(&self, contract: &ContractId) -> Result<Vec<WaitingEntry>, StoreError> {
        let mut entries = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :p")
                .expression_attribute_values(":p", s(list_pk(contract)))
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

    async fn waiting_entry(
        &self,
        contract: &ContractId,
        identity: &str,
    ) -> Result<Option<WaitingEntry>, StoreError> {
        self.get(list_pk(contract), identity)
            .await?
            .map(|item| entry_from(&item).map_err(StoreError::from))
            .transpose()
    }

    async fn remove_waiting(&self, entry: &WaitingEntry) -> Result<bool, StoreError> {
        let result = self
            .client()
            .delete_item()
            .table_name(self.table())
            .set_key(Some(entry_key(&entry.contract_id, entry.email.identity())))
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
                    .set_key(Some(entry_key(&entry.contract_id, entry.email.identity())))
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
            source: Source::JoinLink {
                link_id: entry.link_id.clone(),
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
