//! When the next attempt happens: the Standard Webhooks schedule (immediately, 5 s, 5 min,
//! 30 min, 2 h, 5 h, 10 h, 10 h), each wait moved by up to ±10% so that a receiver coming back
//! after an outage is not hit by every queued message in the same second.

use chrono::{DateTime, Utc};
use rand::Rng;
use std::time::Duration;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;

/// The wait before each attempt, the first one included (no wait): eight attempts in all,
/// about 28 hours from the first to the last.
pub const SCHEDULE: [Duration; 8] = [
    Duration::ZERO,
    Duration::from_secs(5),
    Duration::from_secs(5 * MINUTE),
    Duration::from_secs(30 * MINUTE),
    Duration::from_secs(2 * HOUR),
    Duration::from_secs(5 * HOUR),
    Duration::from_secs(10 * HOUR),
    Duration::from_secs(10 * HOUR),
];

/// The most a wait moves either way, as a fraction of it.
pub const JITTER: f64 = 0.1;

/// The longest `Retry-After` we honour: a receiver asking for a week gets a day, and the
/// schedule goes on from there.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * HOUR);

/// An endpoint that has failed every delivery for this long is disabled by the caller (and its
/// owner told), as the convention suggests.
pub const FAILING_DISABLE_AFTER: Duration = Duration::from_secs(5 * 24 * HOUR);

/// A jitter value for [`next_attempt_at`], uniform in [-1, 1].
pub fn random_jitter() -> f64 {
    rand::thread_rng().gen_range(-1.0..=1.0)
}

/// When to make the next attempt after `attempts_made` attempts (0: the first, now), or `None`
/// when all eight have been made. `jitter` in [-1, 1] (see [`random_jitter`]) moves the wait by
/// up to ±10%; the result is never before `now + retry_after` (capped at
/// [`MAX_RETRY_AFTER`]) when the receiver asked us to wait.
pub fn next_attempt_at(
    attempts_made: usize,
    now: DateTime<Utc>,
    retry_after: Option<Duration>,
    jitter: f64,
) -> Option<DateTime<Utc>> {
    let wait = SCHEDULE.get(attempts_made)?;
    let jitter = if jitter.is_finite() {
        jitter.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let mut wait = wait.mul_f64(1.0 + JITTER * jitter);
    if let Some(asked) = retry_after {
        wait = wait.max(asked.min(MAX_RETRY_AFTER));
    }
    let wait = chrono::Duration::from_std(wait).expect("at most a day");
    Some(now + wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> f64 {
        (at.unwrap() - now).num_milliseconds() as f64 / 1000.0
    }

    #[test]
    fn the_schedule_then_nothing() {
        let now = Utc::now();
        let waits: Vec<f64> = (0..8)
            .map(|n| secs(next_attempt_at(n, now, None, 0.0), now))
            .collect();
        assert_eq!(
            waits,
            [0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0]
        );
        assert_eq!(next_attempt_at(8, now, None, 0.0), None);
        assert_eq!(
            next_attempt_at(8, now, Some(Duration::from_secs(1)), 0.0),
            None
        );
    }

    #[test]
    fn jitter_moves_a_wait_by_at_most_a_tenth() {
        let now = Utc::now();
        assert_eq!(secs(next_attempt_at(2, now, None, 1.0), now), 330.0);
        assert_eq!(secs(next_attempt_at(2, now, None, -1.0), now), 270.0);
        assert_eq!(secs(next_attempt_at(2, now, None, 7.0), now), 330.0);
        assert_eq!(secs(next_attempt_at(2, now, None, f64::NAN), now), 300.0);
        for _ in 0..1000 {
            let wait = secs(next_attempt_at(3, now, None, random_jitter()), now);
            assert!((1620.0..=1980.0).contains(&wait), "{wait}");
        }
    }

    #[test]
    fn retry_after_is_a_floor_capped_at_a_day() {
        let now = Utc::now();
        let asked = Some(Duration::from_secs(120));
        assert_eq!(secs(next_attempt_at(1, now, asked, -1.0), now), 120.0);
        assert_eq!(secs(next_attempt_at(3, now, asked, 0.0), now), 1800.0);
        let week = Some(Duration::from_secs(7 * 24 * HOUR));
        assert_eq!(secs(next_attempt_at(1, now, week, 0.0), now), 86400.0);
    }
}
