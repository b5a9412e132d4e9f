//! `GET /users?q=`: the directory, for picking people to invite.
//!
//! System administrators see everyone, with who administers the system. Contract admins pick
//! people to invite or to share their contract with: they search by at least
//! `user::SEARCH_MIN_LETTERS` characters, get at most `user::SEARCH_MAX_PEOPLE` people, and
//! never learn who the system administrators are (issue 26).

use crate::shared::search_too_long;
use crate::{views, App, Call};
use invitations_core::domain::user::{SEARCH_MAX_PEOPLE, SEARCH_MIN_LETTERS};
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// Open to system administrators and to anyone who administers at least one contract.
pub async fn search(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (caller, req) = (&call.caller, call.req);
    if !caller.system_admin
        && !app
            .contracts
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
        return Err(search_too_long());
    }
    let mut limit = http::page_limit(req)?;
    if !caller.system_admin {
        if q.trim().chars().count() < SEARCH_MIN_LETTERS {
            return Err(Problem::bad_request(
                "query_too_short",
                format!(
                    "Type at least {SEARCH_MIN_LETTERS} letters of the person's name or address to search the directory."
                ),
            ));
        }
        limit = limit.min(SEARCH_MAX_PEOPLE);
    }
    // System administrators page through everyone (the People page); contract admins get one
    // short page to pick from (issue 26).
    let cursor = match caller.system_admin {
        true => http::query(req, "cursor").filter(|c| !c.is_empty()),
        false => None,
    };
    let page = app
        .people
        .search_users_page(&q, limit, cursor.as_deref())
        .await?;
    let (users, next_cursor) = match caller.system_admin {
        true => (page.users, page.next_cursor),
        false => (page.users, None),
    };
    let shown = if caller.system_admin {
        views::user
    } else {
        views::directory_user
    };
    Ok(http::json(
        StatusCode::OK,
        &wire::UserList {
            users: users.iter().map(shown).collect(),
            next_cursor,
        },
    ))
}
