//! `GET /contracts?q=` and `GET /contracts/{id}`.

use crate::{managed_contract, views, App};
use invitations_core::domain::{Caller, Phase};
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// System administrators see every contract; contract admins only theirs. Active first, then
/// Future, then Expired, by name within each.
pub async fn list(app: &App, caller: &Caller, req: &Request) -> Result<Response<Body>, Problem> {
    let q = http::query(req, "q")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let now = (app.clock)();
    let mut contracts: Vec<_> = app
        .store
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

pub async fn get(app: &App, caller: &Caller, id: &str) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    Ok(http::json(
        StatusCode::OK,
        &views::contract(&contract, (app.clock)()),
    ))
}
