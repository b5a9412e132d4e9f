//! An import's report: each count with its label.

use crate::helpers::*;
use site::components::import_report::ImportReport;
use yew::prelude::*;

#[test]
fn an_import_report_counts_each_outcome() {
    let import = done_import();
    let html = render(move || html! { <ImportReport {import} /> });
    assert!(text(&html).contains("Duplicate2"));
}
