//! One import, start to finish.

use crate::header::Columns;
use crate::outcomes::{classify_round, invite_round, Check, RoundContext};
use crate::round::next_round;
use crate::rows::{self, AddressRow, FileError};
use crate::{fan_out, report, report_key, settings, App, ImportObject};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::io::Read;
use tokio::sync::mpsc;

pub use invitations_core::domain::import::MAX_FILE_BYTES;
/// A run stops this long before its deadline: time to abort the report's upload and return.
const STOP_BEFORE_DEADLINE: chrono::Duration = chrono::Duration::seconds(60);
/// Object metadata (`x-amz-meta-activities`) naming a voucher's activities for a dropped file.
pub const ACTIVITIES_METADATA: &str = "activities";
/// Object metadata (`x-amz-meta-mode`): `check` only checks a dropped file (nothing is written).
pub const MODE_METADATA: &str = "mode";

/// Why an import ends as failed, with nothing invited. Recorded on the import for people.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("There is no learning contract {0}.")]
    ContractNotFound(ContractId),
    #[error("{0}")]
    Refused(#[from] InvitationsRefused),
    #[error("The file is larger than the limit of {limit} bytes: split it into smaller files.")]
    TooLarge { limit: u64 },
    /// In AWS the upload URL signs the announced size, so S3 itself refuses another; this is
    /// the same rule where nothing checks signatures (the emulator).
    #[error(
        "The file is {actual} bytes, but the upload announced {announced} bytes: upload it again."
    )]
    NotAsAnnounced { announced: u64, actual: u64 },
    #[error("The file was removed before it could be read: upload it again.")]
    Missing,
    #[error("The file was replaced by another before it could be read (or since it was checked): put it again, or check it again.")]
    Replaced,
    #[error("The file's mode metadata is \"{0}\", but it must be \"check\" or \"invite\".")]
    BadMode(String),
    #[error(
        "The file's send-at metadata is \"{0}\", but it must be \"now\", \"start\" (the \
         contract's start) or a date and time such as 2027-03-01T09:00:00Z."
    )]
    BadSendAt(String),
    #[error("The file's group metadata {0}")]
    BadGroup(String),
    #[error("The file's language metadata is \"{0}\", but it must be \"en\" or \"fr\".")]
    BadLanguage(String),
    /// The import's own send time does not suit the contract.
    #[error("{0}")]
    Schedule(#[from] ScheduleRefused),
    #[error("{0}")]
    File(FileError),
}

/// What stops a run: a failure to record, or a fault worth retrying (the whole event again).
pub(crate) enum Stop {
    Failed(ImportFailure),
    Retry(lambda_runtime::Error),
}

impl<E: Into<lambda_runtime::Error>> From<E> for Stop {
    fn from(err: E) -> Self {
        Stop::Retry(err.into())
    }
}

/// Runs one import to its end, or, when `deadline` (the function's own) comes near, stops
/// between rounds with its progress saved and an error, so that Lambda's retry of the event
/// continues it.
pub async fn run_import(
    app: &App,
    object: &ImportObject,
    deadline: Option<DateTime<Utc>>,
) -> Result<(), lambda_runtime::Error> {
    let mut import = load_or_create(app, object).await?;
    // An announced upload takes the first file put at its key, and only that one: a later
    // file (another PUT with the same upload URL) is refused and noted on the import.
    match &import.upload {
        Some(taken) if taken != &object.sequencer => {
            tracing::warn!(import = %import.id, "a later file at an announced upload's key; refused");
            app.store
                .refuse_upload(&import.contract_id, &import.id, &object.sequencer)
                .await?;
            return Ok(());
        }
        Some(_) => {}
        None => {
            import.upload = Some(object.sequencer.clone());
            import.put_by = object.put_by.clone();
            import.file_key = Some(object.key.clone());
            import.file_etag = object.etag.clone();
        }
    }
    if matches!(
        import.status,
        ImportStatus::Done | ImportStatus::Failed { .. }
    ) {
        tracing::info!(import = %import.id, "import already finished; duplicate delivery ignored");
        return Ok(());
    }
    if import.chunks > 0
        && app
            .store
            .chunks_done(&import.contract_id, &import.id)
            .await?
            > 0
    {
        tracing::info!(import = %import.id, "the import's chunks are running; duplicate delivery ignored");
        return Ok(());
    }
    let first_run = import.status == ImportStatus::Queued;
    import.status = ImportStatus::Running;
    import
        .file_name
        .get_or_insert_with(|| object.file_name.clone());
    import.updated_at = crate::now(app);
    app.store.save_import(&import).await?;
    if first_run {
        app.store.audit_import(&import, import.updated_at).await?;
    }

    match invite_everyone(app, object, &mut import, deadline).await {
        Ok(Ran::Whole) => import.status = ImportStatus::Done,
        // Saved as running in chunks: the chunks' runs take it from here.
        Ok(Ran::InChunks) => return Ok(()),
        Err(Stop::Failed(failure)) => {
            tracing::warn!(import = %import.id, reason = %failure, "import failed");
            import.status = ImportStatus::Failed {
                reason: failure.to_string(),
            };
        }
        // Left running: the event comes again, and the run starts over safely.
        Err(Stop::Retry(err)) => return Err(err),
    }
    import.updated_at = crate::now(app);
    app.store.save_import(&import).await?;
    tracing::info!(import = %import.id, rows = import.rows_read, counts = ?import.counts, "import finished");
    Ok(())
}

