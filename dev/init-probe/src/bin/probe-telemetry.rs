//! Bare loop + the functions' log set-up (JSON, env filter).
#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    invitations_core::telemetry::init();
    init_probe::serve().await
}
