//! The Add page: the three ways to add people, picking users, pasting addresses, Step 2 of 2
//! (activities), a check that says nothing is sent, and a CSV upload's progress, import and
//! check; what the send did and what next; the page's reducer.

use crate::helpers::*;
use site::api::*;
use site::pages::add::{
    add_step, csv_progress, method_panel, method_tabs, over_limit_wait, sent_view, what_next,
    AddAction, AddState, AddStepProps, CsvProgress, Method, Sent, UserPicker, EXAMPLE_CSV,
};
use std::rc::Rc;
use yew::prelude::*;

/// The last step for these people (`check`: a file only checked).
fn step(c: Contract, people: Option<&str>, chosen: Vec<String>, check: bool) -> String {
    let people = people.map(String::from);
    render(move || {
        add_step(&AddStepProps {
            contract: &c,
            people,
            chosen: &chosen,
            busy: false,
            check,
            on_toggle_activity: Callback::noop(),
            on_all: Callback::noop(),
            on_add: Callback::noop(),
        })
    })
}

fn add_step_for(c: Contract, people: Option<&str>, chosen: Vec<String>) -> String {
    step(c, people, chosen, false)
}

#[test]
fn step_2_of_2_appears_only_for_a_voucher_with_several_activities() {
    let multi = add_step_for(
        contract("voucher", 3, "active"),
        Some("2 people selected"),
        vec![],
    );
    let t = text(&multi);
    assert!(t.contains("Step 2 of 2"));
    assert!(t.contains("Activity 1") && t.contains("Activity 3") && t.contains("All activities"));
    assert!(
        tag(&multi, "add-users").contains(" disabled"),
        "no activity chosen yet"
    );

    let chosen = add_step_for(
        contract("voucher", 3, "active"),
        Some("2 people selected"),
        vec!["a2".into()],
    );
    assert!(!tag(&chosen, "add-users").contains(" disabled"));
    assert!(tag(&chosen, "activity-a2").contains(" checked"));
    assert!(!tag(&chosen, "activity-a1").contains(" checked"));

    for c in [
        contract("subscription", 2, "active"),
        contract("voucher", 1, "active"),
    ] {
        let html = add_step_for(c, Some("2 people selected"), vec![]);
        assert!(!text(&html).contains("Step 2 of 2"));
        assert!(!html.contains("activity-picker"));
        assert!(text(&html).contains("Add Users"));
    }
    let sub = add_step_for(
        contract("subscription", 2, "active"),
        Some("2 people selected"),
        vec![],
    );
    assert!(
        text(&sub).contains("Invite 2 people selected to the subscription Nursing subscription.")
    );
    // Nothing to add until people are chosen.
    assert!(!text(&add_step_for(
        contract("voucher", 3, "active"),
        None,
        vec![]
    ))
    .contains("Add Users"));
}

/// The step for a file that is only checked (issue 28): it says so, and sends nothing.
fn check_step(c: Contract, chosen: Vec<String>) -> String {
    step(c, Some("the addresses in check.csv"), chosen, true)
}

#[test]
fn a_file_only_checked_says_that_nothing_is_sent() {
    let one = check_step(contract("voucher", 1, "active"), vec![]);
    let t = text(&one);
    assert!(
        text_between(&one, "<h3", "</h3>").contains("Check the addresses in check.csv"),
        "{t}"
    );
    assert!(
        t.contains("Nothing is sent: you see what would happen first."),
        "{t}"
    );
    assert!(text_between(&one, "id=\"add-users\"", "</button>").contains("Check the file"));
    assert!(
        !t.contains("Add Users") && !t.contains("Invite the addresses"),
        "{t}"
    );

    let several = check_step(contract("voucher", 3, "active"), vec!["a1".into()]);
    let t = text(&several);
    assert!(
        t.contains("Step 2 of 2: check the addresses in check.csv"),
        "{t}"
    );
    assert!(t.contains("Nothing is sent: you see what would happen first."));
    assert!(text_between(&several, "id=\"add-users\"", "</button>").contains("Check the file"));
    assert!(!t.contains("Add Users"), "{t}");

    // Only a CSV file with "Check the file first" ticked is a check.
    let ticked = Rc::new(AddState::new(false)).reduce(AddAction::CheckFirst(true));
    assert!(ticked.checking());
    let pasting = ticked.reduce(AddAction::ChooseMethod(Method::Paste));
    assert!(!pasting.checking());
}

