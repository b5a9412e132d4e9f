//! Admins' own mail about a contract (issue 31): their choice, and the notices queued for the
//! mailer.

use super::*;
use crate::domain::notice::NoticeSetting;

/// A notice queued for the mailer (an item of its contract's partition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedNotice {
    pub contract_id: ContractId,
    /// Its sort key's id part: stable for what it tells.
    pub id: String,
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What a wake of one admin's choice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeWake {
    /// This many mails queued (possibly none), and the next wake-up set.
    Queued(usize),
    /// Nothing more to tell (no longer an admin, contract gone): off the index.
    Cleared,
    /// It changed since it was found: left alone.
    Moved,
}

#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// The admin's choice for the contract; `None`: never made (no mail).
    async fn notice_setting(
        &self,
        contract: &ContractId,
        admin: &UserId,
    ) -> Result<Option<NoticeSetting>, StoreError>;
    /// Saves the admin's choice, conditional on the one read (`before`): what was told so far
    /// is kept while enrolment mail stays on; turned on, it starts from `setting.told_through`.
    async fn save_notice_setting(
        &self,
        setting: &NoticeSetting,
        before: Option<&NoticeSetting>,
    ) -> Result<bool, StoreError>;
    /// The mailer takes a queued notice (`queued -> sending`); false when taken already.
    async fn claim_notice(&self, contract: &ContractId, id: &str) -> Result<bool, StoreError>;
    /// Gives a claim back (the mail service was busy).
    async fn release_notice(&self, contract: &ContractId, id: &str) -> Result<(), StoreError>;
    async fn record_notice(
        &self,
        contract: &ContractId,
        id: &str,
        result: &DeliveryResult,
    ) -> Result<(), StoreError>;
}
