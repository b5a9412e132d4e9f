//! An import's report: each count with its label.

use crate::helpers::*;
use site::components::import_report::import_report;

#[test]
fn an_import_report_counts_each_outcome() {
    let import = done_import();
    let html = render(move || import_report(&import));
    assert!(text(&html).contains("Duplicate2"));
}
