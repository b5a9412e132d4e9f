//! The plan of a large import (issue 33): the whole file read once, cut into chunks of rows at
//! record starts (each a byte range a chunk's invocation reads on its own, see
//! `rows::read_range`), with every row that repeats an earlier row's address noted against the
//! chunk it falls in, so that the duplicate check covers the whole file although no chunk sees
//! it all.

use crate::person::Defaults;
use crate::rows::{read_rows_counting, AddressRow, FileError, FileFormat};
use invitations_core::domain::import::ImportColumn;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::Read;

/// Rows a chunk holds at most: one invocation invites them in well under a minute.
pub const ROWS_PER_CHUNK: usize = 20_000;
/// A chunk's duplicates travel in its message (SQS takes 256 KiB): a chunk ends early rather
/// than carry more.
pub const MAX_DUPLICATES_PER_CHUNK: usize = 8_000;

/// One chunk: the bytes `start..end` of the file (`end`: the file's end when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedChunk {
    pub start: u64,
    pub end: Option<u64>,
    pub first_line: u64,
    pub rows: u64,
    /// (line, the earlier line with the same address), for the chunk's rows that repeat one.
    pub duplicates: Vec<(u64, u64)>,
}

/// How the file is cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub format: FileFormat,
    pub columns: Vec<ImportColumn>,
    pub ignored_columns: Vec<String>,
    pub chunks: Vec<PlannedChunk>,
}

/// Each address's first line, keyed by a 128-bit hash with keys random per run: 24 bytes an
/// address, and a collision (two addresses taken for one, one of them not invited) about 1 in
/// 10^25 for a full file.
struct FirstLines {
    keys: (
        foldhash::quality::RandomState,
        foldhash::quality::RandomState,
    ),
    lines: HashMap<(u64, u64), u64, foldhash::fast::RandomState>,
}

impl FirstLines {
    fn new() -> Self {
        FirstLines {
            keys: Default::default(),
            lines: HashMap::default(),
        }
    }

    fn key(&self, identity: &str) -> (u64, u64) {
        (
            self.keys.0.hash_one(identity),
            self.keys.1.hash_one(identity),
        )
    }
}

/// Whether a row with a valid address takes it (a later row with it is a duplicate): its other
/// cells are fine too, as a round decides (`round::check_round`).
fn takes_address(row: &AddressRow, defaults: &Defaults<'_>) -> bool {
    row.details
        .as_deref()
        .is_none_or(|details| defaults.person(details).is_ok())
}

/// Reads the whole file and cuts it into chunks of at most `rows_per_chunk` rows. A file
/// that cannot be split (UTF-16) is one chunk.
pub fn plan_file<R: Read>(
    input: R,
    rows_per_chunk: usize,
    defaults: &Defaults<'_>,
) -> Result<Plan, FileError> {
    let (mut rows, starts) = read_rows_counting(input)?;
    let format = rows.format();
    let splittable = format.splittable();
    let columns = rows.columns().clone();
    let mut first_lines = FirstLines::new();
    let mut chunks = vec![PlannedChunk {
        start: 0,
        end: None,
        first_line: 1,
        rows: 0,
        duplicates: Vec::new(),
    }];
    while let Some(row) = rows.next_row() {
        let row = row?;
        let offset = starts.borrow_mut().take(row.line);
        let current = chunks.last().expect("there is a chunk");
        let full = current.rows as usize >= rows_per_chunk
            || current.duplicates.len() >= MAX_DUPLICATES_PER_CHUNK;
        if let (true, true, Some(start)) = (splittable, full, offset) {
            chunks.last_mut().expect("there is a chunk").end = Some(start);
            chunks.push(PlannedChunk {
                start,
                end: None,
                first_line: row.line,
                rows: 0,
                duplicates: Vec::new(),
            });
        }
        let chunk = chunks.last_mut().expect("there is a chunk");
        chunk.rows += 1;
        // As a round decides: a row repeating an address taken earlier is a duplicate (whatever
        // its other cells); a row that is refused does not take its address.
        if let Ok(email) = &row.email {
            let key = first_lines.key(email.identity());
            match first_lines.lines.get(&key) {
                Some(&first) => chunk.duplicates.push((row.line, first)),
                None if takes_address(&row, defaults) => {
                    first_lines.lines.insert(key, row.line);
                }
                None => {}
            }
        }
    }
    Ok(Plan {
        format,
        columns: columns.read,
        ignored_columns: columns.ignored,
        chunks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use invitations_core::domain::{Contract, InviteOptions};

    fn contract() -> Contract {
        testkit::contract("c1").build()
    }

    #[test]
    fn a_file_is_cut_every_n_rows_and_its_duplicates_noted_across_chunks() {
        let contract = contract();
        let defaults = Defaults {
            options: InviteOptions::default(),
            contract: &contract,
            now: chrono::Utc::now(),
        };
        let file = "email\na@x.co\nb@x.co\nnot an address\nA@x.co\nc@x.co\nb@x.co\n";
        let plan = plan_file(file.as_bytes(), 2, &defaults).unwrap();
        let cut: Vec<(u64, Option<u64>, u64, u64)> = plan
            .chunks
            .iter()
            .map(|c| (c.start, c.end, c.first_line, c.rows))
            .collect();
        assert_eq!(
            cut,
            vec![(0, Some(20), 1, 2), (20, Some(42), 4, 2), (42, None, 6, 2)]
        );
        assert_eq!(plan.chunks[1].duplicates, vec![(5, 2)]);
        assert_eq!(plan.chunks[2].duplicates, vec![(7, 3)]);
        assert!(plan.chunks[0].duplicates.is_empty());
    }
}
