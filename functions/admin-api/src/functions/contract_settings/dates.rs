//! `POST /contracts/{id}/dates` (system administrators): a contract's validity window. Mails
//! waiting for the start follow it (the store moves the contract's wake-up); a contract that
//! ends before its scheduled mails go cancels them (the reminder run, `schedule::release`).

use crate::{contract_not_found, views, App, Call};
use chrono::{DateTime, Utc};
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

pub async fn set_dates(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    if !call.caller.system_admin {
        return Err(Problem::forbidden(
            "Only system administrators change a learning contract's dates: they are what \
             the contract was bought for.",
        ));
    }
    let body: wire::ContractDates = http::body(call.req)?;
    let starts_at = time("start", &body.starts_at)?;
    let ends_at = time("end", &body.ends_at)?;
    if ends_at <= starts_at {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_dates",
            "The end must come after the start.",
        ));
    }
    let now = (app.clock)();
    let after = app
        .contracts
        .set_contract_dates(&contract.id, starts_at, ends_at, &call.caller.user_id, now)
        .await?
        .ok_or_else(contract_not_found)?;
    Ok(http::json(StatusCode::OK, &views::contract(&after, now)))
}

fn time(which: &str, value: &str) -> Result<DateTime<Utc>, Problem> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Problem::bad_request(
                "invalid_dates",
                format!(
                    "The {which} ({value}) is not a date and time with its time zone, like \
                     2027-03-01T09:00:00Z."
                ),
            )
        })
}
