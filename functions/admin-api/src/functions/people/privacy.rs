//! `POST /privacy/requests`, `GET /privacy/requests`, `GET /privacy/requests/{requestId}`
//! (system administrators, issue 32). The request is saved and answered at once (202); the
//! `privacy` function, woken by the table's stream, runs it. Answers never hold the address.

use super::system_admins_only;
use crate::{App, Call};
use invitations_core::domain::privacy::{PrivacyRequest, RequestKind, RequestStatus, TraceKind};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::to_wire::timestamp;
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// How long a download link of an export works.
const DOWNLOAD_FOR: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// Requests the list shows.
const LISTED: usize = 50;

pub async fn add(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let caller = system_admins_only(call)?;
    let body: wire::NewPrivacyRequest = http::body(call.req)?;
    let email = EmailAddress::parse(&body.email)
        .map_err(|e| Problem::bad_request("invalid_email", e.sentence("the address")))?;
    let kind = match body.kind {
        wire::PrivacyRequestKind::Forget => RequestKind::Forget {
            delete_account: body.delete_account,
            do_not_invite: body.do_not_invite,
        },
        wire::PrivacyRequestKind::Export if body.delete_account || body.do_not_invite => {
            return Err(Problem::bad_request(
                "export_only",
                "A download changes nothing: deleting the account and the do-not-invite list \
                 go with forgetting the person.",
            ))
        }
        wire::PrivacyRequestKind::Export => RequestKind::Export,
    };
    let request = PrivacyRequest::new(kind, caller.user_id.clone(), (app.clock)());
    app.privacy.add_privacy_request(&request, &email).await?;
    // The log names the request, never the address.
    tracing::info!(actor = %caller.user_id, request = %request.id, "privacy request queued");
    Ok(http::json(
        StatusCode::ACCEPTED,
        &view(app, &request).await?,
    ))
}

pub async fn list(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    system_admins_only(call)?;
    let mut requests = Vec::new();
    for request in app.privacy.privacy_requests(LISTED).await? {
        requests.push(view(app, &request).await?);
    }
    Ok(http::json(
        StatusCode::OK,
        &wire::PrivacyRequestList { requests },
    ))
}

pub async fn get(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    system_admins_only(call)?;
    let id = call.param("requestId");
    let not_found = || {
        Problem::not_found(
            "privacy_request_not_found",
            "There is no such privacy request.",
        )
    };
    if !PrivacyRequest::valid_id(id) {
        return Err(not_found());
    }
    let request = app
        .privacy
        .privacy_request(id)
        .await?
        .ok_or_else(not_found)?;
    Ok(http::json(StatusCode::OK, &view(app, &request).await?))
}

async fn view(app: &App, request: &PrivacyRequest) -> Result<wire::PrivacyRequest, Problem> {
    let (kind, delete_account, do_not_invite) = match request.kind {
        RequestKind::Forget {
            delete_account,
            do_not_invite,
        } => (
            wire::PrivacyRequestKind::Forget,
            delete_account,
            do_not_invite,
        ),
        RequestKind::Export => (wire::PrivacyRequestKind::Export, false, false),
    };
    let requested_by = match app.people.get_user(&request.requested_by).await? {
        Some(user) => user.name,
        None => request.requested_by.to_string(),
    };
    let download_url = match (&request.export_key, request.status, &app.blobs) {
        (Some(key), RequestStatus::Done, Some(blobs)) => Some(
            blobs
                .presigned_get(key, DOWNLOAD_FOR)
                .await
                .map_err(|e| Problem::internal(&e))?,
        ),
        _ => None,
    };
    Ok(wire::PrivacyRequest {
        id: request.id.clone(),
        kind,
        status: match request.status {
            RequestStatus::Queued => wire::PrivacyRequestStatus::Queued,
            RequestStatus::Running => wire::PrivacyRequestStatus::Running,
            RequestStatus::Done => wire::PrivacyRequestStatus::Done,
            RequestStatus::Failed => wire::PrivacyRequestStatus::Failed,
        },
        delete_account,
        do_not_invite,
        requested_at: timestamp(request.requested_at),
        requested_by,
        finished_at: request.finished_at.map(timestamp),
        traces: request
            .traces
            .iter()
            .map(|(kind, count)| wire::PrivacyTraceCount {
                kind: trace_kind(*kind),
                count: *count,
            })
            .collect(),
        download_url,
        failure: request.failure.clone(),
    })
}

fn trace_kind(kind: TraceKind) -> wire::PrivacyTraceKind {
    use wire::PrivacyTraceKind as W;
    match kind {
        TraceKind::Invitation => W::Invitation,
        TraceKind::History => W::History,
        TraceKind::Audit => W::Audit,
        TraceKind::DirectoryEntry => W::DirectoryEntry,
        TraceKind::Account => W::Account,
        TraceKind::Block => W::Block,
        TraceKind::Waiting => W::Waiting,
        TraceKind::JoinProof => W::JoinProof,
        TraceKind::WebhookMessage => W::WebhookMessage,
        TraceKind::AdminMail => W::AdminMail,
        TraceKind::Import => W::Import,
        TraceKind::File => W::File,
        TraceKind::Other => W::Other,
    }
}
