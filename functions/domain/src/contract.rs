//! Learning Contracts: what an invitation gives access to, and who may invite to it.

use super::ids::{ActivityId, ContractId, InvalidId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Invitation lifetime when a contract does not set one.
pub const DEFAULT_INVITATION_LIFETIME_DAYS: u32 = 14;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContractKind {
    /// The invited person gets every activity of the contract.
    Subscription,
    /// The inviter picks which of the contract's activities a batch of invitations covers.
    Voucher,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: ActivityId,
    pub name: String,
}

/// Where a contract stands on its validity window; the dashboard groups contracts by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Future,
    Active,
    Expired,
}

/// How many invitations of a contract are in each state. Kept on the contract item and changed
/// in the same transaction as the invitations, so it is never out of step with them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub pending: u64,
    pub enrolled: u64,
    pub revoked: u64,
}

impl StatusCounts {
    /// Pending and enrolled invitations hold a seat; a revoked one gives it back.
    pub fn seats_used(&self) -> u64 {
        self.pending + self.enrolled
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub id: ContractId,
    pub name: String,
    pub kind: ContractKind,
    pub activities: Vec<Activity>,
    pub admins: Vec<UserId>,
    pub seat_limit: Option<u64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub invitation_lifetime_days: u32,
    #[serde(default)]
    pub counts: StatusCounts,
    /// The contract's invitation mail: language, and its own text or the standard one.
    #[serde(default)]
    pub mail: crate::mail::ContractMail,
    #[serde(default)]
    pub reminders: crate::reminder::ReminderPlan,
    /// Its waiting list (issue 30), as the contract item keeps it for the function that
    /// promotes from it.
    #[serde(default)]
    pub waiting: WaitingMark,
}

/// Whether anyone may be on a contract's waiting list, and how many joined it so far. Set by
/// every join of the list; cleared only by a run that found the list empty with the count it
/// read, so a join at that moment keeps it set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingMark {
    pub anyone: bool,
    pub joins: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityChoiceError {
    #[error(
        "A subscription gives every activity, so activities cannot be chosen for it: choose none."
    )]
    NotAllowedForSubscription,
    #[error("Choose at least one of the voucher's activities.")]
    NoneChosen,
    #[error("The activity {0} is not part of this contract: choose among its own activities.")]
    NotInContract(ActivityId),
    #[error(
        "This voucher has no activities to invite to. Ask a system administrator to add them."
    )]
    VoucherWithoutActivities,
}

/// Why a contract takes no invitations as asked: the one rule book of the add route, the upload
/// route and the import function ([`Contract::accept_invitations`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationsRefused {
    #[error("This learning contract has expired; no more invitations can be sent for it.")]
    Expired,
    #[error("{0}")]
    BadActivityId(InvalidId),
    #[error("{0}")]
    Activities(#[from] ActivityChoiceError),
}

impl Contract {
    /// Whether a new mail for an existing invitation (resend, a corrected address) may go out
    /// at `now`: not once the contract has expired, as its link would lead nowhere.
    pub fn accept_sends(&self, now: DateTime<Utc>) -> Result<(), InvitationsRefused> {
        if self.phase(now) == Phase::Expired {
            Err(InvitationsRefused::Expired)
        } else {
            Ok(())
        }
    }

