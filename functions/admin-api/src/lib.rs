//! The admin HTTP API (API Gateway HTTP API, payload v2), as nine Lambda functions: one per
//! action, each with its own binary (`src/bin/`), role and routes (see [`functions`]). Every
//! route needs a signed-in caller, whose verified JWT claims API Gateway puts in the request
//! context; contract routes also need the caller to manage that contract.
//!
//! The route handlers in [`routes`] are shared; a function's `handle` only reaches its own.

pub mod functions;
pub mod routes;
pub mod views;

use invitations_core::adapters::{CognitoAccounts, DynamoStore, S3Blobs};
use invitations_core::config::{self, SdkConfig};
use invitations_core::domain::{Caller, Contract, ContractId};
use invitations_core::http::{self, PathParams, Problem, Route};
use invitations_core::ports::{self, Accounts, Blobs, Clock, Store};
use lambda_http::{Body, Error, Request, Response};
use std::sync::Arc;

pub use functions::FUNCTIONS;

/// Everything a request needs, built once per cold start.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    /// The imports bucket: upload URLs for CSV files, download URLs for reports. Only the
    /// functions that serve import routes have it (and `IMPORTS_BUCKET` in their environment).
    pub blobs: Option<Arc<dyn Blobs>>,
    /// The user pool: adding people and granting system administration. Only the `people`
    /// function has it (and `USER_POOL_ID` in its environment).
    pub accounts: Option<Arc<dyn Accounts>>,
    pub clock: Clock,
}

impl App {
    /// The clients of one function, built once per cold start: the table. The binaries name
    /// the environment variables they read (tests/tests/template/ holds the template to them).
    pub fn new(sdk: &SdkConfig, table: String) -> Self {
        Self {
            store: Arc::new(DynamoStore::new(config::dynamodb(sdk), table)),
            blobs: None,
            accounts: None,
            clock: ports::system_clock(),
        }
    }

    /// Adds the imports bucket, for the functions that presign URLs into it. A separate call
    /// so that only their binaries link the S3 client (about 1 MB of arm64 code).
    pub fn with_imports_bucket(mut self, sdk: &SdkConfig, bucket: String) -> Self {
        self.blobs = Some(Arc::new(S3Blobs::new(config::s3(sdk), bucket)));
        self
    }

    /// Adds the user pool, for the function that manages people.
    pub fn with_user_pool(mut self, sdk: &SdkConfig, pool_id: String) -> Self {
        self.accounts = Some(Arc::new(CognitoAccounts::new(
            config::cognito(sdk),
            pool_id,
        )));
        self
    }

    /// The user pool; like [`App::imports_bucket`], only for the function deployed with it.
    pub fn user_pool(&self) -> Result<&Arc<dyn Accounts>, Problem> {
        self.accounts
            .as_ref()
            .ok_or_else(|| Problem::internal(&"this function has no user pool configured"))
    }

    /// The imports bucket; a function without one is deployed with a route it cannot serve,
    /// which `tests/tests/template/` rules out.
    pub fn imports_bucket(&self) -> Result<&Arc<dyn Blobs>, Problem> {
        self.blobs
            .as_ref()
            .ok_or_else(|| Problem::internal(&"this function has no imports bucket configured"))
    }
}

/// Every admin route, whichever function serves it: for hosts that run all the admin
/// functions in one process (the local stack, tests). Lambda calls the function's own handle.
pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    match http::route(functions::all_routes(), &req) {
        Ok((route, _)) => match functions::by_binary(route.function) {
            Some(f) => (f.handle)(app, req).await,
            None => {
                Ok(Problem::internal(&format!("no function {}", route.function)).into_response())
            }
        },
        // No function serves it: 404, or 405 when another method has this path.
        Err(problem) => Ok(problem.into_response()),
    }
}

/// A request to one of the routes `binary` serves: its route, path parameters and verified
/// caller.
pub(crate) fn accept(
    binary: &str,
    req: &Request,
) -> Result<(&'static Route, PathParams, Caller), Problem> {
    let (route, params) = http::route(invitations_wire::routes::of(binary), req)?;
    let caller = http::caller(req)?;
    Ok((route, params, caller))
}

/// 404 for a contract that does not exist (or is gone by the time a change is written).
pub(crate) fn contract_not_found() -> Problem {
    Problem::not_found("contract_not_found", "There is no such learning contract.")
}

/// The contract at `id`, if the caller manages it: 404 when there is none, 403 when it is
/// someone else's.
pub async fn managed_contract(app: &App, caller: &Caller, id: &str) -> Result<Contract, Problem> {
    let id = ContractId::parse(id).map_err(|_| contract_not_found())?;
    let contract = app
        .store
        .get_contract(&id)
        .await?
        .ok_or_else(contract_not_found)?;
    if !caller.may_manage(&contract) {
        return Err(Problem::forbidden(
            "You are not an administrator of this learning contract.",
        ));
    }
    Ok(contract)
}
