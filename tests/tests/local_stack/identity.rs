//! Identity as in AWS: the user pool, the directory sync, enrolment's accounts, People.

use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use invitations_core::domain::{ContractId, InvitationStatus};
use invitations_core::ports::{InvitationStore, PeopleStore};
use local_stack::seed::contracts::{LEADERSHIP, ONBOARDING};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_person_created_in_the_pool_reaches_the_directory_and_manages_the_contract_they_are_given(
) {
    let (stack, tag) = stack_with_contracts("pool").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;

    // Created in the pool as the console would, then one pass of the sync.
    let email = format!("noor.console@pool{tag}.example");
    let sub = create_in_pool(&stack, &email, "Noor Console").await;
    let report = stack.sync_directory().await.expect("a sync pass");
    assert!(report.accounts >= 6, "{report:?}");
    let record = stack
        .store
        .find_user_by_email(&email)
        .await
        .unwrap()
        .expect("a directory record after the pass");
    assert_eq!(
        (record.id.as_str(), record.name.as_str()),
        (sub.as_str(), "Noor Console")
    );
    let (status, found) = sam
        .call(
            "GET",
            &format!("/api/users?q=noor.console%40pool{tag}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["users"],
        json!([{"id": sub, "email": email, "name": "Noor Console", "system_admin": false, "email_verified": true, "standing": "active"}])
    );

    // A system administrator makes them an admin of one contract, by their sub.
    let (status, admins) = sam
        .call(
            "POST",
            &format!("/api/contracts/{LEADERSHIP}/admins"),
            Some(json!({ "user_id": sub })),
        )
        .await;
    assert_eq!(status, 200, "{admins}");

    // The sign-in page now offers them as a contract admin; they sign in through the pool.
    let (_, people) = anonymous(&stack).call("GET", "/local/users", None).await;
    let listed = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["user_id"] == sub.as_str())
        .expect("listed on the sign-in page")
        .clone();
    assert_eq!(
        (listed["role"].clone(), listed["email"].clone()),
        (json!("contract-admin"), json!(email))
    );
    let noor = Client::signed_in(&stack.url, &sub).await;
    let claims = payload(noor.token.as_deref().unwrap());
    assert_eq!(
        (claims["sub"].clone(), claims["token_use"].clone()),
        (json!(sub), json!("id"))
    );
    assert_eq!(listed_contracts(&noor).await, vec![LEADERSHIP.to_owned()]);
    let (status, page) = noor
        .call(
            "GET",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let (status, _) = noor
        .call(
            "GET",
            &format!("/api/contracts/{ONBOARDING}/invitations"),
            None,
        )
        .await;
    assert_eq!(status, 403, "another admin's contract");
    stack.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_external_person_enrols_then_signs_in_with_the_account_the_enrolment_made() {
    let (stack, tag) = stack_with_contracts("extern").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let email = format!("robin.outside@extern{tag}.example");
    let listed = stack
        .cognito
        .list_users()
        .user_pool_id(&stack.pool.id)
        .filter(format!("email = \"{email}\""))
        .send()
        .await
        .unwrap();
    assert!(listed.users().is_empty(), "unknown to the pool at first");

    let (status, added) = sam
        .call(
            "POST",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            Some(json!({ "emails": [email] })),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    let token = mailed_token(&stack, &email, 1, 0).await;
    let (status, enrolled) = anonymous(&stack)
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Robin Outside"})),
        )
        .await;
    assert_eq!(status, 200, "{enrolled}");

    // Cognito would mail a temporary password; the emulator mails nothing, so the test sets
    // one as that mail would have brought it (not permanent: the first sign-in must change it).
    let temporary = "Temp-Passw0rd!";
    stack
        .cognito
        .admin_set_user_password()
        .user_pool_id(&stack.pool.id)
        .username(&email)
        .password(temporary)
        .permanent(false)
        .send()
        .await
        .expect("AdminSetUserPassword");
    let first = stack
        .cognito
        .initiate_auth()
        .client_id(&stack.pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &email)
        .auth_parameters("PASSWORD", temporary)
        .send()
        .await
        .expect("InitiateAuth");
    assert_eq!(
        first.challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    let username = first
        .challenge_parameters()
        .and_then(|p| p.get("USERNAME"))
        .expect("the challenge names the user")
        .clone();
    let answered = stack
        .cognito
        .respond_to_auth_challenge()
        .client_id(&stack.pool.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .set_session(first.session().map(str::to_owned))
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", "Robin's-own-Passw0rd")
        .send()
        .await
        .expect("RespondToAuthChallenge");
    let id_token = answered
        .authentication_result()
        .and_then(|r| r.id_token())
        .expect("an id token")
        .to_owned();

    // The token's subject is the directory record the enrolment wrote.
    let record = stack
        .store
        .find_user_by_email(&email)
        .await
        .unwrap()
        .expect("the enrolment wrote a directory record");
    let claims = payload(&id_token);
    assert_eq!(claims["sub"], record.id.as_str(), "{claims}");
    assert_eq!(claims["email"], email.as_str(), "{claims}");
    assert_eq!(record.name, "Robin Outside");
    let (status, page) = sam
        .call(
            "GET",
            &format!("/api/contracts/{LEADERSHIP}/invitations?q=robin.outside"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["invitations"][0]["status"], "enrolled", "{page}");

    // The gateway accepts the token: a student administers nothing.
    let robin = with_token(&stack, &id_token);
    assert!(listed_contracts(&robin).await.is_empty());
    let (status, _) = robin
        .call(
            "GET",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            None,
        )
        .await;
    assert_eq!(status, 403);
    stack.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_enrolments_racing_for_one_address_make_one_account_and_one_record() {
    let (stack, tag) = stack_with_contracts("race").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let email = format!("kai.twice@race{tag}.example");
    for contract in [LEADERSHIP, ONBOARDING] {
        let (status, added) = sam
            .call(
                "POST",
                &format!("/api/contracts/{contract}/invitations"),
                Some(json!({ "emails": [email] })),
            )
            .await;
        assert_eq!(status, 200, "{added}");
    }
    let first = mailed_token(&stack, &email, 2, 0).await;
    let second = mailed_token(&stack, &email, 2, 1).await;
    assert_ne!(first, second);

    let visitor = anonymous(&stack);
    let enrol = |token: String| {
        let visitor = &visitor;
        async move {
            visitor
                .call(
                    "POST",
                    "/api/enrol",
                    Some(json!({"token": token, "name": "Kai Twice"})),
                )
                .await
        }
    };
    let ((status_a, a), (status_b, b)) = tokio::join!(enrol(first), enrol(second));
    assert_eq!((status_a, status_b), (200, 200), "{a} / {b}");

    let accounts = stack
        .cognito
        .list_users()
        .user_pool_id(&stack.pool.id)
        .filter(format!("email = \"{email}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.users().len(), 1, "one account for the address");
    let records: Vec<_> = stack
        .store
        .search_users(&email, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.email.identity() == email)
        .collect();
    assert_eq!(records.len(), 1, "one directory record: {records:?}");
    let account_sub = accounts.users()[0]
        .attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .unwrap()
        .to_owned();
    assert_eq!(records[0].id.as_str(), account_sub);

    // Both invitations are enrolled, by that one person.
    for contract in [LEADERSHIP, ONBOARDING] {
        let invitations = stack
            .store
            .find_invitations_by_email(&ContractId::parse(contract).unwrap(), &[email.as_str()])
            .await
            .unwrap();
        assert_eq!(invitations.len(), 1, "{contract}: {invitations:?}");
        assert_eq!(
            invitations[0].status,
            InvitationStatus::Enrolled,
            "{contract}"
        );
        assert_eq!(
            invitations[0].user_id.as_ref().map(|u| u.as_str()),
            Some(account_sub.as_str()),
            "{contract}"
        );
    }
    stack.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_system_administrator_adds_a_person_who_signs_in_and_is_given_system_administration() {
    let (stack, tag) = stack_with_contracts("people").await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let email = format!("lee.added@people{tag}.example");

    // Added through the people function: an account in the pool and a directory record.
    let (status, added) = sam
        .call(
            "POST",
            "/api/users",
            Some(json!({"email": email, "name": "Lee Added"})),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    let sub = added["user"]["id"].as_str().expect("an id").to_owned();
    let (status, again) = sam
        .call(
            "POST",
            "/api/users",
            Some(json!({"email": email, "name": "Lee Added"})),
        )
        .await;
    assert_eq!(
        (
            status,
            again["created"].clone(),
            again["user"]["id"].clone()
        ),
        (200, json!(false), json!(sub))
    );

    // They can sign in at once, as a student, and administer nothing.
    let (_, people) = anonymous(&stack).call("GET", "/local/users", None).await;
    assert!(people
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["user_id"] == sub.as_str() && p["role"] == "student"));
    let before = Client::signed_in(&stack.url, &sub).await;
    assert!(listed_contracts(&before).await.is_empty());
    assert_eq!(before.call("GET", "/api/users?q=lee", None).await.0, 403);

    // Made a system administrator: the group travels in the next token, not the one they hold.
    let (status, granted) = sam
        .call("POST", &format!("/api/users/{sub}/system-admin"), None)
        .await;
    assert_eq!(
        (status, granted["system_admin"].clone()),
        (200, json!(true)),
        "{granted}"
    );
    assert_eq!(before.call("GET", "/api/users?q=lee", None).await.0, 403);
    let after = Client::signed_in(&stack.url, &sub).await;
    assert_eq!(
        payload(after.token.as_deref().unwrap())["cognito:groups"],
        json!(["system-admins"])
    );
    assert_eq!(after.call("GET", "/api/users?q=lee", None).await.0, 200);
    assert_eq!(listed_contracts(&after).await.len(), 5);
    let (_, people) = anonymous(&stack).call("GET", "/local/users", None).await;
    assert!(people
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["user_id"] == sub.as_str() && p["role"] == "system-admin"));

    // Withdrawn again; a system administrator cannot withdraw their own.
    let (status, withdrawn) = sam
        .call(
            "POST",
            &format!("/api/users/{sub}/system-admin/remove"),
            None,
        )
        .await;
    assert_eq!(
        (status, withdrawn["system_admin"].clone()),
        (200, json!(false))
    );
    let sam_id = stack.person("system-admin", 0).user_id.clone();
    let (status, _) = sam
        .call(
            "POST",
            &format!("/api/users/{sam_id}/system-admin/remove"),
            None,
        )
        .await;
    assert_eq!(status, 409);
    let last = Client::signed_in(&stack.url, &sub).await;
    assert!(listed_contracts(&last).await.is_empty());
    stack.stop();
}
