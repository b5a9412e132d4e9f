//! The `contract-settings` function: POST /contracts/{id}/mail, POST /contracts/{id}/mail/test and
//! POST /contracts/{id}/reminders.

use admin_api::{functions::contract_settings, App};
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
    origin::serve(&sdk, |req| contract_settings::handle(&app, req)).await
}
