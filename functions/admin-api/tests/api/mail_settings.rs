//! A contract's mail: its own text (checked, in its language), its reminder plan, and tests of
//! a draft sent to the caller, within limits.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::domain::*;
use serde_json::json;
use testkit::As;

/// How many of the contract's audit records are of each of these actions.
async fn audited(w: &World, actions: [AuditAction; 2]) -> [usize; 2] {
    let audit = w.audit("A").await;
    actions.map(|action| audit.iter().filter(|r| r.action == action).count())
}

const SETTINGS_AND_TESTS: [AuditAction; 2] = [AuditAction::ContractSettings, AuditAction::TestMail];

#[tokio::test]
async fn a_contracts_admins_write_its_mail() {
    let w = World::new().await;
    // An unknown merge field is refused with the field named; nothing changes.
    let body =
        json!({"language": "en", "subject": "Hello {first_name}", "message": "Join {contract}."});
    let refused = w.save_mail("A", body, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (422, "invalid_mail_template"));
    assert!(refused.detail().contains("{first_name}"), "{refused:?}");
    let contract = w.contract("A", &ADMIN_A).await.unwrap();
    assert!(!contract.mail.custom);
    assert_eq!(contract.mail.language, wire::MailLanguage::En);
    assert_eq!(contract.mail.subject, "You're invited to {contract}");

    // Its own text, in French.
    let body = json!({"language": "fr", "subject": "{name}, rejoignez {contract}", "message": "<b>Bienvenue</b> dans {activities}."});
    let contract = w.save_mail("A", body, &ADMIN_A).await.unwrap();
    assert_eq!(
        contract.mail,
        wire::MailSettings {
            language: wire::MailLanguage::Fr,
            subject: "{name}, rejoignez {contract}".into(),
            message: "<b>Bienvenue</b> dans {activities}.".into(),
            custom: true
        }
    );
    assert_eq!(w.env.stored_contract("A").await.mail.language, Language::Fr);
    // The standard text of a language, sent back as it is: the contract uses it again.
    let body = json!({"language": "en", "subject": "You're invited to {contract}", "message": "You have been invited by {inviter} to join the learning contract \"{contract}\"."});
    let contract = w.save_mail("A", body, &ADMIN_A).await.unwrap();
    assert!(!contract.mail.custom);
    // Every change is audited.
    assert_eq!(audited(&w, SETTINGS_AND_TESTS).await, [2, 0]);
}

#[tokio::test]
async fn a_contracts_admins_set_its_reminder_plan() {
    let w = World::new().await;
    let contract = w.contract("A", &ADMIN_A).await.unwrap();
    assert_eq!(
        contract.reminders,
        wire::ReminderPlan {
            enabled: true,
            days_after_send: Some(3),
            days_before_expiry: Some(2),
            at_most: 2
        }
    );
    // Reminder plans are checked.
    for (bad, words) in [
        (
            json!({"enabled": true, "days_after_send": 0, "days_before_expiry": null, "at_most": 1}),
            "between 1 and 90",
        ),
        (
            json!({"enabled": true, "days_after_send": null, "days_before_expiry": null, "at_most": 1}),
            "Choose when",
        ),
        (
            json!({"enabled": true, "days_after_send": 3, "days_before_expiry": null, "at_most": 6}),
            "At most",
        ),
    ] {
        let refused = w.save_reminders("A", bad, &ADMIN_A).await;
        assert_eq!(refused.refusal(), (422, "invalid_reminder_plan"));
        assert!(refused.detail().contains(words), "{refused:?}");
    }
    // Both fields are required (null says "none").
    let body = json!({"enabled": false, "at_most": 1});
    let refused = w.save_reminders("A", body, &ADMIN_A).await;
    assert_eq!(refused.refusal().0, 400);
    let body =
        json!({"enabled": true, "days_after_send": null, "days_before_expiry": 1, "at_most": 1});
    let contract = w.save_reminders("A", body, &ADMIN_A).await.unwrap();
    assert_eq!(
        contract.reminders,
        wire::ReminderPlan {
            enabled: true,
            days_after_send: None,
            days_before_expiry: Some(1),
            at_most: 1
        }
    );
    assert_eq!(audited(&w, SETTINGS_AND_TESTS).await, [1, 0]);
}

