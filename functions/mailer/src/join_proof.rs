//! The mail that proves a joiner's address (issue 30). The `join` function writes the proof
//! `delivery = queued` (with its address's daily count); the mailer sees the INSERT on the
//! table's stream, claims it (`queued -> sending`), and mails a link with the proof, signed
//! here and never stored, within the send rate and never to a blocked address. A busy mail
//! service gives the claim back and the record comes again; a duplicate record finds nothing
//! to claim. The mail is in the contract's language.

use crate::{App, Cache, Outcome, RecordError};
use aws_lambda_events::event::dynamodb::EventRecord;
use invitations_core::adapters::dynamo::items::{Item, Reader};
use invitations_core::adapters::dynamo::join_proofs::{join_proof_from, ITEM_TYPE};
use invitations_core::adapters::dynamo::CorruptItem;
use invitations_core::domain::join_proof::{proof_link, PROOF_LIFETIME_HOURS};
use invitations_core::domain::mail::{escape_html, Language};
use invitations_core::domain::JoinProof;
use invitations_core::ports::{DeliveryResult, MailError, OutgoingMail};

/// The proof a stream record queues for mailing.
pub fn queued_join_proof(record: &EventRecord) -> Option<Result<JoinProof, CorruptItem>> {
    if record.event_name != "INSERT" {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    if reader.opt_s("type") != Some(ITEM_TYPE) || reader.opt_s("delivery") != Some("queued") {
        return None;
    }
    Some(join_proof_from(&item))
}

/// Subject, text and HTML of the proof mail.
pub fn render(contract_name: &str, link: &str, language: Language) -> (String, String, String) {
    let hours = PROOF_LIFETIME_HOURS;
    let (subject, ask, button, ignore) = match language {
        Language::En => (
            format!("Confirm your address to join {contract_name}"),
            format!(
                "Someone, probably you, asked to join {contract_name} with this address. Open \
                 this link within {hours} hours to confirm it and take your place:"
            ),
            "Confirm and join",
            "If you did not ask, ignore this mail: nothing happens without the link.",
        ),
        Language::Fr => (
            format!("Confirmez votre adresse pour rejoindre {contract_name}"),
            format!(
                "Quelqu'un, sans doute vous, a demandé à rejoindre {contract_name} avec cette \
                 adresse. Ouvrez ce lien dans les {hours} heures pour la confirmer et prendre \
                 votre place :"
            ),
            "Confirmer et rejoindre",
            "Si vous n'avez rien demandé, ignorez ce message : rien ne se passe sans le lien.",
        ),
    };
    let text = format!("{ask}\n\n{link}\n\n{ignore}\n");
    let html = format!(
        "<p>{}</p><p><a href=\"{link}\">{button}</a></p><p>{}</p>",
        escape_html(&ask),
        escape_html(ignore),
        link = escape_html(link),
    );
    (subject, text, html)
}

impl App {
    /// Claims, renders, sends and records one proof mail.
    pub(crate) async fn send_join_proof(
        &self,
        proof: &JoinProof,
        cache: &mut Cache,
    ) -> Result<Outcome, RecordError> {
        self.limiter.acquire().await;
        if !self.store.claim_join_proof(&proof.id).await? {
            return Ok(Outcome::NotDue);
        }
        // An address that bounced for good or complained gets no more mail from us.
        if let Some(block) = self.store.address_block(proof.email.identity()).await? {
            return self.proof_refused(proof, block.explain()).await;
        }
        let Some(contract) = self.contract(&proof.contract_id, cache).await? else {
            return self
                .proof_refused(proof, "the learning contract no longer exists".into())
                .await;
        };
        let key = match self.link_key.signing().await {
            Ok(key) => key,
            Err(err) => {
                // Given back as for a busy mail service: the record's next delivery sends it.
                self.store.release_join_proof(&proof.id).await?;
                return Err(RecordError::Key(err));
            }
        };
        let Some(signed) = key.sign_join_proof(&proof.id) else {
            return self
                .proof_refused(proof, "the proof id cannot be put in a link".into())
                .await;
        };
        let link = proof_link(&self.site_url, &signed);
        let (subject, text, html) = render(&contract.name, &link, contract.mail.language);
        let mail = OutgoingMail {
            to: proof.email.as_entered().to_owned(),
            subject,
            html,
            text,
            tags: Vec::new(),
        };
        match self.send_retrying(&mail, &proof.id).await {
            Ok(message_id) => {
                self.store
                    .record_join_proof(
                        &proof.id,
                        &DeliveryResult::Sent {
                            message_id,
                            remind_at: None,
                        },
                    )
                    .await
                    .map_err(RecordError::Unrecorded)?;
                tracing::info!(proof = %proof.id, "join proof mailed");
                Ok(Outcome::Sent)
            }
            Err(MailError::Permanent(reason)) => self.proof_refused(proof, reason).await,
            Err(MailError::Transient(reason)) => {
                self.store.release_join_proof(&proof.id).await?;
                Err(RecordError::Busy(reason))
            }
        }
    }

    async fn proof_refused(
        &self,
        proof: &JoinProof,
        reason: String,
    ) -> Result<Outcome, RecordError> {
        tracing::warn!(proof = %proof.id, %reason, "join proof not mailed");
        self.store
            .record_join_proof(
                &proof.id,
                &DeliveryResult::Failed {
                    reason: reason.clone(),
                },
            )
            .await?;
        Ok(Outcome::Rejected(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_names_the_programme_the_link_and_what_to_do_if_not_asked() {
        let (subject, text, html) = render(
            "Safety <Academy>",
            "https://learn.example/join#proof=abc",
            Language::En,
        );
        assert_eq!(subject, "Confirm your address to join Safety <Academy>");
        assert!(text.contains("https://learn.example/join#proof=abc"));
        assert!(text.contains("within 24 hours"));
        assert!(text.contains("ignore this mail"));
        assert!(html.contains("Safety &lt;Academy&gt;"), "{html}");
        assert!(html.contains("href=\"https://learn.example/join#proof=abc\""));
        let (subject, text, _) = render("Académie", "https://l.example/join#proof=x", Language::Fr);
        assert!(subject.starts_with("Confirmez votre adresse"));
        assert!(text.contains("dans les 24 heures"));
    }
}
