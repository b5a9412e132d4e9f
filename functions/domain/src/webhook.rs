//! Webhook endpoints: where the product's events go over HTTP, signed per Standard Webhooks
//! (functions/webhooks delivers them). A system administrator's endpoint hears every contract;
//! a contract admin's hears its contract only.

use super::ids::{ContractId, EndpointId, UserId};
use chrono::{DateTime, Duration, Utc};

/// Whose events an endpoint hears, and so who may manage it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointScope {
    /// Every contract's: system administrators only.
    AllContracts,
    /// One contract's: its admins (and system administrators).
    Contract(ContractId),
}

/// One signing secret, sealed (functions/webhooks `SealingKey`): the table never holds a secret
/// in plain text. During a rotation the previous secret signs too, until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret {
    pub sealed: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// How long the previous secret keeps signing after a rotation (Standard Webhooks' advice: long
/// enough for the receiver to deploy the new one).
pub fn rotation_overlap() -> Duration {
    Duration::hours(24)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: EndpointId,
    pub scope: EndpointScope,
    /// Checked when registered (https, a public address) and again at each delivery.
    pub url: String,
    pub description: String,
    /// The event types it hears (`invitation.created`, ...); empty: every type.
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// Why it was disabled, in words (by whom, or "the receiver answered 410", or "failing for
    /// 5 days").
    pub disabled_reason: Option<String>,
    /// The current secret first.
    pub secrets: Vec<SealedSecret>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    /// Since when every delivery failed (cleared by a success); 5 days of it disables it.
    pub failing_since: Option<DateTime<Utc>>,
    /// Disabled by the deliveries (410, or 5 days failing) and its owner not mailed yet: the
    /// mailer sees it on the table's stream, claims the notice and sends it.
    pub owner_notice_queued: bool,
    /// Bumped by every change: each write is conditional on the version it read.
    pub version: u64,
}

impl Endpoint {
    /// Whether it wants this event type.
    pub fn hears(&self, event_type: &str) -> bool {
        self.enabled
            && (self.event_types.is_empty() || self.event_types.iter().any(|t| t == event_type))
    }

    /// The secrets that sign at `now`: the current one and, during a rotation's overlap, the
    /// previous one.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> impl Iterator<Item = &SealedSecret> {
        self.secrets
            .iter()
            .filter(move |s| s.expires_at.is_none_or(|end| end > now))
    }
}

/// What became of one message (one event for one endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    /// Waiting for its next attempt (`next_attempt_at`).
    Pending,
    Delivered,
    /// Every attempt of the schedule failed, or the endpoint was disabled or gone.
    Failed,
}

impl MessageState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "delivered" => Some(Self::Delivered),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One try at delivering a message, as the Integrations page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryAttempt {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; `None` when there was no answer (`error` says why).
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// The first bytes of the answer's body.
    pub response_start: String,
    pub error: Option<String>,
}

/// One event for one endpoint: kept (body included) for retries and replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub endpoint_id: EndpointId,
    /// The event's id: the `webhook-id` of every attempt.
    pub event_id: String,
    pub event_type: String,
    /// The event's JSON, exactly as signed.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub state: MessageState,
    pub attempts: Vec<DeliveryAttempt>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// How many of `attempts` came before the last replay: the schedule counts from there.
    pub round_from: usize,
}

impl Message {
    /// Attempts made since the message was last queued (the schedule's position).
    pub fn attempts_this_round(&self) -> usize {
        self.attempts.len().saturating_sub(self.round_from)
    }
}
