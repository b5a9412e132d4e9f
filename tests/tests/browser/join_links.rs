//! Join links (issue 30): Ada makes a join link for the voucher (5 places, one domain), copies
//! it, shows its QR code, regenerates it, disables and enables it; then a joiner opens it, gives
//! an address at the domain, and through the mailed link lands on the enrol page and enrols.

use crate::common::mail_for;
use crate::helpers::{address, Page};
use fantoccini::key::Key;
use fantoccini::Locator;
use local_stack::seed::contracts::DATA_SKILLS;
use local_stack::Stack;
use serde_json::json;
use testkit::SentMail;

/// The domain the test's link admits: the test's own addresses are there.
const DOMAIN: &str = "browser-e2e.example";

/// The link made on the Join links tab: its id, the link to share, and the one regenerating
/// it retired.
pub struct MadeLink {
    pub id: String,
    pub url: String,
    pub old_url: String,
}

/// The id of the join link row whose text holds `audience`.
async fn link_row(page: &Page, audience: &str) -> String {
    let client = &page.client;
    page.until(
        &format!("a join link row for {audience}"),
        crate::helpers::WAIT,
        async || {
            for row in client
                .find_all(Locator::Css("tr[id^='join-link-']"))
                .await
                .ok()?
            {
                if row.text().await.ok()?.contains(audience) {
                    let id = row.attr("id").await.ok()??;
                    return Some(id.trim_start_matches("join-link-").to_owned());
                }
            }
            None
        },
    )
    .await
}

