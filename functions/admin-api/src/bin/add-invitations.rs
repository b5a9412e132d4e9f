//! The `add-invitations` function: POST /contracts/{id}/invitations and POST /contracts/{id}/imports (a presigned upload
//! into the imports bucket).

use admin_api::{functions::add_invitations, App};
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
    )
    .with_imports_bucket(&sdk, config::required("IMPORTS_BUCKET")?);
    origin::serve(&sdk, |req| add_invitations::handle(&app, req)).await
}
