//! The admin HTTP API (API Gateway HTTP API, payload v2), as nine Lambda functions: one per
//! action, each with its own binary (`src/bin/`), role and routes. Each function is one module
//! of [`functions`] holding its handlers; [`actions`] is what resend, extend and revoke share
//! (one invitation or many). Every route needs a signed-in caller, whose verified JWT claims
//! API Gateway puts in the request context; a route under `/contracts/{id}` also needs the
//! caller to manage that contract, checked once in [`accept`] before any handler runs.

pub mod actions;
pub mod functions;
pub mod options;
pub mod shared;
pub mod views;

use invitations_core::adapters::{CognitoAccounts, DynamoStore, S3Blobs};
use invitations_core::config::{self, SdkConfig};
use invitations_core::domain::{Caller, Contract, ContractId};
use invitations_core::http::{self, param, PathParams, Problem, Route};
use invitations_core::keys::{LinkKeys, OnFirstUse};
use invitations_core::ports::{
    self, Accounts, Blobs, BlockStore, Clock, ContractStore, ImportStore, InvitationStore,
    JoinLinkStore, PeopleStore, Store, TransitionStore, WaitingListStore, WebhookStore,
};
use lambda_http::{Body, Error, Request, Response};
use std::sync::Arc;

pub use functions::FUNCTIONS;

/// Everything a request needs, built once per cold start. The table is reached through narrow
/// ports, so a handler's code shows which part of the table it touches (and its function's
/// role in infra/template.yaml allows exactly that).
#[derive(Clone)]
pub struct App {
    /// Contracts: records, admins, mail and reminder settings, the funnel, test mails.
    pub contracts: Arc<dyn ContractStore>,
    /// The directory of people.
    pub people: Arc<dyn PeopleStore>,
    /// Creating, reading and searching invitations, and their history.
    pub invitations: Arc<dyn InvitationStore>,
    /// Resend, revoke, extend, correct an address, clear a block: the conditional writes.
    pub transitions: Arc<dyn TransitionStore>,
    /// Addresses the mail service refuses (bounces, complaints).
    pub blocks: Arc<dyn BlockStore>,
    /// CSV imports and their reports.
    pub imports: Arc<dyn ImportStore>,
    /// The contracts' waiting lists: people invited over the seat limit, when asked, wait there.
    pub waiting: Arc<dyn WaitingListStore>,
    /// Each admin's own mail about a contract (issue 31).
    pub notices: Arc<dyn invitations_core::ports::NoticeStore>,
    /// Privacy requests and the do-not-invite list (issue 32).
    pub privacy: Arc<dyn invitations_core::ports::PrivacyStore>,
    /// The imports bucket: upload URLs for CSV files, download URLs for reports. Only the
    /// functions that serve import routes have it (and `IMPORTS_BUCKET` in their environment).
    pub blobs: Option<Arc<dyn Blobs>>,
    /// The user pool: adding people and granting system administration. Only the `people`
    /// function has it (and `USER_POOL_ID` in its environment).
    pub accounts: Option<Arc<dyn Accounts>>,
    /// Webhook endpoints, their sealing key and the address guard: only the
    /// `webhook-endpoints` function has them (`WEBHOOK_SEALING_SECRET` in its environment).
    pub webhooks: Option<Webhooks>,
    /// Join links and the key that makes their codes: only the `join-links` function has
    /// them (its main names the link signing key's secret; the key is read on first use).
    pub join_links: Option<JoinLinks>,
    pub clock: Clock,
}

/// What the join link routes need of the table: the links, and the contracts' waiting lists.
pub trait JoinLinksStore: JoinLinkStore + WaitingListStore {}
impl<T: JoinLinkStore + WaitingListStore + ?Sized> JoinLinksStore for T {}

/// What the join link routes need: the links, and the key their codes are made with (read
/// when a route first shows a code, issue 33).
#[derive(Clone)]
pub struct JoinLinks {
    pub store: Arc<dyn JoinLinksStore>,
    pub key: LinkKeys,
}

/// What the webhook routes need beside the table's endpoints and messages. The sealing key is
/// read when a route first seals a secret (issue 33: `config::webhook_sealing_key`).
#[derive(Clone)]
pub struct Webhooks {
    pub store: Arc<dyn WebhookStore>,
    pub key: OnFirstUse<webhooks::SealingKey>,
    pub policy: webhooks::Policy,
}

impl Webhooks {
    /// With the sealing key's material in hand (tests, the local stack).
    pub fn new(store: Arc<dyn WebhookStore>, material: &str, policy: webhooks::Policy) -> Self {
        Self {
            store,
            key: OnFirstUse::ready(webhooks::SealingKey::from_material(material)),
            policy,
        }
    }
}

impl App {
    /// The clients of one function, built once per cold start: the table. The binaries name
    /// the environment variables they read (tests/tests/template/ holds the template to them).
    pub fn new(sdk: &SdkConfig, table: String) -> Self {
        let store = Arc::new(DynamoStore::new(config::dynamodb(sdk), table));
        Self::on(store, ports::system_clock())
    }

    /// As `new`, for a function that writes the contract's audit: its audit records and
    /// history items are kept `audit_kept` (the binary reads AUDIT_RETENTION_DAYS, issue 32).
    pub fn auditing(sdk: &SdkConfig, table: String, audit_kept: chrono::Duration) -> Self {
        let store = DynamoStore::new(config::dynamodb(sdk), table).with_audit_retention(audit_kept);
        Self::on(Arc::new(store), ports::system_clock())
    }

