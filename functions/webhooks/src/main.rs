//! Lambda entry point of `webhooks`: builds the table client and the sender once per cold
//! start; the sealing key and the system's roots are read by the first run that has a try to
//! make, not at the start (issue 33). An event from the bus's rule is delivered to the
//! endpoints that hear it, the schedule's tick (every minute) sweeps the tries that are due.

use invitations_core::adapters::DynamoStore;
use invitations_core::{config, ports, telemetry};
use invitations_wire::events::ProductEvent;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;
use std::sync::Arc;
use webhooks::run::{on_event, sweep, App};
use webhooks::{Policy, SealingKey, Sender};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App {
        store: Arc::new(DynamoStore::new(
            config::dynamodb(&sdk),
            config::required("TABLE_NAME")?,
        )),
        key: config::webhook_sealing_key(&sdk, SealingKey::from_material)?,
        policy: Policy::default(),
        clock: ports::system_clock(),
        // The system's roots are loaded by the first delivery attempt (issue 33).
        sender: Sender::with_system_roots(),
    };
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        handle(&app, event.payload)
    }))
    .await
}

/// EventBridge hands over either a product event (its `detail`) or the schedule's tick.
async fn handle(app: &App, event: Value) -> Result<Value, Error> {
    let ran = match event["source"].as_str() {
        Some("aws.events") => sweep(app).await?,
        _ => {
            let product: ProductEvent = serde_json::from_value(event["detail"].clone())?;
            on_event(app, &product).await?
        }
    };
    tracing::info!(?ran, "webhook deliveries");
    Ok(
        serde_json::json!({ "kept": ran.kept, "delivered": ran.delivered, "retrying": ran.retrying, "failed": ran.failed }),
    )
}