async fn load_or_create(app: &App, object: &ImportObject) -> Result<Import, StoreError> {
    if let Some(id) = &object.announced {
        if let Some(import) = app.store.get_import(&object.contract_id, id).await? {
            return Ok(import);
        }
    }
    let id = &object.dropped_id;
    if let Some(import) = app.store.get_import(&object.contract_id, id).await? {
        return Ok(import);
    }
    let now = crate::now(app);
    let import = Import::queued(
        id.clone(),
        object.contract_id.clone(),
        Vec::new(),
        None,
        Some(object.file_name.clone()),
        now,
    );
    if app.store.create_import(&import).await? {
        return Ok(import);
    }
    // Another delivery of the same event created it a moment ago.
    Ok(app
        .store
        .get_import(&object.contract_id, id)
        .await?
        .unwrap_or(import))
}

/// How a run read its file.
enum Ran {
    /// Read and invited whole.
    Whole,
    /// Planned and fanned out: its chunks are on their way (issue 33).
    InChunks,
}

async fn invite_everyone(
    app: &App,
    object: &ImportObject,
    import: &mut Import,
    deadline: Option<DateTime<Utc>>,
) -> Result<Ran, Stop> {
    let (contract, activities, size) = accept_file(app, object, import).await?;
    let now = crate::now(app);
    let defaults = settings::defaults(import, &contract, now).map_err(Stop::Failed)?;
    let fan_out = app
        .fan_out
        .as_ref()
        .filter(|f| import.mode == ImportMode::Invite && size > f.split_above_bytes);
    if let Some(fan_out) = fan_out {
        let plan = fan_out::plan(app, fan_out, object, import, &contract, now).await?;
        if plan.chunks.len() > 1 {
            fan_out::send(app, fan_out, object, import, plan, &activities, now).await?;
            return Ok(Ran::InChunks);
        }
    }
    let mut rounds =
        Rounds::open(app, &object.key, import.file_etag.as_deref(), Source::Whole).await?;
    let report_key = report_key(&contract.id, &import.id);
    let mut upload =
        StreamingUpload::start(app.blobs.clone(), &report_key, "text/csv; charset=utf-8").await?;
    let mut header = csv::Writer::from_writer(Vec::new());
    header
        .write_record(report::HEADER)
        .expect("writing to memory cannot fail");
    upload.write(&header.into_inner().expect("memory")).await?;
    // A run always starts from the top: rows an earlier run wrote come back as its own. The
    // rounds that run got through (it saved its progress after each) are read back, not
    // written again, which is what lets a run that ran out of time be continued by the retry.
    let replay_until = import.rows_read;
    if replay_until > 0 {
        tracing::info!(import = %import.id, rows = replay_until, "an earlier run got this far; reading its rounds back");
    }
    import.rows_read = 0;
    import.counts = ImportCounts::default();
    import.first_bad_rows.clear();
    let mut run = RoundRun {
        cx: RoundContext {
            app,
            contract: &contract,
            activities: &activities,
            defaults: &defaults,
            duplicates: None,
        },
        replay_until,
        deadline,
        chunk: None,
    };
    let result = run.through(import, &mut rounds, &mut upload).await;
    rounds.close().await;
    match result {
        Ok(()) => {
            upload.finish().await?;
            import.report_key = Some(report_key);
            Ok(Ran::Whole)
        }
        Err(stop) => {
            if let Err(err) = upload.abort().await {
                tracing::warn!(error = %err, "could not abort the report upload");
            }
            Err(stop)
        }
    }
}

