//! A large import fanned out (issue 33): the S3 event's run reads the whole file once to plan
//! it (`plan.rs`), makes a record for each chunk and sends one SQS message per chunk; each
//! message starts the function again on its chunk (`chunks.rs`), and the run that ends the last
//! chunk gathers them into the import and its report.

use crate::plan::{plan_file, Plan, PlannedChunk};
use crate::queue::ChunkQueue;
use crate::rows::FileFormat;
use crate::run::{ChannelReader, ImportFailure, Stop};
use crate::settings;
use crate::{App, ImportObject};
use chrono::{DateTime, Utc};
use invitations_core::domain::*;
use invitations_core::ports::BlobError;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// When a file is fanned out, and where its chunks go.
#[derive(Clone)]
pub struct FanOut {
    pub queue: Arc<dyn ChunkQueue>,
    /// Files up to this size are read whole by the S3 event's run, as before the fan-out.
    pub split_above_bytes: u64,
    pub rows_per_chunk: usize,
}

impl FanOut {
    /// Files above this are fanned out in production: 1 MiB, about 30,000 addresses.
    pub const SPLIT_ABOVE_BYTES: u64 = 1024 * 1024;

    /// Production's: files above [`Self::SPLIT_ABOVE_BYTES`], chunks of
    /// [`crate::plan::ROWS_PER_CHUNK`] rows.
    pub fn new(queue: Arc<dyn ChunkQueue>) -> Self {
        FanOut {
            queue,
            split_above_bytes: Self::SPLIT_ABOVE_BYTES,
            rows_per_chunk: crate::plan::ROWS_PER_CHUNK,
        }
    }
}

/// One chunk's message: everything its run needs but the table's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkMessage {
    pub contract_id: ContractId,
    pub import_id: ImportId,
    pub index: u32,
    /// How many chunks the import has.
    pub chunks: u32,
    /// The file, and the version of it the import took.
    pub key: String,
    pub etag: Option<String>,
    pub start: u64,
    pub end: Option<u64>,
    pub first_line: u64,
    pub format: FileFormat,
    /// The activities as the plan resolved them against the contract.
    pub activities: Vec<ActivityId>,
    /// Rows are judged (send times, languages) as of the plan, whenever a chunk runs.
    pub planned_at: DateTime<Utc>,
    pub duplicates: Vec<(u64, u64)>,
}

/// Reads the whole file and cuts it into chunks (see `plan.rs`).
pub(crate) async fn plan(
    app: &App,
    fan_out: &FanOut,
    object: &ImportObject,
    import: &Import,
    contract: &Contract,
    now: DateTime<Utc>,
) -> Result<Plan, Stop> {
    let body = match app
        .blobs
        .read(&object.key, import.file_etag.as_deref())
        .await
    {
        Ok(body) => body,
        Err(BlobError::NotFound) => return Err(Stop::Failed(ImportFailure::Missing)),
        Err(BlobError::Changed) => return Err(Stop::Failed(ImportFailure::Replaced)),
        Err(err) => return Err(err.into()),
    };
    let (input, feeder) = ChannelReader::feed(body);
    let (import, contract) = (import.clone(), contract.clone());
    let rows_per_chunk = fan_out.rows_per_chunk;
    let planned = tokio::task::spawn_blocking(move || {
        let defaults = settings::defaults(&import, &contract, now)?;
        plan_file(input, rows_per_chunk, &defaults).map_err(ImportFailure::File)
    })
    .await;
    feeder.abort();
    match planned {
        Ok(Ok(plan)) => Ok(plan),
        Ok(Err(ImportFailure::File(crate::rows::FileError::Io(err)))) => {
            Err(Stop::Retry(err.into()))
        }
        Ok(Err(failure)) => Err(Stop::Failed(failure)),
        Err(join) => Err(Stop::Retry(join.into())),
    }
}

/// Makes the chunks' records, saves the import as running in chunks, then sends the chunks'
/// messages (in that order: a chunk that ends before the last message is sent finds the count
/// of chunks it needs; a run of the plan that stops before sending is run again by the event's
/// retry, and sends them all again, which the chunks take as the same chunks).
pub(crate) async fn send(
    app: &App,
    fan_out: &FanOut,
    object: &ImportObject,
    import: &mut Import,
    plan: Plan,
    activities: &[ActivityId],
    now: DateTime<Utc>,
) -> Result<(), Stop> {
    let total = u32::try_from(plan.chunks.len()).expect("fewer than 4 billion chunks");
    let records: Vec<ImportChunk> = plan
        .chunks
        .iter()
        .zip(0..)
        .map(|(c, index)| ImportChunk::new(import, index, c.first_line, now))
        .collect();
    app.store.create_chunks(&records).await?;
    import.chunks = total;
    import.columns = plan.columns;
    import.ignored_columns = plan.ignored_columns;
    import.rows_read = 0;
    import.counts = ImportCounts::default();
    import.first_bad_rows.clear();
    import.updated_at = now;
    app.store.save_import(import).await?;
    let messages = plan
        .chunks
        .into_iter()
        .zip(0..)
        .map(|(chunk, index)| {
            let PlannedChunk {
                start,
                end,
                first_line,
                duplicates,
                ..
            } = chunk;
            serde_json::to_string(&ChunkMessage {
                contract_id: import.contract_id.clone(),
                import_id: import.id.clone(),
                index,
                chunks: total,
                key: object.key.clone(),
                etag: import.file_etag.clone(),
                start,
                end,
                first_line,
                format: plan.format.clone(),
                activities: activities.to_vec(),
                planned_at: now,
                duplicates,
            })
            .expect("a message serialises")
        })
        .collect();
    fan_out.queue.send(messages).await.map_err(Stop::from)?;
    tracing::info!(import = %import.id, chunks = total, "import fanned out");
    Ok(())
}
