//! A chunk of a large import, run by its own invocation (issue 33), and the import's last step.
//!
//! Safe to run twice, or two at once: a chunk's rows are conditional writes that know a row
//! written by the same import on the same line as their own (the duplicates of the whole file
//! come in the message, so no two chunks write one address), its progress is saved after every
//! round and a run again reads back the rounds saved, and "done" is a transaction that counts
//! it on the import once. The run that finds every chunk done claims the import's last step
//! for a while (a run that dies there is taken over after it): the chunks' counts gathered, the
//! report's parts joined in file order into the import's one report, the parts deleted.

use crate::fan_out::ChunkMessage;
use crate::outcomes::RoundContext;
use crate::run::{RoundRun, Rounds, Source, Stop};
use crate::{report, report_key, settings, App, REPORTS_PREFIX};
use aws_lambda_events::event::sqs::SqsEvent;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::collections::HashMap;

/// How long the import's last step is held by the run that took it.
const FINISH_LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// Where a run of a chunk puts its lines of the report, until the last step joins them (each
/// run its own object: two runs of one chunk never write over each other).
pub fn chunk_report_key(contract: &ContractId, import: &ImportId, index: u32) -> String {
    let run = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "{REPORTS_PREFIX}{contract}/{import}.part-{index:05}-{}.csv",
        &run[..12]
    )
}

/// Handles one SQS event: each chunk in turn. An error makes SQS deliver the message again
/// (after its visibility timeout), which is safe.
pub async fn handle_chunks(
    app: &App,
    event: SqsEvent,
    deadline: Option<DateTime<Utc>>,
) -> Result<(), lambda_runtime::Error> {
    for record in event.records {
        let Some(body) = record.body.as_deref() else {
            continue;
        };
        let message: ChunkMessage = serde_json::from_str(body)
            .map_err(|e| format!("not a chunk message ({e}); dropped to the failure queue"))?;
        run_chunk(app, &message, deadline).await?;
    }
    Ok(())
}

/// Runs one chunk (unless it is done), then the import's last step if it was the last.
pub async fn run_chunk(
    app: &App,
    message: &ChunkMessage,
    deadline: Option<DateTime<Utc>>,
) -> Result<(), lambda_runtime::Error> {
    let (contract_id, import_id) = (&message.contract_id, &message.import_id);
    let Some(mut import) = app.store.get_import(contract_id, import_id).await? else {
        tracing::warn!(import = %import_id, "a chunk of an import that does not exist");
        return Ok(());
    };
    if import.status != ImportStatus::Running {
        tracing::info!(import = %import_id, chunk = message.index, "the import has ended; chunk skipped");
        return Ok(());
    }
    let mut chunk = match app
        .store
        .get_chunk(contract_id, import_id, message.index)
        .await?
    {
        Some(chunk) => chunk,
        None => ImportChunk::new(&import, message.index, message.first_line, crate::now(app)),
    };
    if !chunk.done {
        match invite_chunk(app, message, &import, &mut chunk, deadline).await {
            Ok(part) => {
                chunk.updated_at = crate::now(app);
                chunk.report_part = Some(part.clone());
                if !app.store.finish_chunk(&chunk).await? {
                    // Another run of the chunk marked it done first: its part is the one kept.
                    delete_part(app, &part).await;
                }
            }
            // Another run of the same chunk marked it done while this one ran (a second
            // delivery): this one stopped, its part unwritten.
            Err(Stop::Retry(err))
                if is_contended(&err)
                    && app
                        .store
                        .get_chunk(contract_id, import_id, message.index)
                        .await?
                        .is_some_and(|c| c.done) => {}
            Err(Stop::Failed(failure)) => {
                // The file or the contract is gone: the whole import fails, its other chunks
                // stop where they stand.
                tracing::warn!(import = %import_id, chunk = message.index, reason = %failure, "import failed in a chunk");
                import.status = ImportStatus::Failed {
                    reason: failure.to_string(),
                };
                import.updated_at = crate::now(app);
                app.store.save_import(&import).await?;
                return Ok(());
            }
            Err(Stop::Retry(err)) => return Err(err),
        }
    }
    finish_if_last(app, message).await
}

