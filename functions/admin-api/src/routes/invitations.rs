//! A contract's invitations: list/search, add, resend, revoke.

use crate::{managed_contract, views, App};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::ports::*;
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use std::collections::HashMap;

/// People per add request. Bigger lists go through a CSV import.
pub const MAX_PEOPLE_PER_REQUEST: usize = 1000;

// ---------- GET /contracts/{id}/invitations?q=&status=&cursor=&limit= ----------

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

pub async fn list(
    app: &App,
    caller: &Caller,
    id: &str,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let (email_prefix, status) = filter(req)?;
    let limit = http::page_limit(req)?;
    let query = InvitationQuery {
        email_prefix,
        status,
        cursor: http::query(req, "cursor").filter(|c| !c.is_empty()),
        limit,
    };
    let now = (app.clock)();
    let page = app
        .store
        .list_invitations(&contract.id, &query, now)
        .await?;
    // The page's blocked addresses, in one batch read: what each row offers.
    let identities: Vec<&str> = page
        .invitations
        .iter()
        .map(|i| i.email.identity())
        .collect();
    let blocks = app
        .store
        .address_blocks(&identities)
        .await?
        .into_iter()
        .map(|b| (b.identity, b.kind))
        .collect();
    Ok(http::json(
        StatusCode::OK,
        &views::invitation_list(
            &page.invitations,
            &contract,
            page.next_cursor,
            now,
            &blocks,
            caller.system_admin,
        ),
    ))
}

/// One invitation as the caller's row shows it (what it offers depends on its address's block
/// and on who asks).
pub async fn shown(
    app: &App,
    caller: &Caller,
    contract: &Contract,
    inv: &Invitation,
    now: DateTime<Utc>,
) -> Result<wire::Invitation, Problem> {
    let block = app.store.address_block(inv.email.identity()).await?;
    let access = views::RowAccess {
        block: block.map(|b| b.kind),
        system_admin: caller.system_admin,
    };
    Ok(views::invitation(inv, contract, now, access))
}

// ---------- POST /contracts/{id}/invitations ----------

/// One person of an add request while it is worked out: what was sent, the address it stands
/// for, and (once known) what happened.
struct Person {
    input: String,
    email: Option<String>,
    outcome: InviteOutcome,
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("Add at least one email address or user.")]
    Empty,
    #[error("At most {MAX_PEOPLE_PER_REQUEST} people can be invited at once; upload a CSV file for more.")]
    TooMany,
    #[error(transparent)]
    Refused(#[from] InvitationsRefused),
}

impl From<AddError> for Problem {
    fn from(err: AddError) -> Self {
        let code = match err {
            AddError::Empty => "no_people",
            AddError::TooMany => "too_many_people",
            AddError::Refused(refused) => return refused.into(),
        };
        Problem::bad_request(code, err.to_string())
    }
}

pub async fn add(
    app: &App,
    caller: &Caller,
    id: &str,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let body: wire::AddInvitations = http::body(req)?;
    let now = (app.clock)();
    let people = body.emails.len() + body.user_ids.len();
    if people == 0 {
        return Err(AddError::Empty.into());
    }
    if people > MAX_PEOPLE_PER_REQUEST {
        return Err(AddError::TooMany.into());
    }
    let activities = contract
        .accept_invitations(now, &body.activities)
        .map_err(AddError::from)?;

    let users = directory_users(app, &body.user_ids).await?;

    let (mut results, mut invitees, invitee_of_result) =
        each_once(people, &body.emails, users, &body.user_ids);
    link_to_directory(app, &mut invitees).await?;

    let outcomes = app
        .store
        .create_invitations(NewInvitations {
            contract: &contract,
            activities: &activities,
            invited_by: &caller.user_id,
            now,
            invitees: &invitees,
        })
        .await
        .map_err(|e| match e {
            CreateError::ContractNotFound => crate::contract_not_found(),
            CreateError::Store(e) => e.into(),
        })?;
    for (result, index) in results.iter_mut().zip(invitee_of_result) {
        if let Some(i) = index {
            result.outcome = outcomes[i].clone();
        }
    }
    let results = results
        .into_iter()
        .map(|p| views::person_result(p.input, p.email, &p.outcome))
        .collect();
    Ok(http::json(StatusCode::OK, &views::add_result(results)))
}

