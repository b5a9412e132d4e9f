use super::*;

fn normalise(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    LineEnds::new(input, Some(b','))
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn line_ends_become_lf_and_the_input_ends_with_one() {
    assert_eq!(normalise(b"a\r\nb\rc\n\r\nd"), b"a\nb\nc\n\nd\n");
    assert_eq!(normalise(b"a\r"), b"a\n");
    assert_eq!(normalise(b""), b"");
    assert_eq!(normalise(b"\"x\r\ny\",z\r\n"), b"\"x\ny\",z\n");
}

#[test]
fn an_overlong_line_is_cut_and_the_next_line_is_kept() {
    let mut input = vec![b'a'; MAX_LINE_BYTES + 10];
    input.extend_from_slice(b"\nb@c.de\n");
    let out = normalise(&input);
    assert_eq!(out.len(), MAX_LINE_BYTES + 8);
    assert!(out.ends_with(b"a\nb@c.de\n"));
}

#[test]
fn a_quote_that_never_closes_is_dropped() {
    let mut input = b"\"a@b.co\n".to_vec();
    for i in 0..150 {
        input.extend_from_slice(format!("x{i}@b.co\n").as_bytes());
    }
    let out = normalise(&input);
    assert_eq!(&out[..b"a@b.co\nx0@b.co\n".len()], b"a@b.co\nx0@b.co\n");
    assert_eq!(out.len(), input.len() - 1);
    assert_eq!(normalise(b"a\n\"b@c.de"), b"a\nb@c.de\n");
}

#[test]
fn quoted_cells_are_kept_whole() {
    assert_eq!(
        normalise(b"\"a,\"\"b\"\"\nc\",d\n"),
        b"\"a,\"\"b\"\"\nc\",d\n"
    );
}

#[test]
fn the_address_is_found_inside_quotes_and_brackets() {
    assert_eq!(address_part("\"a@b.co\""), "a@b.co");
    assert_eq!(address_part("' a@b.co '"), "a@b.co");
    assert_eq!(address_part("Ann Lee <a@b.co>"), "a@b.co");
    assert_eq!(address_part("<a@b.co>"), "a@b.co");
    assert_eq!(address_part("mailto:a@b.co"), "a@b.co");
    assert_eq!(address_part("a@b.co"), "a@b.co");
    assert_eq!(address_part("\""), "\"");
    assert_eq!(address_part("MAILTO:a@b.co"), "a@b.co");
    for odd in [
        "mailtoé@b.co",
        "mailto:",
        "«a@b.co»",
        "<",
        ">",
        "“",
        "'",
        "é",
        "",
    ] {
        assert_eq!(address_part(odd), odd);
    }
}

proptest::proptest! {
    #[test]
    fn a_plain_cell_reads_as_the_general_path_reads_it(
        cell in "[a-zA-Z0-9.'+_-]{1,12}@[a-zA-Z0-9.-]{1,12}\\.[a-zA-Z]{2,4}\r?|[ -~]{0,30}\r?|mailto:[a-z]{1,5}@[a-z]{1,5}\\.com"
    ) {
        if let Some(plain) = AddressRow::plain(7, cell.as_bytes()) {
            let general = AddressRow::new(7, clean(&cell));
            proptest::prop_assert_eq!(plain.value(), general.value());
            proptest::prop_assert_eq!(plain, general);
        }
    }
}

#[test]
fn a_headed_files_rows_carry_their_other_cells() {
    let file = "Name;Group;E-mail;Send at\nAnn Lee; Spring ;ann@b.co;\n;;bob@b.co;\n";
    let rows: Vec<Row> = read_rows(file.as_bytes())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows[0].details,
        Some(Details {
            name: Some("Ann Lee".into()),
            group: Some("Spring".into()),
            ..Details::default()
        })
    );
    assert_eq!(rows[1].details, None, "every other cell empty");
    // A header of other columns alone is a header too, once a column holds addresses.
    let reader = read_rows("First name,Who\nAnn,ann@b.co\n".as_bytes()).unwrap();
    assert!(reader.shape().header);
    assert_eq!(reader.columns().read[1].header.as_deref(), Some("Who"));
}
