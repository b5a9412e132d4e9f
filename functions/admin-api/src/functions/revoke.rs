//! `revoke`: withdraws an invitation, unless the student has enrolled (a condition on the
//! write), one or many (by id, by address, or by filter).

use crate::actions::{self, Action};
use crate::shared::shown_now;
use crate::{App, Call};
use invitations_core::domain::*;
use invitations_core::http::Problem;
use invitations_wire as wire;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "revoke";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    actions::handle(app, req, Action::Revoke).await
}

/// Revoke, for one invitation: the single route and each invitation of a bulk revoke.
pub async fn one(
    app: &App,
    call: &Call<'_>,
    invitation: &InvitationId,
) -> Result<wire::InvitationChange, Problem> {
    let contract = call.contract()?;
    let decision = app
        .transitions
        .revoke(
            &contract.id,
            invitation,
            &call.caller.user_id,
            (app.clock)(),
        )
        .await?;
    Ok(wire::InvitationChange {
        invitation: shown_now(app, call, invitation).await?,
        changed: decision == RevokeDecision::Revoke,
    })
}
