//! The People page (system administrators): the list, granting and withdrawing system
//! administration, and adding a person.

use crate::helpers::*;
use site::api::*;
use site::pages::people::{
    AddForm, AddPerson, Change, PeopleAction, PeopleState, PeopleView, RowState as PersonRowState,
};
use std::rc::Rc;
use yew::prelude::*;

fn found(people: Vec<User>) -> PeopleState {
    PeopleState {
        people: Some(Ok(people)),
        ..Default::default()
    }
}

fn page(users: Vec<User>, next_cursor: Option<&str>) -> UserList {
    UserList {
        users,
        next_cursor: next_cursor.map(str::to_owned),
    }
}

fn people_page(state: PeopleState, system_admin: bool, me: Option<&str>) -> String {
    let me = me.map(str::to_owned);
    render(move || {
        html! {
            <PeopleView {state} {system_admin} {me} dispatch={Callback::noop()}
                on_search={Callback::noop()} on_add={Callback::noop()} on_change={Callback::noop()} />
        }
    })
}

/// The page as a system administrator sees it.
fn people_view(state: PeopleState, me: Option<&str>) -> String {
    people_page(state, true, me)
}

/// Issue 26: someone whose address is not confirmed is marked so, and is offered no grant of
/// system administration (the API would refuse it), only what happens instead.
#[test]
fn an_unconfirmed_address_is_marked_and_offered_no_grant() {
    let mut list = people();
    list[1].email_verified = false;
    let html = people_view(found(list), Some("sam-sysadmin"));
    let row = row_text(&html, "person-ann-lee");
    assert!(
        row.contains("Address not confirmed: nothing can be given to this account until it is"),
        "{row}"
    );
    assert!(row.contains("once the address is confirmed"), "{row}");
    assert!(!html.contains("id=\"grant-sysadmin-ann-lee\""));
    assert!(!row_text(&html, "person-sam-sysadmin").contains("not confirmed"));
}

/// Issue 32: the People page shows who can no longer sign in, in words (a removed person
/// with when it was noticed), and offers them no system administration.
#[test]
fn people_who_cannot_sign_in_are_marked_and_offered_no_grant() {
    let mut list = people();
    list[1].standing = Standing::Disabled;
    list.push(User {
        standing: Standing::Removed,
        removed_at: Some("2026-12-01T10:00:00Z".into()),
        ..person("rob-gone", "Rob Gone", false)
    });
    let html = people_view(found(list), Some("sam-sysadmin"));
    let ann = row_text(&html, "person-ann-lee");
    assert!(
        ann.contains("Disabled in the sign-in service: cannot sign in while disabled"),
        "{ann}"
    );
    let rob = row_text(&html, "person-rob-gone");
    assert!(
        rob.contains(
            "Removed from the sign-in service: can no longer sign in (noticed 1 Dec 2026)"
        ),
        "{rob}"
    );
    for row in [&ann, &rob] {
        assert!(
            row.contains("Cannot be made a system administrator while unable to sign in."),
            "{row}"
        );
    }
    assert!(!html.contains("id=\"grant-sysadmin-ann-lee\""));
    assert!(!html.contains("id=\"grant-sysadmin-rob-gone\""));
    assert!(!row_text(&html, "person-sam-sysadmin").contains("sign-in service"));
}

#[test]
fn people_are_listed_with_name_email_and_system_administration() {
    let html = people_view(found(people()), Some("sam-sysadmin"));
    let t = text(&html);
    assert!(t.contains("People") && t.contains("Add a person") && t.contains("Directory"));
    assert!(html.contains("<label for=\"people-search\">Search by name or email</label>"));
    assert!(html.contains("id=\"people-search-submit\""));
    assert!(tag(&html, "people-count").contains("role=\"status\""));
    assert!(t.contains("3 people shown."));
    assert!(html.contains("<th scope=\"col\">System administrator</th>"));

    let ann = row_text(&html, "person-ann-lee");
    assert!(ann.contains("Ann Lee") && ann.contains("ann-lee@example.com") && ann.contains("No"));
    assert!(html.contains("aria-label=\"Make system administrator: Ann Lee\""));
    assert!(tag(&html, "grant-sysadmin-ann-lee").contains("type=\"button\""));

    let max = row_text(&html, "person-max-ops");
    assert!(max.contains("System administrator"), "{max}");
    assert!(html.contains("aria-label=\"Withdraw system administration from Max Ops\""));
    assert!(!html.contains("id=\"grant-sysadmin-max-ops\""));
    assert!(html.contains("class=\"badge system-admin\""));
}

