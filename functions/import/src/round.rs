//! A round: the rows of the file invited together, checked in memory before the table is asked.
//!
//! An import never holds the whole file: it dedupes each round here, and an address that
//! appears again in a later round is found by the table (the invitation already written by
//! this import, see `domain::import_replay`), so memory stays flat however long the file is.

use crate::rows::{AddressRow, FileError, RowReader};
use invitations_core::domain::{EmailAddress, EmailError};
use std::collections::hash_map::{Entry, HashMap};
use std::io::Read;

/// The hasher for the round's table of identities: foldhash, seeded per process, several times
/// faster than the standard SipHash on short keys, which matters at one lookup per row.
type IdentityHasher = foldhash::fast::RandomState;

/// Rows invited per round: ten full transactions, then the import's progress is saved.
pub const ROWS_PER_ROUND: usize = 980;

/// The next round of the file: [`ROWS_PER_ROUND`] rows, fewer only at its end; `None` after the
/// last. An error ends the reading (the rows before it in the round are not handed on: a run
/// that stops starts again from the top).
pub fn next_round<R: Read>(rows: &mut RowReader<R>) -> Option<Result<Vec<AddressRow>, FileError>> {
    let mut round = Vec::with_capacity(ROWS_PER_ROUND);
    while round.len() < ROWS_PER_ROUND {
        match rows.next_row() {
            Some(Ok(row)) => round.push(row),
            Some(Err(err)) => return Some(Err(err)),
            None => break,
        }
    }
    (!round.is_empty()).then_some(Ok(round))
}

/// What a row of a round comes to before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked<'a> {
    Invalid(&'a EmailError),
    /// The same address (in any case) on an earlier line of the round.
    Duplicate {
        first_line: u64,
    },
    /// To invite, unless the table knows the address already.
    Invitee(&'a EmailAddress),
}

/// Each row of a round, in order: invalid, a duplicate of an earlier row, or to invite.
pub fn check_round(round: &[AddressRow]) -> Vec<Checked<'_>> {
    let mut first_line: HashMap<&str, u64, IdentityHasher> =
        HashMap::with_capacity_and_hasher(round.len(), IdentityHasher::default());
    round
        .iter()
        .map(|row| match &row.email {
            Err(reason) => Checked::Invalid(reason),
            Ok(email) => match first_line.entry(email.identity()) {
                Entry::Occupied(first) => Checked::Duplicate {
                    first_line: *first.get(),
                },
                Entry::Vacant(slot) => {
                    slot.insert(row.line);
                    Checked::Invitee(email)
                }
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::read_rows;

    #[test]
    fn a_file_is_read_in_full_rounds_and_a_last_short_one() {
        let rows = 2 * ROWS_PER_ROUND + 5;
        let file: String = (1..=rows).map(|i| format!("p{i}@example.com\n")).collect();
        let mut reader = read_rows(file.as_bytes()).unwrap();
        let mut sizes = Vec::new();
        let mut last_line = 0;
        while let Some(round) = next_round(&mut reader) {
            let round = round.unwrap();
            sizes.push(round.len());
            last_line = round.last().unwrap().line;
        }
        assert_eq!(sizes, [ROWS_PER_ROUND, ROWS_PER_ROUND, 5]);
        assert_eq!(last_line, rows as u64);
    }

    #[test]
    fn rows_are_invalid_duplicates_of_the_first_line_or_invitees() {
        let file = b"Email\nann@example.com\nbob@example.com\nnot an address\n\nANN@Example.com\nann@example.com\n";
        let mut reader = read_rows(&file[..]).unwrap();
        let mut round = Vec::new();
        while let Some(row) = reader.next_row() {
            round.push(row.unwrap());
        }
        let checked = check_round(&round);
        let kinds: Vec<String> = checked
            .iter()
            .map(|c| match c {
                Checked::Invalid(reason) => format!("invalid: {reason}"),
                Checked::Duplicate { first_line } => format!("duplicate of {first_line}"),
                Checked::Invitee(email) => format!("invite {}", email.as_entered()),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "invite ann@example.com",
                "invite bob@example.com",
                "invalid: contains a space",
                "duplicate of 2",
                "duplicate of 2",
            ]
        );
    }
}
