//! The three steps, each through the product's own code: the import function's handler on an
//! S3 event, the mailer's handler on the stream's records, and the enrol function's store
//! calls. Clients carry the probe; the stream is read after each step.

use crate::model::Stage;
use crate::probe::Probe;
use crate::stream::{new_text, Cursor};
use ::import::fan_out::ChunkMessage;
use ::import::queue::ChunkQueue;
use ::import::FanOut;
use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::s3::S3Event;
use aws_sdk_dynamodbstreams::types::Record;
use chrono::Utc;
use invitations_core::adapters::{DynamoStore, S3Blobs, SesMailer};
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::{Arc, Mutex};
use testkit::TestEnv;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The contract every row is invited to (`CONTRACT#heat`, its invitations in `CONTRACT#heat#<k>`).
pub const CONTRACT: &str = "heat";
/// The mailer's trigger hands it this many records at a time (infra/template.yaml).
pub const MAIL_BATCH: usize = 25;

/// The emulators' world with clients that carry the probe.
pub struct World {
    pub env: TestEnv,
    pub probe: Probe,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub ses: aws_sdk_sesv2::Client,
}

impl World {
    /// A fresh table (indexes, stream), bucket and contract on the emulators (testkit's).
    pub async fn new() -> Result<Self, Error> {
        let env = TestEnv::new().await;
        let probe = Probe::default();
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&env.sdk)
                .interceptor(probe.for_service("DynamoDB"))
                .build(),
        );
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&env.sdk)
                .force_path_style(true)
                .interceptor(probe.for_service("S3"))
                .build(),
        );
        let ses = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&env.sdk)
                .endpoint_url(&env.emulators.ses)
                .interceptor(probe.for_service("SES"))
                .build(),
        );
        let now = Utc::now();
        let contract = testkit::contract(CONTRACT)
            .name("Heat benchmark")
            .kind(ContractKind::Subscription)
            .named_activities(&[("a1", "Course")])
            .admins(&[])
            .around(now)
            .started_days_ago(1)
            .ends_in_days(30)
            .build();
        env.store.put_contract(&contract).await?;
        Ok(Self {
            env,
            probe,
            dynamodb,
            s3,
            ses,
        })
    }

    /// The product's store on this world's table, through the probed client.
    pub fn store(&self) -> DynamoStore {
        DynamoStore::new(self.dynamodb.clone(), &self.env.table)
    }
}

/// `rows` distinct addresses with names, as an admin's file would have them.
pub fn csv(rows: u64) -> Vec<u8> {
    let mut csv = String::with_capacity(rows as usize * 40);
    csv.push_str("Email,Name\r\n");
    for i in 0..rows {
        csv.push_str(&format!("person{i:07}@heat.example.com,Person {i}\r\n"));
    }
    csv.into_bytes()
}

/// The chunk queue of the run: keeps the planner's messages for the bench to run.
#[derive(Default)]
struct KeptQueue(Mutex<Vec<String>>);

#[async_trait::async_trait]
impl ChunkQueue for KeptQueue {
    async fn send(&self, bodies: Vec<String>) -> Result<(), String> {
        self.0.lock().expect("not poisoned").extend(bodies);
        Ok(())
    }
}

/// How the import step splits its file: production's (a file over 1 MiB in chunks of 20,000
/// rows), or chunks of `rows_per_chunk` whatever the file's size (a short run's chunks).
#[derive(Debug, Clone, Copy)]
pub struct Split {
    pub rows_per_chunk: u64,
    pub any_size: bool,
}

/// Step 1: the import function on the S3 event of a `rows`-row file, fanned out as in
/// production (issue 33): the S3 event's run plans the chunks (a stage of one branch), then
/// each chunk message's run, as the queue's trigger would start it (`run_chunk`), one after
/// another so that each branch counts only its own requests; the last chunk's run also
/// finishes the import. In production the chunks run side by side (20 at a time).
pub async fn import(world: &World, rows: u64, split: Split) -> Result<Vec<Stage>, Error> {
    let key = format!("imports/{CONTRACT}/heat.csv");
    let body = csv(rows);
    let env = &world.env;
    env.s3
        .put_object()
        .bucket(&env.bucket)
        .key(&key)
        .content_type("text/csv")
        .body(body.into())
        .send()
        .await?;
    let queue = Arc::new(KeptQueue::default());
    let mut fan_out = FanOut::new(queue.clone());
    fan_out.rows_per_chunk = split.rows_per_chunk as usize;
    if split.any_size {
        fan_out.split_above_bytes = 0;
    }
    let app = ::import::App {
        store: Arc::new(world.store()),
        blobs: Arc::new(S3Blobs::new(world.s3.clone(), &env.bucket)),
        clock: system_clock(),
        max_file_bytes: ::import::MAX_FILE_BYTES,
        fan_out: Some(fan_out),
    };
    let notification = serde_json::json!({"Records": [{
        "eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "awsRegion": "us-east-1",
        "s3": {"bucket": {"name": env.bucket}, "object": {"key": key, "sequencer": "01"}}
    }]});
    let event: S3Event =
        serde_json::from_value(testkit::s3_event_as_aws_sends_it(&notification.to_string()))?;
    world.probe.begin_branch();
    ::import::handle(&app, event).await?;
    let planner = world.probe.branch_depth();
    let messages = std::mem::take(&mut *queue.0.lock().expect("not poisoned"));
    let mut chunks = Vec::with_capacity(messages.len());
    for body in &messages {
        let message: ChunkMessage = serde_json::from_str(body)?;
        world.probe.begin_branch();
        ::import::chunks::run_chunk(&app, &message, None).await?;
        chunks.push(world.probe.branch_depth());
    }
    let contract = ContractId::parse(CONTRACT)?;
    let imports = app.store.list_imports(&contract).await?;
    let import = imports.first().ok_or("the import left no record")?;
    if import.status != ImportStatus::Done {
        return Err(format!("the import did not finish: {import:?}").into());
    }
    let mut stages = vec![Stage {
        name: match messages.is_empty() {
            true => "import (one invocation: the file was not split)".into(),
            false => format!("planner (the S3 event's run: {} chunks)", messages.len()),
        },
        branches: vec![planner],
    }];
    if !chunks.is_empty() {
        stages.push(Stage {
            name: "chunks (each chunk message's run; the last also finishes)".into(),
            branches: chunks,
        });
    }
    Ok(stages)
}

