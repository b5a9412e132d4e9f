use super::*;
use chrono::TimeZone;

fn values<'a>(activities: &'a [String]) -> MailValues<'a> {
    MailValues {
        recipient_name: Some("Ann Lee"),
        contract_name: "Leadership 2026",
        activities,
        inviter_name: Some("Ada Admin"),
        expires_at: Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap(),
        link: "https://learn.example.com/enrol#token=abc-_123",
    }
}

fn custom(subject: &str, message: &str, language: Language) -> ContractMail {
    ContractMail {
        language,
        custom: Some(MailTemplate::parse(subject, message).unwrap()),
    }
}

#[test]
fn the_standard_mail_names_the_contract_activities_inviter_expiry_and_link() {
    let activities = vec!["Safety basics".to_owned(), "First aid".to_owned()];
    let mail = render(
        &ContractMail::default(),
        MailKind::Invitation,
        &values(&activities),
    );
    assert_eq!(mail.subject, "You're invited to Leadership 2026");
    for body in [&mail.text, &mail.html] {
        assert!(body.contains("Hello Ann Lee,"), "{body}");
        assert!(body.contains("invited by Ada Admin"), "{body}");
        assert!(body.contains("Safety basics"), "{body}");
        assert!(body.contains("16 March 2026 at 09:00 UTC"), "{body}");
    }
    assert!(mail
        .text
        .lines()
        .any(|l| l == "https://learn.example.com/enrol#token=abc-_123"));
    assert!(!mail.text.contains("Reminder") && !mail.text.contains("test"));
}

#[test]
fn merge_fields_fill_the_contracts_own_text() {
    let activities = vec!["Safety basics".to_owned(), "First aid".to_owned()];
    let mail = custom(
        "{name}, join {contract} by {expiry}",
        "{inviter} has a place for you in {activities}.\n\nOpen {link} to start. {{braces}} stay.",
        Language::En,
    );
    let out = render(&mail, MailKind::Invitation, &values(&activities));
    assert_eq!(
        out.subject,
        "Ann Lee, join Leadership 2026 by 16 March 2026 at 09:00 UTC"
    );
    assert!(out
        .text
        .contains("Ada Admin has a place for you in Safety basics, First aid."));
    assert!(out.text.contains("{braces} stay."));
    assert!(out.html.contains(
        "Open <a href=\"https://learn.example.com/enrol#token=abc-_123\">https://learn.example.com/enrol#token=abc-_123</a> to start."
    ));
    // Two paragraphs in HTML.
    assert!(out.html.contains("<p>Ada Admin has a place"));
}

/// Issue 28: the admin's own text stands alone: no fixed greeting before their "Hi {name},"
/// and no fixed list of activities after theirs; the link, the button and the expiry are
/// still there.
#[test]
fn a_contracts_own_text_stands_alone_in_the_frame() {
    let activities = vec!["Safety basics".to_owned()];
    let mail = custom(
        "Join {contract}",
        "Hi {name},\n\nYou may start {activities} now.",
        Language::En,
    );
    let out = render(&mail, MailKind::Invitation, &values(&activities));
    for body in [&out.text, &out.html] {
        assert!(!body.contains("Hello"), "{body}");
        assert_eq!(body.matches("Safety basics").count(), 1, "{body}");
        assert!(body.contains("16 March 2026 at 09:00 UTC"), "{body}");
    }
    assert!(out.text.starts_with("Hi Ann Lee,\n"), "{}", out.text);
    assert!(out.html.contains("<p>Hi Ann Lee,</p>"), "{}", out.html);
    assert!(out
        .text
        .lines()
        .any(|l| l == "https://learn.example.com/enrol#token=abc-_123"));
    assert!(out.html.contains(BUTTON_STYLE), "{}", out.html);
}

/// Issue 26: a subject is one header line, and the personal link never goes in it.
#[test]
fn a_subject_is_one_line_without_the_link() {
    for bad in [
        "Hello\r\nBcc: x@example.org",
        "Hello\nthere",
        "Hi\0",
        "Tab\there",
    ] {
        assert_eq!(
            MailTemplate::parse(bad, "Join: {link}"),
            Err(TemplateError::SubjectNotOneLine),
            "{bad:?}"
        );
    }
    let err = MailTemplate::parse("Your link {link}", "Hi").unwrap_err();
    assert_eq!(err, TemplateError::LinkInSubject);
    assert!(
        err.to_string().contains("Put {link} in the message"),
        "{err}"
    );
    // The message may have lines, and the link; the subject other merge fields.
    assert!(MailTemplate::parse("Hi {name}", "Line one\r\nLine two {link}").is_ok());
    // One stored before the rules is read as it was sent: on one line, without the link.
    let old = MailTemplate::from_stored("Hello\r\nBcc: x {link}", "Hi {link}").unwrap();
    assert_eq!(old.subject(), "Hello  Bcc: x");
}

