//! Streaming CSV reading of the files people really make: rows with a line number and an address.
//!
//! [`read_rows`] reads the first 64 KiB, decides how the file is written, then streams the rest:
//!
//! - **Encoding.** A byte order mark decides (UTF-8, UTF-16LE as Excel's "Unicode text" writes it,
//!   UTF-16BE); without one the file is UTF-16 when nine in ten of its first code units have a
//!   zero byte on one side (ASCII text in UTF-16), else UTF-8 when its first 64 KiB are valid
//!   UTF-8, else Windows-1252 (what Excel's plain "CSV" writes in Western locales). UTF-16 and
//!   Windows-1252 are transcoded to UTF-8 while streaming.
//! - **Not text.** A NUL or another control character (other than tab, line feed, carriage return,
//!   vertical tab, form feed and ^Z) in the first 64 KiB, once decoded, refuses the file:
//!   [`FileError::NotText`]. Later bytes never refuse it: an invalid sequence further on becomes a
//!   row whose address is refused for its `�`.
//! - **Line ends.** CRLF, LF and lone CR all end a line. Line numbers are the physical lines a
//!   person sees in a text editor, 1-based, blank lines included; a row whose quoted cell spans
//!   lines has the number of its first line.
//! - **Delimiter.** `,`, `;` or tab: the one whose split of the first rows gives the most rows
//!   holding a valid address, then the largest share of rows with the usual number of cells,
//!   then the most cells (ties go to `,`).
//! - **Header.** A first row with no `@` and a cell naming a column the import reads is the
//!   header, and is not a row. Header cells are compared in any case, without spaces,
//!   underscores, hyphens or French accents, in English or French
//!   ([`crate::header::header_kind`]):
//!   - the address: "Email", "E-mail address", "email_address", "Work email", "Courriel",
//!     "Address", "Login", ...;
//!   - "Name" ("Full name", "Nom complet"), or "First name" ("firstname", "Given name",
//!     "Prénom") and "Last name" ("Surname", "Family name", "Nom");
//!   - "Language" ("Lang", "Langue"), "Group" ("Cohort", "Groupe"), "Send at" ("send_at",
//!     "Send date", "Date d'envoi").
//!
//!   Any other header cell (and a second column of the same kind) is an ignored column: listed
//!   once in [`crate::header::Columns::ignored`], never per row.
//! - **Address column.** The header's column if it names one that holds `@`s, else the column in
//!   which most of the first rows' cells contain `@`.
//! - **Values.** A row's value is its address cell trimmed of spaces; the address is parsed from
//!   it without one layer of surrounding quotes, and from `Name <address>` or `mailto:` forms.
//!   The cells of the header's other columns are kept trimmed, as written ([`Details`]); what
//!   they mean (a name, a language, a group, a time) is read by [`crate::person`].
//!   Blank rows (every cell empty) are skipped; the same address twice gives two rows (the caller
//!   dedupes).
//! - **No address.** An empty file, or one whose first 64 KiB hold no cell with `@`:
//!   [`FileError::NoAddresses`].
//!
//! Memory stays flat: the input is read in 32 KiB chunks, records are read into one reused
//! buffer, and no row can grow without bound. A physical line longer than 64 KiB is cut there,
//! and a quote that is still open after 100 lines or 64 KiB is taken as a stray character: it is
//! dropped and the lines after it are read again as ordinary lines.

use crate::header::{find_column, read_header, Columns};
use csv::{ByteRecord, Terminator};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};
use invitations_core::domain::import::ColumnKind;
use invitations_core::domain::{EmailAddress, EmailError};
use std::borrow::Cow;
use std::io::{self, Chain, Cursor, Read};

