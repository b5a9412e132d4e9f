//! A contract's waiting list for its admins (issue 30): who waits, in what order, through which
//! link; move someone to the front, up or down; take someone off. Every change applies to the
//! line as read and answers the line as it is after; a change made meanwhile by another admin
//! (or a promotion by the waiting-list function) is refused in words, never overwritten.

use crate::{Call, JoinLinks};
use invitations_core::domain::waiting::{plan_move, Move};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::to_wire::timestamp;
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use std::collections::HashMap;

fn entry_not_found() -> Problem {
    Problem::not_found(
        "waiting_entry_not_found",
        "This person is not on the contract's waiting list any more; it may have been invited.",
    )
}

fn changed() -> Problem {
    Problem::conflict(
        "waiting_list_changed",
        "The waiting list changed a moment ago (another administrator, or a place that freed); look at it again.",
    )
}

/// The line as the admins see it.
async fn view(links: &JoinLinks, contract: &ContractId) -> Result<wire::WaitingList, Problem> {
    let line = links.store.waiting_list(contract).await?;
    let mut audiences: HashMap<JoinLinkId, Option<String>> = HashMap::new();
    for entry in &line {
        if !audiences.contains_key(&entry.link_id) {
            let link = links.store.get_join_link(&entry.link_id).await?;
            audiences.insert(entry.link_id.clone(), link.map(|l| l.audience));
        }
    }
    Ok(wire::WaitingList {
        entries: line
            .iter()
            .enumerate()
            .map(|(i, e)| wire::WaitingEntry {
                id: e.id.to_string(),
                position: u32::try_from(i + 1).unwrap_or(u32::MAX),
                email: e.email.as_entered().to_owned(),
                joined_at: timestamp(e.joined_at),
                link_id: e.link_id.to_string(),
                link_audience: audiences.get(&e.link_id).cloned().flatten(),
            })
            .collect(),
    })
}

/// `GET /contracts/{id}/waiting-list`.
pub(super) async fn list(links: &JoinLinks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    Ok(http::json(
        StatusCode::OK,
        &view(links, &contract.id).await?,
    ))
}

/// The line as read, and where the entry the route names is in it.
async fn find(
    links: &JoinLinks,
    call: &Call<'_>,
) -> Result<(ContractId, Vec<WaitingEntry>, usize), Problem> {
    let contract = call.contract()?.id.clone();
    let id = WaitingId::parse(call.param("entryId")).map_err(|_| entry_not_found())?;
    let line = links.store.waiting_list(&contract).await?;
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
    let (contract, line, at) = find(links, call).await?;
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
    Ok(http::json(StatusCode::OK, &view(links, &contract).await?))
}

/// `POST .../waiting-list/{entryId}/remove`: off the line (their use of the link stays counted).
pub(super) async fn remove(links: &JoinLinks, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, line, at) = find(links, call).await?;
    if !links.store.remove_waiting(&line[at]).await? {
        return Err(entry_not_found());
    }
    tracing::info!(contract = %contract, by = %call.caller.user_id, "taken off the waiting list");
    Ok(http::json(StatusCode::OK, &view(links, &contract).await?))
}
