//! SES's events, locally: every mail the SES emulator accepted gets SES's "Send" event and, as
//! the local mailboxes take every mail, "Delivery" (issue 28: the funnel's Delivered counts on
//! the local stack as in AWS); SES's mailbox simulator is played too. Mail to `success@`, `bounce@`, `complaint@` or
//! `suppressionlist@simulator.amazonses.com` (plus-labels allowed, as SES allows them) comes
//! back as the events SES would publish through the configuration set, shaped as EventBridge
//! delivers them, after a short delay, and goes to the `delivery-events` function's handler:
//! so a bounce or a complaint can be tried end to end on the local stack.
//!
//! The SES emulator keeps each mail's message id but drops its message tags, so the
//! invitation tag is taken from the enrolment link in the mail (verified with the stack's link
//! key) instead: the one place the local path differs from AWS.

use chrono::{DateTime, Utc};
use invitations_core::domain::{InvitationId, LinkKey};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

pub const SIMULATOR_DOMAIN: &str = "simulator.amazonses.com";
/// How long after sending the simulator's events arrive (SES: seconds).
pub const DELAY: Duration = Duration::from_secs(2);

/// The SES event types a mail to this address produces after "Send", in order: the
/// simulator's for its addresses (none for one it does not know), else "Delivery", as the
/// receiving server (the SES emulator's mailbox) accepts every mail.
pub fn simulated(address: &str) -> &'static [&'static str] {
    let address = address.trim().to_lowercase();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return &[];
    };
    if domain != SIMULATOR_DOMAIN {
        return &["Delivery"];
    }
    match local.split('+').next().unwrap_or_default() {
        "success" => &["Delivery"],
        "bounce" => &["Bounce"],
        "complaint" => &["Delivery", "Complaint"],
        "suppressionlist" => &["Bounce"],
        _ => &[],
    }
}

/// The EventBridge event SES publishes for `event_type` about one mail.
pub fn event(
    event_type: &str,
    message_id: &str,
    to: &str,
    (invitation, version): (&InvitationId, u32),
    at: DateTime<Utc>,
) -> Value {
    let at_text = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let suppressed = to.to_lowercase().starts_with("suppressionlist");
    let mut detail = json!({
        "eventType": event_type,
        "mail": {
            "timestamp": at_text,
            "source": crate::MAIL_FROM,
            "messageId": message_id,
            "destination": [to],
            "tags": {
                "ses:configuration-set": ["local"],
                "invitation": [invitation.as_str()],
                "version": [version.to_string()],
            },
        },
    });
    let (detail_type, body_key, body) = match event_type {
        "Send" => ("Email Sent", "send", json!({})),
        "Delivery" => (
            "Email Delivered",
            "delivery",
            json!({"timestamp": at_text, "recipients": [to], "smtpResponse": "250 2.6.0 Message received"}),
        ),
        "Bounce" => (
            "Email Bounced",
            "bounce",
            json!({
                "bounceType": "Permanent",
                "bounceSubType": if suppressed { "OnAccountSuppressionList" } else { "General" },
                "bouncedRecipients": [{
                    "emailAddress": to,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": if suppressed {
                        "Amazon SES did not send the message to this address because it is on the suppression list for your account."
                    } else {
                        "smtp; 550 5.1.1 user unknown"
                    },
                }],
                "timestamp": at_text,
            }),
        ),
        "Complaint" => (
            "Email Complaint Received",
            "complaint",
            json!({"complainedRecipients": [{"emailAddress": to}], "timestamp": at_text, "complaintFeedbackType": "abuse"}),
        ),
        other => (other, "unknown", json!({})),
    };
    detail[body_key] = body;
    json!({
        "version": "0",
        "id": uuid::Uuid::new_v4().to_string(),
        "detail-type": detail_type,
        "source": "aws.ses",
        "account": "000000000000",
        "time": at_text,
        "region": "us-east-1",
        "resources": ["arn:aws:ses:us-east-1:000000000000:configuration-set/local"],
        "detail": detail,
    })
}

/// The send a mail is for (invitation and version), from the enrolment link in its text.
fn send_in(text: &str, key: &LinkKey) -> Option<(InvitationId, u32)> {
    let start = text.find("#token=")? + "#token=".len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    key.verify(&token)
        .ok()
        .map(|t| (t.invitation_id, t.version))
}

/// Polls the SES emulator's store and plays the simulator's events into `delivery-events`.
pub async fn run(ses: String, key: LinkKey, reports: Arc<delivery_events::App>) {
    let mut seen: HashSet<String> = HashSet::new();
    loop {
        tokio::time::sleep(DELAY).await;
        let base = ses.clone();
        let store =
            tokio::task::spawn_blocking(move || testkit::http("GET", &base, "/store", None)).await;
        let Ok(Ok((200, body))) = store else {
            continue;
        };
        let Ok(store) = serde_json::from_str::<Value>(&body) else {
            continue;
        };
        for mail in store["emails"].as_array().into_iter().flatten() {
            let Some(message_id) = mail["messageId"].as_str() else {
                continue;
            };
            if !seen.insert(message_id.to_owned()) {
                continue;
            }
            let Some(send) = send_in(mail["body"]["text"].as_str().unwrap_or(""), &key) else {
                continue;
            };
            for to in mail["destination"]["to"].as_array().into_iter().flatten() {
                let to = to.as_str().unwrap_or_default();
                // SES publishes "Send" for every mail it accepts, then what the simulator says.
                for kind in std::iter::once(&"Send").chain(simulated(to)) {
                    let event = event(kind, message_id, to, (&send.0, send.1), Utc::now());
                    match serde_json::from_value::<delivery_events::Envelope>(event) {
                        Ok(envelope) => {
                            if let Err(e) = delivery_events::record(&reports, &envelope).await {
                                tracing::warn!(error = %e, "recording a simulated SES event failed");
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "a simulated SES event did not parse"),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulator_addresses_and_their_labels_map_to_ses_events() {
        assert_eq!(simulated("bounce@simulator.amazonses.com"), ["Bounce"]);
        assert_eq!(simulated("Bounce+ann@Simulator.AmazonSES.com"), ["Bounce"]);
        assert_eq!(
            simulated("complaint+1@simulator.amazonses.com"),
            ["Delivery", "Complaint"]
        );
        assert_eq!(simulated("success@simulator.amazonses.com"), ["Delivery"]);
        assert_eq!(simulated("bounce@example.com"), ["Delivery"]);
        assert!(simulated("ooto@simulator.amazonses.com").is_empty());
        let id = InvitationId::random();
        let envelope: delivery_events::Envelope = serde_json::from_value(event(
            "Bounce",
            "m-1",
            "bounce@simulator.amazonses.com",
            (&id, 3),
            Utc::now(),
        ))
        .unwrap();
        assert_eq!(delivery_events::send_of(&envelope), Some((id.clone(), 3)));
        let report = delivery_events::read(&envelope).unwrap();
        assert_eq!(report.invitation, id);
        assert_eq!(
            report.report.kind,
            invitations_core::domain::ReportKind::BouncedPermanent
        );
    }
}
