//! The seed's flows through the gateway as the site would walk them.

use crate::common::{enrol_link, mail_for, start_stack};
use crate::helpers::*;
use local_stack::seed::contracts::{DATA_SKILLS, LEADERSHIP, ONBOARDING};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_seeded_flows_work_through_the_gateway() {
    let (stack, tag) = start_stack("e2e").await;
    let ada_id = stack.person("contract-admin", 0).user_id.clone();
    let grace_id = stack.person("contract-admin", 1).user_id.clone();
    let sam_id = stack.person("system-admin", 0).user_id.clone();
    let ada = Client::signed_in(&stack.url, &ada_id).await;
    let grace = Client::signed_in(&stack.url, &grace_id).await;
    let anonymous = Client {
        http: reqwest::Client::new(),
        base: stack.url.clone(),
        token: None,
    };

    // The gateway behaves like API Gateway in front of the functions.
    let (status, config) = anonymous.call("GET", "/config.json", None).await;
    assert_eq!((status, config["api_base"].clone()), (200, json!("/api")));
    let (status, body) = anonymous.call("GET", "/api/contracts", None).await;
    assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
    let forged = Client {
        token: Some(format!("{}x", ada.token.clone().unwrap())),
        ..Client::signed_in(&stack.url, &ada_id).await
    };
    assert_eq!(forged.call("GET", "/api/contracts", None).await.0, 401);
    let (status, body) = ada.call("DELETE", "/api/contracts", None).await;
    assert_eq!((status, body), (404, json!({"message": "Not Found"})));
    // The sign-in page lists the whole pool, the seeded sign-in people first.
    let (status, people) = anonymous.call("GET", "/local/users", None).await;
    assert_eq!(status, 200);
    let people = people.as_array().unwrap();
    assert_eq!(people.len(), 3 + local_stack::seed::DIRECTORY_SIZE);
    let first: Vec<(&str, &str)> = people[..5]
        .iter()
        .map(|p| (p["user_id"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        first,
        stack
            .people
            .iter()
            .map(|p| (p.user_id.as_str(), p.role.as_str()))
            .collect::<Vec<_>>()
    );
    assert_eq!(first[0], (sam_id.as_str(), "system-admin"));
    assert_eq!(first[1], (ada_id.as_str(), "contract-admin"));

    // The seed: Ada sees her contracts (with invitations in every status), not Grace's.
    let (status, contracts) = ada.call("GET", "/api/contracts", None).await;
    assert_eq!(status, 200, "{contracts}");
    let ids: Vec<&str> = contracts["contracts"]
        .as_array()
        .expect("contracts")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(
        ids.contains(&DATA_SKILLS) && ids.contains(&LEADERSHIP),
        "{ids:?}"
    );
    assert!(!ids.contains(&"onboarding-voucher"), "{ids:?}");
    let (status, _) = grace
        .call("GET", &format!("/api/contracts/{DATA_SKILLS}"), None)
        .await;
    assert!(
        status == 403 || status == 404,
        "Grace opened Ada's contract: {status}"
    );
    for state in ["pending", "expired", "enrolled", "revoked"] {
        let (status, page) = ada
            .call(
                "GET",
                &format!("/api/contracts/{LEADERSHIP}/invitations?status={state}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        assert!(
            !page["invitations"].as_array().unwrap().is_empty(),
            "the seed has {state} invitations"
        );
    }

    // Invite two directory users to two of the voucher's three activities.
    let invitations = format!("/api/contracts/{DATA_SKILLS}/invitations");
    let (status, added) = ada
        .call(
            "POST",
            &invitations,
            Some(json!({
                "user_ids": [stack.directory[&150], stack.directory[&151]],
                "activities": ["sql-basics", "dashboards"],
            })),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    assert_eq!(added["summary"]["invited"], 2, "{added}");

    // Upload a CSV with bad rows through the presigned URL, and wait for the import.
    let external = format!("robin@e2e{tag}.example");
    let other = format!("kim@e2e{tag}.example");
    let csv = format!(
        "Email\n{external}\nnot-an-address\n{other}\n{}\n",
        external.to_uppercase()
    );
    let (status, announced) = ada
        .call(
            "POST",
            &format!("/api/contracts/{DATA_SKILLS}/imports"),
            Some(json!({"activities": ["python-data"], "file_name": "team.csv", "file_size": csv.len()})),
        )
        .await;
    assert_eq!(status, 201, "{announced}");
    let upload = &announced["upload"];
    let put = reqwest::Client::new()
        .put(upload["url"].as_str().expect("upload url"))
        .header(
            "content-type",
            upload["content_type"].as_str().unwrap_or("text/csv"),
        )
        .body(csv)
        .send()
        .await
        .expect("the bucket takes the upload");
    assert!(put.status().is_success(), "upload: {}", put.status());
    let import_path = format!(
        "/api/contracts/{DATA_SKILLS}/imports/{}",
        announced["import"]["id"].as_str().expect("import id")
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let import = loop {
        let (status, import) = ada.call("GET", &import_path, None).await;
        assert_eq!(status, 200, "{import}");
        if import["status"]["state"] == "done" || import["status"]["state"] == "failed" {
            break import;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {import}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_eq!(import["status"]["state"], "done", "{import}");
    assert_eq!(import["counts"]["invited"], 2, "{import}");
    assert_eq!(import["counts"]["invalid_email"], 1, "{import}");
    assert_eq!(import["counts"]["duplicate"], 1, "{import}");
    assert_eq!(import["first_bad_rows"][0]["line"], 3, "{import}");

    // The mailed link opens the student's page and enrols an external person.
    let mail = mail_for(&stack.emulators.ses, &external, 1).await;
    assert_eq!(mail.len(), 1, "one mail per invitation");
    let token = token_of(&enrol_link(&mail[0], &stack.url));
    let (status, page) = anonymous
        .call("GET", &format!("/api/invitation?token={token}"), None)
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["registered"], false, "{page}");
    let (status, enrolled) = anonymous
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Robin External"})),
        )
        .await;
    assert_eq!(
        (status, enrolled["status"].clone()),
        (200, json!("enrolled")),
        "{enrolled}"
    );

    // Once enrolled, no revoke; a pending one can still be revoked.
    let find = |email: String| {
        let ada = &ada;
        let invitations = invitations.clone();
        async move {
            let (status, page) = ada
                .call(
                    "GET",
                    &format!("{invitations}?q={}", email.replace('@', "%40")),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{page}");
            page["invitations"][0].clone()
        }
    };
    let robin = find(external.clone()).await;
    assert_eq!(
        (robin["status"].clone(), robin["can_revoke"].clone()),
        (json!("enrolled"), json!(false))
    );
    let (status, refused) = ada
        .call(
            "POST",
            &format!("{invitations}/{}/revoke", robin["id"].as_str().unwrap()),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    let kim = find(other.clone()).await;
    assert_eq!(kim["status"], "pending", "{kim}");
    let (status, revoked) = ada
        .call(
            "POST",
            &format!("{invitations}/{}/revoke", kim["id"].as_str().unwrap()),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(find(other).await["status"], "revoked");

    // A revoked link shows a clear refusal, not the enrol page.
    let kim_mail = mail_for(&stack.emulators.ses, &format!("kim@e2e{tag}.example"), 1).await;
    let kim_token = token_of(&enrol_link(&kim_mail[0], &stack.url));
    let (status, problem) = anonymous
        .call("GET", &format!("/api/invitation?token={kim_token}"), None)
        .await;
    assert_eq!(status, 410, "{problem}");

    // The system administrator makes Grace an admin of Ada's contract: she can open it at once;
    // Ada may see who her co-admins are but not choose them.
    let sam = Client::signed_in(&stack.url, &sam_id).await;
    let admins = format!("/api/contracts/{DATA_SKILLS}/admins");
    let (status, after) = sam
        .call("POST", &admins, Some(json!({ "user_id": grace_id })))
        .await;
    assert_eq!(status, 200, "{after}");
    assert!(after["admins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == grace_id.as_str() && a["name"] == "Grace Hopper"));
    let contract = format!("/api/contracts/{DATA_SKILLS}");
    assert_eq!(grace.call("GET", &contract, None).await.0, 200);
    assert_eq!(ada.call("GET", &admins, None).await.0, 200);
    let remove_grace = format!("{admins}/{grace_id}/remove");
    assert_eq!(
        ada.call("POST", &remove_grace, Some(json!({}))).await.0,
        403
    );
    assert_eq!(
        sam.call("POST", &remove_grace, Some(json!({}))).await.0,
        200
    );
    assert_eq!(grace.call("GET", &contract, None).await.0, 403);

    // The local schedule runs the reminders as the template's does: the seed's two onboarding
    // invitations mailed "four days ago" get their first reminder (the same link), once, and
    // it is in each one's history.
    for n in [101, 102] {
        let address = local_stack::seed::directory_email(n);
        let mail = this_stacks_mail(&stack, &address, 2).await;
        assert_eq!(mail.len(), 2, "{address}: the invitation and one reminder");
        assert!(
            mail[1].subject.starts_with("Reminder: "),
            "{}",
            mail[1].subject
        );
        assert_eq!(
            enrol_link(&mail[0], &stack.url),
            enrol_link(&mail[1], &stack.url),
            "the reminder carries the invitation's own link"
        );
        let (status, list) = grace
            .call(
                "GET",
                &format!("/api/contracts/{ONBOARDING}/invitations?q={address}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{list}");
        let id = list["invitations"][0]["id"]
            .as_str()
            .expect("an invitation")
            .to_owned();
        let (status, history) = grace
            .call(
                "GET",
                &format!("/api/contracts/{ONBOARDING}/invitations/{id}/history"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{history}");
        let entries = history["entries"].as_array().unwrap();
        assert_eq!(
            entries.iter().filter(|e| e["action"] == "reminded").count(),
            1,
            "{history}"
        );
        assert!(
            entries.iter().any(|e| e["action"] == "sent"
                && e["detail"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("reminder 1 to"))),
            "{history}"
        );
    }
    // A run now (the schedule has run already): nothing is due twice.
    let again = stack
        .run_reminders(chrono::Utc::now())
        .await
        .expect("a run");
    assert_eq!(again.reminded, 0, "{again:?}");
    stack.stop();
}
