//! `resend`: sends an invitation again (a new link; the old one stops working), one or many.

use crate::actions::{bulk, on_one, Action};
use crate::functions::not_served;
use crate::shared::shown;
use crate::{accept, App, Call};
use invitations_core::domain::*;
use invitations_core::http::{respond_with, Problem};
use invitations_wire::{self as wire, routes};
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "resend";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        match *call.route {
            routes::RESEND => on_one(app, &call, Action::Resend).await,
            routes::RESEND_MANY => bulk::on_many(app, &call, Action::Resend).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

/// Resend, for one invitation of a contract whose sends are accepted: the single route and
/// each invitation of a bulk resend.
pub async fn one(
    app: &App,
    call: &Call<'_>,
    invitation: &InvitationId,
) -> Result<wire::InvitationChange, Problem> {
    let contract = call.contract()?;
    let now = (app.clock)();
    // Sending again to an address that bounced for good or complained would only hurt the
    // sender's reputation (the mailer would not send it either).
    if let Some(current) = app
        .invitations
        .get_invitation(&contract.id, invitation)
        .await?
    {
        if let Some(block) = app.blocks.address_block(current.email.identity()).await? {
            return Err(Problem::conflict("address_blocked", block.explain()));
        }
    }
    let inv = app
        .transitions
        .resend(contract, invitation, &call.caller.user_id, now)
        .await?;
    Ok(wire::InvitationChange {
        invitation: shown(app, &call.caller, contract, &inv, now).await?,
        changed: true,
    })
}
