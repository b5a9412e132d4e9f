//! The CSV reading stage on each shape of file people make (fixtures in `tests/fixtures/`,
//! written by `make_fixtures.py`): the exact rows, with line numbers, values and reasons.

use import::rows::{read_rows, FileError, Row, Shape};
use invitations_core::domain::EmailError;
use std::io::Read;
use std::path::Path;

/// A row as the tests compare it: line, value, and the address as entered or why it is refused.
type Seen = (u64, String, Result<String, EmailError>);

fn ok(line: u64, value: &str, address: &str) -> Seen {
    (line, value.to_owned(), Ok(address.to_owned()))
}

fn valid(line: u64, value: &str) -> Seen {
    ok(line, value, value)
}

fn bad(line: u64, value: &str, err: EmailError) -> Seen {
    (line, value.to_owned(), Err(err))
}

fn seen(row: Row) -> Seen {
    (
        row.line,
        row.value,
        row.email.map(|e| e.as_entered().to_owned()),
    )
}

/// A reader that hands out at most `.1` bytes at a time: with 1, every boundary falls
/// everywhere once; with a line's length, a line end is split the same way on every line.
struct Trickle<R>(R, usize);

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.1);
        self.0.read(&mut buf[..n])
    }
}

fn read_all<R: Read>(input: R) -> Result<(Shape, Vec<Seen>), FileError> {
    let rows = read_rows(input)?;
    let shape = rows.shape();
    let rows = rows.map(|row| row.map(seen)).collect::<Result<_, _>>()?;
    Ok((shape, rows))
}

fn read_bytes(bytes: &[u8]) -> Result<(Shape, Vec<Seen>), FileError> {
    let whole = read_all(bytes);
    for size in [1, 31, 32] {
        assert_eq!(
            whole,
            read_all(Trickle(bytes, size)),
            "read {size} bytes at a time, the file reads the same"
        );
    }
    whole
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_fixture(name: &str) -> Result<(Shape, Vec<Seen>), FileError> {
    read_bytes(&fixture(name))
}

fn rows_of(name: &str) -> Vec<Seen> {
    read_fixture(name).unwrap().1
}

fn shape(encoding: &'static str, delimiter: char, header: bool, column: usize) -> Shape {
    Shape {
        encoding,
        delimiter,
        header,
        column,
    }
}

#[test]
fn one_address_per_line_with_lf() {
    let (found, rows) = read_fixture("plain_lf.csv").unwrap();
    assert_eq!(found, shape("UTF-8", ',', false, 0));
    assert_eq!(
        rows,
        [
            valid(1, "ann@example.com"),
            valid(2, "bob@example.org"),
            valid(3, "carol.king@example.net"),
        ]
    );
}

#[test]
fn crlf_without_a_final_line_end() {
    assert_eq!(
        rows_of("crlf.csv"),
        [
            valid(1, "ann@example.com"),
            valid(2, "bob@example.org"),
            valid(3, "carol.king@example.net"),
        ]
    );
}

#[test]
fn lone_cr_line_ends_count_as_lines() {
    let (found, rows) = read_fixture("cr_only.csv").unwrap();
    assert!(found.header);
    assert_eq!(
        rows,
        [
            valid(2, "ann@example.com"),
            valid(3, "bob@example.org"),
            valid(5, "carol@example.net"),
        ]
    );
}

#[test]
fn utf8_with_a_bom_before_the_header() {
    let (found, rows) = read_fixture("utf8_bom.csv").unwrap();
    assert_eq!(found, shape("UTF-8", ',', true, 0));
    assert_eq!(
        rows,
        [valid(2, "ann@example.com"), valid(3, "zoë@example.com")]
    );
}

#[test]
fn excel_unicode_text_is_utf16le_tab_separated() {
    let (found, rows) = read_fixture("excel_unicode_text.txt").unwrap();
    assert_eq!(found, shape("UTF-16LE", '\t', true, 1));
    // Bob's department cell spans lines 4 and 5.
    assert_eq!(
        rows,
        [
            valid(2, "zoe@example.com"),
            valid(3, "ann@example.com"),
            valid(4, "BOB@Example.org"),
            valid(6, "carol@example.net"),
        ]
    );
}

#[test]
fn utf16be_with_a_bom() {
    let (found, rows) = read_fixture("utf16be.csv").unwrap();
    assert_eq!(found.encoding, "UTF-16BE");
    assert_eq!(
        rows,
        [valid(1, "ann@example.com"), valid(2, "bob@example.org")]
    );
}

#[test]
fn utf16_without_a_bom_in_either_byte_order() {
    let text = "Email\r\nann@example.com\r\nZoë <zoe@example.org>\r\n";
    let units: Vec<u16> = text.encode_utf16().collect();
    let little: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
    let big: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
    let expected = [
        valid(2, "ann@example.com"),
        ok(3, "Zoë <zoe@example.org>", "zoe@example.org"),
    ];
    let (found, rows) = read_bytes(&little).unwrap();
    assert_eq!((found.encoding, &rows[..]), ("UTF-16LE", &expected[..]));
    let (found, rows) = read_bytes(&big).unwrap();
    assert_eq!((found.encoding, &rows[..]), ("UTF-16BE", &expected[..]));
}

#[test]
fn semicolons_and_a_header_naming_the_second_column() {
    let (found, rows) = read_fixture("semicolon_header.csv").unwrap();
    assert_eq!(found, shape("UTF-8", ';', true, 1));
    assert_eq!(
        rows,
        [
            valid(2, "ann@example.com"),
            valid(3, "bob@example.org"),
            valid(4, "carol@example.net"),
        ]
    );
}

#[test]
fn tabs_without_a_header_find_the_column_of_at_signs() {
    let (found, rows) = read_fixture("tab_separated.tsv").unwrap();
    assert_eq!(found, shape("UTF-8", '\t', false, 1));
    assert_eq!(
        rows,
        [
            valid(1, "ann@example.com"),
            valid(2, "bob@example.org"),
            valid(3, "carol@example.net"),
        ]
    );
}

#[test]
fn quoted_cells_and_quotes_around_addresses() {
    let (found, rows) = read_fixture("quoted_values.csv").unwrap();
    assert_eq!(found, shape("UTF-8", ',', true, 1));
    assert_eq!(
        rows,
        [
            valid(2, "ann@example.com"),
            valid(3, "bob@example.org"),
            valid(4, "carol@example.net"),
            // Carol's notes span lines 4 and 5.
            ok(6, "'dan@example.com'", "dan@example.com"),
            ok(7, "Eve Adams <eve@example.com>", "eve@example.com"),
            ok(8, "\"fay@example.com\"", "fay@example.com"),
        ]
    );
}

#[test]
fn blank_lines_are_skipped_but_counted() {
    assert_eq!(
        rows_of("blank_lines.csv"),
        [
            valid(2, "ann@example.com"),
            valid(5, "bob@example.org"),
            valid(8, "carol@example.net"),
        ]
    );
}

#[test]
fn the_same_address_in_another_case_is_returned_each_time() {
    let rows = read_rows(&fixture("duplicates_case.csv")[..])
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let identities: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r.line, r.email.as_ref().unwrap().identity()))
        .collect();
    assert_eq!(
        identities,
        [
            (1, "ann@example.com"),
            (2, "bob@example.org"),
            (3, "ann@example.com"),
            (4, "ann@example.com"),
        ]
    );
    assert_eq!(rows[0].value, "Ann@Example.com");
    assert_eq!(rows[3].value, "ANN@EXAMPLE.COM");
}

