//! Privacy requests (issue 32), as the seeded system administrator: Privacy, from the main
//! navigation, reached and used by keyboard. Sam forgets a seeded invitee of the leadership
//! programme with both wishes (their sign-in account, and not to be invited again) after the
//! question in words, sees the request run and finish with what was found by kind, and the
//! programme's seats stay as they were; then downloads what is held about another invitee and
//! follows the file's link to its JSON; a bad address is refused in words at its field. The
//! latest requests name no address. axe-core at a desktop and a phone width on each step.
//!
//! Steps of the journey in main.rs, at its end, in this order; the first starts from anyone
//! signed in.

use crate::helpers::{Page, SLOW_WAIT, WAIT};
use fantoccini::key::Key;
use local_stack::seed::contracts::LEADERSHIP;
use local_stack::seed::directory_email;
use local_stack::Stack;
use serde_json::Value;
use std::collections::BTreeMap;

/// Directory user 5: invited to the leadership programme by the seed and enrolled, with a
/// sign-in account (an enrolled invitation keeps its seat as a counted skeleton; a pending one
/// would be withdrawn, freeing its seat).
const FORGOTTEN: usize = 5;
/// Invited to the leadership programme by address (no account).
const EXPORTED: &str = "pat.external@partner.example";

/// The leadership programme's facts line (its seats), as its Invitations tab shows it.
async fn leadership_facts(page: &Page) -> String {
    page.open_contract(LEADERSHIP).await;
    page.text_with("p.facts", "seats").await
}

/// A contract admin is offered no Privacy; the system administrator finds it beside People,
/// with its title, heading and the latest requests. Starts signed in as anyone.
pub async fn the_privacy_page_is_for_system_administrators(page: &Page, stack: &Stack) {
    let ada = stack.person("contract-admin", 0).user_id.as_str();
    let sam = stack.person("system-admin", 0).user_id.as_str();
    page.switch_to(ada, "Ada Lovelace").await;
    page.id("main").await;
    assert!(
        !page.present("#nav-privacy").await,
        "Ada is offered Privacy"
    );
    page.switch_to(sam, "Sam Sysadmin").await;
    page.click("nav-privacy").await;
    page.text_with("main h1", "Privacy").await;
    let title = page.js("return document.title;").await;
    assert_eq!(title, "Privacy · Learning Contracts");
    let current = page
        .js("return document.querySelector('#nav-privacy').closest('[aria-current]') !== null;")
        .await;
    assert_eq!(
        current, true,
        "Privacy is the current page in the navigation"
    );
    page.text_with("main", "Requests keep no address").await;
    page.until("the latest requests to load", WAIT, async || {
        (page.present("#privacy-none").await || page.present("#privacy-requests").await)
            .then_some(())
    })
    .await;
    page.snapshot("60-privacy.png").await;
}

/// Tab goes from the address to what to do, the forget's two wishes and Send, in order; Enter
/// on Send asks first, with the focus on Cancel, and Escape gives the focus back to Send.
pub async fn the_privacy_form_by_keyboard(page: &Page) {
    page.js("document.getElementById('privacy-email').focus(); return true;")
        .await;
    let mut reached = vec!["privacy-email".to_owned()];
    for _ in 0..10 {
        let active = page.client.active_element().await.expect("the focus");
        active.send_keys(&Key::Tab.to_string()).await.expect("Tab");
        let id = page
            .js("return document.activeElement && document.activeElement.id;")
            .await;
        let id = id.as_str().unwrap_or_default().to_owned();
        let done = id == "privacy-send";
        reached.push(id);
        if done {
            break;
        }
    }
    assert_eq!(
        reached,
        [
            "privacy-email",
            "privacy-forget",
            "privacy-delete-account",
            "privacy-do-not-invite",
            "privacy-send"
        ],
        "Tab went {reached:?}"
    );
    // Without an address, nothing is asked: the field says what is missing.
    page.press("privacy-send", Key::Enter).await;
    page.text_with("#privacy-alert", "Type the person's email address.")
        .await;
    page.type_into("privacy-email", "someone@example.com").await;
    page.press("privacy-send", Key::Enter).await;
    page.until_focused("the question's Cancel to take the focus", "privacy-cancel")
        .await;
    page.text_with("#privacy-question", "It cannot be undone.")
        .await;
    page.press("privacy-cancel", Key::Escape).await;
    page.until_focused("Send to take the focus back", "privacy-send")
        .await;
    assert!(!page.present("#privacy-question").await);
}