/// How much of the file decides its encoding, delimiter, header and address column.
pub const SNIFF_BYTES: usize = 64 * 1024;
/// At most this many rows of the sniffed prefix are looked at.
const SNIFF_RECORDS: usize = 1000;
/// The delimiters tried, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
/// A longer physical line is cut: the rest of it up to its line end is dropped.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// A quote still open after this many bytes ...
const MAX_QUOTED_BYTES: usize = 64 * 1024;
/// ... or line ends is taken as a stray character, not the start of a quoted cell.
const MAX_QUOTED_LINES: usize = 100;
/// The size of the chunks read from the input.
const CHUNK: usize = 32 * 1024;
/// One row of the file that is not blank and not the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The physical line the row starts on, 1-based, as a text editor numbers lines.
    pub line: u64,
    /// The address cell as found, trimmed of spaces (empty when the row has no such cell).
    pub value: String,
    pub email: Result<EmailAddress, EmailError>,
    /// The row's other cells, when the header names columns besides the address.
    pub details: Option<Details>,
}

/// A row's cells besides its address, for a file whose header names them: trimmed, as
/// written; an empty cell is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub language: Option<String>,
    pub group: Option<String>,
    pub send_at: Option<String>,
}

impl Details {
    fn cell(&mut self, kind: ColumnKind) -> Option<&mut Option<String>> {
        Some(match kind {
            ColumnKind::Email => return None,
            ColumnKind::Name => &mut self.name,
            ColumnKind::FirstName => &mut self.first_name,
            ColumnKind::LastName => &mut self.last_name,
            ColumnKind::Language => &mut self.language,
            ColumnKind::Group => &mut self.group,
            ColumnKind::SendAt => &mut self.send_at,
        })
    }
}

/// A [`Row`] as the import reads it ([`RowReader::next_row`]): its value is not copied when it is
/// the address as entered (most rows), only when it differs (wrapped forms, invalid cells).
#[derive(Debug, Clone, PartialEq)]
pub struct AddressRow {
    /// The physical line the row starts on, 1-based, as a text editor numbers lines.
    pub line: u64,
    pub email: Result<EmailAddress, EmailError>,
    /// The value when it is not the address as entered (and not empty).
    other_value: Option<Box<str>>,
    /// The row's other cells, when the header names columns besides the address (boxed: most
    /// files have none, and their rows stay small).
    pub details: Option<Box<Details>>,
}

impl AddressRow {
    /// The address cell as found, trimmed of spaces (empty when the row has no such cell): the
    /// same text as [`Row::value`].
    pub fn value(&self) -> &str {
        match (&self.other_value, &self.email) {
            (Some(value), _) => value,
            (None, Ok(email)) => email.as_entered(),
            (None, Err(_)) => "",
        }
    }

    /// The row of a cell that is a bare address of printable ASCII (perhaps followed by the CR
    /// of a CRLF), parsed from its bytes; `None` for any other cell.
    fn plain(line: u64, cell: &[u8]) -> Option<Self> {
        let bare = match cell.split_last() {
            Some((b'\r', rest)) => rest,
            _ => cell,
        };
        Some(AddressRow {
            line,
            email: Ok(EmailAddress::parse_plain_bytes(bare)?),
            other_value: None,
            details: None,
        })
    }

    fn new(line: u64, value: &str) -> Self {
        let email = EmailAddress::parse(address_part(value));
        let same = match &email {
            // The entered form is the address part trimmed, a part of `value`: equal lengths
            // mean equal text.
            Ok(email) => email.as_entered().len() == value.len(),
            Err(_) => value.is_empty(),
        };
        AddressRow {
            line,
            email,
            other_value: (!same).then(|| value.into()),
            details: None,
        }
    }
}

impl From<AddressRow> for Row {
    fn from(row: AddressRow) -> Self {
        Row {
            line: row.line,
            value: row.value().to_owned(),
            email: row.email,
            details: row.details.map(|d| *d),
        }
    }
}

/// Why a file is refused as a whole, in sentences a person reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error(
        "The file is not text (it looks like a spreadsheet, an image or another binary file): \
         save it as CSV or as text and upload it again."
    )]
    NotText,
    #[error("The file holds no email address: no cell in it contains an @.")]
    NoAddresses,
    #[error("The file could not be read ({0}). Upload it again.")]
    Io(String),
}

