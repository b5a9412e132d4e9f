//! admin-read: every read, and later the history and the export of what the other steps did.

use crate::helpers::*;
use invitations_wire as wire;
use local_stack::seed::contracts::{DATA_SKILLS, ONBOARDING};
use local_stack::Stack;

/// admin-read: every read, as Ada (her three contracts).
pub fn every_read(lambda: &Lambda<'_>, stack: &Stack) {
    let ada = stack.person("contract-admin", 0).user_id.clone();
    let list: wire::ContractList = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/list-contracts.json",
        200,
    );
    let ids: Vec<&str> = list.contracts.iter().map(|c| c.id.as_str()).collect();
    assert!(
        ids.contains(&DATA_SKILLS) && !ids.contains(&ONBOARDING),
        "{ids:?}"
    );
    let contract: wire::Contract = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/get-contract.json",
        200,
    );
    assert_eq!(contract.id, DATA_SKILLS);
    let users: wire::UserList = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/search-users.json",
        200,
    );
    assert!(!users.users.is_empty());
    assert!(
        users.users.iter().all(|u| u.email.contains("costa")),
        "{:?}",
        users.users
    );
    let page: wire::InvitationList = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/list-invitations.json",
        200,
    );
    assert!(!page.invitations.is_empty());
    assert!(page
        .invitations
        .iter()
        .all(|i| i.status == wire::InvitationStatus::Pending));
    let admins: wire::AdminList = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/list-admins.json",
        200,
    );
    assert_eq!(
        admins.admins.iter().map(|a| &a.id).collect::<Vec<_>>(),
        [&ada]
    );
    let funnel: wire::Funnel = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/get-funnel.json",
        200,
    );
    assert!(
        funnel.invited >= funnel.pending + funnel.enrolled,
        "{funnel:?}"
    );
    assert!(
        !funnel.seats.is_empty(),
        "the seed's invitations are on a day"
    );
}

/// admin-read: Amara's history (invited, extended) and the export of the contract.
pub fn history_and_export(lambda: &Lambda<'_>) {
    let history: wire::InvitationHistory = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/invitation-history.json",
        200,
    );
    assert!(
        history
            .entries
            .iter()
            .any(|e| e.action == wire::HistoryAction::Extended),
        "{history:?}"
    );
    let export = lambda.run(
        "admin-read",
        "admin-api/events/admin-read/export-invitations.json",
    );
    assert_eq!(export["statusCode"], 200, "{export}");
    assert!(
        export["body"]
            .as_str()
            .unwrap_or_default()
            .contains("amara.dubois.060"),
        "{export}"
    );
}
