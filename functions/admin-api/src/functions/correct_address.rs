//! `correct-address`: mends an invitation whose mail bounced: moves it to a corrected address
//! (a new link and a new send), or lifts the block on its address.

use crate::functions::not_served;
use crate::shared::{invitation_id, shown, shown_now};
use crate::{accept, App, Call};
use invitations_core::do_not_invite;
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem};
use invitations_wire::{self as wire, routes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "correct-address";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        match *call.route {
            routes::CORRECT_ADDRESS => correct_address(app, &call).await,
            routes::CLEAR_BLOCK => clear_block(app, &call).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

/// `POST .../correct-address` with `{"email"}`: the invitation moves to the corrected
/// address, with a new link that the mailer sends; the old address's link stops working.
async fn correct_address(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let invitation = invitation_id(call)?;
    let body: wire::CorrectAddress = http::body(call.req)?;
    let to = EmailAddress::parse(&body.email)
        .map_err(|e| Problem::bad_request("invalid_email", e.sentence("the new address")))?;
    let now = (app.clock)();
    contract.accept_sends(now)?;
    if !do_not_invite::listed(&*app.privacy, &[&to])
        .await?
        .is_empty()
    {
        return Err(do_not_invite_refused());
    }
    let inv = app
        .transitions
        .correct_address(contract, &invitation, &to, &call.caller.user_id, now)
        .await?;
    // The check after the write (see `invitations_core::do_not_invite`): the address forgotten
    // while this ran, the invitation moved to it is taken back as forgetting would.
    if !do_not_invite::take_back_listed(&*app.privacy, &*app.invitations, &contract.id, &[&to], now)
        .await?
        .is_empty()
    {
        return Err(do_not_invite_refused());
    }
    Ok(http::json(
        StatusCode::OK,
        &wire::InvitationChange {
            invitation: shown(app, &call.caller, contract, &inv, now).await?,
            changed: true,
        },
    ))
}

/// The corrected address is on the do-not-invite list: its owner asked not to be invited.
fn do_not_invite_refused() -> Problem {
    Problem::conflict(
        "do_not_invite",
        "The person at this address asked not to be invited again: the invitation cannot move \
         to it. Check the address with whoever gave it.",
    )
}

/// `POST .../clear-block`: the admin knows better than the bounce (the mailbox is fixed);
/// Resend works again. Clearing when there is no block changes nothing.
async fn clear_block(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let invitation = invitation_id(call)?;
    let cleared = app
        .transitions
        .clear_block(
            &contract.id,
            &invitation,
            &call.caller.user_id,
            // A complaint's block stops mail from every contract: system administrators only.
            call.caller.system_admin,
            (app.clock)(),
        )
        .await?;
    Ok(http::json(
        StatusCode::OK,
        &wire::InvitationChange {
            invitation: shown_now(app, call, &invitation).await?,
            changed: cleared,
        },
    ))
}
