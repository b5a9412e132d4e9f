//! A contract's seats by invitation status, as one stacked SVG bar with a legend in words.
//! Seats are taken by pending and enrolled invitations; revoked ones are shown beside, not in,
//! the bar's seat count.

use crate::api::StatusCounts;
use crate::format;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SeatChartProps {
    pub counts: StatusCounts,
    pub seat_limit: Option<u64>,
    /// Names the chart for screen readers, e.g. the contract's name.
    pub label: AttrValue,
}

/// Segment widths (out of 100) for enrolled, pending and revoked, given the bar's scale.
pub fn segments(counts: &StatusCounts, seat_limit: Option<u64>) -> [f64; 3] {
    let used = counts.enrolled + counts.pending;
    let scale = seat_limit.unwrap_or(0).max(used + counts.revoked).max(1) as f64;
    [counts.enrolled, counts.pending, counts.revoked].map(|n| n as f64 * 100.0 / scale)
}

#[component]
pub fn SeatChart(props: &SeatChartProps) -> Html {
    let c = &props.counts;
    let [enrolled, pending, revoked] = segments(c, props.seat_limit);
    let free = props
        .seat_limit
        .map(|limit| limit.saturating_sub(c.enrolled + c.pending));
    let mut summary = format!(
        "{} enrolled, {} pending, {} revoked",
        format::count(c.enrolled),
        format::count(c.pending),
        format::count(c.revoked)
    );
    if let Some(free) = free {
        summary.push_str(&format!(", {} seats free", format::count(free)));
    }
    let aria = format!("Seats of {}: {summary}", props.label);
    let rect = |class: &'static str, x: f64, w: f64| {
        html! { <rect class={class} x={format::fixed(x, 2)} y="0" width={format::fixed(w, 2)} height="12" /> }
    };
    html! {
        <figure class="seat-chart">
            <svg viewBox="0 0 100 12" preserveAspectRatio="none" role="img" aria-label={aria} focusable="false">
                <rect class="free" x="0" y="0" width="100" height="12" />
                {rect("enrolled", 0.0, enrolled)}
                {rect("pending", enrolled, pending)}
                {rect("revoked", enrolled + pending, revoked)}
            </svg>
            <figcaption aria-hidden="true">
                <span class="key enrolled">{format!("{} enrolled", format::count(c.enrolled))}</span>
                <span class="key pending">{format!("{} pending", format::count(c.pending))}</span>
                <span class="key revoked">{format!("{} revoked", format::count(c.revoked))}</span>
                if let Some(free) = free {
                    <span class="key free">{format!("{} free", format::count(free))}</span>
                }
            </figcaption>
        </figure>
    }
}
