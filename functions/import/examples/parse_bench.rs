//! The parse + validate + dedupe stage of an import, next to a plain `csv` crate read of the same
//! bytes, in the same run. A benchmark command, not a test:
//!
//! ```text
//! cargo run --release -p import --example parse_bench -- [ROWS]     # ROWS defaults to 100000
//! ```
//!
//! The file is generated in memory: a header, CRLF line ends, ROWS addresses of which ~2% are
//! invalid and ~2% repeat an earlier address in another case. Each stage runs 5 times; the best
//! run counts.

use import::rows::read_rows;
use invitations_core::domain::EmailAddress;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const RUNS: usize = 5;
const FIRST: [&str; 8] = ["ann", "bob", "carol", "dan", "eve", "fay", "gus", "hal"];
const LAST: [&str; 6] = ["lee", "brown", "king", "smith", "garcia", "ngata"];
const DOMAINS: [&str; 4] = [
    "example.com",
    "example.org",
    "mail.example.net",
    "uni.example.ac.nz",
];

fn address(i: usize) -> String {
    format!(
        "{}.{}{i}@{}",
        FIRST[i % FIRST.len()],
        LAST[(i / FIRST.len()) % LAST.len()],
        DOMAINS[(i / 7) % DOMAINS.len()]
    )
}

/// The file, and how many of its rows are invalid and duplicates.
fn generate(rows: usize) -> (Vec<u8>, usize, usize) {
    let mut file = String::with_capacity(rows * 36);
    file.push_str("Email\r\n");
    let (mut invalid, mut duplicates) = (0, 0);
    for i in 0..rows {
        let line = match i % 50 {
            // Missing @, or a space inside.
            7 => {
                invalid += 1;
                match (i / 50) % 2 {
                    0 => address(i).replace('@', "."),
                    _ => address(i).replace('.', " "),
                }
            }
            // An address 37 rows up (never itself invalid or a duplicate), in another case.
            23 if i >= 50 => {
                duplicates += 1;
                address(i - 37).to_uppercase()
            }
            _ => address(i),
        };
        file.push_str(&line);
        file.push_str("\r\n");
    }
    (file.into_bytes(), invalid, duplicates)
}

fn best_of<T: PartialEq + std::fmt::Debug>(mut run: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = std::hint::black_box(run());
        best = best.min(start.elapsed());
        if let Some(previous) = &result {
            assert_eq!(previous, &out, "every run gives the same result");
        }
        result = Some(out);
    }
    (best, result.expect("at least one run"))
}

/// (a) The plain read: the `csv` crate's `records()`, a `StringRecord` per row.
fn csv_records(file: &[u8]) -> usize {
    let mut count = 0;
    for record in csv::Reader::from_reader(file).records() {
        std::hint::black_box(record.expect("the generated file reads"));
        count += 1;
    }
    count
}

/// (a') The fastest `csv` read: one reused `ByteRecord`, no UTF-8 check.
fn csv_byte_records(file: &[u8]) -> usize {
    let mut reader = csv::Reader::from_reader(file);
    let mut record = csv::ByteRecord::new();
    let mut count = 0;
    while reader
        .read_byte_record(&mut record)
        .expect("the generated file reads")
    {
        count += 1;
    }
    count
}

/// (b) The import's stage: `read_rows` (sniffing, decoding, line numbers) with
/// `EmailAddress::parse` on every row, and a dedupe by identity.
fn parse_validate_dedupe(file: &[u8]) -> (usize, usize, usize) {
    let mut seen: HashSet<EmailAddress> = HashSet::new();
    let (mut invalid, mut duplicates) = (0, 0);
    for row in read_rows(file).expect("the generated file is accepted") {
        match row.expect("the generated file reads").email {
            Ok(email) => {
                if !seen.insert(email) {
                    duplicates += 1;
                }
            }
            Err(_) => invalid += 1,
        }
    }
    (seen.len(), invalid, duplicates)
}

/// (c) `EmailAddress::parse` alone, on the same values already split out of the file.
fn parse_alone(values: &[String]) -> usize {
    values
        .iter()
        .filter(|value| EmailAddress::parse(value).is_ok())
        .count()
}

/// (d) `EmailAddress::parse` and the dedupe, without reading the file.
fn parse_and_dedupe_alone(values: &[String]) -> (usize, usize) {
    let mut seen: HashSet<EmailAddress> = HashSet::new();
    let mut duplicates = 0;
    for value in values {
        if let Ok(email) = EmailAddress::parse(value) {
            if !seen.insert(email) {
                duplicates += 1;
            }
        }
    }
    (seen.len(), duplicates)
}

fn main() {
    let rows: usize = match std::env::args().nth(1) {
        None => 100_000,
        Some(arg) => arg.parse().unwrap_or_else(|_| {
            eprintln!("usage: parse_bench [ROWS]   (ROWS is a number of rows, default 100000)");
            std::process::exit(2)
        }),
    };
    let (file, invalid, duplicates) = generate(rows);
    println!(
        "parse_bench: {rows} rows ({invalid} invalid, {duplicates} duplicates in another case), \
         {:.1} MB, header, CRLF; best of {RUNS} runs",
        file.len() as f64 / 1e6
    );
    if cfg!(debug_assertions) {
        println!("  (a debug build: these figures mean little; run with --release)");
    }

    let (a, read) = best_of(|| csv_records(&file));
    assert_eq!(read, rows, "the csv crate reads every row");
    let (a_fast, read) = best_of(|| csv_byte_records(&file));
    assert_eq!(read, rows);
    let (b, counts) = best_of(|| parse_validate_dedupe(&file));
    assert_eq!(
        counts,
        (rows - invalid - duplicates, invalid, duplicates),
        "the stage finds every invalid row and duplicate"
    );

    let values: Vec<String> = std::str::from_utf8(&file)
        .expect("the generated file is UTF-8")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect();
    let (c, valid) = best_of(|| parse_alone(&values));
    assert_eq!(valid, rows - invalid);
    let (d, _) = best_of(|| parse_and_dedupe_alone(&values));

    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    let show = |name: &str, d: Duration| {
        println!(
            "  {name:<58} {:>9.2} ms {:>12.0} rows/s",
            d.as_secs_f64() * 1e3,
            rate(d)
        )
    };
    show("(a)  csv crate: records(), a StringRecord per row", a);
    show(
        "(a') csv crate: read_byte_record into one ByteRecord",
        a_fast,
    );
    show(
        "(b)  read_rows + EmailAddress::parse + dedupe by identity",
        b,
    );
    println!("  where the time of (b) goes:");
    show("  (c)  EmailAddress::parse alone, on the same values", c);
    show("  (d)  EmailAddress::parse + dedupe alone (no reading)", d);
    println!(
        "       reading (b - d: decoding, line ends, csv, header, cells) {:>9.2} ms",
        b.saturating_sub(d).as_secs_f64() * 1e3
    );
    let ratio = rate(b) / rate(a);
    println!(
        "  b/a  = {ratio:.2}  (the stage's speed as a share of the plain csv read; aim: >= 0.50) {}",
        if ratio >= 0.5 { "ok" } else { "BELOW AIM" }
    );
    println!(
        "  b/a' = {:.2}  (against the fastest csv read, for reference)",
        rate(b) / rate(a_fast)
    );
}
