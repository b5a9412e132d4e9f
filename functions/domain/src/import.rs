//! Imports: one CSV file of addresses becoming invitations.

use super::ids::{ActivityId, ContractId, ImportId, UserId};
use super::invitation::{InviteOutcome, DO_NOT_INVITE};
use super::mail::Language;
use super::schedule::{Group, SendAt};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How many bad rows an import keeps on its record; the full list is in the report file.
pub const FIRST_BAD_ROWS: usize = 50;
/// Larger files are refused, at upload time (the upload URL signs the announced size) and by
/// the import: at ~30 bytes a row this is well over a million addresses.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ImportStatus {
    /// Announced (upload URL handed out) but the file has not arrived.
    Queued,
    Running,
    Done,
    Failed {
        reason: String,
    },
}

/// What an import does with its file: invite, or only check what inviting would do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    #[default]
    Invite,
    /// Every row classified against the table as it is now; nothing is written but the
    /// import's own record and report, nobody is mailed.
    Check,
}

impl ImportMode {
    /// The value of an S3 object's `mode` metadata, or of the API's `mode`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "invite" => Some(Self::Invite),
            "check" => Some(Self::Check),
            _ => None,
        }
    }
}

/// For a check, `invited` and `reinvited` count the rows that would be; `address_blocked` only
/// counts in a check (an import invites a blocked address, and the mailer sends it nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub invited: u64,
    pub reinvited: u64,
    pub already_invited: u64,
    pub already_enrolled: u64,
    pub invalid_email: u64,
    pub duplicate: u64,
    pub over_seat_limit: u64,
    #[serde(default)]
    pub address_blocked: u64,
    /// Rows whose address is fine but whose name, language, group or send time is not (issue
    /// 31): not invited, each reported with its reason.
    #[serde(default)]
    pub invalid_value: u64,
    /// Rows whose address is on the do-not-invite list (issue 32): not invited, reported
    /// without the address.
    #[serde(default)]
    pub do_not_invite: u64,
}

/// What importing a row would do, found without writing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    WouldInvite,
    /// Was revoked; would be invited again.
    WouldReinvite,
    AlreadyInvited,
    AlreadyEnrolled,
    InvalidEmail {
        reason: String,
    },
    Duplicate {
        first_line: u64,
    },
    /// The address bounced for good or complained: it would be invited, and nothing mailed.
    AddressBlocked {
        why: String,
    },
    /// Beyond the seats left now.
    OverSeatLimit,
    /// The address is fine, another cell of the row is not (a sentence saying which and why).
    InvalidValue {
        reason: String,
    },
    /// The address is on the do-not-invite list (issue 32).
    DoNotInvite,
}

impl CheckOutcome {
    pub fn code(&self) -> &'static str {
        match self {
            Self::WouldInvite => "would_invite",
            Self::WouldReinvite => "would_reinvite",
            Self::AlreadyInvited => "already_invited",
            Self::AlreadyEnrolled => "already_enrolled",
            Self::InvalidEmail { .. } => "invalid_email",
            Self::Duplicate { .. } => "duplicate",
            Self::AddressBlocked { .. } => "address_blocked",
            Self::OverSeatLimit => "over_seat_limit",
            Self::InvalidValue { .. } => INVALID_VALUE,
            Self::DoNotInvite => DO_NOT_INVITE,
        }
    }

    /// A sentence for the check's report, as [`InviteOutcome::describe`] says what was done.
    pub fn describe(&self) -> String {
        match self {
            Self::WouldInvite => "Would be invited.".into(),
            Self::WouldReinvite => {
                "Would be invited again: the earlier invitation was revoked.".into()
            }
            Self::AlreadyInvited => "Already invited: nothing would be sent again.".into(),
            Self::AlreadyEnrolled => "Already enrolled: nothing would be sent.".into(),
            Self::InvalidEmail { reason } | Self::InvalidValue { reason } => reason.clone(),
            Self::Duplicate { first_line } => {
                format!("The same address is on line {first_line}, so it would be invited once.")
            }
            Self::AddressBlocked { why } => why.clone(),
            Self::OverSeatLimit => {
                "Would not be invited: the contract has no seat left for this person (counted \
                 against the seats left now)."
                    .into()
            }
            Self::DoNotInvite => {
                "Would not be invited: this person asked not to be invited again.".into()
            }
        }
    }

    pub fn would_invite(&self) -> bool {
        matches!(self, Self::WouldInvite | Self::WouldReinvite)
    }
}

