//! Invitations from a CSV file: an upload with bad rows and its import report, and a file
//! checked first (every row classified, nobody invited until "Invite these").

use crate::common::mail_for;
use crate::helpers::{address, Page};
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

/// Check a file first: every row classified, nobody invited until "Invite these"; then one
/// mail, from the import, none from the check.
pub async fn check_a_file_first(page: &Page, stack: &Stack, tag: &str) {
    let robin = address("robin", tag);
    let nova = address("nova", tag);
    page.open_contract(DATA_SKILLS).await;
    let _checked = page
        .choose_csv(
            &format!("check-{tag}.csv"),
            &format!("{nova}\n{robin}\nnot-an-address\n"),
        )
        .await;
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("csv-check-first", true).await;
    page.snapshot("30-check-first.png").await;
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