#[test]
fn an_unknown_merge_field_is_refused_by_name() {
    let err = MailTemplate::parse("Hi {first_name}", "x").unwrap_err();
    assert_eq!(err.field(), Some("first_name"));
    assert!(err.to_string().contains("{first_name}"), "{err}");
    assert!(err.to_string().contains("subject"), "{err}");
    let err = MailTemplate::parse("Hi", "Dear {nom}").unwrap_err();
    assert_eq!(err.field(), Some("nom"));
    assert!(matches!(
        MailTemplate::parse("Hi {name", "x"),
        Err(TemplateError::Unclosed {
            part: Part::Subject,
            at: 4
        })
    ));
    assert!(matches!(
        MailTemplate::parse("Hi", "a } b"),
        Err(TemplateError::StrayClose {
            part: Part::Message,
            ..
        })
    ));
    assert_eq!(
        MailTemplate::parse(" ", "x"),
        Err(TemplateError::EmptySubject)
    );
    assert!(matches!(
        MailTemplate::parse(&"x".repeat(201), "x"),
        Err(TemplateError::TooLong {
            part: Part::Subject,
            ..
        })
    ));
}

#[test]
fn an_admins_text_never_becomes_markup() {
    let activities = vec!["<script>alert(1)</script>".to_owned()];
    let mail = custom(
        "<b>{contract}</b>",
        "<img src=x onerror=alert(1)> \"{name}\" & {inviter}",
        Language::En,
    );
    let mut v = values(&activities);
    v.contract_name = "R&D <i>";
    v.recipient_name = Some("O'Brien <u>");
    v.link = "https://learn.example.com/enrol#token=a\"><script>";
    let out = render(&mail, MailKind::Invitation, &v);
    for raw in ["<script>", "<img", "<b>", "<i>", "<u>", "O'Brien", "a\">"] {
        assert!(!out.html.contains(raw), "{raw} in {}", out.html);
    }
    assert!(out.html.contains(
        "&lt;img src=x onerror=alert(1)&gt; &quot;O&#39;Brien &lt;u&gt;&quot; &amp; Ada Admin"
    ));
    assert_eq!(out.subject, "<b>R&D <i></b>");
    assert!(out
        .html
        .contains("<title>&lt;b&gt;R&amp;D &lt;i&gt;&lt;/b&gt;</title>"));
}

#[test]
fn the_subject_stays_on_one_line() {
    let mut v = values(&[]);
    v.contract_name = "Leadership\r\nBcc: someone@example.com";
    assert_eq!(
        render(&ContractMail::default(), MailKind::Invitation, &v).subject,
        "You're invited to Leadership Bcc: someone@example.com"
    );
}

#[test]
fn french_fixed_parts_and_date() {
    let activities = vec!["Sécurité".to_owned()];
    let mail = ContractMail {
        language: Language::Fr,
        custom: None,
    };
    let out = render(&mail, MailKind::Reminder(2), &values(&activities));
    assert_eq!(out.subject, "Rappel : Invitation : Leadership 2026");
    assert!(out
        .text
        .starts_with("Un rappel (n° 2) : votre invitation vous attend toujours.\n"));
    assert!(out.text.contains("Bonjour Ann Lee,"));
    assert!(out.text.contains("Vous êtes invité(e) par Ada Admin"));
    assert!(out.text.contains("Elle vous donne accès à :"));
    assert!(out.text.contains("jusqu'au 16 mars 2026 à 09:00 UTC"));
    assert!(out.html.contains("<html lang=\"fr\">"));
    assert!(out.html.contains("Accepter l&#39;invitation"));
}

#[test]
fn reminders_and_tests_are_marked() {
    let out = render(
        &ContractMail::default(),
        MailKind::Reminder(1),
        &values(&[]),
    );
    assert_eq!(out.subject, "Reminder: You're invited to Leadership 2026");
    assert!(out
        .text
        .starts_with("A reminder: your invitation is still waiting for you."));
    let out = render(&ContractMail::default(), MailKind::Test, &values(&[]));
    assert!(out.subject.starts_with("[Test] "));
    assert!(out.text.contains("Its link enrols nobody."));
    assert!(out.html.contains("Its link enrols nobody."));
}

#[test]
fn without_a_known_inviter_or_name() {
    let mut v = values(&[]);
    v.inviter_name = Some("  ");
    v.recipient_name = None;
    let out = render(&ContractMail::default(), MailKind::Invitation, &v);
    assert!(out.text.starts_with("Hello,\n"));
    assert!(out
        .text
        .contains("invited by the administrator of Leadership 2026 to join"));
    assert!(!out.html.contains("<ul>"));
}

#[test]
fn a_template_round_trips_through_serde_and_is_checked_on_the_way_in() {
    let t = MailTemplate::parse("Hi {name}", "Come to {contract}").unwrap();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(
        json,
        r#"{"subject":"Hi {name}","message":"Come to {contract}"}"#
    );
    assert_eq!(serde_json::from_str::<MailTemplate>(&json).unwrap(), t);
    assert!(serde_json::from_str::<MailTemplate>(r#"{"subject":"{x}","message":"m"}"#).is_err());
}
