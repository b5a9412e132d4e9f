//! The admin Lambda functions, one per action. Each has a binary in `src/bin/` that builds only
//! the clients it needs and calls its `handle`, which reaches only its own routes (those the
//! wire crate's route table gives it), so each binary links only its own route handlers and
//! each role (infra/template.yaml) allows only what those handlers call.

use crate::routes::invitations::Action;
use crate::routes::{
    admins, bulk, contracts, export, history, imports, invitations, people, settings, users,
};
use crate::{accept, App};
use futures::future::BoxFuture;
use invitations_core::http::{param, respond_with, Problem, Route};
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

/// Every admin function. The local gateway looks a route's binary up here.
pub const FUNCTIONS: &[Function] = &[
    Function {
        binary: add_invitations::BINARY,
        handle: |app, req| Box::pin(add_invitations::handle(app, req)),
    },
    Function {
        binary: resend::BINARY,
        handle: |app, req| Box::pin(resend::handle(app, req)),
    },
    Function {
        binary: revoke::BINARY,
        handle: |app, req| Box::pin(revoke::handle(app, req)),
    },
    Function {
        binary: extend::BINARY,
        handle: |app, req| Box::pin(extend::handle(app, req)),
    },
    Function {
        binary: admin_read::BINARY,
        handle: |app, req| Box::pin(admin_read::handle(app, req)),
    },
    Function {
        binary: contract_admins::BINARY,
        handle: |app, req| Box::pin(contract_admins::handle(app, req)),
    },
    Function {
        binary: correct_address::BINARY,
        handle: |app, req| Box::pin(correct_address::handle(app, req)),
    },
    Function {
        binary: contract_settings::BINARY,
        handle: |app, req| Box::pin(contract_settings::handle(app, req)),
    },
    Function {
        binary: people_admin::BINARY,
        handle: |app, req| Box::pin(people_admin::handle(app, req)),
    },
];

/// Every admin route, whichever function serves it.
pub fn all_routes() -> impl Iterator<Item = &'static Route> {
    routes::ROUTES.iter().filter(|r| !r.public)
}

/// The function that serves `binary`, if it is an admin function.
pub fn by_binary(binary: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.binary == binary)
}

/// A route of the table that the function named for it does not serve: a mistake in this
/// file, which the authorization matrix test finds.
fn not_served(route: &Route) -> Problem {
    Problem::internal(&format!(
        "{} is not served by {}",
        route.key(),
        route.function
    ))
}

/// Invites people by address or from the directory, and announces CSV uploads (a presigned
/// PUT into the imports bucket, which triggers the import function).
pub mod add_invitations {
    use super::*;