/// On the voucher's Join links tab, Ada makes a link for one activity, 5 places and the test's
/// domain: listed "0 of 5 used"; Copy says Copied; its QR code names the link; Regenerate asks
/// first, then the link changes; Disable (by keyboard) and Enable say where it stands.
pub async fn make_and_manage_a_join_link(page: &Page, tag: &str) -> MadeLink {
    page.open_contract(DATA_SKILLS).await;
    page.click("tab-join-links").await;
    page.id("join-audience").await;
    assert_eq!(
        page.js("return document.title;").await,
        "Join links · Data Skills Voucher · Learning Contracts"
    );
    let audience = format!("Browser test {tag}");
    page.type_into("join-audience", &audience).await;
    page.set_checked("join-activity-sql-basics", true).await;
    page.type_into("join-max-uses", "5").await;
    page.type_into("join-domains", DOMAIN).await;
    page.click("add-join-link").await;
    let id = link_row(page, &audience).await;
    page.text_with(&format!("#join-link-outcome-{id}"), "is made")
        .await;
    let row = page
        .text_with(&format!("#join-link-{id}"), "0 of 5 used")
        .await;
    for said in [
        "Open",
        &format!("At {DOMAIN}"),
        "SQL Basics",
        "Ada Lovelace",
    ] {
        assert!(row.contains(said), "{said}: {row}");
    }
    let url = page
        .value(&format!("join-link-url-{id}"))
        .await
        .unwrap_or_default();
    assert!(url.contains("/join#code="), "{url}");

    // Copy: the browser lets the page write to the clipboard (headless Chromium asks nobody).
    page.devtools(
        "Browser.grantPermissions",
        json!({ "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] }),
    )
    .await;
    page.click(&format!("copy-join-link-{id}")).await;
    page.text_with(&format!("#copied-{id}"), "Copied.").await;

    page.click(&format!("qr-{id}")).await;
    let label = page
        .attr(&format!("qr-code-{id}"), "aria-label")
        .await
        .unwrap_or_default();
    assert!(label.ends_with(&url), "{label}");
    page.snapshot("40-join-links.png").await;
    page.click(&format!("qr-{id}")).await; // hides it
    assert!(!page.present(&format!("#qr-code-{id}")).await);

    // Regenerate asks first, with the focus on Cancel; Yes makes a new link.
    page.click(&format!("regenerate-{id}")).await;
    page.text_with(
        &format!("#regenerate-question-{id}"),
        "The old link stops working at once.",
    )
    .await;
    page.until_focused("Cancel has the focus", &format!("cancel-regenerate-{id}"))
        .await;
    page.audit("join links, the question before Regenerate")
        .await;
    page.click(&format!("confirm-regenerate-{id}")).await;
    page.text_with(&format!("#join-link-outcome-{id}"), "A new link is made")
        .await;
    let new_url = page
        .value(&format!("join-link-url-{id}"))
        .await
        .unwrap_or_default();
    assert!(
        new_url.contains("/join#code=") && new_url != url,
        "{new_url}"
    );

    // Disable by keyboard, then Enable.
    page.press(&format!("disable-{id}"), Key::Enter).await;
    page.text_with(&format!("#join-link-outcome-{id}"), "Disabled:")
        .await;
    page.text_with(&format!("#join-link-{id}"), "Disabled")
        .await;
    page.click(&format!("enable-{id}")).await;
    page.text_with(&format!("#join-link-outcome-{id}"), "Enabled:")
        .await;
    page.text_with(&format!("#join-link-{id}"), "Open").await;
    page.audit("join links, the link enabled again").await;
    MadeLink {
        id,
        url: new_url,
        old_url: url,
    }
}

/// The one-time link in a join proof mail: `<site>/join#proof=...`.
fn proof_link(mail: &SentMail, site: &str) -> String {
    let text = mail.body.text.clone().unwrap_or_default();
    let start = text
        .find(&format!("{site}/join#proof="))
        .unwrap_or_else(|| panic!("no link to {site}/join#proof= in: {text}"));
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

/// The retired link says it admits nobody. The link opens the joiner's page: the programme,
/// what it admits; an address elsewhere is refused at its field; one at the domain gets "check
/// your mail"; the mail's link lands on the enrol page, and Jo enrols. The tab then counts it.
pub async fn a_joiner_joins_through_the_link(
    page: &Page,
    stack: &Stack,
    tag: &str,
    link: &MadeLink,
) {
    page.goto(&link.old_url).await;
    page.css("section.bad-link h1").await;
    page.audit("a regenerated join link's page").await;

    page.goto(&link.url).await;
    page.text_with("main h1", "Join Data Skills Voucher").await;
    let shown = page
        .text_with("main.student", &format!("Open to addresses at {DOMAIN}"))
        .await;
    for said in ["SQL Basics", "5 places left"] {
        assert!(shown.contains(said), "{said}: {shown}");
    }
    assert_eq!(
        page.js("return document.title;").await,
        "Join Data Skills Voucher · Learning Contracts"
    );
    page.type_into("join-email", &format!("jo.{tag}@elsewhere.example"))
        .await;
    page.click("join-send").await;
    page.text_with("#join-email-error", DOMAIN).await;
    assert_eq!(
        page.attr("join-email", "aria-invalid").await.as_deref(),
        Some("true")
    );
    page.snapshot("41-join-page.png").await;

    let jo = address("jo", tag);
    page.type_into("join-email", &jo).await;
    page.press("join-email", Key::Enter).await;
    let sent = page.text_with("#join-sent", &jo).await;
    assert!(sent.contains("It works for"), "{sent}");
    page.text_with("main h1", "Check your mail").await;
    page.snapshot("42-join-check-mail.png").await;

    let mail = mail_for(&stack.emulators.ses, &jo, 1).await;
    page.goto(&proof_link(mail.last().expect("a mail"), &stack.url))
        .await;
    page.text_with("main.student", "Data Skills Voucher").await;
    page.until("the enrol page", crate::helpers::WAIT, async || {
        let at = page.client.current_url().await.ok()?;
        (at.path() == "/enrol" && at.fragment()?.starts_with("token=")).then_some(())
    })
    .await;
    if page.present("#enrol-name").await {
        page.type_into("enrol-name", "Jo Joiner").await;
    }
    page.audit("the enrol page, reached through a join link")
        .await;
    page.click("enrol").await;
    let enrolled = page.text_with("#enrolled", "is enrolled").await;
    assert_eq!(
        enrolled,
        format!("{jo} is enrolled in Data Skills Voucher.")
    );

    page.goto(&format!("/contracts/{DATA_SKILLS}/join-links"))
        .await;
    page.text_with(&format!("#join-link-{}", link.id), "1 of 5 used")
        .await;
}
