//! A contract's audit (issue 32): who did what, newest first, paged, filtered; also a file.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Invite,
    Reinvite,
    Resend,
    Sent,
    SendFailed,
    Revoke,
    Enrol,
    Import,
    AddAdmin,
    RemoveAdmin,
    MailReport,
    CorrectAddress,
    ClearBlock,
    Extend,
    Remind,
    Expire,
    ContractSettings,
    TestMail,
    /// A person was forgotten (issue 32): nobody is named.
    Forget,
}

impl AuditAction {
    pub const ALL: [Self; 19] = [
        Self::Invite,
        Self::Reinvite,
        Self::Resend,
        Self::Sent,
        Self::SendFailed,
        Self::Revoke,
        Self::Enrol,
        Self::Import,
        Self::AddAdmin,
        Self::RemoveAdmin,
        Self::MailReport,
        Self::CorrectAddress,
        Self::ClearBlock,
        Self::Extend,
        Self::Remind,
        Self::Expire,
        Self::ContractSettings,
        Self::TestMail,
        Self::Forget,
    ];

    /// The value on the wire, also the `action` query parameter.
    pub fn code(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::Reinvite => "reinvite",
            Self::Resend => "resend",
            Self::Sent => "sent",
            Self::SendFailed => "send_failed",
            Self::Revoke => "revoke",
            Self::Enrol => "enrol",
            Self::Import => "import",
            Self::AddAdmin => "add_admin",
            Self::RemoveAdmin => "remove_admin",
            Self::MailReport => "mail_report",
            Self::CorrectAddress => "correct_address",
            Self::ClearBlock => "clear_block",
            Self::Extend => "extend",
            Self::Remind => "remind",
            Self::Expire => "expire",
            Self::ContractSettings => "contract_settings",
            Self::TestMail => "test_mail",
            Self::Forget => "forget",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The words the site and the export show.
    pub fn label(self) -> &'static str {
        match self {
            Self::Invite => "Invited",
            Self::Reinvite => "Re-invited",
            Self::Resend => "Resent",
            Self::Sent => "Mail sent",
            Self::SendFailed => "Mail not sent",
            Self::Revoke => "Revoked",
            Self::Enrol => "Enrolled",
            Self::Import => "Imported a file",
            Self::AddAdmin => "Admin added",
            Self::RemoveAdmin => "Admin removed",
            Self::MailReport => "Mail service report",
            Self::CorrectAddress => "Address corrected",
            Self::ClearBlock => "Block cleared",
            Self::Extend => "Extended",
            Self::Remind => "Reminder queued",
            Self::Expire => "Link expired",
            Self::ContractSettings => "Settings changed",
            Self::TestMail => "Test mail sent",
            Self::Forget => "A person was forgotten",
        }
    }
}

/// One entry of a contract's audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    pub at: Timestamp,
    pub action: AuditAction,
    /// Who did it (a directory user id); `None` for what the product did on its own (mail
    /// sent, reports, reminders, expiry) and for a file dropped into the bucket.
    pub actor: Option<String>,
    /// The actor's name and address from the directory, when it knows them.
    pub actor_name: Option<String>,
    /// The addresses (or, for admin changes, user ids) the action touched.
    pub subjects: Vec<String>,
    /// The one invitation it concerns, when it concerns one.
    pub invitation_id: Option<String>,
    /// More in words.
    pub detail: Option<String>,
}

/// `GET /contracts/{id}/audit?actor=&action=&from=&to=&cursor=&limit=`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// For the next (older) page; `None` on the last one.
    pub next_cursor: Option<String>,
}
