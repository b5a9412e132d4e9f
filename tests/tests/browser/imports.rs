//! Invitations from a CSV file: the example file, an upload with bad rows and its import
//! report, and a file checked first (the step says nothing is sent; every row classified,
//! nobody invited until "Invite these"; the Imports tab says what the check would do).

use crate::common::mail_for;
use crate::helpers::{address, Page, TempCsv, WAIT};
use local_stack::seed::contracts::DATA_SKILLS;
use local_stack::Stack;
use serde_json::json;

/// Add Invitations -> Upload CSV with bad rows, for two of the three activities: Robin and Kim
/// invited, the bad rows listed with their line numbers.
pub async fn upload_a_csv_with_bad_rows(page: &Page, tag: &str) {
    let robin = address("robin", tag);
    let kim = address("kim", tag);
    let _csv = page
        .choose_csv(
            &format!("team-{tag}.csv"),
            &format!(
                "{robin}\nnot-an-address\n{kim}\n{}\n\nada@@broken\n",
                robin.to_uppercase()
            ),
        )
        .await;
    page.text_with(".drop .chosen", &format!("team-{tag}.csv"))
        .await;
    page.text_with("#step-2", "Step 2 of 2").await;
    assert!(
        !page.id("add-users").await.is_enabled().await.unwrap(),
        "Add Users waits for an activity"
    );
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("activity-python-data", true).await;
    page.set_checked("activity-dashboards", false).await;
    page.snapshot("03-csv-step-2.png").await;
    page.click("add-users").await;
    page.until_import("the import to finish", "Import finished")
        .await;
    let state = page.text_with(".import-report .import-state", "Done").await;
    let counts = page.import_counts().await;
    assert_eq!(
        (
            &counts["Invited"],
            &counts["Invalid email"],
            &counts["Duplicate"]
        ),
        (&json!("2"), &json!("2"), &json!("1")),
        "{state}: {counts}"
    );
    let bad_rows = page.cells(".import-report table.bad-rows tbody tr").await;
    let bad: Vec<(String, String)> = bad_rows
        .as_array()
        .expect("bad rows")
        .iter()
        .map(|r| (r[0].as_str().unwrap().into(), r[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        bad,
        vec![
            ("2".into(), "not-an-address".into()),
            ("4".into(), robin.to_uppercase()),
            ("6".into(), "ada@@broken".into()),
        ],
        "the first bad rows, with line numbers: {bad_rows}"
    );
    page.snapshot("04-import-report.png").await;
}

/// The example CSV beside the upload (issue 28): example.csv, three addresses, one a line, no
/// header row.
pub async fn the_example_csv_has_three_addresses(page: &Page) {
    page.click("add-more").await;
    page.click("method-csv").await;
    assert_eq!(
        page.attr("example-csv", "download").await.as_deref(),
        Some("example.csv")
    );
    let href = page.attr("example-csv", "href").await.unwrap_or_default();
    let file = href
        .strip_prefix("data:text/csv;charset=utf-8,")
        .unwrap_or_else(|| panic!("a CSV in the link: {href}"))
        .replace("%40", "@")
        .replace("%0A", "\n");
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(lines.len(), 3, "{file}");
    assert!(
        lines.iter().all(|l| l.contains('@') && !l.contains(',')),
        "{file}"
    );
    page.text_with("#csv-help", "Download an example CSV").await;
}

/// With "Check the file first" ticked, the step says that nothing is sent (issue 28): its
/// heading checks the file, a line says so, and the button is Check the file. Answers the file
/// chosen, which lives until the check is done.
pub async fn a_check_says_nothing_is_sent(page: &Page, tag: &str) -> TempCsv {
    let robin = address("robin", tag);
    let nova = address("nova", tag);
    page.open_contract(DATA_SKILLS).await;
    let checked = page
        .choose_csv(
            &format!("check-{tag}.csv"),
            &format!("{nova}\n{robin}\nnot-an-address\n"),
        )
        .await;
    page.set_checked("activity-sql-basics", true).await;
    page.text_with("#add-users", "Add Users").await;
    page.set_checked("csv-check-first", true).await;
    page.text_with(
        "#step-2",
        &format!("Step 2 of 2: check the addresses in check-{tag}.csv"),
    )
    .await;
    page.text_with(
        "#nothing-sent",
        "Nothing is sent: you see what would happen first.",
    )
    .await;
    let button = page.text_with("#add-users", "Check").await;
    assert_eq!(button, "Check the file");
    page.snapshot("30-check-first.png").await;
    checked
}

/// Check a file first (chosen and ticked by `a_check_says_nothing_is_sent`): every row
/// classified, nobody invited until "Invite these"; then one mail, from the import, none from
/// the check.
pub async fn check_a_file_first(page: &Page, stack: &Stack, tag: &str) {
    let nova = address("nova", tag);
    page.click("add-users").await;
    page.until_import("the check to finish", "Check finished")
        .await;
    let report = page
        .text_with(".import-report .import-state", "nothing was sent")
        .await;
    let counts = page.import_counts().await;
    assert_eq!(
        (
            &counts["Would be invited"],
            &counts["Already enrolled"],
            &counts["Invalid email"]
        ),
        (&json!("1"), &json!("1"), &json!("1")),
        "{report}: {counts}"
    );
    let invite = page.text_with("#invite-checked", "Invite").await;
    assert_eq!(invite, "Invite this person");
    page.snapshot("31-check-finished.png").await;
    page.click("invite-checked").await;
    page.until_import(
        "the import of the checked file to finish",
        "Import finished",
    )
    .await;
    page.text_with(".import-report .import-state", "Done").await;
    page.snapshot("32-checked-file-invited.png").await;
    let mail = mail_for(&stack.emulators.ses, &nova, 1).await;
    assert_eq!(
        mail.len(),
        1,
        "one mail, from the import, none from the check"
    );
}

/// The Imports tab says what a check would have done, not what it did (issue 28): nothing was
/// sent, one would be invited, two would not be.
pub async fn the_imports_tab_says_what_a_check_would_do(page: &Page, tag: &str) {
    page.click("tab-imports").await;
    let client = &page.client;
    let file = format!("check-{tag}.csv");
    let line = page
        .until("the check in the Imports list", WAIT, async || {
            let v = client
                .execute(
                    "return [...document.querySelectorAll('.imports li.import')]
                        .filter(li => li.querySelector('h3').textContent === arguments[0])
                        .map(li => li.querySelector('[id^=import-counts-]').textContent)
                        .find(t => t.startsWith('Checked')) || null;",
                    vec![json!(file)],
                )
                .await
                .ok()?;
            v.as_str().map(str::to_owned)
        })
        .await;
    assert!(
        line.ends_with("nothing was sent · 1 would be invited · 2 would not be"),
        "{line}"
    );
    page.snapshot("32b-imports-check.png").await;
}
