//! The people in the user pool: the people function and directory-sync.

use crate::helpers::*;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use invitations_core::ports::{PeopleStore, PrivacyStore};
use invitations_wire as wire;
use local_stack::Stack;

/// people: an account in the pool, and system administration granted and withdrawn.
pub async fn added_then_system_admin(lambda: &Lambda<'_>, stack: &Stack) {
    let added: wire::PersonAdded =
        lambda.call("people", "admin-api/events/people/add-person.json", 201);
    assert!(added.created);
    assert!(stack
        .store
        .find_user_by_email("new.person@learners.example")
        .await
        .unwrap()
        .is_some());
    let grace = stack.person("contract-admin", 1).user_id.clone();
    let groups = || async {
        stack
            .cognito
            .admin_list_groups_for_user()
            .user_pool_id(&stack.pool.id)
            .username(&grace)
            .send()
            .await
            .unwrap()
            .groups()
            .iter()
            .filter_map(|g| g.group_name().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let granted: wire::User = lambda.call(
        "people",
        "admin-api/events/people/grant-system-admin.json",
        200,
    );
    assert!(granted.is_system_admin());
    assert_eq!(groups().await, ["system-admins"]);
    let withdrawn: wire::User = lambda.call(
        "people",
        "admin-api/events/people/withdraw-system-admin.json",
        200,
    );
    assert!(!withdrawn.is_system_admin());
    assert!(groups().await.is_empty());
}

/// directory-sync: someone put into the pool by hand (an address of this run's `tag`) reaches
/// the directory.
pub async fn directory_sync(lambda: &Lambda<'_>, stack: &Stack, tag: &str) {
    let ines = format!("ines.{tag}@learners.example");
    let attribute = |name: &str, value: &str| {
        AttributeType::builder()
            .name(name)
            .value(value)
            .build()
            .unwrap()
    };
    stack
        .cognito
        .admin_create_user()
        .user_pool_id(&stack.pool.id)
        .username(&ines)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email", &ines))
        // Marked verified, as an administrator does who knows the address is hers: only a
        // proved address leads to its person (issue 26).
        .user_attributes(attribute("email_verified", "true"))
        .user_attributes(attribute("name", "Ines Pool"))
        .send()
        .await
        .unwrap();
    let synced = lambda.run("directory-sync", "directory-sync/events/schedule.json");
    assert_eq!(synced["written"], 1, "{synced}");
    assert!(synced["accounts"].as_u64() > Some(300), "{synced}");
    assert!(stack
        .store
        .find_user_by_email(&ines)
        .await
        .unwrap()
        .is_some());
}

/// people: a privacy request saved (an export: it changes nothing), listed without its
/// address and read by its id; then privacy: its stream record runs it, and the export's file
/// is in the bucket.
pub async fn privacy_requests(lambda: &Lambda<'_>, stack: &Stack) {
    let queued: wire::PrivacyRequest = lambda.call(
        "people",
        "admin-api/events/people/add-privacy-request.json",
        202,
    );
    assert_eq!(queued.kind, wire::PrivacyRequestKind::Export);
    assert_eq!(queued.status, wire::PrivacyRequestStatus::Queued);
    let listed: wire::PrivacyRequestList = lambda.call(
        "people",
        "admin-api/events/people/list-privacy-requests.json",
        200,
    );
    assert!(listed.requests.iter().any(|r| r.id == queued.id));
    let read: wire::PrivacyRequest = lambda.call(
        "people",
        "admin-api/events/people/privacy-request.json",
        200,
    );
    assert_eq!(read.id, queued.id);

    lambda.run("privacy", "privacy/events/privacy-request.json");
    let done = stack
        .store
        .privacy_request(&queued.id)
        .await
        .unwrap()
        .expect("the request");
    assert_eq!(
        done.status,
        invitations_core::domain::privacy::RequestStatus::Done,
        "{:?}",
        done.failure
    );
    assert!(done
        .export_key
        .is_some_and(|key| key.starts_with("privacy/")));
}
