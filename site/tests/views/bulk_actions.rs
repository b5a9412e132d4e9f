//! The bulk actions: the question (how many, counted first for a filter; typed to confirm for a
//! whole contract; no Yes with nothing to act on; Yes styled as what it does) and the summary.

use crate::helpers::*;
use site::api::*;
use site::components::bulk_actions::{
    bulk_summary, stage_view, BulkStage, BulkSummary, BulkVerb, Question, Scope,
};
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
    let html = render(move || bulk_summary(&summary, &NodeRef::default()));
    let t = text(&html);
    assert!(t.contains("pat@example.com has already enrolled"), "{t}");
    assert!(t.contains("nobody@example.com"), "{t}");
    assert!(!html.contains("role=\"alert\""), "nothing stopped it");
}

/// The stage under the bulk buttons, as shown.
fn stage(stage: BulkStage) -> String {
    render(move || {
        stage_view(
            &stage,
            &Callback::noop(),
            &Callback::noop(),
            &NodeRef::default(),
        )
    })
}

fn asking(verb: BulkVerb, scope: Scope, count: u64, typed: &str) -> String {
    let question = Question {
        typed: typed.into(),
        ..Question::new(verb, scope, count)
    };
    stage(BulkStage::Asking(question))
}

/// A search for "ann": not the whole contract.
fn searched() -> Scope {
    Scope::Filter(InvitationFilter {
        q: Some("ann".into()),
        ..InvitationFilter::default()
    })
}

/// Every question says how many it acts on (issue 28).
#[test]
fn every_bulk_question_says_how_many() {
    let question = |verb, scope, count| Question::new(verb, scope, count).text();
    let ids = |n: usize| Scope::Selected((0..n).map(|i| format!("i{i}")).collect());
    assert_eq!(
        question(BulkVerb::Revoke, ids(1), 1),
        "Revoke the selected invitation? Their links stop working; students who have enrolled stay enrolled."
    );
    assert!(question(BulkVerb::Revoke, ids(3), 3).starts_with("Revoke the 3 selected invitations?"));
    assert_eq!(
        question(BulkVerb::Revoke, searched(), 1234),
        "Revoke the 1,234 invitations that match the search and status? Their links stop working; students who have enrolled stay enrolled."
    );
    assert!(question(BulkVerb::Resend, searched(), 1234).starts_with(
        "Send the 1,234 invitations that match the search and status again, each with a new link?"
    ));
    assert!(question(BulkVerb::Extend, searched(), 1).starts_with(
        "Make the links of the invitation that matches the search and status last as long"
    ));
    let emails = Scope::Emails(vec!["a@example.com".into(), "b@example.com".into()]);
    assert!(
        question(BulkVerb::Revoke, emails, 2).starts_with("Revoke the invitations of 2 addresses?")
    );
    // A filtered question needs no typing: Yes is offered at once, Cancel beside it.
    let html = asking(BulkVerb::Revoke, searched(), 1234, "");
    assert!(!tag(&html, "bulk-confirm").contains(" disabled"), "{html}");
    assert!(!html.contains("bulk-type-count"));
    assert!(html.contains("id=\"bulk-cancel\""));
}

#[test]
fn the_filter_is_counted_before_the_question() {
    let html = stage(BulkStage::Counting(BulkVerb::Revoke));
    assert!(tag(&html, "bulk-progress").contains("role=\"status\""));
    assert_eq!(text(&html), "Counting…");
    let failed = stage(BulkStage::CountFailed(problem(
        503,
        "unavailable",
        "Try again in a moment.",
    )));
    let t = text(&failed);
    assert!(
        t.contains("Could not count the invitations, so nothing was done. Try again in a moment."),
        "{t}"
    );
    assert!(failed.contains("role=\"alert\""));
}

/// All of a contract's invitations (no search, no status): the number is typed before Yes.
#[test]
fn all_of_a_contracts_invitations_wait_for_their_number_to_be_typed() {
    let whole = Scope::Filter(InvitationFilter::default());
    let question = Question::new(BulkVerb::Revoke, whole.clone(), 1234);
    assert!(question
        .text()
        .starts_with("Revoke all 1,234 invitations of this learning contract?"));
    let html = asking(BulkVerb::Revoke, whole.clone(), 1234, "");
    assert!(
        html.contains("<label for=\"bulk-type-count\">Type 1,234 to confirm</label>"),
        "{html}"
    );
    assert!(tag(&html, "bulk-type-count").contains("inputmode=\"numeric\""));
    assert!(tag(&html, "bulk-confirm").contains(" disabled"));
    for typed in ["1234", "1,234", "1 234", " 1.234 "] {
        let question = Question {
            typed: typed.into(),
            ..question.clone()
        };
        assert!(question.ready(), "{typed:?} confirms");
    }
    for typed in ["", "123", "12345", "1,235", "all"] {
        let question = Question {
            typed: typed.into(),
            ..question.clone()
        };
        assert!(!question.ready(), "{typed:?} does not confirm");
    }
    let typed = asking(BulkVerb::Revoke, whole, 1234, "1,234");
    assert!(!tag(&typed, "bulk-confirm").contains(" disabled"));
    assert!(tag(&typed, "bulk-type-count").contains("value=\"1,234\""));
}