impl From<io::Error> for FileError {
    fn from(err: io::Error) -> Self {
        FileError::Io(err.to_string())
    }
}

/// How a file is written, as [`read_rows`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// "UTF-8", "UTF-16LE", "UTF-16BE" or "windows-1252".
    pub encoding: &'static str,
    pub delimiter: char,
    /// The first row names the columns and is skipped.
    pub header: bool,
    /// The address column, 0-based.
    pub column: usize,
}

/// The input after its first bytes were read: decoded to UTF-8, then its prefix and the rest.
type Decoded<R> = Chain<Cursor<Vec<u8>>, DecodeReaderBytes<Chain<Cursor<Vec<u8>>, R>, Vec<u8>>>;

/// The rows of a file, read as they are needed. Ends after the first error.
pub struct RowReader<R: Read> {
    csv: csv::Reader<LineEnds<Decoded<R>>>,
    record: ByteRecord,
    shape: Shape,
    columns: Columns,
    /// The columns read besides the address, and as what.
    extra: Vec<(usize, ColumnKind)>,
    header_pending: bool,
    /// The line before the first line read (a chunk's reader starts inside the file).
    line_base: u64,
    last_line: u64,
    done: bool,
}

/// Reads the start of `input` to learn how it is written, then returns its rows one by one.
///
/// Refuses a file that is not text or holds no address. Never reads the whole input at once.
pub fn read_rows<R: Read>(mut input: R) -> Result<RowReader<R>, FileError> {
    let mut raw = Vec::with_capacity(SNIFF_BYTES);
    (&mut input)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut raw)?;
    if raw.is_empty() {
        return Err(FileError::NoAddresses);
    }
    let raw_complete = raw.len() < SNIFF_BYTES;
    let encoding = detect_encoding(&raw, raw_complete);
    // Without a BOM, the decoder is told what was found (with one, it finds it itself).
    let without_bom = (encoding != UTF_8 && Encoding::for_bom(&raw).is_none()).then_some(encoding);
    let mut decoder = DecodeReaderBytesBuilder::new()
        .encoding(without_bom)
        .bom_sniffing(true)
        .strip_bom(true)
        .utf8_passthru(true)
        .build(Cursor::new(raw).chain(input));

    let mut text = Vec::with_capacity(SNIFF_BYTES);
    (&mut decoder)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut text)?;
    let complete = text.len() < SNIFF_BYTES;
    if text.iter().any(|&b| is_binary_control(b)) {
        return Err(FileError::NotText);
    }
    // The sniffed lines, read as the rows will be (but before the delimiter is known).
    let mut sample = Vec::with_capacity(text.len() + 1);
    LineEnds::new(&text[..], None).read_to_end(&mut sample)?;
    // Only whole lines are looked at, unless the prefix is the whole file.
    if !complete {
        if let Some(end) = memchr::memrchr(b'\n', &sample) {
            sample.truncate(end + 1);
        }
    }
    let (delimiter, records) = sniff_delimiter(&sample);
    drop(sample);
    let (header, column) = find_column(&records)?;
    let (columns, extra) = read_header(header.then(|| &records[0][..]), column);

    let lines = LineEnds::new(Cursor::new(text).chain(decoder), Some(delimiter)).passing_crlf();
    let csv = reader_builder(delimiter)
        .buffer_capacity(CHUNK)
        .from_reader(lines);
    Ok(RowReader {
        csv,
        record: ByteRecord::new(),
        shape: Shape {
            encoding: encoding.name(),
            delimiter: delimiter as char,
            header,
            column,
        },
        columns,
        extra,
        header_pending: header,
        line_base: 0,
        last_line: 0,
        done: false,
    })
}

impl<R: Read> RowReader<R> {
    /// How the file is written.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The columns it reads, and the header's columns it ignores.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }

