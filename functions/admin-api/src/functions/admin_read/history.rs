//! `GET /contracts/{id}/invitations/{invitationId}/history?cursor=&limit=`: what happened to
//! one invitation, newest first, from its own history items (one Query, no scan of the
//! contract's audit).

use crate::shared::invitation_id;
use crate::{views, App, Call};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use std::collections::HashMap;

pub async fn get(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let invitation = invitation_id(call)?;
    let limit = http::page_limit(call.req)?;
    let cursor = http::query(call.req, "cursor").filter(|c| !c.is_empty());
    let page = app
        .invitations
        .invitation_history(&contract.id, &invitation, cursor.as_deref(), limit)
        .await?
        .ok_or_else(Problem::invitation_not_found)?;
    // Who acted, in words: a page names a few people, each looked up once.
    let mut names: HashMap<UserId, Option<String>> = HashMap::new();
    for actor in page.entries.iter().filter_map(|e| e.actor.as_ref()) {
        if !names.contains_key(actor) {
            let shown = app
                .people
                .get_user(actor)
                .await?
                .map(|u| format!("{} <{}>", u.name, u.email));
            names.insert(actor.clone(), shown);
        }
    }
    Ok(http::json(
        StatusCode::OK,
        &views::history(&invitation, &page, &names),
    ))
}