/// The file's contract and activities, if the file may be imported: its contract exists, it
/// is there and not too large, as announced, and its activities (from the upload route or, for
/// a dropped file, its metadata) suit the contract.
async fn accept_file(
    app: &App,
    object: &ImportObject,
    import: &mut Import,
) -> Result<(Contract, Vec<ActivityId>, u64), Stop> {
    let contract = app
        .store
        .get_contract(&object.contract_id)
        .await?
        .ok_or_else(|| Stop::Failed(ImportFailure::ContractNotFound(object.contract_id.clone())))?;
    let info = match app.blobs.head(&object.key).await {
        Ok(info) => info,
        Err(BlobError::NotFound) => return Err(Stop::Failed(ImportFailure::Missing)),
        Err(err) => return Err(err.into()),
    };
    if info.size > app.max_file_bytes {
        return Err(Stop::Failed(ImportFailure::TooLarge {
            limit: app.max_file_bytes,
        }));
    }
    if let Some(announced) = import.announced_size {
        if object.announced.as_ref() == Some(&import.id) && info.size != announced {
            return Err(Stop::Failed(ImportFailure::NotAsAnnounced {
                announced,
                actual: info.size,
            }));
        }
    }
    if object.announced.as_ref() != Some(&import.id) {
        // A dropped file names its activities in the object's metadata.
        import.activities = info
            .metadata
            .get(ACTIVITIES_METADATA)
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(ActivityId::parse)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .map_err(|e| Stop::Failed(InvitationsRefused::BadActivityId(e).into()))?
            .unwrap_or_default();
        import.mode = match info.metadata.get(MODE_METADATA) {
            None => ImportMode::Invite,
            Some(mode) => ImportMode::parse(mode)
                .ok_or_else(|| Stop::Failed(ImportFailure::BadMode(mode.clone())))?,
        };
        settings::from_metadata(&info.metadata, import).map_err(Stop::Failed)?;
    }
    // The same rule as the add and upload routes: not for an expired contract, and activities
    // that suit it.
    let activities = if object.announced.as_ref() == Some(&import.id) {
        // Resolved by the upload route already.
        contract.accept_resolved(crate::now(app), &import.activities)
    } else {
        contract.accept_invitations(crate::now(app), &import.activities)
    }
    .map_err(|e| Stop::Failed(e.into()))?;

    Ok((contract, activities, info.size))
}

/// What the reader hands over: the file's columns once, then its rounds.
pub(crate) enum Piece {
    Columns(Columns),
    Round(Vec<AddressRow>),
}

/// The file's rows in rounds: S3 chunks -> a blocking CSV reader -> rounds, with bounded
/// channels so memory stays flat.
pub(crate) struct Rounds {
    rounds: mpsc::Receiver<Result<Piece, FileError>>,
    feeder: tokio::task::JoinHandle<()>,
    reader: tokio::task::JoinHandle<()>,
}

/// What a run reads: the whole file, or one chunk's byte range of it (issue 33).
pub(crate) enum Source {
    Whole,
    Range {
        start: u64,
        end: Option<u64>,
        first_line: u64,
        format: crate::rows::FileFormat,
    },
}

impl Rounds {
    pub(crate) async fn open(
        app: &App,
        key: &str,
        etag: Option<&str>,
        source: Source,
    ) -> Result<Self, Stop> {
        let read = match &source {
            Source::Whole => app.blobs.read(key, etag).await,
            Source::Range { start, end, .. } => app.blobs.read_range(key, etag, *start, *end).await,
        };
        let body = match read {
            Ok(body) => body,
            Err(BlobError::NotFound) => return Err(Stop::Failed(ImportFailure::Missing)),
            Err(BlobError::Changed) => return Err(Stop::Failed(ImportFailure::Replaced)),
            Err(err) => return Err(err.into()),
        };
        let (input, feeder) = ChannelReader::feed(body);
        // Whole rounds cross to the async side: one message per 980 rows, at most two waiting.
        let (round_tx, round_rx) = mpsc::channel::<Result<Piece, FileError>>(2);
        let reader = tokio::task::spawn_blocking(move || {
            let rows = match source {
                Source::Whole => rows::read_rows(input),
                Source::Range {
                    first_line, format, ..
                } => Ok(rows::read_range(input, &format, first_line)),
            };
            match rows {
                Err(err) => {
                    let _ = round_tx.blocking_send(Err(err));
                }
                Ok(mut rows) => {
                    let columns = Piece::Columns(rows.columns().clone());
                    if round_tx.blocking_send(Ok(columns)).is_err() {
                        return;
                    }
                    while let Some(round) = next_round(&mut rows) {
                        let failed = round.is_err();
                        if round_tx.blocking_send(round.map(Piece::Round)).is_err() || failed {
                            break;
                        }
                    }
                }
            }
        });
        Ok(Self {
            rounds: round_rx,
            feeder,
            reader,
        })
    }