impl ImportCounts {
    pub fn add_check(&mut self, outcome: &CheckOutcome) {
        match outcome {
            CheckOutcome::WouldInvite => self.invited += 1,
            CheckOutcome::WouldReinvite => self.reinvited += 1,
            CheckOutcome::AlreadyInvited => self.already_invited += 1,
            CheckOutcome::AlreadyEnrolled => self.already_enrolled += 1,
            CheckOutcome::InvalidEmail { .. } => self.invalid_email += 1,
            CheckOutcome::Duplicate { .. } => self.duplicate += 1,
            CheckOutcome::AddressBlocked { .. } => self.address_blocked += 1,
            CheckOutcome::OverSeatLimit => self.over_seat_limit += 1,
            CheckOutcome::InvalidValue { .. } => self.invalid_value += 1,
            CheckOutcome::DoNotInvite => self.do_not_invite += 1,
        }
    }

    pub fn add(&mut self, outcome: &InviteOutcome) {
        match outcome {
            InviteOutcome::Invited { .. } => self.invited += 1,
            InviteOutcome::Reinvited { .. } => self.reinvited += 1,
            InviteOutcome::AlreadyInvited { .. } => self.already_invited += 1,
            InviteOutcome::AlreadyEnrolled { .. } => self.already_enrolled += 1,
            InviteOutcome::InvalidEmail { .. } | InviteOutcome::UnknownUser => {
                self.invalid_email += 1
            }
            InviteOutcome::Duplicate { .. } => self.duplicate += 1,
            // Imports put nobody on the waiting list; were one to, it is still over the limit.
            InviteOutcome::OverSeatLimit | InviteOutcome::Waiting => self.over_seat_limit += 1,
            InviteOutcome::DoNotInvite => self.do_not_invite += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.invited
            + self.reinvited
            + self.already_invited
            + self.already_enrolled
            + self.invalid_email
            + self.duplicate
            + self.over_seat_limit
            + self.address_blocked
            + self.invalid_value
            + self.do_not_invite
    }
}

/// The report's outcome code of a row whose address is fine but another cell is not (an
/// import's and a check's alike).
pub const INVALID_VALUE: &str = "invalid_value";

/// What a column of a file is read as (issue 31: files with a header naming their columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Email,
    /// The whole name ("Ann Lee").
    Name,
    FirstName,
    LastName,
    /// The language of the person's mail (en, fr).
    Language,
    /// The group (cohort) the person is invited in.
    Group,
    /// When the person's mail goes (a time without an offset is UTC).
    SendAt,
}

/// A column of a file the import read, and what it read it as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportColumn {
    /// 1-based, as a spreadsheet counts columns (A = 1).
    pub column: u32,
    /// The header as written; `None` for a file without a header row (the column of addresses
    /// is then the one holding the most `@`s).
    pub header: Option<String>,
    pub read_as: ColumnKind,
}

/// What a report and an import's bad rows show in place of an address on the do-not-invite
/// list (issue 32): the report lives in the bucket, and must not keep an address its owner
/// asked to be forgotten.
pub const WITHHELD: &str = "(withheld)";

/// A row that was not invited, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    pub line: u64,
    /// The cell as found, cut to a readable length.
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    pub id: ImportId,
    pub contract_id: ContractId,
    pub status: ImportStatus,
    pub activities: Vec<ActivityId>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub file_name: Option<String>,
    pub rows_read: u64,
    pub counts: ImportCounts,
    pub first_bad_rows: Vec<BadRow>,
    pub report_key: Option<String>,
    /// The S3 object this import runs on (its event's sequencer): an announced upload takes
    /// the first file put at its key, and only that one.
    #[serde(default)]
    pub upload: Option<String>,
    /// Files put at an announced upload's key after the first: refused, never imported.
    #[serde(default)]
    pub refused_uploads: u32,
    /// Who put the file into the bucket, as S3 names them (the event's `principalId`).
    #[serde(default)]
    pub put_by: Option<String>,
    /// The size of the file an upload announced, in bytes: the upload URL takes no other, and
    /// the import refuses a file of another size. None for a file dropped into the bucket.
    #[serde(default)]
    pub announced_size: Option<u64>,
    #[serde(default)]
    pub mode: ImportMode,
    /// For an import made from a check ("Invite these"): the check whose file it invites.
    #[serde(default)]
    pub checked_by: Option<ImportId>,
    /// The S3 key of the file this import ran on (set when it takes the file).
    #[serde(default)]
    pub file_key: Option<String>,
    /// The ETag of the file this import runs on (its event's, set when it takes the file): the
    /// file is read, and a check's file copied for "Invite these N", only while it is that same
    /// file (issue 26: a second PUT of the same length cannot slip in between).
    #[serde(default)]
    pub file_etag: Option<String>,
    /// When the mails go for rows that do not say (issue 31); `None`: the contract's default
    /// when the import runs (at its start while it has not started, else at once).
    #[serde(default)]
    pub send_at: Option<SendAt>,
    /// The group of rows that name none.
    #[serde(default)]
    pub group: Option<Group>,
    /// The mails' language for rows that name none; `None`: the contract's.
    #[serde(default)]
    pub language: Option<Language>,
    /// The file's columns the import read, in file order (set once it has read the header).
    #[serde(default)]
    pub columns: Vec<ImportColumn>,
    /// The header's columns it did not read, as written (reported once, not on every row).
    #[serde(default)]
    pub ignored_columns: Vec<String>,
    /// A large file is read in chunks, each by its own invocation (issue 33): how many; 0 for
    /// a file read whole by one run. While it runs, its progress is its chunks' (see
    /// [`ImportChunk`]).
    #[serde(default)]
    pub chunks: u32,
}

