//! Automatic reminders: a contract's plan, and when an invitation's next reminder is due.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A contract's reminder plan. On by default: a reminder 3 days after the last mail if the
/// person has not enrolled, and one 2 days before the link stops working; at most 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPlan {
    pub enabled: bool,
    /// Days after the last mail (invitation or reminder); `None`: no such reminder.
    pub days_after_send: Option<u32>,
    /// Days before the link expires; `None`: no such reminder.
    pub days_before_expiry: Option<u32>,
    /// Reminders per invitation at most.
    pub at_most: u32,
}

impl Default for ReminderPlan {
    fn default() -> Self {
        Self {
            enabled: true,
            days_after_send: Some(3),
            days_before_expiry: Some(2),
            at_most: 2,
        }
    }
}

/// Longest wait a plan may name, in days (a contract's links last at most this long anyway).
pub const MAX_REMINDER_DAYS: u32 = 90;
/// Most reminders per invitation a plan may ask for.
pub const MAX_REMINDERS: u32 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("The {0} must be between 1 and {MAX_REMINDER_DAYS} days.")]
    Days(&'static str),
    #[error("At most between 1 and {MAX_REMINDERS} reminders per invitation.")]
    AtMost,
    #[error("Choose when reminders go: days after the last mail, days before the link expires, or both.")]
    NoneChosen,
}

impl ReminderPlan {
    /// The plan as an admin asked for it, checked.
    pub fn parse(
        enabled: bool,
        days_after_send: Option<u32>,
        days_before_expiry: Option<u32>,
        at_most: u32,
    ) -> Result<Self, PlanError> {
        let days = |d: Option<u32>, what| match d {
            Some(d) if !(1..=MAX_REMINDER_DAYS).contains(&d) => Err(PlanError::Days(what)),
            other => Ok(other),
        };
        let plan = Self {
            enabled,
            days_after_send: days(days_after_send, "wait after the last mail")?,
            days_before_expiry: days(days_before_expiry, "time before the link expires")?,
            at_most,
        };
        if !(1..=MAX_REMINDERS).contains(&at_most) {
            return Err(PlanError::AtMost);
        }
        if enabled && plan.days_after_send.is_none() && plan.days_before_expiry.is_none() {
            return Err(PlanError::NoneChosen);
        }
        Ok(plan)
    }

    /// When the next reminder is due for a pending invitation last mailed at `last_sent_at`,
    /// whose link expires at `expires_at`, which has had `reminders_sent` reminders; `None`
    /// when no more are due (plan off, all sent, or none falls before the link expires).
    pub fn next_due(
        &self,
        last_sent_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        reminders_sent: u32,
    ) -> Option<DateTime<Utc>> {
        if !self.enabled || reminders_sent >= self.at_most {
            return None;
        }
        let after = self
            .days_after_send
            .map(|d| last_sent_at + Duration::days(i64::from(d)));
        // Before expiry: only if no mail went out in that window already.
        let before = self
            .days_before_expiry
            .map(|d| expires_at - Duration::days(i64::from(d)))
            .filter(|at| *at > last_sent_at);
        [after, before]
            .into_iter()
            .flatten()
            .filter(|at| *at < expires_at)
            .min()
    }
}

/// The longest an invitation with no reminder due sleeps before the run looks again: a plan
/// turned on (or given more reminders) reaches it within a day, not only at its expiry.
pub const RECHECK_AT_MOST: Duration = Duration::days(1);

/// What the reminder run does with one invitation it was woken for, at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Queue reminder number `n` (1-based).
    Remind(u32),
    /// Nothing due yet: wake again then.
    Later(DateTime<Utc>),
    /// The link has run out unused: count it as expired (once).
    Expired,
    /// Nothing more to do for this invitation.
    Done,
}

