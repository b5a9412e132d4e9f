//! Lambda entry point: builds the EventBridge client once per cold start, then turns each
//! stream batch into product events on the bus.

use events::{handle, App};
use invitations_core::config;
use lambda_runtime::{service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    invitations_core::telemetry::init();
    let sdk = config::aws().await;
    let app = App {
        bridge: aws_sdk_eventbridge::Client::new(&sdk),
        bus: config::required("EVENT_BUS_NAME")?,
    };
    lambda_runtime::run(service_fn(|event: lambda_runtime::LambdaEvent<_>| {
        handle(&app, event.payload)
    }))
    .await
}
