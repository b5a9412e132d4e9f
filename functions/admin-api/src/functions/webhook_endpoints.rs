//! `webhook-endpoints`: where the product's events go over HTTP. System administrators manage
//! endpoints that hear every contract (`/webhooks`); a contract's admins manage their
//! contract's (`/contracts/{id}/webhooks`), and only theirs. A secret is shown once, when it is
//! made; the table holds it sealed. The URL is checked (https, public addresses only) here and
//! again before every delivery (functions/webhooks).

use crate::functions::not_served;
use crate::shared::names_of;
use crate::{accept, App, Call, Webhooks};
use chrono::{DateTime, Utc};
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem};
use invitations_core::ports::MessageKey;
use invitations_core::to_wire::timestamp;
use invitations_wire::events::EventType;
use invitations_wire::{self as wire, routes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "webhook-endpoints";

/// The event type of "send a test event" (not a product event: no consumer acts on it).
pub const TEST_EVENT: &str = "webhook.test";
/// Messages a replay queues at most in one call (it says how many; call again for more).
const REPLAY_AT_MOST: usize = 500;

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        let hooks = app.webhook_endpoints()?;
        match *call.route {
            routes::LIST_WEBHOOKS => {
                system_admins_only(&call)?;
                list(app, hooks, &EndpointScope::AllContracts).await
            }
            routes::ADD_WEBHOOK => {
                system_admins_only(&call)?;
                add(app, hooks, &call, EndpointScope::AllContracts).await
            }
            routes::LIST_CONTRACT_WEBHOOKS => {
                let scope = EndpointScope::Contract(call.contract()?.id.clone());
                list(app, hooks, &scope).await
            }
            routes::ADD_CONTRACT_WEBHOOK => {
                let scope = EndpointScope::Contract(call.contract()?.id.clone());
                add(app, hooks, &call, scope).await
            }
            routes::ROTATE_WEBHOOK_SECRET => rotate(app, hooks, &call).await,
            routes::DISABLE_WEBHOOK => set_enabled(app, hooks, &call, false).await,
            routes::ENABLE_WEBHOOK => set_enabled(app, hooks, &call, true).await,
            routes::TEST_WEBHOOK => test(app, hooks, &call).await,
            routes::WEBHOOK_MESSAGES => messages(app, hooks, &call).await,
            routes::REPLAY_WEBHOOK => replay(app, hooks, &call).await,
            routes::REPLAY_WEBHOOK_MESSAGE => replay_one(app, hooks, &call).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

fn system_admins_only(call: &Call<'_>) -> Result<(), Problem> {
    match call.caller.system_admin {
        true => Ok(()),
        false => Err(Problem::forbidden(
            "Only system administrators manage the endpoints that hear every contract; a \
             contract's admins manage its own on its Integrations tab.",
        )),
    }
}

fn endpoint_not_found() -> Problem {
    Problem::not_found("webhook_not_found", "There is no such webhook endpoint.")
}

/// The endpoint `{endpointId}`, if the caller may manage it (its contract's admins, or system
/// administrators).
async fn endpoint_of(app: &App, hooks: &Webhooks, call: &Call<'_>) -> Result<Endpoint, Problem> {
    let id = EndpointId::parse(call.param("endpointId")).map_err(|_| endpoint_not_found())?;
    let endpoint = hooks
        .store
        .get_endpoint(&id)
        .await?
        .ok_or_else(endpoint_not_found)?;
    let allowed = match &endpoint.scope {
        _ if call.caller.system_admin => true,
        EndpointScope::AllContracts => false,
        EndpointScope::Contract(c) => app
            .contracts
            .get_contract(c)
            .await?
            .is_some_and(|contract| call.caller.may_manage(&contract)),
    };
    match allowed {
        true => Ok(endpoint),
        false => Err(Problem::forbidden(
            "You do not manage this webhook endpoint: it belongs to a learning contract you \
             are not an administrator of, or to the system administrators.",
        )),
    }
}

async fn view(app: &App, endpoint: &Endpoint) -> Result<wire::WebhookEndpoint, Problem> {
    let names = names_of(app, [&endpoint.created_by]).await?;
    let now = (app.clock)();
    Ok(wire::WebhookEndpoint {
        id: endpoint.id.to_string(),
        contract_id: match &endpoint.scope {
            EndpointScope::AllContracts => None,
            EndpointScope::Contract(c) => Some(c.to_string()),
        },
        url: endpoint.url.clone(),
        description: endpoint.description.clone(),
        event_types: endpoint.event_types.clone(),
        enabled: endpoint.enabled,
        disabled_reason: endpoint.disabled_reason.clone(),
        created_by_name: names.get(&endpoint.created_by).cloned(),
        created_at: timestamp(endpoint.created_at),
        failing_since: endpoint.failing_since.map(timestamp),
        previous_secret_until: endpoint
            .secrets
            .iter()
            .skip(1)
            .filter_map(|s| s.expires_at)
            .filter(|end| *end > now)
            .max()
            .map(timestamp),
    })
}

async fn list(
    app: &App,
    hooks: &Webhooks,
    scope: &EndpointScope,
) -> Result<Response<Body>, Problem> {
    let mut endpoints = Vec::new();
    for endpoint in hooks.store.endpoints(scope).await? {
        endpoints.push(view(app, &endpoint).await?);
    }
    Ok(http::json(
        StatusCode::OK,
        &wire::WebhookEndpointList { endpoints },
    ))
}

/// The body's event types, each one the product emits.
fn event_types(asked: &[String]) -> Result<Vec<String>, Problem> {
    let mut types = Vec::new();
    for t in asked.iter().map(|t| t.trim()) {
        if !EventType::ALL.iter().any(|k| k.as_str() == t) {
            return Err(Problem::bad_request(
                "invalid_event_type",
                format!(
                    "There is no event type \"{}\" (event_types). The types are listed in the \
                     API's events document, for example invitation.created or enrolment.created.",
                    t.chars().take(60).collect::<String>()
                ),
            ));
        }
        if !types.iter().any(|known: &String| known == t) {
            types.push(t.to_owned());
        }
    }
    Ok(types)
}

async fn checked_url(hooks: &Webhooks, url: &str) -> Result<String, Problem> {
    if url.len() > 2_000 {
        return Err(Problem::bad_request(
            "invalid_url",
            "The address (url) is longer than 2,000 characters.",
        ));
    }
    webhooks::check(url, &hooks.policy)
        .await
        .map_err(|refused| {
            Problem::bad_request(
                "invalid_url",
                format!("The address (url) is refused: {refused}"),
            )
        })?;
    Ok(url.trim().to_owned())
}

fn shown(secret: &webhooks::Secret, endpoint: wire::WebhookEndpoint) -> wire::WebhookSecretShown {
    wire::WebhookSecretShown {
        endpoint,
        secret: secret.expose().to_owned(),
    }
}

async fn add(
    app: &App,
    hooks: &Webhooks,
    call: &Call<'_>,
    scope: EndpointScope,
) -> Result<Response<Body>, Problem> {
    let body: wire::NewWebhookEndpoint = http::body(call.req)?;
    let url = checked_url(hooks, &body.url).await?;
    let description = body.description.trim();
    if description.chars().count() > 200 {
        return Err(Problem::bad_request(
            "invalid_description",
            "The description (description) is longer than 200 characters.",
        ));
    }
    let now = (app.clock)();
    let secret = webhooks::new_secret();
    let endpoint = Endpoint {
        id: EndpointId::random(),
        scope,
        url,
        description: description.to_owned(),
        event_types: event_types(&body.event_types)?,
        enabled: true,
        disabled_reason: None,
        secrets: vec![SealedSecret {
            sealed: hooks.key.get().await?.seal(&secret),
            created_at: now,
            expires_at: None,
        }],
        created_by: call.caller.user_id.clone(),
        created_at: now,
        failing_since: None,
        owner_notice_queued: false,
        version: 1,
    };
    hooks.store.create_endpoint(&endpoint).await?;
    let view = view(app, &endpoint).await?;
    Ok(http::json(StatusCode::CREATED, &shown(&secret, view)))
}

/// Saves a change made on the endpoint as read; another change in between is a 409.
async fn save(hooks: &Webhooks, changed: &Endpoint) -> Result<(), Problem> {
    match hooks.store.save_endpoint(changed).await? {
        true => Ok(()),
        false => Err(Problem::conflict(
            "webhook_changed",
            "Someone changed this endpoint at the same moment. Reload it and try again.",
        )),
    }
}

async fn rotate(app: &App, hooks: &Webhooks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let mut endpoint = endpoint_of(app, hooks, call).await?;
    let now = (app.clock)();
    let secret = webhooks::new_secret();
    let until = now + invitations_core::domain::webhook::rotation_overlap();
    // The current secret keeps signing for the overlap; older ones stop now.
    let previous = endpoint.secrets.first().cloned().map(|s| SealedSecret {
        expires_at: Some(s.expires_at.map_or(until, |e| e.min(until))),
        ..s
    });
    endpoint.secrets = std::iter::once(SealedSecret {
        sealed: hooks.key.get().await?.seal(&secret),
        created_at: now,
        expires_at: None,
    })
    .chain(previous)
    .collect();
    save(hooks, &endpoint).await?;
    let view = view(app, &endpoint).await?;
    Ok(http::json(StatusCode::OK, &shown(&secret, view)))
}

async fn set_enabled(
    app: &App,
    hooks: &Webhooks,
    call: &Call<'_>,
    enabled: bool,
) -> Result<Response<Body>, Problem> {
    let mut endpoint = endpoint_of(app, hooks, call).await?;
    if endpoint.enabled != enabled {
        let who = names_of(app, [&call.caller.user_id]).await?;
        endpoint.enabled = enabled;
        endpoint.failing_since = None;
        // An admin acted: a mail about the deliveries' disabling not sent yet is moot.
        endpoint.owner_notice_queued = false;
        endpoint.disabled_reason = (!enabled).then(|| {
            format!(
                "Disabled by {} on {}.",
                who.get(&call.caller.user_id)
                    .map_or("an administrator", String::as_str),
                (app.clock)().format("%Y-%m-%d")
            )
        });
        save(hooks, &endpoint).await?;
    }
    Ok(http::json(StatusCode::OK, &view(app, &endpoint).await?))
}

/// A `webhook.test` event for this endpoint alone, queued for the delivery's next round.
async fn test(app: &App, hooks: &Webhooks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let endpoint = endpoint_of(app, hooks, call).await?;
    let now = (app.clock)();
    let id = format!(
        "evt_test{}",
        EndpointId::random().as_str().trim_start_matches("ep_")
    );
    let body = serde_json::json!({
        "id": id,
        "type": TEST_EVENT,
        "timestamp": timestamp(now),
        "data": { "endpoint_id": endpoint.id.as_str(), "sent_by": call.caller.user_id.as_str() },
    });
    let queued = hooks
        .store
        .put_message(&Message {
            endpoint_id: endpoint.id.clone(),
            event_id: id,
            event_type: TEST_EVENT.into(),
            body: body.to_string(),
            created_at: now,
            state: MessageState::Pending,
            attempts: vec![],
            next_attempt_at: Some(now),
            round_from: 0,
        })
        .await?;
    Ok(http::json(
        StatusCode::ACCEPTED,
        &wire::WebhookQueued {
            queued: u64::from(queued),
        },
    ))
}

/// A message's id on the wire: its key, `<created ms>.<event id>`.
fn message_id(m: &Message) -> String {
    format!("{}.{}", m.created_at.timestamp_millis(), m.event_id)
}

fn message_key(id: &str) -> Option<MessageKey> {
    let (ms, event_id) = id.split_once('.')?;
    let at = DateTime::from_timestamp_millis(ms.parse().ok()?)?;
    (!event_id.is_empty()).then(|| MessageKey {
        at,
        event_id: event_id.to_owned(),
    })
}

fn message_view(m: &Message) -> wire::WebhookMessage {
    wire::WebhookMessage {
        id: message_id(m),
        event_id: m.event_id.clone(),
        event_type: m.event_type.clone(),
        created_at: timestamp(m.created_at),
        state: match m.state {
            MessageState::Pending => wire::WebhookMessageState::Pending,
            MessageState::Delivered => wire::WebhookMessageState::Delivered,
            MessageState::Failed => wire::WebhookMessageState::Failed,
        },
        attempts: m
            .attempts
            .iter()
            .map(|a| wire::WebhookAttempt {
                at: timestamp(a.at),
                status: a.status,
                duration_ms: a.duration_ms,
                response_start: a.response_start.clone(),
                error: a.error.clone(),
            })
            .collect(),
        next_attempt_at: m.next_attempt_at.map(timestamp),
    }
}

async fn messages(app: &App, hooks: &Webhooks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let endpoint = endpoint_of(app, hooks, call).await?;
    let cursor = http::query(call.req, "cursor").filter(|c| !c.is_empty());
    let (page, next_cursor) = hooks
        .store
        .messages(&endpoint.id, cursor.as_deref(), 25)
        .await?;
    Ok(http::json(
        StatusCode::OK,
        &wire::WebhookMessageList {
            messages: page.iter().map(message_view).collect(),
            next_cursor,
        },
    ))
}

/// Every failed message since `since`, again from the start of the schedule (same ids).
async fn replay(app: &App, hooks: &Webhooks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let endpoint = endpoint_of(app, hooks, call).await?;
    let body: wire::WebhookReplay = http::body(call.req)?;
    let since = DateTime::parse_from_rfc3339(body.since.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Problem::bad_request(
                "invalid_since",
                "The time to replay from (since) must be written like 2026-03-01T09:00:00Z.",
            )
        })?;
    let now = (app.clock)();
    let (mut queued, mut cursor) = (0u64, None::<String>);
    'pages: loop {
        let (page, next) = hooks
            .store
            .messages(&endpoint.id, cursor.as_deref(), 100)
            .await?;
        for m in page {
            if m.created_at < since || queued as usize >= REPLAY_AT_MOST {
                break 'pages;
            }
            if m.state == MessageState::Failed && hooks.store.requeue_message(&m, now).await? {
                queued += 1;
            }
        }
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(http::json(
        StatusCode::ACCEPTED,
        &wire::WebhookQueued { queued },
    ))
}

/// One message again from the start of the schedule, with the same id: a failed one, or a
/// delivered one its receiver lost.
async fn replay_one(
    app: &App,
    hooks: &Webhooks,
    call: &Call<'_>,
) -> Result<Response<Body>, Problem> {
    let endpoint = endpoint_of(app, hooks, call).await?;
    let not_found = || {
        Problem::not_found(
            "webhook_message_not_found",
            "This endpoint has no such message.",
        )
    };
    let key = message_key(call.param("messageId")).ok_or_else(not_found)?;
    let message = hooks
        .store
        .get_message(&endpoint.id, &key)
        .await?
        .ok_or_else(not_found)?;
    if message.state == MessageState::Pending {
        return Err(Problem::conflict(
            "webhook_message_pending",
            "This message is waiting for its next try already; it is sent then.",
        ));
    }
    if !hooks.store.requeue_message(&message, (app.clock)()).await? {
        return Err(Problem::conflict(
            "webhook_message_changed",
            "This message changed while it was being queued again; look at it again.",
        ));
    }
    let queued = hooks
        .store
        .get_message(&endpoint.id, &key)
        .await?
        .ok_or_else(not_found)?;
    Ok(http::json(StatusCode::ACCEPTED, &message_view(&queued)))
}
