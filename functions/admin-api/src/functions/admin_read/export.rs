//! `GET /contracts/{id}/invitations/export?status=&q=&invited_by=&import=&invited_from=
//! &invited_to=&sort=`: the invitations the Invitations tab's filter matches, in its order, as
//! a CSV file to download.
//!
//! A Lambda answer is buffered (at most 6 MB through API Gateway), so the file is built from the
//! store's pages of 500, one page in hand at a time, and refused in words once it would pass
//! [`MAX_EXPORT_BYTES`]. ARCHITECTURE.md says why this is not an S3 object with a link.

use crate::shared::{descending, filter};
use crate::{views, App, Call};
use chrono::{DateTime, Utc};
use invitations_core::domain::import::neutralise;
use invitations_core::domain::*;
use invitations_core::http::Problem;
use invitations_core::ports::*;
use invitations_wire as wire;
use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use std::collections::HashMap;

/// The file's columns, in order.
pub const HEADER: [&str; 15] = [
    "status",
    "email",
    "name",
    "delivery",
    "invited at",
    "last sent",
    "enrolled at",
    "revoked at",
    "expires at",
    "activities",
    "inviter",
    "import",
    "line",
    "group",
    "scheduled for",
];

/// The largest file one answer carries: Lambda's 6 MB response limit, less room for the JSON
/// envelope and its escaping of quotes and line ends.
pub const MAX_EXPORT_BYTES: usize = 5_000_000;

/// Invitations read per store call.
const PAGE: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "These invitations make a file larger than {} MB, more than one download can carry. \
         Narrow them down with a search or the filters, and export each part.",
        max / 1_000_000
    )]
    TooLarge { max: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ExportError> for Problem {
    fn from(err: ExportError) -> Self {
        match err {
            ExportError::TooLarge { .. } => {
                Problem::new(StatusCode::BAD_REQUEST, "export_too_large", err.to_string())
            }
            ExportError::Store(e) => e.into(),
        }
    }
}

pub async fn export(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let filter = filter(call.req)?;
    let now = (app.clock)();
    let file = write_export(
        app.invitations.as_ref(),
        app.people.as_ref(),
        contract,
        &filter.query(descending(call.req)?, None, PAGE),
        now,
        MAX_EXPORT_BYTES,
    )
    .await?;
    let name = file_name(&contract.id, filter.status, now);
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(
            String::from_utf8(file).expect("the CSV writer wrote strings"),
        ))
        .expect("static response parts are valid"))
}

/// `invitations-<contract>[-<status>]-<date>.csv`, only characters safe in a header.
fn file_name(contract: &ContractId, status: Option<ShownStatus>, now: DateTime<Utc>) -> String {
    let safe: String = contract
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let status = status
        .map(|s| format!("-{s:?}").to_lowercase())
        .unwrap_or_default();
    format!("invitations-{safe}{status}-{}.csv", now.format("%Y-%m-%d"))
}

/// The CSV of every invitation `query` matches (from its first page on), in its order by
/// address, page by page; refused once it grows past `max_bytes`.
pub async fn write_export(
    invitations: &dyn InvitationStore,
    people: &dyn PeopleStore,
    contract: &Contract,
    query: &InvitationQuery,
    now: DateTime<Utc>,
    max_bytes: usize,
) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).expect("writing to memory");
    // Who invited, by user id: a few admins invite thousands, so each is looked up once.
    let mut inviters: HashMap<UserId, String> = HashMap::new();
    let mut query = InvitationQuery {
        cursor: None,
        limit: PAGE,
        ..query.clone()
    };
    // The file has its own inviter column (name and address).
    let no_names = views::Names::new();
    loop {
        let page = invitations
            .list_invitations(&contract.id, &query, now)
            .await?;
        for inv in &page.invitations {
            if !inviters.contains_key(&inv.invited_by) {
                let shown = match people.get_user(&inv.invited_by).await? {
                    Some(user) => format!("{} <{}>", user.name, user.email),
                    None => inv.invited_by.to_string(),
                };
                inviters.insert(inv.invited_by.clone(), shown);
            }
            // The file needs no row actions, so no block lookups.
            let view =
                views::invitation(inv, contract, now, views::RowAccess::default(), &no_names);
            writer
                .write_record(row(&view, &inviters[&inv.invited_by]))
                .expect("writing to memory");
        }
        writer.flush().expect("writing to memory");
        if writer.get_ref().len() > max_bytes {
            return Err(ExportError::TooLarge { max: max_bytes });
        }
        match page.next_cursor {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    Ok(writer.into_inner().expect("writing to memory"))
}

/// One invitation's line: the words and times the Invitations tab shows; every cell a person
/// or a file wrote is made safe for a spreadsheet.
fn row(inv: &wire::Invitation, inviter: &str) -> [String; 15] {
    let time = |t: &Option<String>| t.clone().unwrap_or_default();
    [
        inv.status.label().to_owned(),
        neutralise(&inv.email),
        neutralise(inv.name.as_deref().unwrap_or_default()),
        neutralise(&inv.delivery.in_words()),
        inv.invited_at.clone(),
        time(&inv.last_sent_at),
        time(&inv.enrolled_at),
        time(&inv.revoked_at),
        inv.expires_at.clone(),
        neutralise(
            &inv.activities
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        neutralise(inviter),
        inv.import_id.clone().unwrap_or_default(),
        inv.import_line.map(|l| l.to_string()).unwrap_or_default(),
        neutralise(inv.group.as_deref().unwrap_or_default()),
        inv.schedule
            .as_ref()
            .map(|s| s.at.clone())
            .unwrap_or_default(),
    ]
}
