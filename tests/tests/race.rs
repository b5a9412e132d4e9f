//! Across functions: admins revoke while students enrol through the mailed links, at the same
//! instant. Exactly one wins each, the loser is told why, and no mail goes out after a revoke.

use chrono::{DateTime, TimeZone, Utc};
use invitations_core::adapters::SesMailer;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::json;
use std::sync::Arc;
use testkit::{api_request, read_response, As, TestEnv};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

async fn mail_everything(env: &TestEnv, mailer: &mailer::App) {
    let event = serde_json::from_value(env.stream_event().await).expect("stream event");
    let response = mailer.handle(event).await.expect("mailer runs");
    assert!(response.batch_item_failures.is_empty());
}

fn token_in(text: &str) -> String {
    let start = text.find("#token=").expect("a link in the mail") + "#token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn revoke_and_enrol_at_the_same_instant_through_the_apis() {
    let env = TestEnv::new().await;
    let clock: Clock = Arc::new(t0);
    let contract = testkit::contract("R")
        .name("Race Academy")
        .kind(ContractKind::Subscription)
        .named_activities(&[("r1", "Sprinting")])
        .admin("admin-r")
        .around(t0())
        .started_days_ago(1)
        .ends_in_days(60)
        .build();
    env.store.put_contract(&contract).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(env.store.clone());
    let admin = admin_api::App::on(store.clone(), clock.clone())
        .with_blobs(Arc::new(invitations_core::adapters::S3Blobs::new(
            env.s3.clone(),
            &env.bucket,
        )))
        .with_accounts(Arc::new(env.accounts.clone()));
    let student = enrol_api::App {
        store: store.clone(),
        accounts: Arc::new(env.accounts.clone()),
        link_key: env.link_key.clone().into(),
        clock: clock.clone(),
    };
    let mailer = mailer::App::new(
        Arc::new(env.store.clone()),
        Arc::new(SesMailer::new(
            env.sesv2.clone(),
            "invitations@example.com",
            None,
        )),
        env.link_key.clone(),
        "https://learn.example.com",
    )
    .with_send_rate(1000.0)
    .unwrap()
    .with_clock(clock.clone());

    let emails: Vec<String> = (0..40)
        .map(|i| env.email(&format!("runner{i:02}")))
        .collect();
    let who = As::User("admin-r");
    let response = admin_api::handle(
        &admin,
        api_request(
            "POST",
            "/contracts/R/invitations",
            Some(&json!({"emails": emails})),
            &who,
        ),
    )
    .await
    .unwrap();
    let (status, added, _) = read_response(response).await;
    assert_eq!(
        (status, added["summary"]["invited"].as_u64()),
        (200, Some(40)),
        "{added}"
    );
    mail_everything(&env, &mailer).await;
    let mails = env.sent_mail();
    assert_eq!(mails.len(), 40);

    let mut races = Vec::new();
    for mail in &mails {
        let token = token_in(mail.body.text.as_deref().unwrap());
        let id = env.link_key.verify(&token).unwrap().invitation_id;
        let (a, s) = (admin.clone(), student.clone());
        let revoke = tokio::spawn(async move {
            let path = format!("/contracts/R/invitations/{id}/revoke");
            read_response(
                admin_api::handle(&a, api_request("POST", &path, None, &As::User("admin-r")))
                    .await
                    .unwrap(),
            )
            .await
        });
        let enrol = tokio::spawn(async move {
            let body = json!({"token": token, "name": "Runner"});
            read_response(
                enrol_api::handle(
                    &s,
                    api_request("POST", "/enrol", Some(&body), &As::Anonymous),
                )
                .await
                .unwrap(),
            )
            .await
        });
        races.push((revoke, enrol));
    }
    let (mut enrolled, mut revoked) = (0u64, 0u64);
    for (revoke, enrol) in races {
        let (revoke_status, revoke_body, _) = revoke.await.unwrap();
        let (enrol_status, enrol_body, _) = enrol.await.unwrap();
        match (revoke_status, enrol_status) {
            (200, 410) => {
                revoked += 1;
                assert_eq!(revoke_body["changed"], true);
                assert_eq!(enrol_body["code"], "revoked");
            }
            (409, 200) => {
                enrolled += 1;
                assert_eq!(revoke_body["code"], "already_enrolled");
                assert_eq!(enrol_body["status"], "enrolled");
            }
            other => panic!("both or neither won: {other:?} {revoke_body} {enrol_body}"),
        }
    }
    assert_eq!(enrolled + revoked, 40);
    let stored = env.store.get_contract(&contract.id).await.unwrap().unwrap();
    assert_eq!(
        stored.counts,
        StatusCounts {
            pending: 0,
            enrolled,
            revoked
        }
    );

    // The stream now carries every change of the race; none of it is a mail.
    mail_everything(&env, &mailer).await;
    assert_eq!(
        env.sent_mail().len(),
        40,
        "no mail after a revoke or an enrolment"
    );
}
