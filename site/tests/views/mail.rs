//! The Mail and reminders page: the draft, its preview, the reminder plan, and the page's
//! reducer.

use crate::helpers::*;
use site::api::*;
use site::pages::mail::{
    plan_in_words, MailAction, MailDraft, MailState, MailView, PlanDraft, Request,
};
use std::rc::Rc;
use yew::prelude::*;

fn mail_state(c: &Contract) -> MailState {
    Rc::new(MailState::default())
        .reduce(MailAction::Loaded(c.clone()))
        .as_ref()
        .clone()
}

fn mail_view(state: MailState, c: Contract) -> String {
    use chrono::TimeZone;
    let now = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    render(move || {
        html! {
            <MailView {state} contract={c} inviter="Ada Lovelace" {now} origin="https://learn.example.org"
                dispatch={Callback::noop()} on_save={Callback::noop()} on_test={Callback::noop()}
                on_save_plan={Callback::noop()} />
        }
    })
}

#[test]
fn the_mail_page_previews_the_draft_with_the_mailers_renderer() {
    let c = contract("voucher", 2, "active");
    let html = mail_view(mail_state(&c), c);
    let t = text(&html);
    // The language, subject and message, each labelled.
    for (id, label) in [
        ("mail-language", "Language"),
        ("mail-subject", "Subject"),
        ("mail-message", "Message"),
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{id}"
        );
    }
    assert!(t.contains("English") && t.contains("Français"));
    // Every merge field and what it becomes.
    for field in [
        "name",
        "contract",
        "activities",
        "inviter",
        "expiry",
        "link",
    ] {
        assert!(t.contains(&format!("{{{field}}}")), "{field} listed");
    }
    assert!(t.contains("the personal enrolment link"));
    // The preview: a sample person, the contract, its activities, the admin as inviter, the
    // expiry after the contract's 14 days, a sample link on this site.
    assert!(
        html.contains("id=\"preview-subject\">You&#39;re invited to Nursing voucher</dd>")
            || t.contains("You're invited to Nursing voucher"),
        "{html}"
    );
    let preview = &t[t.find("Preview").unwrap()..];
    for needle in [
        "Hello Alex Example,",
        "You have been invited by Ada Lovelace to join the learning contract \"Nursing voucher\".",
        "  - Activity 1",
        "  - Activity 2",
        "https://learn.example.org/enrol#preview",
        "It works until 16 March 2026 at 09:00 UTC.",
    ] {
        assert!(
            preview.contains(needle) || html.contains(needle),
            "{needle} in {preview}"
        );
    }
    // The HTML body in a sandboxed frame with a title.
    let frame = tag(&html, "preview-html");
    assert!(frame.contains("sandbox=\"allow-same-origin\""), "{frame}");
    assert!(frame.contains("srcdoc=\"&lt;!DOCTYPE html&gt;"), "{frame}");
    assert!(
        frame.contains("title=\"The mail&#39;s HTML body")
            || frame.contains("title=\"The mail's HTML body"),
        "{frame}"
    );
    // Nothing is wrong, so Save and the test are offered.
    assert!(!tag(&html, "mail-save").contains("disabled"));
    assert!(!tag(&html, "mail-test").contains("disabled"));
    assert!(t.contains("This contract uses the standard text."));
}

#[test]
fn an_unknown_merge_field_is_named_at_its_field_and_save_waits() {
    let c = contract("voucher", 1, "active");
    let state = Rc::new(mail_state(&c))
        .reduce(MailAction::Subject("Hello {first_name}".into()))
        .as_ref()
        .clone();
    let html = mail_view(state, c.clone());
    let subject = tag(&html, "mail-subject");
    assert!(subject.contains("aria-invalid=\"true\""), "{subject}");
    assert!(
        subject.contains("aria-describedby=\"mail-subject-error\""),
        "{subject}"
    );
    let error = text(&html[html.find("id=\"mail-subject-error\"").unwrap()..]);
    assert!(
        error.contains("The subject uses {first_name}, which is not a merge field."),
        "{error}"
    );
    assert!(!tag(&html, "mail-message").contains("aria-invalid"));
    assert!(tag(&html, "mail-save").contains("disabled"));
    assert!(tag(&html, "mail-test").contains("disabled"));
    assert!(html.contains("id=\"preview-waiting\"") && !html.contains("id=\"preview-html\""));

    // Fixed, the preview shows the merged text again.
    let state = Rc::new(mail_state(&c))
        .reduce(MailAction::Subject("Hello {name}".into()))
        .reduce(MailAction::Message(
            "{inviter} saved you a place in {contract}.".into(),
        ));
    let html = mail_view(state.as_ref().clone(), c.clone());
    assert!(text(&html).contains("Hello Alex Example"));
    assert!(text(&html).contains("Ada Lovelace saved you a place in Nursing voucher."));
    assert!(!html.contains("aria-invalid"));

    // A refusal from the server is said at the field it names.
    let refused = state.reduce(MailAction::Saved(Err(problem(
        422,
        "invalid_mail_template",
        "The message is longer than 5000 characters.",
    ))));
    let html = mail_view(refused.as_ref().clone(), c);
    assert!(tag(&html, "mail-message").contains("aria-invalid=\"true\""));
    assert!(text(&html)
        .contains("Could not save the mail. The message is longer than 5000 characters."));
}

