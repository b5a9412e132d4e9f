//! "Your notifications for this contract" on the Mail and reminders tab (issue 31,
//! pages/mail/notices.rs), and the tab's reducer keeping them.

use crate::helpers::*;
use site::api::*;
use site::pages::mail::{notices_form, MailAction, MailState, Request};
use std::rc::Rc;
use yew::prelude::*;

fn chosen(enrolments: EnrolmentNotices, seat_alerts: bool) -> NotificationSettings {
    NotificationSettings {
        enrolments,
        seat_alerts,
    }
}

fn form(state: MailState, c: Contract) -> String {
    render(move || notices_form(&state, &c, &Callback::noop(), &Callback::noop()))
}

fn with(notices: NotificationSettings, save: Request<()>) -> MailState {
    MailState {
        notices: Some(Ok(notices)),
        notices_save: save,
        ..MailState::default()
    }
}

#[test]
fn each_admin_chooses_how_they_hear_of_enrolments_and_seats() {
    let c = contract("voucher", 1, "active");
    let html = form(
        with(chosen(EnrolmentNotices::Daily, true), Request::Idle),
        c.clone(),
    );
    assert!(text_between(&html, "<h2", "</h2>").contains("Your notifications for this contract"));
    assert!(text(&html).contains("each admin chooses their own"));
    assert!(text_between(&html, "<legend", "</legend>").contains("When someone enrols"));
    for (id, label) in [
        ("notices-each", "A mail for each enrolment"),
        ("notices-daily", "A daily digest (one mail a day at most)"),
        ("notices-off", "No mail"),
    ] {
        assert!(tag(&html, id).contains("type=\"radio\""));
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{id}"
        );
    }
    assert!(tag(&html, "notices-daily").contains(" checked"));
    assert!(!tag(&html, "notices-each").contains(" checked"));
    assert!(tag(&html, "seat-alerts").contains(" checked"));
    assert!(text(&html).contains("Mail me when 90% of the seats are used and when none are left"));
    assert!(
        text_between(&html, "id=\"notices-save\"", "</button>").contains("Save my notifications")
    );
    // A contract without a seat limit says why no such mail comes.
    let mut unlimited = c;
    unlimited.seat_limit = None;
    let html = form(
        with(chosen(EnrolmentNotices::Off, false), Request::Idle),
        unlimited,
    );
    assert!(tag(&html, "seat-alerts").contains("aria-describedby=\"seat-alerts-hint\""));
    assert!(!tag(&html, "seat-alerts").contains(" checked"));
}

#[test]
fn loading_saving_and_failing_are_said() {
    let c = contract("voucher", 1, "active");
    assert!(text(&form(MailState::default(), c.clone())).contains("Loading your notifications…"));
    let failed = MailState {
        notices: Some(Err(problem(
            403,
            "forbidden",
            "You do not manage this contract.",
        ))),
        ..MailState::default()
    };
    assert!(text(&form(failed, c.clone()))
        .contains("Could not load your notifications. You do not manage this contract."));
    let n = chosen(EnrolmentNotices::Each, false);
    let saving = form(with(n.clone(), Request::Working), c.clone());
    assert!(tag(&saving, "notices-save").contains(" disabled"));
    let saved = form(with(n.clone(), Request::Done(())), c.clone());
    assert!(tag(&saved, "notices-saved").contains("role=\"status\""));
    let refused = form(
        with(
            n,
            Request::Failed(problem(400, "invalid_body", "enrolments: not a choice.")),
        ),
        c,
    );
    assert!(text(&refused).contains("Could not save your notifications. enrolments: not a choice."));
}

#[test]
fn the_reducer_keeps_the_choice_when_the_contract_arrives_and_after_saving() {
    let c = contract("voucher", 1, "active");
    let daily = chosen(EnrolmentNotices::Daily, true);
    let s = Rc::new(MailState::default()).reduce(MailAction::NoticesLoaded(Ok(daily.clone())));
    // The contract read after the notifications does not drop them.
    let s = s.reduce(MailAction::Loaded(c));
    assert_eq!(s.notices, Some(Ok(daily)));
    let off = chosen(EnrolmentNotices::Off, false);
    let s = s.reduce(MailAction::Notices(off.clone()));
    assert_eq!(s.notices_save, Request::Idle);
    let s = s.reduce(MailAction::NoticesSaving);
    assert!(matches!(s.notices_save, Request::Working));
    let s = s.reduce(MailAction::NoticesSaved(Ok(off.clone())));
    assert_eq!(
        (s.notices.clone(), s.notices_save.clone()),
        (Some(Ok(off)), Request::Done(()))
    );
}
