//! The admin Lambda functions, one module per function holding its handlers. Each has a
//! binary in `src/bin/` that builds only the clients it needs and calls its `handle`, which
//! reaches only its own routes (those the wire crate's route table gives it), so each binary
//! links only its own route handlers and each role (infra/template.yaml) allows only what
//! those handlers call.

pub mod add_invitations;
pub mod admin_read;
pub mod contract_admins;
pub mod contract_settings;
pub mod correct_address;
pub mod extend;
pub mod join_links;
pub mod people;
pub mod resend;
pub mod revoke;
pub mod webhook_endpoints;

use crate::App;
use futures::future::BoxFuture;
use invitations_core::http::{Problem, Route};
use invitations_wire::routes;
use lambda_http::{Body, Error, Request, Response};

/// A function's handler, callable from a table (the gateway and tests look it up by binary).
pub type Handler = for<'a> fn(&'a App, Request) -> BoxFuture<'a, Result<Response<Body>, Error>>;

/// One function as the template deploys it: its binary (`BuildProperties.Binary`) and its
/// handler; its routes are the route table's for that binary.
pub struct Function {
    pub binary: &'static str,
    pub handle: Handler,
}

impl Function {
    /// The routes it serves (`invitations_wire::routes`).
    pub fn routes(&self) -> Vec<&'static Route> {
        routes::of(self.binary).collect()
    }
}

/// A function's entry: its module's `BINARY` and `handle`.
macro_rules! function {
    ($module:ident) => {
        Function {
            binary: $module::BINARY,
            handle: |app, req| Box::pin($module::handle(app, req)),
        }
    };
}

/// Every admin function. The local gateway looks a route's binary up here.
pub const FUNCTIONS: &[Function] = &[
    function!(add_invitations),
    function!(resend),
    function!(revoke),
    function!(extend),
    function!(admin_read),
    function!(contract_admins),
    function!(correct_address),
    function!(contract_settings),
    function!(people),
    function!(webhook_endpoints),
    function!(join_links),
];

/// Every admin route, whichever function serves it.
pub fn all_routes() -> impl Iterator<Item = &'static Route> {
    routes::ROUTES.iter().filter(|r| !r.public)
}

/// The function that serves `binary`, if it is an admin function.
pub fn by_binary(binary: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.binary == binary)
}

/// A route of the table that the function named for it does not serve: a mistake in its
/// module, which the authorization matrix test finds.
pub(crate) fn not_served(route: &Route) -> Problem {
    Problem::internal(&format!(
        "{} is not served by {}",
        route.key(),
        route.function
    ))
}
