//! The per-row report: a CSV a person opens in a spreadsheet.

/// Shared with the admin API's export (the domain crate holds it).
pub use invitations_core::domain::import::neutralise;

pub const HEADER: [&str; 4] = ["line", "value", "outcome", "detail"];

/// One report line, CSV-encoded.
pub fn line(
    writer: &mut csv::Writer<Vec<u8>>,
    line: u64,
    value: &str,
    outcome: &str,
    detail: &str,
) {
    writer
        .write_record([
            line.to_string(),
            neutralise(value),
            outcome.to_owned(),
            neutralise(detail),
        ])
        .expect("writing to memory cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_values_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("ann@example.com"), "ann@example.com");
    }

    #[test]
    fn quoting_is_left_to_csv() {
        let mut w = csv::Writer::from_writer(Vec::new());
        line(
            &mut w,
            3,
            "a,\"b\"",
            "invalid_email",
            "invalid email address: missing @",
        );
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "3,\"a,\"\"b\"\"\",invalid_email,invalid email address: missing @\n"
        );
    }
}
