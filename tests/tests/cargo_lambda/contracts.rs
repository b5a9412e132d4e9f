//! The contracts' functions: contract-admins and contract-settings, as Sam on Grace's contract.

use crate::helpers::*;
use invitations_core::domain::{ContractId, UserId};
use invitations_core::ports::ContractStore;
use invitations_wire as wire;
use local_stack::seed::contracts::ONBOARDING;
use local_stack::Stack;

/// contract-admins: Sam makes a directory user an admin of Grace's contract, then not.
pub async fn admin_added_then_removed(lambda: &Lambda<'_>, stack: &Stack) {
    let onboarding = ContractId::parse(ONBOARDING).unwrap();
    let farah = UserId::parse(&stack.directory[&5]).unwrap();
    let _: wire::AdminList = lambda.call(
        "contract-admins",
        "admin-api/events/contract-admins/add-admin.json",
        200,
    );
    let admins = stack
        .store
        .get_contract(&onboarding)
        .await
        .unwrap()
        .unwrap()
        .admins;
    assert!(admins.contains(&farah), "{admins:?}");
    let _: wire::AdminList = lambda.call(
        "contract-admins",
        "admin-api/events/contract-admins/remove-admin.json",
        200,
    );
    let admins = stack
        .store
        .get_contract(&onboarding)
        .await
        .unwrap()
        .unwrap()
        .admins;
    assert!(!admins.contains(&farah), "{admins:?}");
}

/// contract-settings: Sam gives the contract its own mail in French, tests a draft, and
/// changes its reminder plan.
pub async fn mail_and_reminder_settings(lambda: &Lambda<'_>, stack: &Stack) {
    let onboarding = ContractId::parse(ONBOARDING).unwrap();
    let changed: wire::Contract = lambda.call(
        "contract-settings",
        "admin-api/events/contract-settings/set-mail.json",
        200,
    );
    assert_eq!(changed.mail.language, wire::MailLanguage::Fr);
    assert!(changed.mail.custom);
    let stored = stack
        .store
        .get_contract(&onboarding)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.mail.custom.as_ref().map(|t| t.subject().to_owned()),
        Some("{name}, une place vous attend : {contract}".to_owned())
    );
    let queued: wire::TestMailQueued = lambda.call(
        "contract-settings",
        "admin-api/events/contract-settings/test-mail.json",
        202,
    );
    assert_eq!(queued.to, "sam.sysadmin@learners.example");
    let changed: wire::Contract = lambda.call(
        "contract-settings",
        "admin-api/events/contract-settings/set-reminders.json",
        200,
    );
    assert_eq!(
        (changed.reminders.days_after_send, changed.reminders.at_most),
        (Some(4), 3)
    );
    // Issue 31: Sam moves the spring cohort's dates (its invitations wait for the start);
    // Ada chooses a daily digest and reads her choice back; the groups of a contract.
    let moved: wire::Contract = lambda.call(
        "contract-settings",
        "admin-api/events/contract-settings/set-dates.json",
        200,
    );
    assert_eq!(moved.starts_at, "2027-04-01T08:00:00Z");
    let chosen: wire::NotificationSettings = lambda.call(
        "contract-settings",
        "admin-api/events/contract-settings/set-notifications.json",
        200,
    );
    assert_eq!(chosen.enrolments, wire::EnrolmentNotices::Daily);
    let read: wire::NotificationSettings = lambda.call(
        "contract-settings",
        "admin-api/events/contract-settings/get-notifications.json",
        200,
    );
    assert_eq!(read, chosen);
    let groups: wire::GroupList = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/list-groups.json",
        200,
    );
    assert!(groups.ungrouped.pending > 0, "{groups:?}");
}
