//! Shared by the probe binaries: the bare lambda_http loop of dev/bare-lambda.

use lambda_http::{run, service_fn, Body, Error, Request, Response};

/// Answers every request with 200, as dev/bare-lambda does.
pub async fn serve() -> Result<(), Error> {
    run(service_fn(|_req: Request| async {
        Ok::<_, Error>(Response::builder().status(200).body(Body::from("ok"))?)
    }))
    .await
}
