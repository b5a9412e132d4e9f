//! The layout: the main navigation and a contract's tabs.

use crate::helpers::*;
use site::components::layout::{ContractHeader, ContractUnavailable, Header, Tab};
use yew::prelude::*;

#[test]
fn the_main_navigation_offers_people_to_system_administrators_only() {
    let header = |system_admin: bool| {
        render(move || {
            html! { <Header name="Sam" role="System administrator" {system_admin} on_sign_out={Callback::noop()} /> }
        })
    };
    let html = header(true);
    assert!(html.contains("id=\"nav-people\""));
    assert!(html.contains("href=\"/people\""));
    assert!(html.contains("aria-label=\"Main\""));
    let html = header(false);
    assert!(!html.contains("nav-people") && !html.contains("/people"));
}

#[test]
fn the_contract_tabs_lead_to_mail_and_reminders() {
    let c = contract("voucher", 3, "active");
    let html = render(move || html! { <ContractHeader contract={c} current={Tab::Mail} /> });
    let tab = &html[html
        .find("href=\"/contracts/voucher-3/mail\"")
        .expect("a link to the tab")..];
    assert!(tab.contains("Mail and reminders"), "{html}");
    assert!(
        html[..html.find("id=\"tab-mail\"").unwrap()]
            .rfind("aria-current=\"page\"")
            .is_some(),
        "the current tab is marked"
    );
}

/// Issue 28: a contract one may not open is a page with a heading that says why, what to do,
/// and the way back; never an error line alone.
#[test]
fn a_contract_that_cannot_be_opened_says_why_and_leads_back() {
    let named = "You are not an administrator of this learning contract. Its admin is Ada \
                 Lovelace: ask them, or a system administrator, to add you on its Admins tab.";
    for (status, code, detail, heading, advice) in [
        (
            403,
            "forbidden",
            named,
            "You do not manage this learning contract",
            "Its admin is Ada Lovelace: ask them",
        ),
        (
            403,
            "forbidden",
            "",
            "You do not manage this learning contract",
            "ask a system administrator to add you",
        ),
        (
            404,
            "contract_not_found",
            "Something went wrong.",
            "There is no such learning contract",
            "may have been removed",
        ),
        (
            500,
            "internal",
            "Something went wrong.",
            "This learning contract could not be opened",
            "Try again in a moment.",
        ),
    ] {
        let error = problem(status, code, detail);
        let html = render(move || html! { <ContractUnavailable {error} /> });
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{html}");
        assert!(text(&html).contains(advice), "{html}");
        assert!(html.contains("href=\"/contracts\""), "{html}");
        assert!(text(&html).contains("Back to your learning contracts"));
    }
}
