//! Lambda entry point: builds the table, bucket and user pool clients once per cold start,
//! then runs the privacy requests each stream batch announces.

use invitations_core::adapters::{CognitoAccounts, DynamoStore, S3Blobs};
use invitations_core::{config, ports};
use lambda_runtime::{service_fn, Error};
use privacy::{handle, App};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    invitations_core::telemetry::init();
    let sdk = config::aws().await;
    let app = App {
        // It writes each contract's "a person was forgotten" audit entry.
        store: Arc::new(
            DynamoStore::new(config::dynamodb(&sdk), config::required("TABLE_NAME")?)
                .with_audit_retention(config::audit_retention()?),
        ),
        blobs: Arc::new(S3Blobs::new(
            config::s3(&sdk),
            config::required("IMPORTS_BUCKET")?,
        )),
        accounts: Arc::new(CognitoAccounts::new(
            config::cognito(&sdk),
            config::required("USER_POOL_ID")?,
        )),
        clock: ports::system_clock(),
    };
    lambda_runtime::run(service_fn(|event: lambda_runtime::LambdaEvent<_>| {
        handle(&app, event.payload)
    }))
    .await
}
