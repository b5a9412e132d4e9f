//! A contract's audit (issue 32): the system administrator opens the voucher's Audit tab, reads
//! who did what by name, pages to older entries (the focus on the first of them), filters by an
//! action and a person (kept in the page's address through a reload), exports the filter as
//! CSV and as JSON, and reaches the filters and the buttons by Tab; axe at both widths.

use crate::filters::choose;
use crate::helpers::{Page, WAIT};
use fantoccini::key::Key;
use local_stack::seed::contracts::DATA_SKILLS;

/// The audit's rows as (what, who), once the tab has settled with `wanted` in its address.
async fn shown(page: &Page, wanted: &str) -> Vec<(String, String)> {
    page.until(&format!("the audit for {wanted:?}"), WAIT, async || {
        let v = page
            .js(
                "const rows = [...document.querySelectorAll('#audit-entries tbody tr')];
                 const status = document.getElementById('audit-status');
                 return { at: location.search,
                          busy: !status || status.textContent.includes('Loading'),
                          empty: !!document.getElementById('audit-empty'),
                          rows: rows.map(r => [r.cells[1].textContent, r.cells[2].textContent]) };",
            )
            .await;
        let at = v["at"].as_str().unwrap_or_default();
        if v["busy"] == true || !at.contains(wanted) {
            return None;
        }
        let rows: Vec<(String, String)> = v["rows"]
            .as_array()?
            .iter()
            .map(|r| {
                let cell = |i: usize| r[i].as_str().unwrap_or_default().to_owned();
                (cell(0), cell(1))
            })
            .collect();
        (v["empty"] == true || !rows.is_empty()).then_some(rows)
    })
    .await
}

/// The Audit tab of the voucher: entries with names, older ones on demand.
pub async fn the_audit_says_who_did_what(page: &Page) {
    page.open_contract(DATA_SKILLS).await;
    page.click("tab-audit").await;
    page.text_with("main h1", "").await;
    let rows = shown(page, "").await;
    assert!(
        rows.iter()
            .any(|(_, who)| who.starts_with("Ada Lovelace <")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|(what, _)| what == "Invited"), "{rows:?}");
    // Who is a name, the product, or someone no longer known: never an id.
    assert!(rows.iter().all(|(_, who)| who.contains(' ')), "{rows:?}");
    let title = page.js("return document.title;").await;
    assert!(
        title.as_str().is_some_and(|t| t.starts_with("Audit · ")),
        "{title}"
    );
    page.snapshot("57-audit.png").await;
    if page.present("#audit-more").await {
        let before = rows.len();
        page.press("audit-more", Key::Enter).await;
        page.until_focused(
            "the first older entry to take the focus",
            &format!("audit-entry-{before}"),
        )
        .await;
        assert!(shown(page, "").await.len() > before);
        page.snapshot("57b-audit-older.png").await;
    }
}

/// Filtered by an action and a person, kept through a reload; exported as CSV and JSON.
pub async fn filter_and_export_the_audit(page: &Page) {
    choose(page, "audit-action", "Revoked").await;
    let rows = shown(page, "action=revoke").await;
    assert!(!rows.is_empty(), "nothing revoked in the voucher's audit");
    assert!(rows.iter().all(|(what, _)| what == "Revoked"), "{rows:?}");
    let ada = choose(page, "audit-actor", "Ada Lovelace").await;
    let wanted = format!("actor={ada}");
    let rows = shown(page, &wanted).await;
    assert!(
        rows.iter()
            .all(|(what, who)| what == "Revoked" && who.starts_with("Ada Lovelace <")),
        "{rows:?}"
    );
    // A reload opens the tab on the same filter.
    let url = page.js("return location.href;").await;
    page.goto(url.as_str().unwrap_or_default()).await;
    let again = shown(page, &wanted).await;
    assert_eq!(again, rows);
    assert_eq!(page.value("audit-action").await.as_deref(), Some("revoke"));
    assert_eq!(
        page.value("audit-actor").await.as_deref(),
        Some(ada.as_str())
    );

    page.js(
        "window.exported = [];
         const make = URL.createObjectURL;
         URL.createObjectURL = blob => { blob.text().then(t => window.exported.push(t)); return make(blob); };
         return true;",
    )
    .await;
    page.press("audit-export-csv", Key::Enter).await;
    let said = page.text_with("#audit-export-outcome", "Downloaded").await;
    let n = rows.len();
    assert!(
        said.contains(&format!("audit-{DATA_SKILLS}-"))
            && said.contains(".csv: ")
            && said.ends_with(&format!(": {n} entr{}.", if n == 1 { "y" } else { "ies" })),
        "{said}"
    );
    let file = exported(page, 0).await;
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(lines[0], "at,action,by,by id,subjects,invitation,detail");
    assert_eq!(lines.len(), n + 1, "{file}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains(",Revoked,Ada Lovelace <")),
        "{file}"
    );
    page.click("audit-export-json").await;
    page.text_with("#audit-export-outcome", ".json: ").await;
    let json: serde_json::Value =
        serde_json::from_str(&exported(page, 1).await).expect("the JSON file");
    assert_eq!(json.as_array().map(Vec::len), Some(n), "{json}");
    page.snapshot("58-audit-filtered.png").await;
}

/// The file the page handed to the browser `n`th.
async fn exported(page: &Page, n: usize) -> String {
    let client = &page.client;
    page.until("the exported file", WAIT, async || {
        let v = client
            .execute(&format!("return window.exported[{n}] || null;"), vec![])
            .await
            .ok()?;
        v.as_str().map(str::to_owned)
    })
    .await
}

/// From the Audit tab's link, Tab reaches each filter and both export buttons, in order.
pub async fn the_audit_by_keyboard(page: &Page) {
    page.js("document.querySelector('#tab-audit').closest('a').focus(); return true;")
        .await;
    let mut reached = Vec::new();
    for _ in 0..30 {
        let active = page.client.active_element().await.expect("the focus");
        active.send_keys(&Key::Tab.to_string()).await.expect("Tab");
        let id = page
            .js("return document.activeElement && document.activeElement.id;")
            .await;
        let id = id.as_str().unwrap_or_default().to_owned();
        let done = id == "audit-export-json";
        // A date field's day, month and year are each a stop: the field once.
        if reached.last() != Some(&id) {
            reached.push(id);
        }
        if done {
            break;
        }
    }
    let wanted = [
        "audit-action",
        "audit-actor",
        "audit-from",
        "audit-to",
        "audit-clear",
        "audit-export-csv",
        "audit-export-json",
    ];
    let order: Vec<&str> = reached
        .iter()
        .map(String::as_str)
        .filter(|id| wanted.contains(id))
        .collect();
    assert_eq!(order, wanted, "Tab went {reached:?}");
    // Enter on Clear filters gives the whole audit back.
    page.press("audit-clear", Key::Enter).await;
    let rows = shown(page, "").await;
    assert!(!rows.is_empty());
    assert_eq!(page.js("return location.search;").await, "");
}
