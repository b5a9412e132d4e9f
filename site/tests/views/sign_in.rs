//! The local sign-in's list of seeded users.

use crate::helpers::*;
use site::api::LocalUser;
use site::pages::sign_in::LocalUserList;
use yew::prelude::*;

fn local_user_list(users: Vec<LocalUser>) -> String {
    render(move || html! { <LocalUserList {users} on_pick={Callback::noop()} /> })
}

fn cat_contract() -> LocalUser {
    local_user("u-ca", "ca@example.com", "Cat Contract", "contract-admin")
}

#[test]
fn local_sign_in_lists_the_seeded_users_by_role() {
    let html = local_user_list(vec![
        local_user("u-sys", "sys@example.com", "Sam System", "system-admin"),
        cat_contract(),
    ]);
    let t = text(&html);
    assert!(t.contains("System administrators") && t.contains("Contract admins"));
    assert!(!t.contains("Students"));
    assert!(html.contains("id=\"sign-in-u-ca\""));
    let button = text_between(&html, "id=\"sign-in-u-ca\"", "</button>");
    assert!(
        button.contains("Sign in as Cat Contract") && button.contains("ca@example.com"),
        "{button}"
    );
    assert!(
        !html.contains("aria-label=\"Sign in"),
        "named by what it shows"
    );
    assert!(!t.contains("Other people"));
}

#[test]
fn local_sign_in_lists_people_of_any_other_role_too() {
    // Someone added on the People page may have a role the list does not know (yet).
    let html = local_user_list(vec![
        cat_contract(),
        local_user("4f1c-new", "new@example.com", "Nia New", "user"),
    ]);
    let t = text(&html);
    assert!(t.contains("Contract admins") && t.contains("Other people"));
    assert!(html.contains("id=\"sign-in-4f1c-new\""));
    assert_eq!(html.matches("id=\"sign-in-").count(), 2, "each person once");
}