    /// The current record's cells besides the address, if any is not empty.
    fn details(&self) -> Option<Box<Details>> {
        let mut details = Details::default();
        let mut any = false;
        for &(index, kind) in &self.extra {
            let Some(cell) = self.record.get(index) else {
                continue;
            };
            let text = match std::str::from_utf8(cell) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(cell),
            };
            let value = clean(&text);
            if let (false, Some(slot)) = (value.is_empty(), details.cell(kind)) {
                *slot = Some(value.to_owned());
                any = true;
            }
        }
        any.then(|| Box::new(details))
    }
}

impl<R: Read> RowReader<R> {
    /// The next row, its value copied only when it is not the address as entered.
    pub fn next_row(&mut self) -> Option<Result<AddressRow, FileError>> {
        while !self.done {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(err) => {
                    self.done = true;
                    return Some(Err(FileError::Io(err.to_string())));
                }
            }
            if self.done || is_blank(&self.record) {
                continue;
            }
            if std::mem::take(&mut self.header_pending) {
                continue;
            }
            // Every record ends with a line feed (the reader adds one at the end of the file),
            // so the record started that line feed, and those inside its quoted cells, earlier.
            // Only a quoted cell can hold one, and most files have no quotes at all.
            let inside = match self.csv.get_ref().saw_quote {
                true => memchr::memchr_iter(b'\n', self.record.as_slice()).count() as u64,
                false => 0,
            };
            // (Rows only go down the file, should the count ever be off.)
            let line = (self.csv.position().line() - 1 + self.line_base)
                .saturating_sub(inside)
                .max(self.last_line + 1);
            self.last_line = line;
            let cell = self.record.get(self.shape.column).unwrap_or_default();
            // Most cells are a bare address of printable ASCII (with the CR that CRLF
            // pass-through leaves on a line's last cell): parsed from the bytes, nothing to clean
            // or unwrap, the same row the general path below would give.
            let mut row = match AddressRow::plain(line, cell) {
                Some(row) => row,
                None => match std::str::from_utf8(cell) {
                    Ok(text) => AddressRow::new(line, clean(text)),
                    Err(_) => AddressRow::new(line, clean(&String::from_utf8_lossy(cell))),
                },
            };
            if !self.extra.is_empty() {
                row.details = self.details();
            }
            return Some(Ok(row));
        }
        None
    }
}

impl<R: Read> Iterator for RowReader<R> {
    type Item = Result<Row, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().map(|row| row.map(Row::from))
    }
}

fn reader_builder(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(Terminator::Any(b'\n'))
        .quoting(true)
        .double_quote(true);
    builder
}

/// The encoding of a file from its first bytes: a BOM, else UTF-8 if they are valid UTF-8
/// (a sequence cut by the end of an incomplete prefix counts as valid), else Windows-1252.
fn detect_encoding(raw: &[u8], complete: bool) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(raw) {
        return encoding;
    }
    if let Some(encoding) = utf16_without_bom(raw) {
        return encoding;
    }
    match std::str::from_utf8(raw) {
        Ok(_) => UTF_8,
        Err(err) if err.error_len().is_none() && !complete => UTF_8,
        Err(_) => WINDOWS_1252,
    }
}

/// UTF-16 without a byte order mark (some exports write it so): text of addresses is mostly
/// ASCII, so nine in ten of the first code units have a zero byte on the same side and a
/// non-zero byte on the other. Binary files do not look like that for long.
fn utf16_without_bom(raw: &[u8]) -> Option<&'static Encoding> {
    let units = raw[..raw.len().min(4096)].chunks_exact(2);
    let total = units.len();
    if total < 4 {
        return None;
    }
    let (mut little, mut big) = (0, 0);
    for unit in units {
        match (unit[0], unit[1]) {
            (0, 0) => {}
            (_, 0) => little += 1,
            (0, _) => big += 1,
            _ => {}
        }
    }
    if little * 10 >= total * 9 {
        Some(UTF_16LE)
    } else if big * 10 >= total * 9 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Control characters that text files do not hold (tab, LF, VT, FF, CR and ^Z are allowed).
fn is_binary_control(b: u8) -> bool {
    matches!(b, 0x00..=0x08 | 0x0E..=0x19 | 0x1B..=0x1F)
}

