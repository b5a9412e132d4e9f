//! Invitations and their state machine.
//!
//! The store enforces every transition with a DynamoDB condition. The functions here say what
//! each transition requires; the store calls them on the item a failed condition hands back, to
//! tell the caller *why* it was refused. One rule book, used twice.

use super::email::EmailAddress;
use super::ids::{ActivityId, ContractId, ImportId, InvitationId, JoinLinkId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A resend within this long of the previous send is refused (429), so a double click or an
/// impatient admin cannot flood someone's inbox.
pub const RESEND_MIN_INTERVAL: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Enrolled,
    Revoked,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Enrolled => "enrolled",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "enrolled" => Some(Self::Enrolled),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// What an admin sees: Expired is a Pending invitation past its expiry, not a stored state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShownStatus {
    Pending,
    Expired,
    Enrolled,
    Revoked,
}

impl ShownStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "expired" => Some(Self::Expired),
            "enrolled" => Some(Self::Enrolled),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// Where the invitation's latest mail is. Every invite and resend sets Queued; the mailer takes it
/// from there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    Queued,
    /// The mailer has claimed this send; a claim older than a few minutes is stale (the mailer
    /// died) and may be taken over.
    Sending {
        since: DateTime<Utc>,
    },
    Sent {
        at: DateTime<Utc>,
    },
    Failed {
        reason: String,
    },
    /// Made, holding its seat, and mailed later (issue 31): the invitation's `options.schedule`
    /// says when. Resend ("send now") mails it at once.
    Scheduled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Added through the API: typed addresses or picked from the directory.
    Manual,
    /// A row of an imported CSV file.
    Import { import_id: ImportId, line: u64 },
    /// The person joined through a join link (issue 30).
    JoinLink { link_id: JoinLinkId },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub contract_id: ContractId,
    pub email: EmailAddress,
    pub status: InvitationStatus,
    pub activities: Vec<ActivityId>,
    /// The directory user the address belongs to, if any; set on enrolment for a new person.
    pub user_id: Option<UserId>,
    pub name: Option<String>,
    pub invited_by: UserId,
    pub invited_at: DateTime<Utc>,
    pub source: Source,
    /// Bumped by every invite, re-invite and resend: a link carries the version it was made for,
    /// so only the newest link works.
    pub token_version: u32,
    pub expires_at: DateTime<Utc>,
    pub send_count: u32,
    pub last_queued_at: DateTime<Utc>,
    pub last_sent_at: Option<DateTime<Utc>>,
    pub delivery: Delivery,
    pub enrolled_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<UserId>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// What the mail service last reported about the current send, after it left.
    pub delivery_report: Option<DeliveryReport>,
    /// Whether the current invite is a re-invite (the invitation had been revoked).
    pub reinvited: bool,
    /// Automatic reminders queued for this invite so far.
    pub reminders_sent: u32,
    /// The send queued now is reminder number n of the current link (`None`: a new link's mail).
    pub reminder: Option<u32>,
    /// When the reminder run next looks at this invitation (its next reminder, or its link's
    /// expiry), while it is pending.
    pub remind_at: Option<DateTime<Utc>>,
    /// The funnel has counted this invite's link as run out.
    pub expiry_counted: bool,
    /// Its schedule (while the mail waits), group and mail language (issue 31).
    pub options: crate::schedule::InviteOptions,
}

/// What the mail service (SES, through its configuration set's events) reported about a mail
/// after accepting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub kind: ReportKind,
    pub at: DateTime<Utc>,
    /// The service's reason (bounce type and diagnostic, complaint type, rejection reason).
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Delivered,
    /// The receiving server has not taken it yet; SES keeps trying.
    Delayed,
    /// Refused for now (mailbox full, ...); SES gave up on this mail.
    BouncedTransient,
    /// The address does not exist or refuses mail for good.
    BouncedPermanent,
    /// The recipient marked it as spam.
    Complained,
    /// SES refused to send it (a virus in it, for instance).
    Rejected,
}

