//! The `webhooks` Lambda function's work: each product event (an EventBridge rule hands it
//! over) kept once per endpoint that hears it and tried at once; the schedule's later tries
//! made by the sweep (every minute), which also finds a try a crashed delivery left claimed.
//!
//! Every try is claimed first (`claim_message`, conditional on the message as read), so two
//! deliveries never make the same try; a crash after sending and before recording leaves the
//! claim to run out, and the sweep sends again with the same `webhook-id`, which the receiver
//! uses to drop the repeat (at least once, as the convention says).

use crate::{check, headers, next_attempt_at, random_jitter, Policy, SealingKey, Sender};
use crate::{Secret, Verdict};
use chrono::{DateTime, Duration, Utc};
use futures::stream::{self, StreamExt};
use invitations_core::config::ConfigError;
use invitations_core::domain::*;
use invitations_core::keys::OnFirstUse;
use invitations_core::ports::{Clock, MessageKey, StoreError, WebhookStore};
use invitations_wire::events::{EventData, ProductEvent};
use std::collections::HashMap;
use std::sync::Arc;

/// How long a claimed try may take before the sweep may take it over (the 15 s request and
/// the records around it, with room).
const CLAIM: Duration = Duration::seconds(60);
/// Due tries a sweep reads at a time (one query of the due index).
pub const SWEEP_PAGE: usize = 200;
/// Tries in flight at once: each waits mostly on its receiver (up to 15 s), so one slow
/// receiver does not hold up the rest of a backlog.
pub const SWEEP_CONCURRENCY: usize = 16;
/// A sweep takes no new page after this long: the schedule starts the next one a minute after
/// (the function's timeout is 5 minutes, and overlapping sweeps only meet each other's claims).
pub const SWEEP_FOR: std::time::Duration = std::time::Duration::from_secs(50);

pub struct App {
    pub store: Arc<dyn WebhookStore>,
    /// Opens the endpoints' secrets; read by the first run with a try to make, not at the
    /// start (issue 33).
    pub key: OnFirstUse<SealingKey>,
    pub policy: Policy,
    pub clock: Clock,
    /// The roots https trusts and the time limit of one attempt.
    pub sender: Sender,
}

/// Why a run stopped: the table failed, or the sealing key could not be read (no try was
/// made then; the next run reads it again).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] ConfigError),
}

/// What one run did, for the log and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Ran {
    pub kept: usize,
    pub delivered: usize,
    pub retrying: usize,
    pub failed: usize,
}

impl Ran {
    fn add(&mut self, other: &Ran) {
        self.kept += other.kept;
        self.delivered += other.delivered;
        self.retrying += other.retrying;
        self.failed += other.failed;
    }
}

/// The contract an event is about, if any.
fn contract_of(event: &ProductEvent) -> Option<ContractId> {
    let id = match &event.data {
        EventData::Invitation(d) => &d.contract_id,
        EventData::Import(d) => &d.contract_id,
        EventData::Contract(d) => &d.contract_id,
        EventData::Join(d) => &d.contract_id,
    };
    ContractId::parse(id).ok()
}

/// The invitation an event is about (its contract and address identity), if it is about one.
fn invitation_of(event: &ProductEvent) -> Option<(ContractId, String)> {
    match &event.data {
        EventData::Invitation(d) => Some((
            ContractId::parse(&d.contract_id).ok()?,
            EmailAddress::parse(&d.email).ok()?.identity().to_owned(),
        )),
        _ => None,
    }
}

