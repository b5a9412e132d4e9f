//! The public HTTP API behind the link in the invitation email. The link's token is the
//! credential: it is verified (HMAC, constant time) before the table is asked anything.
//! `GET /invitation` only reads; `POST /enrol` is the one thing that enrols. Someone the
//! directory does not know yet gets a sign-in account for the address the link proved (or is
//! matched to the one they have), and their directory record under that account's subject.

pub mod join;

use invitations_core::domain::*;
use invitations_core::http::{self, Problem, Route};
use invitations_core::keys::LinkKeys;
use invitations_core::ports::{
    Account, Accounts, AccountsError, Clock, EnrolError, Enrolee, Store,
};
use invitations_core::to_wire;
use invitations_wire::routes;
use invitations_wire::{self as wire, EnrolmentStatus, InvitationPage};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};
use std::sync::Arc;

#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    /// The user pool: enrolling makes a sign-in account for someone who has none.
    pub accounts: Arc<dyn Accounts>,
    /// Read on first use (issue 33): the current version, the previous one only for a link
    /// the current one refuses.
    pub link_key: LinkKeys,
    pub clock: Clock,
}

/// The function's binary (`src/bin/enrol.rs`; infra/template.yaml: BuildProperties.Binary).
pub const BINARY: &str = "enrol";

/// Its routes (the wire crate's table: `routes::INVITATION`, `routes::ENROL`).
pub fn routes() -> impl Iterator<Item = &'static Route> {
    routes::of(BINARY)
}

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    let result = match http::route(routes(), &req) {
        Err(problem) => Err(problem),
        Ok((&routes::INVITATION, _)) => show(app, &req).await,
        Ok((&routes::ENROL, _)) => enrol(app, &req).await,
        Ok((other, _)) => Err(Problem::internal(&format!(
            "{} is not served here",
            other.key()
        ))),
    };
    Ok(match result {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    })
}

