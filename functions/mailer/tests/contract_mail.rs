//! The contract's own mail: its text and language in every invitation mail, the next reminder
//! set when a mail is recorded, and "Send me a test" through the one mail path.

mod common;

use chrono::Duration;
use common::*;
use invitations_core::domain::mail::{ContractMail, Language, MailTemplate};
use invitations_core::domain::*;
use invitations_core::ports::*;

/// Issue 31: a person's own language (a headed CSV's `language`, the add form's): the standard
/// text in it when it is not the contract's; the contract's own text (one language) otherwise.
#[tokio::test]
async fn each_person_gets_the_mail_in_their_own_language() {
    let (env, mut c) = setup().await;
    c.mail = ContractMail {
        language: Language::En,
        custom: Some(MailTemplate::parse("Join {contract}", "Dear {name}, welcome.").unwrap()),
    };
    env.store.put_contract(&c).await.unwrap();
    let (fr, en) = (env.email("lectrice"), env.email("reader"));
    let speaking = |email: &str, language| Invitee {
        options: InviteOptions {
            language,
            ..Default::default()
        },
        ..invitee(email, Some("Camille"))
    };
    let people = vec![
        speaking(&fr, Some(Language::Fr)),
        speaking(&en, Some(Language::En)),
    ];
    create(&env, &c, &["a1"], people, now()).await;
    let clock = TestClock::at(now() + Duration::seconds(3));
    app(&env, ses(&env), &clock)
        .handle(stream_event(&env).await)
        .await
        .unwrap();
    let french = mail_to(&env, &fr).remove(0);
    let text = french.body.text.as_deref().unwrap();
    assert!(text.contains("Bonjour Camille"), "{text}");
    assert!(!french.subject.starts_with("Join"), "{}", french.subject);
    let english = mail_to(&env, &en).remove(0);
    assert_eq!(english.subject, "Join Leadership & Safety 2026");
    assert!(english
        .body
        .text
        .as_deref()
        .unwrap()
        .starts_with("Dear Camille, welcome."));
}

#[tokio::test]
async fn invitation_mail_says_what_the_contract_says_in_its_language() {
    let (env, mut c) = setup().await;
    c.mail = ContractMail {
        language: Language::Fr,
        custom: Some(
            MailTemplate::parse(
                "{name}, une place vous attend : {contract}",
                "{inviter} vous propose {activities}.\n\n<script>alert(1)</script> jusqu'au {expiry}.",
            )
            .unwrap(),
        ),
    };
    env.store.put_contract(&c).await.unwrap();
    let emails = vec![env.email("fr.reader")];
    let ids = invite(&env, &c, &emails, now()).await;
    let clock = TestClock::at(now() + Duration::seconds(3));
    let app = app(&env, ses(&env), &clock);
    let response = app.handle(stream_event(&env).await).await.unwrap();
    assert!(response.batch_item_failures.is_empty());

    let mail = mail_to(&env, &emails[0]);
    assert_eq!(mail.len(), 1);
    // No name known: the field is empty, the subject still one clean line.
    assert_eq!(
        mail[0].subject,
        ", une place vous attend : Leadership & Safety 2026"
    );
    let text = mail[0].body.text.as_deref().unwrap();
    let html = mail[0].body.html.as_deref().unwrap();
    // The contract's own text stands alone (issue 28): no fixed greeting before it.
    assert!(text.starts_with("Ada Admin vous propose"), "{text}");
    assert!(!text.contains("Bonjour"), "{text}");
    assert!(
        text.contains("Ada Admin vous propose Safety basics, First aid."),
        "{text}"
    );
    assert!(text.contains("jusqu'au 16 mars 2026 à 09:00 UTC"), "{text}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
    // The link is still the personal one, in the fixed part.
    let token = token_in(text);
    assert!(env.link_key.verify(&token).is_ok());

    // Recorded with the next wake-up of the default plan: 3 days after the mail.
    let inv = env
        .store
        .get_invitation(&c.id, &ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        inv.remind_at,
        Some(now() + Duration::seconds(3) + Duration::days(3))
    );
}

#[tokio::test]
async fn a_test_mail_goes_once_to_the_admin_marked_and_enrolling_nobody() {
    let (env, c) = setup().await;
    let test = TestMail {
        id: "t1".into(),
        contract: c.id.clone(),
        to: EmailAddress::parse(&env.email("ada")).unwrap(),
        name: Some("Ada Admin".into()),
        requested_by: admin(),
        mail: ContractMail {
            language: Language::En,
            custom: Some(
                MailTemplate::parse("Draft for {name}", "Open {link} before {expiry}.").unwrap(),
            ),
        },
        queued_at: now(),
    };
    env.store.queue_test_mail(&test, 5).await.unwrap();
    let clock = TestClock::at(now() + Duration::seconds(1));
    let app = std::sync::Arc::new(app(&env, ses(&env), &clock));
    let event = stream_event(&env).await;
    // Delivered twice at once: one mail.
    let (a, b) = tokio::join!(app.handle(event.clone()), app.handle(event.clone()));
    assert!(a.unwrap().batch_item_failures.is_empty());
    assert!(b.unwrap().batch_item_failures.is_empty());
    // The mailer's own records of the test come through the stream too: nothing more.
    app.handle(stream_event(&env).await).await.unwrap();

    let mail = mail_to(&env, &env.email("ada"));
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "[Test] Draft for Ada Admin");
    let text = mail[0].body.text.as_deref().unwrap();
    assert!(text.starts_with("This is a test of the invitation mail. Its link enrols nobody."));
    assert!(
        text.contains(&format!("Open {SITE_URL}/enrol#test before 16 March 2026")),
        "{text}"
    );
    assert!(
        !text.contains("#token="),
        "a test carries no invitation link: {text}"
    );
    // Nothing else was mailed, and no invitation exists.
    assert_eq!(env.sent_mail().len(), 1);
    let page = env
        .store
        .list_invitations(
            &c.id,
            &InvitationQuery {
                limit: 10,
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert!(page.invitations.is_empty());
}
