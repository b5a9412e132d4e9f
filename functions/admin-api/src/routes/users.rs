//! `GET /users?q=`: the directory, for picking people to invite.

use crate::{views, App};
use invitations_core::domain::Caller;
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// Open to system administrators and to anyone who administers at least one contract.
pub async fn search(app: &App, caller: &Caller, req: &Request) -> Result<Response<Body>, Problem> {
    if !caller.system_admin
        && !app
            .store
            .list_contracts()
            .await?
            .iter()
            .any(|c| c.is_admin(&caller.user_id))
    {
        return Err(Problem::forbidden(
            "Only contract administrators can search the directory.",
        ));
    }
    let q = http::query(req, "q").unwrap_or_default();
    if q.chars().count() > 254 {
        return Err(Problem::bad_request(
            "invalid_query",
            "The search text is too long.",
        ));
    }
    let limit = http::page_limit(req)?;
    let users = app.store.search_users(&q, limit).await?;
    Ok(http::json(
        StatusCode::OK,
        &wire::UserList {
            users: users.iter().map(views::user).collect(),
        },
    ))
}
