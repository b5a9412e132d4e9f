//! CSV imports: announce an upload, follow its progress, read its report.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Announced; the file has not arrived.
    Queued,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportStatus {
    pub state: ImportState,
    /// Why it failed; `None` unless `state` is `failed`.
    pub reason: Option<String>,
}

/// What an import does with its file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    #[default]
    Invite,
    /// Only check what inviting would do: nothing is written, nobody is mailed.
    Check,
}

/// How many rows had each outcome (for a check: would have).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportCounts {
    pub invited: u64,
    pub reinvited: u64,
    pub already_invited: u64,
    pub already_enrolled: u64,
    pub invalid_email: u64,
    pub duplicate: u64,
    pub over_seat_limit: u64,
    /// A check's rows whose address is blocked (bounced for good or complained).
    #[serde(default)]
    pub address_blocked: u64,
    /// Rows whose address is fine but whose name, language, group or send time is not: not
    /// invited, each with its reason in the report.
    pub invalid_value: u64,
    /// Rows whose address is on the do-not-invite list: not invited, reported without the
    /// address.
    #[serde(default)]
    pub do_not_invite: u64,
}

impl ImportCounts {
    /// Each count with its label, in the order a report lists them.
    pub fn labelled(&self, mode: ImportMode) -> Vec<(&'static str, u64)> {
        let (invited, reinvited) = match mode {
            ImportMode::Invite => ("Invited", "Invited again"),
            ImportMode::Check => ("Would be invited", "Would be invited again"),
        };
        let mut counts = vec![
            (invited, self.invited),
            (reinvited, self.reinvited),
            ("Already invited", self.already_invited),
            ("Already enrolled", self.already_enrolled),
            ("Invalid email", self.invalid_email),
            ("Duplicate", self.duplicate),
            ("Over the seat limit", self.over_seat_limit),
        ];
        if mode == ImportMode::Check {
            counts.push(("Address blocked", self.address_blocked));
        }
        // Only files with such columns have them: listed when there are some.
        if self.invalid_value > 0 {
            counts.push((
                "Invalid name, language, group or send time",
                self.invalid_value,
            ));
        }
        if self.do_not_invite > 0 {
            counts.push(("Asked not to be invited", self.do_not_invite));
        }
        counts
    }

    /// For a check: the rows that would become pending invitations.
    pub fn would_invite(&self) -> u64 {
        self.invited + self.reinvited
    }
}

/// A row that was not invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BadRow {
    pub line: u64,
    /// The cell as found, cut to a readable length.
    pub value: String,
    pub reason: String,
}

/// What the import read a column of the file as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportColumnKind {
    Email,
    /// The whole name.
    Name,
    FirstName,
    LastName,
    /// The language of the person's mail.
    Language,
    /// The group (cohort) the person is invited in.
    Group,
    /// When the person's mail goes: RFC 3339 with its offset or `Z`, or `YYYY-MM-DD HH:MM`,
    /// `YYYY-MM-DDTHH:MM` or `YYYY-MM-DD` without one, meaning UTC.
    SendAt,
}

impl ImportColumnKind {
    /// What the import reads from such a column, in a sentence (the check shows it by each
    /// column it understood).
    pub fn describe(self) -> &'static str {
        match self {
            Self::Email => "The person's email address.",
            Self::Name => "The person's name.",
            Self::FirstName => "The person's first name, put before the last name.",
            Self::LastName => "The person's last name, put after the first name.",
            Self::Language => {
                "The language of the person's mail: en or fr (English or French); empty, the \
                 contract's."
            }
            Self::Group => "The group the person is invited in; empty, the file's group.",
            Self::SendAt => {
                "When the person's mail goes: a date and time with its offset \
                 (2027-03-01T09:00:00+01:00), or without one in UTC (2027-03-01 09:00, or \
                 2027-03-01 for midnight UTC); empty, the file's send time."
            }
        }
    }
}

/// A column of the file that the import read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportColumn {
    /// 1-based, as a spreadsheet counts columns (A = 1).
    pub column: u32,
    /// The header as written; `None` for a file without a header row.
    pub header: Option<String>,
    pub read_as: ImportColumnKind,
}

/// Why an import that is not finished will not finish by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stall {
    /// Announced, but the file never arrived (its upload link has expired).
    UploadNeverArrived,
    /// Started, then no progress for over 20 minutes.
    NoProgress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Import {
    pub id: String,
    pub contract_id: String,
    pub status: ImportStatus,
    /// The activity ids every invitation of the file gets.
    pub activities: Vec<String>,
    pub created_by: Option<String>,
    /// Their name, from the directory (`None`: a dropped file, or someone no longer there).
    pub created_by_name: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub file_name: Option<String>,
    pub rows_read: u64,
    pub counts: ImportCounts,
    /// The first few; the full list is in the report.
    pub first_bad_rows: Vec<BadRow>,
    /// Set when the import will not finish by itself.
    pub stalled: Option<Stall>,
    /// A short-lived link to the full per-row report: only from `GET .../imports/{importId}`,
    /// once the report exists.
    pub report_url: Option<String>,
    /// Files put at an announced upload's key after the first: refused, never imported.
    pub refused_uploads: u32,
    /// Who put the file into the bucket, as S3 names them (for a file dropped by an operator).
    pub put_by: Option<String>,
    #[serde(default)]
    pub mode: ImportMode,
    /// For an import made from a check ("Invite these"): the check's id.
    #[serde(default)]
    pub checked_by: Option<String>,
    /// The file's columns the import read, in file order (empty until it has read the file's
    /// first rows).
    pub columns: Vec<ImportColumn>,
    /// The header's columns it did not read, as written.
    pub ignored_columns: Vec<String>,
}

impl Import {
    /// Done, failed, or stalled: nothing more will happen to it by itself.
    pub fn is_finished(&self) -> bool {
        matches!(self.status.state, ImportState::Done | ImportState::Failed)
            || self.stalled.is_some()
    }
}

/// `GET /contracts/{id}/imports`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportList {
    pub imports: Vec<Import>,
}

/// `POST /contracts/{id}/imports`: a CSV upload to come.
///
/// `activities` and the defaults for the file's rows may be left out (`default`); a misspelt
/// field is refused as unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewImport {
    #[serde(default)]
    pub activities: Vec<String>,
    pub file_name: Option<String>,
    /// The file's size in bytes (at most 50 MiB): the upload URL accepts a file of exactly
    /// this size and no other.
    pub file_size: u64,
    /// `check`: only check what inviting would do (then `POST .../imports/{importId}/invite`).
    #[serde(default)]
    pub mode: ImportMode,
    /// When the mails go for rows without a send time of their own. Left out: at the
    /// contract's start for a contract that has not started when the file is read, else now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_at: Option<crate::SendAt>,
    /// The group of rows that name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The mails' language for rows that name none; left out: the contract's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<crate::MailLanguage>,
}

/// Where and how the browser uploads the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UploadTarget {
    /// The HTTP method, `PUT`.
    pub method: String,
    pub url: String,
    pub content_type: String,
    pub expires_at: Timestamp,
}

/// The answer to `POST /contracts/{id}/imports`: the import starts when the file lands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnnouncedImport {
    pub import: Import,
    pub upload: UploadTarget,
}