fn is_blank(record: &ByteRecord) -> bool {
    record.iter().all(|cell| {
        // Most cells hold a visible ASCII character; only the others need decoding.
        !cell
            .iter()
            .any(|&b| b.is_ascii() && !b.is_ascii_whitespace())
            && clean(&String::from_utf8_lossy(cell)).is_empty()
    })
}

/// A cell without surrounding spaces (and byte order marks or zero-width spaces).
fn clean(cell: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    // Most cells need nothing, or lose only the CR of a CRLF passed on as it was.
    let bare = match cell.as_bytes().last() {
        Some(b'\r') => &cell[..cell.len() - 1],
        _ => cell,
    };
    if visible(bare.as_bytes().first()) && visible(bare.as_bytes().last()) {
        return bare;
    }
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
}

/// The address in a (cleaned) value: without one layer of surrounding quotes, and the part in
/// angle brackets of `Name <address>`, without a `mailto:`.
fn address_part(value: &str) -> &str {
    let mut text = value;
    // Most values are a bare address; only one that starts or ends otherwise can be wrapped.
    let plain = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    if !(plain(text.as_bytes().first()) && plain(text.as_bytes().last())) {
        for (open, close) in [('"', '"'), ('\'', '\''), ('“', '”'), ('‘', '’'), ('<', '>')]
        {
            if text.len() >= 2 {
                if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
                    text = clean(inner);
                    break;
                }
            }
        }
        if let Some(start) = text.rfind('<') {
            if let Some(inner) = text[start + 1..].strip_suffix('>') {
                text = clean(inner);
            }
        }
    }
    if text.len() > 7 && text.as_bytes()[..7].eq_ignore_ascii_case(b"mailto:") {
        text = clean(&text[7..]);
    }
    text
}

/// Records of the sniffed sample, as cleaned cells.
type Records = Vec<Vec<String>>;

/// The non-blank records of the sample, as cleaned cells.
fn sample_records(sample: &[u8], delimiter: u8) -> Records {
    let mut reader = reader_builder(delimiter).from_reader(sample);
    let mut record = ByteRecord::new();
    let mut records = Vec::new();
    while records.len() < SNIFF_RECORDS && reader.read_byte_record(&mut record).unwrap_or(false) {
        if is_blank(&record) {
            continue;
        }
        records.push(
            record
                .iter()
                .map(|cell| clean(&String::from_utf8_lossy(cell)).to_owned())
                .collect(),
        );
    }
    records
}

/// The delimiter whose split gives the most rows with a valid address, then the largest share of
/// rows with the usual number of cells, then the most cells; and the sample's records split by it.
fn sniff_delimiter(sample: &[u8]) -> (u8, Records) {
    let mut best: Option<((usize, usize, usize), u8, Records)> = None;
    for delimiter in DELIMITERS {
        let records = sample_records(sample, delimiter);
        let with_address = records
            .iter()
            .filter(|r| {
                r.iter()
                    .any(|c| EmailAddress::parse(address_part(c)).is_ok())
            })
            .count();
        let mut widths: Vec<usize> = records.iter().map(Vec::len).collect();
        widths.sort_unstable();
        let (usual, consistent) = mode(&widths);
        // The share of rows with the usual number of cells, in millionths.
        let consistency = consistent * 1_000_000 / records.len().max(1);
        let score = (with_address, consistency, usual);
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, delimiter, records));
        }
    }
    let (_, delimiter, records) = best.expect("at least one delimiter is tried");
    (delimiter, records)
}

/// The most frequent value of a sorted list, and how often it occurs (the larger on a tie).
fn mode(sorted: &[usize]) -> (usize, usize) {
    let mut best = (0, 0);
    for run in sorted.chunk_by(|a, b| a == b) {
        if run.len() >= best.1 {
            best = (run[0], run.len());
        }
    }
    best
}

mod lines;
use lines::*;
mod split;
pub use split::*;

#[cfg(test)]
mod tests;
