//! `contract-settings`: the settings a contract's admins edit: the invitation mail (language,
//! own text) with a test send, and the reminder plan; audited. Also the contract's dates
//! (system administrators, `dates.rs`) and each admin's own mail about it (`notifications.rs`).

mod dates;
mod notifications;

use crate::functions::not_served;
use crate::{accept, contract_not_found, views, App, Call};
use invitations_core::domain::mail::{ContractMail, MailTemplate};
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem};
use invitations_core::ports::{TestMail, TestMailQueued};
use invitations_wire::{self as wire, routes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "contract-settings";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        match *call.route {
            routes::SET_MAIL => set_mail(app, &call).await,
            routes::TEST_MAIL => test_mail(app, &call).await,
            routes::SET_REMINDERS => set_reminders(app, &call).await,
            routes::SET_DATES => dates::set_dates(app, &call).await,
            routes::GET_NOTIFICATIONS => notifications::get(app, &call).await,
            routes::SET_NOTIFICATIONS => notifications::set(app, &call).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

/// The mail as asked: the language's standard text sent back as it is means "the standard
/// text" (so a later change of language changes it too).
fn contract_mail(body: &wire::MailSettingsRequest) -> Result<ContractMail, Problem> {
    let language = views::language_from(body.language);
    let template = MailTemplate::parse(&body.subject, &body.message).map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_mail_template",
            e.to_string(),
        )
    })?;
    let custom = (template != MailTemplate::standard(language)).then_some(template);
    Ok(ContractMail { language, custom })
}

/// `POST /contracts/{id}/mail`.
async fn set_mail(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, caller) = (call.contract()?, &call.caller);
    let body: wire::MailSettingsRequest = http::body(call.req)?;
    let mail = contract_mail(&body)?;
    let now = (app.clock)();
    let after = app
        .contracts
        .set_contract_mail(&contract.id, &mail, &caller.user_id, now)
        .await?
        .ok_or_else(contract_not_found)?;
    Ok(http::json(StatusCode::OK, &views::contract(&after, now)))
}

/// Tests of the contract mail one person may ask for in a clock hour: enough to try a draft a
/// few times, too few for anyone to spend the account's mail quota with them (issue 26).
pub const TEST_MAILS_PER_HOUR: u32 = 5;

/// `POST /contracts/{id}/mail/test`: the draft as typed, to the caller's own confirmed
/// address, unless the mail service refuses that address (a block) or the caller's tests for
/// this hour are used up.
async fn test_mail(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, caller) = (call.contract()?, &call.caller);
    let body: wire::MailSettingsRequest = http::body(call.req)?;
    let mail = contract_mail(&body)?;
    let to = caller
        .email
        .as_deref()
        .and_then(|e| EmailAddress::parse(e).ok())
        .ok_or_else(|| {
            Problem::conflict(
                "no_address",
                "Your sign-in has no confirmed email address to send the test to. Confirm \
                 your address in the sign-in service, then sign in again.",
            )
        })?;
    if let Some(block) = app.blocks.address_block(to.identity()).await? {
        return Err(Problem::conflict(
            "address_blocked",
            format!(
                "The test cannot go to {to}: {}. Clear the block first if the address works \
                 again.",
                block.what_happened()
            ),
        ));
    }
    let name = app.people.get_user(&caller.user_id).await?.map(|u| u.name);
    let test = TestMail {
        id: uuid::Uuid::new_v4().simple().to_string(),
        contract: contract.id.clone(),
        to,
        name,
        requested_by: caller.user_id.clone(),
        mail,
        queued_at: (app.clock)(),
    };
    if app
        .contracts
        .queue_test_mail(&test, TEST_MAILS_PER_HOUR)
        .await?
        == TestMailQueued::LimitReached
    {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "test_mail_limit",
            format!(
                "You have sent {TEST_MAILS_PER_HOUR} tests in this hour, the most there can be. \
                 Send the next after {} (UTC).",
                next_hour(test.queued_at).format("%H:%M")
            ),
        ));
    }
    Ok(http::json(
        StatusCode::ACCEPTED,
        &wire::TestMailQueued {
            to: test.to.as_entered().to_owned(),
        },
    ))
}

/// `POST /contracts/{id}/reminders`.
async fn set_reminders(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let (contract, caller) = (call.contract()?, &call.caller);
    let body: wire::ReminderPlan = http::body(call.req)?;
    let plan = ReminderPlan::parse(
        body.enabled,
        body.days_after_send,
        body.days_before_expiry,
        body.at_most,
    )
    .map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reminder_plan",
            e.to_string(),
        )
    })?;
    let now = (app.clock)();
    let after = app
        .contracts
        .set_reminder_plan(&contract.id, &plan, &caller.user_id, now)
        .await?
        .ok_or_else(contract_not_found)?;
    Ok(http::json(StatusCode::OK, &views::contract(&after, now)))
}

/// The start of the clock hour after `at`: when the test mail limit starts again.
fn next_hour(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{Duration, Timelike};
    let hour = at
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(at);
    hour + Duration::hours(1)
}
