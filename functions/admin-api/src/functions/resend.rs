//! `resend`: sends an invitation again (a new link; the old one stops working), one or many.

use crate::actions::{self, Action};
use crate::shared::shown;
use crate::{App, Call};
use invitations_core::domain::*;
use invitations_core::http::Problem;
use invitations_wire as wire;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "resend";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    actions::handle(app, req, Action::Resend).await
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
