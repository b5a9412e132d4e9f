//! `GET /contracts/{id}/invitations/{invitationId}/history?cursor=&limit=`: what happened to
//! one invitation, newest first, from its own history items (one Query, no scan of the
//! contract's audit).

use super::invitations::invitation_not_found;
use crate::{managed_contract, views, App};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use std::collections::HashMap;

pub async fn get(
    app: &App,
    caller: &Caller,
    id: &str,
    invitation: &str,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let invitation = InvitationId::parse(invitation).map_err(|_| invitation_not_found())?;
    let limit = http::page_limit(req)?;
    let cursor = http::query(req, "cursor").filter(|c| !c.is_empty());
    let page = app
        .store
        .invitation_history(&contract.id, &invitation, cursor.as_deref(), limit)
        .await?
        .ok_or_else(invitation_not_found)?;
    // Who acted, in words: a page names a few people, each looked up once.
    let mut names: HashMap<UserId, Option<String>> = HashMap::new();
    for actor in page.entries.iter().filter_map(|e| e.actor.as_ref()) {
        if !names.contains_key(actor) {
            let shown = app
                .store
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
