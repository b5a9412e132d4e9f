//! The smallest Lambda an HTTP function of this workspace could be: lambda_http + tokio, built
//! with the workspace's release profile. scripts/bench-functions.sh puts it first, so the
//! functions' sizes and cold starts read as ratios of it.

use lambda_http::{run, service_fn, Body, Error, Request, Response};

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(|_req: Request| async {
        Ok::<_, Error>(Response::builder().status(200).body(Body::from("ok"))?)
    }))
    .await
}