/// One chunk of a large import (issue 33): the rows of a byte range of its file, read and
/// invited by one invocation, its own progress and counts kept here until the last chunk
/// ends and the import gathers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportChunk {
    pub contract_id: ContractId,
    pub import_id: ImportId,
    /// 0-based, in file order.
    pub index: u32,
    /// The line its first row is on.
    pub first_line: u64,
    pub done: bool,
    pub rows_read: u64,
    pub counts: ImportCounts,
    pub first_bad_rows: Vec<BadRow>,
    pub updated_at: DateTime<Utc>,
    /// The object holding its lines of the report, once done (each run writes its own: the
    /// run that marks the chunk done names the one kept).
    #[serde(default)]
    pub report_part: Option<String>,
}

impl ImportChunk {
    pub fn new(import: &Import, index: u32, first_line: u64, now: DateTime<Utc>) -> Self {
        ImportChunk {
            contract_id: import.contract_id.clone(),
            import_id: import.id.clone(),
            index,
            first_line,
            done: false,
            rows_read: 0,
            counts: ImportCounts::default(),
            first_bad_rows: Vec::new(),
            updated_at: now,
            report_part: None,
        }
    }
}

impl Import {
    /// The import's progress as its chunks stand: rows read and counts summed, the first bad
    /// rows of the file (chunks in file order), last moved when a chunk last did.
    pub fn gather(&mut self, chunks: &[ImportChunk]) {
        let mut chunks: Vec<&ImportChunk> = chunks.iter().collect();
        chunks.sort_by_key(|c| c.index);
        self.rows_read = chunks.iter().map(|c| c.rows_read).sum();
        self.counts = ImportCounts::default();
        self.first_bad_rows.clear();
        for chunk in chunks {
            self.updated_at = self.updated_at.max(chunk.updated_at);
            self.counts.merge(&chunk.counts);
            let room = FIRST_BAD_ROWS.saturating_sub(self.first_bad_rows.len());
            self.first_bad_rows
                .extend(chunk.first_bad_rows.iter().take(room).cloned());
        }
    }
}

impl ImportCounts {
    /// Adds another part's counts (a chunk's) to these.
    pub fn merge(&mut self, other: &ImportCounts) {
        self.invited += other.invited;
        self.reinvited += other.reinvited;
        self.already_invited += other.already_invited;
        self.already_enrolled += other.already_enrolled;
        self.invalid_email += other.invalid_email;
        self.duplicate += other.duplicate;
        self.over_seat_limit += other.over_seat_limit;
        self.address_blocked += other.address_blocked;
        self.invalid_value += other.invalid_value;
        self.do_not_invite += other.do_not_invite;
    }
}

/// An announced upload's URL lasts 15 minutes, and a running import saves its progress after
/// every round (seconds apart; a retry after running out of time comes within minutes). An
/// import that has not moved for longer than this has stalled.
pub const STALL_AFTER: Duration = Duration::minutes(20);

/// Why an import that is not finished will not finish by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stall {
    /// Announced, but the file never arrived (the upload URL has expired).
    UploadNeverArrived,
    /// Started, then stopped moving: its event ran out of retries (it is in the failure queue).
    NoProgress,
}

