//! The seed's flows through the gateway as the site would walk them.

use crate::common::{enrol_link, mail_for, start_stack};
use crate::helpers::*;
use local_stack::seed::contracts::{DATA_SKILLS, LEADERSHIP, ONBOARDING};
use local_stack::Stack;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_seeded_flows_work_through_the_gateway() {
    let (stack, tag) = start_stack("e2e").await;
    let ada_id = stack.person("contract-admin", 0).user_id.clone();
    let grace_id = stack.person("contract-admin", 1).user_id.clone();
    let sam_id = stack.person("system-admin", 0).user_id.clone();
    let ada = Client::signed_in(&stack.url, &ada_id).await;
    let grace = Client::signed_in(&stack.url, &grace_id).await;
    let anonymous = anonymous(&stack);

    the_gateway_behaves_like_api_gateway(&stack, &anonymous, &ada, &ada_id).await;
    the_sign_in_page_lists_the_pool(&stack, &anonymous, &ada_id, &sam_id).await;
    ada_sees_her_seeded_contracts(&ada, &grace).await;
    let invitations = ada_invites_two_directory_users(&stack, &ada).await;
    let (external, other) = ada_imports_a_csv_through_the_presigned_url(&ada, &tag).await;
    the_mailed_link_enrols_an_external_person(&stack, &anonymous, &external).await;
    revoke_is_refused_once_enrolled_and_allowed_while_pending(
        &ada,
        &invitations,
        &external,
        &other,
    )
    .await;
    a_revoked_link_shows_a_refusal(&stack, &anonymous, &tag).await;
    the_system_administrator_chooses_the_co_admins(&stack, &ada, &grace, &sam_id, &grace_id).await;
    the_schedule_reminded_the_due_onboarding_invitations(&stack, &grace).await;
    a_run_now_reminds_nobody_twice(&stack).await;
    stack.stop();
}

/// The gateway behaves like API Gateway in front of the functions.
async fn the_gateway_behaves_like_api_gateway(
    stack: &Stack,
    anonymous: &Client,
    ada: &Client,
    ada_id: &str,
) {
    let (status, config) = anonymous.call("GET", "/config.json", None).await;
    assert_eq!((status, config["api_base"].clone()), (200, json!("/api")));
    let (status, body) = anonymous.call("GET", "/api/contracts", None).await;
    assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
    let forged = Client {
        token: Some(format!("{}x", ada.token.clone().unwrap())),
        ..Client::signed_in(&stack.url, ada_id).await
    };
    assert_eq!(forged.call("GET", "/api/contracts", None).await.0, 401);
    let (status, body) = ada.call("DELETE", "/api/contracts", None).await;
    assert_eq!((status, body), (404, json!({"message": "Not Found"})));
}

/// The sign-in page lists the whole pool, the seeded sign-in people first.
async fn the_sign_in_page_lists_the_pool(
    stack: &Stack,
    anonymous: &Client,
    ada_id: &str,
    sam_id: &str,
) {
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
    assert_eq!(first[0], (sam_id, "system-admin"));
    assert_eq!(first[1], (ada_id, "contract-admin"));
}

/// The seed: Ada sees her contracts (with invitations in every status), not Grace's.
async fn ada_sees_her_seeded_contracts(ada: &Client, grace: &Client) {
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
}

/// Invite two directory users to two of the voucher's three activities; answers the path of
/// the voucher's invitations.
async fn ada_invites_two_directory_users(stack: &Stack, ada: &Client) -> String {
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
    invitations
}

/// Upload a CSV with bad rows through the presigned URL, and wait for the import; answers the
/// two addresses it invited (Robin's, then Kim's).
async fn ada_imports_a_csv_through_the_presigned_url(ada: &Client, tag: &str) -> (String, String) {
    let external = format!("robin@e2e{tag}.example");
    let other = format!("kim@e2e{tag}.example");
    let csv = format!(
        "Email\n{external}\nnot-an-address\n{other}\n{}\n",
        external.to_uppercase()
    );
    let import = upload_and_wait(
        ada,
        DATA_SKILLS,
        csv,
        json!({"activities": ["python-data"], "file_name": "team.csv"}),
    )
    .await;
    assert_eq!(import["status"]["state"], "done", "{import}");
    assert_eq!(import["counts"]["invited"], 2, "{import}");
    assert_eq!(import["counts"]["invalid_email"], 1, "{import}");
    assert_eq!(import["counts"]["duplicate"], 1, "{import}");
    assert_eq!(import["first_bad_rows"][0]["line"], 3, "{import}");
    (external, other)
}

/// The mailed link opens the student's page and enrols an external person.
async fn the_mailed_link_enrols_an_external_person(
    stack: &Stack,
    anonymous: &Client,
    external: &str,
) {
    let mail = mail_for(&stack.emulators.ses, external, 1).await;
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
}

/// The first invitation the voucher's list shows when searched for `email`.
async fn find_invitation(ada: &Client, invitations: &str, email: &str) -> Value {
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

/// Once enrolled, no revoke; a pending one can still be revoked.
async fn revoke_is_refused_once_enrolled_and_allowed_while_pending(
    ada: &Client,
    invitations: &str,
    external: &str,
    other: &str,
) {
    let robin = find_invitation(ada, invitations, external).await;
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
    let kim = find_invitation(ada, invitations, other).await;
    assert_eq!(kim["status"], "pending", "{kim}");
    let (status, revoked) = ada
        .call(
            "POST",
            &format!("{invitations}/{}/revoke", kim["id"].as_str().unwrap()),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(
        find_invitation(ada, invitations, other).await["status"],
        "revoked"
    );
}

/// A revoked link shows a clear refusal, not the enrol page.
async fn a_revoked_link_shows_a_refusal(stack: &Stack, anonymous: &Client, tag: &str) {
    let kim_mail = mail_for(&stack.emulators.ses, &format!("kim@e2e{tag}.example"), 1).await;
    let kim_token = token_of(&enrol_link(&kim_mail[0], &stack.url));
    let (status, problem) = anonymous
        .call("GET", &format!("/api/invitation?token={kim_token}"), None)
        .await;
    assert_eq!(status, 410, "{problem}");
}

/// The system administrator makes Grace an admin of Ada's contract: she can open it at once;
/// Ada may see who her co-admins are but not choose them.
async fn the_system_administrator_chooses_the_co_admins(
    stack: &Stack,
    ada: &Client,
    grace: &Client,
    sam_id: &str,
    grace_id: &str,
) {
    let sam = Client::signed_in(&stack.url, sam_id).await;
    let admins = format!("/api/contracts/{DATA_SKILLS}/admins");
    let (status, after) = sam
        .call("POST", &admins, Some(json!({ "user_id": grace_id })))
        .await;
    assert_eq!(status, 200, "{after}");
    assert!(after["admins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == grace_id && a["name"] == "Grace Hopper"));
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
}

/// The local schedule runs the reminders as the template's does: the seed's two onboarding
/// invitations mailed "four days ago" get their first reminder (the same link), once, and it
/// is in each one's history.
async fn the_schedule_reminded_the_due_onboarding_invitations(stack: &Stack, grace: &Client) {
    for n in [101, 102] {
        let address = local_stack::seed::directory_email(n);
        let mail = this_stacks_mail(stack, &address, 2).await;
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
}

/// A run now (the schedule has run already): nothing is due twice.
async fn a_run_now_reminds_nobody_twice(stack: &Stack) {
    let again = stack
        .run_reminders(chrono::Utc::now())
        .await
        .expect("a run");
    assert_eq!(again.reminded, 0, "{again:?}");
}