#[tokio::test]
async fn a_contracts_admins_test_a_draft_of_its_mail() {
    let w = World::new().await;
    // A test: queued for the mailer, to the caller's own address, with the draft as typed.
    let draft = json!({"language": "en", "subject": "Draft for {name}", "message": "Try {link}"});
    let queued = w.test_mail("A", draft, &ADMIN_A).await.unwrap();
    assert_eq!(queued.to, "admin-a@example.com");
    let draft = json!({"language": "en", "subject": "Draft", "message": "{oops}"});
    let refused = w.test_mail("A", draft, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (422, "invalid_mail_template"));
    assert_eq!(audited(&w, SETTINGS_AND_TESTS).await, [0, 1]);
}

/// Issue 26: "Send me a test" goes only to the caller's confirmed address, never to one the
/// mail service blocked, at most five an hour per person however many are asked for at once,
/// and the test's item expires with the table's time to live.
#[tokio::test]
async fn test_mails_go_to_a_confirmed_unblocked_address_five_an_hour() {
    let w = World::new().await;
    let draft = json!({"language": "en", "subject": "Draft for {name}", "message": "Try {link}"});
    let test = |who: As| {
        let w = &w;
        let body = draft.clone();
        async move { w.test_mail("A", body, &who).await }
    };

    let refused = test(As::UnconfirmedUser("admin-a")).await;
    assert_eq!(refused.refusal(), (409, "no_address"));
    assert!(refused.detail().contains("confirmed"));

    // Eight at once: five pass, three are refused in words; nothing more is queued.
    let answers = futures::future::join_all((0..8).map(|_| test(ADMIN_A))).await;
    let passed = answers.iter().filter(|a| a.is_ok()).count();
    let limited: Vec<&wire::Problem> = answers
        .iter()
        .filter_map(|a| a.as_ref().err())
        .filter(|p| p.status == 429)
        .collect();
    assert_eq!((passed, limited.len()), (5, 3), "{answers:?}");
    assert_eq!(limited[0].code, "test_mail_limit");
    assert!(
        limited[0]
            .detail
            .contains("Send the next after 10:00 (UTC)"),
        "{:?}",
        limited[0]
    );
    let tests = w
        .env
        .dynamodb
        .query()
        .table_name(&w.env.table)
        .key_condition_expression("pk = :pk AND begins_with(sk, :sk)")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S("CONTRACT#A".into()),
        )
        .expression_attribute_values(
            ":sk",
            aws_sdk_dynamodb::types::AttributeValue::S("TESTMAIL#".into()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(tests.items().len(), 5);
    let thirty_days = (t0() + Duration::days(30)).timestamp().to_string();
    for item in tests.items() {
        assert_eq!(item["ttl"].as_n().unwrap(), &thirty_days, "{item:?}");
    }
    // Another person's tests are theirs.
    assert!(test(SYSADMIN).await.is_ok());
    // The next hour, the next five.
    w.advance(Duration::hours(1));
    assert!(test(ADMIN_A).await.is_ok());

    // A blocked address gets no test.
    w.block("admin-a@example.com", ReportKind::Complained, "abuse", t0())
        .await;
    let refused = test(ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "address_blocked"));
    assert!(
        refused
            .detail()
            .contains("its owner marked our mail as spam on 2026-03-02"),
        "{refused:?}"
    );
}

/// Issue 26: a subject with a line break (a header injection) or the personal link is refused
/// at the field, in words, for saving and for a test alike; nothing is stored or queued.
#[tokio::test]
async fn a_subject_with_a_line_break_or_the_link_is_refused_in_words() {
    let w = World::new().await;
    for (subject, words) in [
        ("Hello\r\nBcc: x@example.org", "The subject is one line"),
        ("Hello\u{0}", "The subject is one line"),
        ("Your link: {link}", "Put {link} in the message"),
    ] {
        for path in ["/contracts/A/mail", "/contracts/A/mail/test"] {
            let body = json!({"language": "en", "subject": subject, "message": "Join: {link}"});
            let refused = w.call("POST", path, Some(body), &ADMIN_A).await;
            assert_eq!(
                refused.refusal(),
                (422, "invalid_mail_template"),
                "{path} {subject:?}"
            );
            assert!(refused.detail().contains(words), "{}", refused.1);
        }
    }
    let contract = w.env.stored_contract("A").await;
    assert_eq!(contract.mail.custom, None, "nothing stored");
    let audit = w.audit("A").await;
    assert!(audit.iter().all(|r| r.action != AuditAction::TestMail));
}