#[test]
fn the_three_ways_to_add_people_are_labelled() {
    let html = render(|| method_tabs(Method::Directory, &Callback::noop(), false));
    assert!(text(&html).contains("Upload CSV"));
    assert!(text(&html).contains("Paste addresses"));
    assert!(text(&html).contains("Select individual users"));
    assert!(tag(&html, "method-users").contains("aria-selected=\"true\""));
    assert!(tag(&html, "method-csv").contains("aria-selected=\"false\""));
    assert!(tag(&html, "method-paste").contains("aria-controls=\"method-panel\""));
}

/// Those over the seat limit may wait in line instead (issue 30): a labelled checkbox that says
/// what follows, and the reducer keeps the choice for the request.
#[test]
fn people_over_the_seat_limit_can_be_put_on_the_waiting_list() {
    let html = render(|| over_limit_wait(true, false, &Callback::noop()));
    let input = tag(&html, "over-limit-wait");
    assert!(
        input.contains("type=\"checkbox\"") && input.contains("checked"),
        "{input}"
    );
    assert!(
        input.contains("aria-describedby=\"over-limit-wait-help\""),
        "{input}"
    );
    assert!(text(&html).contains("Put people over the seat limit on the waiting list"));
    assert!(text(&html).contains("When a seat frees, the first in line is invited and mailed."));
    let state = Rc::new(AddState::new(false));
    assert!(!state.over_limit_wait);
    let state = state.reduce(AddAction::OverLimitWait(true));
    assert!(state.over_limit_wait);
}

/// Addresses pasted as Canvas takes them: one a line, or separated by commas or semicolons.
#[test]
fn pasted_addresses_are_split_trimmed_and_each_invited_once() {
    let pasted = |text: &str| {
        Rc::new(AddState::new(false))
            .reduce(AddAction::ChooseMethod(Method::Paste))
            .reduce(AddAction::Paste(text.into()))
    };
    let s = pasted(" ann@example.com, bo@example.com;\r\n\n ANN@example.com ;cy@example.com,,\n");
    assert_eq!(
        s.pasted_addresses(),
        ["ann@example.com", "bo@example.com", "cy@example.com"]
    );
    assert_eq!(s.people().as_deref(), Some("the 3 addresses pasted"));
    let html = panel((*s).clone(), 3);
    assert!(tag(&html, "method-panel").contains("aria-labelledby=\"method-paste\""));
    assert!(html.contains("<label for=\"paste-addresses\">Paste addresses</label>"));
    assert!(tag(&html, "paste-addresses").contains("aria-describedby=\"paste-help paste-found\""));
    let t = text(&html);
    assert!(
        t.contains("3 addresses found.") && t.contains("separated by commas or semicolons"),
        "{t}"
    );
    assert!(!html.contains("csv-file") && !html.contains("user-search"));

    assert_eq!(
        pasted("ann@example.com").people().as_deref(),
        Some("the address pasted")
    );
    assert_eq!(pasted(" ;\n, ").people(), None, "nothing to invite yet");

    // Over a request's limit: refused here, nothing offered to send.
    let many: Vec<String> = (0..1001).map(|i| format!("p{i}@example.com")).collect();
    let s = pasted(&many.join("\n"));
    assert_eq!(s.people(), None);
    let t = text(&panel((*s).clone(), 3));
    assert!(
        t.contains("That is 1,001 addresses: at most 1,000 can be invited at a time."),
        "{t}"
    );

    // Add more people starts with an empty box.
    assert!(s.reduce(AddAction::AddMore).pasted.is_empty());
}

#[test]
fn the_csv_picker_offers_an_example_file() {
    let csv = panel(AddState::new(false), 3);
    let link = tag(&csv, "example-csv");
    assert!(link.contains("download=\"example.csv\""), "{link}");
    assert!(link.contains(&format!("href=\"{EXAMPLE_CSV}\"")), "{link}");
    assert!(text(&csv).contains("Download an example CSV"));
    // Three addresses, one a line, no header row.
    let file = EXAMPLE_CSV
        .strip_prefix("data:text/csv;charset=utf-8,")
        .unwrap()
        .replace("%40", "@")
        .replace("%0A", "\n");
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(lines.len(), 3, "{file}");
    assert!(
        lines.iter().all(|l| l.contains('@') && !l.contains(',')),
        "{file}"
    );
}

