//! The first load: the page is never white while the site's code arrives (issue 28). With the
//! WebAssembly held back (DevTools blocks it, as a slow link would for seconds), index.html's
//! shell shows the product's header and a loading line, and passes the audit; let through, the
//! site replaces the shell. The site is four bundles (issue 33, site/src/bundles.rs): a page
//! downloads the wasm of its own bundle only.

use crate::helpers::{Page, WAIT};
use serde_json::json;

pub async fn the_shell_shows_while_the_code_arrives(page: &Page) {
    page.devtools("Network.enable", json!({})).await;
    page.devtools("Network.setBlockedURLs", json!({ "urls": ["*.wasm"] }))
        .await;
    page.goto("/").await;
    let loading = page.text_with("#shell", "Loading the site").await;
    assert!(loading.contains("Learning Contracts"), "{loading}");
    // It stays the shell: without its code the site never starts, so nothing replaced it.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        page.present("#shell").await && !page.present("[id^='sign-in-']").await,
        "the shell is gone without the site's code: {}",
        page.body_text().await
    );
    page.snapshot("00-loading-shell.png").await;
    page.devtools("Network.setBlockedURLs", json!({ "urls": [] }))
        .await;
    page.goto("/").await;
    page.until("the site to replace its shell", WAIT, async || {
        (!page.present("#shell").await && page.present("[id^='sign-in-']").await).then_some(())
    })
    .await;
    assert_eq!(wasm_loaded(page).await, ["/site_bg.wasm"]);
}

/// The wasm files this page load downloaded, by path.
pub async fn wasm_loaded(page: &Page) -> Vec<String> {
    let loaded = page
        .js(
            "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)\
             .filter((p) => p.endsWith('.wasm'));",
        )
        .await;
    serde_json::from_value(loaded).expect("a list of paths")
}
