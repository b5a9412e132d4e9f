//! What more than one admin function needs: an invitation as its row shows it, the Invitations
//! tab's filter, a contract's admin list, and the problems several routes answer alike.

use crate::views::{self, Names};
use crate::{App, Call};
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::ports::BlobError;
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};

/// How long the browser has to start an upload, and to fetch a report.
pub const URL_LIFETIME: Duration = Duration::minutes(15);

/// One invitation as the caller's row shows it (what it offers depends on its address's block
/// and on who asks).
pub async fn shown(
    app: &App,
    caller: &Caller,
    contract: &Contract,
    inv: &Invitation,
    now: DateTime<Utc>,
) -> Result<wire::Invitation, Problem> {
    let block = app.blocks.address_block(inv.email.identity()).await?;
    let access = views::RowAccess {
        block: block.map(|b| b.kind),
        system_admin: caller.system_admin,
    };
    let names = names_of(app, [&inv.invited_by]).await?;
    Ok(views::invitation(inv, contract, now, access, &names))
}

/// The directory's names of these people, each looked up once, a few at a time (a page names
/// a handful of inviters; someone no longer in the directory has none).
pub async fn names_of<'a>(
    app: &App,
    ids: impl IntoIterator<Item = &'a UserId>,
) -> Result<Names, Problem> {
    let mut wanted: Vec<UserId> = ids.into_iter().cloned().collect();
    wanted.sort();
    wanted.dedup();
    let found: Vec<Option<User>> = futures::stream::iter(wanted)
        .map(|id| {
            let people = app.people.clone();
            async move { people.get_user(&id).await }
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    Ok(found
        .into_iter()
        .flatten()
        .map(|user| (user.id, user.name))
        .collect())
}

/// The invitation `id` of the call's contract as it is now, as its row shows it.
pub async fn shown_now(
    app: &App,
    call: &Call<'_>,
    id: &InvitationId,
) -> Result<wire::Invitation, Problem> {
    let contract = call.contract()?;
    let inv = app
        .invitations
        .get_invitation(&contract.id, id)
        .await?
        .ok_or_else(Problem::invitation_not_found)?;
    shown(app, &call.caller, contract, &inv, (app.clock)()).await
}

/// The invitation id a path names; one that cannot be an id is not found.
pub fn invitation_id(call: &Call<'_>) -> Result<InvitationId, Problem> {
    InvitationId::parse(call.param("invitationId")).map_err(|_| Problem::invitation_not_found())
}

/// The filter of the Invitations tab from the query (`q`: start of an address, `status`): the
/// lower-cased prefix and the status. The list and the export read it alike.
pub fn filter(req: &Request) -> Result<(String, Option<ShownStatus>), Problem> {
    http::once(req, "q")?;
    http::once(req, "status")?;
    let q = http::query(req, "q").unwrap_or_default();
    if q.chars().count() > email::MAX_LENGTH {
        return Err(search_too_long());
    }
    let status = match http::query(req, "status").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ShownStatus::parse(&s).ok_or_else(|| {
            Problem::bad_request(
                "invalid_status",
                "The status must be one of pending, expired, enrolled or revoked.",
            )
        })?),
    };
    Ok((q.trim().to_lowercase(), status))
}

/// The search text of the Invitations tab or the directory is longer than any address.
pub fn search_too_long() -> Problem {
    Problem::bad_request(
        "invalid_query",
        format!(
            "The search text is too long: an address has at most {} characters.",
            email::MAX_LENGTH
        ),
    )
}

/// A contract's admins, each by name from the directory.
pub async fn admin_list(app: &App, contract: &Contract) -> Result<Response<Body>, Problem> {
    let mut admins = Vec::with_capacity(contract.admins.len());
    for id in &contract.admins {
        let user = app.people.get_user(id).await?;
        admins.push(views::admin(id, user.as_ref()));
    }
    Ok(http::json(StatusCode::OK, &wire::AdminList { admins }))
}

pub fn user_not_found() -> Problem {
    Problem::not_found(
        "user_not_found",
        "There is no such person in the directory.",
    )
}

pub fn import_not_found() -> Problem {
    Problem::not_found(
        "import_not_found",
        "There is no such import for this learning contract.",
    )
}

/// The import id a path names; one that cannot be an id is not found.
pub fn import_id(call: &Call<'_>, name: &str) -> Result<ImportId, Problem> {
    ImportId::parse(call.param(name)).map_err(|_| import_not_found())
}

pub fn storage_problem(err: BlobError) -> Problem {
    Problem::internal(&err)
}
