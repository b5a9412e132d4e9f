//! The seat chart.

use crate::helpers::*;
use site::api::*;
use site::components::seat_chart::SeatChart;
use yew::prelude::*;

#[test]
fn the_seat_chart_scales_to_the_seat_limit() {
    let counts = StatusCounts {
        pending: 5,
        enrolled: 5,
        revoked: 0,
    };
    let html = render(move || html! { <SeatChart {counts} seat_limit={Some(20)} label="C" /> });
    // Enrolled 5 of 20 seats: a quarter of the bar, pending the next quarter.
    assert!(
        html.contains("<rect x=\"0.00\" y=\"0\" width=\"25.00\" height=\"12\" class=\"enrolled\">")
    );
    assert!(
        html.contains("<rect x=\"25.00\" y=\"0\" width=\"25.00\" height=\"12\" class=\"pending\">")
    );
    assert!(text(&html).contains("10 free"));
}
