//! The `people` function: POST /users, POST /users/{userId}/system-admin,
//! POST /users/{userId}/system-admin/remove, and the privacy requests (POST and GET
//! /privacy/requests, GET /privacy/requests/{requestId}).

use admin_api::{functions::people, App};
use invitations_core::{config, origin, telemetry};
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let app = App::new(&sdk, config::required("TABLE_NAME")?)
        .with_user_pool(&sdk, config::required("USER_POOL_ID")?)
        // Download links of subject access exports (`privacy/` in the imports bucket).
        .with_imports_bucket(&sdk, config::required("IMPORTS_BUCKET")?);
    origin::serve(&sdk, |req| people::handle(&app, req)).await
}