    pub const BINARY: &str = "add-invitations";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let id = param(&params, "id");
            match *route {
                routes::ADD_INVITATIONS => invitations::add(app, &caller, id, &req).await,
                routes::ANNOUNCE_IMPORT => imports::create(app, &caller, id, &req).await,
                routes::INVITE_CHECKED => {
                    imports::invite_checked(app, &caller, id, param(&params, "importId")).await
                }
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// Sends an invitation again (a new link; the old one stops working), one or many.
pub mod resend {
    use super::*;

    pub const BINARY: &str = "resend";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let id = param(&params, "id");
            match *route {
                routes::RESEND => {
                    let invitation = param(&params, "invitationId");
                    invitations::act_on_one(app, &caller, id, invitation, Action::Resend).await
                }
                routes::RESEND_MANY => bulk::act(app, &caller, id, Action::Resend, &req).await,
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// Withdraws an invitation, unless the student has enrolled (a condition on the write), one or
/// many (by id, by address, or by filter).
pub mod revoke {
    use super::*;

    pub const BINARY: &str = "revoke";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let id = param(&params, "id");
            match *route {
                routes::REVOKE => {
                    let invitation = param(&params, "invitationId");
                    invitations::act_on_one(app, &caller, id, invitation, Action::Revoke).await
                }
                routes::REVOKE_MANY => bulk::act(app, &caller, id, Action::Revoke, &req).await,
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// Makes pending invitations' links (the same ones; nothing is mailed) last longer, one or
/// many: for people who were away when their invitation expired.
pub mod extend {
    use super::*;

    pub const BINARY: &str = "extend";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let id = param(&params, "id");
            match *route {
                routes::EXTEND => {
                    let invitation = param(&params, "invitationId");
                    invitations::act_on_one(app, &caller, id, invitation, Action::Extend).await
                }
                routes::EXTEND_MANY => bulk::act(app, &caller, id, Action::Extend, &req).await,
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// Every read of the admin site: contracts, the directory, invitations (list and search, the
/// CSV export, one invitation's history), imports and their reports, a contract's admins and
/// its funnel. Its role allows no write.
pub mod admin_read {
    use super::*;

    pub const BINARY: &str = "admin-read";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let id = || param(&params, "id");
            match *route {
                routes::LIST_CONTRACTS => contracts::list(app, &caller, &req).await,
                routes::GET_CONTRACT => contracts::get(app, &caller, id()).await,
                routes::SEARCH_USERS => users::search(app, &caller, &req).await,
                routes::LIST_INVITATIONS => invitations::list(app, &caller, id(), &req).await,
                routes::EXPORT_INVITATIONS => export::export(app, &caller, id(), &req).await,
                routes::INVITATION_HISTORY => {
                    history::get(app, &caller, id(), param(&params, "invitationId"), &req).await
                }
                routes::LIST_IMPORTS => imports::list(app, &caller, id()).await,
                routes::GET_IMPORT => {
                    imports::get(app, &caller, id(), param(&params, "importId")).await
                }
                routes::LIST_ADMINS => admins::list(app, &caller, id()).await,
                routes::FUNNEL => settings::funnel(app, &caller, id()).await,
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// A system administrator chooses a contract's admins (add, remove); audited.
pub mod contract_admins {
    use super::*;

    pub const BINARY: &str = "contract-admins";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let id = param(&params, "id");
            match *route {
                routes::ADD_ADMIN => admins::add(app, &caller, id, &req).await,
                routes::REMOVE_ADMIN => {
                    admins::remove(app, &caller, id, param(&params, "userId")).await
                }
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// A contract's admins set its invitation mail (and send themselves a test of it) and its
/// reminder plan; audited.
pub mod contract_settings {
    use super::*;

    pub const BINARY: &str = "contract-settings";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let id = param(&params, "id");
            match *route {
                routes::SET_MAIL => settings::set_mail(app, &caller, id, &req).await,
                routes::TEST_MAIL => settings::test_mail(app, &caller, id, &req).await,
                routes::SET_REMINDERS => settings::set_reminders(app, &caller, id, &req).await,
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// Mends an invitation whose mail bounced: moves it to a corrected address (a new link and a
/// new send), or lifts the block on its address.
pub mod correct_address {
    use super::*;

    pub const BINARY: &str = "correct-address";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let (id, invitation) = (param(&params, "id"), param(&params, "invitationId"));
            match *route {
                routes::CORRECT_ADDRESS => {
                    invitations::correct_address(app, &caller, id, invitation, &req).await
                }
                routes::CLEAR_BLOCK => invitations::clear_block(app, &caller, id, invitation).await,
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}

/// A system administrator adds people (their sign-in accounts) and grants or withdraws system
/// administration: the only function allowed to change the user pool.
pub mod people_admin {
    use super::*;

    pub const BINARY: &str = "people";

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(BINARY, &req)?;
            let user = || param(&params, "userId");
            match *route {
                routes::ADD_PERSON => people::add(app, &caller, &req).await,
                routes::GRANT_SYSTEM_ADMIN => {
                    people::set_system_admin(app, &caller, user(), true).await
                }
                routes::WITHDRAW_SYSTEM_ADMIN => {
                    people::set_system_admin(app, &caller, user(), false).await
                }
                _ => Err(not_served(route)),
            }
        })
        .await
    }
}
