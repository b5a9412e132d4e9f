//! What an inviter may say besides who (issue 31): when the mails go, the group, the mails'
//! language; read from the wire once, refused in words.

use crate::views;
use chrono::{DateTime, Utc};
use invitations_core::domain::*;
use invitations_core::http::Problem;
use invitations_wire as wire;
use lambda_http::http::StatusCode;

/// The send time asked for, or the contract's default (its start while it has not started).
pub fn send_at(
    asked: Option<&wire::SendAt>,
    contract: &Contract,
    now: DateTime<Utc>,
) -> Result<SendAt, Problem> {
    Ok(match asked {
        None => SendAt::default_for(contract, now),
        Some(wire::SendAt::Now) => SendAt::Now,
        Some(wire::SendAt::ContractStart) => SendAt::ContractStart,
        Some(wire::SendAt::At { at }) => SendAt::At(
            DateTime::parse_from_rfc3339(at)
                .map_err(|_| {
                    Problem::bad_request(
                        "invalid_send_at",
                        format!(
                            "The send time ({at}) is not a date and time with its time zone, \
                             like 2027-03-01T09:00:00Z."
                        ),
                    )
                })?
                .with_timezone(&Utc),
        ),
    })
}

/// The schedule, group and language of one request's people.
pub fn invite_options(
    asked_send_at: Option<&wire::SendAt>,
    group: Option<&str>,
    language: Option<wire::MailLanguage>,
    contract: &Contract,
    now: DateTime<Utc>,
) -> Result<InviteOptions, Problem> {
    let schedule = send_at(asked_send_at, contract, now)?
        .resolve(contract, now)
        .map_err(|e| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_send_at",
                e.to_string(),
            )
        })?;
    let group = match group.map(str::trim).filter(|g| !g.is_empty()) {
        None => None,
        Some(g) => Some(
            Group::parse(g)
                .map_err(|e| Problem::bad_request("invalid_group", format!("The group: {e}")))?,
        ),
    };
    Ok(InviteOptions {
        schedule,
        group,
        language: language.map(views::language_from),
    })
}
