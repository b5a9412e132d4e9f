//! Dates and numbers as people read them. API times are RFC 3339 in UTC; the site shows them in
//! UTC too, so every admin sees the same figure (and native tests give the same text).

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

/// `2025-03-01T10:05:00Z` → `1 Mar 2025, 10:05 UTC`.
pub fn date_time(rfc3339: &str) -> String {
    match rfc3339.get(11..16) {
        Some(time) if rfc3339.len() >= 16 => format!("{}, {time} UTC", date(rfc3339)),
        _ => date(rfc3339),
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
