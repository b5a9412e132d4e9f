//! Webhook backlog benchmark on the local emulators (a command, not a test):
//!
//!     cargo run --release -p webhooks --example webhooks_bench -- [EVENTS]
//!
//! Puts a backlog of EVENTS due messages (default 10,000; an endpoint that was down, say) for
//! one endpoint in a moto table, then runs the `webhooks` function's sweep, as its schedule
//! would, until every message reached a receiver on loopback (which answers 204 at once). It
//! prints events per second, the table requests per event by operation (counted on the wire)
//! and the peak memory of the draining, and first does the same for a tenth of the backlog,
//! in the same run, as the baseline: memory must not grow with the backlog. moto serialises
//! every request, so events/s measures moto more than this code; the requests per event and
//! the memory carry over to AWS.

use axum::http::StatusCode;
use axum::Router;
use chrono::{Duration, Utc};
use futures::stream::{self, StreamExt};
use invitations_core::domain::*;
use invitations_core::ports::{system_clock, WebhookStore};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use testkit::TestEnv;
use webhooks::run::{sweep, App, Ran};
use webhooks::{new_secret, Policy, SealingKey, Sender};

/// A receiver that answers 204 to everything and counts what it got.
async fn receiver() -> (String, Arc<AtomicU64>) {
    let got = Arc::new(AtomicU64::new(0));
    let counted = got.clone();
    let app = Router::new().fallback(move || {
        let counted = counted.clone();
        async move {
            counted.fetch_add(1, Ordering::Relaxed);
            StatusCode::NO_CONTENT
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), got)
}

/// An event body of the usual size (an enrolment: ids, address, actor).
fn body(i: usize) -> String {
    serde_json::json!({
        "id": format!("evt_{i:032x}"),
        "type": "enrolment.created",
        "timestamp": Utc::now().to_rfc3339(),
        "data": {
            "contract_id": "bench", "invitation_id": format!("{i:032x}"),
            "email": format!("person{i}@example.org"), "actor_id": format!("user-{i}"),
            "detail": null
        }
    })
    .to_string()
}

struct Figures {
    events: usize,
    seconds: f64,
    sweeps: usize,
    requests: BTreeMap<String, u64>,
    peak_mb: f64,
}

async fn run(events: usize) -> Figures {
    let env = TestEnv::new().await;
    let (store, counter) = env.counted_store();
    let (url, got) = receiver().await;
    let key = SealingKey::from_bytes(&[7; 32]).unwrap();
    let now = Utc::now();
    let endpoint = Endpoint {
        id: EndpointId::random(),
        scope: EndpointScope::AllContracts,
        url,
        description: "benchmark receiver".into(),
        event_types: Vec::new(),
        enabled: true,
        disabled_reason: None,
        secrets: vec![SealedSecret {
            sealed: key.seal(&new_secret()),
            created_at: now,
            expires_at: None,
        }],
        created_by: UserId::parse("bench").unwrap(),
        created_at: now,
        failing_since: None,
        owner_notice_queued: false,
        version: 1,
    };
    store.create_endpoint(&endpoint).await.unwrap();
    // The backlog: every message due (its first try came and failed, or the function was
    // down), each at its own millisecond.
    let start = now - Duration::hours(1);
    stream::iter(0..events)
        .for_each_concurrent(16, |i| {
            let (store, endpoint) = (&store, &endpoint);
            async move {
                let at = start + Duration::milliseconds(i as i64);
                let message = Message {
                    endpoint_id: endpoint.id.clone(),
                    event_id: format!("evt_{i:032x}"),
                    event_type: "enrolment.created".into(),
                    body: body(i),
                    created_at: at,
                    state: MessageState::Pending,
                    attempts: Vec::new(),
                    next_attempt_at: Some(at),
                    round_from: 0,
                };
                assert!(store.put_message(&message).await.unwrap());
            }
        })
        .await;
    let app = App {
        store: Arc::new(store),
        key: key.into(),
        policy: Policy {
            allow_loopback_http: true,
        },
        clock: system_clock(),
        sender: Sender::with_system_roots(),
    };
    counter.reset();
    testkit::memory::reset_peak();
    let started = Instant::now();
    let (mut total, mut sweeps) = (Ran::default(), 0);
    while total.delivered < events {
        let ran = sweep(&app).await.unwrap();
        sweeps += 1;
        assert!(ran.delivered > 0, "a sweep delivered nothing: {ran:?}");
        total.delivered += ran.delivered;
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(got.load(Ordering::Relaxed), events as u64, "each once");
    Figures {
        events,
        seconds,
        sweeps,
        requests: counter.counts(),
        peak_mb: testkit::memory::peak_mb(),
    }
}

fn print(f: &Figures) {
    let total: u64 = f.requests.values().sum();
    println!(
        "{:>7} events | {:>7.1} s | {:>6.0} events/s | {} sweeps | {:>4.2} table requests per event ({}) | peak {:>6.1} MB",
        f.events,
        f.seconds,
        f.events as f64 / f.seconds,
        f.sweeps,
        total as f64 / f.events as f64,
        f.requests
            .iter()
            .map(|(op, n)| format!("{op} {:.2}", *n as f64 / f.events as f64))
            .collect::<Vec<_>>()
            .join(", "),
        f.peak_mb
    );
}

#[tokio::main]
async fn main() {
    let events: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("EVENTS is a number"))
        .unwrap_or(10_000);
    println!("webhook backlog benchmark on moto (DynamoDB), a receiver on loopback answering 204");
    let baseline = run((events / 10).max(1)).await;
    print(&baseline);
    let full = run(events).await;
    print(&full);
    println!(
        "memory growth from {} to {} events: {:+.1} MB",
        baseline.events,
        full.events,
        full.peak_mb - baseline.peak_mb
    );
}
