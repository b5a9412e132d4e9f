//! One action on many invitations: resend, extend or revoke those chosen by id, by address, or
//! by the Invitations tab's filter. Each goes through the same conditional write as the single
//! action, so an enrolled one is refused in its row while the rest go through. One request
//! handles at most [`PAGE`] invitations and answers where to go on.

use super::Action;
use crate::shared::body_filter;
use crate::{App, Call};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::ports::*;
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// Invitations one request acts on: each is a transaction, and API Gateway gives up after 30 s.
pub const PAGE: usize = 100;
/// Ids or addresses one request may list (worked through [`PAGE`] at a time).
pub const MAX_LISTED: usize = 1000;

/// One invitation to act on, or what was asked for and not found (or not an address).
enum Target {
    Found(Box<Invitation>),
    Missing { as_sent: String, why: &'static str },
    NotAnAddress(String),
}

/// `POST /contracts/{id}/invitations/{resend|extend|revoke}`.
pub async fn on_many(
    app: &App,
    call: &Call<'_>,
    action: Action,
) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let body: wire::BulkRequest = http::body(call.req)?;
    let now = (app.clock)();
    if action.needs_sends() {
        contract.accept_sends(now)?;
    }
    let (targets, continuation) = select(app, contract, &body, now).await?;
    let mut result = wire::BulkResult {
        results: Vec::with_capacity(targets.len()),
        done: 0,
        unchanged: 0,
        refused: 0,
        not_found: 0,
        not_an_address: 0,
        continuation,
    };
    for target in targets {
        let outcome = match target {
            Target::Missing { as_sent, why } => missing(as_sent, why),
            Target::NotAnAddress(as_sent) => not_an_address(as_sent),
            Target::Found(invitation) => {
                let done = action.apply(app, call, &invitation.id).await;
                outcome_of(&invitation, done)
            }
        };
        match outcome.outcome {
            wire::BulkOutcomeKind::Done => result.done += 1,
            wire::BulkOutcomeKind::Unchanged => result.unchanged += 1,
            wire::BulkOutcomeKind::Refused => result.refused += 1,
            wire::BulkOutcomeKind::NotFound => result.not_found += 1,
            wire::BulkOutcomeKind::NotAnAddress => result.not_an_address += 1,
        }
        result.results.push(outcome);
    }
    Ok(http::json(StatusCode::OK, &result))
}

fn missing(as_sent: String, why: &'static str) -> wire::BulkOutcome {
    wire::BulkOutcome {
        invitation_id: None,
        email: as_sent,
        outcome: wire::BulkOutcomeKind::NotFound,
        code: Some("invitation_not_found".into()),
        detail: Some(why.into()),
    }
}

/// A line of a list of addresses that is not one: said so, not "not found" (issue 28).
fn not_an_address(as_sent: String) -> wire::BulkOutcome {
    wire::BulkOutcome {
        invitation_id: None,
        email: as_sent,
        outcome: wire::BulkOutcomeKind::NotAnAddress,
        code: Some("invalid_email".into()),
        detail: Some("This is not an email address.".into()),
    }
}

/// A refusal (or a failure) of one invitation is its row's outcome; the others go on, and a
/// request sent again is safe (resent too recently, already revoked, already lasts as long).
fn outcome_of(
    invitation: &Invitation,
    done: Result<wire::InvitationChange, Problem>,
) -> wire::BulkOutcome {
    let (outcome, code, detail) = match done {
        Ok(change) if change.changed => (wire::BulkOutcomeKind::Done, None, None),
        Ok(_) => (wire::BulkOutcomeKind::Unchanged, None, None),
        Err(p) if p.status == StatusCode::NOT_FOUND => (
            wire::BulkOutcomeKind::NotFound,
            Some(p.code),
            Some(p.detail),
        ),
        Err(p) => (wire::BulkOutcomeKind::Refused, Some(p.code), Some(p.detail)),
    };
    wire::BulkOutcome {
        invitation_id: Some(invitation.id.to_string()),
        email: invitation.email.as_entered().to_owned(),
        outcome,
        code: code.map(str::to_owned),
        detail,
    }
}