/// Step 2: the mailer's handler on the invitations' queued sends, as its trigger delivers
/// them (the filter's records, 25 at a time), for the first `mails`. `until` is how many
/// records of the stream the import step wrote. Returns each invocation's depth.
pub async fn mail(world: &World, mails: u64, until: u64) -> Result<(u64, Stage), Error> {
    let app = mailer::App::new(
        Arc::new(world.store()),
        Arc::new(SesMailer::new(
            world.ses.clone(),
            "invitations@example.com",
            None,
        )),
        world.env.link_key.clone(),
        "https://learn.example.com",
    )
    // SES's account rate is the model's (1,000/s), not the emulator's: no waiting here.
    .with_send_rate(1_000_000.0)?;
    let mut feed = Cursor::open(&world.env.sdk, &world.env.table).await?;
    let (mut queued, mut fed, mut branches) = (Vec::new(), 0u64, Vec::new());
    while fed < mails {
        let read_all = next_queued(&mut feed, until, &mut queued).await?;
        while fed < mails && (queued.len() >= MAIL_BATCH || (read_all && !queued.is_empty())) {
            let take = queued.len().min(MAIL_BATCH).min((mails - fed) as usize);
            let batch: Vec<_> = queued.drain(..take).collect();
            let event: StreamEvent =
                serde_json::from_value(testkit::lambda_stream_event(&feed.arn, &batch))?;
            world.probe.begin_branch();
            let response = app.handle(event).await?;
            if !response.batch_item_failures.is_empty() {
                return Err(format!("the mailer gave back {response:?}").into());
            }
            branches.push(world.probe.branch_depth());
            fed += take as u64;
        }
        if read_all {
            break;
        }
    }
    let stage = Stage {
        name: format!("mailer invocations of {MAIL_BATCH}"),
        branches,
    };
    Ok((fed, stage))
}

/// Reads the next page of the stream's first `until` records into `queued`, keeping what the
/// mailer's trigger passes (an invitation whose new image is a queued send). True when all
/// `until` records have been read.
async fn next_queued(
    feed: &mut Cursor,
    until: u64,
    queued: &mut Vec<Record>,
) -> Result<bool, Error> {
    if feed.read >= until {
        return Ok(true);
    }
    let before = feed.read;
    let mut page = feed.page().await?;
    if page.is_empty() {
        return Ok(true);
    }
    page.truncate((until - before) as usize);
    queued.extend(page.into_iter().filter(|r| {
        new_text(r, "type") == Some("invitation") && new_text(r, "delivery") == Some("queued")
    }));
    Ok(feed.read >= until)
}

/// Step 3: `tokens.len()` people enrol through their links, one after another, as the enrol
/// function does for someone new: the link's invitation, the directory by address, then the
/// enrolment (the sign-in account is Cognito's, not the table's: a new subject stands for it).
pub async fn enrol(world: &World, tokens: &[LinkToken]) -> Result<Stage, Error> {
    let store = world.store();
    let mut branches = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        world.probe.begin_branch();
        let invitation = store
            .find_invitation(&token.invitation_id)
            .await?
            .ok_or("an invitation of the import is not found by its id")?;
        if let Some(user) = store
            .find_user_by_email(invitation.email.identity())
            .await?
        {
            return Err(format!("{} is in the directory already", user.id).into());
        }
        let who = Enrolee::New {
            subject: UserId::random(),
            name: format!("Person {i}"),
        };
        let (enrolled, _) = store
            .enrol(token, who, Utc::now())
            .await
            .map_err(|e| format!("enrolment refused: {e:?}"))?;
        if enrolled.status != InvitationStatus::Enrolled {
            return Err(format!("not enrolled: {enrolled:?}").into());
        }
        branches.push(world.probe.branch_depth());
    }
    Ok(Stage {
        name: "one enrolment (each person's own request)".into(),
        branches,
    })
}
