//! What the Invitations tab asks of the store: a page of a contract's invitations by search,
//! status and narrowing, and its groups' figures.

use super::*;

#[derive(Debug, Clone, Default)]
pub struct InvitationQuery {
    /// Lower-cased search text: a part of the address or of the name (issue 28; empty: all).
    pub email_prefix: String,
    pub status: Option<ShownStatus>,
    /// Who invited, from which import, on which days (issue 28).
    pub narrow: Narrowing,
    /// Addresses from z to a: the partition's key order read backwards (else a to z).
    pub descending: bool,
    pub cursor: Option<String>,
    pub limit: usize,
}

/// What narrows the Invitations tab besides its search and status (issue 28): each set field
/// must hold; none set, nothing is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub invited_by: Option<UserId>,
    pub import: Option<ImportId>,
    /// Invited at or after this.
    pub invited_from: Option<DateTime<Utc>>,
    /// Invited before this.
    pub invited_before: Option<DateTime<Utc>>,
    /// Invited in this group (issue 31).
    pub group: Option<Group>,
}

impl Narrowing {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One group's invitations by what the Invitations tab shows (issue 31).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    /// Pending and not expired (the scheduled among them).
    pub pending: u64,
    /// Pending, the mail not sent yet.
    pub scheduled: u64,
    pub expired: u64,
    pub enrolled: u64,
    pub revoked: u64,
}

#[derive(Debug, Clone)]
pub struct InvitationPage {
    pub invitations: Vec<Invitation>,
    pub next_cursor: Option<String>,
}

/// What narrows a contract's audit (issue 32): each set field must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Done by this person.
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    /// At or after this.
    pub from: Option<DateTime<Utc>>,
    /// Before this.
    pub before: Option<DateTime<Utc>>,
}

/// One page of a contract's audit, newest first.
#[derive(Debug, Clone)]
pub struct AuditRecordPage {
    pub records: Vec<AuditRecord>,
    /// For the next (older) page; `None` on the last one.
    pub next_cursor: Option<String>,
}
