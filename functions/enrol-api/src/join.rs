//! The joiner's public routes (`join`, issue 30): what a join link is for, a proof mail to the
//! address a joiner gives, and the place that proof makes.
//!
//! The link's code is the credential for the first two, the mailed proof for the third; both
//! are verified (HMAC, constant time) before the table is asked anything, and both ride in the
//! site's URL fragment, so no server log holds them. A place is made only from a proved
//! address, so nobody fills a programme with addresses they made up; it is made through
//! [`JoinLinkStore::invite_via_link`], the one transaction that takes the contract's seat and
//! counts the link's use, so neither limit is passed however many join at once. Asking for a
//! proof answers the same whether or not the address is in the contract already; only the
//! mail's owner learns where they stand.

use invitations_core::do_not_invite;
use invitations_core::domain::join_proof::{PROOF_LIFETIME_HOURS, PROOF_MAILS_PER_DAY};
use invitations_core::domain::waiting::Line;
use invitations_core::domain::*;
use invitations_core::http::{self, Problem, Route};
use invitations_core::keys::LinkKeys;
use invitations_core::ports::{
    Clock, ContractStore, CreateError, DirectoryStore, InvitationStore, Invitee, JoinLinkStore,
    JoinProofStore, NewInvitations, PrivacyStore, ProofQueued, WaitingListStore,
};
use invitations_core::to_wire;
use invitations_wire::routes;
use invitations_wire::{self as wire, JoinOutcome};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};
use std::sync::Arc;

/// What the `join` function needs of the table.
pub trait JoinStore:
    ContractStore
    + DirectoryStore
    + InvitationStore
    + JoinLinkStore
    + JoinProofStore
    + WaitingListStore
    + PrivacyStore
{
}
impl<T> JoinStore for T where
    T: ContractStore
        + DirectoryStore
        + InvitationStore
        + JoinLinkStore
        + JoinProofStore
        + WaitingListStore
        + PrivacyStore
        + ?Sized
{
}

#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn JoinStore>,
    /// Read on first use (issue 33), as the `enrol` function's.
    pub link_key: LinkKeys,
    pub clock: Clock,
}

/// The function's binary (`src/bin/join.rs`; infra/template.yaml: BuildProperties.Binary).
pub const BINARY: &str = "join";

