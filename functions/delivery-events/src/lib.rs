//! What became of each invitation mail after SES accepted it. The mailer sends through the
//! stack's SES configuration set, which publishes the mail's events to EventBridge; a rule
//! brings them here. Each event is matched to its invitation by the `invitation` message tag
//! the mailer set and to its send by SES's message id, and recorded: always in the invitation's
//! history (once, however often EventBridge delivers it), and on the invitation when it is
//! about the current send and newer than what the invitation shows (an event for an older send
//! of a resent invitation changes nothing current; "delayed" never covers a final word).

use chrono::{DateTime, Utc};
use invitations_core::domain::{
    AddressBlock, DeliveryReport, EmailAddress, InvitationId, ReportKind,
};
use invitations_core::ports::{BlockStore, ReportOutcome, ReportStore, StoreError};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

/// The message tags the mailer puts on every invitation mail (mailer::INVITATION_TAG,
/// mailer::VERSION_TAG).
pub const INVITATION_TAG: &str = "invitation";
pub const VERSION_TAG: &str = "version";

/// The send an event is about, from its tags: which invitation, which token version.
pub fn send_of(envelope: &Envelope) -> Option<(InvitationId, u32)> {
    let tags = &envelope.detail.mail.tags;
    let invitation = InvitationId::parse(tags.get(INVITATION_TAG)?.first()?).ok()?;
    let version = tags.get(VERSION_TAG)?.first()?.parse().ok()?;
    Some((invitation, version))
}

/// What the reports need of the table: recording them, and blocking addresses.
pub trait ReportsStore: ReportStore + BlockStore {}
impl<T: ReportStore + BlockStore + ?Sized> ReportsStore for T {}

#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn ReportsStore>,
}

/// An SES event as EventBridge delivers it (only what is read here).
#[derive(Debug, Clone, Deserialize)]
pub struct Envelope {
    pub time: Option<DateTime<Utc>>,
    pub detail: SesEvent,
}

