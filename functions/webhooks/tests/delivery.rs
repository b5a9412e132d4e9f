//! Attempts against a scripted receiver on loopback: retries keep the message's id and body and
//! follow the schedule, 410 disables, `Retry-After` is honoured, redirects are not followed,
//! a slow receiver times out.

mod common;

use common::{Receiver, Reply};
use std::time::Duration;
use webhooks::{headers, new_secret, next_attempt_at, random_jitter, Verdict, SCHEDULE};

const BODY: &[u8] = br#"{"id":"evt_1","type":"enrolment.created","data":{}}"#;

fn signed(timestamp: i64) -> http::HeaderMap {
    headers(&[new_secret()], "evt_1", timestamp, BODY).unwrap()
}

#[tokio::test]
async fn fails_three_times_then_delivered_once_more_with_the_same_id_and_body() {
    let receiver = Receiver::start(vec![
        Reply::status(500),
        Reply::status(503),
        Reply::status(404),
        Reply::status(200).body("thanks"),
    ])
    .await;
    let target = receiver.target().await;
    let secret = [new_secret()];
    let start = chrono::Utc::now();
    let mut now = start;
    let mut made = 0;
    let mut verdicts = Vec::new();
    while let Some(at) = next_attempt_at(made, now, None, random_jitter()) {
        // The schedule's time between attempts (±10%), on a simulated clock.
        let wait = (at - now).to_std().unwrap();
        let expected = SCHEDULE[made];
        assert!(
            wait >= expected.mul_f64(0.9) && wait <= expected.mul_f64(1.1),
            "attempt {made}: waited {wait:?}, expected about {expected:?}"
        );
        now = at;
        let headers = headers(&secret, "evt_1", now.timestamp(), BODY).unwrap();
        let attempt = common::sender().deliver(&target, &headers, BODY).await;
        made += 1;
        verdicts.push(attempt.verdict());
        if attempt.verdict() == Verdict::Delivered {
            assert_eq!(attempt.response_start, "thanks");
            break;
        }
        assert!(attempt.error.is_none(), "{attempt:?}");
    }
    use Verdict::*;
    assert_eq!(verdicts, [Retry, Retry, Retry, Delivered]);
    let got = receiver.received();
    assert_eq!(got.len(), 4);
    for request in &got {
        assert_eq!(request.headers["webhook-id"], "evt_1");
        assert_eq!(request.body, BODY);
    }
    let stamps: Vec<i64> = got
        .iter()
        .map(|r| {
            r.headers["webhook-timestamp"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "{stamps:?}");
    let elapsed = stamps[3] - start.timestamp();
    assert!(
        (1900..=2300).contains(&elapsed),
        "0 + 5 s + 5 min + 30 min: {elapsed} s"
    );
}

#[tokio::test]
async fn a_410_is_gone() {
    let receiver = Receiver::start(vec![Reply::status(410)]).await;
    let attempt = common::sender()
        .deliver(&receiver.target().await, &signed(1), BODY)
        .await;
    assert_eq!(attempt.status, Some(410));
    assert_eq!(attempt.verdict(), Verdict::Gone);
    assert_eq!(attempt.response_start, "answer 410");
}

#[tokio::test]
async fn a_429_with_retry_after_waits_at_least_that_long() {
    let receiver = Receiver::start(vec![Reply::status(429).header("retry-after", "120")]).await;
    let attempt = common::sender()
        .deliver(&receiver.target().await, &signed(1), BODY)
        .await;
    assert_eq!(attempt.verdict(), Verdict::Retry);
    assert_eq!(attempt.retry_after, Some(Duration::from_secs(120)));
    let now = chrono::Utc::now();
    for jitter in [-1.0, 0.0, 1.0] {
        // After the first attempt the schedule says 5 s; the receiver asked for 120.
        let at = next_attempt_at(1, now, attempt.retry_after, jitter).unwrap();
        assert!(at >= now + chrono::Duration::seconds(120), "{at} vs {now}");
    }
}

#[tokio::test]
async fn a_redirect_is_a_failure_and_is_not_followed() {
    let elsewhere = Receiver::start(vec![Reply::status(200)]).await;
    let receiver =
        Receiver::start(vec![Reply::status(302).header("location", elsewhere.url())]).await;
    let attempt = common::sender()
        .deliver(&receiver.target().await, &signed(1), BODY)
        .await;
    assert_eq!(attempt.status, Some(302));
    assert_eq!(attempt.verdict(), Verdict::Retry);
    assert!(attempt
        .error
        .unwrap()
        .contains("redirects are not followed"));
    assert_eq!(receiver.received().len(), 1);
    assert!(elsewhere.received().is_empty(), "the redirect was followed");
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_is_an_attempt_with_an_error() {
    let receiver = Receiver::start(vec![Reply::status(200).after(Duration::from_secs(5))]).await;
    let timeout = Duration::from_secs(1);
    let attempt = common::sender()
        .within(timeout)
        .deliver(&receiver.target().await, &signed(1), BODY)
        .await;
    assert_eq!(attempt.status, None);
    assert_eq!(attempt.verdict(), Verdict::Retry);
    assert!((1000..3000).contains(&attempt.duration_ms), "{attempt:?}");
    assert_eq!(attempt.error.as_deref(), Some("No answer within 1 s."));
}

#[tokio::test]
async fn a_refused_connection_is_an_attempt_with_an_error() {
    // A port that was free a moment ago: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let target = webhooks::check(&url, &common::LOCAL).await.unwrap();
    let attempt = common::sender().deliver(&target, &signed(1), BODY).await;
    assert_eq!(attempt.status, None);
    assert_eq!(attempt.verdict(), Verdict::Retry);
    let error = attempt.error.unwrap();
    assert!(error.starts_with("Could not connect"), "{error}");
}

#[tokio::test]
async fn only_the_start_of_a_long_answer_is_kept() {
    let long = "é".repeat(1000);
    let receiver = Receiver::start(vec![Reply::status(500).body(long)]).await;
    let attempt = common::sender()
        .deliver(&receiver.target().await, &signed(1), BODY)
        .await;
    assert_eq!(attempt.response_start.len(), 256, "128 two-byte characters");
    assert!(attempt.response_start.chars().all(|c| c == 'é'));
}

/// Issue 33: the system's roots are loaded by the first attempt, not when the sender is built
/// at the function's start, and kept for the next ones (clones share them).
#[tokio::test]
async fn the_system_roots_are_loaded_by_the_first_attempt() {
    let receiver = Receiver::start(vec![Reply::status(204)]).await;
    let sender = common::sender();
    let copy = sender.clone();
    assert!(!sender.roots_loaded(), "built, nothing loaded");
    let attempt = sender
        .deliver(&receiver.target().await, &signed(1), BODY)
        .await;
    assert_eq!(attempt.verdict(), Verdict::Delivered, "{attempt:?}");
    assert!(copy.roots_loaded());
}
