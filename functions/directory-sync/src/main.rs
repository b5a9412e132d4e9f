//! Lambda entry point: builds the clients once per cold start, then syncs on every scheduled event.

use directory_sync::{handle, App};
use invitations_core::adapters::{CognitoAccounts, DynamoStore};
use invitations_core::config;
use lambda_runtime::{service_fn, Error};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    invitations_core::telemetry::init();
    let sdk = config::aws().await;
    let app = App {
        accounts: Arc::new(CognitoAccounts::new(
            config::cognito(&sdk),
            config::required("USER_POOL_ID")?,
        )),
        store: Arc::new(DynamoStore::new(
            config::dynamodb(&sdk),
            config::required("TABLE_NAME")?,
        )),
    };
    lambda_runtime::run(service_fn(|event| handle(&app, event))).await
}
