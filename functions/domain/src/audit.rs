//! Audit records: who did what, to whom, when. Written in the same transaction as the change.

use super::ids::{ActivityId, InvitationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Invite,
    /// An invitation that had been revoked was sent again (a new link).
    Reinvite,
    Resend,
    /// The mailer handed the invitation mail to the mail service (`detail`: which send).
    Sent,
    /// The mailer could not send the mail (`detail`: why).
    SendFailed,
    Revoke,
    Enrol,
    Import,
    AddAdmin,
    RemoveAdmin,
    /// The mail service reported on a sent mail (the record's `detail` says what).
    MailReport,
    /// An admin moved a pending invitation to a corrected address (subjects: old, new).
    CorrectAddress,
    /// An admin lifted the block on an address that bounced or complained.
    ClearBlock,
    /// An admin made a pending invitation's link last longer (detail: until when).
    Extend,
    /// The reminder run queued an automatic reminder (detail: which one).
    Remind,
    /// The reminder run saw the link run out unused.
    Expire,
    /// An admin changed the contract's mail or reminder plan (detail: what).
    ContractSettings,
    /// An admin sent themselves a test of the contract's mail.
    TestMail,
    /// A system administrator had a person forgotten (issue 32): no subject, nobody named.
    Forget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    /// The admin, or the student for an enrolment.
    pub actor: Option<UserId>,
    pub action: AuditAction,
    /// The email identities the action touched (user ids for admin changes).
    pub subjects: Vec<String>,
    /// The one invitation the action concerns, when it concerns one: the record is then also
    /// in that invitation's history.
    pub invitation_id: Option<InvitationId>,
    /// What happened, in words, where the action alone does not say (a mail report's kind and
    /// reason).
    pub detail: Option<String>,
    /// The invitation's activities, for a record about one (its event carries them); empty
    /// otherwise.
    pub activities: Vec<ActivityId>,
}

impl AuditRecord {
    /// `actor` did `action` to one invitation (its address the subject) at `at`.
    pub fn on_invitation(
        action: AuditAction,
        actor: &UserId,
        invitation: &crate::Invitation,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            at,
            actor: Some(actor.clone()),
            action,
            subjects: vec![invitation.email.identity().to_owned()],
            invitation_id: Some(invitation.id.clone()),
            detail: None,
            activities: invitation.activities.clone(),
        }
    }

    /// The same record, with what happened in words.
    pub fn saying(self, detail: String) -> Self {
        Self {
            detail: Some(detail),
            ..self
        }
    }
}
