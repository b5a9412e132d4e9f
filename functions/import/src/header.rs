//! The header of a file (issue 31): whether its first row names columns, which column holds the
//! addresses, and what each other column is read as. Header cells are compared in any case,
//! without spaces, underscores, hyphens or French accents ([`header_kind`]); a cell that names no
//! column the import reads (or a second column of a kind) is ignored, and named once.

use crate::rows::FileError;
use invitations_core::domain::import::{shorten, ColumnKind, ImportColumn};

/// At most this many ignored header cells are named on the import (a file with hundreds of
/// columns would otherwise fill its record); the rest are counted.
const IGNORED_NAMED: usize = 20;
/// Header cells are shown cut to this many characters.
const HEADER_CHARS: usize = 60;

/// The columns of a file as the import reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// The columns read, in file order: the addresses' at least.
    pub read: Vec<ImportColumn>,
    /// The header's other cells, as written: columns nothing is read from.
    pub ignored: Vec<String>,
}

/// A header cell as compared: lower case, letters and digits only, French accents dropped
/// ("Prénom" is "prenom", "E-mail address" is "emailaddress").
fn header_key(cell: &str) -> String {
    cell.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'à' | 'â' => Some('a'),
            'ç' => Some('c'),
            'î' | 'ï' => Some('i'),
            'ô' => Some('o'),
            'ù' | 'û' | 'ü' => Some('u'),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The header words of each column besides the address, as [`header_key`] writes them.
const HEADER_WORDS: [(ColumnKind, &[&str]); 6] = [
    (
        ColumnKind::Name,
        &[
            "name",
            "fullname",
            "displayname",
            "nomcomplet",
            "nometprenom",
            "prenometnom",
            "nomprenom",
            "prenomnom",
        ],
    ),
    (
        ColumnKind::FirstName,
        &[
            "firstname",
            "first",
            "givenname",
            "forename",
            "prenom",
            "prenoms",
        ],
    ),
    (
        ColumnKind::LastName,
        &[
            "lastname",
            "last",
            "surname",
            "familyname",
            "nom",
            "nomdefamille",
            "nomdenaissance",
        ],
    ),
    (
        ColumnKind::Language,
        &[
            "language",
            "lang",
            "langue",
            "locale",
            "maillanguage",
            "emaillanguage",
            "languedumail",
            "languedecourriel",
        ],
    ),
    (
        ColumnKind::Group,
        &[
            "group",
            "groupname",
            "cohort",
            "cohortname",
            "groupe",
            "cohorte",
            "nomdugroupe",
        ],
    ),
    (
        ColumnKind::SendAt,
        &[
            "sendat",
            "senddate",
            "sendtime",
            "sendon",
            "senddatetime",
            "sendingdate",
            "sendingtime",
            "dateenvoi",
            "datedenvoi",
            "heuredenvoi",
            "envoyerle",
            "envoile",
        ],
    ),
];

/// What a header cell names, if it names a column the import reads; `None` for anything else,
/// or anything that looks like a value.
pub fn header_kind(cell: &str) -> Option<ColumnKind> {
    if cell.is_empty() || cell.len() > 40 || cell.contains(['@', '.']) {
        return None;
    }
    let key = header_key(cell);
    HEADER_WORDS
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(kind, _)| *kind)
        .or_else(|| (address_rank(&key) > 0).then_some(ColumnKind::Email))
}

/// How surely a header cell names the address column: 2 for "...mail...", 1 for words such as
/// "Address" or "Login", 0 for anything else (another column's name, or anything that looks
/// like a value).
fn header_rank(cell: &str) -> u8 {
    match header_kind(cell) {
        Some(ColumnKind::Email) => address_rank(&header_key(cell)),
        _ => 0,
    }
}

fn address_rank(key: &str) -> u8 {
    if key.contains("mail") || key.contains("courriel") {
        2
    } else if matches!(
        key,
        "address"
            | "addresses"
            | "adresse"
            | "recipient"
            | "recipients"
            | "login"
            | "username"
            | "user"
            | "contact"
    ) {
        1
    } else {
        0
    }
}

/// The columns read from a file with `header` (its first record), or without one, whose
/// addresses are in `column`: each with what it is read as, the header's other cells as
/// ignored, and the columns besides the address to read on each row.
pub(crate) fn read_header(
    header: Option<&[String]>,
    column: usize,
) -> (Columns, Vec<(usize, ColumnKind)>) {
    let address = |header: Option<&String>| ImportColumn {
        column: column as u32 + 1,
        header: header.map(|h| shorten(h, HEADER_CHARS)),
        read_as: ColumnKind::Email,
    };
    let mut columns = Columns::default();
    let mut extra: Vec<(usize, ColumnKind)> = Vec::new();
    let Some(header) = header else {
        columns.read.push(address(None));
        return (columns, extra);
    };
    let mut ignored = Vec::new();
    for (index, cell) in header.iter().enumerate() {
        if index == column {
            columns.read.push(address(Some(cell)));
            continue;
        }
        // A second address column, or a second of any kind, is not read.
        match header_kind(cell)
            .filter(|&kind| kind != ColumnKind::Email && !extra.iter().any(|&(_, k)| k == kind))
        {
            Some(kind) => {
                extra.push((index, kind));
                columns.read.push(ImportColumn {
                    column: index as u32 + 1,
                    header: Some(shorten(cell, HEADER_CHARS)),
                    read_as: kind,
                });
            }
            None if !cell.is_empty() => ignored.push(shorten(cell, HEADER_CHARS)),
            None => {}
        }
    }
    if column >= header.len() {
        columns.read.push(address(None));
    }
    if ignored.len() > IGNORED_NAMED {
        let more = ignored.len() - IGNORED_NAMED;
        ignored.truncate(IGNORED_NAMED);
        ignored.push(format!("and {more} more"));
    }
    columns.ignored = ignored;
    (columns, extra)
}