#[test]
fn the_mail_reducer_follows_the_language_saves_and_tests() {
    let c = contract("voucher", 1, "active");
    let state = Rc::new(mail_state(&c));
    // The untouched standard text follows the language.
    let fr = state.clone().reduce(MailAction::Language(MailLanguage::Fr));
    let draft = fr.draft.clone().unwrap();
    assert_eq!(draft.subject, "Invitation : {contract}");
    assert_eq!(draft, MailDraft::standard(MailLanguage::Fr));
    let html = mail_view(fr.as_ref().clone(), c.clone());
    assert!(text(&html).contains("Bonjour Alex Example,"));
    // The admin's own text stays when the language changes; "Use the standard text" replaces it.
    let own = state
        .clone()
        .reduce(MailAction::Message("Come and learn.".into()))
        .reduce(MailAction::Language(MailLanguage::Fr));
    assert_eq!(own.draft.as_ref().unwrap().message, "Come and learn.");
    let standard = own.reduce(MailAction::Standard);
    assert_eq!(
        standard.draft.clone().unwrap(),
        MailDraft::standard(MailLanguage::Fr)
    );
    // Saved: the contract's answer is the new text; tested: where the test went.
    let mut saved = c.clone();
    saved.mail = MailSettings {
        language: MailLanguage::En,
        subject: "Join {contract}".into(),
        message: "Come and learn.".into(),
        custom: true,
    };
    let state = state
        .reduce(MailAction::Saving)
        .reduce(MailAction::Saved(Ok(saved)))
        .reduce(MailAction::Testing)
        .reduce(MailAction::Tested(Ok(TestMailQueued {
            to: "ada@example.com".into(),
        })));
    assert_eq!(state.save, Request::Done(()));
    assert!(state.custom);
    let html = mail_view(state.as_ref().clone(), c.clone());
    let t = text(&html);
    assert!(t.contains("Saved. New invitations, resends and reminders use this mail."));
    assert!(
        t.contains("A test of this mail is on its way to ada@example.com. Its link enrols nobody.")
    );
    assert!(tag(&html, "mail-test-outcome").contains("role=\"status\""));
    // Typing again: the outcomes no longer describe the text.
    let edited = state.reduce(MailAction::Subject("Join us".into()));
    assert_eq!(
        (edited.save.clone(), edited.test.clone()),
        (Request::Idle, Request::Idle)
    );
    // A refused test is said in words.
    let refused = edited.reduce(MailAction::Tested(Err(problem(
        429,
        "too_many_tests",
        "Wait a minute before the next test.",
    ))));
    assert!(text(&mail_view(refused.as_ref().clone(), c))
        .contains("Could not send the test. Wait a minute before the next test."));
}

