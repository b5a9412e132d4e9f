//! The Invitations tab's filters and order (issue 28): by who invited and by import, the Email
//! column sorted z to a, the days, all kept through a reload; then cleared for the steps after.

use crate::helpers::{address, Page, WAIT};
use serde_json::Value;

/// The order the sorted column's header says.
const ARIA_SORT: &str =
    "const th = document.querySelector('th[aria-sort]'); return th && th.getAttribute('aria-sort');";

/// The addresses the table shows, in its order; `None` until the list has settled (loaded, and
/// the page's address says `wanted`).
async fn shown_rows(page: &Page, wanted: &str) -> Option<Vec<String>> {
    let shown = page
        .js(
            "const rows = [...document.querySelectorAll(\"tr[id^='invitation-'] td.email\")];
             return { at: location.search,
                      loading: !document.querySelector('section[aria-label=Invitations]'),
                      none: !!document.querySelector('section[aria-label=Invitations] .empty'),
                      rows: rows.map(r => r.textContent) };",
        )
        .await;
    let at = shown["at"].as_str().unwrap_or_default();
    if shown["loading"] == true || !at.contains(wanted) {
        return None;
    }
    let rows: Vec<String> = shown["rows"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    (shown["none"] == true || !rows.is_empty()).then_some(rows)
}

/// Waits until the table shows exactly `rows`, in this order, with `wanted` in the address.
async fn until_rows(page: &Page, what: &str, wanted: &str, rows: &[String]) {
    page.until(what, WAIT, async || {
        (shown_rows(page, wanted).await.as_deref() == Some(rows)).then_some(())
    })
    .await;
}

/// Picks the option of select `id` whose text starts with `label`; its value.
pub async fn choose(page: &Page, id: &str, label: &str) -> String {
    let select = page.id(id).await;
    let value = page
        .until(&format!("{label} offered in #{id}"), WAIT, async || {
            let found = page
                .js(&format!(
                    "const o = [...document.querySelectorAll('#{id} option')]
                         .find(o => o.textContent.startsWith({label:?}));
                     return o ? o.value : null;"
                ))
                .await;
            found.as_str().map(str::to_owned)
        })
        .await;
    select.select_by_value(&value).await.expect("choosing");
    value
}

/// Sets a day field as a date picker would, and says so (a change event).
pub async fn set_day(page: &Page, id: &str, day: &str) {
    page.id(id).await;
    page.js(&format!(
        "const i = document.getElementById('{id}'); i.value = '{day}';
         i.dispatchEvent(new Event('change', {{ bubbles: true }}));"
    ))
    .await;
}

/// Ada narrows the tab to what she invited, then to her CSV upload (Robin and Kim), sorts the
/// addresses z to a, bounds the days, and reloads: the page comes back the same. Clear filters
/// and the header give the tab back as it was.
pub async fn filter_by_inviter_and_import_and_sort(page: &Page, tag: &str) {
    let path = page.js("return location.pathname;").await;
    page.goto(path.as_str().unwrap_or_default()).await;
    let (robin, kim) = (address("robin", tag), address("kim", tag));

    let ada = choose(page, "filter-inviter", "Ada Lovelace").await;
    let by_ada = format!("invited_by={ada}");
    let rows = page
        .until("the invitations Ada made", WAIT, async || {
            shown_rows(page, &by_ada).await.filter(|r| !r.is_empty())
        })
        .await;
    assert!(rows.contains(&robin) && rows.contains(&kim), "{rows:?}");
    let invited = page
        .js("return [...document.querySelectorAll(\"tr[id^='invitation-'] td[data-label=Invited]\")].map(c => c.textContent);")
        .await;
    assert!(
        invited.as_array().is_some_and(|c| c
            .iter()
            .all(|c| c.as_str().unwrap_or_default().starts_with("Ada Lovelace"))),
        "{invited}"
    );

    let import = choose(page, "filter-import", &format!("team-{tag}.csv")).await;
    let from_file = format!("import={import}");
    until_rows(
        page,
        "Robin and Kim, from the file",
        &from_file,
        &[kim.clone(), robin.clone()],
    )
    .await;

    page.click("sort-email").await;
    until_rows(page, "z to a", "sort=-email", &[robin.clone(), kim.clone()]).await;
    assert_eq!(page.js(ARIA_SORT).await, "descending");

    // The days, in UTC: none the day before yesterday; yesterday to today, both.
    let day = |back: i64| {
        (chrono::Utc::now() - chrono::Duration::days(back))
            .format("%Y-%m-%d")
            .to_string()
    };
    set_day(page, "filter-to", &day(2)).await;
    until_rows(
        page,
        "nothing invited two days ago",
        &format!("invited_to={}", day(2)),
        &[],
    )
    .await;
    set_day(page, "filter-from", &day(1)).await;
    set_day(page, "filter-to", &day(0)).await;
    let days = format!("invited_from={}&invited_to={}", day(1), day(0));
    until_rows(
        page,
        "yesterday and today",
        &days,
        &[robin.clone(), kim.clone()],
    )
    .await;

    // A reload opens the tab on the same filters and order.
    let at = page.js("return location.pathname + location.search;").await;
    page.goto(at.as_str().unwrap_or_default()).await;
    until_rows(
        page,
        "the same after a reload",
        &days,
        &[robin.clone(), kim.clone()],
    )
    .await;
    page.until("the filters read back from the address", WAIT, async || {
        let fields = page
            .js(
                "return ['filter-inviter', 'filter-import', 'filter-from', 'filter-to']
                     .map(id => document.getElementById(id).value);",
            )
            .await;
        (fields == serde_json::json!([ada, import, day(1), day(0)])).then_some(())
    })
    .await;
    assert_eq!(page.js(ARIA_SORT).await, "descending");
    page.js("document.getElementById('invitation-search').scrollIntoView();")
        .await;
    page.snapshot("11d-filters.png").await;

    // Cleared, and a to z again: the steps after see the whole tab.
    page.click("clear-filters").await;
    page.until("the filters cleared", WAIT, async || {
        let at = page.js("return location.search;").await;
        (at == "?sort=-email").then_some(())
    })
    .await;
    page.click("sort-email").await;
    page.until("a to z again", WAIT, async || {
        let at = page.js("return location.search;").await;
        (at == "" && page.js(ARIA_SORT).await == "ascending").then_some(())
    })
    .await;
}
