//! `admin-read`: every read of the admin site: contracts, the directory, invitations (list and
//! search, the CSV export, one invitation's history), imports and their reports, a contract's
//! admins and its funnel. Its role allows no write.

mod audit;
mod contracts;
pub mod export;
mod history;
mod imports;
mod invitations;
mod users;

use crate::functions::not_served;
use crate::shared::{admin_list, invitation_id, shown_now};
use crate::{accept, App};
use invitations_core::http::{self, respond_with};
use invitations_wire::routes;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "admin-read";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        match *call.route {
            routes::LIST_CONTRACTS => contracts::list(app, &call).await,
            routes::GET_CONTRACT => contracts::get(app, &call).await,
            routes::FUNNEL => contracts::funnel(app, &call).await,
            routes::LIST_GROUPS => contracts::groups(app, &call).await,
            routes::CONTRACT_AUDIT => audit::list(app, &call).await,
            routes::EXPORT_AUDIT => audit::export(app, &call).await,
            routes::SEARCH_USERS => users::search(app, &call).await,
            routes::LIST_INVITATIONS => invitations::list(app, &call).await,
            routes::COUNT_INVITATIONS => invitations::count(app, &call).await,
            routes::GET_INVITATION => {
                let invitation = shown_now(app, &call, &invitation_id(&call)?).await?;
                Ok(http::json(StatusCode::OK, &invitation))
            }
            routes::EXPORT_INVITATIONS => export::export(app, &call).await,
            routes::INVITATION_HISTORY => history::get(app, &call).await,
            routes::LIST_IMPORTS => imports::list(app, &call).await,
            routes::GET_IMPORT => imports::get(app, &call).await,
            routes::LIST_ADMINS => admin_list(app, call.contract()?).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}
