//! Privacy requests (issue 32; system administrators): forget a person, or download everything
//! the product holds about an address. Both run in the background (`functions/privacy`); the
//! answer is the request, read again until it is done. No answer names the address: the
//! request keeps it only while it runs.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// What a request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrivacyRequestKind {
    /// Erase the person: every invitation, history and audit entry, import line, block, join
    /// request, webhook payload and test mail about them; counted skeletons keep the totals.
    Forget,
    /// Everything held about the address, as one JSON file (a subject access request).
    Export,
}

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrivacyRequestStatus {
    Queued,
    Running,
    Done,
    Failed,
}

/// `POST /privacy/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPrivacyRequest {
    pub email: String,
    pub kind: PrivacyRequestKind,
    /// Forget only: the person asked for their sign-in account to be deleted too.
    pub delete_account: bool,
    /// Forget only: the person asked not to be invited again. The address is kept as a
    /// one-way hash only, and every way in (invitations, imports, join links) refuses it.
    pub do_not_invite: bool,
}

/// What a request found (and, when it forgets, erased), by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrivacyTraceKind {
    /// An invitation (forgetting leaves a counted skeleton without address or name).
    Invitation,
    /// An entry of an invitation's history.
    History,
    /// An entry of a contract's audit.
    Audit,
    /// A directory record (and its address's pointer).
    DirectoryEntry,
    /// A sign-in account in the user pool.
    Account,
    /// An address blocked after bounces or complaints.
    Block,
    /// A place on a waiting list, or a join request.
    Waiting,
    /// A joiner's proof of address, or its daily count.
    JoinProof,
    /// A webhook message kept for replay.
    WebhookMessage,
    /// A test mail, or an admin's choice of mail and its notices.
    AdminMail,
    /// An import's record.
    Import,
    /// An uploaded file or an import report in the bucket (lines about the person).
    File,
    /// Anything else that named the address.
    Other,
}

/// One kind and how many of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrivacyTraceCount {
    pub kind: PrivacyTraceKind,
    pub count: u64,
}

/// A privacy request as the site shows it. It never names the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrivacyRequest {
    pub id: String,
    pub kind: PrivacyRequestKind,
    pub status: PrivacyRequestStatus,
    pub delete_account: bool,
    pub do_not_invite: bool,
    pub requested_at: Timestamp,
    /// The system administrator who asked, by name from the directory (their id when not in it).
    pub requested_by: String,
    pub finished_at: Option<Timestamp>,
    /// What was found (and erased, for a forget), by kind; empty until done.
    pub traces: Vec<PrivacyTraceCount>,
    /// An export, when done: the JSON file's link, valid for 15 minutes (ask again for a new
    /// one); the file itself is deleted after a day.
    pub download_url: Option<String>,
    /// Why it failed, in words.
    pub failure: Option<String>,
}

/// `GET /privacy/requests`: the latest requests, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrivacyRequestList {
    pub requests: Vec<PrivacyRequest>,
}
