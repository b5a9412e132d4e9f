//! A contract's CSV imports: the list (newest first), and one import's progress and report.

use crate::shared::{import_id, import_not_found, names_of, storage_problem, URL_LIFETIME};
use crate::{views, App, Call};
use invitations_core::http::{self, Problem};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

/// `GET /contracts/{id}/imports`: newest first.
pub async fn list(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let now = (app.clock)();
    let imports = app.imports.list_imports(&call.contract()?.id).await?;
    let names = names_of(app, imports.iter().filter_map(|i| i.created_by.as_ref())).await?;
    let imports = imports
        .iter()
        .map(|import| views::import(import, now, None, &names))
        .collect();
    Ok(http::json(StatusCode::OK, &wire::ImportList { imports }))
}

/// `GET /contracts/{id}/imports/{importId}`: status, progress, counts, first bad rows, report.
pub async fn get(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let import_id = import_id(call, "importId")?;
    let import = app
        .imports
        .get_import(&call.contract()?.id, &import_id)
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
    let names = names_of(app, import.created_by.as_ref()).await?;
    Ok(http::json(
        StatusCode::OK,
        &views::import(&import, (app.clock)(), report_url, &names),
    ))
}
