//! A contract's funnel on its Invitations tab: invited -> delivered -> enrolled as bars with
//! bounced, revoked, expired and pending beside them; the median time to enrol in words; and
//! seats used and enrolments day by day as a line chart (values carried over days without
//! changes, the seat limit as a line). Each picture has its figures in words for screen readers
//! (`role="img"` and `aria-label`), and the line chart its days in a table on demand.

use crate::api::{ApiError, Funnel, SeatsOnDay};
use crate::components::error::ErrorMessage;
use crate::format;
use crate::AppContext;
use yew::prelude::*;

/// "about 5 hours", "less than an hour", "about 3 days".
pub fn duration_in_words(seconds: u64) -> String {
    let hours = seconds / 3600;
    let days = seconds / 86_400;
    match (hours, days) {
        (0, _) => "less than an hour".into(),
        (1, _) => "about an hour".into(),
        (h, _) if h < 48 => format!("about {h} hours"),
        (_, d) => format!("about {d} days"),
    }
}

/// "Median time from invitation to enrolment: about 5 hours (over 12 enrolments)."
pub fn median_in_words(f: &Funnel) -> String {
    match f.median_enrol_seconds {
        Some(seconds) if f.enrolments_timed > 0 => format!(
            "Median time from invitation to enrolment: {} (over {} {}).",
            duration_in_words(seconds),
            format::count(f.enrolments_timed),
            if f.enrolments_timed == 1 {
                "enrolment"
            } else {
                "enrolments"
            }
        ),
        _ => "Median time from invitation to enrolment: none yet (nobody has enrolled).".into(),
    }
}

