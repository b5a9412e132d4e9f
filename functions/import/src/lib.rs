//! The import function: a CSV file of email addresses lands under `imports/<contract id>/`, S3
//! announces it, and everyone in it is invited, with a report of every row. A header may name
//! each person's name, mail language, group and send time besides the address (issue 31).
//!
//! Safe under at-least-once delivery: an import's id comes from the object (announced uploads
//! are `<import id>.csv`; files dropped straight into the bucket get an id from their key and
//! the event's sequencer), invitations are conditional writes that recognise a row already
//! written by the same import, and a finished import is never run again.

pub mod chunks;
pub mod fan_out;
pub mod header;
mod outcomes;
pub mod person;
pub mod plan;
pub mod queue;
pub mod report;
pub mod round;
pub mod rows;
mod run;
pub mod settings;

pub use chunks::handle_chunks;
pub use fan_out::FanOut;
pub use run::{run_import, ImportFailure, MAX_FILE_BYTES};

use aws_lambda_events::event::s3::S3Event;
use chrono::{DateTime, Utc};
use invitations_core::domain::{ContractId, ImportId};
use invitations_core::ports::{Blobs, Clock, Store};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const IMPORTS_PREFIX: &str = "imports/";
pub const REPORTS_PREFIX: &str = "reports/";

#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn Blobs>,
    pub clock: Clock,
    /// Larger files are refused; [`MAX_FILE_BYTES`] in production.
    pub max_file_bytes: u64,
    /// Large files are read in chunks by invocations of their own (issue 33); `None`: every
    /// file is read whole by the run of its S3 event.
    pub fan_out: Option<FanOut>,
}

/// Where an object is, in the import's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportObject {
    pub key: String,
    pub contract_id: ContractId,
    pub file_name: String,
    /// Set when the file name is an import id (an upload the API announced).
    pub announced: Option<ImportId>,
    /// The id a dropped file gets: the same for every delivery of the same event.
    pub dropped_id: ImportId,
    /// The event's sequencer: which file put at this key this is (the same for every delivery
    /// of one event, another for a later file at the same key).
    pub sequencer: String,
    /// Who put the file, as S3 names them in the event (`principalId`).
    pub put_by: Option<String>,
    /// The file's ETag in the event: the version this event announced.
    pub etag: Option<String>,
}