#[test]
fn nobody_is_offered_to_withdraw_their_own_system_administration() {
    let html = people_view(found(people()), Some("sam-sysadmin"));
    let sam = row_text(&html, "person-sam-sysadmin");
    assert!(sam.contains("Sam Sysadmin (you)"), "{sam}");
    assert!(
        !html.contains("id=\"withdraw-sysadmin-sam-sysadmin\""),
        "no Withdraw in one's own row"
    );
    assert!(sam.contains("another system administrator can withdraw your system administration"));
    assert!(html.contains("id=\"own-sysadmin-sam-sysadmin\""));
    // Someone else's row keeps its button, and without knowing who is signed in every row has one.
    assert!(html.contains("id=\"withdraw-sysadmin-max-ops\""));
    let anyone = people_view(found(people()), None);
    assert!(anyone.contains("id=\"withdraw-sysadmin-sam-sysadmin\""));
    assert!(!text(&anyone).contains("(you)"));
}

#[test]
fn a_change_asks_first_and_its_outcome_is_shown_in_the_row() {
    let mut state = found(people());
    state.rows = by_id([
        ("ann-lee", PersonRowState::Confirm(Change::Grant)),
        (
            "max-ops",
            PersonRowState::Failed(
                Change::Withdraw,
                problem(
                    404,
                    "user_not_found",
                    "There is no such person in the directory.",
                ),
            ),
        ),
    ]);
    let html = people_view(state, Some("sam-sysadmin"));
    let ann = row_text(&html, "person-ann-lee");
    assert!(ann
        .contains("Make Ann Lee a system administrator? They will manage every learning contract"));
    assert!(html.contains("id=\"confirm-sysadmin-ann-lee\""));
    assert!(html.contains("id=\"cancel-sysadmin-ann-lee\""));
    assert!(ann.contains("Yes, make system administrator"));
    assert!(
        !html.contains("id=\"grant-sysadmin-ann-lee\""),
        "the question replaces the button"
    );
    assert!(
        html.contains("aria-labelledby=\"confirm-ann-lee\""),
        "the question names its group"
    );

    let max = row_text(&html, "person-max-ops");
    assert!(max.contains("Could not withdraw system administration from Max Ops. There is no such person in the directory."), "{max}");
    assert!(!max.contains("user_not_found"));
    assert!(
        html.contains("id=\"withdraw-sysadmin-max-ops\""),
        "and it can be tried again"
    );

    // Done: the words in the row (a live region), and the row shows the person as they are now.
    let mut state = found(people());
    state.rows = by_id([(
        "ann-lee",
        PersonRowState::Done("Ann Lee is now a system administrator.".into()),
    )]);
    state.people = Some(Ok(vec![person("ann-lee", "Ann Lee", true)]));
    let html = people_view(state, None);
    assert!(tag(&html, "person-outcome-ann-lee").contains("role=\"status\""));
    let ann = row_text(&html, "person-ann-lee");
    assert!(ann.contains("Ann Lee is now a system administrator."));
    assert!(html.contains("id=\"withdraw-sysadmin-ann-lee\""));

    // Withdrawing is marked as the dangerous one while it runs.
    let mut state = found(people());
    state.rows = by_id([("max-ops", PersonRowState::Working(Change::Withdraw))]);
    let html = people_view(state, None);
    let button = tag(&html, "withdraw-sysadmin-max-ops");
    assert!(
        button.contains(" disabled") && button.contains("danger"),
        "{button}"
    );
    assert!(row_text(&html, "person-max-ops").contains("Withdrawing…"));
}

/// The answer to adding this person: a new account (`created`) or one the address had.
fn added(user: User, created: bool) -> PeopleAction {
    PeopleAction::Added(Box::new(Ok(PersonAdded { user, created })))
}

/// The people the page lists (it must list some).
fn listed(state: &PeopleState) -> &Vec<User> {
    let Some(Ok(list)) = &state.people else {
        panic!("no list of people: {:?}", state.people)
    };
    list
}

/// The add form, empty, refused with this problem.
fn refused(status: u16, code: &str, detail: &str) -> AddForm {
    AddForm {
        error: Some(problem(status, code, detail)),
        ..AddForm::default()
    }
}

fn add_form(form: AddForm, added: Option<&str>) -> String {
    let added = added.map(str::to_owned);
    render(move || {
        html! {
            <AddPerson {form} {added} dispatch={Callback::noop()} on_add={Callback::noop()} />
        }
    })
}

