//! `GET`/`POST /contracts/{id}/notifications`: the caller's own mail about a contract (issue
//! 31): enrolments one mail each, in a daily digest or not at all; seat alerts at 90% and when
//! none are left. Sent to the caller's confirmed sign-in address by the reminder run and the
//! mailer.

use crate::{App, Call};
use invitations_core::domain::notice::{EnrolmentNotices, NoticeSetting};
use invitations_core::domain::EmailAddress;
use invitations_core::http::{self, Problem};
use invitations_core::ports::StoreError;
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

pub async fn get(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let setting = app
        .notices
        .notice_setting(&contract.id, &call.caller.user_id)
        .await?;
    Ok(http::json(StatusCode::OK, &view(setting.as_ref())))
}

pub async fn set(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let body: wire::NotificationSettings = http::body(call.req)?;
    let enrolments = match body.enrolments {
        wire::EnrolmentNotices::Each => EnrolmentNotices::Each,
        wire::EnrolmentNotices::Daily => EnrolmentNotices::Daily,
        wire::EnrolmentNotices::Off => EnrolmentNotices::Off,
    };
    let wants_mail = enrolments != EnrolmentNotices::Off || body.seat_alerts;
    let now = (app.clock)();
    let before = app
        .notices
        .notice_setting(&contract.id, &call.caller.user_id)
        .await?;
    let confirmed = call
        .caller
        .email
        .as_deref()
        .and_then(|e| EmailAddress::parse(e).ok());
    let email = match (confirmed, &before, wants_mail) {
        (Some(email), ..) => email,
        // Turning mail off needs no address.
        (None, Some(before), false) => before.email.clone(),
        (None, None, false) => return Ok(http::json(StatusCode::OK, &view(None))),
        (None, _, true) => {
            return Err(Problem::conflict(
                "no_address",
                "Your sign-in has no confirmed email address to send this mail to. Confirm \
                 your address in the sign-in service, then sign in again.",
            ))
        }
    };
    // What was told so far stays while enrolment mail stays on; turned on, it starts now.
    let keeps = before
        .as_ref()
        .filter(|b| b.enrolments != EnrolmentNotices::Off && enrolments != EnrolmentNotices::Off);
    let setting = NoticeSetting {
        contract_id: contract.id.clone(),
        admin: call.caller.user_id.clone(),
        email,
        enrolments,
        seat_alerts: body.seat_alerts,
        system_admin: call.caller.system_admin,
        told_through: keeps.map_or(now, |b| b.told_through),
        seats_told: before
            .as_ref()
            .filter(|b| b.seat_alerts && body.seat_alerts)
            .map_or(0, |b| b.seats_told),
    };
    if !app
        .notices
        .save_notice_setting(&setting, before.as_ref())
        .await?
    {
        return Err(StoreError::Contended.into());
    }
    Ok(http::json(StatusCode::OK, &view(Some(&setting))))
}

fn view(setting: Option<&NoticeSetting>) -> wire::NotificationSettings {
    match setting {
        None => wire::NotificationSettings {
            enrolments: wire::EnrolmentNotices::Off,
            seat_alerts: false,
        },
        Some(s) => wire::NotificationSettings {
            enrolments: match s.enrolments {
                EnrolmentNotices::Each => wire::EnrolmentNotices::Each,
                EnrolmentNotices::Daily => wire::EnrolmentNotices::Daily,
                EnrolmentNotices::Off => wire::EnrolmentNotices::Off,
            },
            seat_alerts: s.seat_alerts,
        },
    }
}
