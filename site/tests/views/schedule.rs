//! The Add page's options for the mails (issue 31, pages/add/schedule.rs): when they go (now, at
//! the contract's start, at a date and time in the admin's zone), the group and the language;
//! what the request and the CSV upload carry; the results saying when the mails go.

use crate::helpers::*;
use site::api::*;
use site::pages::add::{
    csv_progress, mail_options, sent_view, AddAction, AddState, CsvProgress, Sent, When,
};
use std::rc::Rc;
use yew::prelude::*;

fn options(state: AddState, c: Contract) -> String {
    render(move || mail_options(&state, &c, &Callback::noop()))
}

fn with(actions: Vec<AddAction>) -> AddState {
    let mut s = Rc::new(AddState::new(false));
    for a in actions {
        s = s.reduce(a);
    }
    (*s).clone()
}

#[test]
fn a_future_contracts_mails_wait_for_its_start_unless_asked_otherwise() {
    let future = contract("subscription", 1, "future");
    let html = options(AddState::new(false), future.clone());
    assert!(
        text_between(&html, "<legend", "</legend>").contains("When should the mails go?"),
        "{html}"
    );
    assert!(tag(&html, "send-start").contains(" checked"), "the default");
    assert!(!tag(&html, "send-now").contains(" checked"));
    assert!(html.contains(
        "<label for=\"send-start\">At the contract's start, 1 Jan 2025, 00:00 UTC</label>"
    ));
    assert!(!html.contains("send-at-time"), "no time to type yet");
    let request = AddState::new(false).request(&future, AddInvitations::default());
    assert_eq!(request.send_at, Some(SendAt::ContractStart));
    assert_eq!(
        AddState::new(false).scheduled(&future).as_deref(),
        Some("Scheduled for 1 Jan 2025, 00:00 UTC, the contract's start")
    );

    // Now, when chosen.
    let now = with(vec![AddAction::When(When::Now)]);
    assert_eq!(now.send_at(&future), Ok(SendAt::Now));
    assert_eq!(now.scheduled(&future), None);
    assert!(tag(&options(now, future), "send-now").contains(" checked"));
}

#[test]
fn a_started_contract_cannot_wait_for_its_start_and_says_why() {
    let active = contract("subscription", 1, "active");
    let html = options(AddState::new(false), active.clone());
    let start = tag(&html, "send-start");
    assert!(
        start.contains(" disabled") && !start.contains(" checked"),
        "{start}"
    );
    assert!(start.contains("aria-describedby=\"send-start-why\""));
    assert!(text(&html).contains("The contract has already started."));
    assert!(tag(&html, "send-now").contains(" checked"));
    // Even a start chosen before is now.
    let s = with(vec![AddAction::When(When::ContractStart)]);
    assert_eq!(s.when(&active), When::Now);
    assert_eq!(s.send_at(&active), Ok(SendAt::Now));
}

#[test]
fn a_time_is_typed_in_the_admins_zone_and_one_after_the_end_is_refused() {
    let c = contract("voucher", 1, "active");
    let at = |value: &str| {
        with(vec![
            AddAction::When(When::At),
            AddAction::SendAt(value.into()),
        ])
    };
    let empty = at("");
    let html = options(empty.clone(), c.clone());
    assert!(
        html.contains("<label for=\"send-at-time\">Day and time, in your time zone (UTC)</label>"),
        "{html}"
    );
    let field = tag(&html, "send-at-time");
    assert!(
        field.contains("type=\"datetime-local\"") && field.contains("max=\"2025-12-31T00:00\"")
    );
    assert_eq!(
        empty.send_at(&c),
        Err("Choose the day and time the mails go.".into())
    );
    assert!(field.contains("aria-invalid=\"true\""));

    let late = at("2026-01-05T09:00");
    let refused = "The contract ends on 31 Dec 2025, 00:00 UTC: choose a time before it.";
    assert_eq!(late.send_at(&c), Err(refused.into()));
    let html = options(late.clone(), c.clone());
    assert!(text(&html).contains(refused));
    assert!(tag(&html, "send-at-time").contains("aria-describedby=\"send-at-error\""));
    // Nothing goes with a time refused.
    assert_eq!(late.request(&c, AddInvitations::default()).send_at, None);

    let fine = at("2025-06-01T09:30");
    assert_eq!(
        fine.send_at(&c),
        Ok(SendAt::At {
            at: "2025-06-01T09:30:00Z".into()
        })
    );
    assert_eq!(
        fine.scheduled(&c).as_deref(),
        Some("Scheduled for 1 Jun 2025, 09:30 UTC")
    );
    let html = options(fine, c);
    assert!(
        !html.contains("send-at-error") && !tag(&html, "send-at-time").contains("aria-invalid")
    );
}