impl ReportKind {
    /// The mail did not reach the address (see `Invitation::mail_failed`).
    pub fn means_not_received(self) -> bool {
        matches!(
            self,
            Self::BouncedTransient | Self::BouncedPermanent | Self::Rejected
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Delayed => "delayed",
            Self::BouncedTransient => "bounced_transient",
            Self::BouncedPermanent => "bounced_permanent",
            Self::Complained => "complained",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Delivered,
            Self::Delayed,
            Self::BouncedTransient,
            Self::BouncedPermanent,
            Self::Complained,
            Self::Rejected,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    /// "Delayed" is only news while nothing final is known: it never replaces another report.
    pub fn is_final(self) -> bool {
        self != Self::Delayed
    }

    /// Whether the address must not be mailed again (SES's own rule for its account-level
    /// suppression list: permanent bounces and complaints).
    pub fn blocks_address(self) -> bool {
        matches!(self, Self::BouncedPermanent | Self::Complained)
    }
}

/// An address no invitation mail goes to any more: it bounced permanently or its owner marked
/// the mail as spam. Lifted only by an admin (a corrected address, or clearing the block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressBlock {
    /// The email identity (lower-cased address).
    pub identity: String,
    pub kind: ReportKind,
    pub detail: String,
    pub at: DateTime<Utc>,
}

impl AddressBlock {
    /// Why nothing is sent, in words for the admin.
    pub fn explain(&self) -> String {
        format!(
            "Not sent: {}. Correct the address, or clear the block, then send again.",
            self.what_happened()
        )
    }

    /// What the mail service reported, and when: "mail to it bounced for good on 2026-03-02".
    pub fn what_happened(&self) -> String {
        let what = match self.kind {
            ReportKind::Complained => "its owner marked our mail as spam",
            _ => "mail to it bounced for good",
        };
        format!("{what} on {}", self.at.format("%Y-%m-%d"))
    }
}

/// The code of a person refused because they asked not to be invited again (issue 32).
pub const DO_NOT_INVITE: &str = "do_not_invite";
/// Why, in words: the same sentence in the add route's answer, an import's report and rows.
pub const DO_NOT_INVITE_SENTENCE: &str = "Not invited: this person asked not to be invited again.";

/// The answer for one person of an invite request or an imported row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum InviteOutcome {
    Invited {
        invitation_id: InvitationId,
    },
    /// Was revoked, now pending again with a new link.
    Reinvited {
        invitation_id: InvitationId,
    },
    AlreadyInvited {
        invitation_id: InvitationId,
    },
    AlreadyEnrolled {
        invitation_id: InvitationId,
    },
    InvalidEmail {
        reason: String,
    },
    /// The same address earlier in the same request or file.
    Duplicate {
        first_line: Option<u64>,
    },
    OverSeatLimit,
    /// Over the seat limit, and put on the contract's waiting list as the inviter asked: invited
    /// when a seat frees and their turn comes.
    Waiting,
    UnknownUser,
    /// The address is on the do-not-invite list (issue 32): its owner asked not to be invited
    /// again. Nothing is written and nothing said about the address beyond that.
    DoNotInvite,
}

