//! The mail that tells someone an administrator refused their request to join (issue 30: a
//! link that needs approval). The admin's refusal writes it `delivery = queued` in the same
//! transaction that takes the request off the line; the mailer claims it, sends it within the
//! send rate (never to a blocked address) and records it; a busy mail service gives the claim
//! back and the record comes again; a duplicate record finds nothing to claim. An approval
//! needs no mail of its own: the invitation it makes is mailed as any other.

use crate::{App, Cache, Outcome, RecordError};
use aws_lambda_events::event::dynamodb::EventRecord;
use invitations_core::adapters::dynamo::items::{Item, Reader};
use invitations_core::adapters::dynamo::waiting::{join_refusal_from, JoinRefusal, REFUSAL_TYPE};
use invitations_core::adapters::dynamo::CorruptItem;
use invitations_core::domain::mail::{escape_html, Language};
use invitations_core::ports::{DeliveryResult, MailError, OutgoingMail};

/// The refusal a stream record queues for mailing.
pub fn queued_join_refusal(record: &EventRecord) -> Option<Result<JoinRefusal, CorruptItem>> {
    if record.event_name != "INSERT" {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    if reader.opt_s("type") != Some(REFUSAL_TYPE) || reader.opt_s("delivery") != Some("queued") {
        return None;
    }
    Some(join_refusal_from(&item))
}

/// Subject, text and HTML of the refusal.
pub fn render(contract_name: &str, language: Language) -> (String, String, String) {
    let (subject, body) = match language {
        Language::En => (
            format!("Your request to join {contract_name}"),
            format!(
                "The administrators of {contract_name} did not accept your request to join. \
                 If you think this is a mistake, ask the person who shared the link with you."
            ),
        ),
        Language::Fr => (
            format!("Votre demande pour rejoindre {contract_name}"),
            format!(
                "Les administrateurs de {contract_name} n'ont pas accepté votre demande. Si \
                 vous pensez qu'il s'agit d'une erreur, adressez-vous à la personne qui vous a \
                 transmis le lien."
            ),
        ),
    };
    let html = format!("<p>{}</p>", escape_html(&body));
    (subject, format!("{body}\n"), html)
}

impl App {
    /// Claims, renders, sends and records one refusal.
    pub(crate) async fn send_join_refusal(
        &self,
        refusal: &JoinRefusal,
        cache: &mut Cache,
    ) -> Result<Outcome, RecordError> {
        self.limiter.acquire().await;
        if !self.store.claim_join_refusal(&refusal.id).await? {
            return Ok(Outcome::NotDue);
        }
        let failed = |reason: String| DeliveryResult::Failed { reason };
        let result = if let Some(block) = self.store.address_block(refusal.email.identity()).await?
        {
            failed(block.explain())
        } else if let Some(contract) = self.contract(&refusal.contract_id, cache).await? {
            let (subject, text, html) = render(&contract.name, contract.mail.language);
            let mail = OutgoingMail {
                to: refusal.email.as_entered().to_owned(),
                subject,
                html,
                text,
                tags: Vec::new(),
            };
            match self.send_retrying(&mail, &refusal.id).await {
                Ok(message_id) => DeliveryResult::Sent {
                    message_id,
                    remind_at: None,
                },
                Err(MailError::Permanent(reason)) => failed(reason),
                Err(MailError::Transient(reason)) => {
                    self.store.release_join_refusal(&refusal.id).await?;
                    return Err(RecordError::Busy(reason));
                }
            }
        } else {
            failed("the learning contract no longer exists".into())
        };
        self.store
            .record_join_refusal(&refusal.id, &result)
            .await
            .map_err(RecordError::Unrecorded)?;
        tracing::info!(request = %refusal.id, ?result, "join refusal mail done");
        Ok(match result {
            DeliveryResult::Sent { .. } => Outcome::Sent,
            DeliveryResult::Failed { reason } => Outcome::Rejected(reason),
        })
    }
}