/// Sam forgets directory user 5 with both wishes, by keyboard, after the question; the request
/// runs and finishes, says what was found and erased by kind (their invitation, history and
/// sign-in account among them); the leadership programme's counts and seats are as they were,
/// and the latest requests say what was done and who asked, without the address.
pub async fn forget_an_invitee_with_both_wishes(page: &Page) {
    let email = directory_email(FORGOTTEN);
    page.open_contract(LEADERSHIP).await;
    assert_eq!(
        page.invitations_matching(&email).await,
        1,
        "the seed invited {email} to the leadership programme"
    );
    let before = leadership_facts(page).await;

    page.click("nav-privacy").await;
    page.text_with("main h1", "Privacy").await;
    page.type_into("privacy-email", &email).await;
    page.set_checked("privacy-forget", true).await;
    page.set_checked("privacy-delete-account", true).await;
    page.set_checked("privacy-do-not-invite", true).await;
    page.press("privacy-send", Key::Enter).await;
    page.until_focused("the question's Cancel to take the focus", "privacy-cancel")
        .await;
    let question = page.text_with("#privacy-question", &email).await;
    for words in [
        "This erases everything the product holds about",
        "and their sign-in account",
        "kept only as a one-way hash",
        "It cannot be undone. Counts and seats stay as they are",
    ] {
        assert!(question.contains(words), "{words}: {question}");
    }
    page.snapshot("61-privacy-forget-question.png").await;
    page.press("privacy-confirm", Key::Enter).await;
    page.until_focused(
        "the request's heading to take the focus",
        "privacy-sent-heading",
    )
    .await;
    page.text_with("#privacy-sent-heading", &format!("Forgetting {email}"))
        .await;
    // The form is emptied: the page keeps the address no longer than needed.
    assert_eq!(page.value("privacy-email").await.as_deref(), Some(""));
    let found = until_done(page).await;
    assert!(
        found.get("Invitations").is_some_and(|n| *n >= 1),
        "{found:?}"
    );
    assert!(
        found.get("History entries").is_some_and(|n| *n >= 1),
        "{found:?}"
    );
    assert_eq!(found.get("Sign-in accounts"), Some(&1), "{found:?}");
    let status = page.text_with("#privacy-status", "Done").await;
    assert!(status.contains("counted skeletons"), "{status}");
    assert!(!page.present("#privacy-download").await);
    page.snapshot("62-privacy-forgotten.png").await;

    let latest = latest(page).await;
    let first = &latest[0];
    assert!(
        first[1].contains("Forget, and the sign-in account, not to be invited again")
            && first[2] == "Done"
            && first[3] == "Sam Sysadmin"
            && first[4].contains("Invitations"),
        "{latest:?}"
    );
    assert!(
        latest.iter().flatten().all(|cell| !cell.contains('@')),
        "the latest requests name an address: {latest:?}"
    );

    // The programme's seats are as they were (an enrolment's); the invitation names nobody now.
    assert_eq!(leadership_facts(page).await, before);
    assert_eq!(page.invitations_matching(&email).await, 0);
}

