//! The port of webhook endpoints and their messages.

use super::StoreError;
use crate::domain::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Webhook endpoints and their messages (functions/webhooks delivers them; `webhook-endpoints`
/// manages them). Every change is conditional on what was read.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// A new endpoint (its id is fresh; refused if it exists).
    async fn create_endpoint(&self, endpoint: &Endpoint) -> Result<(), StoreError>;
    async fn get_endpoint(&self, id: &EndpointId) -> Result<Option<Endpoint>, StoreError>;
    /// Replaces the endpoint as it was read (`endpoint.version` is the version read; it is
    /// written as the next). False when it changed meanwhile (read again and redo).
    async fn save_endpoint(&self, endpoint: &Endpoint) -> Result<bool, StoreError>;
    /// Takes the queued mail to an endpoint's owner about its disabling (`queued -> sent`,
    /// bumping the version so a save from an older read fails): false when there is none
    /// queued (sent already, or a duplicate stream record).
    async fn claim_owner_notice(&self, endpoint: &EndpointId) -> Result<bool, StoreError>;
    /// Gives a claimed notice back (`sent -> queued`) after the mail service failed, for the
    /// stream's next delivery of the record.
    async fn release_owner_notice(&self, endpoint: &EndpointId) -> Result<bool, StoreError>;
    /// The endpoints of a scope, oldest first.
    async fn endpoints(&self, scope: &EndpointScope) -> Result<Vec<Endpoint>, StoreError>;
    /// Keeps a message, once: false when this event was already kept for this endpoint.
    async fn put_message(&self, message: &Message) -> Result<bool, StoreError>;
    /// As `put_message`, for an event about one invitation (its contract and address identity):
    /// kept only while the invitation exists, in one transaction, so that a message cannot
    /// land after its person was forgotten (issue 32: the erasure deletes the invitation and
    /// then looks again). False when kept already or the invitation is gone.
    async fn put_message_about(
        &self,
        message: &Message,
        contract: &ContractId,
        identity: &str,
    ) -> Result<bool, StoreError>;
    async fn get_message(
        &self,
        endpoint: &EndpointId,
        key: &MessageKey,
    ) -> Result<Option<Message>, StoreError>;
    /// Takes the message's next attempt until `until` (a crash leaves it to the sweeper then):
    /// false when another delivery took it or it moved on.
    async fn claim_message(
        &self,
        message: &Message,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Records the attempt a claim allowed, the message's new state and its next attempt.
    async fn record_attempt(
        &self,
        message: &Message,
        attempt: &DeliveryAttempt,
        state: MessageState,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError>;
    /// An endpoint's messages, newest first, a page at a time.
    async fn messages(
        &self,
        endpoint: &EndpointId,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Message>, Option<String>), StoreError>;
    /// Sends a message again from the start of the schedule (replay; the same event id):
    /// false when it is pending already or changed meanwhile.
    async fn requeue_message(
        &self,
        message: &Message,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Messages whose next attempt is due at `now` (the sweeper's), at most `limit`.
    async fn due_messages(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(EndpointId, MessageKey)>, StoreError>;
}

/// Where a message is kept: the event's time and id (both fixed by the event, so a second
/// delivery of the event finds the first's message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageKey {
    pub at: DateTime<Utc>,
    pub event_id: String,
}
