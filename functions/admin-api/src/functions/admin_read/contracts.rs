//! `GET /contracts?q=`, `GET /contracts/{id}` and its funnel.

use crate::{contract_not_found, views, App, Call};
use invitations_core::domain::Phase;
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// System administrators see every contract; contract admins only theirs. Active first, then
/// Future, then Expired, by name within each.
pub async fn list(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let caller = &call.caller;
    let q = http::query(call.req, "q")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let now = (app.clock)();
    let mut contracts: Vec<_> = app
        .contracts
        .list_contracts()
        .await?
        .into_iter()
        .filter(|c| caller.may_manage(c))
        .filter(|c| {
            q.is_empty() || c.name.to_lowercase().contains(&q) || c.id.as_str().to_lowercase() == q
        })
        .collect();
    let rank = |p: Phase| match p {
        Phase::Active => 0,
        Phase::Future => 1,
        Phase::Expired => 2,
    };
    contracts.sort_by_cached_key(|c| (rank(c.phase(now)), c.name.to_lowercase()));
    Ok(http::json(
        StatusCode::OK,
        &wire::ContractList {
            contracts: contracts.iter().map(|c| views::contract(c, now)).collect(),
        },
    ))
}

pub async fn get(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    Ok(http::json(
        StatusCode::OK,
        &views::contract(call.contract()?, (app.clock)()),
    ))
}

/// `GET /contracts/{id}/funnel`: one read of the contract item.
pub async fn funnel(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, funnel) = app
        .contracts
        .contract_funnel(&call.contract()?.id)
        .await?
        .ok_or_else(contract_not_found)?;
    Ok(http::json(
        StatusCode::OK,
        &views::funnel(&contract, &funnel),
    ))
}

/// `GET /contracts/{id}/groups` (issue 31): each group's invitations by what the Invitations
/// tab shows, by name; those in no group apart.
pub async fn groups(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let mut tally = app
        .invitations
        .group_figures(&contract.id, (app.clock)())
        .await?;
    let figures = |name: String, c: invitations_core::ports::GroupCounts| wire::GroupFigures {
        name,
        pending: c.pending,
        scheduled: c.scheduled,
        expired: c.expired,
        enrolled: c.enrolled,
        revoked: c.revoked,
    };
    let ungrouped = figures(String::new(), tally.remove(&None).unwrap_or_default());
    let groups = tally
        .into_iter()
        .filter_map(|(g, c)| g.map(|g| figures(g.to_string(), c)))
        .collect();
    Ok(http::json(
        StatusCode::OK,
        &wire::GroupList { groups, ungrouped },
    ))
}