    /// Stops reading (the run is over, done or not) and waits for the reader to end.
    pub(crate) async fn close(self) {
        self.feeder.abort();
        drop(self.rounds);
        let _ = self.reader.await;
    }
}

/// One run through the rounds of a file (or of a chunk of it).
pub(crate) struct RoundRun<'a> {
    pub cx: RoundContext<'a>,
    /// Rows an earlier run got through: read back, not written again.
    pub replay_until: u64,
    pub deadline: Option<DateTime<Utc>>,
    /// Where the progress is saved after each round: the import's record, or (a chunk of a
    /// large import) the chunk's.
    pub chunk: Option<&'a mut ImportChunk>,
}

impl RoundRun<'_> {
    /// Each round invited (or, for a check, classified), its report lines written and the
    /// progress saved, until the file ends, fails or time runs out.
    pub(crate) async fn through(
        &mut self,
        import: &mut Import,
        rounds: &mut Rounds,
        upload: &mut StreamingUpload,
    ) -> Result<(), Stop> {
        let app = self.cx.app;
        let mut check = Check::new(self.cx.contract);
        loop {
            match rounds.rounds.recv().await {
                None => return Ok(()),
                // Known before the first round: saved with it (or at the end).
                Some(Ok(Piece::Columns(columns))) => {
                    import.columns = columns.read;
                    import.ignored_columns = columns.ignored;
                }
                Some(Ok(Piece::Round(round))) => {
                    if self.out_of_time() {
                        return Err(Stop::Retry(
                            format!(
                                "out of time after {} rows; the event's retry goes on from there",
                                import.rows_read
                            )
                            .into(),
                        ));
                    }
                    let replay = import.rows_read + round.len() as u64 <= self.replay_until;
                    let mut writer = csv::Writer::from_writer(Vec::new());
                    match import.mode {
                        ImportMode::Invite => {
                            invite_round(&self.cx, import, &round, replay, &mut writer).await?
                        }
                        ImportMode::Check => {
                            classify_round(&self.cx, import, &round, &mut check, &mut writer)
                                .await?
                        }
                    }
                    upload.write(&writer.into_inner().expect("memory")).await?;
                    import.updated_at = crate::now(app);
                    match self.chunk.as_deref_mut() {
                        None => app.store.save_import(import).await?,
                        Some(chunk) => {
                            chunk.rows_read = import.rows_read;
                            chunk.counts = import.counts;
                            chunk.first_bad_rows = import.first_bad_rows.clone();
                            chunk.updated_at = import.updated_at;
                            app.store.save_chunk(chunk).await?;
                        }
                    }
                }
                Some(Err(FileError::Io(err))) => return Err(Stop::Retry(err.into())),
                // The file as a whole (not text, no address) is refused before any row.
                Some(Err(err)) if import.rows_read == 0 => {
                    return Err(Stop::Failed(ImportFailure::File(err)))
                }
                Some(Err(err)) => return Err(Stop::Retry(err.to_string().into())),
            }
        }
    }

    fn out_of_time(&self) -> bool {
        self.deadline
            .is_some_and(|d| d - crate::now(self.cx.app) < STOP_BEFORE_DEADLINE)
    }
}

/// Reads the S3 chunks the feeder task sends, from a blocking thread.
pub(crate) struct ChannelReader {
    chunks: mpsc::Receiver<Result<Bytes, BlobError>>,
    current: Bytes,
}

impl ChannelReader {
    /// A reader of `body` for a blocking thread, and the task that feeds it.
    pub(crate) fn feed(
        mut body: futures::stream::BoxStream<'static, Result<Bytes, BlobError>>,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (chunk_tx, chunk_rx) = mpsc::channel::<Result<Bytes, BlobError>>(4);
        let feeder = tokio::spawn(async move {
            while let Some(chunk) = body.next().await {
                if chunk_tx.send(chunk).await.is_err() {
                    break;
                }
            }
        });
        let reader = ChannelReader {
            chunks: chunk_rx,
            current: Bytes::new(),
        };
        (reader, feeder)
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(err)) => return Err(std::io::Error::other(err.to_string())),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}
