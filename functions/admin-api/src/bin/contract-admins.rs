//! The `contract-admins` function: POST /contracts/{id}/admins and POST /contracts/{id}/admins/{userId}/remove.

use admin_api::{functions::contract_admins, App};
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
    origin::serve(&sdk, |req| contract_admins::handle(&app, req)).await
}
