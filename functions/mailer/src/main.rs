//! Lambda entry point: builds the clients once per cold start, then handles stream batches.

use aws_lambda_events::event::dynamodb::Event;
use invitations_core::adapters::{DynamoStore, SesMailer};
use invitations_core::config::{self, ConfigError};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use mailer::{App, DEFAULT_SEND_RATE};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    invitations_core::telemetry::init();
    let sdk = config::aws().await;
    let store = DynamoStore::new(config::dynamodb(&sdk), config::required("TABLE_NAME")?)
        .with_audit_retention(config::audit_retention()?);
    let mail = SesMailer::new(
        config::sesv2(&sdk),
        config::required("MAIL_FROM")?,
        config::optional("SES_CONFIGURATION_SET"),
    );
    let rate = match config::optional("MAIL_SEND_RATE") {
        None => DEFAULT_SEND_RATE,
        Some(text) => text.trim().parse().map_err(|_| ConfigError::Invalid {
            name: "MAIL_SEND_RATE",
            reason: format!("{text:?} is not a number of mails per second"),
        })?,
    };
    let app = App::new(
        Arc::new(store),
        Arc::new(mail),
        // Only the secret's name; the key is read when a mail first needs a link (issue 33).
        config::link_key(&sdk)?,
        config::required("SITE_URL")?,
    )
    .with_send_rate(rate)
    .map_err(|e| ConfigError::Invalid {
        name: "MAIL_SEND_RATE",
        reason: e.to_string(),
    })?;
    let app = Arc::new(app);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| {
        let app = app.clone();
        async move { app.handle(event.payload).await }
    }))
    .await
}