/// S3 event keys arrive URL-encoded, with `+` for a space.
pub fn decode_key(raw: &str) -> String {
    percent_encoding::percent_decode_str(&raw.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// `imports/<contract id>/<file>`; anything else is not an import.
pub fn import_object(key: &str, sequencer: &str) -> Option<ImportObject> {
    let rest = key.strip_prefix(IMPORTS_PREFIX)?;
    let (contract, file_name) = rest.split_once('/')?;
    if file_name.is_empty() || file_name.contains('/') {
        return None;
    }
    let contract_id = ContractId::parse(contract).ok()?;
    let stem = file_name.strip_suffix(".csv").unwrap_or(file_name);
    let digest = Sha256::digest(format!("{key}|{sequencer}").as_bytes());
    let hex: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
    Some(ImportObject {
        key: key.to_owned(),
        contract_id,
        file_name: file_name.to_owned(),
        announced: ImportId::parse(stem)
            .ok()
            .filter(|_| file_name.ends_with(".csv")),
        dropped_id: ImportId::parse(&format!("drop-{hex}")).expect("hex is a valid id"),
        sequencer: sequencer.to_owned(),
        put_by: None,
        etag: None,
    })
}

pub fn report_key(contract: &ContractId, import: &ImportId) -> String {
    format!("{REPORTS_PREFIX}{contract}/{import}.csv")
}

/// Handles one S3 event: each object in turn. An error makes Lambda deliver the event again,
/// which is safe.
pub async fn handle(app: &App, event: S3Event) -> Result<(), lambda_runtime::Error> {
    handle_until(app, event, None).await
}

/// The invocation's deadline from the runtime's `deadline_ms` (milliseconds since the epoch),
/// read at the start of the invocation. One already past is not a deadline Lambda gives: it is
/// `cargo lambda watch`'s emulator, which sends a fixed 600,000 ms (1970); then there is none.
pub fn invocation_deadline(deadline_ms: u64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    i64::try_from(deadline_ms)
        .ok()
        .and_then(DateTime::from_timestamp_millis)
        .filter(|deadline| *deadline > now)
}

/// [`handle`], stopping in time before `deadline` (the invocation's) to let the retry go on.
pub async fn handle_until(
    app: &App,
    event: S3Event,
    deadline: Option<DateTime<Utc>>,
) -> Result<(), lambda_runtime::Error> {
    for record in event.records {
        let Some(raw_key) = record.s3.object.key.as_deref() else {
            continue;
        };
        let key = decode_key(raw_key);
        let sequencer = record
            .s3
            .object
            .sequencer
            .clone()
            .or(record.s3.object.e_tag.clone())
            .unwrap_or_default();
        let Some(mut object) = import_object(&key, &sequencer) else {
            tracing::warn!(
                key,
                "not an import: objects go under imports/<contract id>/<file>.csv"
            );
            continue;
        };
        object.etag = record.s3.object.e_tag.clone().filter(|e| !e.is_empty());
        // `userIdentity` in the event: the principal whose request put the file.
        object.put_by = record
            .principal_id
            .principal_id
            .clone()
            .filter(|p| !p.is_empty());
        run_import(app, &object, deadline).await?;
    }
    Ok(())
}

/// Handles what the function is sent: a file announced by S3, or chunks from its queue.
pub async fn handle_event(
    app: &App,
    event: serde_json::Value,
    deadline: Option<DateTime<Utc>>,
) -> Result<(), lambda_runtime::Error> {
    let source = event["Records"][0]["eventSource"]
        .as_str()
        .unwrap_or_default();
    if source == "aws:sqs" {
        handle_chunks(app, serde_json::from_value(event)?, deadline).await
    } else {
        handle_until(app, serde_json::from_value(event)?, deadline).await
    }
}

pub fn now(app: &App) -> DateTime<Utc> {
    (app.clock)()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_already_past_is_none_as_cargo_lambda_watch_sends_it() {
        let now = DateTime::from_timestamp_millis(1_795_694_400_000).unwrap();
        let in_15_minutes = 1_795_694_400_000 + 15 * 60 * 1000;
        assert_eq!(
            invocation_deadline(in_15_minutes, now),
            DateTime::from_timestamp_millis(in_15_minutes as i64)
        );
        assert_eq!(invocation_deadline(600_000, now), None);
        assert_eq!(invocation_deadline(u64::MAX, now), None);
    }

    #[test]
    fn keys_are_decoded_and_split_into_contract_and_file() {
        assert_eq!(
            decode_key("imports/c1/my+list%281%29.csv"),
            "imports/c1/my list(1).csv"
        );
        let dropped = import_object("imports/c1/my list.csv", "0055AED6DCD90281E5").unwrap();
        assert_eq!(dropped.contract_id.as_str(), "c1");
        assert_eq!(dropped.announced, None);
        assert_eq!(
            dropped,
            import_object("imports/c1/my list.csv", "0055AED6DCD90281E5").unwrap()
        );
        assert_ne!(
            dropped.dropped_id,
            import_object("imports/c1/my list.csv", "0055AED6DCD90281E6")
                .unwrap()
                .dropped_id
        );
        let announced = import_object("imports/c1/20260302T090000-ab12cd34.csv", "1").unwrap();
        assert_eq!(
            announced.announced.unwrap().as_str(),
            "20260302T090000-ab12cd34"
        );
        for not_import in [
            "reports/c1/x.csv",
            "imports/x.csv",
            "imports/c1/",
            "imports/c#1/x.csv",
            "imports/c1/a/b.csv",
        ] {
            assert!(import_object(not_import, "1").is_none(), "{not_import}");
        }
    }
}
