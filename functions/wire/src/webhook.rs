//! Webhook endpoints (`webhook-endpoints`): where the product's events go over HTTP, signed per
//! Standard Webhooks, and what became of each delivery.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// One endpoint as its page shows it. Its secret is never shown again after it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookEndpoint {
    pub id: String,
    /// The contract whose events it hears; `None`: every contract's (a system administrator's).
    pub contract_id: Option<String>,
    pub url: String,
    pub description: String,
    /// The event types it hears; empty: every type.
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// Why it is disabled, in words.
    pub disabled_reason: Option<String>,
    pub created_by_name: Option<String>,
    pub created_at: Timestamp,
    /// Since when its deliveries fail (5 days of it disables it).
    pub failing_since: Option<Timestamp>,
    /// During a rotation: until when the previous secret still signs.
    pub previous_secret_until: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookEndpointList {
    pub endpoints: Vec<WebhookEndpoint>,
}

/// `POST /webhooks` (every contract's events; system administrators) or
/// `POST /contracts/{id}/webhooks` (one contract's; its admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhookEndpoint {
    /// `https://` and a public address.
    pub url: String,
    pub description: String,
    /// Event types (see functions/asyncapi.yaml); empty: every type.
    pub event_types: Vec<String>,
}

/// A new endpoint, or a rotated secret: the secret (`whsec_...`), shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookSecretShown {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookMessageState {
    Pending,
    Delivered,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookAttempt {
    pub at: Timestamp,
    /// The receiver's HTTP status; `None` when it did not answer (`error` says why).
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// The first bytes of its answer.
    pub response_start: String,
    pub error: Option<String>,
}

/// One event for one endpoint and each attempt at delivering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookMessage {
    /// The message's id, for sending it alone again (`.../messages/{id}/replay`).
    pub id: String,
    /// The event's id: `webhook-id` on every attempt.
    pub event_id: String,
    pub event_type: String,
    pub created_at: Timestamp,
    pub state: WebhookMessageState,
    pub attempts: Vec<WebhookAttempt>,
    pub next_attempt_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookMessageList {
    pub messages: Vec<WebhookMessage>,
    pub next_cursor: Option<String>,
}

/// `POST .../replay`: every failed message since a time, sent again (same ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookReplay {
    pub since: Timestamp,
}

/// How many messages a replay or a test queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookQueued {
    pub queued: u64,
}
