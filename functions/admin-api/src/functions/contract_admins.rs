//! `contract-admins`: a system administrator chooses a contract's admins (add, remove). Both
//! changes are idempotent and audited; who they are is `admin-read`'s.

use crate::functions::not_served;
use crate::shared::{admin_list, user_not_found};
use crate::{accept, contract_not_found, App, Call};
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem};
use invitations_wire::{self as wire, routes};
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "contract-admins";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        match *call.route {
            routes::ADD_ADMIN => add(app, &call).await,
            routes::REMOVE_ADMIN => remove(app, &call).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

/// `POST /contracts/{id}/admins` with `{"user_id": ...}`: someone from the directory.
async fn add(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, caller) = system_admins_only(call)?;
    let body: wire::NewAdmin = http::body(call.req)?;
    let user = UserId::parse(body.user_id.trim()).map_err(|e| {
        Problem::bad_request(
            "invalid_user_id",
            format!("{e} Pick the person from the directory."),
        )
    })?;
    let person = app
        .people
        .get_user(&user)
        .await?
        .ok_or_else(user_not_found)?;
    // Someone who cannot sign in (disabled in or removed from the user pool, issue 32) would
    // be an admin in name only.
    if !person.standing.is_active() {
        return Err(Problem::conflict(
            "cannot_sign_in",
            format!(
                "{} is {} in the sign-in service and cannot sign in, so cannot manage the contract.",
                person.name,
                person.standing.as_str()
            ),
        ));
    }
    let after = app
        .contracts
        .add_contract_admin(&contract.id, &user, &caller.user_id, (app.clock)())
        .await?
        .ok_or_else(contract_not_found)?;
    admin_list(app, &after).await
}

/// `POST /contracts/{id}/admins/{userId}/remove`: removing someone who is not an admin changes
/// nothing.
async fn remove(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, caller) = system_admins_only(call)?;
    let user = UserId::parse(call.param("userId")).map_err(|_| user_not_found())?;
    let after = app
        .contracts
        .remove_contract_admin(&contract.id, &user, &caller.user_id, (app.clock)())
        .await?
        .ok_or_else(contract_not_found)?;
    admin_list(app, &after).await
}

/// Contract admins may see their co-admins but not choose them: that is the system's call.
fn system_admins_only<'c>(call: &'c Call<'_>) -> Result<(&'c Contract, &'c Caller), Problem> {
    let contract = call.contract()?;
    if !call.caller.system_admin {
        return Err(Problem::forbidden(
            "Only system administrators choose a learning contract's admins.",
        ));
    }
    Ok((contract, &call.caller))
}
