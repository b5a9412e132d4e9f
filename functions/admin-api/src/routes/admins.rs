//! A contract's admins: who they are (for anyone who manages the contract), and adding or
//! removing one (system administrators only). Both changes are idempotent and audited.

use crate::{contract_not_found, managed_contract, views, App};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// `GET /contracts/{id}/admins`.
pub async fn list(app: &App, caller: &Caller, id: &str) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    admin_list(app, &contract).await
}

/// `POST /contracts/{id}/admins` with `{"user_id": ...}`: someone from the directory.
pub async fn add(
    app: &App,
    caller: &Caller,
    id: &str,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let contract = system_admins_only(app, caller, id).await?;
    let body: wire::NewAdmin = http::body(req)?;
    let user = UserId::parse(body.user_id.trim()).map_err(|e| {
        Problem::bad_request(
            "invalid_user_id",
            format!("{e} Pick the person from the directory."),
        )
    })?;
    if app.store.get_user(&user).await?.is_none() {
        return Err(user_not_found());
    }
    let after = app
        .store
        .add_contract_admin(&contract.id, &user, &caller.user_id, (app.clock)())
        .await?
        .ok_or_else(contract_not_found)?;
    admin_list(app, &after).await
}

/// `POST /contracts/{id}/admins/{userId}/remove`: removing someone who is not an admin changes
/// nothing.
pub async fn remove(
    app: &App,
    caller: &Caller,
    id: &str,
    user_id: &str,
) -> Result<Response<Body>, Problem> {
    let contract = system_admins_only(app, caller, id).await?;
    let user = UserId::parse(user_id).map_err(|_| user_not_found())?;
    let after = app
        .store
        .remove_contract_admin(&contract.id, &user, &caller.user_id, (app.clock)())
        .await?
        .ok_or_else(contract_not_found)?;
    admin_list(app, &after).await
}

/// Contract admins may see their co-admins but not choose them: that is the system's call.
async fn system_admins_only(app: &App, caller: &Caller, id: &str) -> Result<Contract, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    if !caller.system_admin {
        return Err(Problem::forbidden(
            "Only system administrators choose a learning contract's admins.",
        ));
    }
    Ok(contract)
}

async fn admin_list(app: &App, contract: &Contract) -> Result<Response<Body>, Problem> {
    let mut admins = Vec::with_capacity(contract.admins.len());
    for id in &contract.admins {
        let user = app.store.get_user(id).await?;
        admins.push(views::admin(id, user.as_ref()));
    }
    Ok(http::json(StatusCode::OK, &wire::AdminList { admins }))
}

fn user_not_found() -> Problem {
    Problem::not_found(
        "user_not_found",
        "There is no such person in the directory.",
    )
}