fn user_picker(found: Vec<User>, selected: Vec<User>, min_query: usize) -> String {
    render(move || {
        html! {
            <UserPicker found={Some(Ok(found))} {selected} submitted={false} on_search={Callback::noop()}
                on_toggle={Callback::noop()} on_submit={Callback::noop()} {min_query} />
        }
    })
}

fn progress_view(progress: CsvProgress) -> String {
    render(move || csv_progress(&progress, &Callback::noop(), None))
}

#[test]
fn the_user_picker_ticks_users_and_submits_the_selection() {
    let users = vec![
        user_at("u1", "Ann", "ann@example.com"),
        user_at("u2", "Bo", "bo@example.com"),
        // Issue 26: an account that only claims its address says so, and what picking it does.
        User {
            email_verified: false,
            ..user_at("u3", "Sly", "new.hire@example.com")
        },
    ];
    let selected = vec![users[1].clone()];
    let html = user_picker(users, selected, 0);
    assert!(html.contains("<label for=\"user-u1\">Ann"));
    let label = |id: &str| text_between(&html, &format!("<label for=\"user-{id}\""), "</label>");
    assert!(!label("u1").contains("not confirmed"), "{}", label("u1"));
    assert!(
        label("u3").contains(
            "Address not confirmed: the invitation goes to the address, not to this account"
        ),
        "{}",
        label("u3")
    );
    assert!(tag(&html, "user-u2").contains(" checked"));
    assert!(!tag(&html, "user-u1").contains(" checked"));
    assert!(text(&html).contains("1 person selected"));
    assert!(!tag(&html, "submit-users").contains(" disabled"));
    assert!(text(&html).contains("Submit"));
}

/// Issue 32: someone disabled in or removed from the sign-in service is listed, marked in
/// words, and cannot be ticked (an earlier tick can still be undone).
#[test]
fn the_user_picker_marks_people_who_cannot_sign_in_and_does_not_offer_them() {
    let users = vec![
        user_at("u1", "Ann", "ann@example.com"),
        User {
            standing: Standing::Disabled,
            ..user_at("u2", "Dee", "dee@example.com")
        },
        User {
            standing: Standing::Removed,
            removed_at: Some("2026-12-01T10:00:00Z".into()),
            ..user_at("u3", "Rob", "rob@example.com")
        },
    ];
    let html = user_picker(users, vec![], 0);
    let label = |id: &str| text_between(&html, &format!("<label for=\"user-{id}\""), "</label>");
    assert!(!label("u1").contains("sign-in service"), "{}", label("u1"));
    assert!(
        label("u2").contains(
            "Disabled in the sign-in service: cannot sign in while disabled; cannot be invited from here"
        ),
        "{}",
        label("u2")
    );
    assert!(
        label("u3").contains("Removed from the sign-in service: can no longer sign in; cannot be invited from here: paste the address to invite it for a new account"),
        "{}",
        label("u3")
    );
    assert!(!tag(&html, "user-u1").contains(" disabled"));
    assert!(tag(&html, "user-u2").contains(" disabled"));
    assert!(tag(&html, "user-u3").contains(" disabled"));
}

#[test]
fn the_user_picker_submits_nothing_when_nobody_matches() {
    let none = user_picker(vec![], vec![], 0);
    assert!(tag(&none, "submit-users").contains(" disabled"));
    assert!(text(&none).contains("No users match."));
    assert!(!none.contains("user-search-hint"));
}

/// A contract admin searches by at least 3 letters (issue 26): said before they search.
#[test]
fn the_user_picker_says_how_many_letters_a_search_needs() {
    let narrow = user_picker(vec![], vec![], 3);
    assert!(tag(&narrow, "user-search").contains("minlength=\"3\""));
    assert!(tag(&narrow, "user-search").contains("aria-describedby=\"user-search-hint\""));
    assert!(text(&narrow).contains("Type at least 3 letters of a name"));
    assert!(text(&narrow).contains("Nobody listed yet"));
}

