//! Admins told about their contract (issue 31) over the wire: their choice in the table, the
//! reminder run under its role, the real mailer on aws-ses-v2-local; the clock moved instead of
//! waiting.

#[path = "../../mailer/tests/common/mod.rs"]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use invitations_core::domain::notice::{EnrolmentNotices, NoticeSetting};
use invitations_core::domain::*;
use invitations_core::ports::*;
use reminders::run;
use testkit::TestEnv;

/// Ada chooses `enrolments` (and seat alerts) for the contract at `now()`.
async fn choose(env: &TestEnv, c: &Contract, enrolments: EnrolmentNotices, seats: bool) -> String {
    let ada = env.email("ada");
    let setting = NoticeSetting {
        contract_id: c.id.clone(),
        admin: admin(),
        email: EmailAddress::parse(&ada).unwrap(),
        enrolments,
        seat_alerts: seats,
        system_admin: false,
        told_through: now(),
        seats_told: 0,
    };
    let store = env.store_as("contract-settings");
    assert!(store.save_notice_setting(&setting, None).await.unwrap());
    ada
}

/// `name` enrols through their invitation at `at`.
async fn enrols(env: &TestEnv, c: &Contract, id: &InvitationId, name: &str, at: DateTime<Utc>) {
    let inv = env.store.get_invitation(&c.id, id).await.unwrap().unwrap();
    let link = LinkToken {
        invitation_id: inv.id,
        version: inv.token_version,
    };
    let who = Enrolee::New {
        subject: UserId::parse(&format!("s-{}", name.to_lowercase().replace(' ', "-"))).unwrap(),
        name: name.into(),
    };
    env.store_as("enrol").enrol(&link, who, at).await.unwrap();
}

async fn mailer_runs(env: &TestEnv, at: DateTime<Utc>) {
    app(env, ses(env), &TestClock::at(at))
        .handle(stream_event(env).await)
        .await
        .unwrap();
}

/// Invites `people` (named as given) at `now()`.
async fn invite_named(env: &TestEnv, c: &Contract, people: &[(&str, String)]) -> Vec<InvitationId> {
    let invitees = people
        .iter()
        .map(|(name, email)| invitee(email, Some(name)))
        .collect();
    create(env, c, &["a1"], invitees, now()).await
}

#[tokio::test]
async fn an_admin_on_the_digest_gets_one_mail_a_day_listing_who_enrolled() {
    let (env, c) = setup().await;
    let ada = choose(&env, &c, EnrolmentNotices::Daily, false).await;
    let people = [
        ("Ann Lee", env.email("ann")),
        ("Bob Ray", env.email("bob")),
        ("Cy Tan", env.email("cy")),
    ];
    let ids = invite_named(&env, &c, &people).await;
    enrols(&env, &c, &ids[0], "Ann Lee", now() + Duration::hours(2)).await;
    enrols(&env, &c, &ids[1], "Bob Ray", now() + Duration::hours(5)).await;
    let store = env.store_as("reminders");

    // Within the day: nothing yet.
    let counts = run(&store, now() + Duration::hours(20), 3000)
        .await
        .unwrap();
    assert_eq!(counts.notices, 0, "{counts:?}");
    // A day on, two runs race: one digest.
    let day = now() + Duration::days(1) + Duration::minutes(1);
    let (a, b) = tokio::join!(run(&store, day, 3000), run(&store, day, 3000));
    assert_eq!(a.unwrap().notices + b.unwrap().notices, 1);
    mailer_runs(&env, day).await;
    let mails = mail_to(&env, &ada);
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].subject,
        "2 people enrolled in Leadership & Safety 2026 today"
    );
    let text = mails[0].body.text.as_deref().unwrap();
    assert!(text.contains("Ann Lee <"), "{text}");
    assert!(text.contains("Bob Ray <"), "{text}");
    assert!(!text.contains("Cy Tan"), "{text}");

    // Later the same day, and a quiet next day: no mail.
    run(&store, day + Duration::hours(3), 3000).await.unwrap();
    run(&store, day + Duration::days(1) + Duration::minutes(1), 3000)
        .await
        .unwrap();
    mailer_runs(&env, day + Duration::days(1) + Duration::minutes(2)).await;
    assert_eq!(mail_to(&env, &ada).len(), 1);

    // Cy enrols: the day after, a digest naming Cy only.
    enrols(
        &env,
        &c,
        &ids[2],
        "Cy Tan",
        day + Duration::days(1) + Duration::hours(1),
    )
    .await;
    let third = day + Duration::days(2) + Duration::minutes(2);
    let counts = run(&store, third, 3000).await.unwrap();
    assert_eq!(counts.notices, 1, "{counts:?}");
    mailer_runs(&env, third).await;
    let mails = mail_to(&env, &ada);
    assert_eq!(mails.len(), 2);
    let latest = mails
        .iter()
        .find(|m| m.subject.starts_with("1 person"))
        .expect("the second digest");
    let text = latest.body.text.as_deref().unwrap();
    assert!(
        text.contains("Cy Tan <") && !text.contains("Ann Lee"),
        "{text}"
    );
}

#[tokio::test]
async fn each_enrolment_is_its_own_mail_and_the_seats_are_told_once_per_threshold() {
    let env = TestEnv::new().await;
    let c = testkit::contract("c1")
        .name("Ten seats")
        .voucher(&["a1"])
        .admin(admin().as_str())
        .seats(10)
        .around(now())
        .build();
    env.store.put_contract(&c).await.unwrap();
    let ada = choose(&env, &c, EnrolmentNotices::Each, true).await;
    let people: Vec<(&str, String)> =
        ["Ann", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy"]
            .iter()
            .map(|n| (*n, env.email(&n.to_lowercase())))
            .collect();
    let ids = invite_named(&env, &c, &people).await;
    enrols(&env, &c, &ids[0], "Ann", now() + Duration::minutes(1)).await;
    enrols(&env, &c, &ids[1], "Bob", now() + Duration::minutes(2)).await;
    let store = env.store_as("reminders");
    let at = now() + Duration::minutes(6);
    let counts = run(&store, at, 3000).await.unwrap();
    // Two enrolments, and 9 of 10 seats taken: 90%.
    assert_eq!(counts.notices, 3, "{counts:?}");
    mailer_runs(&env, at).await;
    let subjects: Vec<String> = mail_to(&env, &ada).into_iter().map(|m| m.subject).collect();
    assert!(
        subjects.iter().any(|s| s.starts_with("Ann <")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.starts_with("Bob <")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.starts_with("90% of the seats")),
        "{subjects:?}"
    );
    // Nothing new: nothing more, however often the run looks.
    run(&store, at + Duration::minutes(5), 3000).await.unwrap();
    run(&store, at + Duration::minutes(10), 3000).await.unwrap();
    mailer_runs(&env, at + Duration::minutes(11)).await;
    assert_eq!(mail_to(&env, &ada).len(), 3);
    // The last seat: "no seats left", once.
    invite_named(&env, &c, &[("Jo", env.email("jo"))]).await;
    let full = at + Duration::minutes(15);
    run(&store, full, 3000).await.unwrap();
    run(&store, full + Duration::minutes(5), 3000)
        .await
        .unwrap();
    mailer_runs(&env, full + Duration::minutes(6)).await;
    let subjects: Vec<String> = mail_to(&env, &ada).into_iter().map(|m| m.subject).collect();
    assert_eq!(subjects.len(), 4, "{subjects:?}");
    assert!(
        subjects.iter().any(|s| s.starts_with("No seats left")),
        "{subjects:?}"
    );
}
