//! Join links (issue 30): Ada makes a join link for the voucher (5 places, one domain), copies
//! it, shows its QR code, regenerates it, disables and enables it; then a joiner opens it, gives
//! an address at the domain, and through the mailed link lands on the enrol page and enrols.
//! Then Ada makes a link that needs approval: two joiners confirm their addresses through it
//! and are told their request is with the administrators; Ada approves one (an invitation
//! comes by mail) and refuses the other after the question (a mail says so). The waiting list
//! (a full contract) is covered by the view tests: no seeded contract is full.

use crate::common::{enrol_link, mail_for};
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
    row_holding(page, "join-link", audience).await
}

/// The id (after `<prefix>-`) of the first table row with that prefix whose text holds
/// `needle`: a join link (`join-link`), a join request (`request`).
async fn row_holding(page: &Page, prefix: &str, needle: &str) -> String {
    let client = &page.client;
    let css = format!("tr[id^='{prefix}-']");
    page.until(
        &format!("a {prefix} row for {needle}"),
        crate::helpers::WAIT,
        async || {
            for row in client.find_all(Locator::Css(&css)).await.ok()? {
                if row.text().await.ok()?.contains(needle) {
                    let id = row.attr("id").await.ok()??;
                    return Some(id[prefix.len() + 1..].to_owned());
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

/// Ada makes a link for the voucher that needs an administrator's approval (its row says so).
/// Ines and Otto open it (the page says an administrator approves each person), confirm their
/// addresses through the mailed links, and each is told the request is with the
/// administrators. Answers the link's audience.
pub async fn joiners_through_a_link_that_needs_approval_wait(
    page: &Page,
    stack: &Stack,
    tag: &str,
) -> String {
    page.goto(&format!("/contracts/{DATA_SKILLS}/join-links"))
        .await;
    let audience = format!("Approved joiners {tag}");
    page.type_into("join-audience", &audience).await;
    page.set_checked("join-activity-sql-basics", true).await;
    page.set_checked("join-needs-approval", true).await;
    page.click("add-join-link").await;
    let id = link_row(page, &audience).await;
    page.text_with(
        &format!("#join-link-{id}"),
        "Needs an administrator's approval",
    )
    .await;
    let url = page
        .value(&format!("join-link-url-{id}"))
        .await
        .unwrap_or_default();

    for name in ["ines", "otto"] {
        let who = address(name, tag);
        page.goto(&url).await;
        page.text_with(
            "#join-facts",
            "An administrator approves each person who joins",
        )
        .await;
        page.type_into("join-email", &who).await;
        page.click("join-send").await;
        page.text_with("#join-sent", &who).await;
        let mail = mail_for(&stack.emulators.ses, &who, 1).await;
        page.goto(&proof_link(mail.last().expect("a mail"), &stack.url))
            .await;
        page.text_with("main h1", "Your request is with the administrators")
            .await;
        let said = page
            .text_with("#join-awaiting-approval", "when they decide")
            .await;
        assert!(said.contains("Your address is confirmed."), "{said}");
        if name == "ines" {
            assert_eq!(
                page.js("return document.title;").await,
                "Your request is with the administrators · Learning Contracts"
            );
            page.snapshot("43-join-awaiting-approval.png").await;
        }
    }
    audience
}

/// On the tab, the join requests list Ines and Otto with the link they came through. Ada
/// approves Ines: the row goes, the focus is on the section's heading, and Ines's invitation
/// comes by mail. She refuses Otto by keyboard: the question says Otto will be told by mail,
/// with the focus on Cancel; Yes empties the list, and Otto's mail says the request was not
/// accepted.
pub async fn approve_one_join_request_and_refuse_another(
    page: &Page,
    stack: &Stack,
    tag: &str,
    audience: &str,
) {
    let (ines, otto) = (address("ines", tag), address("otto", tag));
    page.goto(&format!("/contracts/{DATA_SKILLS}/join-links"))
        .await;
    let ines_id = row_holding(page, "request", &ines).await;
    let otto_id = row_holding(page, "request", &otto).await;
    page.text_with(&format!("#request-{ines_id}"), audience)
        .await;
    page.snapshot("44-join-requests.png").await;

    page.click(&format!("approve-request-{ines_id}")).await;
    page.text_with("#request-outcome", &format!("{ines} is approved"))
        .await;
    page.until_focused(
        "the requests' heading has the focus",
        "join-requests-heading",
    )
    .await;
    assert!(!page.present(&format!("#request-{ines_id}")).await);
    let mail = mail_for(&stack.emulators.ses, &ines, 2).await;
    let invitation = mail
        .iter()
        .find(|m| {
            m.body
                .text
                .as_deref()
                .unwrap_or_default()
                .contains("/enrol#token=")
        })
        .unwrap_or_else(|| panic!("no invitation for {ines} in {mail:?}"));
    assert!(enrol_link(invitation, &stack.url).contains("/enrol#token="));

    let refuse = format!("refuse-request-{otto_id}");
    page.press(&refuse, Key::Enter).await;
    page.text_with(
        &format!("#question-{refuse}"),
        &format!("{otto} will be told by mail that their request was not accepted."),
    )
    .await;
    page.until_focused("Cancel has the focus", &format!("cancel-{refuse}"))
        .await;
    page.audit("join requests, the question before Refuse")
        .await;
    page.click(&format!("confirm-{refuse}")).await;
    page.text_with("#request-outcome", &format!("{otto}'s request is refused"))
        .await;
    page.text_with("#request-empty", "Nobody waits for approval now.")
        .await;
    page.audit("join requests, all answered").await;
    let mail = mail_for(&stack.emulators.ses, &otto, 2).await;
    assert!(
        mail.iter()
            .any(|m| m.subject == "Your request to join Data Skills Voucher"),
        "{mail:?}"
    );
}
