//! Join links (issue 30): Ada makes a join link for the voucher (5 places, one domain), copies
//! it, shows its QR code, regenerates it, disables and enables it; then a joiner opens it, gives
//! an address at the domain, and through the mailed link lands on the enrol page and enrols.
//! Then Ada makes a link that needs approval: two joiners confirm their addresses through it
//! and are told their request is with the administrators; Ada approves one (an invitation
//! comes by mail) and refuses the other after the question (a mail says so). Last, the waiting
//! list: with the voucher made full, Ada puts two people pasted on it, moves the second up, a
//! revoked place goes to the first in line by mail, and she removes the last.

use crate::common::{enrol_link, mail_for};
use crate::helpers::{address, Page};
use fantoccini::key::Key;
use fantoccini::Locator;
use invitations_core::domain::{Contract, ContractId};
use invitations_core::ports::ContractStore;
use local_stack::seed::contracts::DATA_SKILLS;
use local_stack::Stack;
use serde_json::{json, Value};
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

/// Sets the voucher's seat limit in the table (no page sets one) to what `limit` makes of the
/// contract as it is now; answers the limit it had.
async fn set_the_voucher_seat_limit(
    stack: &Stack,
    limit: impl FnOnce(&Contract) -> Option<u64>,
) -> Option<u64> {
    let id = ContractId::parse(DATA_SKILLS).expect("the voucher's id");
    let mut contract = stack
        .store
        .get_contract(&id)
        .await
        .expect("reading the voucher")
        .expect("the seeded voucher");
    let had = contract.seat_limit;
    contract.seat_limit = limit(&contract);
    stack
        .store
        .put_contract(&contract)
        .await
        .expect("writing the voucher");
    had
}

/// The waiting list's rows as the tab shows them: (place, who, through the link).
async fn waiting_rows(page: &Page) -> Vec<(String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let rows = page.cells("tr[id^='waiting-']").await;
    rows.as_array()
        .expect("the waiting list's rows")
        .iter()
        .map(|r| (text(&r[0]), text(&r[1]), text(&r[2])))
        .collect()
}

/// Every seat of the voucher is taken (its limit set to the seats used: no seeded contract is
/// full). Ada pastes Uma's and Vic's addresses on the Add page, ticks "Put people over the seat
/// limit on the waiting list" and invites: both are "On the waiting list". Answers the seat
/// limit the voucher had, to put back.
pub async fn over_the_seat_limit_onto_the_waiting_list(
    page: &Page,
    stack: &Stack,
    tag: &str,
) -> Option<u64> {
    let had = set_the_voucher_seat_limit(stack, |c| Some(c.counts.seats_used())).await;
    let (uma, vic) = (address("uma", tag), address("vic", tag));
    page.open_contract(DATA_SKILLS).await;
    page.click("add-invitations").await;
    page.click("method-paste").await;
    page.type_into("paste-addresses", &format!("{uma}\n{vic}\n"))
        .await;
    page.text_with("#paste-found", "2 addresses found.").await;
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("activity-python-data", false).await;
    page.set_checked("activity-dashboards", false).await;
    page.set_checked("over-limit-wait", true).await;
    page.click("add-users").await;
    let results = page.text_with("#results-heading", "invited").await;
    assert_eq!(results, "0 people invited, 2 not");
    let rows = page.cells("section.results tbody tr").await;
    let outcomes: Vec<(&str, &str)> = rows
        .as_array()
        .expect("results")
        .iter()
        .map(|r| (r[0].as_str().unwrap(), r[1].as_str().unwrap()))
        .collect();
    let waiting = "On the waiting list";
    assert_eq!(
        outcomes,
        vec![(uma.as_str(), waiting), (vic.as_str(), waiting)]
    );
    page.snapshot("45-over-the-seat-limit-waiting.png").await;
    had
}