#[test]
fn the_add_form_is_labelled_and_shows_each_refusal_at_its_field() {
    let html = add_form(AddForm::default(), None);
    assert!(html.contains("<label for=\"person-name\">Name</label>"));
    assert!(html.contains("<label for=\"person-email\">Email address</label>"));
    assert!(tag(&html, "person-email").contains("type=\"email\""));
    assert!(!tag(&html, "person-email").contains("aria-invalid"));
    assert!(tag(&html, "add-person-alert").contains("role=\"alert\""));
    assert!(text(&html).contains("Add person"));

    let bad_email = AddForm {
        name: "Ann Lee".into(),
        email: "ann@@x".into(),
        ..refused(400, "invalid_email", "“ann@@x” is not an email address.")
    };
    let html = add_form(bad_email, None);
    let email = tag(&html, "person-email");
    assert!(
        email.contains("aria-invalid=\"true\"")
            && email.contains("aria-describedby=\"person-email-error\""),
        "{email}"
    );
    assert!(
        email.contains("value=\"ann@@x\""),
        "what was typed stays: {email}"
    );
    assert!(!tag(&html, "person-name").contains("aria-invalid"));
    assert!(text(&html).contains("“ann@@x” is not an email address."));
    assert!(tag(&html, "person-email-error").contains("field-error"));
    assert!(!text(&html).contains("invalid_email"));

    // The address checks answer with a phrase: the form says which field it is about.
    let phrase = AddForm {
        email: "ann@@x".into(),
        ..refused(400, "invalid_email", "has more than one @")
    };
    let html = add_form(phrase, None);
    assert!(text(&html).contains("This is not an email address: has more than one @."));

    let bad_name = refused(400, "invalid_name", "Please give the person's name.");
    let html = add_form(bad_name, None);
    assert!(tag(&html, "person-name").contains("aria-invalid=\"true\""));
    assert!(text(&html).contains("Please give the person's name."));

    // Anything else is said above the button.
    let forbidden = refused(
        403,
        "forbidden",
        "Only system administrators can add people.",
    );
    let html = add_form(forbidden, None);
    assert!(text(&html)
        .contains("Could not add the person. Only system administrators can add people."));
    assert!(!html.contains("aria-invalid"));

    let working = AddForm {
        working: true,
        ..AddForm::default()
    };
    let html = add_form(working, None);
    assert!(tag(&html, "add-person").contains(" disabled"));
    assert!(text(&html).contains("Adding…"));

    let html = add_form(AddForm::default(), Some("Added Ann Lee. They will get an email from the sign-in service with a temporary password."));
    assert!(tag(&html, "add-person-outcome").contains("role=\"status\""));
    assert!(text(&html).contains("Added Ann Lee. They will get an email"));
}

#[test]
fn the_people_reducer_adds_shows_and_changes_people() {
    let state = Rc::new(PeopleState::default())
        .reduce(PeopleAction::Search(String::new()))
        .reduce(PeopleAction::Found(String::new(), Ok(page(people(), None))))
        .reduce(PeopleAction::EditName("Nia New".into()))
        .reduce(PeopleAction::EditEmail("nia@example.com".into()))
        .reduce(PeopleAction::Adding);
    assert!(state.form.working && state.added.is_none());
    let nia = user_at("4f1c-nia", "Nia New", "nia@example.com");
    let state = state.reduce(added(nia.clone(), true));
    assert_eq!(
        state.added.as_deref(),
        Some("Added Nia New. They will get an email from the sign-in service with a temporary password.")
    );
    assert_eq!(state.form, AddForm::default(), "the form is cleared");
    let list = listed(&state);
    assert_eq!(list[0], nia, "the new person is shown first");
    assert_eq!(list.len(), 4);

    // An address that already had an account: said so, and the person is shown (once).
    let state = state.reduce(added(nia.clone(), false));
    assert_eq!(
        state.added.as_deref(),
        Some("nia@example.com already has an account.")
    );
    let list = listed(&state);
    assert_eq!(list.len(), 4);

    // Empty fields are refused before the server is asked, in words like the server's.
    assert_eq!(
        AddForm::missing(" ", "a@b.example").map(|e| (e.code, e.detail)),
        Some(("invalid_name".into(), "Give the person's name.".into()))
    );
    assert_eq!(
        AddForm::missing("Ann", "").map(|e| e.code),
        Some("invalid_email".into())
    );
    assert_eq!(AddForm::missing("Ann", "a@b.example"), None);
    let refused = state
        .clone()
        .reduce(PeopleAction::Refused(AddForm::missing("", "").unwrap()));
    assert!(refused.form.name_error().is_some() && refused.added.is_none());
    assert_eq!(
        refused.form.field_message().as_deref(),
        Some("Give the person's name.")
    );

    // A refusal keeps what was typed.
    let state = state
        .reduce(PeopleAction::EditEmail("nope".into()))
        .reduce(PeopleAction::Adding)
        .reduce(PeopleAction::Added(Box::new(Err(problem(
            400,
            "invalid_email",
            "“nope” is not an email address.",
        )))));
    assert_eq!(state.form.email, "nope");
    assert!(!state.form.working);
    assert!(state.form.email_error().is_some() && state.form.form_error().is_none());

    // Granting: ask, cancel, ask again, confirm; the row says what happened and the list follows.
    let state = state
        .reduce(PeopleAction::Ask(nia.id.clone(), Change::Grant))
        .reduce(PeopleAction::Cancel(nia.id.clone()));
    assert!(state.rows.is_empty());
    let granted = User {
        system_admin: Some(true),
        email_verified: true,
        ..nia.clone()
    };
    let state = state
        .reduce(PeopleAction::Ask(nia.id.clone(), Change::Grant))
        .reduce(PeopleAction::Changing(nia.id.clone(), Change::Grant))
        .reduce(PeopleAction::Changed(
            nia.clone(),
            Change::Grant,
            Ok(granted.clone()),
        ));
    assert_eq!(
        state.rows[&nia.id],
        PersonRowState::Done("Nia New is now a system administrator.".into())
    );
    let list = listed(&state);
    assert!(list.contains(&granted));

    let refused = problem(
        409,
        "own_system_admin",
        "You cannot withdraw your own system administration.",
    );
    let state = state.reduce(PeopleAction::Changed(
        granted.clone(),
        Change::Withdraw,
        Err(refused.clone()),
    ));
    assert_eq!(
        state.rows[&nia.id],
        PersonRowState::Failed(Change::Withdraw, refused)
    );
    let state = state.reduce(PeopleAction::Changed(
        granted.clone(),
        Change::Withdraw,
        Ok(nia.clone()),
    ));
    assert_eq!(
        state.rows[&nia.id],
        PersonRowState::Done("Nia New is no longer a system administrator.".into())
    );

    // A new search starts afresh, and an answer to an earlier one is dropped.
    let state = state
        .reduce(PeopleAction::Search("ni".into()))
        .reduce(PeopleAction::Search("nia".into()))
        .reduce(PeopleAction::Found("ni".into(), Ok(page(vec![], None))));
    assert_eq!(state.people, None);
    assert!(state.rows.is_empty());
}

