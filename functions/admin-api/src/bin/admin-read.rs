//! The `admin-read` function: every GET route of the admin site (it presigns report downloads).

use admin_api::{functions::admin_read, App};
use invitations_core::{config, origin, telemetry};
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App::new(&sdk, config::required("TABLE_NAME")?)
        .with_imports_bucket(&sdk, config::required("IMPORTS_BUCKET")?);
    origin::serve(&sdk, |req| admin_read::handle(&app, req)).await
}
