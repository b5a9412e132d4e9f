//! The `correct-address` function: POST .../invitations/{invitationId}/correct-address and
//! POST .../invitations/{invitationId}/clear-block.

use admin_api::{functions::correct_address, App};
use invitations_core::{config, origin, telemetry};
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App::auditing(
        &sdk,
        config::required("TABLE_NAME")?,
        config::audit_retention()?,
    );
    origin::serve(&sdk, |req| correct_address::handle(&app, req)).await
}
