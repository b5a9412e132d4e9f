//! Lambda entry point: builds the table client once per cold start, then sweeps on every
//! scheduled event.

use invitations_core::adapters::DynamoStore;
use invitations_core::{config, ports};
use lambda_runtime::{service_fn, Error};
use send_sweeper::{handle, App};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    invitations_core::telemetry::init();
    let sdk = config::aws().await;
    let app = App {
        store: Arc::new(
            DynamoStore::new(config::dynamodb(&sdk), config::required("TABLE_NAME")?)
                .with_audit_retention(config::audit_retention()?),
        ),
        clock: ports::system_clock(),
    };
    lambda_runtime::run(service_fn(|event| handle(&app, event))).await
}
