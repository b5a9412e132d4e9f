//! The layout: the main navigation and a contract's tabs.

use crate::helpers::*;
use site::components::layout::{ContractHeader, Header, Tab};
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
