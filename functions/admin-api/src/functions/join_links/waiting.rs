//! A contract's waiting list for its admins (issue 30): who waits, in what order, through which
//! link; move someone to the front, up or down; take someone off. And its join requests (links
//! that need approval): approve (a place, or the waiting list when the contract is full) or
//! refuse (a mail says so). Every change applies to the line as read and answers the line as
//! it is after; a change made meanwhile by another admin (or a promotion by the waiting-list
//! function) is refused in words, never overwritten.

use crate::{App, Call, JoinLinks};
use invitations_core::do_not_invite;
use invitations_core::domain::waiting::{plan_move, Line, Move};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::ports::CreateError;
use invitations_core::to_wire::timestamp;
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use std::collections::HashMap;

fn entry_not_found() -> Problem {
    Problem::not_found(
        "waiting_entry_not_found",
        "This person is not in that line any more; they may have been invited or taken off it.",
    )
}

/// The person asked not to be invited again (issue 32): their request goes, nobody is invited.
fn do_not_invite() -> Problem {
    Problem::conflict(
        "do_not_invite",
        "This person asked not to be invited again: their request was taken off, and nobody was invited.",
    )
}

fn changed() -> Problem {
    Problem::conflict(
        "waiting_list_changed",
        "The waiting list changed a moment ago (another administrator, or a place that freed); look at it again.",
    )
}

async fn entries(
    links: &JoinLinks,
    line: Line,
    contract: &ContractId,
) -> Result<Vec<WaitingEntry>, Problem> {
    Ok(match line {
        Line::Waiting => links.store.waiting_list(contract).await?,
        Line::Approval => links.store.join_requests(contract).await?,
    })
}

/// The line as the admins see it.
async fn view(
    links: &JoinLinks,
    line: Line,
    contract: &ContractId,
) -> Result<Response<Body>, Problem> {
    let line = entries(links, line, contract).await?;
    let mut audiences: HashMap<JoinLinkId, Option<String>> = HashMap::new();
    for link_id in line.iter().filter_map(|e| e.link_id.as_ref()) {
        if !audiences.contains_key(link_id) {
            let link = links.store.get_join_link(link_id).await?;
            audiences.insert(link_id.clone(), link.map(|l| l.audience));
        }
    }
    let list = wire::WaitingList {
        entries: line
            .iter()
            .enumerate()
            .map(|(i, e)| wire::WaitingEntry {
                id: e.id.to_string(),
                position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                email: e.email.as_entered().to_owned(),
                joined_at: timestamp(e.joined_at),
                link_id: e.link_id.as_ref().map(ToString::to_string),
                link_audience: e
                    .link_id
                    .as_ref()
                    .and_then(|l| audiences.get(l).cloned().flatten()),
            })
            .collect(),
    };
    Ok(http::json(StatusCode::OK, &list))
}

/// `GET /contracts/{id}/waiting-list` and `GET /contracts/{id}/join-requests`.
pub(super) async fn list(
    links: &JoinLinks,
    call: &Call<'_>,
    line: Line,
) -> Result<Response<Body>, Problem> {
    view(links, line, &call.contract()?.id).await
}

/// The line as read, and where the entry the route names is in it.
async fn find(
    links: &JoinLinks,
    call: &Call<'_>,
    line: Line,
) -> Result<(ContractId, Vec<WaitingEntry>, usize), Problem> {
    let contract = call.contract()?.id.clone();
    let id = WaitingId::parse(call.param("entryId")).map_err(|_| entry_not_found())?;
    let line = entries(links, line, &contract).await?;
    let at = line
        .iter()
        .position(|e| e.id == id)
        .ok_or_else(entry_not_found)?;
    Ok((contract, line, at))
}

