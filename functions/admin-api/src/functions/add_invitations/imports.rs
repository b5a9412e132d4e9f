//! A contract's CSV imports: announce an upload (the import function takes it from there), and
//! "Invite these N" after a check.

use crate::shared::{import_id, import_not_found, names_of, storage_problem, URL_LIFETIME};
use crate::{options, views, App, Call};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::ports::{BlobError, FromCheck};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// `POST /contracts/{id}/imports`: an import id and a URL to PUT the CSV file to. The file
/// lands at `imports/<contract id>/<import id>.csv`, and the import function takes it from there.
pub async fn announce(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let bucket = app.imports_bucket()?;
    let (contract, caller) = (call.contract()?, &call.caller);
    let body: wire::NewImport = http::body(call.req)?;
    if body.file_size == 0 {
        return Err(Problem::bad_request(
            "file_empty",
            "The file is empty: there is nobody to invite in it.",
        ));
    }
    if body.file_size > import::MAX_FILE_BYTES {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            format!(
                "The file is {} bytes; the limit is {} bytes (50 MiB). Split it into smaller files.",
                body.file_size,
                import::MAX_FILE_BYTES
            ),
        ));
    }
    let now = (app.clock)();
    let activities = contract.accept_invitations(now, &body.activities)?;
    let (send_at, group) = row_defaults(&body, contract, now)?;
    let file_name = body
        .file_name
        .map(|f| import::shorten(f.trim(), 200))
        .filter(|f| !f.is_empty());
    let import = Import {
        announced_size: Some(body.file_size),
        mode: match body.mode {
            wire::ImportMode::Invite => ImportMode::Invite,
            wire::ImportMode::Check => ImportMode::Check,
        },
        send_at,
        group,
        language: body.language.map(views::language_from),
        ..Import::queued(
            ImportId::new(now),
            contract.id.clone(),
            activities,
            Some(caller.user_id.clone()),
            file_name,
            now,
        )
    };
    if !app.imports.create_import(&import).await? {
        return Err(Problem::busy());
    }
    let key = format!("imports/{}/{}.csv", contract.id, import.id);
    let url = bucket
        .presigned_put(
            &key,
            "text/csv",
            body.file_size,
            URL_LIFETIME.to_std().expect("positive"),
        )
        .await
        .map_err(storage_problem)?;
    let names = names_of(app, [&caller.user_id]).await?;
    Ok(http::json(
        StatusCode::CREATED,
        &wire::AnnouncedImport {
            import: views::import(&import, now, None, &names),
            upload: wire::UploadTarget {
                method: "PUT".into(),
                url,
                content_type: "text/csv".into(),
                expires_at: views::timestamp(now + URL_LIFETIME),
            },
        },
    ))
}

/// The send time and group asked for the file's rows that name none. A send time is refused now
/// when it does not suit the contract (the import checks it again when it reads the file); none
/// asked is the contract's default then.
fn row_defaults(
    body: &wire::NewImport,
    contract: &Contract,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Option<SendAt>, Option<Group>), Problem> {
    let send_at = match &body.send_at {
        None => None,
        Some(asked) => {
            let send_at = options::send_at(Some(asked), contract, now)?;
            send_at.resolve(contract, now).map_err(|e| {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_send_at",
                    e.to_string(),
                )
            })?;
            Some(send_at)
        }
    };
    let group = match body
        .group
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        None => None,
        Some(g) => Some(
            Group::parse(g)
                .map_err(|e| Problem::bad_request("invalid_group", format!("The group: {e}")))?,
        ),
    };
    Ok((send_at, group))
}

/// `POST /contracts/{id}/imports/{importId}/invite`: "Invite these N" after a check. A new
/// import of the same stored file (copied to the new import's key, which starts it; nobody
/// uploads it again) with the check's activities and defaults for its rows (send time, group,
/// language). Answers the new import.
pub async fn invite_checked(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let bucket = app.imports_bucket()?;
    let (contract, caller) = (call.contract()?, &call.caller);
    let check_id = import_id(call, "importId")?;
    let check = app
        .imports
        .get_import(&contract.id, &check_id)
        .await?
        .ok_or_else(import_not_found)?;
    let (Some(key), ImportMode::Check, ImportStatus::Done) =
        (&check.file_key, check.mode, &check.status)
    else {
        return Err(Problem::conflict(
            "not_a_finished_check",
            "Only a finished check of a file can be invited from; this import is not one.",
        ));
    };
    let now = (app.clock)();
    // The contract may have ended, or lost an activity, since the check.
    let activities = contract.accept_resolved(now, &check.activities)?;
    // Still the file that was checked (issue 26): a second PUT of the same length at its key
    // would otherwise be invited unchecked. The copy is conditional on it too (S3 checks
    // `x-amz-copy-source-if-match`); the new import then reads its copy as its copy's event
    // names it (a copy's ETag differs from a multipart original's).
    let file_changed = || {
        Problem::conflict(
            "file_changed",
            "The file was replaced after it was checked, so these are not the addresses the \
             check showed. Check the file again.",
        )
    };
    // (A check made before checks kept the ETag has none to hold the file to.)
    if let Some(checked) = &check.file_etag {
        let current = bucket.head(key).await.map_err(storage_problem)?;
        let unquoted = |e: &str| e.trim_matches('"').to_owned();
        if current.etag.as_deref().map(unquoted) != Some(unquoted(checked)) {
            return Err(file_changed());
        }
    }
    let import = Import {
        checked_by: Some(check.id.clone()),
        send_at: check.send_at,
        group: check.group.clone(),
        language: check.language,
        ..Import::queued(
            ImportId::new(now),
            contract.id.clone(),
            activities,
            Some(caller.user_id.clone()),
            check.file_name.clone(),
            now,
        )
    };
    let (import, status) = match app
        .imports
        .create_import_from_check(&import, &check.id)
        .await?
    {
        FromCheck::Created => (import, StatusCode::CREATED),
        FromCheck::AlreadyInvited(earlier) => {
            let earlier = app
                .imports
                .get_import(&contract.id, &earlier)
                .await?
                .ok_or_else(import_not_found)?;
            // Still queued: the call that made it may have stopped before the copy (a timeout),
            // so this one finishes its work (a second copy is a duplicate S3 event, which the
            // import reads as one). Anything later was invited already: said so.
            if earlier.status != ImportStatus::Queued {
                return Err(Problem::conflict(
                    "already_invited",
                    format!(
                        "The addresses of this check were invited already, by the import started \
                         on {} (UTC): see it on the Imports page.",
                        earlier.created_at.format("%Y-%m-%d at %H:%M")
                    ),
                ));
            }
            (earlier, StatusCode::OK)
        }
    };
    bucket
        .copy(
            key,
            &format!("imports/{}/{}.csv", contract.id, import.id),
            check.file_etag.as_deref(),
        )
        .await
        .map_err(|e| match e {
            BlobError::Changed => file_changed(),
            other => storage_problem(other),
        })?;
    let names = names_of(app, import.created_by.as_ref()).await?;
    Ok(http::json(
        status,
        &views::import(&import, now, None, &names),
    ))
}
