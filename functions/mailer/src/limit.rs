//! Keeps sends within the mail service's rate: one send slot every `1 / rate` seconds.
//!
//! Slots are handed out in order under a short lock and waited for outside it, so concurrent
//! callers queue fairly. Time is tokio's, so tests run it paused instead of waiting.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the send rate must be a positive number of mails per second, not {0}")]
pub struct InvalidRate(pub f64);

impl RateLimiter {
    /// At most `rate` acquisitions per second (fractions allowed: 0.5 is one every two seconds).
    pub fn per_second(rate: f64) -> Result<Self, InvalidRate> {
        if !rate.is_finite() || rate <= 0.0 {
            return Err(InvalidRate(rate));
        }
        Ok(Self {
            interval: Duration::from_secs_f64(1.0 / rate),
            next: Mutex::new(None),
        })
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Waits for the next free slot.
    pub async fn acquire(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn sends_are_spaced_by_the_interval() {
        let limiter = RateLimiter::per_second(10.0).unwrap();
        let start = Instant::now();
        limiter.acquire().await;
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the first send goes at once"
        );
        for _ in 0..4 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_limiter_does_not_save_up_a_burst() {
        let limiter = RateLimiter::per_second(2.0).unwrap();
        limiter.acquire().await;
        tokio::time::sleep(Duration::from_secs(10)).await;
        let start = Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_the_rate() {
        let limiter = Arc::new(RateLimiter::per_second(4.0).unwrap());
        let start = Instant::now();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move {
                    l.acquire().await;
                    Instant::now()
                })
            })
            .collect();
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap() - start);
        }
        times.sort();
        let expected: Vec<Duration> = (0..8).map(|i| Duration::from_millis(250 * i)).collect();
        assert_eq!(times, expected);
    }

    #[test]
    fn rates_must_be_positive_and_finite() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(RateLimiter::per_second(bad).is_err(), "{bad}");
        }
        assert_eq!(
            RateLimiter::per_second(0.5).unwrap().interval(),
            Duration::from_secs(2)
        );
    }
}