/// Why a link does not work, as the student page explains it.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("{0}")]
    Token(#[from] TokenError),
    #[error("This invitation link is not one we sent. Please check that you opened the link from your email.")]
    NotFound,
    #[error("{0}")]
    Refused(#[from] EnrolRefused),
}

impl From<LinkError> for Problem {
    fn from(err: LinkError) -> Self {
        let detail = err.to_string();
        match err {
            LinkError::Token(TokenError::Malformed) => {
                Problem::bad_request("malformed_link", detail)
            }
            LinkError::Token(TokenError::Unknown) | LinkError::NotFound => {
                Problem::not_found("unknown_link", detail)
            }
            LinkError::Refused(r) => Problem::new(
                StatusCode::GONE,
                match r {
                    EnrolRefused::Revoked => "revoked",
                    EnrolRefused::Superseded => "superseded",
                    EnrolRefused::Expired => "expired",
                },
                detail,
            ),
        }
    }
}

struct Opened {
    invitation: Invitation,
    token: LinkToken,
    decision: EnrolDecision,
}

/// Verifies the token, loads the invitation and says whether it can be enrolled in now.
async fn open(app: &App, token: &str) -> Result<Opened, Problem> {
    let token = app
        .link_key
        .verify(token, LinkKey::verify)
        .await?
        .map_err(LinkError::from)?;
    let invitation = app
        .store
        .find_invitation(&token.invitation_id)
        .await?
        .ok_or(LinkError::NotFound)?;
    let decision = invitation
        .check_enrol(token.version, (app.clock)())
        .map_err(LinkError::from)?;
    Ok(Opened {
        invitation,
        token,
        decision,
    })
}

async fn page(
    app: &App,
    inv: &Invitation,
    status: EnrolmentStatus,
) -> Result<InvitationPage, Problem> {
    let contract = app
        .store
        .get_contract(&inv.contract_id)
        .await?
        .ok_or(LinkError::NotFound)?;
    let registered = match &inv.user_id {
        Some(_) => true,
        None => app
            .store
            .find_user_by_email(inv.email.identity())
            .await?
            .is_some(),
    };
    let invited_by = match app.store.get_user(&inv.invited_by).await? {
        Some(user) => user.name,
        None => format!("The administrator of {}", contract.name),
    };
    Ok(InvitationPage {
        email: inv.email.to_string(),
        registered,
        status,
        activities: contract.activity_names(&inv.activities),
        contract: wire::ContractSummary {
            name: contract.name.clone(),
            kind: to_wire::kind(contract.kind),
            starts_at: to_wire::timestamp(contract.starts_at),
            ends_at: to_wire::timestamp(contract.ends_at),
        },
        invited_by,
        expires_at: to_wire::timestamp(inv.expires_at),
    })
}

fn status_of(decision: EnrolDecision) -> EnrolmentStatus {
    match decision {
        EnrolDecision::Enrol => EnrolmentStatus::Pending,
        EnrolDecision::AlreadyEnrolled => EnrolmentStatus::Enrolled,
    }
}

/// `GET /invitation?token=`: what the link is for. Changes nothing.
async fn show(app: &App, req: &Request) -> Result<Response<Body>, Problem> {
    let token = http::query(req, "token").unwrap_or_default();
    let opened = open(app, &token).await?;
    let page = page(app, &opened.invitation, status_of(opened.decision)).await?;
    Ok(http::json(StatusCode::OK, &page))
}

/// The sign-in account of someone the directory does not know yet: found (an account made
/// elsewhere, matched case-insensitively) or made now. Idempotent, so a retried or racing
/// enrolment for the same address ends with the same account.
async fn account_for(app: &App, email: &EmailAddress, name: &str) -> Result<Account, Problem> {
    let (account, created) =
        app.accounts
            .ensure_account(email, name)
            .await
            .map_err(|e| match e {
                // The provider's own words name its parameters; the student gets what to do.
                AccountsError::Refused(_) => Problem::bad_request(
                    "account_refused",
                    "The sign-in service does not accept this name for your address. Check the \
                     name you typed, then try again.",
                ),
                other => Problem::internal(&other),
            })?;
    if created {
        tracing::info!(user = %account.subject, "made a sign-in account for a new student");
    } else if !account.email_verified {
        // Someone's account claims this address without having proved it: enrolling would
        // hand this person's place to that account (issue 26). The enrolment waits until an
        // administrator sorts the account out.
        tracing::warn!(user = %account.subject, "an unproved account holds the invited address");
        return Err(Problem::conflict(
            "address_unverified",
            "Another sign-in account uses this address without having confirmed it, so your \
             place cannot be given to it. Ask the person who invited you to contact your \
             administrator; your link stays valid.",
        ));
    }
    Ok(account)
}

/// `POST /enrol`: enrols; a second time with the same link answers the same.
async fn enrol(app: &App, req: &Request) -> Result<Response<Body>, Problem> {
    let body: wire::EnrolRequest = http::body(req)?;
    let opened = open(app, &body.token).await?;
    let inv = &opened.invitation;
    let who = match &inv.user_id {
        Some(id) => Enrolee::Registered(id.clone()),
        None => match app.store.find_user_by_email(inv.email.identity()).await? {
            Some(user) => Enrolee::Registered(user.id),
            None => {
                let name = user::parse_name(body.name.as_deref().unwrap_or(""))
                    .map_err(|e| Problem::bad_request("name_required", e.to_string()))?;
                let account = account_for(app, &inv.email, &name).await?;
                Enrolee::New {
                    subject: account.subject,
                    name: account.name,
                }
            }
        },
    };
    let (enrolled, _) = app
        .store
        .enrol(&opened.token, who, (app.clock)())
        .await
        .map_err(|e| match e {
            EnrolError::NotFound => Problem::from(LinkError::NotFound),
            EnrolError::Refused(r) => LinkError::Refused(r).into(),
            EnrolError::Store(e) => e.into(),
        })?;
    let page = page(app, &enrolled, EnrolmentStatus::Enrolled).await?;
    Ok(http::json(StatusCode::OK, &page))
}