#[test]
fn an_upload_shows_its_progress() {
    let html = progress_view(CsvProgress::Uploading(45));
    assert!(html.contains("<progress id=\"upload-progress\" max=\"100\" value=\"45\">"));
    assert!(text(&html).contains("Uploading the file: 45%"));
}

#[test]
fn an_import_starting_never_reads_zero_rows() {
    let mut check = new_import("chk", ImportState::Queued, None);
    check.mode = ImportMode::Check;
    let t = text(&progress_view(CsvProgress::Importing(check.clone())));
    assert!(t.contains("The file has arrived; starting on it"), "{t}");
    assert!(!t.contains("Waiting for the file"), "{t}");
    check.status.state = ImportState::Running;
    let t = text(&progress_view(CsvProgress::Importing(check.clone())));
    assert!(
        t.contains("Checking: reading the first rows of the file"),
        "{t}"
    );
    assert!(!t.contains("0 rows read"), "{t}");
    check.rows_read = 1000;
    let t = text(&progress_view(CsvProgress::Importing(check)));
    assert!(t.contains("Checking: 1,000 rows read"), "{t}");
}

#[test]
fn a_finished_import_shows_its_report() {
    let html = progress_view(CsvProgress::Finished(done_import()));
    let t = text(&html);
    assert!(t.contains("Import finished") && t.contains("Done: 2,000 rows read"));
    assert!(t.contains("Invited1,990"));
    assert!(t.contains("bob@") && t.contains("invalid email address: no domain"));
    assert!(html.contains("href=\"https://s3.example/report?sig=1\""));
    assert!(t.contains("Download the full report"));
}

#[test]
fn a_finished_check_says_what_would_happen_and_offers_to_invite_those_people() {
    let mut check = new_import("chk", ImportState::Done, None);
    check.mode = ImportMode::Check;
    check.rows_read = 5;
    check.counts.invited = 2;
    check.counts.address_blocked = 1;
    check.counts.already_enrolled = 2;
    let html = progress_view(CsvProgress::Finished(check.clone()));
    let t = text(&html);
    assert!(
        t.contains("Check finished") && t.contains("Checked: 5 rows read; nothing was sent"),
        "{t}"
    );
    assert!(
        t.contains("Would be invited2") && t.contains("Address blocked1"),
        "{t}"
    );
    assert!(
        tag(&html, "invite-checked").contains("Invite these 2 people")
            || t.contains("Invite these 2 people"),
        "{html}"
    );

    check.counts.invited = 0;
    let html = progress_view(CsvProgress::Finished(check));
    let t = text(&html);
    assert!(
        !html.contains("invite-checked") && t.contains("Nobody in this file would be invited."),
        "{t}"
    );
}

fn panel(state: AddState, min_query: usize) -> String {
    render(move || method_panel(&state, &Callback::noop(), min_query, Callback::noop()))
}

#[test]
fn the_method_panel_shows_the_chosen_way() {
    let csv = panel(AddState::new(false), 3);
    assert!(tag(&csv, "method-panel").contains("aria-labelledby=\"method-csv\""));
    assert!(tag(&csv, "csv-file").contains("aria-describedby=\"csv-help\""));
    let check = tag(&csv, "csv-check-first");
    assert!(
        check.contains("aria-describedby=\"csv-check-first-help\"") && !check.contains(" checked")
    );
    assert!(text(&csv).contains("Check the file first"));
    assert!(!csv.contains("user-search"));

    // While a file uploads, neither the file nor the check can change.
    let uploading = AddState {
        progress: CsvProgress::Uploading(5),
        check_first: true,
        ..AddState::new(false)
    };
    let busy = panel(uploading, 3);
    assert!(tag(&busy, "csv-file").contains(" disabled"));
    assert!(tag(&busy, "csv-check-first").contains(" disabled"));
    assert!(tag(&busy, "csv-check-first").contains(" checked"));

    let directory = AddState {
        method: Method::Directory,
        ..AddState::new(false)
    };
    let users = panel(directory, 3);
    assert!(tag(&users, "method-panel").contains("aria-labelledby=\"method-users\""));
    assert!(tag(&users, "user-search").contains("minlength=\"3\""));
    assert!(!users.contains("csv-file") && !users.contains("csv-check-first"));
}

