//! An import's report: each count with its label.

use crate::helpers::*;
use site::components::import_report::import_report;

#[test]
fn an_import_report_counts_each_outcome() {
    let import = done_import();
    let html = render(move || import_report(&import));
    assert!(text(&html).contains("Duplicate2"));
}

/// A headed file (issue 31): the columns the check read, and those it did not, in words.
#[test]
fn a_report_names_the_columns_read_and_those_not_read() {
    let mut import = done_import();
    import.columns = serde_json::from_value(serde_json::json!([
        {"column": 1, "header": "E-mail", "read_as": "email"},
        {"column": 3, "header": "Cohort", "read_as": "group"},
        {"column": 28, "header": "Send at", "read_as": "send_at"}
    ]))
    .unwrap();
    import.ignored_columns = vec!["Notes".into(), "Phone".into()];
    let html = render(move || import_report(&import));
    tag(&html, "columns-imp1");
    assert!(text(&html).contains(
        "Columns read: A, “E-mail”, as the address; C, “Cohort”, as the group; AB, “Send at”, as the time the mail goes."
    ));
    assert!(text(&html).contains(
        "Columns not read (their headers are not ones the import knows): “Notes”, “Phone”."
    ));
    // A file without a header: the address column by its letter; nothing read yet, nothing said.
    let mut plain = done_import();
    plain.columns = serde_json::from_value(serde_json::json!([
        {"column": 1, "header": null, "read_as": "email"}
    ]))
    .unwrap();
    let html = render(move || import_report(&plain));
    assert!(text(&html).contains("Columns read: A as the address."));
    assert!(!html.contains("ignored-columns"));
    assert!(!render(|| import_report(&done_import())).contains("columns-imp1"));
}
