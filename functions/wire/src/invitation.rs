//! A contract's invitations: list, add, resend, revoke.

use crate::{Activity, StatusCounts, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An invitation's status as the admin sees it: a pending invitation past its expiry is
/// `Expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Expired,
    Enrolled,
    Revoked,
}

impl InvitationStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Expired, Self::Enrolled, Self::Revoked];

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Expired => "Expired",
            Self::Enrolled => "Enrolled",
            Self::Revoked => "Revoked",
        }
    }

    /// The value on the wire, also the `status` query parameter of the invitation list.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Expired => "expired",
            Self::Enrolled => "enrolled",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Queued,
    Sending,
    Sent,
    Failed,
    /// Made and holding its seat; mailed later (the invitation's `schedule` says when).
    Scheduled,
}

/// Where the invitation email is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Delivery {
    pub state: DeliveryState,
    /// Why it failed; `None` unless `state` is `failed`.
    pub reason: Option<String>,
    /// What the mail service last reported about the current mail after sending it.
    pub report: Option<MailReport>,
}

impl Delivery {
    /// The delivery in words, as the site shows it and the export writes it: what the mail
    /// service reported once the mail left, else where the mail is.
    pub fn in_words(&self) -> String {
        if let (DeliveryState::Sent, Some(report)) = (self.state, &self.report) {
            return if report.detail.is_empty() {
                report.kind.label().to_owned()
            } else {
                format!("{}: {}", report.kind.label(), report.detail)
            };
        }
        match (self.state, &self.reason) {
            (DeliveryState::Queued, _) => "Queued".into(),
            (DeliveryState::Sending, _) => "Sending".into(),
            (DeliveryState::Sent, _) => "Sent".into(),
            (DeliveryState::Failed, Some(reason)) if !reason.is_empty() => {
                format!("Failed: {reason}")
            }
            (DeliveryState::Failed, _) => "Failed".into(),
            (DeliveryState::Scheduled, _) => "Scheduled".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailReportKind {
    Delivered,
    Delayed,
    BouncedTransient,
    BouncedPermanent,
    Complained,
    Rejected,
}

impl MailReportKind {
    /// The words the site shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Delivered => "Delivered",
            Self::Delayed => "Delayed",
            Self::BouncedTransient => "Bounced (temporary)",
            Self::BouncedPermanent => "Bounced",
            Self::Complained => "Marked as spam",
            Self::Rejected => "Rejected",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MailReport {
    pub kind: MailReportKind,
    pub at: Timestamp,
    /// The mail service's reason (bounce diagnostic, complaint type), possibly empty.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    /// Whether the address belongs to a directory user.
    pub registered: bool,
    pub status: InvitationStatus,
    pub activities: Vec<Activity>,
    /// The user id of the admin who invited.
    pub invited_by: String,
    /// Their name, from the directory; `None` for a file dropped into the bucket (no admin
    /// behind it) or someone no longer in the directory.
    pub invited_by_name: Option<String>,
    pub invited_at: Timestamp,
    pub expires_at: Timestamp,
    pub delivery: Delivery,
    pub send_count: u32,
    pub last_sent_at: Option<Timestamp>,
    pub enrolled_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
    /// The CSV import (and its line) the invitation came from, if any.
    pub import_id: Option<String>,
    pub import_line: Option<u64>,
    /// Whether Resend is offered now; the server still decides with its own conditions.
    pub can_resend: bool,
    /// Whether Revoke is offered now.
    pub can_revoke: bool,
    /// Whether "Correct address" is offered: pending, and the mail bounced, was refused or could
    /// not be sent (`Invitation::mail_failed`).
    pub can_correct_address: bool,
    /// Whether "Clear block" is offered: pending, its address is blocked, and the caller may
    /// clear that block (a complaint's: system administrators only).
    pub can_clear_block: bool,
    /// While the mail waits (delivery `scheduled`): when it goes.
    pub schedule: Option<ScheduledSend>,
    /// The group (cohort) the person was invited in.
    pub group: Option<String>,
    /// The language of this person's mail when it is not the contract's.
    pub language: Option<crate::MailLanguage>,
}

/// When a scheduled invitation's mail goes, as of now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScheduledSend {
    pub at: Timestamp,
    /// At the contract's start: moves when the start moves.
    pub at_contract_start: bool,
}

/// When an add request's (or an upload's) mails go: `{"when": "now"}`,
/// `{"when": "contract_start"}` or `{"when": "at", "at": "2027-03-01T08:00:00Z"}`. Left out: at
/// the contract's start for a contract that has not started, else now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "when", rename_all = "snake_case", deny_unknown_fields)]
pub enum SendAt {
    Now,
    ContractStart,
    At { at: Timestamp },
}

/// `POST .../invitations/{invitationId}/correct-address`: the address the invitation should
/// have had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectAddress {
    pub email: String,
}

/// `GET /contracts/{id}/invitations/count?q=&status=`: how many invitations match the
/// Invitations tab's filter, over every page (what "act on all that match" acts on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvitationCount {
    pub count: u64,
}

/// `GET /contracts/{id}/invitations`: one page, sorted by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvitationList {
    pub invitations: Vec<Invitation>,
    /// For the next page; `None` on the last one.
    pub next_cursor: Option<String>,
    pub counts: StatusCounts,
}