/// Each person once, whatever the case of their address; the first mention wins. The answer
/// row of every person asked for, the invitees to create, and which invitee each row is.
fn each_once(
    people: usize,
    emails: &[String],
    users: Vec<Option<User>>,
    user_ids: &[String],
) -> (Vec<Person>, Vec<Invitee>, Vec<Option<usize>>) {
    let mut results: Vec<Person> = Vec::with_capacity(people);
    let mut invitees: Vec<Invitee> = Vec::new();
    let mut invitee_of_result: Vec<Option<usize>> = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let candidates = emails
        .iter()
        .map(|e| {
            (
                e.clone(),
                EmailAddress::parse(e)
                    .map(|a| (a, None, None))
                    .map_err(|e| InviteOutcome::InvalidEmail {
                        reason: e.sentence("the address"),
                    }),
            )
        })
        .chain(user_ids.iter().zip(users).map(|(uid, user)| {
            (
                uid.clone(),
                // An account that has not proved its address is not the address's owner: the
                // invitation goes to the address, bound to nobody (issue 26).
                user.map(|u| match u.email_verified {
                    true => (u.email, Some(u.id), Some(u.name)),
                    false => (u.email, None, None),
                })
                .ok_or(InviteOutcome::UnknownUser),
            )
        }));
    for (input, parsed) in candidates {
        let (outcome, email, invitee) = match parsed {
            Err(outcome) => (Some(outcome), None, None),
            Ok((address, user_id, name)) => {
                let shown = address.to_string();
                if first_seen.contains_key(address.identity()) {
                    (
                        Some(InviteOutcome::Duplicate { first_line: None }),
                        Some(shown),
                        None,
                    )
                } else {
                    first_seen.insert(address.identity().to_owned(), invitees.len());
                    let invitee = Invitee {
                        email: address,
                        user_id,
                        name,
                        source: Source::Manual,
                    };
                    (None, Some(shown), Some(invitee))
                }
            }
        };
        invitee_of_result.push(invitee.as_ref().map(|_| invitees.len()));
        if let Some(invitee) = invitee {
            invitees.push(invitee);
        }
        results.push(Person {
            input,
            email,
            // Replaced below by what creating the invitation did.
            outcome: outcome.unwrap_or(InviteOutcome::UnknownUser),
        });
    }
    (results, invitees, invitee_of_result)
}

/// Directory users by id: their records, looked up a few at a time (`None` for an unknown id).
async fn directory_users(app: &App, ids: &[String]) -> Result<Vec<Option<User>>, Problem> {
    Ok(futures::stream::iter(ids.to_vec())
        .map(|uid| {
            let store = app.store.clone();
            async move {
                match UserId::parse(&uid) {
                    Ok(uid) => store.get_user(&uid).await,
                    Err(_) => Ok(None),
                }
            }
        })
        .buffered(16)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?)
}

/// Typed addresses that belong to directory users (who proved them) are linked to them.
async fn link_to_directory(app: &App, invitees: &mut [Invitee]) -> Result<(), Problem> {
    let unlinked: Vec<Option<String>> = invitees
        .iter()
        .map(|i| i.user_id.is_none().then(|| i.email.identity().to_owned()))
        .collect();
    let lookups: Vec<Option<User>> = futures::stream::iter(unlinked)
        .map(|identity| {
            let store = app.store.clone();
            async move {
                match identity {
                    Some(identity) => store.find_user_by_email(&identity).await,
                    None => Ok(None),
                }
            }
        })
        .buffered(16)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    for (invitee, user) in invitees.iter_mut().zip(lookups) {
        if let Some(user) = user {
            invitee.user_id = Some(user.id);
            invitee.name = Some(user.name);
        }
    }
    Ok(())
}

// ---------- POST .../{invitationId}/resend, .../extend and .../revoke ----------

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
    /// Nothing new is mailed, nor a link kept alive, for a contract that has ended.
    pub fn needs_sends(self) -> bool {
        self != Action::Revoke
    }

    /// The action on `invitation` of `contract` (whose sends it has checked when it needs them).
    pub async fn apply(
        self,
        app: &App,
        caller: &Caller,
        contract: &Contract,
        invitation: &InvitationId,
    ) -> Result<wire::InvitationChange, Problem> {
        match self {
            Action::Resend => resend_one(app, caller, contract, invitation).await,
            Action::Extend => extend_one(app, caller, contract, invitation).await,
            Action::Revoke => revoke_one(app, caller, contract, invitation).await,
        }
    }
}

/// `POST .../{invitationId}/{resend|extend|revoke}`: the action on one invitation.
pub async fn act_on_one(
    app: &App,
    caller: &Caller,
    id: &str,
    invitation: &str,
    action: Action,
) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let invitation = parse_invitation_id(invitation)?;
    if action.needs_sends() {
        contract.accept_sends((app.clock)())?;
    }
    let change = action.apply(app, caller, &contract, &invitation).await?;
    Ok(http::json(StatusCode::OK, &change))
}

