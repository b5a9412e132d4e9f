//! Mail: an invitation whose mail bounced (no Resend, the block cleared by keyboard, the address
//! corrected in its row), and the contract's own invitation mail and reminder plan, as Ada on
//! the voucher.

use crate::common::{enrol_link, mail_for};
use crate::helpers::{address, Page, POLL, SLOW_WAIT};
use fantoccini::key::Key;
use local_stack::seed::contracts::DATA_SKILLS;
use local_stack::Stack;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// An address SES's mailbox simulator bounces (the local stack turns the mail into SES's
/// bounce event).
fn bounce_address(tag: &str) -> String {
    format!("bounce+{tag}@simulator.amazonses.com")
}

/// Ada invites an address that bounces and sees its row say Bounced, with Clear block and
/// Correct address but no Resend: the row offers only what the API allows (issue 26), and says
/// why in its delivery column. Answers the invitation's id.
pub async fn a_bounced_invitation_offers_no_resend(
    page: &Page,
    stack: &Stack,
    tag: &str,
) -> String {
    let bounce = bounce_address(tag);
    let ada = stack.person("contract-admin", 0).user_id.as_str();
    page.switch_to(ada, "Ada Lovelace").await;
    page.open_contract(DATA_SKILLS).await;
    let _csv = page
        .choose_csv(&format!("bounce-{tag}.csv"), &format!("{bounce}\n"))
        .await;
    page.text_with("#step-2", "Step 2 of 2").await;
    page.set_checked("activity-sql-basics", true).await;
    page.click("add-users").await;
    page.until_import("the import to finish", "Import finished")
        .await;
    page.text_with(".import-report .import-state", "Done").await;
    page.click("tab-invitations").await;
    let (bounced_id, row) = page
        .until(
            &format!("{bounce} to show Bounced"),
            SLOW_WAIT,
            async || {
                let (id, row) = page.invitation_row(&bounce).await;
                if row.contains("Bounced") {
                    return Some((id, row));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                None
            },
        )
        .await;
    assert!(row.contains("Pending"), "{row}");
    page.id(&format!("clear-block-{bounced_id}")).await;
    page.id(&format!("correct-address-{bounced_id}")).await;
    page.snapshot("23-bounced-row.png").await;
    assert!(
        !page.present(&format!("#resend-{bounced_id}")).await,
        "{row}"
    );
    assert!(row.contains("Bounced"), "{row}");
    page.audit("a bounced row without Resend").await;
    bounced_id
}

/// Clear block, by keyboard: the question takes focus on its Cancel (the safe choice), Enter on
/// Yes answers it, and focus moves to the outcome; Resend is offered again.
pub async fn clear_the_block_by_keyboard(page: &Page, tag: &str, bounced_id: &str) {
    let bounce = bounce_address(tag);
    page.press(&format!("clear-block-{bounced_id}"), Key::Enter)
        .await;
    page.text_with(
        &format!("#invitation-{bounced_id} .confirm"),
        &format!("Clear the block on {bounce}? Mail to it bounced or was marked as spam"),
    )
    .await;
    let yes = format!("confirm-clear-block-{bounced_id}");
    page.until_focused(
        "Cancel to have focus",
        &format!("cancel-clear-block-{bounced_id}"),
    )
    .await;
    page.snapshot("24-clear-block-confirm.png").await;
    page.press(&yes, Key::Enter).await;
    let cleared = page.outcome(bounced_id, "The block on").await;
    assert_eq!(
        cleared,
        format!("The block on {bounce} is cleared: Resend sends the invitation again.")
    );
    page.id(&format!("resend-{bounced_id}")).await;
    page.until_focused(
        "the outcome to have focus",
        &format!("outcome-{bounced_id}"),
    )
    .await;
}

/// Correct address, in the row: the form takes focus and Escape puts the buttons back; the old
/// address is refused at the field; the new one takes the invitation and its mail goes out.
pub async fn correct_the_bounced_address(page: &Page, stack: &Stack, tag: &str, bounced_id: &str) {
    let bounce = bounce_address(tag);
    let fixed = address("fixed", tag);
    let input_id = format!("correct-email-{bounced_id}");
    page.click(&format!("correct-address-{bounced_id}")).await;
    page.until_focused("the address field to have focus", &input_id)
        .await;
    page.press(&input_id, Key::Escape).await;
    page.id(&format!("correct-address-{bounced_id}")).await;
    page.click(&format!("correct-address-{bounced_id}")).await;
    assert_eq!(
        page.value(&input_id).await.as_deref(),
        Some(bounce.as_str()),
        "prefilled with the old address"
    );
    page.text_with(
        &format!("#correct-form-{bounced_id}"),
        &format!("Correct address for {bounce}"),
    )
    .await;
    // Saving the old address is refused, in words, at the field.
    page.click(&format!("correct-save-{bounced_id}")).await;
    let refusal = page.id(&format!("correct-refusal-{bounced_id}")).await;
    let refusal = refusal.text().await.expect("the refusal");
    assert!(!refusal.is_empty(), "a refusal in words");
    assert_eq!(
        page.attr(&input_id, "aria-invalid").await,
        Some("true".into()),
        "{refusal}"
    );
    page.audit("a correction refused at its field").await;
    page.type_into(&input_id, &fixed).await;
    page.snapshot("25-correct-address-form.png").await;
    page.click(&format!("correct-save-{bounced_id}")).await;
    let outcome = page.outcome(bounced_id, "Moved to").await;
    assert_eq!(
        outcome,
        format!("Moved to {fixed}; a new invitation mail is on its way.")
    );
    let row = page
        .text_with(&format!("#invitation-{bounced_id}"), &fixed)
        .await;
    let delivery = page
        .css(&format!("#invitation-{bounced_id} td.delivery"))
        .await
        .text()
        .await
        .expect("the delivery");
    assert!(
        ["Queued", "Sending", "Sent", "Delivered"]
            .iter()
            .any(|d| delivery.ends_with(d)),
        "{row}"
    );
    assert!(
        !page
            .present(&format!("#correct-address-{bounced_id}"))
            .await,
        "nothing to correct once moved"
    );
    page.snapshot("26-address-corrected.png").await;
    let mail = mail_for(&stack.emulators.ses, &fixed, 1).await;
    assert_eq!(
        mail.len(),
        1,
        "one invitation mail to the corrected address"
    );
    assert!(enrol_link(&mail[0], &stack.url).contains("/enrol#token="));
}

/// The contract's Mail and reminders tab: an unknown merge field is named at its field, the
/// field marked, and Save and the test wait.
pub async fn an_unknown_merge_field_is_named(page: &Page, tag: &str) {
    page.open_contract(DATA_SKILLS).await;
    page.click("tab-mail").await;
    page.id("mail-subject").await;
    page.text_with("#preview-text", "Hello Alex Example,").await;
    page.snapshot("33-mail-and-reminders.png").await;
    page.type_into(
        "mail-subject",
        &format!("{{first_name}}, your place in {{contract}} {tag}"),
    )
    .await;
    let error = page.text_with("#mail-subject-error", "{first_name}").await;
    assert!(
        error.starts_with("The subject uses {first_name}, which is not a merge field."),
        "{error}"
    );
    assert_eq!(
        page.attr("mail-subject", "aria-invalid").await,
        Some("true".into())
    );
    assert_eq!(
        page.attr("mail-subject", "aria-describedby").await,
        Some("mail-subject-error".into())
    );
    for button in ["mail-save", "mail-test"] {
        assert!(
            !page.id(button).await.is_enabled().await.expect("enabled?"),
            "{button} waits for the fix"
        );
    }
    page.id("preview-waiting").await;
    page.snapshot("34-unknown-merge-field.png").await;
}

/// Fixed: the preview (the mailer's own renderer) merges the text as the mailer will, its
/// button styled by the mail's own inline styles (the site's CSP allows exactly them by their
/// hashes).
pub async fn the_preview_merges_the_text(page: &Page, tag: &str) {
    page.type_into(
        "mail-subject",
        &format!("{{name}}, your place in {{contract}} {tag}"),
    )
    .await;
    page.type_into(
        "mail-message",
        "{inviter} has kept you a place in {activities}.\n\nSee you there.",
    )
    .await;
    let preview_subject = page.text_with("#preview-subject", tag).await;
    assert!(
        preview_subject.starts_with("Alex Example, your place in "),
        "{preview_subject}"
    );
    let text = page
        .text_with("#preview-text", "Ada Lovelace has kept you a place in")
        .await;
    assert!(text.contains("/enrol#preview"), "{text}");
    // Issue 28: the admin's own text stands alone: no fixed greeting before it, and the
    // editor says what every mail adds.
    assert!(!text.contains("Hello"), "{text}");
    page.text_with("#mail-frame", "Your text stands alone")
        .await;
    assert!(!page.present("#mail-subject-error").await);
    page.id("preview-html").await;
    let mut button = Value::Null;
    for _ in 0..50 {
        button = page
            .js(
                "const d = document.getElementById('preview-html').contentDocument; \
                 const a = d && d.querySelector('a[style]'); \
                 return a ? getComputedStyle(a).backgroundColor : null;",
            )
            .await;
        if !button.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        button,
        json!("rgb(29, 78, 216)"),
        "the preview's button is styled"
    );
    page.snapshot("35-mail-preview.png").await;
}

/// Saved with Enter in the subject field; "Send me a test" puts a mail marked [Test] in Ada's
/// own inbox.
pub async fn save_and_send_a_test(page: &Page, stack: &Stack, tag: &str) {
    let ada = stack.person("contract-admin", 0);
    page.press("mail-subject", Key::Enter).await;
    page.text_with("#mail-saved", "Saved.").await;
    page.text_with("#mail-uses", "its own text").await;
    page.click("mail-test").await;
    let outcome = page.text_with("#mail-test-outcome", "on its way").await;
    assert_eq!(
        outcome,
        format!(
            "A test of this mail is on its way to {}. Its link enrols nobody.",
            ada.email
        )
    );
    let deadline = Instant::now() + SLOW_WAIT;
    let test = loop {
        let mails = mail_for(&stack.emulators.ses, &ada.email, 1).await;
        if let Some(m) = mails.into_iter().find(|m| m.subject.contains(tag)) {
            break m;
        }
        assert!(Instant::now() < deadline, "no test mail for {}", ada.email);
        tokio::time::sleep(POLL).await;
    };
    assert!(test.subject.starts_with("[Test] "), "{}", test.subject);
    let body = test.body.text.clone().unwrap_or_default();
    assert!(body.contains("has kept you a place in"), "{body}");
}

/// The reminder plan: only 1 day before the link expires, at most one, said in words and saved
/// by keyboard; read back, the contract keeps the plan and the subject.
pub async fn change_the_reminder_plan(page: &Page, tag: &str) {
    let plan = "A reminder 1 day before the link expires; at most 1 per person.";
    page.id("reminder-after")
        .await
        .clear()
        .await
        .expect("clear");
    page.type_into("reminder-before", "1").await;
    page.id("reminder-at-most")
        .await
        .select_by_value("1")
        .await
        .expect("choosing at most 1");
    page.text_with("#reminder-plan-words", plan).await;
    page.press("reminders-save", Key::Enter).await;
    page.text_with("#reminders-saved", "Saved.").await;
    page.snapshot("36-reminder-plan-saved.png").await;
    page.goto(&format!("/contracts/{DATA_SKILLS}/mail")).await;
    page.text_with("#reminder-plan-words", plan).await;
    assert_eq!(
        page.value("mail-subject").await,
        Some(format!("{{name}}, your place in {{contract}} {tag}"))
    );
}
