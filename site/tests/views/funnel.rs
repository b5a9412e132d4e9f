//! The funnel and the seats over time.

use crate::helpers::*;
use site::components::funnel::{
    daily, day_key, duration_in_words, median_in_words, parse_day, FunnelView,
};
use yew::prelude::*;

#[test]
fn the_funnel_is_drawn_and_said_in_words() {
    let f = funnel(
        vec![
            ("2026-03-01", 10, 0),
            ("2026-03-04", 30, 6),
            ("2026-03-05", 37, 12),
        ],
        Some(50),
    );
    let today = parse_day("2026-03-07");
    let html = render(move || html! { <FunnelView funnel={f} {today} /> });
    let chart = tag(&html, "funnel-chart");
    assert!(chart.contains("role=\"img\""), "{chart}");
    assert!(
        chart.contains("aria-label=\"Invitation funnel: 40 invited, 36 delivered, 12 enrolled. Beside it: 3 bounced, 2 revoked, 1 expired, 25 pending now.\""),
        "{chart}"
    );
    assert!(text(&html)
        .contains("Median time from invitation to enrolment: about 5 hours (over 12 enrolments)."));
    let seats = tag(&html, "seats-chart");
    assert!(seats.contains("role=\"img\""), "{seats}");
    assert!(
        seats.contains("aria-label=\"Seats used and enrolments per day from 1 Mar 2026 to 7 Mar 2026: now 37 seats used and 12 enrolled, at most 37 seats used; the seat limit is 50.\""),
        "{seats}"
    );
    assert!(html.contains("class=\"limit\""), "the seat limit is drawn");
    // The figures behind the line, in a table on demand.
    let t = text(&html);
    assert!(t.contains("The figures day by day") && t.contains("4 Mar 2026"));
    // People who came through join links are said among those invited, in words too.
    let mut f = funnel(vec![], None);
    f.joined = 7;
    let html = render(move || html! { <FunnelView funnel={f} /> });
    assert!(
        tag(&html, "funnel-chart")
            .contains("12 enrolled. 7 of them came through a join link. Beside it"),
        "{html}"
    );
    assert!(text(&html).contains("7 of them came through a join link."));
    // Without a seat limit or any seats yet.
    let f = funnel(vec![], None);
    let html = render(move || html! { <FunnelView funnel={f} /> });
    assert!(html.contains("id=\"seats-chart-empty\"") && !html.contains("class=\"limit\""));
}

#[test]
fn seats_carry_over_days_without_changes_and_the_median_reads_as_words() {
    let f = funnel(vec![("2026-03-01", 10, 0), ("2026-03-04", 30, 6)], None);
    let days = daily(&f.seats, parse_day("2026-03-05"));
    let figures: Vec<(String, u64, u64)> =
        days.iter().map(|(d, u, e)| (day_key(*d), *u, *e)).collect();
    assert_eq!(
        figures,
        vec![
            ("2026-03-01".into(), 10, 0),
            ("2026-03-02".into(), 10, 0),
            ("2026-03-03".into(), 10, 0),
            ("2026-03-04".into(), 30, 6),
            ("2026-03-05".into(), 30, 6),
        ]
    );
    assert_eq!(duration_in_words(1800), "less than an hour");
    assert_eq!(duration_in_words(3 * 86_400 + 43_200), "about 3 days");
    let mut none = funnel(vec![], None);
    none.median_enrol_seconds = None;
    none.enrolments_timed = 0;
    assert!(median_in_words(&none).contains("none yet"));
    none.median_enrol_seconds = Some(3600 + 1800);
    none.enrolments_timed = 1;
    assert_eq!(
        median_in_words(&none),
        "Median time from invitation to enrolment: about an hour (over 1 enrolment)."
    );
}
