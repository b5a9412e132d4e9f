//! The `extend` function: POST /contracts/{id}/invitations/{invitationId}/extend and
//! POST /contracts/{id}/invitations/extend (many at once).

use admin_api::{functions::extend, App};
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
    origin::serve(&sdk, |req| extend::handle(&app, req)).await
}
