//! Programmes on dates (issue 31): an invitation made now and mailed later, at its contract's
//! start or at a time the inviter picks; the group (cohort) a person is invited in; and the
//! language of one person's mail.
//!
//! A scheduled invitation is pending and holds its seat from the start; its mail waits on the
//! reminder run's `by_remind_at` index. What the run does when it wakes is [`release`]: it reads
//! the contract as it is then, so a moved start moves the send and a contract that ended (or is
//! gone) cancels it.

use crate::contract::{Contract, Phase};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// When an inviter asks the mail to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendAt {
    Now,
    /// At the contract's start, whenever that is by then (the default for a Future contract).
    ContractStart,
    At(DateTime<Utc>),
}

/// A scheduled invitation's send, as stored: `None` on an invitation means its mail went (or
/// goes) at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Schedule {
    ContractStart,
    At(DateTime<Utc>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleRefused {
    #[error("The send time {0} is after the learning contract ends ({1}): pick an earlier time.")]
    AfterEnd(String, String),
    #[error("The learning contract has ended, so there is no start to send at.")]
    ContractEnded,
}

impl SendAt {
    /// What an inviter gets when they do not say: a Future contract's invitations go at its
    /// start, anything else at once.
    pub fn default_for(contract: &Contract, now: DateTime<Utc>) -> Self {
        match contract.phase(now) {
            Phase::Future => Self::ContractStart,
            _ => Self::Now,
        }
    }

    /// The schedule to store, or `None` to send at once (a time already past, or a start that
    /// has come).
    pub fn resolve(
        self,
        contract: &Contract,
        now: DateTime<Utc>,
    ) -> Result<Option<Schedule>, ScheduleRefused> {
        match self {
            Self::Now => Ok(None),
            Self::ContractStart if contract.phase(now) == Phase::Expired => {
                Err(ScheduleRefused::ContractEnded)
            }
            Self::ContractStart if now >= contract.starts_at => Ok(None),
            Self::ContractStart => Ok(Some(Schedule::ContractStart)),
            Self::At(at) if at >= contract.ends_at => Err(ScheduleRefused::AfterEnd(
                at.format("%Y-%m-%d %H:%M UTC").to_string(),
                contract.ends_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            )),
            Self::At(at) if at <= now => Ok(None),
            Self::At(at) => Ok(Some(Schedule::At(at))),
        }
    }
}

impl Schedule {
    /// When the mail is due, for the contract as it is now.
    pub fn due(&self, contract: &Contract) -> DateTime<Utc> {
        match self {
            Self::ContractStart => contract.starts_at,
            Self::At(at) => *at,
        }
    }

    /// How it is stored: `start`, or the time in RFC 3339.
    pub fn to_stored(&self) -> String {
        match self {
            Self::ContractStart => "start".into(),
            Self::At(at) => at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }

    pub fn from_stored(text: &str) -> Option<Self> {
        match text {
            "start" => Some(Self::ContractStart),
            other => DateTime::parse_from_rfc3339(other)
                .ok()
                .map(|at| Self::At(at.with_timezone(&Utc))),
        }
    }
}

/// What the reminder run does with a scheduled invitation it woke for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Mail it now.
    Send,
    /// Not yet (the start moved later): wake again then.
    Later(DateTime<Utc>),
    /// Never: the contract ended or is gone. The reason is for the invitation's row.
    Cancel(String),
}

/// The one rule for a scheduled send at `now`, given its contract as it is now (`None`: gone).
pub fn release(schedule: &Schedule, contract: Option<&Contract>, now: DateTime<Utc>) -> Release {
    let Some(contract) = contract else {
        return Release::Cancel(
            "Not sent: the learning contract no longer exists, so the scheduled mail was cancelled."
                .into(),
        );
    };
    if now >= contract.ends_at {
        return Release::Cancel(format!(
            "Not sent: the learning contract ended on {} before the scheduled mail went.",
            contract.ends_at.format("%Y-%m-%d")
        ));
    }
    let due = schedule.due(contract);
    if due > now {
        Release::Later(due)
    } else {
        Release::Send
    }
}

/// A group (cohort) people are invited in: "Spring 2027", "Lyon B". Trimmed, inner spaces
/// made single, 1 to 60 characters, no control characters; compared exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Group(String);

pub const GROUP_MAX_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("A group name cannot be empty.")]
    Empty,
    #[error("A group name is at most {GROUP_MAX_CHARS} characters.")]
    TooLong,
    #[error("A group name cannot hold control characters or line breaks.")]
    Control,
}

