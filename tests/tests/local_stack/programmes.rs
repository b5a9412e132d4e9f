//! Programmes on dates (issue 31) on the local stack, over HTTP: a Future contract's
//! invitations mailed at its start after a system administrator moved it; an admin on the daily
//! digest told who enrolled. The reminder run is called at a later time instead of waiting.

use crate::common::*;
use crate::helpers::*;
use chrono::{Duration, SecondsFormat, Utc};
use local_stack::seed::contracts::{ONBOARDING, SPRING_COHORT};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_future_contracts_invitations_go_at_its_start_moved_by_a_system_administrator() {
    let (stack, tag) = stack_with_contracts("programmes").await;
    let grace = Client::signed_in(&stack.url, &stack.person("contract-admin", 1).user_id).await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let people = [
        format!("early+{tag}@example.com"),
        format!("keen+{tag}@example.com"),
    ];
    let invitations = format!("/api/contracts/{SPRING_COHORT}/invitations");
    let (status, added) = grace
        .call(
            "POST",
            &invitations,
            Some(json!({"emails": people, "group": "Spring A"})),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    let (_, page) = grace
        .call("GET", &format!("{invitations}?group=Spring%20A"), None)
        .await;
    let rows = page["invitations"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{page}");
    assert!(rows.iter().all(
        |r| r["delivery"]["state"] == "scheduled" && r["schedule"]["at_contract_start"] == true
    ));

    // The start moved to two hours from now: the mails follow it.
    let start = Utc::now() + Duration::hours(2);
    let t = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let (status, moved) = sam
        .call(
            "POST",
            &format!("/api/contracts/{SPRING_COHORT}/dates"),
            Some(json!({"starts_at": t(start), "ends_at": t(start + Duration::days(90))})),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    let before = stack
        .run_reminders(start - Duration::minutes(5))
        .await
        .expect("a run");
    assert_eq!(before.released, 0, "{before:?}");
    let at = stack
        .run_reminders(start + Duration::minutes(1))
        .await
        .expect("a run");
    assert_eq!(at.released, 2, "{at:?}");
    for person in &people {
        let mail = this_stacks_mail(&stack, person, 1).await;
        assert_eq!(mail.len(), 1, "{person}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_admin_on_the_daily_digest_hears_who_enrolled() {
    let (stack, tag) = stack_with_contracts("digest").await;
    let grace_user = stack.person("contract-admin", 1).clone();
    let grace = Client::signed_in(&stack.url, &grace_user.user_id).await;
    let (status, chosen) = grace
        .call(
            "POST",
            &format!("/api/contracts/{ONBOARDING}/notifications"),
            Some(json!({"enrolments": "daily", "seat_alerts": false})),
        )
        .await;
    assert_eq!(status, 200, "{chosen}");
    let student = format!("digest.student+{tag}@example.com");
    let (status, added) = grace
        .call(
            "POST",
            &format!("/api/contracts/{ONBOARDING}/invitations"),
            Some(json!({"emails": [student], "activities": []})),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    let mail = this_stacks_mail(&stack, &student, 1).await;
    let token = token_of(&enrol_link(&mail[0], &stack.url));
    let (status, enrolled) = anonymous(&stack)
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Dana Digest"})),
        )
        .await;
    assert_eq!(status, 200, "{enrolled}");
    let run = stack
        .run_reminders(Utc::now() + Duration::days(1) + Duration::minutes(1))
        .await
        .expect("a run");
    assert_eq!(run.notices, 1, "{run:?}");
    // The digest names the student (the SES emulator is shared: find ours by its address).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let digests: Vec<_> = mail_for(&stack.emulators.ses, &grace_user.email, 1)
            .await
            .into_iter()
            .filter(|m| m.body.text.as_deref().is_some_and(|t| t.contains(&student)))
            .collect();
        if let Some(digest) = digests.first() {
            assert!(
                digest.subject.starts_with("1 person enrolled in"),
                "{}",
                digest.subject
            );
            assert!(digest.body.text.as_deref().unwrap().contains("Dana Digest"));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no digest naming {student}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

/// A headed CSV with names, groups and languages, uploaded as the site does: each person's
/// mail in their language, each in their group, a bad language reported with its line.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_headed_csv_mails_each_person_in_their_own_language() {
    let (stack, tag) = stack_with_contracts("headed").await;
    let grace = Client::signed_in(&stack.url, &stack.person("contract-admin", 1).user_id).await;
    let (amelie, ben, cleo) = (
        format!("amelie+{tag}@example.com"),
        format!("ben+{tag}@example.com"),
        format!("cleo+{tag}@example.com"),
    );
    let csv = format!(
        "\u{feff}Prénom;Nom;Courriel;Langue;Groupe;Notes\n\
         Amélie;Durand;{amelie};fr;Lyon;vue au salon\n\
         Ben;Okafor;{ben};en;London;\n\
         Cléo;Martin;{cleo};klingon;Lyon;\n"
    );
    let import = upload_and_wait(
        &grace,
        ONBOARDING,
        csv,
        json!({"activities": [], "file_name": "people.csv"}),
    )
    .await;
    assert_eq!(import["status"]["state"], "done", "{import}");
    assert_eq!(import["counts"]["invited"], 2, "{import}");
    assert_eq!(import["counts"]["invalid_value"], 1, "{import}");
    assert_eq!(import["first_bad_rows"][0]["line"], 4, "{import}");
    assert_eq!(import["ignored_columns"], json!(["Notes"]), "{import}");

    let french = this_stacks_mail(&stack, &amelie, 1).await.remove(0);
    let text = french.body.text.as_deref().unwrap();
    assert!(text.contains("Bonjour Amélie Durand"), "{text}");
    let english = this_stacks_mail(&stack, &ben, 1).await.remove(0);
    let text = english.body.text.as_deref().unwrap();
    assert!(text.contains("Hello Ben Okafor"), "{text}");
    let (_, lyon) = grace
        .call(
            "GET",
            &format!("/api/contracts/{ONBOARDING}/invitations?group=Lyon"),
            None,
        )
        .await;
    let rows = lyon["invitations"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{lyon}");
    assert_eq!(rows[0]["language"], "fr");
}
