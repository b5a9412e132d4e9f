//! `extend`: makes pending invitations' links (the same ones; nothing is mailed) last longer,
//! one or many: for people who were away when their invitation expired.

use crate::actions::{self, Action};
use crate::shared::shown_now;
use crate::{App, Call};
use invitations_core::domain::*;
use invitations_core::http::Problem;
use invitations_wire as wire;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "extend";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    actions::handle(app, req, Action::Extend).await
}

/// Extend, for one invitation: the single route and each invitation of a bulk extend.
pub async fn one(
    app: &App,
    call: &Call<'_>,
    invitation: &InvitationId,
) -> Result<wire::InvitationChange, Problem> {
    let contract = call.contract()?;
    let now = (app.clock)();
    let decision = app
        .transitions
        .extend(
            &contract.id,
            invitation,
            contract.invitation_expiry(now),
            &call.caller.user_id,
            now,
        )
        .await?;
    Ok(wire::InvitationChange {
        invitation: shown_now(app, call, invitation).await?,
        changed: matches!(decision, ExtendDecision::Extend(_)),
    })
}
