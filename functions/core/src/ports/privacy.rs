//! Privacy requests (issue 32): the requests themselves, the do-not-invite list, and the
//! table's part of forgetting a person and of telling what is held about them.

use super::*;
use crate::domain::privacy::{Person, PrivacyRequest, TraceCounts, TraceKind};

/// Something the table holds about a person, for a subject access export.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldItem {
    pub kind: TraceKind,
    /// Where it is, in words a reader follows ("contract c-1, invitation ...").
    pub place: String,
    /// Its stored attributes, as JSON (storage keys left out).
    pub data: serde_json::Value,
}

/// What one pass of forgetting did in the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErasePass {
    /// Erased or pseudonymised in this pass, by kind.
    pub erased: TraceCounts,
    /// Found and kept on purpose (the directory record of a person who keeps their account).
    pub kept: TraceCounts,
    /// Changed under the pass (a concurrent enrolment, a mail report): look again.
    pub moved: u64,
}

impl ErasePass {
    /// Nothing left to erase: a pass that erased nothing and was not raced.
    pub fn clean(&self) -> bool {
        self.erased.values().all(|n| *n == 0) && self.moved == 0
    }
}

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Saves a new request, holding `email` until it is done.
    async fn add_privacy_request(
        &self,
        request: &PrivacyRequest,
        email: &EmailAddress,
    ) -> Result<(), StoreError>;
    async fn privacy_request(&self, id: &str) -> Result<Option<PrivacyRequest>, StoreError>;
    /// The latest `limit` requests, newest first.
    async fn privacy_requests(&self, limit: usize) -> Result<Vec<PrivacyRequest>, StoreError>;
    /// Takes a queued request (or one whose run stopped: `RUN_TAKEN_OVER_AFTER`) to run it,
    /// conditionally: a second delivery of the same stream record gets `None`.
    async fn start_privacy_request(
        &self,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(PrivacyRequest, EmailAddress)>, StoreError>;
    /// Saves its outcome (status, traces, export key, failure) and drops the address.
    async fn finish_privacy_request(&self, request: &PrivacyRequest) -> Result<(), StoreError>;

    /// Puts the address's one-way hash on the do-not-invite list (twice is once).
    async fn add_do_not_invite(
        &self,
        email: &EmailAddress,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The identities among `emails` on the do-not-invite list (read consistently).
    async fn do_not_invite_among(
        &self,
        emails: &[&EmailAddress],
    ) -> Result<std::collections::HashSet<String>, StoreError>;

    /// The names stored beside the address (invitations, the directory), learned into `person`.
    async fn learn_names(&self, person: &mut Person) -> Result<(), StoreError>;
    /// One pass over the whole table erasing the person: invitations become counted skeletons
    /// (a pending one withdrawn, its seat freed), their history goes, every other text naming
    /// them is pseudonymised, items keyed by the address are deleted; each touched contract's
    /// audit says "a person was forgotten". Every write is conditional on what was read.
    async fn erase_pass(
        &self,
        person: &Person,
        delete_directory_entry: bool,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<ErasePass, StoreError>;
    /// Everything the table holds naming the person (the same set `erase_pass` touches).
    async fn held_about(&self, person: &Person) -> Result<Vec<HeldItem>, StoreError>;
}
