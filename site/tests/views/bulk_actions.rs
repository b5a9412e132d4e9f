//! The bulk actions' summary.

use crate::helpers::*;
use site::api::*;
use site::components::bulk_actions::{BulkSummary, BulkSummaryView, BulkVerb};
use yew::prelude::*;

#[test]
fn a_bulk_summary_counts_and_lists_what_was_not_changed_with_why() {
    let summary = BulkSummary {
        verb: BulkVerb::Revoke,
        done: 12,
        unchanged: 2,
        refused: 1,
        not_found: 1,
        not_an_address: 0,
        not_changed: vec![
            BulkOutcome {
                invitation_id: Some("x".into()),
                email: "pat@example.com".into(),
                outcome: BulkOutcomeKind::Refused,
                code: Some("already_enrolled".into()),
                detail: Some("pat@example.com has already enrolled, so the invitation can no longer be revoked".into()),
            },
            BulkOutcome {
                invitation_id: None,
                email: "nobody@example.com".into(),
                outcome: BulkOutcomeKind::NotFound,
                code: Some("invitation_not_found".into()),
                detail: Some("Nobody with this address is invited to this learning contract.".into()),
            },
        ],
        stopped: None,
    };
    assert_eq!(
        summary.text(),
        "Revoked: 12; nothing to do for 2; refused for 1; not found: 1."
    );
    let html = render(move || html! { <BulkSummaryView {summary} /> });
    let t = text(&html);
    assert!(t.contains("pat@example.com has already enrolled"), "{t}");
    assert!(t.contains("nobody@example.com"), "{t}");
    assert!(!html.contains("role=\"alert\""), "nothing stopped it");
}