#[test]
fn nothing_to_act_on_is_said_and_offers_no_yes() {
    let html = asking(BulkVerb::Revoke, searched(), 0, "");
    assert!(
        text(&html)
            .contains("No invitation matches the search and status: there is nothing to revoke."),
        "{html}"
    );
    assert!(!html.contains("bulk-confirm") && html.contains("id=\"bulk-cancel\""));
    let empty = Question::new(
        BulkVerb::Extend,
        Scope::Filter(InvitationFilter::default()),
        0,
    );
    assert_eq!(
        empty.text(),
        "This learning contract has no invitations: there is nothing to extend."
    );
    assert!(!empty.ready() && !empty.needs_typing());
}

/// Revoke looks destructive; Resend and Extend look like the main action they are.
#[test]
fn each_yes_looks_like_what_it_does() {
    for (verb, class) in [
        (BulkVerb::Revoke, "danger"),
        (BulkVerb::Resend, "primary"),
        (BulkVerb::Extend, "primary"),
    ] {
        let html = asking(verb, searched(), 3, "");
        let yes = tag(&html, "bulk-confirm");
        assert!(
            yes.contains(&format!("class=\"{class}\"")),
            "{verb:?}: {yes}"
        );
        assert!(
            text_between(&html, "id=\"bulk-confirm\"", "</button>")
                .contains(&format!("Yes, {}", verb.word())),
            "{html}"
        );
    }
}

/// A line of the list that is not an address is listed as such, not as not found.
#[test]
fn a_line_that_is_not_an_address_says_so() {
    let summary = BulkSummary {
        verb: BulkVerb::Revoke,
        done: 1,
        unchanged: 0,
        refused: 0,
        not_found: 1,
        not_an_address: 1,
        not_changed: vec![
            BulkOutcome {
                invitation_id: None,
                email: "not-an-address".into(),
                outcome: BulkOutcomeKind::NotAnAddress,
                code: Some("invalid_email".into()),
                detail: Some("This is not an email address.".into()),
            },
            BulkOutcome {
                invitation_id: None,
                email: "gone@example.com".into(),
                outcome: BulkOutcomeKind::NotFound,
                code: None,
                detail: None,
            },
        ],
        stopped: None,
    };
    assert_eq!(
        summary.text(),
        "Revoked: 1; not found: 1; not an address: 1."
    );
    let html = render(move || bulk_summary(&summary, &NodeRef::default()));
    let rows = text_between(&html, "<tbody>", "</tbody>");
    assert!(rows.contains("not-an-addressNot an address."), "{rows}");
    assert!(rows.contains("gone@example.comNot found."), "{rows}");
}

/// A refusal that names a wait counts it down in its row.
#[test]
fn a_refused_resend_counts_down_its_wait() {
    let mut summary = BulkSummary {
        verb: BulkVerb::Resend,
        done: 0,
        unchanged: 0,
        refused: 1,
        not_found: 0,
        not_an_address: 0,
        not_changed: vec![BulkOutcome {
            invitation_id: Some("a".into()),
            email: "ann@example.com".into(),
            outcome: BulkOutcomeKind::Refused,
            code: Some("resent_too_recently".into()),
            detail: Some(
                "The invitation was sent less than a minute ago. Try again in 12 seconds.".into(),
            ),
        }],
        stopped: None,
    };
    summary.not_changed[0].invitation_id = Some("a".into());
    let html = render(move || bulk_summary(&summary, &NodeRef::default()));
    let rows = text_between(&html, "<tbody>", "</tbody>");
    assert!(
        rows.ends_with("The invitation was sent less than a minute ago. Try again in 12 s."),
        "{rows}"
    );
    assert!(html.contains("role=\"timer\""));
}

/// Issue 28: a filter narrowed only by who invited, the import or the days is not the whole
/// contract (no number to type), and the question says the filters count.
#[test]
fn a_narrowed_filter_is_not_the_whole_contract() {
    let by_ada = Scope::Filter(InvitationFilter {
        invited_by: Some("u-ada".into()),
        ..InvitationFilter::default()
    });
    let question = Question::new(BulkVerb::Revoke, by_ada.clone(), 12);
    assert!(!question.needs_typing());
    assert!(question
        .text()
        .starts_with("Revoke the 12 invitations that match the search, status and filters?"));
    assert_eq!(
        Question::new(BulkVerb::Resend, by_ada, 0).text(),
        "No invitation matches the search, status and filters: there is nothing to resend."
    );
}
