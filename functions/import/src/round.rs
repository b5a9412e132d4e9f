//! A round: the rows of the file invited together, checked in memory before the table is asked.
//!
//! An import never holds the whole file: it dedupes each round here, and an address that
//! appears again in a later round is found by the table (the invitation already written by
//! this import, see `domain::import_replay`), so memory stays flat however long the file is.

use crate::person::Person;
use crate::rows::{AddressRow, Details, FileError, RowReader};
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
    /// The address is fine, another cell of the row is not: why, in a sentence.
    InvalidValue(String),
    /// The same address (in any case) on an earlier line of the round.
    Duplicate {
        first_line: u64,
    },
    /// To invite, unless the table knows the address already; with the person its other cells
    /// make (`None`, for a row without any: the import's defaults alone). Boxed, as few rows
    /// have one: the round's list stays small.
    Invitee(&'a EmailAddress, Option<Box<Person>>),
}

/// Each row of a round, in order: invalid, refused for another cell (`person` reads the person
/// of a row with other cells, or says why not), a duplicate of an earlier row, or to invite. A
/// refused row does not take its address: a later row with the same address is invited.
pub fn check_round<'a>(
    round: &'a [AddressRow],
    mut person: impl FnMut(&Details) -> Result<Person, String>,
) -> Vec<Checked<'a>> {
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
                Entry::Vacant(slot) => match row.details.as_deref().map(&mut person).transpose() {
                    Err(reason) => Checked::InvalidValue(reason),
                    Ok(person) => {
                        slot.insert(row.line);
                        Checked::Invitee(email, person.map(Box::new))
                    }
                },
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
        let checked = check_round(&round, |_| Ok(Person::default()));
        let kinds: Vec<String> = checked
            .iter()
            .map(|c| match c {
                Checked::Invalid(reason) => format!("invalid: {reason}"),
                Checked::InvalidValue(reason) => format!("refused: {reason}"),
                Checked::Duplicate { first_line } => format!("duplicate of {first_line}"),
                Checked::Invitee(email, _) => format!("invite {}", email.as_entered()),
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

    #[test]
    fn a_row_refused_for_another_cell_does_not_take_its_address() {
        let file = b"Email,Group\nann@example.com,no\nann@example.com,ok\nann@example.com,ok\n";
        let mut reader = read_rows(&file[..]).unwrap();
        let round = next_round(&mut reader).unwrap().unwrap();
        let checked = check_round(&round, |details| match &details.group {
            Some(group) if group == "ok" => Ok(Person::default()),
            _ => Err("No group.".to_owned()),
        });
        assert_eq!(checked[0], Checked::InvalidValue("No group.".into()));
        assert!(matches!(checked[1], Checked::Invitee(..)));
        assert_eq!(checked[2], Checked::Duplicate { first_line: 3 });
    }
}
