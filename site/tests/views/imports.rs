//! The imports tab: each import with its status and counts, and a stalled one.

use crate::helpers::*;
use site::api::*;
use site::pages::imports::import_list;
use yew::prelude::*;

fn imports_shown(imports: Vec<Import>) -> String {
    render(move || import_list(&imports, &Default::default(), &Callback::noop()))
}

#[test]
fn the_imports_tab_lists_each_import_with_status_and_counts() {
    let import = Import {
        file_name: Some("photo.png".into()),
        ..new_import(
            "imp2",
            ImportState::Failed,
            Some("The file is not a CSV file."),
        )
    };
    let html = imports_shown(vec![import]);
    let t = text(&html);
    assert!(t.contains("photo.png"));
    assert!(t.contains("Failed: The file is not a CSV file."));
    assert!(t.contains("0 invited · 0 not invited"));
    assert!(html.contains("id=\"show-report-imp2\""));
    let empty = imports_shown(vec![]);
    assert!(text(&empty).contains("No CSV files have been imported"));
}

#[test]
fn a_stalled_import_says_why_and_what_to_do() {
    let import = |state, stalled| Import {
        updated_at: "2025-02-03T09:45:00Z".into(),
        rows_read: 1960,
        stalled: Some(stalled),
        ..new_import("imp3", state, None)
    };
    let never = import(ImportState::Queued, Stall::UploadNeverArrived);
    let quiet = import(ImportState::Running, Stall::NoProgress);
    assert!(
        never.is_finished() && quiet.is_finished(),
        "nothing to wait for"
    );
    let html = imports_shown(vec![never, quiet]);
    let t = text(&html);
    assert!(
        t.contains("Stalled: the file never arrived and its upload link has expired. Upload the file again."),
        "{t}"
    );
    assert!(
        t.contains("Stalled after 1,960 rows: no progress since 3 Feb 2025, 09:45 UTC."),
        "{t}"
    );
    let running = Import {
        rows_read: 980,
        ..new_import("imp4", ImportState::Running, None)
    };
    assert!(!running.is_finished());
}

/// A check invited nobody: the list says what would be (issue 28).
#[test]
fn a_check_in_the_imports_list_says_what_would_be() {
    let check = Import {
        file_name: Some("check.csv".into()),
        rows_read: 5,
        mode: ImportMode::Check,
        counts: ImportCounts {
            invited: 2,
            already_enrolled: 2,
            address_blocked: 1,
            ..ImportCounts::default()
        },
        ..new_import("chk", ImportState::Done, None)
    };
    let html = imports_shown(vec![check, done_import()]);
    let checked = text_between(&html, "id=\"import-counts-chk\"", "</p>");
    assert!(
        checked.contains(
            "Checked: 5 rows read; nothing was sent · 2 would be invited · 3 would not be"
        ),
        "{checked}"
    );
    assert!(!checked.contains("not invited"), "{checked}");
    let imported = text_between(&html, "id=\"import-counts-imp1\"", "</p>");
    assert!(
        imported.contains("Done: 2,000 rows read · 1,990 invited · 10 not invited"),
        "{imported}"
    );
}
