//! The `webhook-endpoints` function: the endpoints that hear the product's events (GET/POST
//! /webhooks, GET/POST /contracts/{id}/webhooks, and an endpoint's rotate, disable, enable,
//! test, messages and replay).

use admin_api::{functions::webhook_endpoints, App, Webhooks};
use invitations_core::adapters::DynamoStore;
use invitations_core::{config, origin, telemetry};
use lambda_http::Error;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let table = config::required("TABLE_NAME")?;
    let material = config::webhook_sealing_material(&sdk).await?;
    let store = Arc::new(DynamoStore::new(config::dynamodb(&sdk), table.clone()));
    let app = App::new(&sdk, table).with_webhooks(Webhooks::new(
        store,
        &material,
        webhooks::Policy::default(),
    ));
    origin::serve(&sdk, |req| webhook_endpoints::handle(&app, req)).await
}
