//! The heat benchmark of issue 33 (a command, not a test):
//!
//!     heat-bench [--rows N] [--mails N] [--enrolments N] [--chunk-rows N]
//!
//! On moto (DynamoDB, its stream, S3) and aws-ses-v2-local, started on free loopback ports by
//! testkit unless MOTO_ENDPOINT / SES_ENDPOINT name running ones, it runs the product's code:
//! the import of an N-row CSV (default 100,000; fanned out as in production, a file over 1 MiB
//! in chunks of 20,000 rows, or any file in chunks of `--chunk-rows`), the mails of the first N invitations (default
//! all of them) through the mailer's handler, and N enrolments in the same contract (default
//! 10,000). It counts every DynamoDB write by partition and by item, for the table and each
//! index, in write units, and prints the hottest keys with what they take per second at the
//! target rates, the critical path's depth, and the time for 1,000,000 rows (BENCHMARKS.md,
//! "Heat: writes per key").

mod account;
mod heat;
mod model;
mod probe;
mod report;
mod steps;
mod stream;

use account::{Account, Step};
use invitations_core::domain::{InvitationId, LinkToken};
use model::Rate;
use report::thousands;
use std::time::Instant;
use stream::{new_text, Cursor};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The rates the mail and enrolment steps are judged at.
const MAILS_PER_SECOND: f64 = 1_000.0;
const ENROLMENT_BURST: f64 = 10_000.0;
const ENROLMENT_BURST_SECONDS: f64 = 10.0;

struct Args {
    rows: u64,
    split: steps::Split,
    mails: Option<u64>,
    enrolments: u64,
}

fn args() -> Result<Args, Error> {
    let mut args = Args {
        rows: 100_000,
        split: steps::Split {
            rows_per_chunk: import::plan::ROWS_PER_CHUNK as u64,
            any_size: false,
        },
        mails: None,
        enrolments: 10_000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value: u64 = it.next().ok_or("a flag without its number")?.parse()?;
        match flag.as_str() {
            "--rows" => args.rows = value,
            "--mails" => args.mails = Some(value),
            "--enrolments" => args.enrolments = value,
            "--chunk-rows" => {
                args.split = steps::Split {
                    rows_per_chunk: value.max(1),
                    any_size: true,
                }
            }
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(args)
}

/// "100,000" or "10,000 (scale 1/10 of 100,000: counts x 10)".
fn scaled(ran: u64, asked: u64) -> String {
    if ran >= asked {
        thousands(ran)
    } else {
        let factor = asked as f64 / ran.max(1) as f64;
        format!(
            "{} (SCALED DOWN: {} asked, counts x {factor:.1} in the rates)",
            thousands(ran),
            thousands(asked)
        )
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = args()?;
    let started = Instant::now();
    let world = steps::World::new().await?;
    let mut cursor = Cursor::open(&world.env.sdk, &world.env.table).await?;
    Account::default().read_stream(&mut cursor, |_| {}).await?;
    world.probe.drain();
    println!(
        "heat benchmark on moto at {} (rows {}, mails {}, enrolments {})",
        world.env.emulators.aws,
        thousands(args.rows),
        args.mails.map_or("all".into(), thousands),
        thousands(args.enrolments)
    );
    let (import, tokens, import_records) = import(&world, &mut cursor, &args).await?;
    report::step(&import);
    // The time for 1,000,000 rows needs the import only: said at once, before the long steps.
    report::estimate(&import, args.rows, args.split.rows_per_chunk);
    let asked = args.mails.unwrap_or(args.rows);
    let mail = mails(&world, &mut cursor, asked, import_records).await?;
    report::step(&mail);
    let mailed = mail.rate.measured as usize;
    let enrol = enrolments(&world, &mut cursor, &tokens[..tokens.len().min(mailed)]).await?;
    report::step(&enrol);
    let all = [import, mail, enrol];
    report::overall(&all);
    println!("\nwhole run: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Step 1, counted; with the links of the first invitations (for the enrolments) and how
/// many stream records the step wrote (what the mailer's trigger would deliver).
async fn import(
    world: &steps::World,
    cursor: &mut Cursor,
    args: &Args,
) -> Result<(Step, Vec<LinkToken>, u64), Error> {
    let clock = Instant::now();
    let stages = steps::import(world, args.rows, args.split).await?;
    let mut account = Account::default();
    let (mut tokens, want) = (Vec::new(), args.enrolments as usize);
    account
        .read_stream(cursor, |r| {
            if tokens.len() < want && new_text(r, "status") == Some("pending") {
                tokens.extend(token(r));
            }
        })
        .await?;
    let about = About {
        name: "import",
        ran: format!("{} rows, one contract", thousands(args.rows)),
        target: "1,000,000 rows in 15 minutes (1,111 rows/s)",
        rate: Rate::import(args.rows),
    };
    let step = finish(world, account, stages, clock, about);
    Ok((step, tokens, cursor.read))
}

/// Step 2, counted: the first `asked` invitations mailed.
async fn mails(
    world: &steps::World,
    cursor: &mut Cursor,
    asked: u64,
    import_records: u64,
) -> Result<Step, Error> {
    let clock = Instant::now();
    let (mailed, stage) = steps::mail(world, asked, import_records).await?;
    let mut account = Account::default();
    account.read_stream(cursor, |_| {}).await?;
    let about = About {
        name: "mails",
        ran: format!("{} mails sent through the mailer", scaled(mailed, asked)),
        target: "1,000 mails/s (SES account rate)",
        rate: Rate::per_second(mailed, MAILS_PER_SECOND),
    };
    Ok(finish(world, account, vec![stage], clock, about))
}

/// Step 3, counted: an enrolment through each link.
async fn enrolments(
    world: &steps::World,
    cursor: &mut Cursor,
    tokens: &[LinkToken],
) -> Result<Step, Error> {
    let clock = Instant::now();
    let stage = steps::enrol(world, tokens).await?;
    let mut account = Account::default();
    account.read_stream(cursor, |_| {}).await?;
    let enrolled = tokens.len() as u64;
    let about = About {
        name: "enrolments",
        ran: format!(
            "{} enrolments in the contract",
            scaled(enrolled, ENROLMENT_BURST as u64)
        ),
        target: "a burst of 10,000 enrolments in 10 s (1,000/s)",
        rate: Rate {
            measured: enrolled as f64,
            target: ENROLMENT_BURST,
            seconds: ENROLMENT_BURST_SECONDS,
        },
    };
    Ok(finish(world, account, vec![stage], clock, about))
}

/// The link of a new invitation in the stream (its id and token version).
fn token(record: &aws_sdk_dynamodbstreams::types::Record) -> Option<LinkToken> {
    Some(LinkToken {
        invitation_id: InvitationId::parse(new_text(record, "invitation_id")?).ok()?,
        version: new_text(record, "token_version")?.parse().ok()?,
    })
}

/// What a step is, for its figures.
struct About {
    name: &'static str,
    /// What ran, in words.
    ran: String,
    /// The rate it is judged at, in words.
    target: &'static str,
    rate: Rate,
}

/// The step's figures: the table's writes from the probe's log on top of the stream's.
fn finish(
    world: &steps::World,
    mut account: Account,
    stages: Vec<model::Stage>,
    clock: Instant,
    about: About,
) -> Step {
    let log = world.probe.drain();
    account.table_writes(&log);
    Step {
        name: about.name.into(),
        target: about.target.into(),
        rate: about.rate,
        ran: about.ran,
        heat: account.heat,
        requests: log.requests,
        stages,
        seconds: clock.elapsed().as_secs_f64(),
    }
}