#[test]
fn sending_says_so_then_the_results_and_what_next() {
    let sent = |sent: Sent| render(move || sent_view(&sent, None));
    assert!(!text(&sent(Sent::Nothing)).contains("Sending"));
    assert!(text(&sent(Sent::Sending)).contains("Sending the invitations…"));
    let failed = sent(Sent::Failed(problem(
        409,
        "contract_expired",
        "It has expired.",
    )));
    assert!(text(&failed).contains("The invitations were not sent. It has expired."));
    assert!(failed.contains("role=\"alert\""));

    let next = render(|| what_next("c1", Callback::noop()));
    assert!(tag(&next, "add-more").contains("type=\"button\""));
    assert!(text(&next).contains("Add more people"));
    assert!(
        next.contains("href=\"/contracts/c1\"") && text(&next).contains("Back to the invitations")
    );
}

fn add_result() -> AddResult {
    serde_json::from_value(serde_json::json!({
        "results": [{"input": "u2", "email": "bo@example.com", "outcome": "invited", "invitation_id": "i2", "detail": "invited"}],
        "summary": {"invited": 1}
    }))
    .unwrap()
}

#[test]
fn the_add_reducer_ticks_people_and_activities_and_starts_again() {
    // A system administrator's directory is listed at once; a contract admin's waits for letters.
    assert_eq!(AddState::new(true).found, None);
    assert_eq!(AddState::new(false).found, Some(Ok(vec![])));

    let (ann, bo) = (
        user_at("u1", "Ann", "ann@example.com"),
        user_at("u2", "Bo", "bo@example.com"),
    );
    let s = Rc::new(AddState::new(false)).reduce(AddAction::ChooseMethod(Method::Directory));
    let s = s.reduce(AddAction::ToggleUser(ann.clone()));
    assert_eq!(s.people(), None, "nobody is invited before Submit");
    let s = s.reduce(AddAction::SubmitPeople);
    assert_eq!(s.people().as_deref(), Some("1 person selected"));
    let s = s.reduce(AddAction::ToggleUser(bo));
    assert!(!s.submitted, "ticking someone asks for Submit again");
    let s = s
        .reduce(AddAction::ToggleUser(ann))
        .reduce(AddAction::SubmitPeople);
    assert_eq!(s.people().as_deref(), Some("1 person selected"));
    assert_eq!(
        s.selected.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["u2"]
    );

    // Step 2 of 2: only a contract that asks for activities gets them.
    let all = vec!["a1".to_owned(), "a2".into(), "a3".into()];
    let s = s.reduce(AddAction::ChooseActivities(all));
    let s = s.reduce(AddAction::ToggleActivity("a2".into()));
    assert_eq!(
        s.activities_to_send(&contract("voucher", 3, "active")),
        ["a1", "a3"]
    );
    assert!(s
        .activities_to_send(&contract("subscription", 2, "active"))
        .is_empty());

    let s = s.reduce(AddAction::Inviting);
    assert!(s.busy() && !s.finished());
    let s = s.reduce(AddAction::Invited(Ok(add_result())));
    assert!(s.finished() && !s.busy());

    // Add more people: nobody chosen, nothing sent; the way and the activities stay.
    let s = s.reduce(AddAction::AddMore);
    assert!(s.selected.is_empty() && !s.submitted && s.sent == Sent::Nothing && !s.finished());
    assert_eq!(
        (s.method, s.chosen.clone()),
        (Method::Directory, vec!["a1".into(), "a3".into()])
    );

    // A CSV file: busy while it uploads and imports, finished with its report.
    let s = s.reduce(AddAction::ChooseMethod(Method::Csv));
    assert_eq!(s.people(), None, "no file chosen yet");
    let s = s.reduce(AddAction::Progress(Box::new(CsvProgress::Uploading(40))));
    assert!(s.busy());
    let s = s.reduce(AddAction::Progress(Box::new(CsvProgress::Finished(
        done_import(),
    ))));
    assert!(s.finished() && !s.busy());
    assert_eq!(s.reduce(AddAction::AddMore).progress, CsvProgress::Idle);
}