/// Sam downloads what is held about Pat, invited by address: no question, the request runs,
/// the file's link (for 15 minutes) leads to JSON that names the address.
pub async fn download_what_is_held_about_an_address(page: &Page) {
    page.click("nav-privacy").await;
    page.text_with("main h1", "Privacy").await;
    page.set_checked("privacy-export", true).await;
    assert!(
        !page.present("#privacy-delete-account").await,
        "a download offers the forget's wishes"
    );
    page.type_into("privacy-email", EXPORTED).await;
    page.press("privacy-send", Key::Enter).await;
    page.until_focused(
        "the request's heading to take the focus",
        "privacy-sent-heading",
    )
    .await;
    page.text_with(
        "#privacy-sent-heading",
        &format!("What we hold about {EXPORTED}"),
    )
    .await;
    // What it found is in the file (the request may count it too).
    let found = until_done(page).await;
    assert!(
        found.is_empty() || found.get("Invitations").is_some_and(|n| *n >= 1),
        "{found:?}"
    );
    page.text_with("main", "the link works for 15 minutes")
        .await;
    let url = page
        .attr("privacy-download", "href")
        .await
        .expect("the file's link");
    page.snapshot("63-privacy-export.png").await;
    let answer = reqwest::get(&url).await.expect("the file's link answers");
    assert!(answer.status().is_success(), "{url}: {}", answer.status());
    let file: Value = answer.json().await.expect("the file is JSON");
    assert_eq!(file["about"], EXPORTED, "{file}");
    assert!(
        file["table"]
            .as_array()
            .is_some_and(|held| !held.is_empty()),
        "the file holds nothing about {EXPORTED}: {file}"
    );
    // The list says it, without the address.
    let latest = latest(page).await;
    assert!(
        latest[0][1].starts_with("Download") && latest[0][2] == "Done",
        "{latest:?}"
    );
    assert!(latest.iter().flatten().all(|cell| !cell.contains('@')));
}

/// An address the API refuses is said in words at its field.
pub async fn a_bad_address_is_refused_in_words(page: &Page) {
    page.set_checked("privacy-export", true).await;
    page.type_into("privacy-email", "pat@@nowhere").await;
    page.press("privacy-send", Key::Enter).await;
    let said = page
        .text_with("#privacy-alert", "Could not send the request.")
        .await;
    assert!(said.len() > "Could not send the request. ".len(), "{said}");
    assert_eq!(
        page.attr("privacy-email", "aria-invalid").await.as_deref(),
        Some("true")
    );
    page.snapshot("64-privacy-refused.png").await;
}

/// Waits (as long as the background work may take) for the request sent to be done, and
/// answers what it found by kind; fails with the reason when it failed.
async fn until_done(page: &Page) -> BTreeMap<String, u64> {
    // It runs: Waiting to start or Running first (or already Done).
    page.text_with("#privacy-status", "").await;
    page.until("the request to be done", SLOW_WAIT, async || {
        let status = page
            .js("const s = document.getElementById('privacy-status'); return s ? s.textContent : '';")
            .await;
        let status = status.as_str().unwrap_or_default().to_owned();
        if status.starts_with("Failed") {
            let why = page.body_text().await;
            panic!("the request failed: {why}");
        }
        status.starts_with("Done").then_some(())
    })
    .await;
    let rows = page
        .js("return [...document.querySelectorAll('#privacy-traces tr')]
            .map(r => [r.querySelector('th').textContent, r.querySelector('td').textContent]);")
        .await;
    rows.as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    let count = r[1].as_str().unwrap_or_default().replace(',', "");
                    (
                        r[0].as_str().unwrap_or_default().to_owned(),
                        count.parse().unwrap_or_else(|_| panic!("a count: {r}")),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The latest requests' cells, row by row, once the list has the request just finished first.
async fn latest(page: &Page) -> Vec<Vec<String>> {
    page.until("the latest requests to show it done", WAIT, async || {
        let cells = page.cells("#privacy-requests tbody tr").await;
        let rows: Vec<Vec<String>> = serde_json::from_value(cells).ok()?;
        rows.first()
            .is_some_and(|r| r.get(2).is_some_and(|s| s == "Done"))
            .then_some(rows)
    })
    .await
}
