//! Forgetting a person on the local stack (issue 32), over HTTP: imported, mailed and enrolled,
//! then forgotten at a system administrator's request. Afterwards no item of the table, no
//! object of the bucket and no mail the product sends names their address; the contract's
//! counts are as they were; their sign-in account is gone.

use crate::common::*;
use crate::helpers::*;
use chrono::{Duration, Utc};
use local_stack::seed::contracts::ONBOARDING;
use local_stack::Stack;
use serde_json::{json, Value};

/// Every string of every item of the stack's table naming `identity` (any case), by key.
async fn table_naming(stack: &Stack, identity: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut start = None;
    loop {
        let out = stack
            .store
            .client()
            .scan()
            .table_name(&stack.resources.names.table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scan");
        for item in out.items() {
            let text = format!("{item:?}").to_lowercase();
            if text.contains(identity) {
                found.push(format!("{:?} {:?}", item.get("pk"), item.get("sk")));
            }
        }
        match out.last_evaluated_key() {
            Some(last) => start = Some(last.clone()),
            None => return found,
        }
    }
}

/// The keys of the stack's bucket whose bytes name `identity` (any case).
async fn bucket_naming(stack: &Stack, identity: &str) -> Vec<String> {
    let sdk = testkit::sdk_config(&stack.emulators.aws);
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let bucket = &stack.resources.names.bucket;
    let listed = s3
        .list_objects_v2()
        .bucket(bucket)
        .send()
        .await
        .expect("list");
    let mut found = Vec::new();
    for object in listed.contents() {
        let key = object.key().unwrap_or_default();
        let body = s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .expect("get");
        let bytes = body.body.collect().await.expect("body").into_bytes();
        if String::from_utf8_lossy(&bytes)
            .to_lowercase()
            .contains(identity)
        {
            found.push(key.to_owned());
        }
    }
    found
}

/// Mails in the SES emulator's store naming `identity` anywhere (recipient, subject, body).
async fn mails_naming(stack: &Stack, identity: &str) -> usize {
    let store: Value = reqwest::get(format!("{}/store", stack.emulators.ses))
        .await
        .expect("the mail store answers")
        .json()
        .await
        .expect("JSON");
    store["emails"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|mail| mail.to_string().to_lowercase().contains(identity))
        .count()
}

async fn onboarding(client: &Client) -> Value {
    let (_, list) = client.call("GET", "/api/contracts", None).await;
    list["contracts"]
        .as_array()
        .expect("contracts")
        .iter()
        .find(|c| c["id"] == ONBOARDING)
        .expect("the onboarding contract")
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_forgotten_person_leaves_no_trace_in_the_table_the_bucket_or_later_mail() {
    let (stack, tag) = stack_with_contracts("privacy").await;
    let grace = Client::signed_in(&stack.url, &stack.person("contract-admin", 1).user_id).await;
    let sam = Client::signed_in(&stack.url, &stack.person("system-admin", 0).user_id).await;
    let (ann, ben) = (
        format!("ann.forget.{tag}@example.com"),
        format!("ben.keep.{tag}@example.com"),
    );
    // A CSV naming her twice (the report names the duplicate), mailed, and she enrols.
    let csv = format!(
        "email,name\n{ann},Ann Forget\n{ben},Ben Keep\n{},Ann Forget\n",
        ann.to_uppercase()
    );
    let import = upload_and_wait(
        &grace,
        ONBOARDING,
        csv,
        json!({"activities": [], "file_name": "people.csv"}),
    )
    .await;
    assert_eq!(import["counts"]["invited"], 2, "{import}");
    let mail = this_stacks_mail(&stack, &ann, 1).await;
    let token = token_of(&enrol_link(&mail[0], &stack.url));
    let (status, enrolled) = anonymous(&stack)
        .call(
            "POST",
            "/api/enrol",
            Some(json!({"token": token, "name": "Ann Forget"})),
        )
        .await;
    assert_eq!(status, 200, "{enrolled}");
    let before = onboarding(&grace).await;
    assert!(!table_naming(&stack, &ann).await.is_empty());
    assert!(!bucket_naming(&stack, &ann).await.is_empty());
    let mailed = mails_naming(&stack, &ann).await;

    let (status, queued) = sam
        .call(
            "POST",
            "/api/privacy/requests",
            Some(json!({"email": ann.to_uppercase(), "kind": "forget", "delete_account": true, "do_not_invite": true})),
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    let path = format!("/api/privacy/requests/{}", queued["id"].as_str().unwrap());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let done = loop {
        let (_, request) = sam.call("GET", &path, None).await;
        if request["status"] == "done" || request["status"] == "failed" {
            break request;
        }
        assert!(std::time::Instant::now() < deadline, "not done: {request}");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    };
    assert_eq!(done["status"], "done", "{done}");

    assert_eq!(table_naming(&stack, &ann).await, Vec::<String>::new());
    assert_eq!(bucket_naming(&stack, &ann).await, Vec::<String>::new());
    // The contract counts her as before (she had enrolled); Ben is untouched.
    let after = onboarding(&grace).await;
    assert_eq!(after["counts"], before["counts"]);
    assert_eq!(after["seats_used"], before["seats_used"]);
    assert!(!table_naming(&stack, &ben).await.is_empty());
    // Her sign-in account went.
    let accounts = stack
        .cognito
        .list_users()
        .user_pool_id(&stack.pool.id)
        .filter(format!("email = \"{ann}\""))
        .send()
        .await
        .unwrap();
    assert!(accounts.users().is_empty());
    // What the product sends from now on names her nowhere: the reminder runs of the coming
    // days (reminders, digests, expiry) mail others, never her or about her. What was mailed
    // before is in its recipients' hands, not the product's.
    for days in [1, 3, 8] {
        stack
            .run_reminders(Utc::now() + Duration::days(days))
            .await
            .expect("a run");
    }
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(mails_naming(&stack, &ann).await, mailed);
    assert_eq!(table_naming(&stack, &ann).await, Vec::<String>::new());
}
