//! What the Add Invitations tab holds: the way of adding, the CSV's progress, the send.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Csv,
    Directory,
}

/// A CSV file's way from the browser to a finished import.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvProgress {
    Idle,
    Announcing,
    /// Percent of the file sent.
    Uploading(u8),
    Importing(Import),
    Finished(Import),
    Failed(String),
}

/// What Add Users did for people picked from the directory.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    Nothing,
    Sending,
    Done(AddResult),
    Failed(ApiError),
}
