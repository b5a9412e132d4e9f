use import::queue::SqsChunkQueue;
use import::{handle_event, App, FanOut, MAX_FILE_BYTES};
use invitations_core::adapters::{DynamoStore, S3Blobs};
use invitations_core::{config, ports, telemetry};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    // Without a chunk queue (a run of one function by cargo-lambda), every file is read whole.
    let fan_out = config::optional("CHUNK_QUEUE_URL").map(|url| {
        FanOut::new(Arc::new(SqsChunkQueue::new(
            aws_sdk_sqs::Client::new(&sdk),
            url,
        )))
    });
    let app = App {
        store: Arc::new(
            DynamoStore::new(config::dynamodb(&sdk), config::required("TABLE_NAME")?)
                .with_audit_retention(config::audit_retention()?),
        ),
        blobs: Arc::new(S3Blobs::new(
            config::s3(&sdk),
            config::required("IMPORTS_BUCKET")?,
        )),
        clock: ports::system_clock(),
        max_file_bytes: MAX_FILE_BYTES,
        fan_out,
    };
    run(service_fn(|event: LambdaEvent<serde_json::Value>| {
        let deadline = import::invocation_deadline(event.context.deadline, (app.clock)());
        handle_event(&app, event.payload, deadline)
    }))
    .await
}
