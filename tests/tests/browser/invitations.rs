//! The contract's Invitations tab: rows found by search, revoke with a question first, an
//! enrolled row, an invitation's history, the export of what the search shows, bulk revokes and
//! the funnel pictures.

use crate::helpers::{address, Page, WAIT};
use fantoccini::key::Key;
use local_stack::seed::contracts::DATA_SKILLS;

/// Revoke one pending invitation (Kim's, from the file), confirming first. Robin's, also
/// pending, offers Revoke; answers Robin's invitation id.
pub async fn revoke_a_pending_invitation(page: &Page, tag: &str) -> String {
    let robin = address("robin", tag);
    let kim = address("kim", tag);
    page.click("tab-invitations").await;
    let (robin_id, robin_row) = page.invitation_row(&robin).await;
    assert!(robin_row.contains("Pending"), "{robin_row}");
    assert!(
        page.present(&format!("#revoke-{robin_id}")).await,
        "a pending invitation offers Revoke"
    );
    let (kim_id, kim_row) = page.invitation_row(&kim).await;
    assert!(kim_row.contains("Pending"), "{kim_row}");
    assert!(
        kim_row.contains("SQL Basics") && kim_row.contains("Python for Data"),
        "the file's two activities: {kim_row}"
    );
    page.click(&format!("revoke-{kim_id}")).await;
    page.text_with(
        &format!("#invitation-{kim_id} .confirm"),
        &format!("Revoke the invitation to {kim}?"),
    )
    .await;
    page.snapshot("07-revoke-confirm.png").await;
    page.click(&format!("confirm-revoke-{kim_id}")).await;
    let outcome = page.outcome(&kim_id, "Revoked").await;
    assert_eq!(
        outcome,
        format!("Revoked: the link sent to {kim} no longer works.")
    );
    page.text_with(&format!("#invitation-{kim_id}"), "Revoked")
        .await;
    assert!(
        !page.present(&format!("#revoke-{kim_id}")).await,
        "no Revoke once revoked"
    );
    page.snapshot("08-revoke-outcome.png").await;
    robin_id
}

/// Back as the admin: Robin is Enrolled, by name, and Revoke is gone.
pub async fn the_admin_sees_robin_enrolled(page: &Page, tag: &str, robin_id: &str) {
    let robin = address("robin", tag);
    page.open_contract(DATA_SKILLS).await;
    page.text_with("header.top", "Ada Lovelace").await;
    let (id, row) = page.invitation_row(&robin).await;
    assert_eq!(id, robin_id);
    assert!(
        row.contains("Enrolled") && row.contains("Robin External"),
        "{row}"
    );
    assert!(
        !page.present(&format!("#revoke-{robin_id}")).await,
        "an enrolled invitation offers no Revoke"
    );
    page.snapshot("11-admin-sees-enrolled.png").await;
}

/// Robin's history, opened by keyboard from the row: enrolled (by Robin, named from the
/// directory), the mail sent, the invite from the file's first line by Ada; newest first.
pub async fn robin_history_by_keyboard(page: &Page, tag: &str, robin_id: &str) {
    let robin = address("robin", tag);
    let history = format!("history-{robin_id}");
    assert_eq!(
        page.attr(&history, "aria-expanded").await.as_deref(),
        Some("false")
    );
    page.press(&history, Key::Enter).await;
    let entries_css = format!("#history-entries-{robin_id}");
    page.text_with(&entries_css, "Enrolled").await;
    let entries = page
        .js(&format!(
            "return [...document.querySelectorAll('{entries_css} li')].map(li => li.textContent);"
        ))
        .await;
    let entries: Vec<String> = entries
        .as_array()
        .expect("history entries")
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(
        entries[0].contains("Enrolled") && entries[0].contains("by Robin External"),
        "{entries:?}"
    );
    assert!(
        entries[1].contains("Mail sent") && entries[1].contains(&format!("to {robin}")),
        "{entries:?}"
    );
    assert!(
        entries[2].contains("Invited")
            && entries[2].contains("line 1")
            && entries[2].contains("by Ada Lovelace"),
        "{entries:?}"
    );
    assert_eq!(
        page.attr(&history, "aria-expanded").await.as_deref(),
        Some("true")
    );
    page.snapshot("11b-invitation-history.png").await;
}

