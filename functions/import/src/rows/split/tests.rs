//! A file read in chunks from byte ranges gives the rows the whole file gives, line for line.

use super::*;
use proptest::prelude::*;

fn whole(file: &[u8]) -> Vec<Row> {
    read_rows(file).unwrap().map(Result::unwrap).collect()
}

/// The file cut before every `every`-th row, each piece read from its own bytes.
fn in_pieces(file: &[u8], every: usize) -> (FileFormat, Vec<Row>, usize) {
    let (mut reader, starts) = read_rows_counting(file).unwrap();
    let format = reader.format();
    let mut cuts = vec![(0u64, 1u64)];
    let mut n = 0;
    while let Some(row) = reader.next_row() {
        let line = row.unwrap().line;
        let offset = starts.borrow_mut().take(line);
        if n > 0 && n % every == 0 {
            cuts.push((offset.expect("a row's first line is known"), line));
        }
        n += 1;
    }
    let mut rows = Vec::new();
    for (i, &(start, first_line)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(file.len() as u64, |&(end, _)| end);
        let range = &file[start as usize..end as usize];
        rows.extend(read_range(range, &format, first_line).map(Result::unwrap));
    }
    (format, rows, cuts.len())
}

#[test]
fn a_plain_file_in_pieces_is_the_whole_file() {
    let file =
        b"email,name\na@x.co,A\r\nb@x.co,B\r\n\r\nc@x.co,C\rd@x.co,\"D\nwith a line\"\ne@x.co,E\n";
    let (format, rows, pieces) = in_pieces(file, 1);
    assert!(format.splittable());
    assert_eq!(pieces, 5);
    assert_eq!(rows, whole(file));
    assert_eq!(
        rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![2, 3, 5, 6, 8]
    );
}

#[test]
fn a_bom_and_windows_1252_are_read_in_pieces_too() {
    let mut file = b"\xef\xbb\xbfa@x.co\nb@x.co\nc@x.co\n".to_vec();
    assert_eq!(in_pieces(&file, 1).1, whole(&file));
    file = b"Email;Nom\na@x.co;Ren\xe9\nb@x.co;Zo\xe9\nc@x.co;L\xe9a\n".to_vec();
    let (format, rows, _) = in_pieces(&file, 2);
    assert_eq!(format.encoding, "windows-1252");
    assert_eq!(rows, whole(&file));
}

#[test]
fn utf_16_is_not_splittable() {
    let text = "email\na@x.co\nb@x.co\n";
    let mut file = vec![0xff, 0xfe];
    file.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (reader, _) = read_rows_counting(&file[..]).unwrap();
    assert!(!reader.format().splittable());
}

/// Pieces of a line: addresses, other cells, quoted cells over several lines, stray quotes.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0..50u32).prop_map(|n| format!("p{n}@x.co")),
        2 => "[a-z ]{0,6}",
        1 => Just("\"q@x.co\r\nnext\"".to_owned()),
        1 => Just("\"two\nlines, \"\"quoted\"\"\"".to_owned()),
        1 => Just("stray \" quote".to_owned()),
        1 => Just("\"never closed".to_owned()),
        1 => Just("Ren\u{e9}".to_owned()),
    ]
}

fn line() -> impl Strategy<Value = (Vec<String>, &'static str)> {
    (
        proptest::collection::vec(cell(), 0..4),
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn any_file_in_pieces_is_the_whole_file(
        header in any::<bool>(),
        delimiter in prop_oneof![Just(","), Just(";"), Just("\t")],
        lines in proptest::collection::vec(line(), 1..60),
        every in 1..5usize,
        last_end in any::<bool>(),
    ) {
        let mut file = String::new();
        if header {
            file.push_str(&format!("Email{delimiter}Name\n"));
        }
        for (i, (cells, end)) in lines.iter().enumerate() {
            file.push_str(&cells.join(delimiter));
            if last_end || i + 1 < lines.len() {
                file.push_str(end);
            }
        }
        let Ok(mut reader) = read_rows(file.as_bytes()) else {
            return Ok(()); // no address in it: refused whole, nothing to split
        };
        let rows: Vec<Row> = (&mut reader).map(Result::unwrap).collect();
        let (format, pieces, _) = in_pieces(file.as_bytes(), every);
        prop_assert!(format.splittable());
        prop_assert_eq!(pieces, rows);
    }
}

#[test]
fn an_overlong_line_is_cut_the_same_way_in_a_piece() {
    let mut file = b"a@x.co\n".to_vec();
    file.extend(std::iter::repeat_n(b'z', MAX_LINE_BYTES + 100));
    file.extend_from_slice(b"\nb@x.co\nc@x.co\n");
    assert_eq!(in_pieces(&file, 1).1, whole(&file));
}
