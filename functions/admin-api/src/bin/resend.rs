//! The `resend` function: POST /contracts/{id}/invitations/{invitationId}/resend.

use admin_api::{functions::resend, App};
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
    origin::serve(&sdk, |req| resend::handle(&app, req)).await
}
