//! Lambda entry point: builds the table client once per cold start, then promotes from the
//! waiting lists of the contracts each stream batch names.

use invitations_core::adapters::DynamoStore;
use invitations_core::{config, ports};
use lambda_runtime::{service_fn, Error};
use std::sync::Arc;
use waiting_list::{handle, App};

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
    lambda_runtime::run(service_fn(|event: lambda_runtime::LambdaEvent<_>| {
        handle(&app, event.payload)
    }))
    .await
}
