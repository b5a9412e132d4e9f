//! `GET /contracts/{id}/invitations?q=&status=&invited_by=&import=&invited_from=&invited_to=
//! &sort=&cursor=&limit=`: the Invitations tab, a page at a time; and `.../count` with the same
//! filter: how many match, over every page.

use crate::shared::{descending, filter, names_of};
use crate::{views, App, Call};
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

pub async fn list(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let query = filter(call.req)?.query(
        descending(call.req)?,
        http::query(call.req, "cursor").filter(|c| !c.is_empty()),
        http::page_limit(call.req)?,
    );
    let now = (app.clock)();
    let page = app
        .invitations
        .list_invitations(&contract.id, &query, now)
        .await?;
    // The page's blocked addresses, in one batch read: what each row offers.
    let identities: Vec<&str> = page
        .invitations
        .iter()
        .map(|i| i.email.identity())
        .collect();
    let blocks = app
        .blocks
        .address_blocks(&identities)
        .await?
        .into_iter()
        .map(|b| (b.identity, b.kind))
        .collect();
    let names = names_of(app, page.invitations.iter().map(|i| &i.invited_by)).await?;
    Ok(http::json(
        StatusCode::OK,
        &views::invitation_list(
            &page.invitations,
            contract,
            page.next_cursor,
            now,
            &blocks,
            call.caller.system_admin,
            &names,
        ),
    ))
}

/// What "act on all that match" would act on: the number a bulk question says (issue 28).
pub async fn count(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let query = filter(call.req)?.query(false, None, 0);
    let count = app
        .invitations
        .count_invitations(&call.contract()?.id, &query, (app.clock)())
        .await?;
    Ok(http::json(StatusCode::OK, &wire::InvitationCount { count }))
}
