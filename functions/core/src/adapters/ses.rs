//! Mail through SES v2.

use crate::ports::{MailError, Mailer, OutgoingMail};
use async_trait::async_trait;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, MessageTag};
use aws_sdk_sesv2::Client;

#[derive(Clone, Debug)]
pub struct SesMailer {
    client: Client,
    from: String,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client, from: impl Into<String>, configuration_set: Option<String>) -> Self {
        Self {
            client,
            from: from.into(),
            configuration_set,
        }
    }
}

fn content(text: &str) -> Content {
    Content::builder()
        .data(text)
        .charset("UTF-8")
        .build()
        .expect("content has data")
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<String, MailError> {
        let message = Message::builder()
            .subject(content(&mail.subject))
            .body(
                Body::builder()
                    .html(content(&mail.html))
                    .text(content(&mail.text))
                    .build(),
            )
            .build();
        let result = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&mail.to).build())
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags(Some(
                mail.tags
                    .iter()
                    .filter_map(|(name, value)| {
                        MessageTag::builder().name(name).value(value).build().ok()
                    })
                    .collect(),
            ))
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.message_id().unwrap_or_default().to_owned()),
            Err(err) => {
                let text = DisplayErrorContext(&err).to_string();
                Err(match err.as_service_error() {
                    Some(
                        SendEmailError::MessageRejected(_)
                        | SendEmailError::MailFromDomainNotVerifiedException(_)
                        | SendEmailError::BadRequestException(_)
                        | SendEmailError::AccountSuspendedException(_)
                        | SendEmailError::NotFoundException(_),
                    ) => MailError::Permanent(text),
                    // Throttling, sending paused, limits, timeouts, 5xx: try again later.
                    _ => MailError::Transient(text),
                })
            }
        }
    }
}
