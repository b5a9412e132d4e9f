//! The `enrol` function: GET /invitation (what a link is for) and POST /enrol.

use enrol_api::{handle, App};
use invitations_core::adapters::{CognitoAccounts, DynamoStore};
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
        accounts: Arc::new(CognitoAccounts::new(
            config::cognito(&sdk),
            config::required("USER_POOL_ID")?,
        )),
        // Only the secret's name now; the key is read by the first link to check (issue 33).
        link_key: config::link_key(&sdk)?,
        clock: ports::system_clock(),
    };
    origin::serve(&sdk, |req| handle(&app, req)).await
}