/// Whether the first record is a header, and the address column.
pub(crate) fn find_column(records: &[Vec<String>]) -> Result<(bool, usize), FileError> {
    let Some(first) = records.first() else {
        return Err(FileError::NoAddresses);
    };
    let header =
        first.iter().all(|c| !c.contains('@')) && first.iter().any(|c| header_kind(c).is_some());
    let data = &records[usize::from(header)..];
    let width = data.iter().map(Vec::len).max().unwrap_or(0);
    let mut ats = vec![0usize; width];
    for record in data {
        for (count, cell) in ats.iter_mut().zip(record) {
            *count += usize::from(cell.contains('@'));
        }
    }
    // The leftmost of the columns with the most `@`s.
    let by_ats = (0..width)
        .rev()
        .max_by_key(|&i| ats[i])
        .filter(|&i| ats[i] > 0);
    let Some(by_ats) = by_ats else {
        return Err(FileError::NoAddresses);
    };
    let named = header
        .then(|| {
            (0..first.len())
                .rev()
                .filter(|&i| header_rank(&first[i]) > 0 && ats.get(i).is_some_and(|&n| n > 0))
                .max_by_key(|&i| (header_rank(&first[i]), ats[i]))
        })
        .flatten();
    Ok((header, named.unwrap_or(by_ats)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_cells_are_recognised_but_values_are_not() {
        for name in [
            "Email",
            "E-mail address",
            "email_address",
            "Work email",
            "EMAIL",
            "Courriel",
            "Address",
        ] {
            assert!(header_rank(name) > 0, "{name}");
        }
        for value in [
            "ann.gmail.com",
            "a@b.co",
            "Name",
            "",
            "Phone",
            "Mail language",
        ] {
            assert_eq!(header_rank(value), 0, "{value}");
        }
    }

    #[test]
    fn header_words_are_read_in_any_spelling_in_english_or_french() {
        let cases: [(ColumnKind, &[&str]); 7] = [
            (
                ColumnKind::Email,
                &["E-mail", "email_address", "Courriel", "Adresse"],
            ),
            (
                ColumnKind::Name,
                &["Name", "Full name", "full_name", "Nom complet"],
            ),
            (
                ColumnKind::FirstName,
                &[
                    "First name",
                    "firstname",
                    "FIRST_NAME",
                    "Given name",
                    "Prénom",
                    "prenom",
                ],
            ),
            (
                ColumnKind::LastName,
                &[
                    "Last name",
                    "last-name",
                    "Surname",
                    "Family name",
                    "Nom",
                    "Nom de famille",
                ],
            ),
            (
                ColumnKind::Language,
                &["Language", "lang", "Langue", "Mail language"],
            ),
            (
                ColumnKind::Group,
                &["Group", "group ", "Cohort", "Groupe", "cohorte"],
            ),
            (
                ColumnKind::SendAt,
                &["Send at", "send_at", "SEND-AT", "Send date", "Date d'envoi"],
            ),
        ];
        for (kind, words) in cases {
            for word in words {
                assert_eq!(header_kind(word), Some(kind), "{word}");
            }
        }
        for other in [
            "Phone",
            "Department",
            "ann@b.co",
            "Ann Lee",
            "2027-03-01",
            "",
        ] {
            assert_eq!(header_kind(other), None, "{other}");
        }
    }

    fn cells(header: &[&str]) -> Vec<String> {
        header.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn a_header_names_the_columns_read_and_those_ignored_once() {
        let header = cells(&["Phone", "Name", "Email", "Work email", "Name", "Langue", ""]);
        let (columns, extra) = read_header(Some(&header), 2);
        let read: Vec<(u32, ColumnKind)> =
            columns.read.iter().map(|c| (c.column, c.read_as)).collect();
        assert_eq!(
            read,
            [
                (2, ColumnKind::Name),
                (3, ColumnKind::Email),
                (6, ColumnKind::Language)
            ]
        );
        assert_eq!(extra, [(1, ColumnKind::Name), (5, ColumnKind::Language)]);
        // A second address column and a second name column are not read.
        assert_eq!(columns.ignored, ["Phone", "Work email", "Name"]);

        let (plain, extra) = read_header(None, 1);
        assert_eq!(
            plain.read,
            [ImportColumn {
                column: 2,
                header: None,
                read_as: ColumnKind::Email
            }]
        );
        assert!(plain.ignored.is_empty() && extra.is_empty());

        let wide: Vec<String> = (0..30).map(|i| format!("x{i}")).collect();
        let (columns, _) = read_header(Some(&wide), 40);
        assert_eq!(columns.ignored.len(), IGNORED_NAMED + 1);
        assert_eq!(columns.ignored.last().unwrap(), "and 10 more");
    }
}
