//! The parse + validate + dedupe stage of an import, next to a plain `csv` crate read of the same
//! bytes, in the same run. A benchmark command, not a test:
//!
//! ```text
//! cargo run --release -p import --example parse_bench -- [ROWS]     # ROWS defaults to 100000
//! ```
//!
//! The file is generated in memory: a header, CRLF line ends, ROWS addresses of which ~2% are
//! invalid and ~2% repeat an earlier address in another case. The stages take turns for 15 rounds
//! (so that other work on the machine falls on all of them alike); each keeps its best round.

use import::rows::{read_rows, IdentitySet};
use invitations_core::domain::EmailAddress;
use std::time::{Duration, Instant};

const RUNS: usize = 15;
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

/// The best time of one stage over the rounds, and the result every round must repeat.
struct Best<T> {
    time: Duration,
    result: Option<T>,
}

impl<T: PartialEq + std::fmt::Debug> Best<T> {
    fn new() -> Self {
        Best {
            time: Duration::MAX,
            result: None,
        }
    }

    fn time(&mut self, run: impl FnOnce() -> T) {
        let start = Instant::now();
        let out = std::hint::black_box(run());
        self.time = self.time.min(start.elapsed());
        if let Some(previous) = &self.result {
            assert_eq!(previous, &out, "every run gives the same result");
        }
        self.result = Some(out);
    }

    fn get(self) -> (Duration, T) {
        (self.time, self.result.expect("at least one run"))
    }
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

/// (b) The import's stage: `read_rows` (sniffing, decoding, line numbers) read as the import
/// reads it (`next_row`), with `EmailAddress::parse` on every row, and a dedupe by identity over the whole file (an
/// [`IdentitySet`]: the import itself dedupes each round of 980 rows in memory, with the same
/// hasher, and leaves duplicates across rounds to the table).
fn parse_validate_dedupe(file: &[u8]) -> (usize, usize, usize) {
    let mut seen = IdentitySet::new();
    let (mut invalid, mut duplicates) = (0, 0);
    let mut rows = read_rows(file).expect("the generated file is accepted");
    while let Some(row) = rows.next_row() {
        match row.expect("the generated file reads").email {
            Ok(email) => {
                if !seen.insert(email.identity()) {
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
    let mut seen = IdentitySet::new();
    let mut duplicates = 0;
    for value in values {
        if let Ok(email) = EmailAddress::parse(value) {
            if !seen.insert(email.identity()) {
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
         {:.1} MB, header, CRLF; best of {RUNS} interleaved rounds",
        file.len() as f64 / 1e6
    );
    if cfg!(debug_assertions) {
        println!("  (a debug build: these figures mean little; run with --release)");
    }

    let values: Vec<String> = std::str::from_utf8(&file)
        .expect("the generated file is UTF-8")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect();
    // The stages take turns, round after round, so that other work on the machine falls on all
    // of them alike; each keeps its best round.
    let (mut a, mut a_fast, mut b, mut c, mut d) = (
        Best::new(),
        Best::new(),
        Best::new(),
        Best::new(),
        Best::new(),
    );
    for _ in 0..RUNS {
        a.time(|| csv_records(&file));
        a_fast.time(|| csv_byte_records(&file));
        b.time(|| parse_validate_dedupe(&file));
        c.time(|| parse_alone(&values));
        d.time(|| parse_and_dedupe_alone(&values));
    }
    let (a, read) = a.get();
    assert_eq!(read, rows, "the csv crate reads every row");
    let (a_fast, read) = a_fast.get();
    assert_eq!(read, rows);
    let (b, counts) = b.get();
    assert_eq!(
        counts,
        (rows - invalid - duplicates, invalid, duplicates),
        "the stage finds every invalid row and duplicate"
    );
    let (c, valid) = c.get();
    assert_eq!(valid, rows - invalid);
    let (d, _) = d.get();

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
