//! The whole system on one machine, for people and for end-to-end tests: the emulators, the
//! resources infra/template.yaml declares, a gateway serving the site and the API, the event
//! bridge that plays Lambda's S3 and stream triggers, the directory sync's, send sweeper's and
//! reminder run's schedules, DynamoDB's TTL and S3's lifecycle (`expiry`), and demo
//! data. The functions' code runs unchanged, in this process. Identity is the user pool's: people
//! sign in with the emulator's id tokens and the gateway checks them as API Gateway would.
//!
//! `Stack::start` is what `local-stack` (the binary) and tests/tests/local_stack/ call.

pub mod authorizer;
pub mod bridge;
pub mod events;
pub mod expiry;
pub mod gateway;
pub mod mail_reports;
pub mod provision;
pub mod seed;
pub mod sign_in;
pub mod template;
pub mod webhooks;

use crate::authorizer::JwtAuthorizer;
use crate::bridge::{Bridge, ProductEvents};
use crate::expiry::{Expiry, Retention};
use crate::gateway::{Functions, Gateway};
use crate::provision::{BoxError, Names, Resources, UserPool};
use crate::sign_in::{LocalSignIn, LocalUser};
use crate::template::Template;
use invitations_core::adapters::{CognitoAccounts, DynamoStore, S3Blobs, SesMailer};
use invitations_core::domain::token::LinkKey;
use invitations_core::ports::{self, Store};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use testkit::{sdk_config, Emulators};
use tokio::task::JoinHandle;

