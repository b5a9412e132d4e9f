//! A contract's admins tab.

use crate::helpers::*;
use site::api::*;
use site::pages::admins::{
    AddAdmin, Adding, AdminsAction, AdminsState, AdminsView, Directory, RemoveState,
};
use std::rc::Rc;
use yew::prelude::*;

fn admins_view(state: AdminsState, can_manage: bool) -> String {
    render(move || {
        html! {
            <AdminsView {state} {can_manage} dispatch={Callback::noop()} on_remove={Callback::noop()}
                on_add={Callback::noop()} on_search={Callback::noop()} />
        }
    })
}

fn add_admin(directory: Directory, admins: Vec<Admin>, adding: Adding) -> String {
    render(move || {
        html! {
            <AddAdmin {directory} {admins} {adding} on_search={Callback::noop()} on_add={Callback::noop()} />
        }
    })
}

fn loaded(admins: Vec<Admin>) -> AdminsState {
    AdminsState {
        admins: Some(Ok(admins)),
        ..Default::default()
    }
}

#[test]
fn a_contract_admin_sees_the_admins_by_name_and_email_but_cannot_change_them() {
    let html = admins_view(loaded(admins()), false);
    let t = text(&html);
    assert!(
        t.contains("Ada Lovelace") && t.contains("ada@example.com") && !t.contains("ada-admin")
    );
    // Named, never shown by id (issue 28): no user id column, no id in the text.
    assert!(t.contains("Not in the directory") && !t.contains("gone-admin"));
    assert!(!t.contains("User id"));
    assert!(t.contains("Only a system administrator can add or remove them."));
    assert!(!t.contains("Remove"));
    assert!(!html.contains("remove-admin-"));
    assert!(!t.contains("Add an admin"));
    assert!(!html.contains("admin-search"));
}

#[test]
fn a_system_admin_can_remove_each_admin_and_add_people_from_the_directory() {
    let html = admins_view(loaded(admins()), true);
    let t = text(&html);
    assert!(t.contains("Ada Lovelace") && !t.contains("gone-admin"));
    assert!(html.contains("aria-label=\"Remove Ada Lovelace as an admin\""));
    // Someone not in the directory is named as such, not by their user id.
    assert!(html.contains("aria-label=\"Remove someone no longer in the directory as an admin\""));
    assert!(t.contains("Add an admin"));
    assert!(html.contains("<label for=\"admin-search\">Search the directory</label>"));
    assert!(html.contains("id=\"admin-search-submit\""));

    let empty = admins_view(loaded(vec![]), true);
    assert!(text(&empty).contains("This learning contract has no admins."));
    assert!(text(&empty).contains("Add an admin"));
}

#[test]
fn people_found_in_the_directory_are_offered_unless_already_an_admin() {
    let found = vec![
        user("ada-admin", "Ada Lovelace"),
        user("u001", "Grace Hopper"),
    ];
    let html = add_admin(Directory::Found(Ok(found)), admins(), Adding::Idle);
    assert!(html.contains("aria-label=\"Add as admin: Grace Hopper\""));
    assert!(!tag(&html, "add-admin-u001").contains(" disabled"));
    assert!(!html.contains("id=\"add-admin-ada-admin\""));
    assert!(text(&html).contains("Already an admin"));

    let grace = user("u001", "Grace Hopper");
    let refused = add_admin(
        Directory::Found(Ok(vec![grace.clone()])),
        vec![],
        Adding::Failed(
            grace,
            problem(
                404,
                "user-not-found",
                "There is no user u001 in the directory.",
            ),
        ),
    );
    let t = text(&refused);
    assert!(t.contains("Could not add Grace Hopper. There is no user u001 in the directory."));
    assert!(!t.contains("user-not-found"));
}

#[test]
fn removing_an_admin_asks_first_and_a_failure_is_shown_in_the_row() {
    let mut state = loaded(admins());
    state.removals = by_id([
        ("ada-admin", RemoveState::Confirm),
        (
            "gone-admin",
            RemoveState::Failed(problem(
                403,
                "forbidden",
                "Only system administrators can do this.",
            )),
        ),
    ]);
    let html = admins_view(state, true);
    let t = text(&html);
    assert!(t.contains("Remove Ada Lovelace as an admin of this contract?"));
    assert!(html.contains("id=\"confirm-remove-ada-admin\""));
    assert!(html.contains("id=\"cancel-remove-ada-admin\""));
    assert!(
        !html.contains("id=\"remove-admin-ada-admin\""),
        "the question replaces the button"
    );
    assert!(t.contains(
        "Could not remove someone no longer in the directory. Only system administrators can do this."
    ));
    assert!(
        html.contains("id=\"remove-admin-gone-admin\""),
        "and it can be tried again"
    );
}

