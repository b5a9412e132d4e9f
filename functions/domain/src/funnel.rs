//! A contract's funnel: how invitations turn into enrolments. Every figure comes from counters
//! kept on the contract item by the transactions that change the states, so reading it is one
//! GetItem, never a scan.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Buckets of the time from invitation to enrolment: hours up to two days, then days up to
/// ninety, then one bucket for everything longer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EnrolAfter {
    Hours(u32),
    Days(u32),
    Longer,
}

impl EnrolAfter {
    pub fn of(waited: Duration) -> Self {
        let hours = waited.num_hours().max(0);
        if hours < 48 {
            Self::Hours(hours as u32)
        } else if waited.num_days() < 90 {
            Self::Days(waited.num_days() as u32)
        } else {
            Self::Longer
        }
    }

    /// The bucket's key in an attribute name: `h5`, `d12`, `long`.
    pub fn key(self) -> String {
        match self {
            Self::Hours(h) => format!("h{h}"),
            Self::Days(d) => format!("d{d}"),
            Self::Longer => "long".to_owned(),
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        if key == "long" {
            return Some(Self::Longer);
        }
        let (kind, number) = key.split_at_checked(1)?;
        let number: u32 = number.parse().ok()?;
        match kind {
            "h" if number < 48 => Some(Self::Hours(number)),
            "d" if (2..90).contains(&number) => Some(Self::Days(number)),
            _ => None,
        }
    }

    /// The middle of the bucket, in seconds (the longest bucket counts as 90 days).
    pub fn middle_seconds(self) -> u64 {
        match self {
            Self::Hours(h) => u64::from(h) * 3600 + 1800,
            Self::Days(d) => u64::from(d) * 86_400 + 43_200,
            Self::Longer => 90 * 86_400,
        }
    }
}

/// Seats in use and enrolments at the end of one day (the last change of that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatsOnDay {
    pub day: NaiveDate,
    pub seats_used: u64,
    pub enrolled: u64,
}

/// A contract's funnel counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    /// People invited: the contract's invitations, whatever their status now (pending, enrolled
    /// or revoked; a re-invite is the same invitation again and does not count twice).
    pub invited: u64,
    /// Invitations with at least one mail the mail service delivered (a re-invite keeps it).
    pub delivered: u64,
    /// Invitations with at least one mail that bounced.
    pub bounced: u64,
    /// Invitations whose link ran out unused (counted once, when the reminder run sees it).
    pub expired: u64,
    /// Invitations made through a join link: a joiner's own place, one promoted from the
    /// waiting list, or one an admin approved (issue 30).
    pub joined: u64,
    /// Enrolments by time from invitation to enrolment.
    pub enrol_after: Vec<(EnrolAfter, u64)>,
    /// One entry per day on which something changed, oldest first.
    pub seats: Vec<SeatsOnDay>,
}

impl Funnel {
    /// The median time from invitation to enrolment (the middle of the median's bucket: within
    /// half an hour for the first two days, half a day after), or `None` before any enrolment.
    pub fn median_enrol_seconds(&self) -> Option<u64> {
        let mut buckets = self.enrol_after.clone();
        buckets.sort();
        let total: u64 = buckets.iter().map(|(_, n)| n).sum();
        if total == 0 {
            return None;
        }
        // The lower median: the ((total + 1) / 2)-th enrolment.
        let wanted = total.div_ceil(2);
        let mut seen = 0;
        for (bucket, count) in buckets {
            seen += count;
            if seen >= wanted {
                return Some(bucket.middle_seconds());
            }
        }
        None
    }

    pub fn enrolments_timed(&self) -> u64 {
        self.enrol_after.iter().map(|(_, n)| n).sum()
    }
}

/// The time-to-enrol buckets of enrolments the buckets do not hold yet (the one-time backfill,
/// issue 28): the buckets started with the funnel's version and every enrolment since counted
/// itself in the same transaction as the contract's `enrolled` counter, so the `missing` ones
/// (`enrolled` less the enrolments the buckets hold) are the earliest enrolments.
/// `enrolments`: (invited at, enrolled at) of each enrolled invitation of the contract.
pub fn earliest_enrolments(
    missing: u64,
    mut enrolments: Vec<(DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<(EnrolAfter, u64)> {
    enrolments.sort_by_key(|(invited, enrolled)| (*enrolled, *invited));
    let mut buckets = std::collections::BTreeMap::new();
    for (invited, enrolled) in enrolments
        .into_iter()
        .take(usize::try_from(missing).unwrap_or(usize::MAX))
    {
        *buckets
            .entry(EnrolAfter::of(enrolled - invited))
            .or_insert(0) += 1;
    }
    buckets.into_iter().collect()
}

/// The day key of a seats snapshot: `20260316`.
pub fn day_key(at: DateTime<Utc>) -> String {
    at.format("%Y%m%d").to_string()
}

pub fn parse_day_key(key: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(key, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets() {
        assert_eq!(EnrolAfter::of(Duration::minutes(59)), EnrolAfter::Hours(0));
        assert_eq!(EnrolAfter::of(Duration::hours(47)), EnrolAfter::Hours(47));
        assert_eq!(EnrolAfter::of(Duration::hours(48)), EnrolAfter::Days(2));
        assert_eq!(EnrolAfter::of(Duration::days(89)), EnrolAfter::Days(89));
        assert_eq!(EnrolAfter::of(Duration::days(400)), EnrolAfter::Longer);
        for b in [
            EnrolAfter::Hours(0),
            EnrolAfter::Hours(47),
            EnrolAfter::Days(2),
            EnrolAfter::Days(89),
            EnrolAfter::Longer,
        ] {
            assert_eq!(EnrolAfter::parse(&b.key()), Some(b));
        }
        assert_eq!(EnrolAfter::parse("h48"), None);
        assert_eq!(EnrolAfter::parse("x1"), None);
    }

    #[test]
    fn the_median_is_the_middle_enrolments_bucket() {
        let mut funnel = Funnel::default();
        assert_eq!(funnel.median_enrol_seconds(), None);
        funnel.enrol_after = vec![
            (EnrolAfter::Days(5), 1),
            (EnrolAfter::Hours(2), 2),
            (EnrolAfter::Hours(30), 1),
        ];
        // Sorted: h2, h2, h30, d5 -> the 2nd is in h2.
        assert_eq!(funnel.median_enrol_seconds(), Some(2 * 3600 + 1800));
        funnel.enrol_after.push((EnrolAfter::Longer, 3));
        // h2, h2, h30, d5, long x3 -> the 4th is d5.
        assert_eq!(funnel.median_enrol_seconds(), Some(5 * 86_400 + 43_200));
        assert_eq!(funnel.enrolments_timed(), 7);
    }

    #[test]
    fn the_backfill_buckets_the_earliest_enrolments_only() {
        let day = |d: i64| DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000 + d);
        let enrolments = vec![
            // Enrolled last: counted by its own enrolment already.
            (day(9), day(9) + Duration::hours(1)),
            (day(0), day(0) + Duration::hours(3)),
            (day(1), day(6)),
            (day(2), day(2) + Duration::hours(3)),
        ];
        assert_eq!(
            earliest_enrolments(3, enrolments.clone()),
            [(EnrolAfter::Hours(3), 2), (EnrolAfter::Days(5), 1)]
        );
        assert_eq!(earliest_enrolments(0, enrolments.clone()), []);
        // More missing than found (counters off): every enrolment found, no more.
        assert_eq!(
            earliest_enrolments(9, enrolments)
                .iter()
                .map(|(_, n)| n)
                .sum::<u64>(),
            4
        );
    }
}