/// SES's event publishing record (`detail` of the EventBridge event).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesEvent {
    pub event_type: String,
    pub mail: Mail,
    pub bounce: Option<Bounce>,
    pub complaint: Option<Complaint>,
    pub delivery: Option<Timestamped>,
    pub reject: Option<Reject>,
    pub delivery_delay: Option<DeliveryDelay>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mail {
    pub message_id: String,
    pub timestamp: Option<DateTime<Utc>>,
    #[serde(default)]
    pub destination: Vec<String>,
    #[serde(default)]
    pub tags: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bounce {
    pub bounce_type: String,
    pub bounce_sub_type: Option<String>,
    #[serde(default)]
    pub bounced_recipients: Vec<Recipient>,
    pub timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub diagnostic_code: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Complaint {
    pub complaint_feedback_type: Option<String>,
    pub timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Timestamped {
    pub timestamp: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reject {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryDelay {
    pub delay_type: Option<String>,
    pub timestamp: Option<DateTime<Utc>>,
    #[serde(default)]
    pub delayed_recipients: Vec<Recipient>,
}

/// One event, read: which invitation, which send, what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailReport {
    pub invitation: InvitationId,
    pub message_id: String,
    pub report: DeliveryReport,
    /// The recipient's email identity (lower-cased), when the event names one.
    pub address: Option<String>,
}

/// The report an event makes, or `None` for events this product does not record (sends,
/// opens, clicks) and for mail that is not an invitation (no tag).
pub fn read(envelope: &Envelope) -> Option<MailReport> {
    let event = &envelope.detail;
    let invitation = event
        .mail
        .tags
        .get(INVITATION_TAG)
        .and_then(|values| values.first())
        .and_then(|id| InvitationId::parse(id).ok())?;
    let fallback = envelope
        .time
        .or(event.mail.timestamp)
        .unwrap_or_else(Utc::now);
    let reasons = |recipients: &[Recipient]| {
        recipients
            .iter()
            .filter_map(|r| r.diagnostic_code.clone().or_else(|| r.status.clone()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (kind, at, detail) = match event.event_type.as_str() {
        "Delivery" => (
            ReportKind::Delivered,
            event.delivery.as_ref().and_then(|d| d.timestamp),
            String::new(),
        ),
        "Bounce" => {
            let bounce = event.bounce.as_ref()?;
            let kind = if bounce.bounce_type == "Permanent" {
                ReportKind::BouncedPermanent
            } else {
                // Transient and Undetermined: SES has given up on this mail, not the address.
                ReportKind::BouncedTransient
            };
            let mut detail = bounce.bounce_type.clone();
            if let Some(sub) = &bounce.bounce_sub_type {
                detail = format!("{detail} ({sub})");
            }
            let diagnostic = reasons(&bounce.bounced_recipients);
            if !diagnostic.is_empty() {
                detail = format!("{detail}: {diagnostic}");
            }
            (kind, bounce.timestamp, detail)
        }
        "Complaint" => {
            let complaint = event.complaint.as_ref();
            (
                ReportKind::Complained,
                complaint.and_then(|c| c.timestamp),
                complaint
                    .and_then(|c| c.complaint_feedback_type.clone())
                    .unwrap_or_default(),
            )
        }
        "Reject" => (
            ReportKind::Rejected,
            None,
            event
                .reject
                .as_ref()
                .and_then(|r| r.reason.clone())
                .unwrap_or_default(),
        ),
        "DeliveryDelay" => {
            let delay = event.delivery_delay.as_ref();
            let mut detail = delay.and_then(|d| d.delay_type.clone()).unwrap_or_default();
            let diagnostic = delay
                .map(|d| reasons(&d.delayed_recipients))
                .unwrap_or_default();
            if !diagnostic.is_empty() {
                detail = format!("{detail}: {diagnostic}");
            }
            (ReportKind::Delayed, delay.and_then(|d| d.timestamp), detail)
        }
        _ => return None,
    };
    let address = event
        .mail
        .destination
        .first()
        .and_then(|a| EmailAddress::parse(a).ok())
        .map(|a| a.identity().to_owned());
    Some(MailReport {
        invitation,
        address,
        message_id: event.mail.message_id.clone(),
        report: DeliveryReport {
            kind,
            at: at.unwrap_or(fallback),
            detail,
        },
    })
}

/// Records one event. A store failure is an error, so EventBridge's retries bring it again;
/// recording is idempotent. Any event of a mail (first of all SES's "Send", which comes as soon
/// as SES accepts it) records a send its mailer could not record (it died after SES accepted
/// the mail, or the table failed it): so such a send ends recorded, not swept and sent twice.
pub async fn record(app: &App, envelope: &Envelope) -> Result<Option<ReportOutcome>, StoreError> {
    if let Some((invitation, version)) = send_of(envelope) {
        let at = envelope
            .detail
            .mail
            .timestamp
            .or(envelope.time)
            .unwrap_or_else(Utc::now);
        if app
            .store
            .record_accepted(&invitation, version, &envelope.detail.mail.message_id, at)
            .await?
        {
            tracing::warn!(%invitation, version, "a send its mailer did not record was recorded from SES's event");
        }
    }
    let Some(report) = read(envelope) else {
        tracing::debug!(event = %envelope.detail.event_type, "not an invitation mail report; ignored");
        return Ok(None);
    };
    let outcome = app
        .store
        .record_report(&report.invitation, &report.message_id, &report.report)
        .await?;
    // A permanent bounce or a complaint blocks the address itself, whichever send it was about.
    if report.report.kind.blocks_address() {
        if let Some(identity) = &report.address {
            app.store
                .block_address(&AddressBlock {
                    identity: identity.clone(),
                    kind: report.report.kind,
                    detail: report.report.detail.clone(),
                    at: report.report.at,
                })
                .await?;
        }
    }
    tracing::info!(
        invitation = %report.invitation,
        message_id = %report.message_id,
        kind = report.report.kind.as_str(),
        ?outcome,
        "mail report recorded"
    );
    Ok(Some(outcome))
}

/// The Lambda handler (an EventBridge rule's target).
pub async fn handle(
    app: &App,
    event: lambda_runtime::LambdaEvent<Envelope>,
) -> Result<(), lambda_runtime::Error> {
    record(app, &event.payload).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // A filled copy of events/bounce.json: that one carries placeholders that mint-event fills
    // from a running stack (cargo lambda), this one the values a unit test needs.
    fn example() -> Envelope {
        serde_json::from_str(include_str!("testdata/bounce.json")).expect("the example parses")
    }

    #[test]
    fn a_permanent_bounce_names_its_invitation_send_and_reason() {
        let report = read(&example()).expect("a report");
        assert_eq!(
            report.invitation.as_str(),
            "6f1d2c3b4a5948e7a6b5c4d3e2f1a0b9"
        );
        assert_eq!(report.message_id, "0102018c-example-message-id-000000");
        assert_eq!(report.report.kind, ReportKind::BouncedPermanent);
        assert!(report
            .report
            .detail
            .starts_with("Permanent (General): smtp; 550 5.1.1"));
        assert_eq!(
            report.report.at.to_rfc3339(),
            "2026-11-29T12:00:04.512+00:00"
        );
    }

    #[test]
    fn complaints_rejections_and_delays_are_read_with_their_reasons() {
        let with = |kind: &str, body: &str, value: serde_json::Value| {
            let mut event: serde_json::Value =
                serde_json::from_str(include_str!("testdata/bounce.json")).unwrap();
            event["detail"]["eventType"] = kind.into();
            event["detail"][body] = value;
            read(&serde_json::from_value(event).unwrap())
                .unwrap()
                .report
        };
        let complaint = with(
            "Complaint",
            "complaint",
            serde_json::json!({"complaintFeedbackType": "abuse", "timestamp": "2026-11-29T12:01:00Z"}),
        );
        assert_eq!(
            (complaint.kind, complaint.detail.as_str()),
            (ReportKind::Complained, "abuse")
        );
        let reject = with(
            "Reject",
            "reject",
            serde_json::json!({"reason": "Bad content"}),
        );
        assert_eq!(
            (reject.kind, reject.detail.as_str()),
            (ReportKind::Rejected, "Bad content")
        );
        let delay = with(
            "DeliveryDelay",
            "deliveryDelay",
            serde_json::json!({"delayType": "MailboxFull", "timestamp": "2026-11-29T12:02:00Z"}),
        );
        assert_eq!(
            (delay.kind, delay.detail.as_str()),
            (ReportKind::Delayed, "MailboxFull")
        );
        let transient = with(
            "Bounce",
            "bounce",
            serde_json::json!({"bounceType": "Transient", "bounceSubType": "MailboxFull", "bouncedRecipients": []}),
        );
        assert_eq!(transient.kind, ReportKind::BouncedTransient);
    }

    #[test]
    fn events_without_the_tag_or_of_other_types_are_not_reports() {
        let mut untagged = example();
        untagged.detail.mail.tags.remove(INVITATION_TAG);
        assert!(read(&untagged).is_none());
        let mut opened = example();
        opened.detail.event_type = "Open".into();
        assert!(read(&opened).is_none());
    }
}
