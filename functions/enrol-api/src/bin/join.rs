//! The `join` function: GET /join (what a join link is for), POST /join (a proof mail to the
//! joiner's address) and POST /join/confirm (the place that proof makes).

use enrol_api::join::{handle, App};
use invitations_core::adapters::DynamoStore;
use invitations_core::{config, origin, ports, telemetry};
use lambda_http::Error;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App {
        store: Arc::new(
            DynamoStore::new(config::dynamodb(&sdk), config::required("TABLE_NAME")?)
                .with_audit_retention(config::audit_retention()?),
        ),
        // Only the secret's name now; the key is read by the first code to check (issue 33).
        link_key: config::link_key(&sdk)?,
        clock: ports::system_clock(),
    };
    origin::serve(&sdk, |req| handle(&app, req)).await
}
