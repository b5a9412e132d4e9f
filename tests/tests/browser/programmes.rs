//! Programmes on dates and groups (issue 31), on Grace's Spring Cohort (a contract that starts
//! in four months): invitations made today in a group and in French wait for its start (a time
//! after its end refused first, in words); the Invitations tab says when each mail goes, shows
//! the group beside the status, lists the groups' figures and filters by a group (kept in the
//! address); one mail is sent now; Grace chooses a daily digest of enrolments; the system
//! administrator moves the start (a contract admin is not offered to), and at the new start the
//! waiting mail goes, in French; a headed CSV file's check names the columns it read and those it
//! did not.

use crate::common::mail_for;
use crate::helpers::{address, Page, SLOW_WAIT};
use chrono::{Duration, Utc};
use fantoccini::key::Key;
use local_stack::seed::contracts::SPRING_COHORT;
use local_stack::Stack;
use serde_json::json;

/// Sets a field's value as a person's typing would end (a `datetime-local` field takes no keys
/// the same way in every browser), and tells the page.
async fn set_value(page: &Page, id: &str, value: &str) {
    page.id(id).await;
    page.client
        .execute(
            "const i = document.getElementById(arguments[0]);
             Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(i, arguments[1]);
             i.dispatchEvent(new Event('input', { bubbles: true }));
             i.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(id), json!(value)],
        )
        .await
        .expect("setting the field");
}

/// Grace pastes two addresses on the Spring Cohort's Add page: its mails wait for the start
/// (preselected, with the date); a time after the contract's end is refused before anything is
/// sent; she puts them in the group "Spring A", in French, and the results say when the mails
/// go. Answers the two addresses.
pub async fn grace_invites_the_cohort_for_its_start(
    page: &Page,
    stack: &Stack,
    tag: &str,
) -> (String, String) {
    let (cora, cy) = (address("cora", tag), address("cy", tag));
    let grace = stack.person("contract-admin", 1).user_id.as_str();
    page.switch_to(grace, "Grace Hopper").await;
    page.goto(&format!("/contracts/{SPRING_COHORT}/add")).await;
    page.click("method-paste").await;
    page.type_into("paste-addresses", &format!("{cora}\n{cy}\n"))
        .await;
    page.text_with("#paste-found", "2 addresses found.").await;
    page.text_with("#send-when legend", "When should the mails go?")
        .await;
    assert!(
        page.id("send-start").await.is_selected().await.unwrap(),
        "a contract that has not started waits for its start"
    );
    page.text_with("label[for='send-start']", "At the contract's start, ")
        .await;
    // A time after the contract's end: refused at its field, and nothing can be sent.
    page.click("send-at").await;
    set_value(page, "send-at-time", "2099-01-01T09:00").await;
    let refused = page
        .text_with("#send-at-error", "The contract ends on")
        .await;
    assert!(refused.ends_with(": choose a time before it."), "{refused}");
    assert_eq!(
        page.attr("send-at-time", "aria-invalid").await.as_deref(),
        Some("true")
    );
    assert!(!page.id("add-users").await.is_enabled().await.unwrap());
    page.snapshot("50-send-at-refused.png").await;
    page.click("send-start").await;
    page.until("the time field to go", SLOW_WAIT, async || {
        (!page.present("#send-at-time").await).then_some(())
    })
    .await;
    page.type_into("add-group", "Spring A").await;
    page.id("add-language")
        .await
        .select_by_value("fr")
        .await
        .expect("choosing French");
    page.click("add-users").await;
    let results = page.text_with("#results-heading", "invited").await;
    assert!(results.starts_with("2 people invited, 0 not"), "{results}");
    let note = page.text_with("#scheduled-note", "Scheduled for").await;
    assert!(
        note.contains(", the contract's start: nothing is mailed until then"),
        "{note}"
    );
    page.snapshot("51-scheduled-results.png").await;
    (cora, cy)
}