#[test]
fn the_group_offers_the_contracts_groups_and_the_language_is_the_contracts_or_chosen() {
    let c = contract("voucher", 1, "future");
    let s = with(vec![
        AddAction::Groups(vec!["Spring A".into(), "Spring B".into()]),
        AddAction::Group(" Spring A ".into()),
        AddAction::Language(Some(MailLanguage::Fr)),
    ]);
    let html = options(s.clone(), c.clone());
    assert!(html.contains("<label for=\"add-group\">Group</label>"));
    assert!(tag(&html, "add-group").contains("list=\"add-groups\""));
    assert!(
        html.contains("<option value=\"Spring A\"") && html.contains("<option value=\"Spring B\"")
    );
    assert!(html.contains("<label for=\"add-language\">Language of the mails</label>"));
    assert!(html.contains("<option value=\"\">The contract's (English)</option>"));
    assert!(
        html.contains("<option lang=\"fr\" value=\"fr\" selected=\"selected\">Français</option>")
    );

    // What the request carries, trimmed; an empty group is none.
    let people = AddInvitations {
        emails: vec!["a@example.com".into()],
        ..AddInvitations::default()
    };
    let request = s.request(&c, people);
    assert_eq!(request.emails, ["a@example.com"]);
    assert_eq!(request.group.as_deref(), Some("Spring A"));
    assert_eq!(request.language, Some(MailLanguage::Fr));
    assert_eq!(request.send_at, Some(SendAt::ContractStart));
    let none = with(vec![AddAction::Group("  ".into())]).request(&c, AddInvitations::default());
    assert_eq!((none.group, none.language), (None, None));

    // A CSV file's rows get the same defaults.
    let import = s.new_import(&c, ImportMode::Check);
    assert_eq!(import.mode, ImportMode::Check);
    assert_eq!(import.group.as_deref(), Some("Spring A"));
    assert_eq!(import.language, Some(MailLanguage::Fr));
    assert_eq!(import.send_at, Some(SendAt::ContractStart));

    // Add more people keeps the options.
    let again = Rc::new(s).reduce(AddAction::AddMore);
    assert_eq!(again.group, " Spring A ");
}

#[test]
fn the_results_say_when_the_mails_go() {
    let when = Some("Scheduled for 1 Jan 2025, 00:00 UTC, the contract's start".to_owned());
    let result: AddResult = serde_json::from_value(serde_json::json!({
        "results": [{"input": "a@example.com", "email": "a@example.com", "outcome": "invited",
                     "invitation_id": "i1", "detail": "Invited."}],
        "summary": {"invited": 1}
    }))
    .unwrap();
    let sent = {
        let (result, when) = (result.clone(), when.clone());
        render(move || sent_view(&Sent::Done(result), when))
    };
    assert!(text(&sent).contains(
        "Scheduled for 1 Jan 2025, 00:00 UTC, the contract's start: nothing is mailed until then"
    ));
    // Nobody invited: nothing is scheduled.
    let mut nobody = result;
    nobody.results[0].outcome = InviteOutcome::AlreadyInvited;
    let html = {
        let when = when.clone();
        render(move || sent_view(&Sent::Done(nobody), when))
    };
    assert!(!html.contains("scheduled-note"));

    // A file: its rows with a time of their own go at theirs.
    let html = render(move || {
        csv_progress(
            &CsvProgress::Finished(done_import()),
            &Callback::noop(),
            when,
        )
    });
    assert!(text(&html).contains("(a row with a send time of its own goes at its own)"));
}
