//! Lambda entry point: builds the table client once per cold start, then runs the reminders on
//! every scheduled event.

use invitations_core::adapters::DynamoStore;
use invitations_core::config::{self, ConfigError};
use invitations_core::ports;
use lambda_runtime::{service_fn, Error};
use reminders::{handle, App, DEFAULT_PER_RUN};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    invitations_core::telemetry::init();
    let sdk = config::aws().await;
    let per_run = match config::optional("REMINDERS_PER_RUN") {
        None => DEFAULT_PER_RUN,
        Some(text) => text.trim().parse().map_err(|_| ConfigError::Invalid {
            name: "REMINDERS_PER_RUN",
            reason: format!("{text:?} is not a number of reminders"),
        })?,
    };
    let app = App {
        store: Arc::new(
            DynamoStore::new(config::dynamodb(&sdk), config::required("TABLE_NAME")?)
                .with_audit_retention(config::audit_retention()?),
        ),
        clock: ports::system_clock(),
        per_run,
    };
    lambda_runtime::run(service_fn(|event| handle(&app, event))).await
}