#[test]
fn invalid_rows_keep_their_line_numbers_and_reasons() {
    assert_eq!(
        rows_of("invalid_rows.csv"),
        [
            valid(1, "ann@example.com"),
            bad(2, "bob.example.org", EmailError::MissingAt),
            bad(4, "carol @example.net", EmailError::ContainsSpace),
            bad(5, "dan@example", EmailError::DomainHasNoDot),
            bad(6, "@example.com", EmailError::EmptyLocalPart),
            bad(7, "eve@@example.com", EmailError::MoreThanOneAt),
            valid(8, "fay@example.com"),
            bad(9, "gus@example,com", EmailError::InvalidCharacter(',')),
            bad(10, "hal@exa_mple.com", EmailError::InvalidCharacter('_')),
        ]
    );
}

#[test]
fn windows_1252_is_transcoded() {
    let (found, rows) = read_fixture("windows_1252.csv").unwrap();
    assert_eq!(found, shape("windows-1252", ';', true, 1));
    assert_eq!(
        rows,
        [valid(2, "zoe@example.com"), valid(3, "andré@example.fr")]
    );
}

#[test]
fn binary_files_are_not_text() {
    for name in ["image.png", "spreadsheet.xlsx"] {
        assert_eq!(
            read_fixture(name).unwrap_err(),
            FileError::NotText,
            "{name}"
        );
    }
    assert_eq!(
        read_bytes(b"ann@example.com\n\0\0\0\n").unwrap_err(),
        FileError::NotText
    );
}

#[test]
fn files_without_an_address_are_refused() {
    for name in ["no_addresses.csv", "header_only.csv", "empty.csv"] {
        assert_eq!(
            read_fixture(name).unwrap_err(),
            FileError::NoAddresses,
            "{name}"
        );
    }
    assert_eq!(
        read_bytes(b"\r\n  \r\n\r\n").unwrap_err(),
        FileError::NoAddresses
    );
    assert_eq!(
        FileError::NoAddresses.to_string(),
        "The file holds no email address: no cell in it contains an @."
    );
}

#[test]
fn a_first_row_without_at_is_a_row_unless_it_names_a_column() {
    assert_eq!(
        read_bytes(b"ann.example.com\nbob@example.org\n").unwrap().1,
        [
            bad(1, "ann.example.com", EmailError::MissingAt),
            valid(2, "bob@example.org"),
        ]
    );
    let (found, rows) = read_bytes(
        b"Manager,Work email\nboss@example.com,ann@example.com\nboss@example.com,bob@example.org\n",
    )
    .unwrap();
    assert_eq!(found, shape("UTF-8", ',', true, 1));
    assert_eq!(
        rows,
        [valid(2, "ann@example.com"), valid(3, "bob@example.org")]
    );
}