/// The one rule of the reminder run for a pending invitation: remind when due, else sleep until
/// the next reminder or the link's expiry (which the funnel counts), whichever comes first;
/// with no reminder due, at most [`RECHECK_AT_MOST`] (the plan may change meanwhile).
pub fn wake(
    plan: &ReminderPlan,
    now: DateTime<Utc>,
    last_sent_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    reminders_sent: u32,
    expiry_counted: bool,
) -> Wake {
    if now >= expires_at {
        return if expiry_counted {
            Wake::Done
        } else {
            Wake::Expired
        };
    }
    // Never mailed (or a send in flight): no reminder yet; the record of the send sets the
    // next wake-up. Until then the expiry is the wake-up.
    let next = last_sent_at.and_then(|sent| plan.next_due(sent, expires_at, reminders_sent));
    match next {
        Some(at) if at <= now => Wake::Remind(reminders_sent + 1),
        Some(at) => Wake::Later(at),
        None => Wake::Later(expires_at.min(now + RECHECK_AT_MOST)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn the_default_plan_reminds_after_three_days_then_two_days_before_expiry() {
        let plan = ReminderPlan::default();
        let sent = t(1, 9);
        let expires = t(15, 9);
        assert_eq!(plan.next_due(sent, expires, 0), Some(t(4, 9)));
        // After the first reminder on the 4th: the 7th (3 days after it) comes first.
        assert_eq!(plan.next_due(t(4, 9), expires, 1), Some(t(7, 9)));
        // At most 2.
        assert_eq!(plan.next_due(t(7, 9), expires, 2), None);
    }

    #[test]
    fn before_expiry_wins_when_it_comes_first_and_only_once() {
        let plan = ReminderPlan {
            days_after_send: Some(10),
            ..ReminderPlan::default()
        };
        assert_eq!(plan.next_due(t(1, 9), t(5, 9), 0), Some(t(3, 9)));
        // A mail inside the window already: no before-expiry reminder, and after-send
        // falls past the expiry.
        assert_eq!(plan.next_due(t(3, 9), t(5, 9), 1), None);
    }

    #[test]
    fn an_off_plan_reminds_nobody() {
        let plan = ReminderPlan {
            enabled: false,
            ..ReminderPlan::default()
        };
        assert_eq!(plan.next_due(t(1, 9), t(15, 9), 0), None);
        // Looked at again within a day, in case the plan is turned on.
        assert_eq!(
            wake(&plan, t(2, 9), Some(t(1, 9)), t(15, 9), 0, false),
            Wake::Later(t(3, 9))
        );
    }

    #[test]
    fn waking_up() {
        let plan = ReminderPlan::default();
        let expires = t(15, 9);
        assert_eq!(
            wake(&plan, t(4, 9), Some(t(1, 9)), expires, 0, false),
            Wake::Remind(1)
        );
        assert_eq!(
            wake(&plan, t(3, 9), Some(t(1, 9)), expires, 0, false),
            Wake::Later(t(4, 9))
        );
        assert_eq!(
            wake(&plan, t(3, 9), None, expires, 0, false),
            Wake::Later(t(4, 9))
        );
        assert_eq!(
            wake(&plan, expires, Some(t(1, 9)), expires, 0, false),
            Wake::Expired
        );
        assert_eq!(
            wake(&plan, expires, Some(t(1, 9)), expires, 0, true),
            Wake::Done
        );
        // All reminders sent: the expiry, or a day on if that is sooner.
        assert_eq!(
            wake(&plan, t(14, 9), Some(t(13, 9)), expires, 2, false),
            Wake::Later(expires)
        );
        assert_eq!(
            wake(&plan, t(10, 9), Some(t(9, 9)), expires, 2, false),
            Wake::Later(t(11, 9))
        );
    }

    #[test]
    fn plans_are_checked() {
        assert_eq!(
            ReminderPlan::parse(true, Some(0), None, 1),
            Err(PlanError::Days("wait after the last mail"))
        );
        assert_eq!(
            ReminderPlan::parse(true, None, None, 1),
            Err(PlanError::NoneChosen)
        );
        assert_eq!(
            ReminderPlan::parse(true, Some(3), None, 9),
            Err(PlanError::AtMost)
        );
        assert!(ReminderPlan::parse(false, None, None, 1).is_ok());
    }
}
