//! Webhooks on the local stack: a receiver on a port of its own, an endpoint for every
//! contract's events seeded to point at it, and the `webhooks` function's work run as AWS runs
//! it (each product event the bus delivers, and the minute's sweep, here every 2 s). The
//! receiver checks each request's signature with the Standard Webhooks project's own crate and
//! lists what it got at its address (`/`, and `/received.json`), so a newcomer sees an
//! enrolment arrive as a signed webhook within seconds.

use crate::provision::BoxError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use invitations_core::domain::*;
use invitations_core::ports::WebhookStore;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The seeded endpoint's id (the event files of `webhook-endpoints` name it).
pub const SEEDED_ENDPOINT: &str = "ep_local-receiver";
/// The local stand-in for the minute's schedule.
pub const SWEEP_EVERY: Duration = Duration::from_secs(2);

/// One request the receiver got.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    pub at: String,
    pub webhook_id: String,
    pub webhook_timestamp: String,
    pub webhook_signature: String,
    pub event: serde_json::Value,
    /// Whether the signature verified with the seeded endpoint's secret.
    pub verified: bool,
    pub body: String,
}

#[derive(Clone)]
pub struct Receiver {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The seeded endpoint's secret (`whsec_...`): the receiver's to verify with.
    pub secret: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// Listens on a free loopback port.
    pub async fn start(secret: webhooks::Secret) -> Result<Self, BoxError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let receiver = Receiver {
            url: format!("http://{}", listener.local_addr()?),
            secret: secret.expose().to_owned(),
            received: Arc::default(),
        };
        let app = Router::new()
            .route("/", get(page))
            .route("/received.json", get(list))
            .route("/hooks", post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(receiver)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("the received webhooks").clone()
    }
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let verified = standardwebhooks::Webhook::new(&r.secret)
        .and_then(|hook| hook.verify(&body, &headers))
        .is_ok();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    tracing::info!(id = %header("webhook-id"), verified, "the local receiver got a webhook");
    r.received
        .lock()
        .expect("the received webhooks")
        .push(Received {
            at: Utc::now().to_rfc3339(),
            webhook_id: header("webhook-id"),
            webhook_timestamp: header("webhook-timestamp"),
            webhook_signature: header("webhook-signature"),
            event: serde_json::from_str(&text).unwrap_or_default(),
            verified,
            body: text,
        });
    StatusCode::NO_CONTENT.into_response()
}

async fn list(State(r): State<Receiver>) -> Json<Vec<Received>> {
    Json(r.received().into_iter().rev().collect())
}

/// A plain page: newest first, each with its type, id and whether it verified.
async fn page(State(r): State<Receiver>) -> Html<String> {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let rows: String = r
        .received()
        .iter()
        .rev()
        .map(|w| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&w.at),
                escape(w.event["type"].as_str().unwrap_or("?")),
                escape(&w.webhook_id),
                if w.verified {
                    "verified"
                } else {
                    "NOT verified"
                }
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Local webhook receiver</title></head>\
         <body><main><h1>Webhooks received</h1><p>Signatures checked with the seeded endpoint's secret \
         (Standard Webhooks).</p><table><thead><tr><th>Received</th><th>Type</th><th>webhook-id</th>\
         <th>Signature</th></tr></thead><tbody>{rows}</tbody></table></main></body></html>"
    ))
}

/// The seeded endpoint: every contract's events, to the receiver, sealed with `key`.
pub async fn seed_endpoint(
    store: &dyn WebhookStore,
    key: &webhooks::SealingKey,
    receiver: &Receiver,
    by: &UserId,
) -> Result<(), BoxError> {
    let id = EndpointId::parse(SEEDED_ENDPOINT)?;
    let now = Utc::now();
    let secret = webhooks::Secret::parse(&receiver.secret)?;
    let sealed = SealedSecret {
        sealed: key.seal(&secret),
        created_at: now,
        expires_at: None,
    };
    // A stack started again on its old table: the endpoint now points at this run's receiver.
    if let Some(mut endpoint) = store.get_endpoint(&id).await? {
        endpoint.url = format!("{}/hooks", receiver.url);
        endpoint.secrets = vec![sealed];
        endpoint.enabled = true;
        endpoint.disabled_reason = None;
        store.save_endpoint(&endpoint).await?;
        return Ok(());
    }
    store
        .create_endpoint(&Endpoint {
            id,
            scope: EndpointScope::AllContracts,
            url: format!("{}/hooks", receiver.url),
            description: "The local stack's receiver (every event)".into(),
            event_types: Vec::new(),
            enabled: true,
            disabled_reason: None,
            secrets: vec![sealed],
            created_by: by.clone(),
            created_at: now,
            failing_since: None,
            owner_notice_queued: false,
            version: 1,
        })
        .await?;
    Ok(())
}