#[test]
fn only_system_administrators_get_the_people_page() {
    let html = people_page(found(people()), false, None);
    assert!(text(&html).contains("Only system administrators can manage people."));
    assert!(!html.contains("person-name") && !html.contains("person-ann-lee"));
}

/// Issue 28: the People page is not stuck at its first 50: "Show more people" adds the next
/// page below, while more match, and says so.
#[test]
fn more_people_come_page_after_page() {
    let all = people();
    let state = Rc::new(PeopleState::default())
        .reduce(PeopleAction::Search(String::new()))
        .reduce(PeopleAction::Found(
            String::new(),
            Ok(page(all[..2].to_vec(), Some("c1"))),
        ));
    assert_eq!(state.more.as_deref(), Some("c1"));
    let html = people_view(state.as_ref().clone(), None);
    assert!(text(&html).contains("so far; more below"), "{html}");
    assert!(text(&html).contains("Show more people"));
    let loading = state.reduce(PeopleAction::LoadingMore);
    let html = people_view(loading.as_ref().clone(), None);
    assert!(tag(&html, "people-more").contains("disabled"));
    // An answer for another search is dropped; this one's is added below, once each.
    let stale = loading.clone().reduce(PeopleAction::FoundMore(
        "x".into(),
        Ok(page(all.clone(), None)),
    ));
    assert_eq!(stale.people.as_ref().unwrap().as_ref().unwrap().len(), 2);
    let more = loading.reduce(PeopleAction::FoundMore(
        String::new(),
        Ok(page(all.clone(), None)),
    ));
    assert_eq!(
        more.people.as_ref().unwrap().as_ref().unwrap().len(),
        all.len()
    );
    assert_eq!(more.more, None);
    let html = people_view(more.as_ref().clone(), None);
    assert!(!html.contains("people-more") && !text(&html).contains("more below"));
    // A failed page says so and can be tried again.
    let failed = Rc::new(PeopleState::default())
        .reduce(PeopleAction::Search(String::new()))
        .reduce(PeopleAction::Found(
            String::new(),
            Ok(page(all[..1].to_vec(), Some("c1"))),
        ))
        .reduce(PeopleAction::LoadingMore)
        .reduce(PeopleAction::FoundMore(
            String::new(),
            Err(problem(503, "busy", "The service is busy.")),
        ));
    let html = people_view(failed.as_ref().clone(), None);
    assert!(text(&html).contains("Could not load more people"));
    assert!(!tag(&html, "people-more").contains("disabled"));
}
