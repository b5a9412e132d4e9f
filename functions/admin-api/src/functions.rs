//! The admin Lambda functions, one per action. Each has a binary in `src/bin/` that builds only
//! the clients it needs and calls its `handle`, which reaches only its own routes, so each
//! binary links only its own route handlers and each role (infra/template.yaml) allows only
//! what those handlers call.

use crate::routes::{
    admins, bulk, contracts, export, history, imports, invitations, people, settings, users,
};
use crate::{accept, App};
use futures::future::BoxFuture;
use invitations_core::http::{param, respond_with, Problem, Route};
use lambda_http::{Body, Error, Request, Response};

/// A function's handler, callable from a table (the gateway and tests look it up by binary).
pub type Handler = for<'a> fn(&'a App, Request) -> BoxFuture<'a, Result<Response<Body>, Error>>;

/// One function as the template deploys it: its binary (`BuildProperties.Binary`), the routes
/// its `HttpApi` events declare, and its handler.
pub struct Function {
    pub binary: &'static str,
    pub routes: &'static [Route],
    pub handle: Handler,
}

/// Every admin function. The local gateway looks a route's binary up here.
pub const FUNCTIONS: &[Function] = &[
    Function {
        binary: "add-invitations",
        routes: add_invitations::ROUTES,
        handle: |app, req| Box::pin(add_invitations::handle(app, req)),
    },
    Function {
        binary: "resend",
        routes: resend::ROUTES,
        handle: |app, req| Box::pin(resend::handle(app, req)),
    },
    Function {
        binary: "revoke",
        routes: revoke::ROUTES,
        handle: |app, req| Box::pin(revoke::handle(app, req)),
    },
    Function {
        binary: "extend",
        routes: extend::ROUTES,
        handle: |app, req| Box::pin(extend::handle(app, req)),
    },
    Function {
        binary: "admin-read",
        routes: admin_read::ROUTES,
        handle: |app, req| Box::pin(admin_read::handle(app, req)),
    },
    Function {
        binary: "contract-admins",
        routes: contract_admins::ROUTES,
        handle: |app, req| Box::pin(contract_admins::handle(app, req)),
    },
    Function {
        binary: "correct-address",
        routes: correct_address::ROUTES,
        handle: |app, req| Box::pin(correct_address::handle(app, req)),
    },
    Function {
        binary: "contract-settings",
        routes: contract_settings::ROUTES,
        handle: |app, req| Box::pin(contract_settings::handle(app, req)),
    },
    Function {
        binary: "people",
        routes: people_admin::ROUTES,
        handle: |app, req| Box::pin(people_admin::handle(app, req)),
    },
];

/// Every admin route, whichever function serves it.
pub fn all_routes() -> impl Iterator<Item = &'static Route> {
    FUNCTIONS.iter().flat_map(|f| f.routes)
}

/// The function that serves `binary`, if it is an admin function.
pub fn by_binary(binary: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.binary == binary)
}

/// Invites people by address or from the directory, and announces CSV uploads (a presigned
/// PUT into the imports bucket, which triggers the import function).
pub mod add_invitations {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("POST", "/contracts/{id}/invitations"),
        Route::new("POST", "/contracts/{id}/imports"),
        Route::new("POST", "/contracts/{id}/imports/{importId}/invite"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let id = param(&params, "id");
            match route.path {
                "/contracts/{id}/invitations" => invitations::add(app, &caller, id, &req).await,
                "/contracts/{id}/imports" => imports::create(app, &caller, id, &req).await,
                _ => imports::invite_checked(app, &caller, id, param(&params, "importId")).await,
            }
        })
        .await
    }
}

/// Sends an invitation again (a new link; the old one stops working), one or many.
pub mod resend {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("POST", "/contracts/{id}/invitations/{invitationId}/resend"),
        Route::new("POST", "/contracts/{id}/invitations/resend"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let id = param(&params, "id");
            if route.path.contains("{invitationId}") {
                invitations::resend(app, &caller, id, param(&params, "invitationId")).await
            } else {
                bulk::act(app, &caller, id, bulk::BulkAction::Resend, &req).await
            }
        })
        .await
    }
}

/// Withdraws an invitation, unless the student has enrolled (a condition on the write), one or
/// many (by id, by address, or by filter).
pub mod revoke {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("POST", "/contracts/{id}/invitations/{invitationId}/revoke"),
        Route::new("POST", "/contracts/{id}/invitations/revoke"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let id = param(&params, "id");
            if route.path.contains("{invitationId}") {
                invitations::revoke(app, &caller, id, param(&params, "invitationId")).await
            } else {
                bulk::act(app, &caller, id, bulk::BulkAction::Revoke, &req).await
            }
        })
        .await
    }
}

