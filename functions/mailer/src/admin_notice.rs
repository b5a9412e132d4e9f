//! Mail to an admin about their contract (issue 31): enrolments one each or in a daily digest,
//! and seat alerts, as they chose. The reminder run renders and queues each notice (`delivery =
//! queued`, a key that is a hash of what it tells); the mailer claims it, sends it within the
//! send rate (never to a blocked address) and records it; a busy mail service gives the claim
//! back and the record comes again; a duplicate record finds nothing to claim.

use crate::{App, Outcome, RecordError};
use aws_lambda_events::event::dynamodb::EventRecord;
use invitations_core::adapters::dynamo::items::{Item, Reader};
use invitations_core::adapters::dynamo::notices::{queued_notice_from, NOTICE_TYPE};
use invitations_core::adapters::dynamo::CorruptItem;
use invitations_core::ports::{DeliveryResult, MailError, OutgoingMail, QueuedNotice};

/// The notice a stream record queues for mailing.
pub fn queued_notice(record: &EventRecord) -> Option<Result<QueuedNotice, CorruptItem>> {
    if record.event_name != "INSERT" {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    if reader.opt_s("type") != Some(NOTICE_TYPE) || reader.opt_s("delivery") != Some("queued") {
        return None;
    }
    Some(queued_notice_from(&item))
}

impl App {
    /// Claims, sends and records one notice.
    pub(crate) async fn send_notice(&self, notice: &QueuedNotice) -> Result<Outcome, RecordError> {
        self.limiter.acquire().await;
        let (contract, id) = (&notice.contract_id, notice.id.as_str());
        if !self.store.claim_notice(contract, id).await? {
            return Ok(Outcome::NotDue);
        }
        let failed = |reason: String| DeliveryResult::Failed { reason };
        let result = if let Some(block) = self.store.address_block(notice.to.identity()).await? {
            failed(block.explain())
        } else {
            let mail = OutgoingMail {
                to: notice.to.as_entered().to_owned(),
                subject: notice.subject.clone(),
                html: notice.html.clone(),
                text: notice.text.clone(),
                tags: Vec::new(),
            };
            match self.send_retrying(&mail, &notice.id).await {
                Ok(message_id) => DeliveryResult::Sent {
                    message_id,
                    remind_at: None,
                },
                Err(MailError::Permanent(reason)) => failed(reason),
                Err(MailError::Transient(reason)) => {
                    self.store.release_notice(contract, id).await?;
                    return Err(RecordError::Busy(reason));
                }
            }
        };
        self.store
            .record_notice(contract, id, &result)
            .await
            .map_err(RecordError::Unrecorded)?;
        tracing::info!(notice = %notice.id, ?result, "admin notice done");
        Ok(match result {
            DeliveryResult::Sent { .. } => Outcome::Sent,
            DeliveryResult::Failed { reason } => Outcome::Rejected(reason),
        })
    }
}