/// Export what the tab shows (the search for Robin): the button hands the browser a CSV file,
/// caught here as the page makes its link.
pub async fn export_what_the_tab_shows(page: &Page, tag: &str) {
    let robin = address("robin", tag);
    page.js(
        "window.exported = [];
         const make = URL.createObjectURL;
         URL.createObjectURL = blob => { blob.text().then(t => window.exported.push(t)); return make(blob); };
         return true;",
    )
    .await;
    page.press("export-invitations", Key::Enter).await;
    let said = page.text_with("#export-outcome", "Downloaded").await;
    assert!(
        said.contains(&format!("invitations-{DATA_SKILLS}-")) && said.ends_with(": 1 invitation."),
        "{said}"
    );
    let client = &page.client;
    let file = page
        .until("the exported file", WAIT, async || {
            let v = client
                .execute("return window.exported[0] || null;", vec![])
                .await
                .ok()?;
            v.as_str().map(str::to_owned)
        })
        .await;
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(
        lines[0],
        "status,email,name,delivery,invited at,last sent,enrolled at,revoked at,expires at,activities,inviter,import,line"
    );
    assert_eq!(lines.len(), 2, "{file}");
    assert!(
        lines[1].starts_with(&format!("Enrolled,{robin},Robin External,Sent,"))
            && lines[1].contains("SQL Basics")
            && lines[1].contains("Python for Data")
            && lines[1].contains("Ada Lovelace")
            && lines[1].ends_with(",1"),
        "{file}"
    );
    page.snapshot("11c-export.png").await;
}

/// Bulk actions: Robin (enrolled) selected and revoked in bulk is refused in its row.
pub async fn a_bulk_revoke_is_refused_in_its_row(page: &Page, tag: &str) {
    let robin = address("robin", tag);
    page.open_contract(DATA_SKILLS).await;
    let (robin_id, _) = page.invitation_row(&robin).await;
    page.set_checked(&format!("select-{robin_id}"), true).await;
    page.text_with("#bulk-scope", "the 1 selected").await;
    page.click("bulk-revoke").await;
    page.text_with("#bulk-question", "Revoke the selected invitation?")
        .await;
    page.snapshot("27-bulk-revoke-confirm.png").await;
    page.click("bulk-confirm").await;
    let result = page.text_with("#bulk-result", "Revoked: 0").await;
    assert!(
        result.contains("refused for 1") && result.contains("has already enrolled"),
        "{result}"
    );
    page.until_focused("the outcome to have focus", "bulk-outcome")
        .await;
    page.text_with(&format!("#invitation-{robin_id}"), "Enrolled")
        .await;
    page.snapshot("28-bulk-refused-in-its-row.png").await;
}

/// Revoke by email address: the corrected invitation is revoked, an unknown address reported.
pub async fn revoke_by_email_address(page: &Page, tag: &str) {
    let fixed = address("fixed", tag);
    let nobody = address("nobody", tag);
    page.click_css(".bulk summary").await;
    page.type_into("revoke-emails", &format!("{fixed}\n{nobody}"))
        .await;
    page.click("revoke-by-email").await;
    page.text_with("#bulk-question", "Revoke the invitations of 2 addresses?")
        .await;
    page.click("bulk-confirm").await;
    let result = page.text_with("#bulk-result", "Revoked: 1").await;
    assert!(
        result.contains("not found: 1") && result.contains(&nobody),
        "{result}"
    );
    let (_, fixed_row) = page.invitation_row(&fixed).await;
    assert!(fixed_row.contains("Revoked"), "{fixed_row}");
    page.snapshot("29-revoked-by-email.png").await;
}

/// The funnel and the seats over time on the contract's Invitations tab, in words too.
pub async fn the_funnel_pictures(page: &Page) {
    page.click("tab-invitations").await;
    let funnel = page
        .attr("funnel-chart", "aria-label")
        .await
        .unwrap_or_default();
    assert!(
        funnel.starts_with("Invitation funnel: ") && funnel.contains(" enrolled"),
        "{funnel}"
    );
    page.text_with(
        "#funnel-median",
        "Median time from invitation to enrolment:",
    )
    .await;
    let seats = page
        .attr("seats-chart", "aria-label")
        .await
        .unwrap_or_default();
    assert!(
        seats.starts_with("Seats used and enrolments per day"),
        "{seats}"
    );
    page.snapshot("37-funnel.png").await;
}
