//! An error message: in words, not codes.

use crate::helpers::*;
use site::components::error::ErrorMessage;
use yew::prelude::*;

#[test]
fn errors_show_the_detail_not_the_code() {
    let error = problem(
        409,
        "contract_expired",
        "This learning contract has expired; no more invitations can be sent for it.",
    );
    let html =
        render(move || html! { <ErrorMessage {error} context="The invitations were not sent" /> });
    let t = text(&html);
    assert!(t.contains("The invitations were not sent. This learning contract has expired"));
    assert!(!t.contains("contract_expired"));
    assert!(html.contains("role=\"alert\""));
}