/// On the Join links tab the waiting list has Uma then Vic, "Invited by an administrator over
/// the seat limit"; Ada moves Vic up by keyboard. She revokes Ines's place: Vic, now first, is
/// invited by mail and the list keeps Uma only; she removes Uma after the question, and the
/// list is empty. The voucher's seat limit is put back (`had`).
pub async fn a_freed_seat_goes_to_the_first_in_line(
    page: &Page,
    stack: &Stack,
    tag: &str,
    had: Option<u64>,
) {
    let (uma, vic) = (address("uma", tag), address("vic", tag));
    let tab = format!("/contracts/{DATA_SKILLS}/join-links");
    page.goto(&tab).await;
    let uma_id = row_holding(page, "waiting", &uma).await;
    let vic_id = row_holding(page, "waiting", &vic).await;
    let by_admin = "Invited by an administrator over the seat limit".to_owned();
    assert_eq!(
        waiting_rows(page).await,
        vec![
            ("1".into(), uma.clone(), by_admin.clone()),
            ("2".into(), vic.clone(), by_admin.clone()),
        ]
    );
    page.press(&format!("up-waiting-{vic_id}"), Key::Enter)
        .await;
    page.text_with(
        "#waiting-outcome",
        &format!("{vic} is now number 1 in line."),
    )
    .await;
    // First in line, Vic has no Up: the focus stays in the row, on Down.
    page.until_focused(
        "Vic's Down has the focus",
        &format!("down-waiting-{vic_id}"),
    )
    .await;
    let order: Vec<_> = waiting_rows(page).await.into_iter().map(|r| r.1).collect();
    assert_eq!(order, vec![vic.clone(), uma.clone()]);
    page.snapshot("46-waiting-list.png").await;

    revoke_ines(page, tag).await;
    let mail = mail_for(&stack.emulators.ses, &vic, 1).await;
    assert!(enrol_link(&mail[0], &stack.url).contains("/enrol#token="));
    let invited = |m: &SentMail| {
        m.body
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("/enrol#")
    };
    let uma_mail = mail_for(&stack.emulators.ses, &uma, 0).await;
    assert!(
        !uma_mail.iter().any(invited),
        "Uma still waits: {uma_mail:?}"
    );
    // The promotion took Vic off the line in the transaction that invited him, so the mail
    // having come, the tab read again shows Uma alone.
    page.goto(&tab).await;
    page.text_with(&format!("#waiting-{uma_id}"), &uma).await;
    assert_eq!(
        waiting_rows(page).await,
        vec![("1".into(), uma.clone(), by_admin)]
    );
    remove_from_the_waiting_list(page, &uma, &uma_id).await;
    set_the_voucher_seat_limit(stack, |_| had).await;
}

/// On the Invitations tab, Ada revokes Ines's invitation (approved through the link that needs
/// approval): her seat frees.
async fn revoke_ines(page: &Page, tag: &str) {
    let ines = address("ines", tag);
    page.click("tab-invitations").await;
    let (id, row) = page.invitation_row(&ines).await;
    assert!(row.contains("Pending"), "{row}");
    page.click(&format!("revoke-{id}")).await;
    page.click(&format!("confirm-revoke-{id}")).await;
    page.outcome(&id, "Revoked").await;
}

/// Remove asks first (they are not told); Yes takes `who` off, and the list says it is empty.
async fn remove_from_the_waiting_list(page: &Page, who: &str, entry: &str) {
    let remove = format!("remove-waiting-{entry}");
    page.click(&remove).await;
    page.text_with(
        &format!("#question-{remove}"),
        &format!("Remove {who} from the waiting list?"),
    )
    .await;
    page.click(&format!("confirm-{remove}")).await;
    page.text_with(
        "#waiting-outcome",
        &format!("{who} is off the waiting list."),
    )
    .await;
    page.text_with("#waiting-empty", "Nobody is on the waiting list now.")
        .await;
    page.snapshot("47-waiting-list-emptied.png").await;
}
