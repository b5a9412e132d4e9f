//! The admin HTTP API (API Gateway HTTP API, payload v2). Every route needs a signed-in caller,
//! whose verified JWT claims API Gateway puts in the request context; contract routes also need
//! the caller to manage that contract.

pub mod routes;
pub mod views;

use invitations_core::domain::{Caller, Contract, ContractId};
use invitations_core::http::{self, Problem, Route};
use invitations_core::ports::{Blobs, Clock, Store};
use lambda_http::{Body, Error, Request, Response};
use std::sync::Arc;

/// Everything a request needs, built once per cold start.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    /// The imports bucket: upload URLs for CSV files, download URLs for reports.
    pub blobs: Arc<dyn Blobs>,
    pub clock: Clock,
}

/// The routes this function serves, exactly as infra/template.yaml declares them.
pub const ROUTES: &[Route] = &[
    Route::new("GET", "/contracts"),
    Route::new("GET", "/contracts/{id}"),
    Route::new("GET", "/users"),
    Route::new("GET", "/contracts/{id}/invitations"),
    Route::new("POST", "/contracts/{id}/invitations"),
    Route::new("POST", "/contracts/{id}/invitations/{invitationId}/resend"),
    Route::new("POST", "/contracts/{id}/invitations/{invitationId}/revoke"),
    Route::new("POST", "/contracts/{id}/imports"),
    Route::new("GET", "/contracts/{id}/imports"),
    Route::new("GET", "/contracts/{id}/imports/{importId}"),
    Route::new("GET", "/contracts/{id}/admins"),
    Route::new("POST", "/contracts/{id}/admins"),
    Route::new("POST", "/contracts/{id}/admins/{userId}/remove"),
];

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    Ok(match dispatch(app, &req).await {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    })
}

async fn dispatch(app: &App, req: &Request) -> Result<Response<Body>, Problem> {
    let (route, params) = http::route(ROUTES, req)?;
    let caller = http::caller(req)?;
    let id = || http::param(&params, "id");
    let invitation = || http::param(&params, "invitationId");
    use routes::*;
    match (route.method, route.path) {
        ("GET", "/contracts") => contracts::list(app, &caller, req).await,
        ("GET", "/contracts/{id}") => contracts::get(app, &caller, id()).await,
        ("GET", "/users") => users::search(app, &caller, req).await,
        ("GET", "/contracts/{id}/invitations") => invitations::list(app, &caller, id(), req).await,
        ("POST", "/contracts/{id}/invitations") => invitations::add(app, &caller, id(), req).await,
        ("POST", "/contracts/{id}/invitations/{invitationId}/resend") => {
            invitations::resend(app, &caller, id(), invitation()).await
        }
        ("POST", "/contracts/{id}/invitations/{invitationId}/revoke") => {
            invitations::revoke(app, &caller, id(), invitation()).await
        }
        ("POST", "/contracts/{id}/imports") => imports::create(app, &caller, id(), req).await,
        ("GET", "/contracts/{id}/imports") => imports::list(app, &caller, id()).await,
        ("GET", "/contracts/{id}/imports/{importId}") => {
            imports::get(app, &caller, id(), http::param(&params, "importId")).await
        }
        ("GET", "/contracts/{id}/admins") => admins::list(app, &caller, id()).await,
        ("POST", "/contracts/{id}/admins") => admins::add(app, &caller, id(), req).await,
        ("POST", "/contracts/{id}/admins/{userId}/remove") => {
            admins::remove(app, &caller, id(), http::param(&params, "userId")).await
        }
        _ => Err(Problem::not_found(
            "not_found",
            "There is nothing at this address.",
        )),
    }
}

/// The contract at `id`, if the caller manages it: 404 when there is none, 403 when it is
/// someone else's.
pub async fn managed_contract(app: &App, caller: &Caller, id: &str) -> Result<Contract, Problem> {
    let not_found =
        || Problem::not_found("contract_not_found", "There is no such learning contract.");
    let id = ContractId::parse(id).map_err(|_| not_found())?;
    let contract = app.store.get_contract(&id).await?.ok_or_else(not_found)?;
    if !caller.may_manage(&contract) {
        return Err(Problem::forbidden(
            "You are not an administrator of this learning contract.",
        ));
    }
    Ok(contract)
}
