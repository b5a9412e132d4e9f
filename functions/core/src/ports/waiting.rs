//! The port of contracts' waiting lists (issue 30).

use super::{CreateError, StoreError};
use crate::domain::waiting::Line;
use crate::domain::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait WaitingListStore: Send + Sync {
    /// Puts `entry` at the back of its contract's line through `link`: the entry, the link's
    /// use and the contract's mark in one transaction. False when the address waits already
    /// (nothing written); `LinkRefused` when the link moved on.
    async fn wait_via_link(
        &self,
        entry: &WaitingEntry,
        link: &JoinLink,
    ) -> Result<bool, CreateError>;
    /// Puts someone an admin invited over the seat limit at the back of the waiting line (and
    /// marks the contract), as the admin asked. False when they wait already.
    async fn wait_over_limit(&self, entry: &WaitingEntry) -> Result<bool, CreateError>;
    /// A contract's line, first first.
    async fn waiting_list(&self, contract: &ContractId) -> Result<Vec<WaitingEntry>, StoreError>;
    /// A contract's join requests (links that need approval), oldest first.
    async fn join_requests(&self, contract: &ContractId) -> Result<Vec<WaitingEntry>, StoreError>;
    /// The entry `identity` has in one of the contract's lines, if any.
    async fn waiting_entry(
        &self,
        line: Line,
        contract: &ContractId,
        identity: &str,
    ) -> Result<Option<WaitingEntry>, StoreError>;
    /// Takes someone off the line; false when they were not on it any more.
    async fn remove_waiting(&self, entry: &WaitingEntry) -> Result<bool, StoreError>;
    /// New positions for entries as read, together; false when any moved meanwhile.
    async fn reposition(&self, moves: &[(&WaitingEntry, i64)]) -> Result<bool, StoreError>;
    /// Invites the person `entry` holds a place for, taking them off the line in the same
    /// transaction as the seat (`OverSeatLimit` when none is free; `NoLongerWaiting` when the
    /// entry went meanwhile).
    async fn promote(
        &self,
        contract: &Contract,
        entry: &WaitingEntry,
        now: DateTime<Utc>,
    ) -> Result<InviteOutcome, CreateError>;
    /// An approved request while the contract is full: off the requests, at the back of the
    /// waiting line, in one transaction. False when the request went meanwhile.
    async fn approve_to_waiting(
        &self,
        request: &WaitingEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// A refused request: off the line, and its refusal mail queued, in one transaction. False
    /// when the request went meanwhile.
    async fn refuse_request(
        &self,
        request: &WaitingEntry,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Clears the contract's mark when nobody joined the line since `joins_seen` (the count
    /// read before finding it empty); false when someone did.
    async fn waiting_list_emptied(
        &self,
        contract: &ContractId,
        joins_seen: u64,
    ) -> Result<bool, StoreError>;
}
