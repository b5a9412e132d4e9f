//! Bare loop + the functions' SDK set-up (`config::aws()`) and two clients, as admin-api builds them.
#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let sdk = invitations_core::config::aws().await;
    let _ddb = invitations_core::config::dynamodb(&sdk);
    let _s3 = invitations_core::config::s3(&sdk);
    init_probe::serve().await
}
