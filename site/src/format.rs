//! Dates and numbers as people read them. API times are RFC 3339 in UTC. Times of day are shown
//! in the browser's time zone with its offset named ("10:05 UTC+13"); calendar dates as given.
//! Outside a browser (native tests, server rendering) the zone is UTC.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2025-03-01T10:05:00Z` → `1 Mar 2025`. Anything unexpected is shown as given.
pub fn date(rfc3339: &str) -> String {
    let parts = (
        rfc3339.get(0..4),
        rfc3339.get(5..7).and_then(|m| m.parse::<usize>().ok()),
        rfc3339.get(8..10).and_then(|d| d.parse::<u32>().ok()),
    );
    match parts {
        (Some(year), Some(month @ 1..=12), Some(day)) => {
            format!("{day} {} {year}", MONTHS[month - 1])
        }
        _ => rfc3339.to_owned(),
    }
}

/// `2025-03-01T10:05:00Z` → `1 Mar 2025, 23:05 UTC+13` in Auckland, `…, 10:05 UTC` in UTC.
pub fn date_time(rfc3339: &str) -> String {
    date_time_at(rfc3339, local_offset_minutes(rfc3339))
}

/// The browser's offset from UTC at that instant, in minutes east (daylight saving included).
#[cfg(target_arch = "wasm32")]
fn local_offset_minutes(rfc3339: &str) -> i32 {
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    let west = at.get_timezone_offset();
    if west.is_finite() {
        -(west as i32)
    } else {
        0
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn local_offset_minutes(_rfc3339: &str) -> i32 {
    0
}

/// `YYYY-MM-DDTHH:MM...` moved by `offset` minutes: (year, month, day, minute of the day);
/// `None` unless it starts with a date and time.
fn shifted(value: &str, offset: i32) -> Option<(i64, i64, i64, i64)> {
    let field = |range: std::ops::Range<usize>| value.get(range)?.parse::<i64>().ok();
    let separators = (
        value.get(4..5),
        value.get(7..8),
        value.get(10..11),
        value.get(13..14),
    );
    if separators != (Some("-"), Some("-"), Some("T"), Some(":")) {
        return None;
    }
    let (year, month @ 1..=12, day @ 1..=31, hour @ 0..=23, minute @ 0..=59) = (
        field(0..4)?,
        field(5..7)?,
        field(8..10)?,
        field(11..13)?,
        field(14..16)?,
    ) else {
        return None;
    };
    let minutes = days_from_civil(year, month, day) * 1440 + hour * 60 + minute + i64::from(offset);
    let (year, month, day) = civil_from_days(minutes.div_euclid(1440));
    Some((year, month, day, minutes.rem_euclid(1440)))
}

/// A UTC time shown at `offset` minutes east of UTC. Anything unexpected is shown as given.
pub fn date_time_at(rfc3339: &str, offset: i32) -> String {
    let Some((year, month, day, of_day)) = shifted(rfc3339, offset) else {
        return date(rfc3339);
    };
    let zone = match offset {
        0 => "UTC".to_owned(),
        _ => {
            let sign = if offset < 0 { '-' } else { '+' };
            let (h, m) = (offset.abs() / 60, offset.abs() % 60);
            match m {
                0 => format!("UTC{sign}{h}"),
                _ => format!("UTC{sign}{h}:{m:02}"),
            }
        }
    };
    format!(
        "{day} {} {year}, {:02}:{:02} {zone}",
        MONTHS[(month - 1) as usize],
        of_day / 60,
        of_day % 60
    )
}

/// A UTC time as a `datetime-local` field holds it in the browser's zone
/// (`2026-03-01T08:00:00Z` → `2026-03-01T09:00` in Paris in winter); "" for anything else.
pub fn local_input(rfc3339: &str) -> String {
    local_input_at(rfc3339, local_offset_minutes(rfc3339))
}

/// A UTC time as a `datetime-local` value at `offset` minutes east of UTC.
pub fn local_input_at(rfc3339: &str, offset: i32) -> String {
    shifted(rfc3339, offset)
        .map(|(y, m, d, of_day)| {
            format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}", of_day / 60, of_day % 60)
        })
        .unwrap_or_default()
}

/// The browser's time zone now, as the times say it: `UTC`, `UTC+13`, `UTC-3:30`.
pub fn zone() -> String {
    // Any time will do for its shape: the offset is the browser's now.
    let now = now().timestamp();
    let shown = date_time_at("1970-01-01T00:00:00Z", local_offset_at_millis(now * 1000));
    shown.rsplit(' ').next().unwrap_or("UTC").to_owned()
}

#[cfg(target_arch = "wasm32")]
fn local_offset_at_millis(millis: i64) -> i32 {
    let west =
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64)).get_timezone_offset();
    if west.is_finite() {
        -(west as i32)
    } else {
        0
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn local_offset_at_millis(_millis: i64) -> i32 {
    0
}

/// A `datetime-local` field's value (`2026-03-01T09:00`, the admin's own time) as UTC RFC 3339
/// (`2026-03-01T08:00:00Z` in Paris in winter); `None` unless it is a date and time.
pub fn local_to_utc(value: &str) -> Option<String> {
    let value = value.trim();
    #[cfg(target_arch = "wasm32")]
    let offset = {
        // Without an offset, a date and time is read in the browser's zone (daylight saving
        // as it is on that day); its offset is checked below.
        let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
        let west = at.get_timezone_offset();
        if !west.is_finite() {
            return None;
        }
        -(west as i32)
    };
    #[cfg(not(target_arch = "wasm32"))]
    let offset = 0;
    local_to_utc_at(value, offset)
}

/// A `datetime-local` value at `offset` minutes east of UTC, as UTC RFC 3339.
pub fn local_to_utc_at(value: &str, offset: i32) -> Option<String> {
    let (year, month, day, of_day) = shifted(value, -offset)?;
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:00Z",
        of_day / 60,
        of_day % 60
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a number of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The time now, from the browser's clock (chrono has none in wasm); natively the system's.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    #[cfg(target_arch = "wasm32")]
    {
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        chrono::Utc::now()
    }
}

/// A number of at least 0 with `places` decimals (`12.5` at 1), rounded half up: for drawings'
/// coordinates, without the float formatting code (several kilobytes of wasm).
pub fn fixed(value: f64, places: u32) -> String {
    let scale = 10i64.pow(places);
    let n = (value.max(0.0) * scale as f64 + 0.5) as i64;
    match places {
        0 => n.to_string(),
        _ => format!(
            "{}.{:0width$}",
            n / scale,
            n % scale,
            width = places as usize
        ),
    }
}

/// `a`, `a or b`, `a, b or c`.
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// `12345` → `12,345`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 person` / `3 people`.
pub fn people(n: u64) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{} people", count(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_listed_with_or() {
        let list =
            |items: &[&str]| or_list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["corp.example"]), "corp.example");
        assert_eq!(list(&["a.example", "b.example"]), "a.example or b.example");
        assert_eq!(list(&["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn times_are_shown_at_the_browsers_offset_across_days_months_and_years() {
        let at = "2025-12-31T23:59:59Z";
        assert_eq!(date_time_at(at, 0), "31 Dec 2025, 23:59 UTC");
        assert_eq!(date_time_at(at, 13 * 60), "1 Jan 2026, 12:59 UTC+13");
        assert_eq!(date_time_at(at, 5 * 60 + 30), "1 Jan 2026, 05:29 UTC+5:30");
        assert_eq!(
            date_time_at("2024-03-01T02:00:00Z", -3 * 60),
            "29 Feb 2024, 23:00 UTC-3"
        );
        assert_eq!(
            date_time_at("2025-03-01T02:00:00Z", -3 * 60),
            "28 Feb 2025, 23:00 UTC-3"
        );
        assert_eq!(date_time_at("not a time", 60), "not a time");
        // Every day of 400 years round-trips.
        for days in -200_000..=200_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn a_local_date_and_time_is_sent_in_utc() {
        let at = |v, offset| local_to_utc_at(v, offset);
        assert_eq!(
            at("2026-03-01T09:00", 60).as_deref(),
            Some("2026-03-01T08:00:00Z")
        );
        assert_eq!(
            at("2026-01-01T05:29", 5 * 60 + 30).as_deref(),
            Some("2025-12-31T23:59:00Z")
        );
        assert_eq!(
            at("2024-02-28T23:00", -3 * 60).as_deref(),
            Some("2024-02-29T02:00:00Z")
        );
        assert_eq!(
            local_to_utc(" 2026-03-01T09:00 ").as_deref(),
            Some("2026-03-01T09:00:00Z")
        );
        for wrong in [
            "",
            "2026-03-01",
            "2026-13-01T09:00",
            "yesterday",
            "2026-03-01 09:00",
        ] {
            assert_eq!(local_to_utc(wrong), None, "{wrong}");
        }
        assert_eq!(zone(), "UTC");
        // And back: a UTC time as the field shows it in the admin's zone.
        assert_eq!(
            local_input_at("2026-03-01T08:00:00Z", 60),
            "2026-03-01T09:00"
        );
        assert_eq!(
            local_input_at("2025-12-31T23:59:59.5Z", 5 * 60 + 30),
            "2026-01-01T05:29"
        );
        assert_eq!(local_input_at("soon", 0), "");
    }

    #[test]
    fn drawings_coordinates_have_fixed_decimals() {
        assert_eq!(fixed(12.25, 1), "12.3");
        assert_eq!(fixed(3.0, 2), "3.00");
        assert_eq!(fixed(0.004, 2), "0.00");
        assert_eq!(fixed(99.999, 1), "100.0");
        assert_eq!(fixed(141.6, 0), "142");
        assert_eq!(fixed(-1.0, 1), "0.0");
    }

    #[test]
    fn dates_and_counts_read_naturally() {
        assert_eq!(date("2025-03-01T10:05:00Z"), "1 Mar 2025");
        assert_eq!(
            date_time("2025-12-31T23:59:59.123Z"),
            "31 Dec 2025, 23:59 UTC"
        );
        assert_eq!(date("soon"), "soon");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(people(1), "1 person");
        assert_eq!(people(2000), "2,000 people");
    }
}