/// Makes pending invitations' links (the same ones; nothing is mailed) last longer, one or
/// many: for people who were away when their invitation expired.
pub mod extend {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("POST", "/contracts/{id}/invitations/{invitationId}/extend"),
        Route::new("POST", "/contracts/{id}/invitations/extend"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let id = param(&params, "id");
            if route.path.contains("{invitationId}") {
                invitations::extend(app, &caller, id, param(&params, "invitationId")).await
            } else {
                bulk::act(app, &caller, id, bulk::BulkAction::Extend, &req).await
            }
        })
        .await
    }
}

/// Every read of the admin site: contracts, the directory, invitations (list and search, the
/// CSV export, one invitation's history), imports and their reports, a contract's admins. Its role allows no write.
pub mod admin_read {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("GET", "/contracts"),
        Route::new("GET", "/contracts/{id}"),
        Route::new("GET", "/users"),
        Route::new("GET", "/contracts/{id}/invitations"),
        Route::new("GET", "/contracts/{id}/invitations/export"),
        Route::new("GET", "/contracts/{id}/invitations/{invitationId}/history"),
        Route::new("GET", "/contracts/{id}/imports"),
        Route::new("GET", "/contracts/{id}/imports/{importId}"),
        Route::new("GET", "/contracts/{id}/admins"),
        Route::new("GET", "/contracts/{id}/funnel"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let id = || param(&params, "id");
            match route.path {
                "/contracts" => contracts::list(app, &caller, &req).await,
                "/contracts/{id}" => contracts::get(app, &caller, id()).await,
                "/users" => users::search(app, &caller, &req).await,
                "/contracts/{id}/invitations" => invitations::list(app, &caller, id(), &req).await,
                "/contracts/{id}/invitations/export" => {
                    export::export(app, &caller, id(), &req).await
                }
                "/contracts/{id}/invitations/{invitationId}/history" => {
                    history::get(app, &caller, id(), param(&params, "invitationId"), &req).await
                }
                "/contracts/{id}/imports" => imports::list(app, &caller, id()).await,
                "/contracts/{id}/imports/{importId}" => {
                    imports::get(app, &caller, id(), param(&params, "importId")).await
                }
                "/contracts/{id}/admins" => admins::list(app, &caller, id()).await,
                "/contracts/{id}/funnel" => settings::funnel(app, &caller, id()).await,
                _ => Err(not_found()),
            }
        })
        .await
    }
}

/// A system administrator chooses a contract's admins (add, remove); audited.
pub mod contract_admins {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("POST", "/contracts/{id}/admins"),
        Route::new("POST", "/contracts/{id}/admins/{userId}/remove"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let id = param(&params, "id");
            match route.path {
                "/contracts/{id}/admins" => admins::add(app, &caller, id, &req).await,
                _ => admins::remove(app, &caller, id, param(&params, "userId")).await,
            }
        })
        .await
    }
}

/// A contract's admins set its invitation mail (and send themselves a test of it) and its
/// reminder plan; audited.
pub mod contract_settings {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("POST", "/contracts/{id}/mail"),
        Route::new("POST", "/contracts/{id}/mail/test"),
        Route::new("POST", "/contracts/{id}/reminders"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let id = param(&params, "id");
            match route.path {
                "/contracts/{id}/mail" => settings::set_mail(app, &caller, id, &req).await,
                "/contracts/{id}/mail/test" => settings::test_mail(app, &caller, id, &req).await,
                _ => settings::set_reminders(app, &caller, id, &req).await,
            }
        })
        .await
    }
}

/// Mends an invitation whose mail bounced: moves it to a corrected address (a new link and a
/// new send), or lifts the block on its address.
pub mod correct_address {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new(
            "POST",
            "/contracts/{id}/invitations/{invitationId}/correct-address",
        ),
        Route::new(
            "POST",
            "/contracts/{id}/invitations/{invitationId}/clear-block",
        ),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let (id, invitation) = (param(&params, "id"), param(&params, "invitationId"));
            if route.path.ends_with("/correct-address") {
                invitations::correct_address(app, &caller, id, invitation, &req).await
            } else {
                invitations::clear_block(app, &caller, id, invitation).await
            }
        })
        .await
    }
}

/// A system administrator adds people (their sign-in accounts) and grants or withdraws system
/// administration: the only function allowed to change the user pool.
pub mod people_admin {
    use super::*;

    pub const ROUTES: &[Route] = &[
        Route::new("POST", "/users"),
        Route::new("POST", "/users/{userId}/system-admin"),
        Route::new("POST", "/users/{userId}/system-admin/remove"),
    ];

    pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
        respond_with(async {
            let (route, params, caller) = accept(ROUTES, &req)?;
            let user = || param(&params, "userId");
            match route.path {
                "/users" => people::add(app, &caller, &req).await,
                "/users/{userId}/system-admin" => {
                    people::set_system_admin(app, &caller, user(), true).await
                }
                _ => people::set_system_admin(app, &caller, user(), false).await,
            }
        })
        .await
    }
}

pub(crate) fn not_found() -> Problem {
    Problem::not_found("not_found", "There is nothing at this address.")
}