/// Days since 1970-01-01 of `2026-03-01` (no date library: chrono's would add much to the wasm).
pub fn parse_day(day: &str) -> Option<i64> {
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (Some(Some(y)), Some(Some(m @ 1..=12)), Some(Some(d @ 1..=31))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(format::days_from_civil(y, m, d))
}

/// `2026-03-01` of a number of days since 1970-01-01.
pub fn day_key(days: i64) -> String {
    let (y, m, d) = format::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `1 Mar`.
fn short_day(days: i64) -> String {
    let long = format::date(&day_key(days));
    long.rsplit_once(' ')
        .map(|(day_month, _)| day_month.to_owned())
        .unwrap_or(long)
}

/// One point per day (days since 1970-01-01, seats used, enrolled) from the first day with a
/// change to `until` (or the last day with a change, if later): each day without a change
/// carries the day before's figures. The days come oldest first; one out of order is left out.
pub fn daily(seats: &[SeatsOnDay], until: Option<i64>) -> Vec<(i64, u64, u64)> {
    let mut out: Vec<(i64, u64, u64)> = Vec::new();
    for d in seats {
        let Some(day) = parse_day(&d.day) else {
            continue;
        };
        if let Some(&(last, used, enrolled)) = out.last() {
            if day <= last {
                continue;
            }
            out.extend((last + 1..day).map(|gap| (gap, used, enrolled)));
        }
        out.push((day, d.seats_used, d.enrolled));
    }
    if let (Some(&(last, used, enrolled)), Some(until)) = (out.last(), until) {
        out.extend((last + 1..=until).map(|gap| (gap, used, enrolled)));
    }
    out
}

#[derive(Properties, PartialEq)]
pub struct FunnelSectionProps {
    pub contract_id: AttrValue,
}

/// Loads the contract's funnel and shows it.
#[component]
pub fn FunnelSection(props: &FunnelSectionProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let funnel = use_state(|| None::<Result<Funnel, ApiError>>);
    {
        let funnel = funnel.clone();
        use_effect_with(props.contract_id.clone(), move |id| {
            let id = id.clone();
            funnel.set(None);
            ctx.call(
                move |api| async move { api.funnel(&id).await },
                move |result| funnel.set(Some(result)),
            );
        });
    }
    html! {
        <section class="funnel" aria-labelledby="funnel-heading">
            <h2 id="funnel-heading">{"How the invitations are doing"}</h2>
            {match &*funnel {
                None => html! { <p role="status">{"Loading the figures…"}</p> },
                Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the figures" /> },
                Some(Ok(f)) => html! { <FunnelView funnel={f.clone()} today={Some(format::now().timestamp().div_euclid(86_400))} /> },
            }}
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct FunnelViewProps {
    pub funnel: Funnel,
    /// The seats line runs to this day, in days since 1970-01-01 (the figures stay as they were
    /// since the last change).
    #[prop_or_default]
    pub today: Option<i64>,
}

/// The funnel, the median in words and the seats over time.
#[component]
pub fn FunnelView(props: &FunnelViewProps) -> Html {
    let f = &props.funnel;
    html! {
        <div class="funnel-figures">
            <FunnelChart funnel={f.clone()} />
            <p id="funnel-median">{median_in_words(f)}</p>
            <SeatsChart seats={f.seats.clone()} seat_limit={f.seat_limit} today={props.today} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FunnelChartProps {
    pub funnel: Funnel,
}

/// Bars: invited, delivered, enrolled (the funnel), then bounced, revoked, expired and pending.
#[component]
pub fn FunnelChart(props: &FunnelChartProps) -> Html {
    let f = &props.funnel;
    let rows: [(&str, &str, u64); 7] = [
        ("Invited", "invited", f.invited),
        ("Delivered", "delivered", f.delivered),
        ("Enrolled", "enrolled", f.enrolled),
        ("Bounced", "bounced", f.bounced),
        ("Revoked", "revoked", f.revoked),
        ("Expired", "expired", f.expired),
        ("Pending now", "pending", f.pending),
    ];
    let n = format::count;
    // People who came through a join link are among those invited, not a bar of their own.
    let joined = match f.joined {
        0 => String::new(),
        1 => " 1 of them came through a join link.".to_owned(),
        many => format!(" {} of them came through a join link.", n(many)),
    };
    let aria = format!(
        "Invitation funnel: {} invited, {} delivered, {} enrolled.{joined} Beside it: {} bounced, {} revoked, {} expired, {} pending now.",
        n(f.invited),
        n(f.delivered),
        n(f.enrolled),
        n(f.bounced),
        n(f.revoked),
        n(f.expired),
        n(f.pending)
    );
    let scale = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1) as f64;
    // Room on the left for "Pending now" and on the right for "10,000" at a phone's larger
    // type (style.css: at least 12 px as drawn at 320 px).
    const LEFT: f64 = 150.0;
    const WIDTH: f64 = 250.0;
    const ROW: f64 = 26.0;
    // The side figures sit below a gap.
    let y = |i: usize| i as f64 * ROW + if i >= 3 { 14.0 } else { 0.0 };
    let height = y(rows.len()) + 4.0;
    html! {
        <figure class="chart funnel-chart">
            <svg id="funnel-chart" viewBox={format!("0 0 480 {}", format::fixed(height, 0))} role="img" aria-label={aria} focusable="false">
                { for rows.iter().enumerate().map(|(i, (label, class, value))| {
                    let w = (*value as f64 * WIDTH / scale).max(if *value > 0 { 2.0 } else { 0.0 });
                    let top = y(i);
                    html! {
                        <g class={*class}>
                            <text x={format::fixed(LEFT - 8.0, 0)} y={format::fixed(top + 15.0, 1)} text-anchor="end">{*label}</text>
                            <rect x={format::fixed(LEFT, 0)} y={format::fixed(top + 3.0, 1)} width={format::fixed(w, 1)} height="18" rx="2" />
                            <text x={format::fixed(LEFT + w + 6.0, 1)} y={format::fixed(top + 15.0, 1)}>{n(*value)}</text>
                        </g>
                    }
                }) }
                <line class="divider" x1="0" x2="480" y1={format::fixed(y(3) - 5.0, 1)} y2={format::fixed(y(3) - 5.0, 1)} />
            </svg>
            <figcaption>{format!("Of the invitations made: how many mails arrived and how many people enrolled; below, the ones that did not get there.{joined}")}</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct SeatsChartProps {
    pub seats: Vec<SeatsOnDay>,
    pub seat_limit: Option<u64>,
    #[prop_or_default]
    pub today: Option<i64>,
}

/// Seats used and enrolments per day as two lines, the seat limit as a third.
#[component]
pub fn SeatsChart(props: &SeatsChartProps) -> Html {
    let days = daily(&props.seats, props.today);
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return html! { <p class="hint" id="seats-chart-empty">{"No seats used yet, so there is nothing to draw over time."}</p> };
    };
    let top = days
        .iter()
        .map(|(_, used, enrolled)| (*used).max(*enrolled))
        .chain(props.seat_limit)
        .max()
        .unwrap_or(0)
        .max(1);
    // The plot's edges (the axes below are drawn at these, written out).
    const LEFT: f64 = 44.0;
    const RIGHT: f64 = 470.0;
    const TOP: f64 = 10.0;
    const BOTTOM: f64 = 160.0;
    let x = |i: usize| {
        if days.len() == 1 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + (RIGHT - LEFT) * i as f64 / (days.len() - 1) as f64
        }
    };
    let y = |v: u64| BOTTOM - (BOTTOM - TOP) * v as f64 / top as f64;
    let line = |pick: fn(&(i64, u64, u64)) -> u64| {
        days.iter()
            .enumerate()
            .map(|(i, d)| {
                format!(
                    "{},{}",
                    format::fixed(x(i), 1),
                    format::fixed(y(pick(d)), 1)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (_, used_now, enrolled_now) = *last;
    let mut aria = format!(
        "Seats used and enrolments per day from {} to {}: now {} seats used and {} enrolled",
        format::date(&day_key(first.0)),
        format::date(&day_key(last.0)),
        format::count(used_now),
        format::count(enrolled_now)
    );
    let peak = days.iter().map(|d| d.1).max().unwrap_or(0);
    aria.push_str(&format!(", at most {} seats used", format::count(peak)));
    match props.seat_limit {
        Some(limit) => aria.push_str(&format!("; the seat limit is {}.", format::count(limit))),
        None => aria.push_str("; no seat limit."),
    }
    html! {
        <figure class="chart seats-chart">
            <svg id="seats-chart" viewBox="0 0 480 190" role="img" aria-label={aria} focusable="false">
                <line class="axis" x1="44" x2="470" y1="160" y2="160" />
                <line class="axis" x1="44" x2="44" y1="10" y2="160" />
                <text x="38" y="15" text-anchor="end">{format::count(top)}</text>
                <text x="38" y="164" text-anchor="end">{"0"}</text>
                <text x="44" y="182">{short_day(first.0)}</text>
                if days.len() > 1 {
                    <text x="470" y="182" text-anchor="end">{short_day(last.0)}</text>
                }
                if let Some(limit) = props.seat_limit {
                    <line class="limit" x1="44" x2="470"
                        y1={format::fixed(y(limit), 1)} y2={format::fixed(y(limit), 1)} />
                }
                <polyline class="used" points={line(|d| d.1)} />
                <polyline class="enrolled" points={line(|d| d.2)} />
                if days.len() == 1 {
                    <circle class="used" cx={format::fixed(x(0), 1)} cy={format::fixed(y(used_now), 1)} r="3" />
                    <circle class="enrolled" cx={format::fixed(x(0), 1)} cy={format::fixed(y(enrolled_now), 1)} r="3" />
                }
            </svg>
            <figcaption aria-hidden="true">
                <span class="line-key used">{"Seats used"}</span>
                <span class="line-key enrolled">{"Enrolled"}</span>
                if props.seat_limit.is_some() {
                    <span class="line-key limit">{"Seat limit"}</span>
                }
            </figcaption>
            <details class="chart-table">
                <summary>{"The figures day by day"}</summary>
                <table id="seats-table">
                    <caption class="visually-hidden">{"Seats used and enrolled at the end of each day with a change"}</caption>
                    <thead><tr><th scope="col">{"Day"}</th><th scope="col">{"Seats used"}</th><th scope="col">{"Enrolled"}</th></tr></thead>
                    <tbody>
                        { for props.seats.iter().map(|d| html! {
                            <tr><th scope="row">{format::date(&d.day)}</th><td>{format::count(d.seats_used)}</td><td>{format::count(d.enrolled)}</td></tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </figure>
    }
}
