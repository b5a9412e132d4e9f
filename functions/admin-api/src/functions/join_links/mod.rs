//! `join-links` (issue 30): a contract's join links, made and managed by its admins (list,
//! add, regenerate, disable, enable), and its waiting list ([`waiting`]). The code of a link is
//! recomputed from the link signing key whenever it is shown, never stored; Regenerate bumps
//! its generation, so the old code stops at once. Joining through a link is the public `join`
//! function's (functions/enrol-api/src/join.rs).

mod waiting;

use crate::functions::not_served;
use crate::shared::names_of;
use crate::{accept, App, Call, JoinLinks};
use chrono::{DateTime, Utc};
use invitations_core::domain::join::parse_domains;
use invitations_core::domain::waiting::Line;
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem};
use invitations_core::to_wire::timestamp;
use invitations_wire::{self as wire, routes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "join-links";

/// Links a contract may have: one per audience, a few dozen at most in practice.
const LINKS_AT_MOST: usize = 50;
const AUDIENCE_AT_MOST: usize = 120;

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        let links = app.join_links()?;
        match *call.route {
            routes::LIST_JOIN_LINKS => list(app, links, &call).await,
            routes::ADD_JOIN_LINK => add(app, links, &call).await,
            routes::REGENERATE_JOIN_LINK => change(app, links, &call, Change::Regenerate).await,
            routes::DISABLE_JOIN_LINK => change(app, links, &call, Change::Enabled(false)).await,
            routes::ENABLE_JOIN_LINK => change(app, links, &call, Change::Enabled(true)).await,
            routes::LIST_WAITING => waiting::list(links, &call, Line::Waiting).await,
            routes::LIST_JOIN_REQUESTS => waiting::list(links, &call, Line::Approval).await,
            routes::APPROVE_JOIN_REQUEST => waiting::approve(app, links, &call).await,
            routes::REFUSE_JOIN_REQUEST => waiting::refuse(app, links, &call).await,
            routes::MOVE_WAITING => waiting::move_entry(links, &call).await,
            routes::REMOVE_WAITING => waiting::remove(links, &call).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

fn link_not_found() -> Problem {
    Problem::not_found(
        "join_link_not_found",
        "This contract has no such join link.",
    )
}

fn state(link: &JoinLink, now: DateTime<Utc>) -> wire::JoinLinkState {
    use wire::JoinLinkState as S;
    if !link.enabled {
        S::Disabled
    } else if link.opens_at.is_some_and(|t| now < t) {
        S::NotYetOpen
    } else if link.closes_at.is_some_and(|t| now >= t) {
        S::Closed
    } else if link.places_left() == Some(0) {
        S::UsedUp
    } else {
        S::Open
    }
}

async fn views(
    app: &App,
    links: &JoinLinks,
    all: &[JoinLink],
) -> Result<Vec<wire::JoinLink>, Problem> {
    if all.is_empty() {
        return Ok(Vec::new()); // no code to show, no key to read
    }
    let names = names_of(app, all.iter().map(|l| &l.created_by)).await?;
    let now = (app.clock)();
    let key = links.key.signing().await?;
    all.iter()
        .map(|l| {
            let code = key.sign_join(&l.id, l.generation).ok_or_else(|| {
                Problem::internal(&format!("join link {} has an id no code can carry", l.id))
            })?;
            Ok(wire::JoinLink {
                id: l.id.to_string(),
                contract_id: l.contract_id.to_string(),
                audience: l.audience.clone(),
                code,
                activities: l.activities.iter().map(ToString::to_string).collect(),
                max_uses: l.max_uses,
                uses: l.uses,
                places_left: l.places_left(),
                opens_at: l.opens_at.map(timestamp),
                closes_at: l.closes_at.map(timestamp),
                allowed_domains: l.allowed_domains.clone(),
                needs_approval: l.needs_approval,
                enabled: l.enabled,
                state: state(l, now),
                created_by_name: names.get(&l.created_by).cloned(),
                created_at: timestamp(l.created_at),
            })
        })
        .collect()
}

async fn one(app: &App, links: &JoinLinks, link: JoinLink) -> Result<wire::JoinLink, Problem> {
    Ok(views(app, links, &[link]).await?.remove(0))
}

async fn list(app: &App, links: &JoinLinks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let all = links.store.join_links(&contract.id).await?;
    Ok(http::json(
        StatusCode::OK,
        &wire::JoinLinkList {
            links: views(app, links, &all).await?,
        },
    ))
}

fn time(field: &'static str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, Problem> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    Problem::bad_request(
                        "invalid_time",
                        format!("The time {field} must be written like 2027-03-31T18:00:00Z."),
                    )
                })
        })
        .transpose()
}