/// Issue 28: the admin's own text stands alone in the preview (no fixed "Hello" before their
/// "Hi {name}," nor the fixed list after their activities), the editor says what every mail
/// adds, and "Use the standard text" says what it did.
#[test]
fn the_contracts_own_text_stands_alone_and_the_editor_says_what_is_added() {
    let c = contract("voucher", 2, "active");
    let state = Rc::new(mail_state(&c));
    let standard = mail_view(state.as_ref().clone(), c.clone());
    assert!(text(&standard)
        .contains("The standard text comes with a greeting before it and the list of activities"));
    let own = state.clone().reduce(MailAction::Message(
        "Hi {name},\n\nStart {activities} today.".into(),
    ));
    let html = mail_view(own.as_ref().clone(), c.clone());
    let t = text(&html);
    assert!(
        t.contains("Your text stands alone: greet with {name}"),
        "{t}"
    );
    assert!(t.contains("Every mail then adds the button with the personal link"));
    let preview = &t[t.find("Preview").unwrap()..];
    assert!(preview.contains("Hi Alex Example,"), "{preview}");
    assert!(!preview.contains("Hello"), "{preview}");
    assert!(preview.contains("Start Activity 1, Activity 2 today."));
    assert!(!preview.contains("  - Activity 1"), "{preview}");
    assert!(!html.contains("id=\"mail-restored\""));
    let restored = own.reduce(MailAction::Standard);
    let html = mail_view(restored.as_ref().clone(), c.clone());
    assert!(tag(&html, "mail-restored").contains("role=\"status\""));
    assert!(text(&html).contains("The standard text is back in the fields. Save to use it."));
    // Typing again: that line no longer describes the fields.
    let typed = restored.reduce(MailAction::Subject("Join us".into()));
    assert!(!mail_view(typed.as_ref().clone(), c).contains("id=\"mail-restored\""));
}

#[test]
fn the_reminder_plan_is_said_in_words_and_checked_at_its_fields() {
    let plan = |enabled, after, before, at_most| ReminderPlan {
        enabled,
        days_after_send: after,
        days_before_expiry: before,
        at_most,
    };
    assert_eq!(
        plan_in_words(&plan(true, Some(3), Some(2), 2)),
        "A reminder 3 days after the last mail, and one 2 days before the link expires; at most 2 per person."
    );
    assert_eq!(
        plan_in_words(&plan(true, None, Some(1), 1)),
        "A reminder 1 day before the link expires; at most 1 per person."
    );
    assert_eq!(
        plan_in_words(&plan(false, Some(3), None, 2)),
        "No reminders: people get the invitation mail only."
    );
    let c = contract("voucher", 1, "active");
    let html = mail_view(mail_state(&c), c.clone());
    assert!(tag(&html, "reminders-on").contains("checked"));
    assert!(tag(&html, "reminder-after").contains("value=\"3\""));
    assert!(text(&html).contains(
        "A reminder 3 days after the last mail, and one 2 days before the link expires; at most 2 per person."
    ));
    for (id, label) in [
        ("reminder-after", "Days after the last mail"),
        ("reminder-before", "Days before the link expires"),
        ("reminder-at-most", "At most, per person"),
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{id}"
        );
    }
    // A wrong number is refused at its field, and Save waits.
    let draft = PlanDraft {
        enabled: true,
        days_after_send: "0".into(),
        days_before_expiry: String::new(),
        at_most: 2,
    };
    let state = Rc::new(mail_state(&c)).reduce(MailAction::Plan(draft.clone()));
    let html = mail_view(state.as_ref().clone(), c.clone());
    let after = tag(&html, "reminder-after");
    assert!(after.contains("aria-invalid=\"true\""), "{after}");
    assert!(after.contains("reminder-after-error"), "{after}");
    assert!(text(&html).contains("must be between 1 and 90 days"));
    assert!(tag(&html, "reminders-save").contains("disabled"));
    // Neither kind chosen while on: said at the fieldset.
    let none = PlanDraft {
        days_after_send: String::new(),
        ..draft
    };
    let html = mail_view(
        Rc::new(mail_state(&c))
            .reduce(MailAction::Plan(none))
            .as_ref()
            .clone(),
        c.clone(),
    );
    assert!(tag(&html, "reminder-when").contains("aria-describedby=\"reminder-when-error\""));
    assert!(text(&html).contains("Choose when reminders go"));
    // Saved: the contract's plan, and the outcome.
    let mut saved = c.clone();
    saved.reminders = plan(true, None, Some(2), 1);
    let state = Rc::new(mail_state(&c))
        .reduce(MailAction::PlanSaving)
        .reduce(MailAction::PlanSaved(Ok(saved)));
    let html = mail_view(state.as_ref().clone(), c);
    assert!(text(&html).contains("Saved. Reminders follow this plan from now on."));
    assert!(
        text(&html).contains("A reminder 2 days before the link expires; at most 1 per person.")
    );
}
