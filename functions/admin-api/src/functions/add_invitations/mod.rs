//! `add-invitations`: invites people by address or from the directory, and announces CSV
//! uploads (a presigned PUT into the imports bucket, which triggers the import function).

mod imports;

use crate::functions::not_served;
use crate::{accept, views, App, Call};
use futures::StreamExt;
use invitations_core::do_not_invite;
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem};
use invitations_core::ports::*;
use invitations_wire::{self as wire, routes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};
use std::collections::HashMap;

pub const BINARY: &str = "add-invitations";

/// People per add request. Bigger lists go through a CSV import.
pub const MAX_PEOPLE_PER_REQUEST: usize = 1000;

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        match *call.route {
            routes::ADD_INVITATIONS => add(app, &call).await,
            routes::ANNOUNCE_IMPORT => imports::announce(app, &call).await,
            routes::INVITE_CHECKED => imports::invite_checked(app, &call).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

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

/// `POST /contracts/{id}/invitations`: people by address or from the directory, each answered
/// in its own row.
async fn add(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, caller) = (call.contract()?, &call.caller);
    let body: wire::AddInvitations = http::body(call.req)?;
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

    let options = crate::options::invite_options(
        body.send_at.as_ref(),
        body.group.as_deref(),
        body.language,
        contract,
        now,
    )?;
    let users = directory_users(app, &body.user_ids).await?;

    let (mut results, invitees, invitee_of_result) =
        each_once(people, &body.emails, users, &body.user_ids, &options);
    let (mut invitees, invitee_of_result) =
        refuse_listed(app, &mut results, invitees, invitee_of_result).await?;
    link_to_directory(app, &mut invitees).await?;

    let outcomes = app
        .invitations
        .create_invitations(NewInvitations {
            contract,
            activities: &activities,
            invited_by: &caller.user_id,
            now,
            invitees: &invitees,
        })
        .await
        .map_err(|e| match e {
            CreateError::ContractNotFound => crate::contract_not_found(),
            CreateError::Store(e) => e.into(),
            CreateError::LinkRefused | CreateError::NoLongerWaiting => {
                Problem::internal(&"an invitation by an admin used a join link")
            }
        })?;
    // The check after the write (see `invitations_core::do_not_invite`): someone forgotten
    // while this request ran loses the invitation it just wrote.
    let written: Vec<&EmailAddress> = invitees
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| o.is_new_invitation())
        .map(|(i, _)| &i.email)
        .collect();
    let taken_back = do_not_invite::take_back_listed(
        &*app.privacy,
        &*app.invitations,
        &contract.id,
        &written,
        now,
    )
    .await?;
    let outcomes: Vec<InviteOutcome> = invitees
        .iter()
        .zip(outcomes)
        .map(|(i, o)| match taken_back.contains(i.email.identity()) {
            true => InviteOutcome::DoNotInvite,
            false => o,
        })
        .collect();
    let mut waiting = 0;
    for (result, index) in results.iter_mut().zip(invitee_of_result) {
        if let Some(i) = index {
            result.outcome = outcomes[i].clone();
            if body.over_limit_wait && result.outcome == InviteOutcome::OverSeatLimit {
                let who = &invitees[i];
                // A microsecond apart: they wait in the order they were given.
                let entry = WaitingEntry::over_limit(
                    &contract.id,
                    who.email.clone(),
                    &activities,
                    &caller.user_id,
                    now + chrono::Duration::microseconds(waiting),
                );
                waiting += 1;
                app.waiting
                    .wait_over_limit(&entry)
                    .await
                    .map_err(|e| match e {
                        CreateError::Store(e) => Problem::from(e),
                        _ => crate::contract_not_found(),
                    })?;
                result.outcome = InviteOutcome::Waiting;
            }
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
    options: &InviteOptions,
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
                // An account that has not proved its address is not the address's owner, and
                // one disabled in or removed from the user pool cannot sign in: the invitation
                // goes to the address, bound to nobody (issues 26, 32).
                user.map(|u| match u.email_verified && u.standing.is_active() {
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
                        options: options.clone(),
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

/// People on the do-not-invite list are refused before anything is written: their rows say so
/// and they leave the invitees (the list read consistently, by one-way hash).
async fn refuse_listed(
    app: &App,
    results: &mut [Person],
    invitees: Vec<Invitee>,
    invitee_of_result: Vec<Option<usize>>,
) -> Result<(Vec<Invitee>, Vec<Option<usize>>), Problem> {
    let emails: Vec<&EmailAddress> = invitees.iter().map(|i| &i.email).collect();
    let listed = do_not_invite::listed(&*app.privacy, &emails).await?;
    if listed.is_empty() {
        return Ok((invitees, invitee_of_result));
    }
    let mut kept = Vec::with_capacity(invitees.len());
    let mut new_index: Vec<Option<usize>> = Vec::with_capacity(invitees.len());
    for invitee in invitees {
        if listed.contains(invitee.email.identity()) {
            new_index.push(None);
        } else {
            new_index.push(Some(kept.len()));
            kept.push(invitee);
        }
    }
    let invitee_of_result = results
        .iter_mut()
        .zip(invitee_of_result)
        .map(|(result, index)| {
            let index = index?;
            if new_index[index].is_none() {
                result.outcome = InviteOutcome::DoNotInvite;
            }
            new_index[index]
        })
        .collect();
    Ok((kept, invitee_of_result))
}

/// Directory users by id: their records, looked up a few at a time (`None` for an unknown id).
async fn directory_users(app: &App, ids: &[String]) -> Result<Vec<Option<User>>, Problem> {
    Ok(futures::stream::iter(ids.to_vec())
        .map(|uid| {
            let people = app.people.clone();
            async move {
                match UserId::parse(&uid) {
                    Ok(uid) => people.get_user(&uid).await,
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
            let people = app.people.clone();
            async move {
                match identity {
                    Some(identity) => people.find_user_by_email(&identity).await,
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
        if let Some(user) = user.filter(|u| u.standing.is_active()) {
            invitee.user_id = Some(user.id);
            invitee.name = Some(user.name);
        }
    }
    Ok(())
}
