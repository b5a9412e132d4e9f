//! The `admin-read` function: every GET route of the admin site (it presigns report downloads).

use admin_api::{functions::admin_read, App};
use invitations_core::{config, telemetry};
use lambda_http::{run, service_fn, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App::new(&sdk, config::required("TABLE_NAME")?)
        .with_imports_bucket(&sdk, config::required("IMPORTS_BUCKET")?);
    run(service_fn(|req| admin_read::handle(&app, req))).await
}