/// What happened to an invitation, in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Invited,
    Reinvited,
    /// An admin asked for a new link to be sent.
    Resent,
    /// The invitation mail left for the mail service.
    Sent,
    /// The mail could not be sent.
    SendFailed,
    Revoked,
    Enrolled,
    AddressCorrected,
    BlockCleared,
    /// The mail service reported on a mail (delivered, bounced, marked as spam, ...).
    MailReport,
    /// An admin made the link last longer (the same link).
    Extended,
    /// An automatic reminder was queued (the same link).
    Reminded,
    /// The link ran out before the person enrolled.
    Expired,
}

impl HistoryAction {
    /// The words the site shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Invited => "Invited",
            Self::Reinvited => "Re-invited",
            Self::Resent => "Resent with a new link",
            Self::Sent => "Mail sent",
            Self::SendFailed => "Mail not sent",
            Self::Revoked => "Revoked",
            Self::Enrolled => "Enrolled",
            Self::AddressCorrected => "Address corrected",
            Self::BlockCleared => "Block cleared",
            Self::MailReport => "Mail report",
            Self::Extended => "Link extended",
            Self::Reminded => "Reminder queued",
            Self::Expired => "Link expired",
        }
    }
}

/// One entry of an invitation's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryEntry {
    pub at: Timestamp,
    pub action: HistoryAction,
    /// Who did it (a directory user id: the admin, or the student who enrolled); `None` for
    /// what the mailer and the mail service did.
    pub actor: Option<String>,
    /// The actor's name and address from the directory, when it knows them.
    pub actor_name: Option<String>,
    /// More in words: which import and line, the mail service's report, the addresses.
    pub detail: Option<String>,
}

/// `GET .../invitations/{invitationId}/history`: one page, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvitationHistory {
    pub invitation_id: String,
    pub entries: Vec<HistoryEntry>,
    /// For the next (older) page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The answer to Resend and Revoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvitationChange {
    pub invitation: Invitation,
    /// False when nothing needed doing (revoking a revoked invitation).
    pub changed: bool,
}

/// `POST /contracts/{id}/invitations`: addresses and/or directory users, at most 1,000 people.
///
/// The lists may be left out (`default`); a misspelt one is refused as unknown, not ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AddInvitations {
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub user_ids: Vec<String>,
    /// Activity ids: needed for a voucher with several activities, refused for a subscription.
    #[serde(default)]
    pub activities: Vec<String>,
    /// Those over the seat limit wait on the contract's waiting list (invited when a seat
    /// frees) instead of being refused.
    #[serde(default)]
    pub over_limit_wait: bool,
    /// When the mails go (issue 31).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_at: Option<SendAt>,
    /// The group (cohort) these people are invited in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Their mails' language, when not the contract's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::MailLanguage>,
}

/// What happened for one person of an add request (and for one row of an import).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InviteOutcome {
    Invited,
    /// Was revoked, now pending again with a new link.
    Reinvited,
    AlreadyInvited,
    AlreadyEnrolled,
    InvalidEmail,
    /// The same address earlier in the same request.
    Duplicate,
    OverSeatLimit,
    /// Over the seat limit, on the waiting list as asked.
    Waiting,
    UnknownUser,
    /// The address is on the do-not-invite list: its owner asked not to be invited again.
    DoNotInvite,
}

