//! An invitation's status and delivery, in words.

use site::api::*;
use site::components::status::delivery_text;

#[test]
fn the_delivery_column_says_what_the_mail_service_reported() {
    let sent = |report: Option<MailReport>| Delivery {
        state: DeliveryState::Sent,
        reason: None,
        report,
    };
    assert_eq!(delivery_text(&sent(None)), "Sent");
    let report = |kind, detail: &str| MailReport {
        kind,
        at: "2026-03-02T09:00:20Z".into(),
        detail: detail.into(),
    };
    assert_eq!(
        delivery_text(&sent(Some(report(MailReportKind::Delivered, "")))),
        "Delivered"
    );
    assert_eq!(
        delivery_text(&sent(Some(report(
            MailReportKind::BouncedPermanent,
            "Permanent (General): smtp; 550 5.1.1 user unknown"
        )))),
        "Bounced: Permanent (General): smtp; 550 5.1.1 user unknown"
    );
}
