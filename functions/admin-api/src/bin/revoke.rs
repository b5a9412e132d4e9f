//! The `revoke` function: POST /contracts/{id}/invitations/{invitationId}/revoke.

use admin_api::{functions::revoke, App};
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
    origin::serve(&sdk, |req| revoke::handle(&app, req)).await
}