impl InviteOutcome {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invited { .. } => "invited",
            Self::Reinvited { .. } => "reinvited",
            Self::AlreadyInvited { .. } => "already_invited",
            Self::AlreadyEnrolled { .. } => "already_enrolled",
            Self::InvalidEmail { .. } => "invalid_email",
            Self::Duplicate { .. } => "duplicate",
            Self::OverSeatLimit => "over_seat_limit",
            Self::Waiting => "waiting",
            Self::UnknownUser => "unknown_user",
            Self::DoNotInvite => DO_NOT_INVITE,
        }
    }

    /// Whether this person now has a pending invitation they did not have before.
    pub fn is_new_invitation(&self) -> bool {
        matches!(self, Self::Invited { .. } | Self::Reinvited { .. })
    }

    /// A sentence for reports and the admin screen (issue 26): a refusal says why, and what
    /// to do where there is something to do. `InvalidEmail`'s reason is one already
    /// ([`crate::EmailError::sentence`]).
    pub fn describe(&self) -> String {
        match self {
            Self::Invited { .. } => "Invited.".into(),
            Self::Reinvited { .. } => "Invited again: the earlier invitation was revoked.".into(),
            Self::AlreadyInvited { .. } => "Already invited: nothing was sent again.".into(),
            Self::AlreadyEnrolled { .. } => "Already enrolled: nothing was sent.".into(),
            Self::InvalidEmail { reason } => reason.clone(),
            Self::Duplicate {
                first_line: Some(l),
            } => format!("The same address is on line {l}, so it is invited once."),
            Self::Duplicate { first_line: None } => {
                "The same address is given earlier in this request, so it is invited once.".into()
            }
            Self::OverSeatLimit => {
                "Not invited: the contract has no seat left for this person.".into()
            }
            Self::Waiting => "No seat left: on the waiting list, invited when a seat frees.".into(),
            Self::UnknownUser => {
                "There is no such person in the directory: pick them again, or give their address."
                    .into()
            }
            Self::DoNotInvite => DO_NOT_INVITE_SENTENCE.into(),
        }
    }
}

/// What creating an invitation for an address means, given what is stored for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteDecision {
    Create,
    /// Revoked before: write it Pending again, bumping the version the store last saw.
    Reinvite {
        seen_version: u32,
    },
    AlreadyInvited,
    AlreadyEnrolled,
}

pub fn decide_invite(existing: Option<&Invitation>) -> InviteDecision {
    match existing {
        None => InviteDecision::Create,
        Some(inv) => match inv.status {
            InvitationStatus::Pending => InviteDecision::AlreadyInvited,
            InvitationStatus::Enrolled => InviteDecision::AlreadyEnrolled,
            InvitationStatus::Revoked => InviteDecision::Reinvite {
                seen_version: inv.token_version,
            },
        },
    }
}