/// An event from the bus: a message for each endpoint that hears it, each tried now.
pub async fn on_event(app: &App, event: &ProductEvent) -> Result<Ran, RunError> {
    let at = DateTime::parse_from_rfc3339(&event.timestamp)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| (app.clock)());
    let body = serde_json::to_string(event).expect("an event serialises");
    let mut endpoints = app.store.endpoints(&EndpointScope::AllContracts).await?;
    if let Some(contract) = contract_of(event) {
        endpoints.extend(
            app.store
                .endpoints(&EndpointScope::Contract(contract))
                .await?,
        );
    }
    let mut ran = Ran::default();
    let hearing: Vec<&Endpoint> = endpoints
        .iter()
        .filter(|e| e.hears(event.kind.as_str()))
        .collect();
    if hearing.is_empty() {
        return Ok(ran);
    }
    // Before any message is kept: a failed read leaves nothing for the sweep to find.
    let sealing = app.key.get().await?;
    for endpoint in hearing {
        let message = Message {
            endpoint_id: endpoint.id.clone(),
            event_id: event.id.clone(),
            event_type: event.kind.as_str().to_owned(),
            body: body.clone(),
            created_at: at,
            state: MessageState::Pending,
            attempts: Vec::new(),
            next_attempt_at: Some(at),
            round_from: 0,
        };
        // A second delivery of the event finds the message kept: the sweep owns it then. An
        // event about an invitation is kept only while the invitation exists (issue 32: a
        // person forgotten meanwhile leaves no payload behind).
        let kept = match invitation_of(event) {
            Some((contract, identity)) => {
                app.store
                    .put_message_about(&message, &contract, &identity)
                    .await?
            }
            None => app.store.put_message(&message).await?,
        };
        if kept {
            ran.kept += 1;
            try_once(app, sealing, &message, Some(endpoint.clone()), &mut ran).await?;
        }
    }
    Ok(ran)
}

/// The sweep: every message whose try is due, a page at a time, [`SWEEP_CONCURRENCY`] tries
/// at once, until none is due or [`SWEEP_FOR`] has passed.
pub async fn sweep(app: &App) -> Result<Ran, RunError> {
    let started = std::time::Instant::now();
    let mut ran = Ran::default();
    loop {
        let due = app.store.due_messages((app.clock)(), SWEEP_PAGE).await?;
        if due.is_empty() {
            return Ok(ran);
        }
        // Once, before the tries run at once (a failed read would be tried again by each).
        let sealing = app.key.get().await?;
        let full_page = due.len() == SWEEP_PAGE;
        // Each endpoint of the page read once (a backlog is mostly one endpoint's), fresh for
        // every page: a change an admin makes is seen within a page's tries.
        let mut endpoints: HashMap<EndpointId, Option<Endpoint>> = HashMap::new();
        for (id, _) in &due {
            if !endpoints.contains_key(id) {
                endpoints.insert(id.clone(), app.store.get_endpoint(id).await?);
            }
        }
        let endpoints = &endpoints;
        let tries: Vec<Result<Ran, StoreError>> = stream::iter(due)
            .map(|(endpoint, key)| async move {
                let mut ran = Ran::default();
                if let Some(message) = app.store.get_message(&endpoint, &key).await? {
                    if message.state == MessageState::Pending {
                        let read = endpoints.get(&endpoint).cloned().flatten();
                        try_once(app, sealing, &message, read, &mut ran).await?;
                    }
                }
                Ok(ran)
            })
            .buffer_unordered(SWEEP_CONCURRENCY)
            .collect()
            .await;
        for one in tries {
            ran.add(&one?);
        }
        // A short page was all that was due; a try just made is due again 5 s later at the
        // soonest, so the loop ends.
        if !full_page || started.elapsed() >= SWEEP_FOR {
            return Ok(ran);
        }
    }
}

/// The endpoint's secrets that sign now, opened.
fn signing_secrets(key: &SealingKey, endpoint: &Endpoint, now: DateTime<Utc>) -> Vec<Secret> {
    endpoint
        .signing_secrets(now)
        .filter_map(|s| match key.unseal(&s.sealed) {
            Ok(secret) => Some(secret),
            Err(e) => {
                tracing::error!(endpoint = %endpoint.id, error = %e, "a sealed webhook secret does not open");
                None
            }
        })
        .collect()
}

fn no_answer(at: DateTime<Utc>, error: String) -> DeliveryAttempt {
    DeliveryAttempt {
        at,
        status: None,
        duration_ms: 0,
        response_start: String::new(),
        error: Some(error),
    }
}

