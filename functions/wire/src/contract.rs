//! Learning contracts: `GET /contracts`, `GET /contracts/{id}`.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Activity {
    pub id: String,
    pub name: String,
}

/// How many of a contract's invitations are in each stored status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusCounts {
    pub pending: u64,
    pub enrolled: u64,
    pub revoked: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    Subscription,
    Voucher,
}

impl ContractKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Subscription => "Subscription",
            Self::Voucher => "Voucher",
        }
    }
}

/// Where today falls in the contract's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Active,
    Future,
    Expired,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Future => "Future",
            Self::Expired => "Expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contract {
    pub id: String,
    pub name: String,
    pub kind: ContractKind,
    pub phase: Phase,
    pub activities: Vec<Activity>,
    /// A voucher with several activities: the inviter picks some ("Step 2 of 2").
    pub needs_activity_choice: bool,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// `None`: no limit.
    pub seat_limit: Option<u64>,
    pub seats_used: u64,
    pub seats_left: Option<u64>,
    pub counts: StatusCounts,
    pub invitation_lifetime_days: u32,
    /// The contract's invitation mail.
    pub mail: MailSettings,
    /// When reminders go to those who have not enrolled.
    pub reminders: ReminderPlan,
}

/// `GET /contracts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContractList {
    pub contracts: Vec<Contract>,
}

/// The language of a contract's mail: the fixed parts (greeting, button, the lines about the
/// link) and the standard text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailLanguage {
    En,
    Fr,
}

impl MailLanguage {
    pub const ALL: [MailLanguage; 2] = [MailLanguage::En, MailLanguage::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// The language's own name.
    pub fn label(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Fr => "Français",
        }
    }
}

/// A contract's invitation mail as its admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MailSettings {
    pub language: MailLanguage,
    /// With merge fields: {name}, {contract}, {activities}, {inviter}, {expiry}, {link}.
    pub subject: String,
    pub message: String,
    /// `false`: the standard text of the language.
    pub custom: bool,
}

/// `POST /contracts/{id}/mail` (save; answers the contract) and `POST /contracts/{id}/mail/test`
/// (a test of this text to the caller's own address). The standard text of the language, sent
/// as it is, makes the contract use the standard text again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MailSettingsRequest {
    pub language: MailLanguage,
    pub subject: String,
    pub message: String,
}

/// The answer to `POST /contracts/{id}/mail/test` (202): the test is queued for the mailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TestMailQueued {
    /// The caller's own address, where the test goes.
    pub to: String,
}

/// A contract's reminder plan; also the body of `POST /contracts/{id}/reminders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReminderPlan {
    pub enabled: bool,
    /// Days after the last mail (the invitation or a reminder); `null`: no such reminder.
    // Required in requests too (`null` says "none"), as in answers.
    #[serde(deserialize_with = "Option::deserialize")]
    pub days_after_send: Option<u32>,
    /// Days before the link expires; `null`: no such reminder.
    #[serde(deserialize_with = "Option::deserialize")]
    pub days_before_expiry: Option<u32>,
    /// Reminders per invitation at most (1 to 5).
    pub at_most: u32,
}

/// Seats in use and enrolments at the end of a day on which something changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SeatsOnDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub seats_used: u64,
    pub enrolled: u64,
}

/// `GET /contracts/{id}/funnel`: how the contract's invitations turn into enrolments, from
/// counters kept by the same writes that change the states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Funnel {
    /// People invited: the contract's invitations, pending, enrolled or revoked (the sum of
    /// the three; a revoked invitation invited again is the same person and counts once).
    pub invited: u64,
    /// Invitations at least one of whose mails the mail service delivered (over all of the
    /// person's invites).
    pub delivered: u64,
    pub enrolled: u64,
    /// Invitations with a mail that bounced.
    pub bounced: u64,
    pub revoked: u64,
    /// Links that ran out unused.
    pub expired: u64,
    /// Of those invited, the people who came through a join link (their own place, promoted
    /// from the waiting list, or approved).
    pub joined: u64,
    /// Pending now (invited, neither enrolled nor revoked).
    pub pending: u64,
    /// Median time from invitation to enrolment, in seconds (to the half hour in the first
    /// two days, the half day after); `null` before the first enrolment.
    pub median_enrol_seconds: Option<u64>,
    /// Enrolments the median is taken over.
    pub enrolments_timed: u64,
    pub seat_limit: Option<u64>,
    /// Oldest first; a day appears when something changed on it.
    pub seats: Vec<SeatsOnDay>,
}

/// `POST /contracts/{id}/dates` (system administrators): the contract's validity window.
/// Mails waiting for the start follow a moved start; a contract that ends cancels them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContractDates {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// How an admin hears of a contract's enrolments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentNotices {
    /// A mail for each enrolment.
    Each,
    /// One mail a day at most, listing who enrolled.
    Daily,
    #[default]
    Off,
}

impl EnrolmentNotices {
    pub const ALL: [Self; 3] = [Self::Each, Self::Daily, Self::Off];

    pub fn label(self) -> &'static str {
        match self {
            Self::Each => "A mail for each enrolment",
            Self::Daily => "A daily digest (one mail a day at most)",
            Self::Off => "No mail",
        }
    }
}

/// `GET`/`POST /contracts/{id}/notifications`: what the caller hears about this contract by
/// mail (their own choice; each admin chooses for themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    pub enrolments: EnrolmentNotices,
    /// A mail when the seats reach 90% and when they run out (once each).
    pub seat_alerts: bool,
}

/// One group (cohort) of a contract's invitations, with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupFigures {
    pub name: String,
    pub pending: u64,
    /// Pending, and the mail not sent yet (scheduled).
    pub scheduled: u64,
    pub expired: u64,
    pub enrolled: u64,
    pub revoked: u64,
}

/// `GET /contracts/{id}/groups`: the contract's groups by name, and those invited in none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupList {
    pub groups: Vec<GroupFigures>,
    /// Invitations in no group, counted the same way (`name` empty).
    pub ungrouped: GroupFigures,
}
