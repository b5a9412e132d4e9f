//! A contract's dates on its Admins tab (issue 31, pages/admins/dates.rs): for system
//! administrators only, in the admin's own zone, saying what a change does to waiting mails.

use crate::helpers::*;
use site::api::*;
use site::pages::admins::{dates_form, dates_from, DatesState};
use yew::prelude::*;

fn form(can_change: bool, state: DatesState) -> String {
    let c = contract("subscription", 1, "future");
    render(move || dates_form(can_change, &c, &state, &Callback::noop()))
}

#[test]
fn a_system_administrator_changes_the_dates_in_their_own_zone() {
    let html = form(true, DatesState::Idle);
    assert!(text_between(&html, "<h2", "</h2>").contains("The contract's dates"));
    assert!(text(&html).contains("It runs from 1 Jan 2025, 00:00 UTC to 31 Dec 2025, 00:00 UTC."));
    for (id, label, value) in [
        ("dates-start", "Starts", "2025-01-01T00:00"),
        ("dates-end", "Ends", "2025-12-31T00:00"),
    ] {
        assert!(
            html.contains(&format!(
                "<label for=\"{id}\">{label} (your time zone, UTC)</label>"
            )),
            "{html}"
        );
        let field = tag(&html, id);
        assert!(field.contains("type=\"datetime-local\""), "{field}");
        assert!(field.contains(&format!("value=\"{value}\"")), "{field}");
        assert!(field.contains("aria-describedby=\"dates-effects\""));
    }
    let effects = text(&html);
    assert!(effects.contains("Invitation mails waiting for the contract's start move with it."));
    assert!(effects
        .contains("An end in the past ends the contract: the mails not sent yet are cancelled."));
    assert!(text_between(&html, "id=\"dates-save\"", "</button>").contains("Change dates"));
}

#[test]
fn contract_admins_do_not_see_the_dates_form() {
    assert!(!form(false, DatesState::Idle).contains("dates-form"));
}

#[test]
fn the_dates_are_checked_before_sending_and_every_outcome_is_said() {
    assert_eq!(
        dates_from("2027-03-01T09:00", "2027-06-30T17:30"),
        Ok(ContractDates {
            starts_at: "2027-03-01T09:00:00Z".into(),
            ends_at: "2027-06-30T17:30:00Z".into(),
        })
    );
    assert_eq!(
        dates_from("2027-03-01T09:00", "2027-03-01T09:00"),
        Err("The end must come after the start.".into())
    );
    assert_eq!(
        dates_from("", "2027-03-01T09:00"),
        Err("Give both the start and the end as a day and a time.".into())
    );

    let invalid = form(
        true,
        DatesState::Invalid("The end must come after the start.".into()),
    );
    assert!(tag(&invalid, "dates-error").contains("role=\"alert\""));
    let saving = form(true, DatesState::Saving);
    assert!(tag(&saving, "dates-save").contains(" disabled"));
    assert!(text_between(&saving, "id=\"dates-save\"", "</button>").contains("Saving…"));
    let failed = form(
        true,
        DatesState::Failed(problem(
            403,
            "forbidden",
            "Only system administrators change a learning contract's dates.",
        )),
    );
    assert!(text(&failed).contains(
        "Could not change the dates. Only system administrators change a learning contract's dates."
    ));
    let saved = form(true, DatesState::Saved);
    assert!(text(&saved).contains(
        "Saved. The contract now runs from 1 Jan 2025, 00:00 UTC to 31 Dec 2025, 00:00 UTC."
    ));
}