impl InviteOutcome {
    pub fn label(self) -> &'static str {
        match self {
            Self::Invited => "Invited",
            Self::Reinvited => "Invited again",
            Self::AlreadyInvited => "Already invited",
            Self::AlreadyEnrolled => "Already enrolled",
            Self::InvalidEmail => "Invalid email",
            Self::Duplicate => "Duplicate",
            Self::OverSeatLimit => "Over the seat limit",
            Self::Waiting => "On the waiting list",
            Self::UnknownUser => "Unknown user",
            Self::DoNotInvite => "Asked not to be invited",
        }
    }

    /// Whether the person now has a pending invitation they did not have before.
    pub fn is_new_invitation(self) -> bool {
        matches!(self, Self::Invited | Self::Reinvited)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonResult {
    /// What was sent: the address or the user id.
    pub input: String,
    /// The address as understood; `None` when it could not be read or the user is unknown.
    pub email: Option<String>,
    pub outcome: InviteOutcome,
    /// The invitation the outcome is about, when there is one.
    pub invitation_id: Option<String>,
    /// The outcome in a sentence, with its reason.
    pub detail: String,
}

impl PersonResult {
    /// Whether this person now has a new pending invitation.
    pub fn is_invited(&self) -> bool {
        self.outcome.is_new_invitation()
    }
}

/// The answer to `POST /contracts/{id}/invitations`: one result per person, in the order given,
/// and how many had each outcome (outcomes nobody had are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AddResult {
    pub results: Vec<PersonResult>,
    pub summary: BTreeMap<InviteOutcome, u64>,
}

/// `POST /contracts/{id}/invitations/resend`, `.../extend`, `.../revoke`: one action on many
/// invitations, chosen by id, by address, or by the Invitations tab's filter (exactly one of
/// the three). One request handles at most a page of them; `continuation` from its answer
/// goes on with the rest (send the same request with it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<InvitationFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation: Option<String>,
}

/// The Invitations tab's filter: the `status`, `q`, `invited_by`, `import`, `invited_from` and
/// `invited_to` of `GET /contracts/{id}/invitations`, read alike (the days `YYYY-MM-DD`, UTC,
/// both included).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<InvitationStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// The user id of who invited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<String>,
    /// The id of the import the invitations came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<String>,
    /// Invited on this day (UTC) or later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_from: Option<String>,
    /// Invited on this day (UTC) or earlier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_to: Option<String>,
    /// Invited in this group (cohort), exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl InvitationFilter {
    /// Narrowed by who invited, the import or the days (not only the search and status).
    pub fn is_narrowed(&self) -> bool {
        [
            &self.invited_by,
            &self.import,
            &self.invited_from,
            &self.invited_to,
            &self.group,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }

    /// Nothing left out: every invitation of the contract.
    pub fn is_everything(&self) -> bool {
        self.status.is_none()
            && self.q.as_deref().unwrap_or("").trim().is_empty()
            && !self.is_narrowed()
    }

    /// The query parameters of the filter, as the list, its count and the export take them
    /// (empty ones left out).
    pub fn pairs(&self) -> [(&'static str, Option<&str>); 7] {
        [
            ("q", self.q.as_deref().map(str::trim)),
            ("status", self.status.map(InvitationStatus::code)),
            ("invited_by", self.invited_by.as_deref()),
            ("import", self.import.as_deref()),
            ("invited_from", self.invited_from.as_deref()),
            ("invited_to", self.invited_to.as_deref()),
            ("group", self.group.as_deref()),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcomeKind {
    /// The action was taken.
    Done,
    /// Nothing needed doing (already revoked; already lasts as long).
    Unchanged,
    /// Refused for this invitation (`code` and `detail` say why); the others go on.
    Refused,
    /// No such invitation in this contract (or not a valid id).
    NotFound,
    /// A line of a list of addresses that is not an address.
    NotAnAddress,
}

/// What happened to one invitation of a bulk action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BulkOutcome {
    pub invitation_id: Option<String>,
    /// The address, or the id or address as it was sent when nothing was found.
    pub email: String,
    pub outcome: BulkOutcomeKind,
    pub code: Option<String>,
    pub detail: Option<String>,
}

/// The answer to a bulk action: each invitation's outcome, the counts, and where to go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BulkResult {
    pub results: Vec<BulkOutcome>,
    pub done: u32,
    pub unchanged: u32,
    pub refused: u32,
    pub not_found: u32,
    pub not_an_address: u32,
    /// Present when more invitations remain: send the same request with it.
    pub continuation: Option<String>,
}
