//! The privacy function (issue 32): on the table's stream, a new privacy request (its
//! trigger's filter: `type = privacy_request`, INSERT) is run to its end.
//!
//! - Forget: the address goes on the do-not-invite list first (when asked), so that anything
//!   written from then on is refused or caught; then passes over the table erase the person
//!   until a pass finds nothing left (`PrivacyStore::erase_pass`), the bucket's files lose the
//!   lines about them (`files.rs`), their sign-in accounts go (when asked), and a last look at
//!   the table checks that nothing came back meanwhile.
//! - Export: everything the table and the bucket hold about the address, as one JSON file
//!   under `privacy/` in the bucket (deleted after a day by its lifecycle rule).
//!
//! A request is taken conditionally (`start_privacy_request`), so a record delivered twice
//! runs once; a run that died is taken over after `RUN_TAKEN_OVER_AFTER`. Every step is safe
//! to run again, which is also what a second request about the same person does.

pub mod files;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use chrono::{DateTime, Utc};
use invitations_core::adapters::dynamo::items::{Item, Reader};
use invitations_core::domain::privacy::*;
use invitations_core::domain::EmailAddress;
use invitations_core::ports::{Accounts, Blobs, Clock, HeldItem, PrivacyStore};
use std::sync::Arc;

/// Passes over the table at most: each one after the first only meets what changed under the
/// one before (an enrolment racing the erasure, a mail report arriving).
const MAX_PASSES: usize = 5;
/// Where exports go in the bucket.
pub const EXPORT_PREFIX: &str = "privacy/";

pub struct App {
    pub store: Arc<dyn PrivacyStore>,
    pub blobs: Arc<dyn Blobs>,
    pub accounts: Arc<dyn Accounts>,
    pub clock: Clock,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("the table: {0}")]
    Store(#[from] invitations_core::ports::StoreError),
    #[error("the bucket: {0}")]
    Blobs(#[from] invitations_core::ports::BlobError),
    #[error("the user pool: {0}")]
    Accounts(#[from] invitations_core::ports::AccountsError),
    #[error("{0}")]
    Unfinished(String),
}

/// The request a stream record announces, when it is a new privacy request.
pub fn announced_request(record: &EventRecord) -> Option<String> {
    if record.event_name != "INSERT" {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    (reader.opt_s("type") == Some("privacy_request"))
        .then(|| {
            reader
                .opt_s("sk")?
                .strip_prefix("REQUEST#")
                .map(str::to_owned)
        })
        .flatten()
}

pub async fn handle(app: &App, event: Event) -> Result<(), lambda_runtime::Error> {
    for record in &event.records {
        if let Some(id) = announced_request(record) {
            run(app, &id).await?;
        }
    }
    Ok(())
}

/// Runs one request, if it is still to run. A failure is saved on the request in words (the
/// system administrator sees it and may ask again); only a failure to save that is an error.
pub async fn run(app: &App, id: &str) -> Result<Option<PrivacyRequest>, RunError> {
    let now = (app.clock)();
    let Some((mut request, email)) = app.store.start_privacy_request(id, now).await? else {
        tracing::info!(request = %id, "privacy request taken already");
        return Ok(None);
    };
    let outcome = match request.kind {
        RequestKind::Forget {
            delete_account,
            do_not_invite,
        } => forget(app, &request, &email, delete_account, do_not_invite, now).await,
        RequestKind::Export => export(app, &request, &email, now)
            .await
            .map(|(key, found)| {
                request.export_key = Some(key);
                found
            }),
    };
    request.finished_at = Some((app.clock)());
    match outcome {
        Ok(traces) => {
            request.status = RequestStatus::Done;
            request.traces = traces;
        }
        Err(err) => {
            tracing::error!(request = %id, error = %err, "privacy request failed");
            request.status = RequestStatus::Failed;
            request.failure = Some(format!(
                "It stopped before the end ({err}). What was done stays done; ask again to \
                 finish it."
            ));
        }
    }
    app.store.finish_privacy_request(&request).await?;
    tracing::info!(request = %id, status = ?request.status, traces = ?request.traces, "privacy request run");
    Ok(Some(request))
}

async fn person(app: &App, email: &EmailAddress) -> Result<Person, RunError> {
    let mut person = Person::new(email.clone());
    app.store.learn_names(&mut person).await?;
    Ok(person)
}

async fn forget(
    app: &App,
    request: &PrivacyRequest,
    email: &EmailAddress,
    delete_account: bool,
    do_not_invite: bool,
    now: DateTime<Utc>,
) -> Result<TraceCounts, RunError> {
    if do_not_invite {
        app.store.add_do_not_invite(email, now).await?;
    }
    let person = person(app, email).await?;
    let mut traces = TraceCounts::new();
    let mut clean = false;
    for _ in 0..MAX_PASSES {
        let pass = app
            .store
            .erase_pass(&person, delete_account, &request.requested_by, now)
            .await?;
        add(&mut traces, &pass.erased);
        if pass.clean() {
            // What is kept on purpose (the directory record of someone keeping their
            // account) is counted once, from the last pass.
            add(&mut traces, &pass.kept);
            clean = true;
            break;
        }
    }
    if !clean {
        return Err(RunError::Unfinished(format!(
            "the table kept changing under {MAX_PASSES} passes"
        )));
    }
    let files = files::erase(app.blobs.as_ref(), &person, &request.id).await?;
    if files > 0 {
        traces.insert(TraceKind::File, files);
    }
    if delete_account {
        let accounts = app.accounts.delete_accounts_of(email).await?;
        if accounts > 0 {
            traces.insert(TraceKind::Account, accounts);
        }
    }
    Ok(traces)
}

fn add(into: &mut TraceCounts, counts: &TraceCounts) {
    for (kind, count) in counts {
        if *count > 0 {
            *into.entry(*kind).or_default() += count;
        }
    }
}

/// The export's document: what is held, where, and what the file is.
#[derive(serde::Serialize)]
struct Export<'a> {
    about: &'a str,
    made_at: String,
    explanation: &'static str,
    table: Vec<Held<'a>>,
    files: Vec<files::FileLines>,
}

#[derive(serde::Serialize)]
struct Held<'a> {
    kind: TraceKind,
    place: &'a str,
    data: &'a serde_json::Value,
}

async fn export(
    app: &App,
    request: &PrivacyRequest,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> Result<(String, TraceCounts), RunError> {
    let person = person(app, email).await?;
    let held: Vec<HeldItem> = app.store.held_about(&person).await?;
    let files = files::lines_about(app.blobs.as_ref(), &person).await?;
    // What was found, by kind, as a forget would count it.
    let mut found = TraceCounts::new();
    for h in &held {
        *found.entry(h.kind).or_default() += 1;
    }
    if !files.is_empty() {
        found.insert(TraceKind::File, files.len() as u64);
    }
    let document = Export {
        about: email.as_entered(),
        made_at: now.to_rfc3339(),
        explanation: "Everything this service holds that names the address: its invitations \
                      and their history, the contracts' audit entries, the directory record, \
                      blocks, waiting lists and join requests, webhook messages, admins' mail, \
                      import records, and the lines of uploaded files and import reports.",
        table: held
            .iter()
            .map(|h| Held {
                kind: h.kind,
                place: &h.place,
                data: &h.data,
            })
            .collect(),
        files,
    };
    let key = format!("{EXPORT_PREFIX}{}.json", request.id);
    let body = serde_json::to_vec_pretty(&document).unwrap_or_default();
    app.blobs.put(&key, body, "application/json").await?;
    Ok((key, found))
}