/// Within one import, an address that is already there because of this same import: the row
/// itself seen again (the import was re-run after a crash, so it counts as invited, whatever
/// happened to it since) or the same address on another line of the file (a duplicate).
/// This is how imports dedupe without holding every address of the file in memory.
pub fn import_replay(existing: &Invitation, source: &Source) -> Option<InviteOutcome> {
    let Source::Import { import_id, line } = source else {
        return None;
    };
    let Source::Import {
        import_id: first_import,
        line: first_line,
    } = &existing.source
    else {
        return None;
    };
    if first_import != import_id {
        return None;
    }
    Some(if first_line == line {
        InviteOutcome::Invited {
            invitation_id: existing.id.clone(),
        }
    } else {
        InviteOutcome::Duplicate {
            first_line: Some(*first_line),
        }
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResendRefused {
    #[error("The person at {0} has already enrolled, so there is nothing to resend.")]
    AlreadyEnrolled(String),
    #[error("The invitation for {0} was revoked: invite them again instead.")]
    Revoked(String),
    #[error(
        "The invitation was sent less than a minute ago. Try again in {retry_after_seconds} seconds."
    )]
    TooSoon { retry_after_seconds: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtendRefused {
    #[error("The person at {0} has already enrolled, so the invitation no longer expires.")]
    AlreadyEnrolled(String),
    #[error("The invitation for {0} was revoked: invite them again instead.")]
    Revoked(String),
}

/// What extending an invitation comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendDecision {
    /// The link now lasts until this time.
    Extend(DateTime<Utc>),
    /// It already lasts at least as long as an extension would make it.
    AlreadyLater,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectRefused {
    #[error("The person at {0} has already enrolled, so the address can no longer be changed.")]
    AlreadyEnrolled(String),
    #[error("The invitation for {0} was revoked: invite the right address instead.")]
    Revoked(String),
    #[error("That is the address the invitation already has: write the corrected address.")]
    SameAddress,
    #[error("The address {0} is already invited to this learning contract: resend its own invitation instead.")]
    AlreadyInvited(String),
    #[error("The mail to {0} has not failed: an address can be corrected only after its mail bounced, failed or was refused.")]
    MailNotFailed(String),
}

impl Invitation {
    /// Whether the address of this invitation may be corrected to `to`; the store's condition
    /// (pending, same version, no invitation for `to`) is what decides.
    pub fn check_correct(&self, to: &EmailAddress) -> Result<(), CorrectRefused> {
        match self.status {
            InvitationStatus::Enrolled => Err(CorrectRefused::AlreadyEnrolled(
                self.email.as_entered().to_owned(),
            )),
            InvitationStatus::Revoked => {
                Err(CorrectRefused::Revoked(self.email.as_entered().to_owned()))
            }
            InvitationStatus::Pending if to.identity() == self.email.identity() => {
                Err(CorrectRefused::SameAddress)
            }
            // Otherwise an admin could move anyone's working link to a mailbox of their own
            // (issue 26): correcting is for an address whose mail did not arrive.
            InvitationStatus::Pending if !self.mail_failed() => Err(CorrectRefused::MailNotFailed(
                self.email.as_entered().to_owned(),
            )),
            InvitationStatus::Pending => Ok(()),
        }
    }

    /// The current send did not reach the address: the mailer could not send it, it bounced
    /// (for now or for good), or the mail service refused it. A complaint is not one: the
    /// mail arrived.
    pub fn mail_failed(&self) -> bool {
        matches!(self.delivery, Delivery::Failed { .. })
            || self
                .delivery_report
                .as_ref()
                .is_some_and(|r| r.kind.means_not_received())
    }
}

/// Why an address block may not be cleared by this person (issue 26). A block stops mail to
/// the address from every contract, so only what concerns the admin's own invitation is theirs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClearBlockRefused {
    #[error("The invitation for {0} is no longer pending, so its address's block is not this contract's to clear.")]
    NotPending(String),
    #[error("The person at {0} marked our mail as spam. Only a system administrator can clear that block, because it stops mail from every contract.")]
    Complaint(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeDecision {
    Revoke,
    /// Revoking twice is a no-op, not an error.
    AlreadyRevoked,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevokeRefused {
    #[error("The person at {0} has already enrolled, so the invitation can no longer be revoked.")]
    AlreadyEnrolled(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolDecision {
    Enrol,
    /// The same person following a valid link again: the answer is the same, nothing changes.
    AlreadyEnrolled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnrolRefused {
    #[error("This invitation was withdrawn by the contract's administrator. Ask them to invite you again if you still need it.")]
    Revoked,
    #[error("A newer invitation link was sent to this address. Please use the link in the latest email.")]
    Superseded,
    #[error("This invitation has expired. Ask the administrator to send it again.")]
    Expired,
}

impl Invitation {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.status == InvitationStatus::Pending && now >= self.expires_at
    }

    pub fn shown_status(&self, now: DateTime<Utc>) -> ShownStatus {
        match self.status {
            InvitationStatus::Pending if self.is_expired(now) => ShownStatus::Expired,
            InvitationStatus::Pending => ShownStatus::Pending,
            InvitationStatus::Enrolled => ShownStatus::Enrolled,
            InvitationStatus::Revoked => ShownStatus::Revoked,
        }
    }

    /// Resend: Pending (expired or not) only, and not twice within [`RESEND_MIN_INTERVAL`].
    pub fn check_resend(&self, now: DateTime<Utc>) -> Result<(), ResendRefused> {
        match self.status {
            InvitationStatus::Enrolled => {
                Err(ResendRefused::AlreadyEnrolled(self.email.to_string()))
            }
            InvitationStatus::Revoked => Err(ResendRefused::Revoked(self.email.to_string())),
            // Nothing went yet: "send now" is never too soon.
            InvitationStatus::Pending if self.delivery == Delivery::Scheduled => Ok(()),
            InvitationStatus::Pending => {
                let next_allowed = self.last_queued_at + RESEND_MIN_INTERVAL;
                if now < next_allowed {
                    let wait = (next_allowed - now).num_milliseconds();
                    Err(ResendRefused::TooSoon {
                        retry_after_seconds: (wait + 999) / 1000,
                    })
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Extend: a pending invitation's link (expired or not) lasts until `until`, the same link
    /// as before; never shortened.
    pub fn check_extend(&self, until: DateTime<Utc>) -> Result<ExtendDecision, ExtendRefused> {
        match self.status {
            InvitationStatus::Enrolled => {
                Err(ExtendRefused::AlreadyEnrolled(self.email.to_string()))
            }
            InvitationStatus::Revoked => Err(ExtendRefused::Revoked(self.email.to_string())),
            InvitationStatus::Pending if until <= self.expires_at => {
                Ok(ExtendDecision::AlreadyLater)
            }
            InvitationStatus::Pending => Ok(ExtendDecision::Extend(until)),
        }
    }

    /// Revoke: Pending only; once enrolled, never.
    pub fn check_revoke(&self) -> Result<RevokeDecision, RevokeRefused> {
        match self.status {
            InvitationStatus::Pending => Ok(RevokeDecision::Revoke),
            InvitationStatus::Revoked => Ok(RevokeDecision::AlreadyRevoked),
            InvitationStatus::Enrolled => {
                Err(RevokeRefused::AlreadyEnrolled(self.email.to_string()))
            }
        }
    }

    /// Enrol with a link made for `link_version`.
    pub fn check_enrol(
        &self,
        link_version: u32,
        now: DateTime<Utc>,
    ) -> Result<EnrolDecision, EnrolRefused> {
        match self.status {
            InvitationStatus::Enrolled => Ok(EnrolDecision::AlreadyEnrolled),
            InvitationStatus::Revoked => Err(EnrolRefused::Revoked),
            _ if link_version != self.token_version => Err(EnrolRefused::Superseded),
            InvitationStatus::Pending if self.is_expired(now) => Err(EnrolRefused::Expired),
            InvitationStatus::Pending => Ok(EnrolDecision::Enrol),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub fn pending(now: DateTime<Utc>) -> Invitation {
        Invitation {
            delivery_report: None,
            id: InvitationId::random(),
            contract_id: ContractId::parse("c1").unwrap(),
            email: EmailAddress::parse("Ann@Example.com").unwrap(),
            status: InvitationStatus::Pending,
            activities: vec![],
            user_id: None,
            name: None,
            invited_by: UserId::parse("admin-a").unwrap(),
            invited_at: now,
            source: Source::Manual,
            token_version: 1,
            expires_at: now + Duration::days(14),
            send_count: 1,
            last_queued_at: now,
            last_sent_at: None,
            delivery: Delivery::Queued,
            enrolled_at: None,
            revoked_by: None,
            revoked_at: None,
            reinvited: false,
            reminders_sent: 0,
            reminder: None,
            remind_at: None,
            expiry_counted: false,
            options: Default::default(),
        }
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    #[test]
    fn invite_creates_reinvites_or_reports() {
        let now = t0();
        assert_eq!(decide_invite(None), InviteDecision::Create);
        let mut inv = pending(now);
        assert_eq!(decide_invite(Some(&inv)), InviteDecision::AlreadyInvited);
        inv.status = InvitationStatus::Enrolled;
        assert_eq!(decide_invite(Some(&inv)), InviteDecision::AlreadyEnrolled);
        inv.status = InvitationStatus::Revoked;
        inv.token_version = 3;
        assert_eq!(
            decide_invite(Some(&inv)),
            InviteDecision::Reinvite { seen_version: 3 }
        );
    }

    #[test]
    fn revoke_only_until_enrolment_and_twice_is_a_no_op() {
        let mut inv = pending(t0());
        assert_eq!(inv.check_revoke(), Ok(RevokeDecision::Revoke));
        inv.status = InvitationStatus::Revoked;
        assert_eq!(inv.check_revoke(), Ok(RevokeDecision::AlreadyRevoked));
        inv.status = InvitationStatus::Enrolled;
        let refused = inv.check_revoke().unwrap_err();
        assert_eq!(
            refused.to_string(),
            "The person at Ann@Example.com has already enrolled, so the invitation can no longer be revoked."
        );
    }

    #[test]
    fn resend_is_for_pending_and_at_most_once_a_minute() {
        let now = t0();
        let mut inv = pending(now);
        assert_eq!(
            inv.check_resend(now + Duration::seconds(20)),
            Err(ResendRefused::TooSoon {
                retry_after_seconds: 40
            })
        );
        assert_eq!(inv.check_resend(now + Duration::seconds(60)), Ok(()));
        // Expired invitations can be resent: that is how they get a fresh expiry.
        assert_eq!(inv.check_resend(now + Duration::days(30)), Ok(()));
        inv.status = InvitationStatus::Enrolled;
        assert!(matches!(
            inv.check_resend(now + Duration::days(1)),
            Err(ResendRefused::AlreadyEnrolled(_))
        ));
        inv.status = InvitationStatus::Revoked;
        assert!(matches!(
            inv.check_resend(now + Duration::days(1)),
            Err(ResendRefused::Revoked(_))
        ));
    }

    #[test]
    fn enrol_needs_the_newest_link_a_pending_invitation_and_time_left() {
        let now = t0();
        let mut inv = pending(now);
        inv.token_version = 2;
        assert_eq!(inv.check_enrol(2, now), Ok(EnrolDecision::Enrol));
        assert_eq!(inv.check_enrol(1, now), Err(EnrolRefused::Superseded));
        assert_eq!(
            inv.check_enrol(2, inv.expires_at),
            Err(EnrolRefused::Expired)
        );
        inv.status = InvitationStatus::Revoked;
        assert_eq!(inv.check_enrol(2, now), Err(EnrolRefused::Revoked));
        inv.status = InvitationStatus::Enrolled;
        assert_eq!(inv.check_enrol(2, now), Ok(EnrolDecision::AlreadyEnrolled));
    }

    #[test]
    fn an_import_recognises_its_own_rows_and_duplicates() {
        let import_id = ImportId::parse("imp1").unwrap();
        let mut inv = pending(t0());
        inv.source = Source::Import {
            import_id: import_id.clone(),
            line: 4,
        };
        inv.status = InvitationStatus::Revoked;
        let same_row = Source::Import {
            import_id: import_id.clone(),
            line: 4,
        };
        assert_eq!(
            import_replay(&inv, &same_row),
            Some(InviteOutcome::Invited {
                invitation_id: inv.id.clone()
            })
        );
        let other_line = Source::Import { import_id, line: 9 };
        assert_eq!(
            import_replay(&inv, &other_line),
            Some(InviteOutcome::Duplicate {
                first_line: Some(4)
            })
        );
        let other_import = Source::Import {
            import_id: ImportId::parse("imp2").unwrap(),
            line: 4,
        };
        assert_eq!(import_replay(&inv, &other_import), None);
        assert_eq!(import_replay(&inv, &Source::Manual), None);
    }

    #[test]
    fn expired_is_shown_but_not_stored() {
        let now = t0();
        let inv = pending(now);
        assert_eq!(inv.shown_status(now), ShownStatus::Pending);
        assert_eq!(inv.shown_status(inv.expires_at), ShownStatus::Expired);
        assert_eq!(inv.status, InvitationStatus::Pending);
    }

    #[test]
    fn outcomes_have_stable_codes_and_sentences() {
        let o = InviteOutcome::InvalidEmail {
            reason: crate::EmailError::MissingAt.sentence("the address"),
        };
        assert_eq!(o.code(), "invalid_email");
        assert_eq!(
            o.describe(),
            "The address has no @: write it as name@example.org."
        );
        assert_eq!(
            InviteOutcome::Duplicate {
                first_line: Some(3)
            }
            .describe(),
            "The same address is on line 3, so it is invited once."
        );
        let json = serde_json::to_value(&o).unwrap();
        assert_eq!(json["outcome"], "invalid_email");
    }
}
