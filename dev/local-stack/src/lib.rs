//! The whole system on one machine, for people and for end-to-end tests: the emulators, the
//! resources infra/template.yaml declares, a gateway serving the site and the API, the event
//! bridge that plays Lambda's S3 and stream triggers, and demo data. The functions' code runs
//! unchanged, in this process.
//!
//! `Stack::start` is what `local-stack` (the binary) and tests/tests/local_stack.rs call.

pub mod bridge;
pub mod gateway;
pub mod provision;
pub mod seed;
pub mod sign_in;
pub mod template;

use crate::bridge::Bridge;
use crate::gateway::{Functions, Gateway};
use crate::provision::{BoxError, Names, Resources};
use crate::sign_in::{LocalUser, Signer};
use crate::template::Template;
use invitations_core::adapters::{CognitoAccounts, DynamoStore, S3Blobs, SesMailer};
use invitations_core::domain::LinkKey;
use invitations_core::ports::{self, Store};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use testkit::{sdk_config, Emulators};
use tokio::task::JoinHandle;

/// Who the demo mail comes from.
pub const MAIL_FROM: &str = "Learning Contracts <invitations@learning.example>";

pub struct Options {
    /// The gateway's port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub emulators: Emulators,
    pub names: Names,
    /// The built site (index.html and the wasm); served when it exists.
    pub site_dir: PathBuf,
    pub seed: bool,
    /// Mails per second the mailer may send (production reads MAIL_SEND_RATE).
    pub send_rate: f64,
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
        }
    }
}

pub struct Stack {
    /// The gateway: the site at `/`, the API at `/api`.
    pub url: String,
    pub emulators: Emulators,
    pub resources: Resources,
    pub people: Vec<LocalUser>,
    pub store: DynamoStore,
    tasks: Vec<JoinHandle<()>>,
}

impl Stack {
    pub async fn start(options: Options) -> Result<Self, BoxError> {
        let sdk = sdk_config(&options.emulators.aws);
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        let sqs = aws_sdk_sqs::Client::new(&sdk);
        let sesv2 = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&sdk)
                .endpoint_url(&options.emulators.ses)
                .build(),
        );

        // Bound first: the site's address goes into the mailed links and the bucket's CORS.
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], options.port))).await?;
        let url = format!("http://{}", listener.local_addr()?);

        let resources = provision::create(&dynamodb, &s3, &sqs, &options.names, &url).await?;
        let store = DynamoStore::new(dynamodb.clone(), &resources.names.table);
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
        let pool =
            testkit::create_user_pool(&cognito, &format!("{}-people", resources.names.table))
                .await?;
        let accounts: Arc<dyn ports::Accounts> =
            Arc::new(CognitoAccounts::new(cognito.clone(), &pool.id));
        let blobs = Arc::new(S3Blobs::new(s3.clone(), &resources.names.bucket));
        // Secrets are made fresh for every run and never written down.
        let link_key = LinkKey::from_bytes(random_bytes(32))?;
        let clock = ports::system_clock();

        let functions = Functions {
            admin: admin_api::App {
                store: shared.clone(),
                blobs: Some(blobs.clone()),
                accounts: Some(accounts.clone()),
                clock: clock.clone(),
            },
            enrol: enrol_api::App {
                store: shared.clone(),
                accounts: accounts.clone(),
                link_key: link_key.clone(),
                clock: clock.clone(),
            },
        };
        let mailer = mailer::App::new(
            Arc::new(store.clone()),
            Arc::new(SesMailer::new(sesv2, MAIL_FROM, None)),
            link_key.clone(),
            url.clone(),
        )
        .with_send_rate(options.send_rate)?;
        let import = import::App {
            store: shared.clone(),
            blobs,
            clock: clock.clone(),
            max_file_bytes: import::MAX_FILE_BYTES,
        };

        let bridge = Arc::new(Bridge {
            sqs,
            dynamodb: dynamodb.clone(),
            streams: aws_sdk_dynamodbstreams::Client::new(&sdk),
            table: resources.names.table.clone(),
            import_queue_url: resources.import_queue_url.clone(),
            failure_queue_url: resources.failure_queue_url.clone(),
            import: Arc::new(import),
            mailer: Arc::new(mailer),
        });
        // Before seeding, so the seeded invitations are mailed like any others.
        let mut tasks = bridge.start().await?;

        let routes = Template::load().api_routes();
        let people = if options.seed {
            let past_clock = {
                let clock = clock.clone();
                Arc::new(move || clock() - chrono::Duration::days(30)) as ports::Clock
            };
            let past = Functions {
                admin: admin_api::App {
                    clock: past_clock.clone(),
                    ..functions.admin.clone()
                },
                enrol: enrol_api::App {
                    clock: past_clock,
                    ..functions.enrol.clone()
                },
            };
            seed::Seeder {
                store: shared.clone(),
                routes: &routes,
                now: &functions,
                past: &past,
                link_key: &link_key,
            }
            .run(clock())
            .await?
        } else {
            seed::people()
        };

        let gateway = Arc::new(Gateway {
            routes,
            functions,
            signer: Signer::random(),
            people: people.clone(),
            site_dir: options.site_dir,
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
            people,
            store,
            tasks,
        })
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

fn random_bytes(n: usize) -> Vec<u8> {
    use rand::RngCore;
    let mut bytes = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}