pub fn invitation_not_found() -> Problem {
    Problem::invitation_not_found()
}

fn parse_invitation_id(id: &str) -> Result<InvitationId, Problem> {
    InvitationId::parse(id).map_err(|_| invitation_not_found())
}

async fn view_of(
    app: &App,
    caller: &Caller,
    contract: &Contract,
    id: &InvitationId,
) -> Result<wire::Invitation, Problem> {
    let inv = app
        .store
        .get_invitation(&contract.id, id)
        .await?
        .ok_or_else(invitation_not_found)?;
    shown(app, caller, contract, &inv, (app.clock)()).await
}

/// Resend, for one invitation of a contract whose sends are accepted: the single route and
/// each invitation of a bulk resend.
pub async fn resend_one(
    app: &App,
    caller: &Caller,
    contract: &Contract,
    invitation: &InvitationId,
) -> Result<wire::InvitationChange, Problem> {
    let now = (app.clock)();
    // Sending again to an address that bounced for good or complained would only hurt the
    // sender's reputation (the mailer would not send it either).
    if let Some(current) = app.store.get_invitation(&contract.id, invitation).await? {
        if let Some(block) = app.store.address_block(current.email.identity()).await? {
            return Err(Problem::conflict("address_blocked", block.explain()));
        }
    }
    let inv = app
        .store
        .resend(contract, invitation, &caller.user_id, now)
        .await?;
    Ok(wire::InvitationChange {
        invitation: shown(app, caller, contract, &inv, now).await?,
        changed: true,
    })
}

pub async fn extend_one(
    app: &App,
    caller: &Caller,
    contract: &Contract,
    invitation: &InvitationId,
) -> Result<wire::InvitationChange, Problem> {
    let now = (app.clock)();
    let decision = app
        .store
        .extend(
            &contract.id,
            invitation,
            contract.invitation_expiry(now),
            &caller.user_id,
            now,
        )
        .await?;
    Ok(wire::InvitationChange {
        invitation: view_of(app, caller, contract, invitation).await?,
        changed: matches!(decision, ExtendDecision::Extend(_)),
    })
}

/// `POST .../correct-address` with `{"email"}`: the invitation moves to the corrected
/// address, with a new link that the mailer sends; the old address's link stops working.
pub async fn correct_address(
    app: &App,
    caller: &Caller,
    id: &str,
    invitation: &str,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let invitation = parse_invitation_id(invitation)?;
    let body: wire::CorrectAddress = http::body(req)?;
    let to = EmailAddress::parse(&body.email)
        .map_err(|e| Problem::bad_request("invalid_email", e.sentence("the new address")))?;
    let now = (app.clock)();
    contract.accept_sends(now)?;
    let inv = app
        .store
        .correct_address(&contract, &invitation, &to, &caller.user_id, now)
        .await?;
    Ok(http::json(
        StatusCode::OK,
        &wire::InvitationChange {
            invitation: shown(app, caller, &contract, &inv, now).await?,
            changed: true,
        },
    ))
}

/// `POST .../clear-block`: the admin knows better than the bounce (the mailbox is fixed);
/// Resend works again. Clearing when there is no block changes nothing.
pub async fn clear_block(
    app: &App,
    caller: &Caller,
    id: &str,
    invitation: &str,
) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let invitation = parse_invitation_id(invitation)?;
    let cleared = app
        .store
        .clear_block(
            &contract.id,
            &invitation,
            &caller.user_id,
            // A complaint's block stops mail from every contract: system administrators only.
            caller.system_admin,
            (app.clock)(),
        )
        .await?;
    Ok(http::json(
        StatusCode::OK,
        &wire::InvitationChange {
            invitation: view_of(app, caller, &contract, &invitation).await?,
            changed: cleared,
        },
    ))
}

/// Revoke, for one invitation: the single route and each invitation of a bulk revoke.
pub async fn revoke_one(
    app: &App,
    caller: &Caller,
    contract: &Contract,
    invitation: &InvitationId,
) -> Result<wire::InvitationChange, Problem> {
    let decision = app
        .store
        .revoke(&contract.id, invitation, &caller.user_id, (app.clock)())
        .await?;
    Ok(wire::InvitationChange {
        invitation: view_of(app, caller, contract, invitation).await?,
        changed: decision == RevokeDecision::Revoke,
    })
}