/// Reads the chunk's range and invites its rows, round by round, its report lines going to its
/// own part of the report.
async fn invite_chunk(
    app: &App,
    message: &ChunkMessage,
    import: &Import,
    chunk: &mut ImportChunk,
    deadline: Option<DateTime<Utc>>,
) -> Result<String, Stop> {
    let contract = app
        .store
        .get_contract(&message.contract_id)
        .await?
        .ok_or_else(|| {
            Stop::Failed(crate::ImportFailure::ContractNotFound(
                message.contract_id.clone(),
            ))
        })?;
    let defaults =
        settings::defaults(import, &contract, message.planned_at).map_err(Stop::Failed)?;
    let duplicates: HashMap<u64, u64> = message.duplicates.iter().copied().collect();
    let source = Source::Range {
        start: message.start,
        end: message.end,
        first_line: message.first_line,
        format: message.format.clone(),
    };
    let mut rounds = Rounds::open(app, &message.key, message.etag.as_deref(), source).await?;
    let part = chunk_report_key(&contract.id, &import.id, message.index);
    let mut upload =
        StreamingUpload::start(app.blobs.clone(), &part, "text/csv; charset=utf-8").await?;
    // The chunk's counts are kept on a copy of the import, round by round, then on the chunk.
    let mut progress = import.clone();
    progress.rows_read = 0;
    progress.counts = ImportCounts::default();
    progress.first_bad_rows.clear();
    let replay_until = chunk.rows_read;
    let mut run = RoundRun {
        cx: RoundContext {
            app,
            contract: &contract,
            activities: &message.activities,
            defaults: &defaults,
            duplicates: Some(&duplicates),
        },
        replay_until,
        deadline,
        chunk: Some(chunk),
    };
    let result = run.through(&mut progress, &mut rounds, &mut upload).await;
    rounds.close().await;
    match result {
        Ok(()) => {
            upload.finish().await?;
            chunk.rows_read = progress.rows_read;
            chunk.counts = progress.counts;
            chunk.first_bad_rows = progress.first_bad_rows;
            Ok(part)
        }
        Err(stop) => {
            if let Err(err) = upload.abort().await {
                tracing::warn!(error = %err, "could not abort the chunk's report part");
            }
            Err(stop)
        }
    }
}

/// The import's last step, when every chunk is done and no other run holds it.
async fn finish_if_last(app: &App, message: &ChunkMessage) -> Result<(), lambda_runtime::Error> {
    let (contract_id, import_id) = (&message.contract_id, &message.import_id);
    if app.store.chunks_done(contract_id, import_id).await? < message.chunks {
        return Ok(());
    }
    let Some(mut import) = app.store.get_import(contract_id, import_id).await? else {
        return Ok(());
    };
    if import.status != ImportStatus::Running {
        return Ok(());
    }
    let now = crate::now(app);
    if !app
        .store
        .claim_import_finish(contract_id, import_id, now, FINISH_LEASE)
        .await?
    {
        // Another run is ending it. Should it die there, this message comes back (after its
        // visibility timeout, longer than the claim) and ends it.
        return Err(format!("import {import_id}: its last step is held by another run").into());
    }
    let chunks = app.store.list_chunks(contract_id, import_id).await?;
    import.gather(&chunks);
    let report = join_report(app, &import, &chunks).await?;
    import.report_key = Some(report);
    import.status = ImportStatus::Done;
    import.updated_at = crate::now(app);
    app.store.save_import(&import).await?;
    for part in chunks.iter().filter_map(|c| c.report_part.as_deref()) {
        delete_part(app, part).await;
    }
    tracing::info!(import = %import_id, rows = import.rows_read, counts = ?import.counts, "import finished");
    Ok(())
}

/// The report: its header, then each chunk's part in file order, streamed into one object.
async fn join_report(
    app: &App,
    import: &Import,
    chunks: &[ImportChunk],
) -> Result<String, lambda_runtime::Error> {
    let key = report_key(&import.contract_id, &import.id);
    let mut upload =
        StreamingUpload::start(app.blobs.clone(), &key, "text/csv; charset=utf-8").await?;
    let mut header = csv::Writer::from_writer(Vec::new());
    header
        .write_record(report::HEADER)
        .expect("writing to memory cannot fail");
    upload.write(&header.into_inner().expect("memory")).await?;
    let mut chunks: Vec<&ImportChunk> = chunks.iter().collect();
    chunks.sort_by_key(|c| c.index);
    for chunk in chunks {
        let part = chunk
            .report_part
            .as_deref()
            .ok_or_else(|| format!("chunk {} is done but names no report part", chunk.index))?;
        let mut body = app.blobs.read(part, None).await?;
        while let Some(bytes) = body.next().await {
            upload.write(&bytes?).await?;
        }
    }
    upload.finish().await?;
    Ok(key)
}

async fn delete_part(app: &App, part: &str) {
    match app.blobs.delete(part).await {
        Ok(()) | Err(BlobError::NotFound) => {}
        Err(err) => tracing::warn!(error = %err, part, "a report part is left to its expiry"),
    }
}

fn is_contended(err: &lambda_runtime::Error) -> bool {
    matches!(
        err.downcast_ref::<StoreError>(),
        Some(StoreError::Contended)
    )
}
