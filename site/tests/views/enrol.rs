//! The student's enrol page, and links that do not work.

use crate::helpers::*;
use site::pages::enrol::{EnrolState, EnrolView};
use yew::prelude::*;

fn enrol_view(state: EnrolState) -> String {
    render(move || html! { <EnrolView {state} on_enrol={Callback::noop()} /> })
}

#[test]
fn the_student_page_shows_the_contract_and_asks_a_name_only_of_unregistered_addresses() {
    let html = enrol_view(EnrolState::Ready(student_page(false, "pending")));
    let t = text(&html);
    assert!(t.contains("Ann Admin invited new@example.com to the learning contract Nursing 2025."));
    assert!(t.contains("Anatomy") && t.contains("Ethics"));
    assert!(html.contains("<label for=\"enrol-name\">Your name</label>"));
    assert!(!tag(&html, "enrol").contains(" disabled"));
    assert!(text(&html).contains("Enrol"));

    let registered = enrol_view(EnrolState::Ready(student_page(true, "pending")));
    assert!(!registered.contains("enrol-name"));
    assert!(text(&registered).contains("Enrol"));

    let refused = enrol_view(EnrolState::Refused(
        student_page(false, "pending"),
        problem(400, "name_required", "Please enter your name."),
    ));
    assert!(text(&refused).contains("Please enter your name."));
    assert!(!text(&refused).contains("name_required"));

    let done = enrol_view(EnrolState::Enrolled(student_page(true, "enrolled")));
    assert!(text(&done).contains("You are enrolled"));
    assert!(text(&done).contains("new@example.com is enrolled in Nursing 2025."));
    // Issue 28: no dead end: what comes next, under the product's header.
    let next = text(&done);
    assert!(next.contains("What comes next"), "{next}");
    assert!(next.contains("These learning activities are open to you: Anatomy, Ethics."));
    assert!(next.contains("You sign in to them with new@example.com."));
    assert!(next.contains("Questions about the programme go to Ann Admin, who invited you."));
    for html in [&done, &html] {
        assert!(html.contains("<span class=\"brand\">Learning Contracts</span>"));
        assert!(html.contains("href=\"#main\""));
    }
}

#[test]
fn links_that_do_not_work_get_clear_pages() {
    let cases = [
        (410, "revoked", "This invitation has been withdrawn"),
        (410, "superseded", "This link has been replaced"),
        (410, "expired", "This invitation has expired"),
        (404, "unknown_link", "We don't recognise this link"),
        (400, "malformed_link", "This link is incomplete"),
    ];
    for (status, code, heading) in cases {
        let html = enrol_view(EnrolState::BadLink(problem(
            status,
            code,
            "The server's sentence.",
        )));
        assert!(text(&html).contains(heading), "{code}");
        assert!(html.contains(&format!("id=\"link-{code}\"")), "{code}");
        assert!(!html.contains("id=\"enrol\""), "{code}: no Enrol button");
    }
    let html = enrol_view(EnrolState::BadLink(problem(
        410,
        "revoked",
        "This invitation was revoked by the administrator.",
    )));
    assert!(text(&html).contains("This invitation was revoked by the administrator."));
}