#[test]
fn the_admins_reducer_says_what_each_change_did_and_drops_late_searches() {
    let state = Rc::new(AdminsState::default()).reduce(AdminsAction::Loaded(Ok(admins())));
    let grace = user("u001", "Grace Hopper");
    let mut after_add = admins();
    after_add.push(Admin {
        id: "u001".into(),
        name: Some("Grace Hopper".into()),
        email: Some("u001@example.com".into()),
        standing: Some(Standing::Active),
    });
    let state = state
        .reduce(AdminsAction::Adding(grace.clone()))
        .reduce(AdminsAction::Added(grace.clone(), Ok(after_add.clone())));
    assert_eq!(state.adding, Adding::Idle);
    assert_eq!(
        state.outcome.as_deref(),
        Some("Grace Hopper is now an admin of this contract.")
    );
    // Adding is idempotent: the answer is the same list, and the words say so.
    let again = state
        .clone()
        .reduce(AdminsAction::Added(grace, Ok(after_add)));
    assert_eq!(
        again.outcome.as_deref(),
        Some("Grace Hopper was already an admin of this contract.")
    );
    let html = admins_view((*again).clone(), true);
    assert!(tag(&html, "admins-outcome").contains("role=\"status\""));

    let ada = admins().remove(0);
    let state = state
        .reduce(AdminsAction::AskRemove(ada.id.clone()))
        .reduce(AdminsAction::Removing(ada.id.clone()));
    assert_eq!(state.removals["ada-admin"], RemoveState::Removing);
    assert_eq!(state.outcome, None);
    let state = state.reduce(AdminsAction::Removed(ada, Ok(vec![])));
    assert!(state.removals.is_empty());
    assert_eq!(
        state.outcome.as_deref(),
        Some("Ada Lovelace is no longer an admin of this contract.")
    );
    assert_eq!(state.admins, Some(Ok(vec![])));

    // An answer to an earlier search is dropped once another search has started.
    let state = state
        .reduce(AdminsAction::Search("gr".into()))
        .reduce(AdminsAction::Search("grace".into()))
        .reduce(AdminsAction::Found("gr".into(), Ok(vec![])));
    assert_eq!(state.directory, Directory::Searching("grace".into()));
}

/// Issue 32: an admin disabled in or removed from the sign-in service stays listed, marked
/// with what follows in words; the directory search offers such people no "Add as admin".
#[test]
fn admins_who_cannot_sign_in_are_marked_in_words() {
    let mut list = admins();
    list.push(Admin {
        id: "dee-admin".into(),
        name: Some("Dee Disabled".into()),
        email: Some("dee@example.com".into()),
        standing: Some(Standing::Disabled),
    });
    list.push(Admin {
        id: "rob-admin".into(),
        name: Some("Rob Removed".into()),
        email: Some("rob@example.com".into()),
        standing: Some(Standing::Removed),
    });
    for can_manage in [true, false] {
        let html = admins_view(loaded(list.clone()), can_manage);
        assert!(
            row_text(&html, "admin-dee-admin").contains("Disabled in the sign-in service: cannot sign in while disabled; still listed as an admin"),
            "{html}"
        );
        assert!(
            row_text(&html, "admin-rob-admin").contains("Removed from the sign-in service: can no longer sign in; remove them from the admins"),
            "{html}"
        );
        assert!(!row_text(&html, "admin-ada-admin").contains("sign-in service"));
    }

    let found = vec![
        user("u001", "Grace Hopper"),
        User {
            standing: Standing::Removed,
            ..user("u002", "Rob Removed")
        },
    ];
    let html = add_admin(Directory::Found(Ok(found)), admins(), Adding::Idle);
    assert!(html.contains("id=\"add-admin-u001\""));
    assert!(!html.contains("id=\"add-admin-u002\""));
    assert!(text(&html).contains("Removed from the sign-in service: can no longer sign in"));
}
