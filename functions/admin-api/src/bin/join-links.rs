//! The `join-links` function: a contract's join links (GET/POST /contracts/{id}/join-links, and
//! a link's regenerate, disable and enable). It holds the link signing key, which makes each
//! link's code, read when a route first shows one (issue 33).

use admin_api::{functions::join_links, App, JoinLinks};
use invitations_core::adapters::DynamoStore;
use invitations_core::{config, origin, telemetry};
use lambda_http::Error;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let sdk = config::aws().await;
    let table = config::required("TABLE_NAME")?;
    let key = config::link_key(&sdk)?;
    let audit_kept = config::audit_retention()?;
    let store = Arc::new(
        DynamoStore::new(config::dynamodb(&sdk), table.clone()).with_audit_retention(audit_kept),
    );
    let app = App::auditing(&sdk, table, audit_kept).with_join_links(JoinLinks { store, key });
    origin::serve(&sdk, |req| join_links::handle(&app, req)).await
}
