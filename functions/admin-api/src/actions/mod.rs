//! What an admin does to invitations that are already there: resend, extend or revoke, on one
//! invitation (its own route) or on many ([`bulk`]). Each function's module holds its own
//! conditional write; this is the part the three share.

pub mod bulk;

use crate::functions::{extend, not_served, resend, revoke};
use crate::shared::invitation_id;
use crate::{accept, App, Call};
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem, Route};
use invitations_wire::{self as wire, routes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};

/// What an admin does to one invitation, on its own route or for each of a bulk request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new link, mailed; the old one stops working.
    Resend,
    /// The same link (nothing is mailed) lasts as long as a new invitation's would from now.
    Extend,
    /// Withdrawn, unless the student has enrolled (a condition on the write).
    Revoke,
}

impl Action {
    /// Its function's binary, and its routes: on one invitation, and on many.
    fn function(self) -> (&'static str, Route, Route) {
        match self {
            Action::Resend => (resend::BINARY, routes::RESEND, routes::RESEND_MANY),
            Action::Extend => (extend::BINARY, routes::EXTEND, routes::EXTEND_MANY),
            Action::Revoke => (revoke::BINARY, routes::REVOKE, routes::REVOKE_MANY),
        }
    }

    /// Nothing new is mailed, nor a link kept alive, for a contract that has ended.
    pub fn needs_sends(self) -> bool {
        self != Action::Revoke
    }

    /// The action on `invitation` of the call's contract (whose sends it has checked when it
    /// needs them).
    pub async fn apply(
        self,
        app: &App,
        call: &Call<'_>,
        invitation: &InvitationId,
    ) -> Result<wire::InvitationChange, Problem> {
        match self {
            Action::Resend => resend::one(app, call, invitation).await,
            Action::Extend => extend::one(app, call, invitation).await,
            Action::Revoke => revoke::one(app, call, invitation).await,
        }
    }
}

/// The `handle` of the action's function: its two routes.
pub async fn handle(app: &App, req: Request, action: Action) -> Result<Response<Body>, Error> {
    respond_with(async {
        let (binary, one, many) = action.function();
        let call = accept(app, binary, &req).await?;
        match *call.route {
            r if r == one => on_one(app, &call, action).await,
            r if r == many => bulk::on_many(app, &call, action).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

/// `POST .../{invitationId}/{resend|extend|revoke}`: the action on one invitation.
pub async fn on_one(app: &App, call: &Call<'_>, action: Action) -> Result<Response<Body>, Problem> {
    let invitation = invitation_id(call)?;
    if action.needs_sends() {
        call.contract()?.accept_sends((app.clock)())?;
    }
    let change = action.apply(app, call, &invitation).await?;
    Ok(http::json(StatusCode::OK, &change))
}