/// One try of one message to its endpoint as read (`None`: gone), claimed first; records it
/// and what follows for the endpoint.
async fn try_once(
    app: &App,
    key: &SealingKey,
    message: &Message,
    endpoint: Option<Endpoint>,
    ran: &mut Ran,
) -> Result<(), StoreError> {
    let now = (app.clock)();
    if !app.store.claim_message(message, now + CLAIM).await? {
        return Ok(());
    }
    let claimed = Message {
        next_attempt_at: Some(now + CLAIM),
        ..message.clone()
    };
    let Some(endpoint) = endpoint.filter(|e| e.enabled) else {
        let why = "The endpoint is disabled or gone; nothing was sent.".to_owned();
        app.store
            .record_attempt(&claimed, &no_answer(now, why), MessageState::Failed, None)
            .await?;
        ran.failed += 1;
        return Ok(());
    };
    let secrets = signing_secrets(key, &endpoint, now);
    let attempt = match check(&endpoint.url, &app.policy).await {
        Err(refused) => no_answer(now, refused.to_string()),
        Ok(target) => match headers(
            &secrets,
            &message.event_id,
            now.timestamp(),
            message.body.as_bytes(),
        ) {
            Err(e) => no_answer(now, format!("Could not sign the message: {e}")),
            Ok(headers) => {
                let a = app
                    .sender
                    .deliver(&target, &headers, message.body.as_bytes())
                    .await;
                let verdict = a.verdict();
                let attempt = DeliveryAttempt {
                    at: now,
                    status: a.status,
                    duration_ms: a.duration_ms,
                    response_start: a.response_start.clone(),
                    error: a.error.clone(),
                };
                return finish(
                    app,
                    &endpoint,
                    &claimed,
                    attempt,
                    verdict,
                    a.retry_after,
                    ran,
                )
                .await;
            }
        },
    };
    finish(app, &endpoint, &claimed, attempt, Verdict::Retry, None, ran).await
}

async fn finish(
    app: &App,
    endpoint: &Endpoint,
    claimed: &Message,
    attempt: DeliveryAttempt,
    verdict: Verdict,
    retry_after: Option<std::time::Duration>,
    ran: &mut Ran,
) -> Result<(), StoreError> {
    let now = attempt.at;
    let (state, next) = match verdict {
        Verdict::Delivered => (MessageState::Delivered, None),
        Verdict::Gone => (MessageState::Failed, None),
        Verdict::Retry => {
            match next_attempt_at(
                claimed.attempts_this_round() + 1,
                now,
                retry_after,
                random_jitter(),
            ) {
                Some(next) => (MessageState::Pending, Some(next)),
                None => (MessageState::Failed, None),
            }
        }
    };
    if !app
        .store
        .record_attempt(claimed, &attempt, state, next)
        .await?
    {
        return Ok(()); // another delivery took over after our claim ran out
    }
    match state {
        MessageState::Delivered => ran.delivered += 1,
        MessageState::Pending => ran.retrying += 1,
        MessageState::Failed => ran.failed += 1,
    }
    endpoint_follows(app, endpoint, verdict, now).await
}

/// A success clears the endpoint's failing time; a 410 disables it; failing for 5 days
/// disables it too. A disabling queues a mail to the endpoint's owner in the same write (the
/// mailer sends it from the table's stream), so neither happens without the other.
async fn endpoint_follows(
    app: &App,
    endpoint: &Endpoint,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut changed = endpoint.clone();
    match verdict {
        Verdict::Delivered if endpoint.failing_since.is_some() => changed.failing_since = None,
        Verdict::Gone => {
            changed.enabled = false;
            changed.owner_notice_queued = true;
            changed.disabled_reason = Some(format!(
                "The receiver answered 410 Gone on {}: it asked not to be sent more.",
                now.format("%Y-%m-%d")
            ));
        }
        Verdict::Retry => match endpoint.failing_since {
            None => changed.failing_since = Some(now),
            Some(since)
                if now - since
                    >= Duration::from_std(crate::FAILING_DISABLE_AFTER)
                        .unwrap_or(Duration::days(5)) =>
            {
                changed.enabled = false;
                changed.owner_notice_queued = true;
                changed.disabled_reason = Some(format!(
                    "Every delivery failed from {} to {}: disabled after 5 days.",
                    since.format("%Y-%m-%d"),
                    now.format("%Y-%m-%d")
                ));
            }
            Some(_) => return Ok(()),
        },
        Verdict::Delivered => return Ok(()),
    }
    // A concurrent change wins; the next result updates it again.
    app.store.save_endpoint(&changed).await?;
    Ok(())
}

/// The message key of an event for an endpoint (for the tests and replay).
pub fn key_of(event: &ProductEvent) -> Option<MessageKey> {
    let at = DateTime::parse_from_rfc3339(&event.timestamp).ok()?;
    Some(MessageKey {
        at: at.with_timezone(&Utc),
        event_id: event.id.clone(),
    })
}
