//! The contracts page: phase, type, seats and the filter.

use crate::helpers::*;
use site::api::*;
use site::pages::contracts::{ContractFilter, ContractList};
use yew::prelude::*;

#[test]
fn contracts_show_phase_type_seats_and_a_seat_chart_and_filter_by_phase() {
    let contracts = vec![
        contract("voucher", 3, "active"),
        contract("subscription", 1, "expired"),
    ];
    let all = contracts.clone();
    let html = render(move || html! { <ContractList contracts={all} /> });
    let t = text(&html);
    assert!(t.contains("Nursing voucher") && t.contains("Nursing subscription"));
    assert!(t.contains("Active") && t.contains("Voucher") && t.contains("8 of 20 seats used"));
    assert!(html.contains("<svg"));
    assert!(html.contains(
        "aria-label=\"Seats of Nursing voucher: 3 enrolled, 5 pending, 2 revoked, 12 seats free\""
    ));

    let filter = ContractFilter {
        phase: Some(Phase::Expired),
        kind: None,
    };
    let html = render(move || html! { <ContractList {contracts} {filter} /> });
    assert!(!text(&html).contains("Nursing voucher"));
    assert!(text(&html).contains("Nursing subscription"));
}