fn choose_one() -> Problem {
    Problem::bad_request(
        "choose_invitations",
        "Say which invitations to act on: give ids, emails or a filter, exactly one of them.",
    )
}

fn bad_continuation() -> Problem {
    Problem::bad_request(
        "invalid_continuation",
        "The continuation must be the one the previous answer gave: start again without one.",
    )
}

/// This request's invitations, and the continuation for the next, if more remain.
async fn select(
    app: &App,
    contract: &Contract,
    body: &wire::BulkRequest,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Vec<Target>, Option<String>), Problem> {
    match (&body.ids, &body.emails, &body.filter) {
        (Some(ids), None, None) => {
            let (page, next) = listed_page(ids, body.continuation.as_deref())?;
            let mut targets = Vec::with_capacity(page.len());
            for raw in page {
                let found = match InvitationId::parse(raw) {
                    Ok(id) => app.invitations.get_invitation(&contract.id, &id).await?,
                    Err(_) => None,
                };
                targets.push(match found {
                    Some(invitation) => Target::Found(Box::new(invitation)),
                    None => Target::Missing {
                        as_sent: raw.clone(),
                        why: "There is no such invitation in this learning contract.",
                    },
                });
            }
            Ok((targets, next))
        }
        (None, Some(emails), None) => {
            let (page, next) = listed_page(emails, body.continuation.as_deref())?;
            let parsed: Vec<(String, Option<EmailAddress>)> = page
                .iter()
                .map(|raw| (raw.clone(), EmailAddress::parse(raw).ok()))
                .collect();
            let identities: Vec<&str> = parsed
                .iter()
                .filter_map(|(_, e)| e.as_ref().map(EmailAddress::identity))
                .collect();
            let found = app
                .invitations
                .find_invitations_by_email(&contract.id, &identities)
                .await?;
            let targets = parsed
                .into_iter()
                .map(|(raw, email)| match email {
                    None => Target::NotAnAddress(raw),
                    Some(email) => found
                        .iter()
                        .find(|i| i.email.identity() == email.identity())
                        .map(|i| Target::Found(Box::new(i.clone())))
                        .unwrap_or(Target::Missing {
                            as_sent: raw,
                            why: "Nobody with this address is invited to this learning contract.",
                        }),
                })
                .collect();
            Ok((targets, next))
        }
        (None, None, Some(filter)) => {
            let continuation = body.continuation.clone().filter(|c| !c.is_empty());
            let query = body_filter(filter)?.query(false, continuation, PAGE);
            let page = app
                .invitations
                .list_invitations(&contract.id, &query, now)
                .await
                .map_err(|e| match e {
                    StoreError::BadCursor => bad_continuation(),
                    e => e.into(),
                })?;
            Ok((
                page.invitations
                    .into_iter()
                    .map(|i| Target::Found(Box::new(i)))
                    .collect(),
                page.next_cursor,
            ))
        }
        _ => Err(choose_one()),
    }
}

/// The part of a list of ids or addresses this request works on: [`PAGE`] from the offset the
/// continuation names.
fn listed_page<'a>(
    listed: &'a [String],
    continuation: Option<&str>,
) -> Result<(&'a [String], Option<String>), Problem> {
    if listed.is_empty() {
        return Err(choose_one());
    }
    if listed.len() > MAX_LISTED {
        return Err(Problem::bad_request(
            "too_many",
            format!(
                "At most {MAX_LISTED} ids or addresses in one request; for more, use a filter."
            ),
        ));
    }
    let start = match continuation {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|&at| at > 0 && at < listed.len())
            .ok_or_else(bad_continuation)?,
    };
    let end = (start + PAGE).min(listed.len());
    let next = (end < listed.len()).then(|| end.to_string());
    Ok((&listed[start..end], next))
}
