//! Bare loop + logs + SDK + clients: admin-api's start-up without its handler code.
#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations_core::telemetry::init();
    let sdk = invitations_core::config::aws().await;
    let _ddb = invitations_core::config::dynamodb(&sdk);
    let _s3 = invitations_core::config::s3(&sdk);
    init_probe::serve().await
}
