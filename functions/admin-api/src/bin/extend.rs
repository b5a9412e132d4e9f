//! The `extend` function: POST /contracts/{id}/invitations/{invitationId}/extend and
//! POST /contracts/{id}/invitations/extend (many at once).

use admin_api::{functions::extend, App};
use invitations_core::{config, telemetry};
use lambda_http::{run, service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App::new(&sdk, config::required("TABLE_NAME")?);
    run(service_fn(|req| extend::handle(&app, req))).await
}