impl Group {
    pub fn parse(text: &str) -> Result<Self, GroupError> {
        if text.chars().any(char::is_control) {
            return Err(GroupError::Control);
        }
        let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if tidy.is_empty() {
            return Err(GroupError::Empty);
        }
        if tidy.chars().count() > GROUP_MAX_CHARS {
            return Err(GroupError::TooLong);
        }
        Ok(Self(tidy))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Group {
    type Error = GroupError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Group> for String {
    fn from(g: Group) -> String {
        g.0
    }
}

/// What an inviter may say about one person besides their address and name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InviteOptions {
    /// `None`: mailed at once.
    pub schedule: Option<Schedule>,
    pub group: Option<Group>,
    /// The language of this person's mail; `None`: the contract's.
    pub language: Option<crate::mail::Language>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::tests::voucher;
    use chrono::{Duration, TimeZone};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_future_contract_sends_at_its_start_by_default() {
        let mut c = voucher(&["a1"]);
        c.starts_at = at(10);
        c.ends_at = at(30);
        assert_eq!(SendAt::default_for(&c, at(1)), SendAt::ContractStart);
        assert_eq!(SendAt::default_for(&c, at(11)), SendAt::Now);
        assert_eq!(
            SendAt::ContractStart.resolve(&c, at(1)),
            Ok(Some(Schedule::ContractStart))
        );
        // Started already: at once.
        assert_eq!(SendAt::ContractStart.resolve(&c, at(11)), Ok(None));
        assert_eq!(
            SendAt::ContractStart.resolve(&c, at(30)),
            Err(ScheduleRefused::ContractEnded)
        );
    }

    #[test]
    fn a_chosen_time_is_kept_when_in_the_future_and_before_the_end() {
        let mut c = voucher(&["a1"]);
        c.starts_at = at(1);
        c.ends_at = at(30);
        assert_eq!(
            SendAt::At(at(5)).resolve(&c, at(2)),
            Ok(Some(Schedule::At(at(5))))
        );
        assert_eq!(SendAt::At(at(1)).resolve(&c, at(2)), Ok(None));
        assert!(matches!(
            SendAt::At(at(30)).resolve(&c, at(2)),
            Err(ScheduleRefused::AfterEnd(..))
        ));
    }

    #[test]
    fn release_reads_the_contract_as_it_is_then() {
        let mut c = voucher(&["a1"]);
        c.starts_at = at(10);
        c.ends_at = at(30);
        let s = Schedule::ContractStart;
        assert_eq!(release(&s, Some(&c), at(10)), Release::Send);
        // The start moved later.
        c.starts_at = at(12);
        assert_eq!(release(&s, Some(&c), at(10)), Release::Later(at(12)));
        // A chosen time does not follow the start.
        assert_eq!(
            release(&Schedule::At(at(10)), Some(&c), at(10)),
            Release::Send
        );
        c.ends_at = at(10) - Duration::hours(1);
        assert!(matches!(release(&s, Some(&c), at(10)), Release::Cancel(_)));
        assert!(matches!(release(&s, None, at(10)), Release::Cancel(_)));
    }

    #[test]
    fn schedules_round_trip_as_stored() {
        for s in [Schedule::ContractStart, Schedule::At(at(3))] {
            assert_eq!(Schedule::from_stored(&s.to_stored()), Some(s));
        }
        assert_eq!(Schedule::from_stored("soon"), None);
    }

    #[test]
    fn groups_are_tidied_and_checked() {
        assert_eq!(
            Group::parse("  Spring   2027 ").unwrap().as_str(),
            "Spring 2027"
        );
        assert_eq!(Group::parse("   "), Err(GroupError::Empty));
        assert_eq!(Group::parse(&"x".repeat(61)), Err(GroupError::TooLong));
        assert_eq!(Group::parse("a\nb"), Err(GroupError::Control));
    }
}
