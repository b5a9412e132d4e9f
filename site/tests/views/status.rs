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
    assert_eq!(delivery_text(&sent(None), None), "Sent");
    let report = |kind, detail: &str| MailReport {
        kind,
        at: "2026-03-02T09:00:20Z".into(),
        detail: detail.into(),
    };
    assert_eq!(
        delivery_text(&sent(Some(report(MailReportKind::Delivered, ""))), None),
        "Delivered"
    );
    assert_eq!(
        delivery_text(
            &sent(Some(report(
                MailReportKind::BouncedPermanent,
                "Permanent (General): smtp; 550 5.1.1 user unknown"
            ))),
            None
        ),
        "Bounced: Permanent (General): smtp; 550 5.1.1 user unknown"
    );
}

/// A mail waiting (issue 31): when it goes, in the admin's zone, and whether at the start.
#[test]
fn a_scheduled_mail_says_when_it_goes() {
    let waiting = Delivery {
        state: DeliveryState::Scheduled,
        reason: None,
        report: None,
    };
    let at = |at_contract_start| ScheduledSend {
        at: "2027-03-01T08:00:00Z".into(),
        at_contract_start,
    };
    assert_eq!(
        delivery_text(&waiting, Some(&at(false))),
        "Scheduled for 1 Mar 2027, 08:00 UTC"
    );
    assert_eq!(
        delivery_text(&waiting, Some(&at(true))),
        "Scheduled for 1 Mar 2027, 08:00 UTC, at the contract's start"
    );
    assert_eq!(delivery_text(&waiting, None), "Scheduled");
}
