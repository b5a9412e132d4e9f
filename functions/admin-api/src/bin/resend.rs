//! The `resend` function: POST /contracts/{id}/invitations/{invitationId}/resend.

use admin_api::{functions::resend, App};
use invitations_core::{config, telemetry};
use lambda_http::{run, service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App::new(&sdk, config::required("TABLE_NAME")?);
    run(service_fn(|req| resend::handle(&app, req))).await
}