impl Import {
    /// A new import waiting for its file: nothing read, no upload taken, mode invite.
    pub fn queued(
        id: ImportId,
        contract_id: ContractId,
        activities: Vec<ActivityId>,
        created_by: Option<UserId>,
        file_name: Option<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            contract_id,
            status: ImportStatus::Queued,
            activities,
            created_by,
            created_at: now,
            updated_at: now,
            file_name,
            rows_read: 0,
            counts: ImportCounts::default(),
            first_bad_rows: Vec::new(),
            report_key: None,
            upload: None,
            refused_uploads: 0,
            put_by: None,
            announced_size: None,
            mode: ImportMode::Invite,
            checked_by: None,
            file_key: None,
            file_etag: None,
            send_at: None,
            group: None,
            language: None,
            columns: Vec::new(),
            ignored_columns: Vec::new(),
            chunks: 0,
        }
    }

    /// Whether the import has stalled, seen at `now`.
    pub fn stall(&self, now: DateTime<Utc>) -> Option<Stall> {
        if now - self.updated_at <= STALL_AFTER {
            return None;
        }
        match self.status {
            ImportStatus::Queued => Some(Stall::UploadNeverArrived),
            ImportStatus::Running => Some(Stall::NoProgress),
            ImportStatus::Done | ImportStatus::Failed { .. } => None,
        }
    }
}

/// Spreadsheets run a cell that starts with one of these as a formula; a leading `'` makes it
/// plain text (OWASP "CSV injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell of a CSV file people open in a spreadsheet (an import's report, an export), made
/// plain text when a spreadsheet would run it as a formula.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Shortens a cell for display in a report, on a character boundary.
pub fn shorten(value: &str, max_chars: usize) -> String {
    if value.chars().count() <= max_chars {
        value.to_owned()
    } else {
        let mut s: String = value.chars().take(max_chars.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("ééééééé", 4), "ééé…");
    }

    #[test]
    fn an_import_stalls_only_unfinished_and_only_after_twenty_quiet_minutes() {
        let at = DateTime::from_timestamp(1_770_000_000, 0).unwrap();
        let import = |status| Import {
            id: ImportId::new(at),
            contract_id: ContractId::parse("c1").unwrap(),
            status,
            activities: vec![],
            created_by: None,
            created_at: at,
            updated_at: at,
            file_name: None,
            rows_read: 0,
            counts: ImportCounts::default(),
            first_bad_rows: vec![],
            report_key: None,
            upload: None,
            refused_uploads: 0,
            put_by: None,
            announced_size: None,
            mode: ImportMode::Invite,
            checked_by: None,
            file_key: None,
            file_etag: None,
            send_at: None,
            group: None,
            language: None,
            columns: vec![],
            ignored_columns: vec![],
            chunks: 0,
        };
        let quiet = at + STALL_AFTER + Duration::seconds(1);
        assert_eq!(import(ImportStatus::Queued).stall(at + STALL_AFTER), None);
        assert_eq!(
            import(ImportStatus::Queued).stall(quiet),
            Some(Stall::UploadNeverArrived)
        );
        assert_eq!(
            import(ImportStatus::Running).stall(quiet),
            Some(Stall::NoProgress)
        );
        assert_eq!(import(ImportStatus::Done).stall(quiet), None);
        let failed = ImportStatus::Failed {
            reason: "no".into(),
        };
        assert_eq!(import(failed).stall(quiet), None);
    }

    #[test]
    fn an_import_stored_before_columns_and_defaults_reads_without_them() {
        let at = DateTime::from_timestamp(1_770_000_000, 0).unwrap();
        let mut stored = serde_json::to_value(Import::queued(
            ImportId::new(at),
            ContractId::parse("c1").unwrap(),
            vec![],
            None,
            None,
            at,
        ))
        .unwrap();
        let fields = stored.as_object_mut().unwrap();
        for newer in ["send_at", "group", "language", "columns", "ignored_columns"] {
            assert!(fields.remove(newer).is_some(), "{newer}");
        }
        fields["counts"]
            .as_object_mut()
            .unwrap()
            .remove("invalid_value");
        let read: Import = serde_json::from_value(stored).unwrap();
        assert_eq!(
            (read.send_at, read.group, read.language),
            (None, None, None)
        );
        assert!(read.columns.is_empty() && read.ignored_columns.is_empty());
    }

    #[test]
    fn counts_add_up() {
        let mut c = ImportCounts::default();
        c.add(&InviteOutcome::OverSeatLimit);
        c.add(&InviteOutcome::Duplicate {
            first_line: Some(1),
        });
        c.add(&InviteOutcome::InvalidEmail {
            reason: "missing @".into(),
        });
        assert_eq!(
            (c.over_seat_limit, c.duplicate, c.invalid_email, c.total()),
            (1, 1, 1, 3)
        );
    }
}
