//! The `webhook-endpoints` function: the endpoints that hear the product's events (GET/POST
//! /webhooks, GET/POST /contracts/{id}/webhooks, and an endpoint's rotate, disable, enable,
//! test, messages and replay).

use admin_api::{functions::webhook_endpoints, App, Webhooks};
use invitations_core::adapters::DynamoStore;
use invitations_core::{config, origin, telemetry};
use lambda_http::Error;
use std::sync::Arc;
use webhooks::{Policy, SealingKey};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let table = config::required("TABLE_NAME")?;
    // The sealing key is read when a route first seals a secret, not here (issue 33).
    let key = config::webhook_sealing_key(&sdk, SealingKey::from_material)?;
    let store = Arc::new(DynamoStore::new(config::dynamodb(&sdk), table.clone()));
    let app = App::new(&sdk, table).with_webhooks(Webhooks {
        store,
        key,
        policy: Policy::default(),
    });
    origin::serve(&sdk, |req| webhook_endpoints::handle(&app, req)).await
}