    /// The activities new invitations made at `now` cover, from the ids the inviter chose (as
    /// typed, or from an S3 object's metadata); refused for an expired contract or a choice
    /// that does not suit it.
    pub fn accept_invitations<S: AsRef<str>>(
        &self,
        now: DateTime<Utc>,
        chosen: &[S],
    ) -> Result<Vec<ActivityId>, InvitationsRefused> {
        if self.phase(now) == Phase::Expired {
            return Err(InvitationsRefused::Expired);
        }
        let chosen = chosen
            .iter()
            .map(|a| ActivityId::parse(a.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(InvitationsRefused::BadActivityId)?;
        Ok(self.resolve_activities(&chosen)?)
    }

    /// The same check for activities resolved earlier (an announced upload stores what the
    /// upload route resolved; the import checks it again when the file comes): a
    /// subscription's full list is what resolving gave, not a choice, so it passes.
    pub fn accept_resolved(
        &self,
        now: DateTime<Utc>,
        resolved: &[ActivityId],
    ) -> Result<Vec<ActivityId>, InvitationsRefused> {
        let all: Vec<ActivityId> = self.activities.iter().map(|a| a.id.clone()).collect();
        if self.kind == ContractKind::Subscription && resolved == all.as_slice() {
            return self.accept_invitations::<&str>(now, &[]);
        }
        self.accept_invitations(now, resolved)
    }

    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        if now < self.starts_at {
            Phase::Future
        } else if now >= self.ends_at {
            Phase::Expired
        } else {
            Phase::Active
        }
    }

    pub fn is_admin(&self, user: &UserId) -> bool {
        self.admins.contains(user)
    }

    pub fn invitation_lifetime(&self) -> Duration {
        Duration::days(i64::from(self.invitation_lifetime_days))
    }

    /// When an invitation sent at `now` stops being usable: its lifetime, but never past the
    /// end of the contract itself.
    pub fn invitation_expiry(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        (now + self.invitation_lifetime()).min(self.ends_at)
    }

    /// Seats still free, if the contract has a limit.
    pub fn seats_left(&self) -> Option<u64> {
        self.seat_limit
            .map(|limit| limit.saturating_sub(self.counts.seats_used()))
    }

    /// Whether this contract needs the inviter to pick activities ("Step 2 of 2").
    pub fn needs_activity_choice(&self) -> bool {
        self.kind == ContractKind::Voucher && self.activities.len() > 1
    }

    /// The activities a batch of invitations covers, from what the inviter chose.
    ///
    /// - Subscription: every activity; choosing is refused.
    /// - Voucher with one activity: that one (choosing it explicitly is fine too).
    /// - Voucher with several: a non-empty subset of the contract's own activities, in the
    ///   contract's order, duplicates dropped.
    pub fn resolve_activities(
        &self,
        chosen: &[ActivityId],
    ) -> Result<Vec<ActivityId>, ActivityChoiceError> {
        let all = || self.activities.iter().map(|a| a.id.clone()).collect();
        match self.kind {
            ContractKind::Subscription if chosen.is_empty() => Ok(all()),
            ContractKind::Subscription => Err(ActivityChoiceError::NotAllowedForSubscription),
            ContractKind::Voucher => {
                if let Some(unknown) = chosen
                    .iter()
                    .find(|c| !self.activities.iter().any(|a| &a.id == *c))
                {
                    return Err(ActivityChoiceError::NotInContract(unknown.clone()));
                }
                match self.activities.len() {
                    0 => Err(ActivityChoiceError::VoucherWithoutActivities),
                    1 => Ok(all()),
                    _ if chosen.is_empty() => Err(ActivityChoiceError::NoneChosen),
                    _ => Ok(self
                        .activities
                        .iter()
                        .filter(|a| chosen.contains(&a.id))
                        .map(|a| a.id.clone())
                        .collect()),
                }
            }
        }
    }

    pub fn activity_names(&self, ids: &[ActivityId]) -> Vec<String> {
        ids.iter()
            .map(|id| {
                self.activities
                    .iter()
                    .find(|a| &a.id == id)
                    .map_or_else(|| id.to_string(), |a| a.name.clone())
            })
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub fn voucher(activities: &[&str]) -> Contract {
        Contract {
            id: ContractId::parse("c1").unwrap(),
            name: "Leadership 2026".into(),
            kind: ContractKind::Voucher,
            activities: activities
                .iter()
                .map(|a| Activity {
                    id: ActivityId::parse(a).unwrap(),
                    name: format!("Course {a}"),
                })
                .collect(),
            admins: vec![UserId::parse("admin-a").unwrap()],
            seat_limit: None,
            starts_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
            invitation_lifetime_days: DEFAULT_INVITATION_LIFETIME_DAYS,
            counts: StatusCounts::default(),
            mail: Default::default(),
            reminders: Default::default(),
            waiting: Default::default(),
        }
    }

    fn ids(list: &[&str]) -> Vec<ActivityId> {
        list.iter().map(|a| ActivityId::parse(a).unwrap()).collect()
    }

    #[test]
    fn a_subscription_covers_everything_and_takes_no_choice() {
        let mut c = voucher(&["a1", "a2"]);
        c.kind = ContractKind::Subscription;
        assert_eq!(c.resolve_activities(&[]).unwrap(), ids(&["a1", "a2"]));
        assert_eq!(
            c.resolve_activities(&ids(&["a1"])).unwrap_err(),
            ActivityChoiceError::NotAllowedForSubscription
        );
        assert!(!c.needs_activity_choice());
    }

    /// An announced upload stores the resolved activities and the import checks them again:
    /// that must give the same answer for every kind of contract.
    #[test]
    fn checking_what_was_resolved_gives_the_same_activities() {
        let now = voucher(&["a1"]).starts_at;
        let mut subscription = voucher(&["a1", "a2"]);
        subscription.kind = ContractKind::Subscription;
        for (c, chosen) in [
            (subscription, vec![]),
            (voucher(&["a1"]), vec![]),
            (voucher(&["a1", "a2", "a3"]), ids(&["a3", "a1"])),
        ] {
            let once = c.resolve_activities(&chosen).unwrap();
            assert_eq!(c.accept_resolved(now, &once).unwrap(), once, "{:?}", c.kind);
        }
    }

    #[test]
    fn a_voucher_with_one_activity_implies_it() {
        let c = voucher(&["a1"]);
        assert_eq!(c.resolve_activities(&[]).unwrap(), ids(&["a1"]));
        assert_eq!(c.resolve_activities(&ids(&["a1"])).unwrap(), ids(&["a1"]));
        assert!(!c.needs_activity_choice());
    }

    #[test]
    fn a_voucher_with_several_needs_a_non_empty_subset_of_its_own() {
        let c = voucher(&["a1", "a2", "a3"]);
        assert!(c.needs_activity_choice());
        assert_eq!(
            c.resolve_activities(&[]).unwrap_err(),
            ActivityChoiceError::NoneChosen
        );
        assert_eq!(
            c.resolve_activities(&ids(&["a3", "a1", "a3"])).unwrap(),
            ids(&["a1", "a3"])
        );
        assert_eq!(
            c.resolve_activities(&ids(&["a1", "zz"])).unwrap_err(),
            ActivityChoiceError::NotInContract(ActivityId::parse("zz").unwrap())
        );
    }

    #[test]
    fn phases_follow_the_validity_window() {
        let c = voucher(&["a1"]);
        assert_eq!(
            c.phase(Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap()),
            Phase::Future
        );
        assert_eq!(
            c.phase(Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()),
            Phase::Active
        );
        assert_eq!(c.phase(c.ends_at), Phase::Expired);
    }

    #[test]
    fn invitations_never_outlive_the_contract() {
        let c = voucher(&["a1"]);
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(c.invitation_expiry(now), now + Duration::days(14));
        let late = Utc.with_ymd_and_hms(2026, 12, 25, 0, 0, 0).unwrap();
        assert_eq!(c.invitation_expiry(late), c.ends_at);
    }

    #[test]
    fn seats_left_counts_pending_and_enrolled() {
        let mut c = voucher(&["a1"]);
        assert_eq!(c.seats_left(), None);
        c.seat_limit = Some(10);
        c.counts = StatusCounts {
            pending: 3,
            enrolled: 4,
            revoked: 9,
        };
        assert_eq!(c.seats_left(), Some(3));
    }
}
