//! The mail to a webhook endpoint's owner when the deliveries disabled it (the receiver
//! answered 410, or every delivery failed for 5 days). The webhooks function queues it in the
//! same write that disables the endpoint (`owner_notice = queued`); the mailer sees that write
//! on the table's stream, claims the notice (`queued -> sent`), and sends it within the send
//! rate. A busy mail service gives the claim back and the record comes again; a duplicate
//! record finds nothing to claim. A crash between the send and the stream's checkpoint can
//! mail twice, never zero times.

use crate::{App, Outcome, RecordError};
use aws_lambda_events::event::dynamodb::EventRecord;
use invitations_core::adapters::dynamo::items::{Item, Reader};
use invitations_core::adapters::dynamo::webhooks::OWNER_NOTICE_QUEUED;
use invitations_core::domain::mail::escape_html;
use invitations_core::domain::{Endpoint, EndpointId, EndpointScope};
use invitations_core::ports::{MailError, OutgoingMail};

/// The endpoint whose owner a stream record queues a notice for.
pub fn queued_owner_notice(record: &EventRecord) -> Option<EndpointId> {
    if !matches!(record.event_name.as_str(), "INSERT" | "MODIFY") {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    if reader.opt_s("type") != Some("webhook_endpoint")
        || reader.opt_s("owner_notice") != Some(OWNER_NOTICE_QUEUED)
    {
        return None;
    }
    let pk = reader.opt_s("pk")?;
    EndpointId::parse(pk.strip_prefix("WEBHOOK#")?).ok()
}

/// The notice in words: which endpoint, why, and where to turn it back on.
pub fn render(
    endpoint: &Endpoint,
    owner_name: Option<&str>,
    site_url: &str,
) -> (String, String, String) {
    let page = match &endpoint.scope {
        EndpointScope::Contract(contract) => format!(
            "{}/contracts/{}/integrations",
            site_url.trim_end_matches('/'),
            contract
        ),
        EndpointScope::AllContracts => format!("{}/integrations", site_url.trim_end_matches('/')),
    };
    let reason = endpoint
        .disabled_reason
        .as_deref()
        .unwrap_or("Its deliveries failed.");
    let greeting = owner_name.map_or_else(|| "Hello,".to_owned(), |n| format!("Hello {n},"));
    let subject = "A webhook endpoint was disabled".to_owned();
    let text = format!(
        "{greeting}\n\nThe webhook endpoint {url} that you registered was disabled: {reason}\n\n\
         No events are sent to it until it is enabled again. The events it missed are kept: \
         once the receiver works, enable it and replay the failed deliveries on its page:\n{page}\n"
    , url = endpoint.url);
    let html = format!(
        "<p>{}</p><p>The webhook endpoint <code>{}</code> that you registered was disabled: {}</p>\
         <p>No events are sent to it until it is enabled again. The events it missed are kept: \
         once the receiver works, enable it and replay the failed deliveries on \
         <a href=\"{page}\">its page</a>.</p>",
        escape_html(&greeting),
        escape_html(&endpoint.url),
        escape_html(reason),
        page = escape_html(&page),
    );
    (subject, text, html)
}

impl App {
    /// Claims, renders and sends one queued notice.
    pub(crate) async fn send_owner_notice(&self, id: &EndpointId) -> Result<Outcome, RecordError> {
        self.limiter.acquire().await;
        if !self.store.claim_owner_notice(id).await? {
            return Ok(Outcome::NotDue);
        }
        let Some(endpoint) = self.store.get_endpoint(id).await? else {
            return Ok(Outcome::NotDue); // deleted meanwhile: nobody left to tell about it
        };
        let Some(owner) = self.store.get_user(&endpoint.created_by).await? else {
            tracing::warn!(endpoint = %id, "the endpoint's owner is not in the directory; no notice sent");
            return Ok(Outcome::Rejected(
                "the owner is not in the directory".into(),
            ));
        };
        let (subject, text, html) = render(
            &endpoint,
            Some(owner.name.as_str()).filter(|n| !n.is_empty()),
            &self.site_url,
        );
        let mail = OutgoingMail {
            to: owner.email.as_entered().to_owned(),
            subject,
            html,
            text,
            tags: Vec::new(),
        };
        match self.mailer.send(&mail).await {
            Ok(_) => {
                tracing::info!(endpoint = %id, "owner told of the disabled endpoint");
                Ok(Outcome::Sent)
            }
            Err(MailError::Permanent(reason)) => {
                tracing::warn!(endpoint = %id, "the notice to the owner was refused for good");
                Ok(Outcome::Rejected(reason))
            }
            Err(MailError::Transient(reason)) => {
                self.store.release_owner_notice(id).await?;
                Err(RecordError::Busy(reason))
            }
        }
    }
}