    /// Over one store (each port a view of it), without a bucket or a user pool.
    pub fn on(store: Arc<dyn Store>, clock: Clock) -> Self {
        Self {
            contracts: store.clone(),
            people: store.clone(),
            invitations: store.clone(),
            transitions: store.clone(),
            blocks: store.clone(),
            waiting: store.clone(),
            notices: store.clone(),
            privacy: store.clone(),
            imports: store,
            blobs: None,
            accounts: None,
            webhooks: None,
            join_links: None,
            clock,
        }
    }

    /// Adds the imports bucket, for the functions that presign URLs into it. A separate call
    /// so that only their binaries link the S3 client (about 1 MB of arm64 code).
    pub fn with_imports_bucket(self, sdk: &SdkConfig, bucket: String) -> Self {
        self.with_blobs(Arc::new(S3Blobs::new(config::s3(sdk), bucket)))
    }

    pub fn with_blobs(mut self, blobs: Arc<dyn Blobs>) -> Self {
        self.blobs = Some(blobs);
        self
    }

    /// Adds the user pool, for the function that manages people.
    pub fn with_user_pool(self, sdk: &SdkConfig, pool_id: String) -> Self {
        self.with_accounts(Arc::new(CognitoAccounts::new(
            config::cognito(sdk),
            pool_id,
        )))
    }

    pub fn with_accounts(mut self, accounts: Arc<dyn Accounts>) -> Self {
        self.accounts = Some(accounts);
        self
    }

    pub fn with_webhooks(mut self, webhooks: Webhooks) -> Self {
        self.webhooks = Some(webhooks);
        self
    }

    pub fn with_join_links(mut self, join_links: JoinLinks) -> Self {
        self.join_links = Some(join_links);
        self
    }

    /// The join links; only for the function deployed with them.
    pub fn join_links(&self) -> Result<&JoinLinks, Problem> {
        self.join_links
            .as_ref()
            .ok_or_else(|| Problem::internal(&"this function has no join links configured"))
    }

    /// The webhook endpoints; only for the function deployed with them.
    pub fn webhook_endpoints(&self) -> Result<&Webhooks, Problem> {
        self.webhooks
            .as_ref()
            .ok_or_else(|| Problem::internal(&"this function has no webhook endpoints configured"))
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

/// One accepted request: its route, the verified caller and, for a route under
/// `/contracts/{id}`, the contract, which the caller manages.
pub struct Call<'r> {
    pub route: &'static Route,
    pub caller: Caller,
    pub req: &'r Request,
    params: PathParams,
    contract: Option<Contract>,
}

impl Call<'_> {
    /// The path parameter `name` (the route table names them).
    pub fn param(&self, name: &str) -> &str {
        param(&self.params, name)
    }

    /// The contract the route names, checked by [`accept`].
    pub fn contract(&self) -> Result<&Contract, Problem> {
        self.contract
            .as_ref()
            .ok_or_else(|| Problem::internal(&format!("{} names no contract", self.route.key())))
    }
}

/// A request to one of the routes `binary` serves, from a signed-in caller who may act on the
/// contract it names (if it names one): 404 for a route or contract that does not exist, 401
/// without a caller, 403 for someone else's contract.
pub async fn accept<'r>(app: &App, binary: &str, req: &'r Request) -> Result<Call<'r>, Problem> {
    let (route, params) = http::route(invitations_wire::routes::of(binary), req)?;
    let caller = http::caller(req)?;
    let contract = match route.names_a_contract() {
        true => Some(managed_contract(app, &caller, param(&params, "id")).await?),
        false => None,
    };
    Ok(Call {
        route,
        caller,
        req,
        params,
        contract,
    })
}

/// 404 for a contract that does not exist (or is gone by the time a change is written).
pub(crate) fn contract_not_found() -> Problem {
    Problem::not_found("contract_not_found", "There is no such learning contract.")
}

/// The contract at `id`, if the caller manages it: 404 when there is none, 403 when it is
/// someone else's.
async fn managed_contract(app: &App, caller: &Caller, id: &str) -> Result<Contract, Problem> {
    let id = ContractId::parse(id).map_err(|_| contract_not_found())?;
    let contract = app
        .contracts
        .get_contract(&id)
        .await?
        .ok_or_else(contract_not_found)?;
    if !caller.may_manage(&contract) {
        return Err(not_your_contract(app, &contract).await);
    }
    Ok(contract)
}

/// 403 for someone else's contract, naming (by name only, a few at most) whom to ask, so the
/// page that shows it is no dead end (issue 28).
async fn not_your_contract(app: &App, contract: &Contract) -> Problem {
    const NAMED: usize = 3;
    let names = match shared::names_of(app, contract.admins.iter().take(NAMED)).await {
        Ok(names) => names,
        Err(problem) => return problem,
    };
    let mut named: Vec<&str> = contract
        .admins
        .iter()
        .take(NAMED)
        .filter_map(|id| names.get(id).map(String::as_str))
        .collect();
    named.sort_unstable();
    let more = contract.admins.len() > named.len();
    let ask = match (named.as_slice(), more) {
        ([], _) => "Ask a system administrator to add you on its Admins tab.".to_owned(),
        ([one], false) => format!(
            "Its admin is {one}: ask them, or a system administrator, to add you on its Admins tab."
        ),
        (names, more) => {
            let (last, first) = names.split_last().expect("at least one name");
            let list = match (first.is_empty(), more) {
                (true, _) => format!("include {last}"),
                (false, true) => format!("include {}, {last}", first.join(", ")),
                (false, false) => format!("are {} and {last}", first.join(", ")),
            };
            format!(
                "Its admins {list}: ask one of them, or a system administrator, to add you on \
                 its Admins tab."
            )
        }
    };
    Problem::forbidden(format!(
        "You are not an administrator of this learning contract. {ask}"
    ))
}
