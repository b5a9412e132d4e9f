//! A contract's CSV imports: announce an upload, follow its progress, read its report.

use crate::{managed_contract, App};
use chrono::{DateTime, Duration, Utc};
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

/// How long the browser has to start the upload, and to fetch a report.
const URL_LIFETIME: Duration = Duration::minutes(15);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewImport {
    #[serde(default)]
    activities: Vec<String>,
    file_name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ImportView {
    #[serde(flatten)]
    import: Import,
    /// Set when the import will not finish by itself (see [`Import::stall`]).
    stalled: Option<Stall>,
    /// A link to the full per-row report, once there is one.
    report_url: Option<String>,
}

#[derive(Debug, Serialize)]
struct Upload {
    method: &'static str,
    url: String,
    content_type: &'static str,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
struct Announced {
    import: Import,
    upload: Upload,
}

fn import_not_found() -> Problem {
    Problem::not_found(
        "import_not_found",
        "There is no such import for this learning contract.",
    )
}

fn storage_problem(err: invitations_core::ports::BlobError) -> Problem {
    Problem::internal(&err)
}

/// `POST /contracts/{id}/imports`: an import id and a URL to PUT the CSV file to. The file
/// lands at `imports/<contract id>/<import id>.csv`, and the import function takes it from there.
pub async fn create(
    app: &App,
    caller: &Caller,
    id: &str,
    req: &Request,
) -> Result<Response<Body>, Problem> {
    let bucket = app.imports_bucket()?;
    let contract = managed_contract(app, caller, id).await?;
    let body: NewImport = http::body(req)?;
    let now = (app.clock)();
    let activities = contract.accept_invitations(now, &body.activities)?;
    let file_name = body
        .file_name
        .map(|f| import::shorten(f.trim(), 200))
        .filter(|f| !f.is_empty());
    let import = Import {
        id: ImportId::new(now),
        contract_id: contract.id.clone(),
        status: ImportStatus::Queued,
        activities,
        created_by: Some(caller.user_id.clone()),
        created_at: now,
        updated_at: now,
        file_name,
        rows_read: 0,
        counts: ImportCounts::default(),
        first_bad_rows: Vec::new(),
        report_key: None,
    };
    if !app.store.create_import(&import).await? {
        return Err(Problem::busy());
    }
    let key = format!("imports/{}/{}.csv", contract.id, import.id);
    let url = bucket
        .presigned_put(&key, "text/csv", URL_LIFETIME.to_std().expect("positive"))
        .await
        .map_err(storage_problem)?;
    Ok(http::json(
        StatusCode::CREATED,
        &Announced {
            import,
            upload: Upload {
                method: "PUT",
                url,
                content_type: "text/csv",
                expires_at: now + URL_LIFETIME,
            },
        },
    ))
}

#[derive(Serialize)]
struct ImportList {
    imports: Vec<ImportView>,
}

/// `GET /contracts/{id}/imports`: newest first.
pub async fn list(app: &App, caller: &Caller, id: &str) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let now = (app.clock)();
    let imports = app
        .store
        .list_imports(&contract.id)
        .await?
        .into_iter()
        .map(|import| ImportView {
            stalled: import.stall(now),
            import,
            report_url: None,
        })
        .collect();
    Ok(http::json(StatusCode::OK, &ImportList { imports }))
}

/// `GET /contracts/{id}/imports/{importId}`: status, progress, counts, first bad rows, report.
pub async fn get(
    app: &App,
    caller: &Caller,
    id: &str,
    import_id: &str,
) -> Result<Response<Body>, Problem> {
    let contract = managed_contract(app, caller, id).await?;
    let import_id = ImportId::parse(import_id).map_err(|_| import_not_found())?;
    let import = app
        .store
        .get_import(&contract.id, &import_id)
        .await?
        .ok_or_else(import_not_found)?;
    let report_url = match &import.report_key {
        Some(key) => Some(
            app.imports_bucket()?
                .presigned_get(key, URL_LIFETIME.to_std().expect("positive"))
                .await
                .map_err(storage_problem)?,
        ),
        None => None,
    };
    Ok(http::json(
        StatusCode::OK,
        &ImportView {
            stalled: import.stall((app.clock)()),
            import,
            report_url,
        },
    ))
}