/// How often the directory sync runs (the template's schedule is every 5 minutes; sooner here,
/// so that someone added to the pool by hand can be picked within seconds).
pub const SYNC_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// How often the send sweeper runs (every 5 minutes in the template).
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How often the reminder run goes (every 5 minutes in the template; sooner here, so the
/// demo's due reminders go out within seconds). `run-reminders` runs it now.
pub const REMIND_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Who the demo mail comes from.
pub const MAIL_FROM: &str = "Learning Contracts <invitations@learning.example>";

pub struct Options {
    /// The gateway's port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub emulators: Emulators,
    pub names: Names,
    /// The built site (index.html and the wasm); served when it exists.
    pub site_dir: PathBuf,
    /// The demo data; without it the pool holds only the sign-in people.
    pub seed: bool,
    /// Mails per second the mailer may send (production reads MAIL_SEND_RATE).
    pub send_rate: f64,
    /// Plays the triggers after seeding: the stream into the mailer, S3 drops into the import,
    /// SES's reports, the schedules. Off, the functions run under `cargo lambda watch` are the
    /// only ones acting on the table after the seed (README, "Functions one by one").
    pub triggers: bool,
    /// One period for everything that expires (audit and history, import files, reports), to
    /// watch retention work (`--retention-minutes`); `None`, the template's defaults.
    pub retention: Option<chrono::Duration>,
    /// Files over this many bytes are read in chunks of `chunk_rows` rows through the stack's
    /// chunk queue (issue 33); the template's figures by default, smaller in tests.
    pub split_above_bytes: u64,
    pub chunk_rows: usize,
}

impl Options {
    pub fn new(emulators: Emulators, prefix: &str) -> Self {
        Self {
            port: 0,
            emulators,
            names: Names::with_prefix(prefix),
            site_dir: testkit::repo_root().join("site/dist"),
            seed: true,
            send_rate: 50.0,
            triggers: true,
            retention: None,
            split_above_bytes: import::FanOut::SPLIT_ABOVE_BYTES,
            chunk_rows: import::plan::ROWS_PER_CHUNK,
        }
    }
}

/// The link key: made fresh for every run, kept only in the emulator's Secrets Manager (as the
/// template keeps it), and read back the way the functions read it at a cold start. `cargo
/// lambda watch` with infra/local.env reads the same secret.
async fn fresh_link_key(
    secrets: &aws_sdk_secretsmanager::Client,
    name: &str,
) -> Result<LinkKey, BoxError> {
    let secret = provision::link_key_secret(secrets, name, &random_bytes(48)).await?;
    Ok(
        invitations_core::adapters::secrets::link_key(secrets, &secret)
            .await
            .map_err(|e| format!("the link key secret: {e}"))?,
    )
}

/// Webhooks, locally: the sealing key from its secret (as the functions read it), the
/// receiver, the admin routes' part and the `webhooks` function, both allowed to send over
/// http to loopback (the receiver), which AWS never allows.
struct LocalWebhooks {
    admin: admin_api::Webhooks,
    delivery: Arc<::webhooks::run::App>,
    receiver: crate::webhooks::Receiver,
}

/// The emulators' clients: moto's (S3 with path-style addresses), and the SES emulator's.
fn clients(
    emulators: &Emulators,
) -> (
    aws_config::SdkConfig,
    aws_sdk_dynamodb::Client,
    aws_sdk_s3::Client,
    aws_sdk_sqs::Client,
    aws_sdk_sesv2::Client,
) {
    let sdk = sdk_config(&emulators.aws);
    let s3 = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(true)
        .build();
    let ses = aws_sdk_sesv2::config::Builder::from(&sdk)
        .endpoint_url(&emulators.ses)
        .build();
    (
        sdk.clone(),
        aws_sdk_dynamodb::Client::new(&sdk),
        aws_sdk_s3::Client::from_conf(s3),
        aws_sdk_sqs::Client::new(&sdk),
        aws_sdk_sesv2::Client::from_conf(ses),
    )
}

/// The functions behind the local gateway, over the stack's one table.
fn functions(
    store: &DynamoStore,
    blobs: Arc<S3Blobs>,
    accounts: &Arc<dyn ports::Accounts>,
    hooks: &LocalWebhooks,
    link_key: &LinkKey,
    clock: &ports::Clock,
) -> Functions {
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    Functions {
        admin: admin_api::App::on(shared.clone(), clock.clone())
            .with_blobs(blobs)
            .with_accounts(accounts.clone())
            .with_webhooks(hooks.admin.clone())
            .with_join_links(admin_api::JoinLinks {
                store: Arc::new(store.clone()),
                key: link_key.clone().into(),
            }),
        enrol: enrol_api::App {
            store: shared,
            accounts: accounts.clone(),
            link_key: link_key.clone().into(),
            clock: clock.clone(),
        },
        join: enrol_api::join::App {
            store: Arc::new(store.clone()),
            link_key: link_key.clone().into(),
            clock: clock.clone(),
        },
    }
}

/// The local webhook receiver, registered by the system administrator for every contract.
async fn seed_receiver(
    store: &DynamoStore,
    hooks: &LocalWebhooks,
    people: &seed::People,
) -> Result<(), BoxError> {
    if let Some(sam) = people.sign_in.iter().find(|p| p.role == "system-admin") {
        crate::webhooks::seed_endpoint(
            store,
            hooks.delivery.key.get().await?,
            &hooks.receiver,
            &invitations_core::domain::UserId::parse(&sam.user_id)?,
        )
        .await?;
    }
    Ok(())
}

async fn local_webhooks(
    secrets: &aws_sdk_secretsmanager::Client,
    names: &Names,
    store: &DynamoStore,
    clock: &ports::Clock,
) -> Result<LocalWebhooks, BoxError> {
    let material: String = random_bytes(32)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = provision::webhook_sealing_secret(secrets, &names.webhook_sealing_secret, &material)
        .await?;
    let material = invitations_core::adapters::secrets::sealing_material(secrets, &name)
        .await
        .map_err(|e| format!("the webhook sealing key: {e}"))?;
    let policy = ::webhooks::Policy {
        allow_loopback_http: true,
    };
    let admin = admin_api::Webhooks::new(Arc::new(store.clone()), &material, policy);
    Ok(LocalWebhooks {
        admin,
        delivery: Arc::new(::webhooks::run::App {
            store: Arc::new(store.clone()),
            key: ::webhooks::SealingKey::from_material(&material).into(),
            policy,
            clock: clock.clone(),
            sender: ::webhooks::Sender::with_system_roots(),
        }),
        receiver: crate::webhooks::Receiver::start(::webhooks::new_secret()).await?,
    })
}

/// The `webhooks` function's schedule: the tries that are due, every SWEEP_EVERY.
async fn sweep_webhooks(app: Arc<::webhooks::run::App>) {
    loop {
        tokio::time::sleep(crate::webhooks::SWEEP_EVERY).await;
        match ::webhooks::run::sweep(&app).await {
            Ok(ran) if ran != ::webhooks::run::Ran::default() => {
                tracing::info!(?ran, "webhook sweep")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the webhook sweep failed; it runs again shortly"),
        }
    }
}

/// What runs on its own in AWS, run here as tasks: SES's reports, and the template's
/// schedules (send sweeper, reminders, directory sync).
fn schedules(
    options: &Options,
    store: &DynamoStore,
    sync: &directory_sync::App,
    link_key: &LinkKey,
    clock: &ports::Clock,
) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    // SES's mailbox simulator: mail to bounce@/complaint@/success@simulator.amazonses.com
    // comes back as SES's events, into the delivery-events function.
    tasks.push(tokio::spawn(mail_reports::run(
        options.emulators.ses.clone(),
        link_key.clone(),
        Arc::new(delivery_events::App {
            store: Arc::new(store.clone()),
        }),
    )));
    // The send sweeper on its schedule: sends stuck in queued or sending are queued again.
    let sweeper = send_sweeper::App {
        store: Arc::new(store.clone()),
        clock: clock.clone(),
    };
    tasks.push(tokio::spawn(async move {
        loop {
            tokio::time::sleep(SWEEP_EVERY).await;
            if let Err(e) = send_sweeper::run(&sweeper).await {
                tracing::warn!(error = %e, "the send sweep failed; it runs again shortly");
            }
        }
    }));
    // The reminder run on its schedule: a run now (the seed's due reminders), then every
    // REMIND_EVERY; the mailer sends what it queues through the bridge.
    let reminding: Arc<dyn ports::ReminderStore> = Arc::new(store.clone());
    let reminder_clock = clock.clone();
    tasks.push(tokio::spawn(async move {
        loop {
            let now = reminder_clock();
            match reminders::run(reminding.as_ref(), now, reminders::DEFAULT_PER_RUN).await {
                Ok(counts) if counts != reminders::RunCounts::default() => {
                    tracing::info!(?counts, "reminder run")
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the reminder run failed; it runs again shortly")
                }
            }
            tokio::time::sleep(REMIND_EVERY).await;
        }
    }));
    // The template's schedule: a pass now and then every SYNC_EVERY.
    let scheduled = sync.clone();
    tasks.push(tokio::spawn(async move {
        loop {
            if let Err(e) = directory_sync::run(&scheduled).await {
                tracing::warn!(error = %e, "the directory sync failed; it runs again shortly");
            }
            tokio::time::sleep(SYNC_EVERY).await;
        }
    }));
    tasks
}

/// The template's periods, or `period` for every one (`--retention-minutes`).
fn retention(period: Option<chrono::Duration>) -> Retention {
    match period {
        Some(period) => Retention::every(&Template::load(), period),
        None => Retention::template_defaults(&Template::load()),
    }
}

/// The directory sync, on the pool and the table.
fn sync_app(accounts: &Arc<dyn ports::Accounts>, store: &DynamoStore) -> directory_sync::App {
    directory_sync::App {
        accounts: accounts.clone(),
        store: Arc::new(store.clone()),
    }
}

/// The waiting-list function on the stream, with its trigger's filters.
fn waiting_list(
    store: &DynamoStore,
    clock: &ports::Clock,
) -> (Arc<::waiting_list::App>, Vec<serde_json::Value>) {
    let app = ::waiting_list::App {
        store: Arc::new(store.clone()),
        clock: clock.clone(),
    };
    (
        Arc::new(app),
        Template::load().stream_filters("waiting-list"),
    )
}

/// The privacy function on the stream (issue 32), with its trigger's filters.
fn privacy(
    store: &DynamoStore,
    blobs: Arc<S3Blobs>,
    accounts: &Arc<dyn ports::Accounts>,
    clock: &ports::Clock,
) -> (Arc<::privacy::App>, Vec<serde_json::Value>) {
    let app = ::privacy::App {
        store: Arc::new(store.clone()),
        blobs,
        accounts: accounts.clone(),
        clock: clock.clone(),
    };
    (Arc::new(app), Template::load().stream_filters("privacy"))
}

pub struct Stack {
    /// The gateway: the site at `/`, the API at `/api`.
    pub url: String,
    pub emulators: Emulators,
    pub resources: Resources,
    /// The user pool and the site's app client.
    pub pool: UserPool,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    /// The seeded sign-in people (system administrator, contract admins, students), with subs.
    pub people: Vec<LocalUser>,
    /// The seeded directory users' subs, by number (1..=seed::DIRECTORY_SIZE; 1 and 2 only
    /// without the demo data).
    pub directory: std::collections::BTreeMap<usize, String>,
    pub store: DynamoStore,
    /// How long what expires is kept (the expiry task plays DynamoDB's TTL and S3's lifecycle).
    pub retention: Retention,
    /// The product events the bus's rule delivered to the local targets (`/local/events`).
    pub events_received: bridge::Received,
    /// The local webhook receiver, which the seeded endpoint points at.
    pub webhook_receiver: crate::webhooks::Receiver,
    sync: directory_sync::App,
    tasks: Vec<JoinHandle<()>>,
}

impl Stack {
    pub async fn start(options: Options) -> Result<Self, BoxError> {
        let (sdk, dynamodb, s3, sqs, sesv2) = clients(&options.emulators);

        // Bound first: the site's address goes into the mailed links and the bucket's CORS.
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], options.port))).await?;
        let url = format!("http://{}", listener.local_addr()?);

        let bus = aws_sdk_eventbridge::Client::new(&sdk);
        let resources = provision::create(&dynamodb, &s3, &sqs, &bus, &options.names, &url).await?;
        let retention = retention(options.retention);
        let store = DynamoStore::new(dynamodb.clone(), &resources.names.table)
            .with_audit_retention(retention.audit);
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
        let pool = provision::user_pool(&cognito, &options.names.user_pool).await?;
        let accounts: Arc<dyn ports::Accounts> =
            Arc::new(CognitoAccounts::new(cognito.clone(), &pool.id));
        let authorizer =
            JwtAuthorizer::fetch(&options.emulators.aws, &pool.id, &pool.client_id).await?;
        let sign_in = LocalSignIn::new(cognito.clone(), pool.clone(), shared.clone());
        let sync = sync_app(&accounts, &store);
        let blobs = Arc::new(S3Blobs::new(s3.clone(), &resources.names.bucket));
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
        let link_key = fresh_link_key(&secrets, &resources.names.link_key_secret).await?;
        let clock = ports::system_clock();
        let hooks = local_webhooks(&secrets, &resources.names, &store, &clock).await?;

        let functions = functions(&store, blobs.clone(), &accounts, &hooks, &link_key, &clock);
        let mailer = mailer::App::new(
            Arc::new(store.clone()),
            Arc::new(SesMailer::new(sesv2, MAIL_FROM, None)),
            link_key.clone(),
            url.clone(),
        )
        .with_send_rate(options.send_rate)?;
        let import = import::App {
            store: shared.clone(),
            blobs: blobs.clone(),
            clock: clock.clone(),
            max_file_bytes: import::MAX_FILE_BYTES,
            // Large files in chunks through the stack's chunk queue, as in AWS.
            fan_out: Some(import::FanOut {
                queue: Arc::new(import::queue::SqsChunkQueue::new(
                    sqs.clone(),
                    resources.chunk_queue_url.clone(),
                )),
                split_above_bytes: options.split_above_bytes,
                rows_per_chunk: options.chunk_rows,
            }),
        };

        let received = bridge::Received::default();
        let bridge = Arc::new(Bridge {
            sqs,
            dynamodb: dynamodb.clone(),
            streams: aws_sdk_dynamodbstreams::Client::new(&sdk),
            table: resources.names.table.clone(),
            import_queue_url: resources.import_queue_url.clone(),
            chunk_queue_url: resources.chunk_queue_url.clone(),
            failure_queue_url: resources.failure_queue_url.clone(),
            import: Arc::new(import),
            mailer: Arc::new(mailer),
            stream_filters: Template::load().stream_filters("mailer"),
            events: Some(ProductEvents {
                app: Arc::new(::events::App {
                    bridge: bus,
                    bus: resources.names.event_bus.clone(),
                }),
                filters: Template::load().stream_filters("events"),
                webhooks: Some(hooks.delivery.clone()),
                queue_url: resources.product_events_queue_url.clone(),
                received: received.clone(),
            }),
            waiting_list: Some(waiting_list(&store, &clock)),
            privacy: Some(privacy(&store, blobs.clone(), &accounts, &clock)),
        });
        // Before seeding, so the seeded invitations are mailed like any others.
        let mut tasks = bridge.start().await?;

        let routes = Template::load().api_routes();
        // People are made in the pool as an administrator would, and reach the directory
        // through the sync, as in AWS.
        let people = seed::create_people(&cognito, &pool.id, options.seed).await?;
        directory_sync::run(&sync).await?;
        // Always, demo data or not: the receiver is part of the local stack.
        seed_receiver(&store, &hooks, &people).await?;
        if options.seed {
            let seeder = seed::Seeder {
                store: shared.clone(),
                routes: &routes,
                now: &functions,
                past: &functions.thirty_days_ago(),
                link_key: &link_key,
                people: &people,
                sign_in: &sign_in,
                authorizer: &authorizer,
                dynamodb: &dynamodb,
                table: &resources.names.table,
            };
            seeder.run(clock()).await?;
        }
        if !options.triggers {
            // The seed's mail goes out through the bridge first (the event files name its
            // message ids); from then on only the functions invoked by hand touch the table.
            wait_for_sends(&dynamodb, &resources.names.table).await?;
            for task in tasks.drain(..) {
                task.abort();
            }
        }
        if options.triggers {
            tasks.extend(schedules(&options, &store, &sync, &link_key, &clock));
            tasks.push(tokio::spawn(sweep_webhooks(hooks.delivery.clone())));
            let expiry = Expiry {
                dynamodb: dynamodb.clone(),
                table: resources.names.table.clone(),
                s3: s3.clone(),
                bucket: resources.names.bucket.clone(),
                objects: retention.objects.clone(),
            };
            tasks.push(tokio::spawn(expiry.run(expiry::EXPIRE_EVERY)));
        }

        let gateway = Arc::new(Gateway {
            events_received: received.clone(),
            routes,
            functions,
            authorizer,
            sign_in,
            featured: people.sign_in.iter().map(|p| p.user_id.clone()).collect(),
            site_dir: options.site_dir,
            site_csp: Template::load().site_content_security_policy(
                "us-east-1",
                &options.emulators.aws,
                &[&options.emulators.aws],
            ),
        });
        let router = gateway.router();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "the gateway stopped");
            }
        }));
        Ok(Self {
            url,
            emulators: options.emulators,
            resources,
            pool,
            cognito,
            people: people.sign_in,
            directory: people.directory,
            store,
            retention,
            events_received: received,
            webhook_receiver: hooks.receiver,
            sync,
            tasks,
        })
    }

    /// One pass of the directory sync now (it also runs every SYNC_EVERY on its own).
    pub async fn sync_directory(
        &self,
    ) -> Result<directory_sync::SyncReport, directory_sync::SyncError> {
        directory_sync::run(&self.sync).await
    }

    /// A seeded sign-in person by role (`system-admin`, `contract-admin`, `student`) and
    /// position among those of that role.
    pub fn person(&self, role: &str, nth: usize) -> &LocalUser {
        self.people
            .iter()
            .filter(|p| p.role == role)
            .nth(nth)
            .unwrap_or_else(|| panic!("no seeded {role} number {nth}"))
    }

    /// One reminder run now (it also runs every REMIND_EVERY on its own).
    pub async fn run_reminders(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<reminders::RunCounts, ports::StoreError> {
        reminders::run(&self.store, now, reminders::DEFAULT_PER_RUN).await
    }

    /// The SES emulator's web inbox.
    pub fn inbox_url(&self) -> String {
        format!("{}/", self.emulators.ses)
    }

    /// Stops the gateway and the bridge (the emulators stop when the process ends).
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Waits until no pending invitation in `table` has a send queued or claimed (at most a
/// minute); the mailer leaves the send of an invitation enrolled or revoked first as it was.
async fn wait_for_sends(dynamodb: &aws_sdk_dynamodb::Client, table: &str) -> Result<(), BoxError> {
    use aws_sdk_dynamodb::types::AttributeValue;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let mut pending = 0;
        let mut next = None;
        loop {
            let page = dynamodb
                .scan()
                .table_name(table)
                .filter_expression("#s = :pending AND #d IN (:queued, :sending)")
                .expression_attribute_names("#s", "status")
                .expression_attribute_names("#d", "delivery")
                .expression_attribute_values(":pending", AttributeValue::S("pending".into()))
                .expression_attribute_values(":queued", AttributeValue::S("queued".into()))
                .expression_attribute_values(":sending", AttributeValue::S("sending".into()))
                .select(aws_sdk_dynamodb::types::Select::Count)
                .set_exclusive_start_key(next)
                .send()
                .await
                .map_err(|e| format!("scanning for sends: {}", e.into_service_error()))?;
            pending += page.count();
            next = page.last_evaluated_key;
            if next.is_none() {
                break;
            }
        }
        if pending == 0 {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("{pending} seeded sends still unsent after a minute").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

fn random_bytes(n: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut bytes = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}
