//! The parse + validate + dedupe stage of an import, next to a plain `csv` crate read of the same
//! bytes, in the same run. A benchmark command, not a test:
//!
//! ```text
//! cargo run --release -p import --example parse_bench -- [ROWS]     # ROWS defaults to 100000
//! ```
//!
//! The file is generated in memory: a header, CRLF line ends, ROWS addresses of which ~2% are
//! invalid and ~2% repeat an earlier address in another case. The stages take turns for 15 runs
//! (so that other work on the machine falls on all of them alike); each keeps its best run.
//!
//! The stage is the import's own code, as `run_import` calls it, without the S3 stream and the
//! channel that takes each round from the reading thread: `read_rows`, `next_round` (rounds of
//! `ROWS_PER_ROUND` rows; `next_row` parses each address), and `check_round` (which dedupes a
//! round; a duplicate in a later round is found by the table's conditional write, counted in
//! the end-to-end benchmark).

use import::person::Person;
use import::round::{check_round, next_round, Checked, ROWS_PER_ROUND};
use import::rows::{read_rows, AddressRow, Details};
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

/// The file, how many of its rows are invalid, and how many are duplicates of a row in the same
/// round (the others are duplicates of a row in the round before).
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
                if (i - 37) / ROWS_PER_ROUND == i / ROWS_PER_ROUND {
                    duplicates += 1;
                }
                address(i - 37).to_uppercase()
            }
            _ => address(i),
        };
        file.push_str(&line);
        file.push_str("\r\n");
    }
    (file.into_bytes(), invalid, duplicates)
}

/// The best time of one stage over the runs, and the result every run must repeat.
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
/// reads it (`next_round`, whose `next_row` parses each address), each round checked by
/// `check_round`.
/// Gives (invitees, invalid, duplicates).
fn parse_validate_dedupe(file: &[u8]) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    let mut rows = read_rows(file).expect("the generated file is accepted");
    while let Some(round) = next_round(&mut rows) {
        count(
            &mut counts,
            &check_round(&round.expect("the generated file reads"), no_details),
        );
    }
    counts
}

fn count(counts: &mut (usize, usize, usize), checked: &[Checked<'_>]) {
    for row in checked {
        match row {
            Checked::Invitee(..) => counts.0 += 1,
            Checked::Invalid(_) | Checked::InvalidValue(_) => counts.1 += 1,
            Checked::Duplicate { .. } => counts.2 += 1,
        }
    }
}

/// The person of a row with other cells (the generated file has none: never called).
fn no_details(_: &Details) -> Result<Person, String> {
    Ok(Person::default())
}

/// (c) `EmailAddress::parse` alone, on the same values already split out of the file.
fn parse_alone(values: &[String]) -> usize {
    values
        .iter()
        .filter(|value| EmailAddress::parse(value).is_ok())
        .count()
}

/// (d) `check_round` alone, on the file's rows already read.
fn check_alone(rounds: &[Vec<AddressRow>]) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for round in rounds {
        count(&mut counts, &check_round(round, no_details));
    }
    counts
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
        "parse_bench: {rows} rows ({invalid} invalid, {duplicates} duplicates in another case in \
         the same round), {:.1} MB, header, CRLF; best of {RUNS} interleaved runs",
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
    let mut reader = read_rows(&file[..]).expect("the generated file is accepted");
    let rounds: Vec<Vec<AddressRow>> = std::iter::from_fn(|| next_round(&mut reader))
        .map(|round| round.expect("the generated file reads"))
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
        d.time(|| check_alone(&rounds));
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
    let (d, checked) = d.get();
    assert_eq!(checked, counts);

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
    show("(b)  read_rows + next_round (parses) + check_round", b);
    println!("  where the time of (b) goes:");
    show("  (c)  EmailAddress::parse alone, on the same values", c);
    show("  (d)  check_round alone, on rows already read", d);
    println!(
        "       reading (b - c - d: decoding, line ends, csv, cells, rows) {:>7.2} ms",
        b.saturating_sub(c + d).as_secs_f64() * 1e3
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