/// The Invitations tab: each row says when its mail goes and names its group; the Groups
/// disclosure opens by keyboard, and a group's name filters the list (kept over a reload); Send
/// now mails one of them at once.
pub async fn the_cohort_waits_in_its_group(page: &Page, stack: &Stack, cora: &str, cy: &str) {
    page.click("tab-invitations").await;
    let summary = page.css("#groups summary").await;
    summary
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("opening the groups by keyboard");
    let button = page
        .until("Spring A among the groups", SLOW_WAIT, async || {
            let script = "const b = [...document.querySelectorAll('#groups tbody button')]
                 .find(b => b.textContent === 'Spring A'); return b ? b.id : null;";
            page.js(script).await.as_str().map(str::to_owned)
        })
        .await;
    let figures = page
        .js(
            "const r = [...document.querySelectorAll('#groups tbody tr')]
                 .find(r => r.querySelector('th').textContent === 'Spring A');
             return [...r.querySelectorAll('td')].map(td => td.textContent);",
        )
        .await;
    assert_eq!(
        figures,
        json!(["2", "2", "0", "0", "0"]),
        "Spring A: pending, scheduled, expired, enrolled, revoked"
    );
    page.press(&button, Key::Enter).await;
    page.until("the group in the address", SLOW_WAIT, async || {
        let url = page.client.current_url().await.ok()?;
        url.as_str().contains("group=Spring%20A").then_some(())
    })
    .await;
    assert_eq!(
        page.value("filter-group").await.as_deref(),
        Some("Spring A")
    );
    assert_eq!(
        page.attr(&button, "aria-pressed").await.as_deref(),
        Some("true")
    );
    page.until("only Spring A listed", SLOW_WAIT, async || {
        let rows = page
            .js("return document.querySelectorAll(\"tr[id^='invitation-']\").length;")
            .await;
        (rows == 2).then_some(())
    })
    .await;
    page.snapshot("52-group-filter.png").await;
    // A reload opens on the same group.
    let url = page.client.current_url().await.expect("url").to_string();
    page.goto(&url).await;
    assert_eq!(
        page.value("filter-group").await.as_deref(),
        Some("Spring A")
    );

    let (cora_id, row) = page.invitation_row(cora).await;
    assert!(row.contains("Group: Spring A"), "{row}");
    assert!(
        row.contains("Scheduled for") && row.contains("at the contract's start"),
        "{row}"
    );
    let (_, cy_row) = page.invitation_row(cy).await;
    assert!(cy_row.contains("Scheduled for"), "{cy_row}");
    page.invitation_row(cora).await;
    page.text_with(&format!("#resend-{cora_id}"), "Send now")
        .await;
    page.click(&format!("resend-{cora_id}")).await;
    page.outcome(&cora_id, "Sent now: the invitation is on its way to")
        .await;
    let mail = mail_for(&stack.emulators.ses, cora, 1).await;
    assert_eq!(
        mail[0].subject, "Invitation : Spring Cohort 2027",
        "in French"
    );
    page.snapshot("53-sent-now.png").await;
}

/// Mail and reminders: Grace chooses a daily digest of enrolments and seat alerts; the choice is
/// read back on a fresh visit.
pub async fn grace_chooses_a_daily_digest(page: &Page) {
    page.click("tab-mail").await;
    page.text_with("#notices-heading", "Your notifications for this contract")
        .await;
    page.click("notices-daily").await;
    page.set_checked("seat-alerts", true).await;
    page.click("notices-save").await;
    page.text_with("#notices-saved", "Saved.").await;
    page.snapshot("54-notifications.png").await;
    page.goto(&format!("/contracts/{SPRING_COHORT}/mail")).await;
    page.id("notices-form").await;
    assert!(page.id("notices-daily").await.is_selected().await.unwrap());
    assert!(page.id("seat-alerts").await.is_selected().await.unwrap());
}

/// A contract admin is not offered the contract's dates; the system administrator moves the
/// start to two hours from now, and at that time the mail still waiting goes, in French.
pub async fn the_sysadmin_moves_the_cohorts_start(page: &Page, stack: &Stack, cy: &str) {
    page.goto(&format!("/contracts/{SPRING_COHORT}/admins"))
        .await;
    page.id("admins-heading").await;
    assert!(
        !page.present("#dates-form").await,
        "a contract admin is offered to change the dates"
    );
    let sam = stack.person("system-admin", 0).user_id.as_str();
    page.switch_to(sam, "Sam Sysadmin").await;
    page.goto(&format!("/contracts/{SPRING_COHORT}/admins"))
        .await;
    page.text_with(
        "#dates-effects",
        "mails waiting for the contract's start move with it",
    )
    .await;
    let start = Utc::now() + Duration::hours(2);
    // The field takes the admin's own time: the browser says what two hours from now is there.
    let local = page
        .js(
            "const d = new Date(Date.now() + 2 * 3600 * 1000), p = n => String(n).padStart(2, '0');
             return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate())
                 + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());",
        )
        .await;
    set_value(page, "dates-start", local.as_str().expect("a time")).await;
    page.click("dates-save").await;
    page.text_with("#dates-saved", "Saved. The contract now runs from")
        .await;
    page.until_focused("the outcome to have focus", "dates-saved")
        .await;
    page.snapshot("55-dates-moved.png").await;
    let run = stack
        .run_reminders(start + Duration::minutes(2))
        .await
        .expect("a reminder run");
    assert!(run.released >= 1, "{run:?}");
    let mail = mail_for(&stack.emulators.ses, cy, 1).await;
    let text = mail[0].body.text.as_deref().unwrap_or_default();
    assert!(text.contains("Vous êtes invité(e)"), "in French: {text}");
}

/// A CSV file with a header row, checked first: the check names the columns it read (by letter
/// and header) and those it did not read.
pub async fn a_headed_csv_check_names_its_columns(page: &Page, tag: &str) {
    let dee = address("dee", tag);
    page.goto(&format!("/contracts/{SPRING_COHORT}")).await;
    let _csv = page
        .choose_csv(
            &format!("headed-{tag}.csv"),
            &format!("E-mail;Name;Group;Notes\n{dee};Dee Example;Spring B;bring a laptop\n"),
        )
        .await;
    page.set_checked("csv-check-first", true).await;
    page.click("add-users").await;
    page.until_import("the check to finish", "Check finished")
        .await;
    let read = page
        .text_with(".import-report p.columns", "Columns read:")
        .await;
    assert_eq!(
        read,
        "Columns read: A, “E-mail”, as the address; B, “Name”, as the name; C, “Group”, as the group."
    );
    page.text_with(".import-report p[id^='ignored-columns-']", "“Notes”")
        .await;
    page.snapshot("56-headed-check.png").await;
}