#[test]
fn a_row_without_the_address_cell_is_empty() {
    assert_eq!(
        read_bytes(b"Name,Email\nAnn,ann@example.com\nBob\nCarol,\n")
            .unwrap()
            .1,
        [
            valid(2, "ann@example.com"),
            bad(3, "", EmailError::Empty),
            bad(4, "", EmailError::Empty),
        ]
    );
}

#[test]
fn invalid_utf8_after_the_sniffed_prefix_is_a_bad_row_not_a_refusal() {
    let mut file = Vec::new();
    let mut expected = Vec::new();
    for i in 1..=3000u64 {
        let address = format!("person{i:05}@example.com");
        file.extend_from_slice(address.as_bytes());
        file.extend_from_slice(b"\r\n");
        expected.push(valid(i, &address));
    }
    assert!(file.len() > 64 * 1024);
    file.extend_from_slice(b"bad\xffname@example.com\r\nlast@example.com\r\n");
    expected.push(bad(
        3001,
        "bad\u{fffd}name@example.com",
        EmailError::InvalidCharacter('\u{fffd}'),
    ));
    expected.push(valid(3002, "last@example.com"));
    assert_eq!(read_bytes(&file).unwrap().1, expected);
}

#[test]
fn line_numbers_hold_across_chunks_quoted_lines_and_blank_lines() {
    let mut file = String::from("Name,Email,Notes\r\n");
    let mut expected = Vec::new();
    let mut line = 2;
    for i in 0..8000u64 {
        let address = format!("p{i}@example.com");
        match i % 4 {
            0 => file.push_str(&format!("P {i},{address},\"a\r\nb\rc\nd\"\r\n")),
            1 => file.push_str(&format!("P {i},{address},x\r\n\r\n")),
            _ => file.push_str(&format!("\"P, {i}\",\"{address}\",\r")),
        }
        expected.push(valid(line, &address));
        line += match i % 4 {
            0 => 4,
            1 => 2,
            _ => 1,
        };
    }
    assert!(file.len() > 3 * 64 * 1024);
    assert_eq!(read_bytes(file.as_bytes()).unwrap().1, expected);
}

#[test]
fn a_stray_opening_quote_does_not_swallow_the_rest_of_the_file() {
    let mut file = String::from("\"ann@example.com\n");
    let mut expected = vec![valid(1, "ann@example.com")];
    for i in 2..=300u64 {
        let address = format!("p{i}@example.com");
        file.push_str(&address);
        file.push('\n');
        expected.push(valid(i, &address));
    }
    assert_eq!(read_bytes(file.as_bytes()).unwrap().1, expected);
}

#[test]
fn an_io_error_is_reported_as_one() {
    struct Failing(usize);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("connection reset"));
            }
            let line = b"ann@example.com\n";
            let n = buf.len().min(line.len());
            buf[..n].copy_from_slice(&line[..n]);
            self.0 -= 1;
            Ok(n)
        }
    }
    assert!(matches!(read_rows(Failing(0)), Err(FileError::Io(_))));
    let rows: Vec<_> = read_rows(Failing(5000)).unwrap().collect();
    assert!(rows[..rows.len() - 1].iter().all(Result::is_ok));
    assert!(matches!(rows.last(), Some(Err(FileError::Io(m))) if m.contains("connection reset")));
}

#[test]
fn rows_stream_from_an_endless_input() {
    /// An input that never ends: reading it whole would never return.
    struct Endless(u64, Vec<u8>);
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.1.is_empty() {
                self.0 += 1;
                self.1 = format!("p{}@example.com\r\n", self.0).into_bytes();
            }
            let n = buf.len().min(self.1.len());
            buf[..n].copy_from_slice(&self.1[..n]);
            self.1.drain(..n);
            Ok(n)
        }
    }
    let rows: Vec<Seen> = read_rows(Endless(0, Vec::new()))
        .unwrap()
        .skip(9_995)
        .take(5)
        .map(|row| seen(row.unwrap()))
        .collect();
    let expected: Vec<Seen> = (9_996..=10_000)
        .map(|i| valid(i, &format!("p{i}@example.com")))
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn any_bytes_read_the_same_in_any_chunks_with_rising_line_numbers() {
    const ALPHABET: &[u8] = b"\"\",;\t\r\n\n@@aab. \xc3\xa9\xff\xfe<>'";
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..400 {
        let len = (next() % 300) as usize;
        let file: Vec<u8> = (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
            .collect();
        let text = String::from_utf8_lossy(&file).replace("\r\n", "\n");
        let lines = text.matches(['\r', '\n']).count() as u64 + 1;
        let Ok((_, rows)) = read_bytes(&file) else {
            continue;
        };
        let mut previous = 0;
        for (line, _, _) in &rows {
            assert!(*line > previous && *line <= lines, "{file:?}: {rows:?}");
            previous = *line;
        }
    }
}