/// `POST .../waiting-list/{entryId}/move`: to the front, up or down (no change at an end).
pub(super) async fn move_entry(
    links: &JoinLinks,
    call: &Call<'_>,
) -> Result<Response<Body>, Problem> {
    let body: wire::WaitingMove = http::body(call.req)?;
    let (contract, line, at) = find(links, call, Line::Waiting).await?;
    let to = match body.to {
        wire::WaitingMoveTo::First => Move::First,
        wire::WaitingMoveTo::Up => Move::Up,
        wire::WaitingMoveTo::Down => Move::Down,
    };
    if let Some(plan) = plan_move(&line, at, to) {
        let moves: Vec<(&WaitingEntry, i64)> = plan.iter().map(|(i, p)| (&line[*i], *p)).collect();
        if !links.store.reposition(&moves).await? {
            return Err(changed());
        }
        tracing::info!(contract = %contract, by = %call.caller.user_id, "waiting list reordered");
    }
    view(links, Line::Waiting, &contract).await
}

/// `POST .../waiting-list/{entryId}/remove`: off the line (their use of the link stays counted).
pub(super) async fn remove(links: &JoinLinks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, line, at) = find(links, call, Line::Waiting).await?;
    if !links.store.remove_waiting(&line[at]).await? {
        return Err(entry_not_found());
    }
    tracing::info!(contract = %contract, by = %call.caller.user_id, "taken off the waiting list");
    view(links, Line::Waiting, &contract).await
}

/// `POST .../join-requests/{entryId}/approve`: a place as any joiner gets one (an invitation
/// with its seat, mailed as any; or the waiting list when no seat is free or others wait).
pub(super) async fn approve(
    app: &App,
    links: &JoinLinks,
    call: &Call<'_>,
) -> Result<Response<Body>, Problem> {
    let (contract_id, line, at) = find(links, call, Line::Approval).await?;
    let (contract, request, now) = (call.contract()?, &line[at], (app.clock)());
    contract.accept_sends(now)?;
    if !do_not_invite::listed(&*app.privacy, &[&request.email])
        .await?
        .is_empty()
    {
        links.store.remove_waiting(request).await?;
        return Err(do_not_invite());
    }
    let to_waiting = contract.waiting.anyone || contract.seats_left() == Some(0);
    let done = if to_waiting {
        links.store.approve_to_waiting(request, now).await?
    } else {
        match links.store.promote(contract, request, now).await {
            Ok(InviteOutcome::Invited { .. } | InviteOutcome::Reinvited { .. }) => {
                // The check after the write (see `invitations_core::do_not_invite`).
                let written = [&request.email];
                let (privacy, invitations) = (&*app.privacy, &*app.invitations);
                if !do_not_invite::take_back_listed(
                    privacy,
                    invitations,
                    &contract.id,
                    &written,
                    now,
                )
                .await?
                .is_empty()
                {
                    return Err(do_not_invite());
                }
                true
            }
            Ok(InviteOutcome::OverSeatLimit) => {
                links.store.approve_to_waiting(request, now).await?
            }
            // A place already (invited some other way): the request only goes.
            Ok(_) => links.store.remove_waiting(request).await?,
            Err(CreateError::NoLongerWaiting) => false,
            Err(CreateError::ContractNotFound) => return Err(crate::contract_not_found()),
            Err(CreateError::LinkRefused) => {
                return Err(Problem::internal(&"an approval used a join link"))
            }
            Err(CreateError::Store(e)) => return Err(e.into()),
        }
    };
    if !done {
        return Err(entry_not_found());
    }
    tracing::info!(contract = %contract_id, by = %call.caller.user_id, "join request approved");
    view(links, Line::Approval, &contract_id).await
}

/// `POST .../join-requests/{entryId}/refuse`: off the requests, and a mail tells the person.
pub(super) async fn refuse(
    app: &App,
    links: &JoinLinks,
    call: &Call<'_>,
) -> Result<Response<Body>, Problem> {
    let (contract, line, at) = find(links, call, Line::Approval).await?;
    if !links.store.refuse_request(&line[at], (app.clock)()).await? {
        return Err(entry_not_found());
    }
    tracing::info!(contract = %contract, by = %call.caller.user_id, "join request refused");
    view(links, Line::Approval, &contract).await
}