/// Its routes (the wire crate's table: `JOIN_PAGE`, `REQUEST_JOIN`, `CONFIRM_JOIN`).
pub fn routes() -> impl Iterator<Item = &'static Route> {
    routes::of(BINARY)
}

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    let result = match http::route(routes(), &req) {
        Err(problem) => Err(problem),
        Ok((&routes::JOIN_PAGE, _)) => show(app, &req).await,
        Ok((&routes::REQUEST_JOIN, _)) => request(app, &req).await,
        Ok((&routes::CONFIRM_JOIN, _)) => confirm(app, &req).await,
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

/// Why a join link or a proof does not work, as the joiner's page explains it.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("This join link is incomplete or damaged. Copy all of it from where you found it.")]
    MalformedCode,
    #[error("This join link is not one of ours. Check that you copied all of it, or ask the programme's administrators for it.")]
    UnknownCode,
    #[error("This join link has been replaced by a new one. Ask the programme's administrators for the new link.")]
    Replaced,
    #[error("{0}")]
    Refused(#[from] JoinRefused),
    #[error("This programme ended on {}, so nobody can join it any more.", .0.format("%-d %B %Y"))]
    ContractEnded(chrono::DateTime<chrono::Utc>),
    #[error("This confirmation link is incomplete or damaged. Open it straight from the mail, or copy all of it.")]
    MalformedProof,
    #[error("This confirmation link is not one we sent, or it is too old. Open the join link again and ask for a new one.")]
    UnknownProof,
    #[error("{0}")]
    Proof(#[from] ProofRefused),
    #[error("Your place in this programme was withdrawn by its administrators. Ask them if you think this is a mistake.")]
    Withdrawn,
    #[error("We have sent {PROOF_MAILS_PER_DAY} confirmation mails to this address today. Use the newest one, or ask again tomorrow.")]
    TooManyMails,
    /// On the do-not-invite list (issue 32). Said without telling whether the address is known
    /// anywhere else.
    #[error("This address cannot join. Ask the programme's administrators if you think this is a mistake.")]
    CannotJoin,
}

impl From<JoinError> for Problem {
    fn from(err: JoinError) -> Self {
        let detail = err.to_string();
        let (status, code) = match &err {
            JoinError::MalformedCode => (StatusCode::BAD_REQUEST, "malformed_join_link"),
            JoinError::UnknownCode => (StatusCode::NOT_FOUND, "unknown_join_link"),
            JoinError::Replaced => (StatusCode::GONE, "link_replaced"),
            JoinError::Refused(r) => match r {
                JoinRefused::Disabled => (StatusCode::GONE, "link_disabled"),
                JoinRefused::NotYetOpen(_) => (StatusCode::GONE, "link_not_yet_open"),
                JoinRefused::Closed(_) => (StatusCode::GONE, "link_closed"),
                JoinRefused::UsedUp(_) => (StatusCode::GONE, "link_used_up"),
                JoinRefused::DomainNotAllowed(..) => (StatusCode::FORBIDDEN, "domain_not_allowed"),
            },
            JoinError::ContractEnded(_) => (StatusCode::GONE, "contract_ended"),
            JoinError::MalformedProof => (StatusCode::BAD_REQUEST, "malformed_proof"),
            JoinError::UnknownProof => (StatusCode::NOT_FOUND, "unknown_proof"),
            JoinError::Proof(ProofRefused::Expired) => (StatusCode::GONE, "proof_expired"),
            JoinError::Proof(ProofRefused::LinkRegenerated) => (StatusCode::GONE, "link_replaced"),
            JoinError::Withdrawn => (StatusCode::CONFLICT, "place_withdrawn"),
            JoinError::TooManyMails => (StatusCode::TOO_MANY_REQUESTS, "too_many_proof_mails"),
            JoinError::CannotJoin => (StatusCode::FORBIDDEN, "cannot_join"),
        };
        Problem::new(status, code, detail)
    }
}

/// A link as its code names it, with its contract, admitting people now.
struct Opened {
    link: JoinLink,
    contract: Contract,
}

/// The link a code names, if the code is its current one; then its contract, and whether
/// either turns people away now.
async fn open(app: &App, code: &str) -> Result<Opened, Problem> {
    let code = app
        .link_key
        .verify(code, LinkKey::verify_join)
        .await?
        .map_err(|e| match e {
            TokenError::Malformed => JoinError::MalformedCode,
            TokenError::Unknown => JoinError::UnknownCode,
        })?;
    let link = app
        .store
        .get_join_link(&code.link_id)
        .await?
        .ok_or(JoinError::UnknownCode)?;
    if link.generation != code.generation {
        return Err(JoinError::Replaced.into());
    }
    let contract = contract_of(app, &link).await?;
    link.open_now((app.clock)()).map_err(JoinError::from)?;
    Ok(Opened { link, contract })
}

async fn contract_of(app: &App, link: &JoinLink) -> Result<Contract, Problem> {
    let contract = app
        .store
        .get_contract(&link.contract_id)
        .await?
        .ok_or(JoinError::UnknownCode)?;
    if contract.phase((app.clock)()) == Phase::Expired {
        return Err(JoinError::ContractEnded(contract.ends_at).into());
    }
    Ok(contract)
}

/// Places a joiner may still take: the fewer of the link's and the contract's.
fn places_left(link: &JoinLink, contract: &Contract) -> Option<u32> {
    let contract_left = contract
        .seats_left()
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    match (link.places_left(), contract_left) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `GET /join?code=`: what the link is for. Changes nothing.
async fn show(app: &App, req: &Request) -> Result<Response<Body>, Problem> {
    let code = http::query(req, "code").unwrap_or_default();
    let Opened { link, contract } = open(app, &code).await?;
    let page = wire::JoinPage {
        contract: wire::ContractSummary {
            name: contract.name.clone(),
            kind: to_wire::kind(contract.kind),
            starts_at: to_wire::timestamp(contract.starts_at),
            ends_at: to_wire::timestamp(contract.ends_at),
        },
        audience: link.audience.clone(),
        activities: contract.activity_names(&link.activities),
        places_left: places_left(&link, &contract),
        closes_at: link.closes_at.map(to_wire::timestamp),
        allowed_domains: link.allowed_domains.clone(),
        needs_approval: link.needs_approval,
    };
    Ok(http::json(StatusCode::OK, &page))
}

/// `POST /join`: mails the address a proof, if the link admits it.
async fn request(app: &App, req: &Request) -> Result<Response<Body>, Problem> {
    let body: wire::JoinRequest = http::body(req)?;
    let Opened { link, .. } = open(app, &body.code).await?;
    let email = EmailAddress::parse(&body.email)
        .map_err(|e| Problem::bad_request("invalid_email", e.sentence("your address")))?;
    let now = (app.clock)();
    link.admits(&email, now).map_err(JoinError::from)?;
    refuse_listed(app, &email).await?;
    // A full contract still takes the request: the proved joiner waits for a seat.
    let proof = JoinProof::new(&link, email, now);
    match app
        .store
        .queue_join_proof(&proof, PROOF_MAILS_PER_DAY)
        .await?
    {
        ProofQueued::Queued => {}
        ProofQueued::TooMany => return Err(JoinError::TooManyMails.into()),
    }
    tracing::info!(link = %link.id, proof = %proof.id, "join proof queued");
    Ok(http::json(
        StatusCode::ACCEPTED,
        &wire::JoinProofSent {
            email: proof.email.as_entered().to_owned(),
            valid_hours: PROOF_LIFETIME_HOURS,
        },
    ))
}

/// `POST /join/confirm`: the proved address's place, and the token of its invitation.
async fn confirm(app: &App, req: &Request) -> Result<Response<Body>, Problem> {
    let body: wire::JoinConfirm = http::body(req)?;
    let id = app
        .link_key
        .verify(&body.proof, LinkKey::verify_join_proof)
        .await?
        .map_err(|e| match e {
            TokenError::Malformed => JoinError::MalformedProof,
            TokenError::Unknown => JoinError::UnknownProof,
        })?;
    let proof = app
        .store
        .get_join_proof(&id)
        .await?
        .ok_or(JoinError::UnknownProof)?;
    let now = (app.clock)();
    let link = app
        .store
        .get_join_link(&proof.link_id)
        .await?
        .ok_or(JoinError::UnknownCode)?;
    proof.check(&link, now).map_err(JoinError::from)?;
    // A proof mailed before its address went onto the do-not-invite list makes no place.
    refuse_listed(app, &proof.email).await?;
    let contract = contract_of(app, &link).await?;
    // Someone who has a place keeps it, whatever the link says now.
    if let Some(inv) = place_held(app, &contract, &proof.email).await? {
        let outcome = match inv.status {
            InvitationStatus::Enrolled => JoinOutcome::AlreadyEnrolled,
            _ => JoinOutcome::AlreadyInvited,
        };
        return confirmed(app, &inv, outcome).await;
    }
    for line in [Line::Waiting, Line::Approval] {
        let identity = proof.email.identity();
        if let Some(entry) = app
            .store
            .waiting_entry(line, &contract.id, identity)
            .await?
        {
            return waiting_answer(app, &entry).await;
        }
    }
    link.admits(&proof.email, now).map_err(JoinError::from)?;
    if link.needs_approval {
        return wait(app, &link, &proof, Line::Approval).await;
    }
    // Nobody passes those in line: while anyone may be waiting, a joiner waits too.
    if contract.waiting.anyone || contract.seats_left() == Some(0) {
        return wait(app, &link, &proof, Line::Waiting).await;
    }
    let user_id = app
        .store
        .find_user_by_email(proof.email.identity())
        .await?
        .map(|u| u.id);
    let invitee = Invitee {
        email: proof.email.clone(),
        user_id,
        name: None,
        source: Source::JoinLink {
            link_id: link.id.clone(),
        },
        options: Default::default(),
    };
    let new = NewInvitations {
        contract: &contract,
        activities: &link.activities,
        invited_by: &link.created_by,
        now,
        invitees: std::slice::from_ref(&invitee),
    };
    let outcomes = match app.store.invite_via_link(new, &link).await {
        Ok(outcomes) => outcomes,
        Err(CreateError::LinkRefused) => return Err(refused_meanwhile(app, &link, &proof).await),
        Err(CreateError::ContractNotFound | CreateError::NoLongerWaiting) => {
            return Err(JoinError::UnknownCode.into())
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
    };
    let (id, outcome) = match outcomes.into_iter().next() {
        Some(
            InviteOutcome::Invited { invitation_id } | InviteOutcome::Reinvited { invitation_id },
        ) => {
            // The check after the write (see `invitations_core::do_not_invite`): forgotten
            // while this ran, the place just made is taken back.
            let store = &*app.store;
            let written = [&proof.email];
            if !do_not_invite::take_back_listed(store, store, &contract.id, &written, now)
                .await?
                .is_empty()
            {
                return Err(JoinError::CannotJoin.into());
            }
            tracing::info!(link = %link.id, invitation = %invitation_id, "joined through a link");
            (invitation_id, JoinOutcome::Invited)
        }
        // Another tab of the same joiner won the race: the same place.
        Some(InviteOutcome::AlreadyInvited { invitation_id }) => {
            (invitation_id, JoinOutcome::AlreadyInvited)
        }
        Some(InviteOutcome::AlreadyEnrolled { invitation_id }) => {
            (invitation_id, JoinOutcome::AlreadyEnrolled)
        }
        Some(InviteOutcome::OverSeatLimit) => return wait(app, &link, &proof, Line::Waiting).await,
        other => return Err(Problem::internal(&format!("a join came to {other:?}"))),
    };
    let inv = app
        .store
        .find_invitation(&id)
        .await?
        .ok_or_else(|| Problem::internal(&"a joined invitation cannot be read back"))?;
    confirmed(app, &inv, outcome).await
}

/// An address on the do-not-invite list joins nothing (issue 32).
async fn refuse_listed(app: &App, email: &EmailAddress) -> Result<(), Problem> {
    match do_not_invite::listed(&*app.store, &[email])
        .await?
        .is_empty()
    {
        true => Ok(()),
        false => Err(JoinError::CannotJoin.into()),
    }
}

/// Puts the proved joiner in one of the contract's lines through the link (a use of it): the
/// waiting list, or the requests an admin approves; or finds them there already.
async fn wait(
    app: &App,
    link: &JoinLink,
    proof: &JoinProof,
    line: Line,
) -> Result<Response<Body>, Problem> {
    let (email, now) = (proof.email.clone(), (app.clock)());
    let entry = match line {
        Line::Waiting => WaitingEntry::new(link, email, now),
        Line::Approval => WaitingEntry::request(link, email, now),
    };
    match app.store.wait_via_link(&entry, link).await {
        Ok(true) => tracing::info!(link = %link.id, entry = %entry.id, ?line, "joined a line"),
        Ok(false) => {}
        Err(CreateError::LinkRefused) => return Err(refused_meanwhile(app, link, proof).await),
        Err(CreateError::ContractNotFound | CreateError::NoLongerWaiting) => {
            return Err(JoinError::UnknownCode.into())
        }
        Err(CreateError::Store(e)) => return Err(e.into()),
    }
    let waiting = app
        .store
        .waiting_entry(line, &link.contract_id, proof.email.identity())
        .await?
        // Promoted in the moment between: their place is an invitation now.
        .ok_or_else(Problem::busy)?;
    waiting_answer(app, &waiting).await
}

/// Where someone in a line stands: their place in it, from 1 (the waiting list), or waiting
/// for an admin's yes.
async fn waiting_answer(app: &App, entry: &WaitingEntry) -> Result<Response<Body>, Problem> {
    let (outcome, line) = match entry.line {
        Line::Waiting => (
            JoinOutcome::Waiting,
            app.store.waiting_list(&entry.contract_id).await?,
        ),
        Line::Approval => (
            JoinOutcome::AwaitingApproval,
            app.store.join_requests(&entry.contract_id).await?,
        ),
    };
    let position = line
        .iter()
        .position(|e| e.id == entry.id)
        .map_or(line.len(), |i| i + 1);
    Ok(http::json(
        StatusCode::OK,
        &wire::JoinConfirmed {
            outcome,
            token: None,
            waiting_position: Some(u32::try_from(position).unwrap_or(u32::MAX)),
        },
    ))
}

/// The link moved on between its read and the join: say how it stands now, in words.
async fn refused_meanwhile(app: &App, read: &JoinLink, proof: &JoinProof) -> Problem {
    let now = (app.clock)();
    match app.store.get_join_link(&read.id).await {
        Ok(Some(link)) => match (proof.check(&link, now), link.admits(&proof.email, now)) {
            (Err(refused), _) => JoinError::Proof(refused).into(),
            (Ok(()), Err(refused)) => JoinError::Refused(refused).into(),
            // Changed and back within a moment: the joiner may simply try again.
            (Ok(()), Ok(())) => Problem::busy(),
        },
        Ok(None) => JoinError::UnknownCode.into(),
        Err(e) => e.into(),
    }
}

/// The invitation an address holds in the contract already (pending or enrolled); a revoked
/// place is refused in words.
async fn place_held(
    app: &App,
    contract: &Contract,
    email: &EmailAddress,
) -> Result<Option<Invitation>, Problem> {
    let found = app
        .store
        .find_invitations_by_email(&contract.id, &[email.identity()])
        .await?;
    match found.into_iter().next() {
        Some(inv) if inv.status == InvitationStatus::Revoked => Err(JoinError::Withdrawn.into()),
        other => Ok(other),
    }
}

/// The answer: where the joiner stands, and their invitation's token for the enrol page.
async fn confirmed(
    app: &App,
    inv: &Invitation,
    outcome: JoinOutcome,
) -> Result<Response<Body>, Problem> {
    let token = app
        .link_key
        .signing()
        .await?
        .sign(&inv.id, inv.token_version)
        .ok_or_else(|| Problem::internal(&"an invitation id this system did not make"))?;
    Ok(http::json(
        StatusCode::OK,
        &wire::JoinConfirmed {
            outcome,
            token: Some(token),
            waiting_position: None,
        },
    ))
}