/// `POST /contracts/{id}/join-links`: a new link, open at once unless it says otherwise.
async fn add(app: &App, links: &JoinLinks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let body: wire::NewJoinLink = http::body(call.req)?;
    let now = (app.clock)();
    let audience = body.audience.trim().to_owned();
    if audience.is_empty() || audience.chars().count() > AUDIENCE_AT_MOST {
        return Err(Problem::bad_request(
            "invalid_audience",
            format!(
                "Say who the link is for (at most {AUDIENCE_AT_MOST} characters), like \"Sales \
                 team, spring intake\"."
            ),
        ));
    }
    let activities = contract.accept_invitations(now, &body.activities)?;
    let (opens_at, closes_at) = (
        time("opens_at", body.opens_at.as_deref())?,
        time("closes_at", body.closes_at.as_deref())?,
    );
    if let (Some(opens), Some(closes)) = (opens_at, closes_at) {
        if closes <= opens {
            return Err(Problem::bad_request(
                "invalid_window",
                "The link must close after it opens.",
            ));
        }
    }
    if closes_at.is_some_and(|t| t <= now) {
        return Err(Problem::bad_request(
            "invalid_window",
            "The closing time has passed already: choose one to come.",
        ));
    }
    if body.max_uses == Some(0) {
        return Err(Problem::bad_request(
            "invalid_max_uses",
            "A link for 0 people admits nobody: give at least 1, or no limit.",
        ));
    }
    let allowed_domains = parse_domains(&body.allowed_domains)
        .map_err(|e| Problem::bad_request("invalid_domain", e.to_string()))?;
    if links.store.join_links(&contract.id).await?.len() >= LINKS_AT_MOST {
        return Err(Problem::conflict(
            "too_many_join_links",
            format!("This contract has {LINKS_AT_MOST} join links already: disable or reuse one."),
        ));
    }
    let link = JoinLink {
        id: JoinLinkId::random(),
        contract_id: contract.id.clone(),
        audience,
        generation: 1,
        activities,
        max_uses: body.max_uses,
        uses: 0,
        opens_at,
        closes_at,
        allowed_domains,
        needs_approval: body.needs_approval,
        enabled: true,
        created_by: call.caller.user_id.clone(),
        created_at: now,
        version: 1,
    };
    // The key before the write (read on first use, issue 33): a link made whose code cannot be
    // shown would be answered as a failure.
    links.key.signing().await?;
    links.store.create_join_link(&link).await?;
    Ok(http::json(
        StatusCode::CREATED,
        &one(app, links, link).await?,
    ))
}

#[derive(Clone, Copy)]
enum Change {
    Regenerate,
    Enabled(bool),
}

/// Regenerate, disable or enable, on the link as read; a change made meanwhile by another admin
/// is refused in words (read it again), never overwritten.
async fn change(
    app: &App,
    links: &JoinLinks,
    call: &Call<'_>,
    change: Change,
) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let id = JoinLinkId::parse(call.param("linkId")).map_err(|_| link_not_found())?;
    let mut link = links
        .store
        .get_join_link(&id)
        .await?
        .filter(|l| l.contract_id == contract.id)
        .ok_or_else(link_not_found)?;
    match change {
        Change::Regenerate => link.generation += 1,
        Change::Enabled(on) if link.enabled == on => {
            return Ok(http::json(StatusCode::OK, &one(app, links, link).await?));
        }
        Change::Enabled(on) => link.enabled = on,
    }
    // As in `add`: the key before the write.
    links.key.signing().await?;
    if !links.store.save_join_link(&link).await? {
        return Err(Problem::conflict(
            "join_link_changed",
            "Another administrator changed this join link a moment ago; look at it again.",
        ));
    }
    link.version += 1;
    Ok(http::json(StatusCode::OK, &one(app, links, link).await?))
}
