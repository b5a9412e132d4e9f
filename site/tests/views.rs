//! Component tests: the views rendered natively with yew's ServerRenderer, asserting on the HTML
//! a person (or a screen reader) would get.

use site::api::*;
use site::components::bulk_actions::{BulkSummary, BulkSummaryView, BulkVerb};
use site::components::error::ErrorMessage;
use site::components::funnel::{
    daily, day_key, duration_in_words, median_in_words, parse_day, FunnelView,
};
use site::components::import_report::ImportReport;
use site::components::layout::{ContractHeader, Tab};
use site::components::person_results::PersonResults;
use site::components::seat_chart::SeatChart;
use site::pages::add::{AddStep, CsvProgress, CsvProgressView, Method, MethodTabs, UserPicker};
use site::pages::admins::{
    AddAdmin, Adding, AdminsAction, AdminsState, AdminsView, Directory, RemoveState,
};
use site::pages::contracts::{ContractFilter, ContractList};
use site::pages::enrol::{EnrolState, EnrolView};
use site::pages::imports::ImportList;
use site::pages::invitations::{
    ExportButton, ExportState, HistoryPanel, InvitationTable, InvitationsAction, InvitationsState,
    InvitationsView, RowAction, RowState, Search,
};
use site::pages::mail::{
    plan_in_words, MailAction, MailDraft, MailState, MailView, PlanDraft, Request,
};
use site::pages::people::{
    AddForm, AddPerson, Change, PeopleAction, PeopleState, PeopleView, RowState as PersonRowState,
};
use site::pages::sign_in::LocalUserList;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;
use yew::ServerRenderer;
use yew_router::history::{AnyHistory, MemoryHistory};
use yew_router::Router;

#[derive(Properties, PartialEq)]
struct FrameProps {
    view: Html,
}

/// Views with links need a router around them.
#[component]
fn Frame(props: &FrameProps) -> Html {
    html! {
        <Router history={AnyHistory::from(MemoryHistory::new())}>{props.view.clone()}</Router>
    }
}

fn render(view: impl FnOnce() -> Html + Send + 'static) -> String {
    futures::executor::block_on(
        ServerRenderer::<Frame>::with_props(move || FrameProps { view: view() })
            .hydratable(false)
            .render(),
    )
}

/// The rendered text without tags, for asserting on what a person reads.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The opening tag of the element with this id (attribute order is yew's, so tests look inside).
fn tag<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

fn invitation(id: &str, status: &str, can_act: bool) -> Invitation {
    serde_json::from_value(serde_json::json!({
        "id": id, "email": format!("{id}@example.com"), "name": null, "registered": true,
        "status": status, "activities": [{"id": "a1", "name": "Anatomy"}],
        "invited_by": "admin-1", "invited_at": "2025-02-03T09:30:00Z",
        "expires_at": "2025-02-17T09:30:00Z",
        "delivery": if id == "bounced" { serde_json::json!({"state": "failed", "reason": "mailbox full"}) }
                    else { serde_json::json!({"state": "sent", "reason": null}) },
        "send_count": 1, "last_sent_at": "2025-02-03T09:31:00Z",
        "enrolled_at": null, "revoked_at": null, "revoked_by": null,
        "import_id": null, "import_line": null,
        "can_resend": can_act, "can_revoke": can_act, "can_correct_address": false,
        "can_clear_block": false
    }))
    .unwrap()
}

fn contract(kind: &str, activities: usize, phase: &str) -> Contract {
    let acts: Vec<_> = (1..=activities)
        .map(|i| serde_json::json!({"id": format!("a{i}"), "name": format!("Activity {i}")}))
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": format!("{kind}-{activities}"), "name": format!("Nursing {kind}"), "kind": kind,
        "phase": phase, "activities": acts,
        "needs_activity_choice": kind == "voucher" && activities > 1,
        "starts_at": "2025-01-01T00:00:00Z", "ends_at": "2025-12-31T00:00:00Z",
        "seat_limit": 20, "seats_used": 8, "seats_left": 12,
        "counts": {"pending": 5, "enrolled": 3, "revoked": 2}, "invitation_lifetime_days": 14,
        "mail": {"language": "en", "subject": "You're invited to {contract}",
                 "message": "You have been invited by {inviter} to join the learning contract \"{contract}\".",
                 "custom": false},
        "reminders": {"enabled": true, "days_after_send": 3, "days_before_expiry": 2, "at_most": 2}
    }))
    .unwrap()
}

fn problem(status: u16, code: &str, detail: &str) -> ApiError {
    ApiError {
        status,
        code: code.into(),
        title: "Gone".into(),
        detail: detail.into(),
    }
}

fn table(invitations: Vec<Invitation>, rows: BTreeMap<String, RowState>) -> String {
    render(move || {
        html! {
            <InvitationTable {invitations} {rows} on_action={Callback::noop()} dispatch={Callback::noop()} />
        }
    })
}

#[test]
fn invitation_rows_show_status_delivery_and_only_the_actions_allowed() {
    let html = table(
        vec![
            invitation("pending", "pending", true),
            invitation("enrolled", "enrolled", false),
            invitation("revoked", "revoked", false),
            invitation("bounced", "expired", true),
        ],
        BTreeMap::new(),
    );
    for status in ["Pending", "Enrolled", "Revoked", "Expired"] {
        assert!(text(&html).contains(status), "{status} shown");
    }
    assert!(html.contains("id=\"resend-pending\""));
    assert!(html.contains("id=\"revoke-pending\""));
    // Once enrolled, Revoke is not offered (nor Resend).
    assert!(!html.contains("id=\"revoke-enrolled\""));
    assert!(!html.contains("id=\"resend-enrolled\""));
    assert!(!html.contains("id=\"revoke-revoked\""));
    assert!(text(&html).contains("Failed: mailbox full"));
    assert!(text(&html).contains("admin-1 · 3 Feb 2025, 09:30 UTC"));
    assert!(html.contains("aria-label=\"Revoke invitation to pending@example.com\""));
}

#[test]
fn revoke_asks_first_and_every_outcome_is_shown_in_its_row() {
    let rows = BTreeMap::from([
        ("a".to_owned(), RowState::ConfirmRevoke),
        (
            "b".to_owned(),
            RowState::Done("Sent again: a new link is on its way to b@example.com.".into()),
        ),
        (
            "c".to_owned(),
            RowState::Failed("This invitation was sent less than a minute ago.".into()),
        ),
    ]);
    let html = table(
        vec![
            invitation("a", "pending", true),
            invitation("b", "pending", true),
            invitation("c", "pending", true),
        ],
        rows,
    );
    let t = text(&html);
    assert!(t.contains("Revoke the invitation to a@example.com? Their link will stop working."));
    assert!(html.contains("id=\"confirm-revoke-a\""));
    assert!(html.contains("id=\"cancel-revoke-a\""));
    assert!(
        !html.contains("id=\"revoke-a\""),
        "the question replaces the button"
    );
    assert!(t.contains("Sent again: a new link is on its way to b@example.com."));
    assert!(html.contains("role=\"alert\""));
    assert!(t.contains("This invitation was sent less than a minute ago."));
}

#[test]
fn the_reducer_applies_outcomes_pages_and_drops_late_answers() {
    let list = InvitationList {
        invitations: vec![invitation("a", "pending", true)],
        next_cursor: Some("next".into()),
        counts: StatusCounts::default(),
    };
    let state = Rc::new(InvitationsState::default());
    let query = state.query();
    let state = state.reduce(InvitationsAction::Loaded(query.clone(), Ok(list)));
    // Revoked: the row changes in place and says so.
    let mut revoked = invitation("a", "revoked", false);
    revoked.revoked_at = Some("2025-02-04T00:00:00Z".into());
    let state = state.reduce(InvitationsAction::Finished(
        "a".into(),
        RowAction::Revoke,
        Box::new(Ok(InvitationChange {
            invitation: revoked,
            changed: true,
        })),
    ));
    assert_eq!(
        state.rows["a"],
        RowState::Done("Revoked: the link sent to a@example.com no longer works.".into())
    );
    let Some(Ok(page)) = &state.page else {
        panic!()
    };
    assert_eq!(page.invitations[0].status, InvitationStatus::Revoked);
    // Next page, then an answer for the first page arrives late: ignored.
    let state = state.reduce(InvitationsAction::NextPage);
    assert_eq!(state.page_number(), 2);
    assert_eq!(state.query().cursor.as_deref(), Some("next"));
    let state = state.reduce(InvitationsAction::Loaded(query, Err(ApiError::network())));
    assert_eq!(state.page, None);
    let state = state.reduce(InvitationsAction::PreviousPage);
    assert_eq!(state.page_number(), 1);
}

#[test]
fn invitation_list_errors_read_as_words_not_codes() {
    let state = InvitationsState {
        page: Some(Err(problem(
            403,
            "forbidden",
            "You do not administer this learning contract.",
        ))),
        ..Default::default()
    };
    let html = render(move || {
        html! { <InvitationsView {state} on_action={Callback::noop()} dispatch={Callback::noop()} /> }
    });
    let t = text(&html);
    assert!(
        t.contains("Could not load the invitations. You do not administer this learning contract.")
    );
    assert!(!t.contains("forbidden"));
}

#[test]
fn invitation_view_pages_through_results() {
    let state = InvitationsState {
        page: Some(Ok(InvitationList {
            invitations: vec![invitation("a", "pending", true)],
            next_cursor: Some("c2".into()),
            counts: StatusCounts {
                pending: 1200,
                enrolled: 30,
                revoked: 4,
            },
        })),
        ..Default::default()
    };
    let html = render(move || {
        html! { <InvitationsView {state} on_action={Callback::noop()} dispatch={Callback::noop()} /> }
    });
    let t = text(&html);
    assert!(t.contains("1,200 pending, 30 enrolled, 4 revoked in this contract"));
    assert!(t.contains("Page 1"));
    assert!(html.contains("id=\"next-page\""));
    assert!(tag(&html, "previous-page").contains(" disabled"));
    assert!(!tag(&html, "next-page").contains(" disabled"));
}

fn add_step(c: Contract, people: Option<&str>, chosen: Vec<String>) -> String {
    let people = people.map(String::from);
    render(move || {
        html! {
            <AddStep contract={c} {people} {chosen} on_toggle_activity={Callback::noop()}
                on_all={Callback::noop()} on_add={Callback::noop()} />
        }
    })
}

#[test]
fn step_2_of_2_appears_only_for_a_voucher_with_several_activities() {
    let multi = add_step(
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

    let chosen = add_step(
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
        let html = add_step(c, Some("2 people selected"), vec![]);
        assert!(!text(&html).contains("Step 2 of 2"));
        assert!(!html.contains("activity-picker"));
        assert!(text(&html).contains("Add Users"));
    }
    let sub = add_step(
        contract("subscription", 2, "active"),
        Some("2 people selected"),
        vec![],
    );
    assert!(
        text(&sub).contains("Invite 2 people selected to the subscription Nursing subscription.")
    );
    // Nothing to add until people are chosen.
    assert!(!text(&add_step(contract("voucher", 3, "active"), None, vec![])).contains("Add Users"));
}

#[test]
fn the_two_ways_to_add_people_are_labelled() {
    let html =
        render(|| html! { <MethodTabs method={Method::Directory} on_change={Callback::noop()} /> });
    assert!(text(&html).contains("Upload CSV"));
    assert!(text(&html).contains("Select individual users"));
    assert!(tag(&html, "method-users").contains("aria-selected=\"true\""));
    assert!(tag(&html, "method-csv").contains("aria-selected=\"false\""));
}

#[test]
fn the_user_picker_ticks_users_and_submits_the_selection() {
    let users: Vec<User> = vec![
        User {
            id: "u1".into(),
            email: "ann@example.com".into(),
            name: "Ann".into(),
            system_admin: Some(false),
            email_verified: true,
        },
        User {
            id: "u2".into(),
            email: "bo@example.com".into(),
            name: "Bo".into(),
            system_admin: Some(false),
            email_verified: true,
        },
        // Issue 26: an account that only claims its address says so, and what picking it does.
        User {
            id: "u3".into(),
            email: "new.hire@example.com".into(),
            name: "Sly".into(),
            system_admin: Some(false),
            email_verified: false,
        },
    ];
    let selected = vec![users[1].clone()];
    let html = render(move || {
        html! {
            <UserPicker found={Some(Ok(users))} {selected} submitted={false} on_search={Callback::noop()}
                on_toggle={Callback::noop()} on_submit={Callback::noop()} />
        }
    });
    assert!(html.contains("<label for=\"user-u1\">Ann"));
    let label = |id: &str| {
        let at = html.find(&format!("<label for=\"user-{id}\"")).unwrap();
        text(&html[at..at + html[at..].find("</label>").unwrap()])
    };
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

    let none = render(|| {
        html! {
            <UserPicker found={Some(Ok(vec![]))} selected={vec![]} submitted={false} on_search={Callback::noop()}
                on_toggle={Callback::noop()} on_submit={Callback::noop()} />
        }
    });
    assert!(tag(&none, "submit-users").contains(" disabled"));
    assert!(text(&none).contains("No users match."));
    assert!(!none.contains("user-search-hint"));

    // A contract admin searches by at least 3 letters (issue 26): said before they search.
    let narrow = render(|| {
        html! {
            <UserPicker found={Some(Ok(vec![]))} selected={vec![]} submitted={false} on_search={Callback::noop()}
                on_toggle={Callback::noop()} on_submit={Callback::noop()} min_query={3} />
        }
    });
    assert!(tag(&narrow, "user-search").contains("minlength=\"3\""));
    assert!(tag(&narrow, "user-search").contains("aria-describedby=\"user-search-hint\""));
    assert!(text(&narrow).contains("Type at least 3 letters of a name"));
    assert!(text(&narrow).contains("Nobody listed yet"));
}

#[test]
fn results_per_person_are_in_words() {
    let result: AddResult = serde_json::from_value(serde_json::json!({
        "results": [
            {"input": "u1", "email": "ann@example.com", "outcome": "invited", "invitation_id": "i1", "detail": "invited"},
            {"input": "not-an-email", "email": null, "outcome": "invalid_email", "invitation_id": null, "detail": "invalid email address: missing @"},
            {"input": "u3", "email": "cy@example.com", "outcome": "already_enrolled", "invitation_id": "i3", "detail": "already enrolled"}
        ],
        "summary": {"invited": 1, "invalid_email": 1, "already_enrolled": 1}
    }))
    .unwrap();
    let t = text(&render(move || html! { <PersonResults {result} /> }));
    assert!(t.contains("1 person invited, 2 not"));
    assert!(t.contains("Invalid email") && t.contains("invalid email address: missing @"));
    assert!(t.contains("cy@example.comAlready enrolled"));
}

#[test]
fn an_upload_shows_its_progress_and_an_import_its_report() {
    let html = render(|| html! { <CsvProgressView progress={CsvProgress::Uploading(45)} /> });
    assert!(html.contains("<progress id=\"upload-progress\" max=\"100\" value=\"45\">"));
    assert!(text(&html).contains("Uploading the file: 45%"));

    let import: Import = serde_json::from_value(serde_json::json!({
        "id": "imp1", "contract_id": "c1", "status": {"state": "done", "reason": null}, "activities": [],
        "created_by": "admin-1", "created_at": "2025-02-03T09:30:00Z", "updated_at": "2025-02-03T09:31:00Z",
        "file_name": "spring.csv", "rows_read": 2000,
        "counts": {"invited": 1990, "reinvited": 0, "already_invited": 3, "already_enrolled": 0,
                   "invalid_email": 5, "duplicate": 2, "over_seat_limit": 0},
        "first_bad_rows": [{"line": 7, "value": "bob@", "reason": "invalid email address: no domain"}],
        "stalled": null, "report_url": "https://s3.example/report?sig=1", "refused_uploads": 1, "put_by": null
    }))
    .unwrap();
    let finished = import.clone();
    let html =
        render(move || html! { <CsvProgressView progress={CsvProgress::Finished(finished)} /> });
    let t = text(&html);
    assert!(t.contains("Import finished") && t.contains("Done: 2,000 rows read"));
    assert!(t.contains("Invited1,990"));
    assert!(t.contains("bob@") && t.contains("invalid email address: no domain"));
    assert!(html.contains("href=\"https://s3.example/report?sig=1\""));
    assert!(t.contains("Download the full report"));

    let html = render(move || html! { <ImportReport {import} /> });
    assert!(text(&html).contains("Duplicate2"));
}

/// An import with nothing read yet.
fn new_import(id: &str, state: ImportState, reason: Option<&str>) -> Import {
    Import {
        id: id.into(),
        contract_id: "c1".into(),
        status: ImportStatus {
            state,
            reason: reason.map(Into::into),
        },
        activities: vec![],
        created_by: Some("admin-1".into()),
        created_at: "2025-02-03T09:30:00Z".into(),
        updated_at: "2025-02-03T09:30:00Z".into(),
        file_name: None,
        rows_read: 0,
        counts: ImportCounts::default(),
        first_bad_rows: vec![],
        stalled: None,
        report_url: None,
        refused_uploads: 0,
        put_by: None,
        mode: ImportMode::Invite,
        checked_by: None,
    }
}

#[test]
fn the_imports_tab_lists_each_import_with_status_and_counts() {
    let import = Import {
        file_name: Some("photo.png".into()),
        ..new_import(
            "imp2",
            ImportState::Failed,
            Some("The file is not a CSV file."),
        )
    };
    let html =
        render(move || html! { <ImportList imports={vec![import]} on_open={Callback::noop()} /> });
    let t = text(&html);
    assert!(t.contains("photo.png"));
    assert!(t.contains("Failed: The file is not a CSV file."));
    assert!(t.contains("0 invited · 0 not invited"));
    assert!(html.contains("id=\"show-report-imp2\""));
    let empty = render(|| html! { <ImportList imports={vec![]} on_open={Callback::noop()} /> });
    assert!(text(&empty).contains("No CSV files have been imported"));
}

#[test]
fn a_stalled_import_says_why_and_what_to_do() {
    let import = |state, stalled| Import {
        updated_at: "2025-02-03T09:45:00Z".into(),
        rows_read: 1960,
        stalled: Some(stalled),
        ..new_import("imp3", state, None)
    };
    let never = import(ImportState::Queued, Stall::UploadNeverArrived);
    let quiet = import(ImportState::Running, Stall::NoProgress);
    assert!(
        never.is_finished() && quiet.is_finished(),
        "nothing to wait for"
    );
    let html = render(move || {
        html! { <ImportList imports={vec![never, quiet]} on_open={Callback::noop()} /> }
    });
    let t = text(&html);
    assert!(
        t.contains("Stalled: the file never arrived and its upload link has expired. Upload the file again."),
        "{t}"
    );
    assert!(
        t.contains("Stalled after 1,960 rows: no progress since 3 Feb 2025, 09:45 UTC."),
        "{t}"
    );
    let running = Import {
        rows_read: 980,
        ..new_import("imp4", ImportState::Running, None)
    };
    assert!(!running.is_finished());
}

#[test]
fn contracts_show_phase_type_seats_and_a_seat_chart_and_filter_by_phase() {
    let contracts = vec![
        contract("voucher", 3, "active"),
        contract("subscription", 1, "expired"),
    ];
    let all = contracts.clone();
    let html = render(move || html! { <ContractList contracts={all} /> });
    let t = text(&html);
    assert!(t.contains("Nursing voucher") && t.contains("Nursing subscription"));
    assert!(t.contains("Active") && t.contains("Voucher") && t.contains("8 of 20 seats used"));
    assert!(html.contains("<svg"));
    assert!(html.contains(
        "aria-label=\"Seats of Nursing voucher: 3 enrolled, 5 pending, 2 revoked, 12 seats free\""
    ));

    let filter = ContractFilter {
        phase: Some(Phase::Expired),
        kind: None,
    };
    let html = render(move || html! { <ContractList {contracts} {filter} /> });
    assert!(!text(&html).contains("Nursing voucher"));
    assert!(text(&html).contains("Nursing subscription"));
}

#[test]
fn the_seat_chart_scales_to_the_seat_limit() {
    let counts = StatusCounts {
        pending: 5,
        enrolled: 5,
        revoked: 0,
    };
    let html = render(move || html! { <SeatChart {counts} seat_limit={Some(20)} label="C" /> });
    // Enrolled 5 of 20 seats: a quarter of the bar, pending the next quarter.
    assert!(
        html.contains("<rect x=\"0.00\" y=\"0\" width=\"25.00\" height=\"12\" class=\"enrolled\">")
    );
    assert!(
        html.contains("<rect x=\"25.00\" y=\"0\" width=\"25.00\" height=\"12\" class=\"pending\">")
    );
    assert!(text(&html).contains("10 free"));
}

#[test]
fn errors_show_the_detail_not_the_code() {
    let error = problem(
        409,
        "contract_expired",
        "This learning contract has expired; no more invitations can be sent for it.",
    );
    let html =
        render(move || html! { <ErrorMessage {error} context="The invitations were not sent" /> });
    let t = text(&html);
    assert!(t.contains("The invitations were not sent. This learning contract has expired"));
    assert!(!t.contains("contract_expired"));
    assert!(html.contains("role=\"alert\""));
}

fn admins() -> Vec<Admin> {
    serde_json::from_value(serde_json::json!([
        {"id": "ada-admin", "name": "Ada Lovelace", "email": "ada@example.com"},
        {"id": "gone-admin", "name": null, "email": null}
    ]))
    .unwrap()
}

fn user(id: &str, name: &str) -> User {
    User {
        id: id.into(),
        email: format!("{id}@example.com"),
        name: name.into(),
        system_admin: Some(false),
        email_verified: true,
    }
}

fn admins_view(state: AdminsState, can_manage: bool) -> String {
    render(move || {
        html! {
            <AdminsView {state} {can_manage} dispatch={Callback::noop()} on_remove={Callback::noop()}
                on_add={Callback::noop()} on_search={Callback::noop()} />
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
fn a_contract_admin_sees_the_admins_by_name_email_and_id_but_cannot_change_them() {
    let html = admins_view(loaded(admins()), false);
    let t = text(&html);
    assert!(t.contains("Ada Lovelace") && t.contains("ada@example.com") && t.contains("ada-admin"));
    assert!(t.contains("Not in the directory") && t.contains("gone-admin"));
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
    assert!(t.contains("Ada Lovelace") && t.contains("gone-admin"));
    assert!(html.contains("aria-label=\"Remove Ada Lovelace as an admin\""));
    // Someone not in the directory is named by their user id.
    assert!(html.contains("aria-label=\"Remove gone-admin as an admin\""));
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
    let html = render(move || {
        html! {
            <AddAdmin directory={Directory::Found(Ok(found))} admins={admins()} adding={Adding::Idle}
                on_search={Callback::noop()} on_add={Callback::noop()} />
        }
    });
    assert!(html.contains("aria-label=\"Add as admin: Grace Hopper\""));
    assert!(!tag(&html, "add-admin-u001").contains(" disabled"));
    assert!(!html.contains("id=\"add-admin-ada-admin\""));
    assert!(text(&html).contains("Already an admin"));

    let refused = render(|| {
        html! {
            <AddAdmin directory={Directory::Found(Ok(vec![user("u001", "Grace Hopper")]))} admins={vec![]}
                adding={Adding::Failed(user("u001", "Grace Hopper"), problem(404, "user-not-found", "There is no user u001 in the directory."))}
                on_search={Callback::noop()} on_add={Callback::noop()} />
        }
    });
    let t = text(&refused);
    assert!(t.contains("Could not add Grace Hopper. There is no user u001 in the directory."));
    assert!(!t.contains("user-not-found"));
}

#[test]
fn removing_an_admin_asks_first_and_a_failure_is_shown_in_the_row() {
    let mut state = loaded(admins());
    state.removals = BTreeMap::from([
        ("ada-admin".to_owned(), RemoveState::Confirm),
        (
            "gone-admin".to_owned(),
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
    assert!(t.contains("Could not remove gone-admin. Only system administrators can do this."));
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

fn student_page(registered: bool, status: &str) -> InvitationPage {
    serde_json::from_value(serde_json::json!({
        "email": "new@example.com", "registered": registered, "status": status,
        "contract": {"name": "Nursing 2025", "kind": "voucher", "starts_at": "2025-01-01T00:00:00Z", "ends_at": "2025-12-31T00:00:00Z"},
        "activities": ["Anatomy", "Ethics"], "invited_by": "Ann Admin", "expires_at": "2025-02-17T09:30:00Z"
    }))
    .unwrap()
}

fn enrol_view(state: EnrolState) -> String {
    render(move || html! { <EnrolView {state} on_enrol={Callback::noop()} /> })
}

#[test]
fn the_student_page_shows_the_contract_and_asks_a_name_only_of_unregistered_addresses() {
    let html = enrol_view(EnrolState::Ready(student_page(false, "pending")));
    let t = text(&html);
    assert!(t.contains("Ann Admin invited new@example.com to the learning contract Nursing 2025."));
    assert!(t.contains("Anatomy") && t.contains("Ethics"));
    assert!(html.contains("<label for=\"enrol-name\">Your name</label>"));
    assert!(!tag(&html, "enrol").contains(" disabled"));
    assert!(text(&html).contains("Enrol"));

    let registered = enrol_view(EnrolState::Ready(student_page(true, "pending")));
    assert!(!registered.contains("enrol-name"));
    assert!(text(&registered).contains("Enrol"));

    let refused = enrol_view(EnrolState::Refused(
        student_page(false, "pending"),
        problem(400, "name_required", "Please enter your name."),
    ));
    assert!(text(&refused).contains("Please enter your name."));
    assert!(!text(&refused).contains("name_required"));

    let done = enrol_view(EnrolState::Enrolled(student_page(true, "enrolled")));
    assert!(text(&done).contains("You are enrolled"));
    assert!(text(&done).contains("new@example.com is enrolled in Nursing 2025."));
}

#[test]
fn links_that_do_not_work_get_clear_pages() {
    let cases = [
        (410, "revoked", "This invitation has been withdrawn"),
        (410, "superseded", "This link has been replaced"),
        (410, "expired", "This invitation has expired"),
        (404, "unknown_link", "We don't recognise this link"),
        (400, "malformed_link", "This link is incomplete"),
    ];
    for (status, code, heading) in cases {
        let html = enrol_view(EnrolState::BadLink(problem(
            status,
            code,
            "The server's sentence.",
        )));
        assert!(text(&html).contains(heading), "{code}");
        assert!(html.contains(&format!("id=\"link-{code}\"")), "{code}");
        assert!(!html.contains("id=\"enrol\""), "{code}: no Enrol button");
    }
    let html = enrol_view(EnrolState::BadLink(problem(
        410,
        "revoked",
        "This invitation was revoked by the administrator.",
    )));
    assert!(text(&html).contains("This invitation was revoked by the administrator."));
}

#[test]
fn local_sign_in_lists_the_seeded_users_by_role() {
    let users: Vec<LocalUser> = serde_json::from_value(serde_json::json!([
        {"user_id": "u-sys", "email": "sys@example.com", "name": "Sam System", "role": "system-admin"},
        {"user_id": "u-ca", "email": "ca@example.com", "name": "Cat Contract", "role": "contract-admin"}
    ]))
    .unwrap();
    let html = render(move || html! { <LocalUserList {users} on_pick={Callback::noop()} /> });
    let t = text(&html);
    assert!(t.contains("System administrators") && t.contains("Contract admins"));
    assert!(!t.contains("Students"));
    assert!(html.contains("id=\"sign-in-u-ca\""));
    let button = &html[html.find("id=\"sign-in-u-ca\"").unwrap()..];
    let button = text(&button[..button.find("</button>").unwrap()]);
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
    let users: Vec<LocalUser> = serde_json::from_value(serde_json::json!([
        {"user_id": "u-ca", "email": "ca@example.com", "name": "Cat Contract", "role": "contract-admin"},
        {"user_id": "4f1c-new", "email": "new@example.com", "name": "Nia New", "role": "user"}
    ]))
    .unwrap();
    let html = render(move || html! { <LocalUserList {users} on_pick={Callback::noop()} /> });
    let t = text(&html);
    assert!(t.contains("Contract admins") && t.contains("Other people"));
    assert!(html.contains("id=\"sign-in-4f1c-new\""));
    assert_eq!(html.matches("id=\"sign-in-").count(), 2, "each person once");
}

// ---------------------------------------------------------------------------------------------
// People (system administrators)
// ---------------------------------------------------------------------------------------------

fn person(id: &str, name: &str, system_admin: bool) -> User {
    User {
        system_admin: Some(system_admin),
        ..user(id, name)
    }
}

fn people() -> Vec<User> {
    vec![
        person("sam-sysadmin", "Sam Sysadmin", true),
        person("ann-lee", "Ann Lee", false),
        person("max-ops", "Max Ops", true),
    ]
}

fn found(people: Vec<User>) -> PeopleState {
    PeopleState {
        people: Some(Ok(people)),
        ..Default::default()
    }
}

fn people_view(state: PeopleState, me: Option<&str>) -> String {
    let me = me.map(str::to_owned);
    render(move || {
        html! {
            <PeopleView {state} system_admin=true {me} dispatch={Callback::noop()}
                on_search={Callback::noop()} on_add={Callback::noop()} on_change={Callback::noop()} />
        }
    })
}

/// The text of the table row with this id.
fn row_text(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("<tr id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row {id} in {html}"));
    let end = at + html[at..].find("</tr>").unwrap();
    text(&html[at..end])
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
    state.rows = BTreeMap::from([
        ("ann-lee".to_owned(), PersonRowState::Confirm(Change::Grant)),
        (
            "max-ops".to_owned(),
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
    state.rows = BTreeMap::from([(
        "ann-lee".to_owned(),
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
    state.rows = BTreeMap::from([(
        "max-ops".to_owned(),
        PersonRowState::Working(Change::Withdraw),
    )]);
    let html = people_view(state, None);
    let button = tag(&html, "withdraw-sysadmin-max-ops");
    assert!(
        button.contains(" disabled") && button.contains("danger"),
        "{button}"
    );
    assert!(row_text(&html, "person-max-ops").contains("Withdrawing…"));
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
        working: false,
        error: Some(problem(
            400,
            "invalid_email",
            "“ann@@x” is not an email address.",
        )),
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
        error: Some(problem(400, "invalid_email", "has more than one @")),
        ..AddForm::default()
    };
    let html = add_form(phrase, None);
    assert!(text(&html).contains("This is not an email address: has more than one @."));

    let bad_name = AddForm {
        error: Some(problem(
            400,
            "invalid_name",
            "Please give the person's name.",
        )),
        ..AddForm::default()
    };
    let html = add_form(bad_name, None);
    assert!(tag(&html, "person-name").contains("aria-invalid=\"true\""));
    assert!(text(&html).contains("Please give the person's name."));

    // Anything else is said above the button.
    let forbidden = AddForm {
        error: Some(problem(
            403,
            "forbidden",
            "Only system administrators can add people.",
        )),
        ..AddForm::default()
    };
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
        .reduce(PeopleAction::Found(String::new(), Ok(people())))
        .reduce(PeopleAction::EditName("Nia New".into()))
        .reduce(PeopleAction::EditEmail("nia@example.com".into()))
        .reduce(PeopleAction::Adding);
    assert!(state.form.working && state.added.is_none());
    let nia = User {
        id: "4f1c-nia".into(),
        email: "nia@example.com".into(),
        name: "Nia New".into(),
        system_admin: Some(false),
        email_verified: true,
    };
    let state = state.reduce(PeopleAction::Added(Box::new(Ok(PersonAdded {
        user: nia.clone(),
        created: true,
    }))));
    assert_eq!(
        state.added.as_deref(),
        Some("Added Nia New. They will get an email from the sign-in service with a temporary password.")
    );
    assert_eq!(state.form, AddForm::default(), "the form is cleared");
    let Some(Ok(list)) = &state.people else {
        panic!()
    };
    assert_eq!(list[0], nia, "the new person is shown first");
    assert_eq!(list.len(), 4);

    // An address that already had an account: said so, and the person is shown (once).
    let state = state.reduce(PeopleAction::Added(Box::new(Ok(PersonAdded {
        user: nia.clone(),
        created: false,
    }))));
    assert_eq!(
        state.added.as_deref(),
        Some("nia@example.com already has an account.")
    );
    let Some(Ok(list)) = &state.people else {
        panic!()
    };
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
    let Some(Ok(list)) = &state.people else {
        panic!()
    };
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
        .reduce(PeopleAction::Found("ni".into(), Ok(vec![])));
    assert_eq!(state.people, None);
    assert!(state.rows.is_empty());
}

#[test]
fn only_system_administrators_get_the_people_page() {
    let html = render(|| {
        html! {
            <PeopleView state={found(people())} system_admin=false dispatch={Callback::noop()}
                on_search={Callback::noop()} on_add={Callback::noop()} on_change={Callback::noop()} />
        }
    });
    assert!(text(&html).contains("Only system administrators can manage people."));
    assert!(!html.contains("person-name") && !html.contains("person-ann-lee"));
}

#[test]
fn the_main_navigation_offers_people_to_system_administrators_only() {
    use site::components::layout::Header;
    let header = |system_admin: bool| {
        render(move || {
            html! { <Header name="Sam" role="System administrator" {system_admin} on_sign_out={Callback::noop()} /> }
        })
    };
    let html = header(true);
    assert!(html.contains("id=\"nav-people\""));
    assert!(html.contains("href=\"/people\""));
    assert!(html.contains("aria-label=\"Main\""));
    let html = header(false);
    assert!(!html.contains("nav-people") && !html.contains("/people"));
}

#[test]
fn the_delivery_column_says_what_the_mail_service_reported() {
    use site::components::status::delivery_text;
    let sent = |report: Option<MailReport>| Delivery {
        state: DeliveryState::Sent,
        reason: None,
        report,
    };
    assert_eq!(delivery_text(&sent(None)), "Sent");
    let report = |kind, detail: &str| MailReport {
        kind,
        at: "2026-03-02T09:00:20Z".into(),
        detail: detail.into(),
    };
    assert_eq!(
        delivery_text(&sent(Some(report(MailReportKind::Delivered, "")))),
        "Delivered"
    );
    assert_eq!(
        delivery_text(&sent(Some(report(
            MailReportKind::BouncedPermanent,
            "Permanent (General): smtp; 550 5.1.1 user unknown"
        )))),
        "Bounced: Permanent (General): smtp; 550 5.1.1 user unknown"
    );
}

/// A pending invitation whose mail bounced for good: its address can be corrected.
fn bounced(id: &str) -> Invitation {
    let mut inv = invitation(id, "pending", true);
    inv.delivery = Delivery {
        state: DeliveryState::Sent,
        reason: None,
        report: Some(MailReport {
            kind: MailReportKind::BouncedPermanent,
            at: "2025-02-03T09:31:05Z".into(),
            detail: "Permanent (General): smtp; 550 5.1.1 user unknown".into(),
        }),
    };
    inv.can_correct_address = true;
    // Blocked: no Resend until the block is cleared (the API would refuse it).
    inv.can_resend = false;
    inv.can_clear_block = true;
    inv
}

#[test]
fn a_bounced_row_offers_correct_address_and_clear_block() {
    let html = table(
        vec![bounced("x"), invitation("fine", "pending", true)],
        BTreeMap::new(),
    );
    let t = text(&html);
    assert!(t.contains("Bounced: Permanent (General): smtp; 550 5.1.1 user unknown"));
    assert!(
        tag(&html, "correct-address-x").contains("aria-label=\"Correct address of x@example.com\"")
    );
    assert!(tag(&html, "clear-block-x").contains("aria-label=\"Clear block on x@example.com\""));
    assert!(html.contains("id=\"revoke-x\""));
    // Issue 26: the site offers what the API allows: no Resend to a blocked address.
    assert!(!html.contains("id=\"resend-x\""));
    // Only where the mail could not be delivered.
    assert!(!html.contains("id=\"correct-address-fine\""));
    assert!(!html.contains("id=\"clear-block-fine\""));
    assert!(html.contains("id=\"resend-fine\""));

    // A spam complaint's block, seen by a contract admin: nothing to correct (the mail
    // arrived), no block they may clear, no Resend.
    let mut complained = bounced("c");
    complained.can_correct_address = false;
    complained.can_clear_block = false;
    let html = table(vec![complained], BTreeMap::new());
    for action in ["resend-c", "correct-address-c", "clear-block-c"] {
        assert!(!html.contains(&format!("id=\"{action}\"")), "{action}");
    }
}

#[test]
fn correct_address_opens_a_labelled_form_in_the_row() {
    let rows = BTreeMap::from([(
        "x".to_owned(),
        RowState::Correcting {
            email: "x@example.com".into(),
            working: false,
            refusal: None,
        },
    )]);
    let html = table(vec![bounced("x")], rows);
    let t = text(&html);
    assert!(t.contains("Correct address for x@example.com"));
    assert!(tag(&html, "correct-email-x").contains("type=\"email\""));
    assert!(tag(&html, "correct-email-x").contains("value=\"x@example.com\""));
    assert!(html.contains("for=\"correct-email-x\""));
    assert!(tag(&html, "correct-save-x").contains("type=\"submit\""));
    assert!(html.contains("id=\"correct-cancel-x\""));
    assert!(!tag(&html, "correct-email-x").contains("aria-invalid"));
    // The form takes the buttons' place.
    assert!(!html.contains("id=\"correct-address-x\"") && !html.contains("id=\"revoke-x\""));
}

#[test]
fn a_refused_correction_says_why_at_the_field_and_keeps_the_address() {
    let rows = BTreeMap::from([(
        "x".to_owned(),
        RowState::Correcting {
            email: "ann@x.com".into(),
            working: false,
            refusal: Some("ann@x.com is already invited to this learning contract.".into()),
        },
    )]);
    let html = table(vec![bounced("x")], rows);
    let input = tag(&html, "correct-email-x");
    assert!(input.contains("value=\"ann@x.com\""), "{input}");
    assert!(input.contains("aria-invalid=\"true\""), "{input}");
    assert!(
        input.contains("aria-describedby=\"correct-refusal-x\""),
        "{input}"
    );
    assert!(tag(&html, "correct-refusal-x").starts_with("<p"));
    assert!(text(&html).contains("ann@x.com is already invited to this learning contract."));
    assert!(html.contains("role=\"alert\""));
}

#[test]
fn clear_block_asks_first_and_outcomes_are_in_the_row() {
    let rows = BTreeMap::from([
        ("x".to_owned(), RowState::ConfirmClearBlock),
        (
            "y".to_owned(),
            RowState::Failed(
                "Mail to y@example.com bounced or was marked as spam. Correct the address, or clear the block, then send again.".into(),
            ),
        ),
    ]);
    let html = table(vec![bounced("x"), bounced("y")], rows);
    let t = text(&html);
    assert!(t.contains("Clear the block on x@example.com? Mail to it bounced or was marked as spam; clear it only if the mailbox has been fixed."));
    assert!(html.contains("id=\"confirm-clear-block-x\""));
    assert!(html.contains("id=\"cancel-clear-block-x\""));
    assert!(!html.contains("id=\"clear-block-x\""));
    // A Resend refused because the address is blocked says so, in the row.
    assert!(tag(&html, "outcome-y").contains("role=\"alert\""));
    assert!(t.contains("Correct the address, or clear the block, then send again."));
}

#[test]
fn the_reducer_moves_a_corrected_invitation_and_keeps_refusals_in_the_form() {
    let list = InvitationList {
        invitations: vec![bounced("x")],
        next_cursor: None,
        counts: StatusCounts::default(),
    };
    let state = Rc::new(InvitationsState::default());
    let query = state.query();
    let state = state.reduce(InvitationsAction::Loaded(query, Ok(list)));
    let state = state.reduce(InvitationsAction::OpenCorrect(
        "x".into(),
        "x@example.com".into(),
    ));
    let state = state.reduce(InvitationsAction::CorrectSubmitted(
        "x".into(),
        "x@example.com".into(),
    ));
    assert!(matches!(
        state.rows["x"],
        RowState::Correcting { working: true, .. }
    ));
    // Refused: the form stays open with the address tried and why.
    let state = state.reduce(InvitationsAction::Finished(
        "x".into(),
        RowAction::CorrectAddress,
        Box::new(Err(problem(
            409,
            "same_address",
            "The invitation is already at x@example.com.",
        ))),
    ));
    assert_eq!(
        state.rows["x"],
        RowState::Correcting {
            email: "x@example.com".into(),
            working: false,
            refusal: Some("The invitation is already at x@example.com.".into()),
        }
    );
    // Saved: the row shows the invitation at its new address, queued, and says so.
    let state = state.reduce(InvitationsAction::CorrectSubmitted(
        "x".into(),
        "ann@x.com".into(),
    ));
    let mut moved = invitation("x", "pending", true);
    moved.email = "ann@x.com".into();
    moved.delivery = Delivery {
        state: DeliveryState::Queued,
        reason: None,
        report: None,
    };
    let state = state.reduce(InvitationsAction::Finished(
        "x".into(),
        RowAction::CorrectAddress,
        Box::new(Ok(InvitationChange {
            invitation: moved,
            changed: true,
        })),
    ));
    assert_eq!(
        state.rows["x"],
        RowState::Done("Moved to ann@x.com; a new invitation mail is on its way.".into())
    );
    let Some(Ok(page)) = &state.page else {
        panic!()
    };
    assert_eq!(page.invitations[0].email, "ann@x.com");
    let rows = state.rows.clone();
    let html = table(page.invitations.clone(), rows);
    let t = text(&html);
    assert!(t.contains("ann@x.com") && t.contains("Queued"), "{t}");
    let outcome = tag(&html, "outcome-x");
    assert!(outcome.contains("role=\"status\"") && outcome.contains("tabindex=\"-1\""));
    assert!(t.contains("Moved to ann@x.com; a new invitation mail is on its way."));
    assert!(!html.contains("id=\"correct-address-x\""));
    // Clear block, then Cancel on a question: the row is back to its buttons.
    let state = state.reduce(InvitationsAction::AskClearBlock("x".into()));
    assert_eq!(state.rows["x"], RowState::ConfirmClearBlock);
    let state = state.reduce(InvitationsAction::Cancel("x".into()));
    assert!(!state.rows.contains_key("x"));
}

#[test]
fn rows_are_selected_one_by_one_or_by_page_and_a_new_page_clears_the_selection() {
    let list = InvitationList {
        invitations: vec![
            invitation("a", "pending", true),
            invitation("b", "enrolled", false),
        ],
        next_cursor: Some("c2".into()),
        counts: StatusCounts::default(),
    };
    let state = Rc::new(InvitationsState::default());
    let query = state.query();
    let state = state.reduce(InvitationsAction::Loaded(query, Ok(list)));
    let state = state.reduce(InvitationsAction::Select("b".into(), true));
    assert_eq!(state.selected.iter().collect::<Vec<_>>(), ["b"]);
    let state = state.reduce(InvitationsAction::SelectPage(true));
    assert_eq!(state.selected.len(), 2);
    let page = (*state).clone();
    let html = render(move || {
        html! { <InvitationsView state={page} on_action={Callback::noop()} dispatch={Callback::noop()} /> }
    });
    assert!(tag(&html, "select-page").contains(" checked"), "{html}");
    assert!(
        tag(&html, "select-a").contains("aria-label=\"Select a@example.com\""),
        "{html}"
    );
    let state = state.reduce(InvitationsAction::Select("a".into(), false));
    assert_eq!(state.selected.iter().collect::<Vec<_>>(), ["b"]);
    let state = state.reduce(InvitationsAction::NextPage);
    assert!(state.selected.is_empty(), "a selection is of one page");
    // The bulk actions' filter is the search as it is.
    let state = state.reduce(InvitationsAction::Search(
        site::pages::invitations::Search {
            q: " ann".into(),
            status: Some(InvitationStatus::Expired),
        },
    ));
    let filter = state.filter();
    assert_eq!(
        (filter.q.as_deref(), filter.status),
        (Some(" ann"), Some(InvitationStatus::Expired))
    );
}

#[test]
fn a_bulk_summary_counts_and_lists_what_was_not_changed_with_why() {
    let summary = BulkSummary {
        verb: BulkVerb::Revoke,
        done: 12,
        unchanged: 2,
        refused: 1,
        not_found: 1,
        not_changed: vec![
            BulkOutcome {
                invitation_id: Some("x".into()),
                email: "pat@example.com".into(),
                outcome: BulkOutcomeKind::Refused,
                code: Some("already_enrolled".into()),
                detail: Some("pat@example.com has already enrolled, so the invitation can no longer be revoked".into()),
            },
            BulkOutcome {
                invitation_id: None,
                email: "nobody@example.com".into(),
                outcome: BulkOutcomeKind::NotFound,
                code: Some("invitation_not_found".into()),
                detail: Some("Nobody with this address is invited to this learning contract.".into()),
            },
        ],
        stopped: None,
    };
    assert_eq!(
        summary.text(),
        "Revoked: 12; nothing to do for 2; refused for 1; not found: 1."
    );
    let html = render(move || html! { <BulkSummaryView {summary} /> });
    let t = text(&html);
    assert!(t.contains("pat@example.com has already enrolled"), "{t}");
    assert!(t.contains("nobody@example.com"), "{t}");
    assert!(!html.contains("role=\"alert\""), "nothing stopped it");
}

fn history_entry(
    at: &str,
    action: HistoryAction,
    actor: Option<&str>,
    name: Option<&str>,
    detail: Option<&str>,
) -> HistoryEntry {
    HistoryEntry {
        at: at.into(),
        action,
        actor: actor.map(Into::into),
        actor_name: name.map(Into::into),
        detail: detail.map(Into::into),
    }
}

#[test]
fn a_rows_history_opens_under_it_newest_first_with_who_and_when() {
    let histories = BTreeMap::from([(
        "a".to_owned(),
        HistoryPanel {
            entries: vec![
                history_entry(
                    "2025-02-04T10:00:00Z",
                    HistoryAction::MailReport,
                    None,
                    None,
                    Some("bounced_permanent: smtp; 550 user unknown"),
                ),
                history_entry(
                    "2025-02-03T09:31:00Z",
                    HistoryAction::Sent,
                    None,
                    None,
                    Some("to a@example.com"),
                ),
                history_entry(
                    "2025-02-03T09:30:00Z",
                    HistoryAction::Invited,
                    Some("admin-1"),
                    Some("Ada Lovelace <ada@example.com>"),
                    Some("from import 01J, line 4"),
                ),
            ],
            next_cursor: Some("older".into()),
            loading: false,
            error: None,
            focus_entry: None,
        },
    )]);
    let html = render(move || {
        html! {
            <InvitationTable invitations={vec![invitation("a", "pending", true), invitation("b", "pending", true)]}
                {histories} on_action={Callback::noop()} dispatch={Callback::noop()} />
        }
    });
    // The open row's button says so and names the panel; a closed one names nothing.
    let open = tag(&html, "history-a");
    assert!(
        open.contains("aria-expanded=\"true\"")
            && open.contains("aria-controls=\"history-panel-a\""),
        "{open}"
    );
    assert!(open.contains("aria-label=\"History of the invitation to a@example.com\""));
    let closed = tag(&html, "history-b");
    assert!(
        closed.contains("aria-expanded=\"false\"") && !closed.contains("aria-controls"),
        "{closed}"
    );
    assert!(html.contains("id=\"history-panel-a\"") && !html.contains("id=\"history-panel-b\""));
    let t = text(&html);
    assert!(t.contains("History of the invitation to a@example.com"));
    let report = t
        .find("Mail report — bounced_permanent: smtp; 550 user unknown by the mail service")
        .expect("the report");
    let sent = t
        .find("Mail sent — to a@example.com by the mailer")
        .expect("the send");
    let invited = t
        .find("Invited — from import 01J, line 4 by Ada Lovelace")
        .expect("the invite");
    assert!(report < sent && sent < invited, "newest first: {t}");
    assert!(html.contains("datetime=\"2025-02-03T09:30:00Z\""));
    assert!(
        html.contains("id=\"history-more-a\""),
        "older entries on demand"
    );
}

#[test]
fn the_history_panel_follows_its_pages_and_closes() {
    let mut state = Rc::new(InvitationsState::default());
    let apply = |s: &Rc<InvitationsState>, a| s.clone().reduce(a);
    state = apply(&state, InvitationsAction::HistoryRequested("a".into()));
    assert!(state.histories["a"].loading);
    let page = |entries: Vec<HistoryEntry>, next: Option<&str>| InvitationHistory {
        invitation_id: "a".into(),
        entries,
        next_cursor: next.map(Into::into),
    };
    let first = history_entry(
        "2025-02-04T10:00:00Z",
        HistoryAction::Revoked,
        Some("admin-1"),
        None,
        None,
    );
    let second = history_entry(
        "2025-02-03T09:30:00Z",
        HistoryAction::Invited,
        Some("admin-1"),
        None,
        None,
    );
    state = apply(
        &state,
        InvitationsAction::HistoryLoaded("a".into(), Ok(page(vec![first.clone()], Some("c1")))),
    );
    state = apply(&state, InvitationsAction::HistoryRequested("a".into()));
    state = apply(
        &state,
        InvitationsAction::HistoryLoaded("a".into(), Ok(page(vec![second.clone()], None))),
    );
    assert_eq!(state.histories["a"].entries, vec![first, second]);
    // The older entries take focus from the button that brought them (it is gone now).
    assert_eq!(state.histories["a"].focus_entry, Some(1));
    assert_eq!(state.histories["a"].next_cursor, None);
    assert!(!state.histories["a"].loading);
    state = apply(&state, InvitationsAction::CloseHistory("a".into()));
    assert!(state.histories.is_empty());
    // A page that arrives after the panel closed does not open it again.
    state = apply(
        &state,
        InvitationsAction::HistoryLoaded("a".into(), Ok(page(vec![], None))),
    );
    assert!(state.histories.is_empty());
}

#[test]
fn export_says_what_it_takes_and_announces_the_outcome() {
    let render_export = |search: Search, state: Option<ExportState>| {
        render(move || html! { <ExportButton {search} {state} on_export={Callback::noop()} /> })
    };
    let html = render_export(Search::default(), None);
    let button = tag(&html, "export-invitations");
    assert!(
        button.contains("aria-describedby=\"export-scope\""),
        "{button}"
    );
    assert!(text(&html).contains("Export as CSV"));
    assert!(text(&html).contains("All invitations of this contract."));
    let html = render_export(
        Search {
            q: "ann".into(),
            status: Some(InvitationStatus::Revoked),
        },
        Some(ExportState::Done(
            "Downloaded invitations-A-revoked-2025-02-03.csv: 2 invitations.".into(),
        )),
    );
    let t = text(&html);
    assert!(
        t.contains("The revoked invitations whose address starts with “ann”."),
        "{t}"
    );
    assert!(t.contains("Downloaded invitations-A-revoked-2025-02-03.csv: 2 invitations."));
    let html = render_export(Search::default(), Some(ExportState::Working));
    assert!(tag(&html, "export-invitations").contains("disabled"));
    let html = render_export(
        Search::default(),
        Some(ExportState::Failed(
            "These invitations make a file larger than 5 MB".into(),
        )),
    );
    assert!(tag(&html, "export-error").contains("role=\"alert\""));
}

#[test]
fn a_finished_check_says_what_would_happen_and_offers_to_invite_those_people() {
    let mut check = new_import("chk", ImportState::Done, None);
    check.mode = ImportMode::Check;
    check.rows_read = 5;
    check.counts.invited = 2;
    check.counts.address_blocked = 1;
    check.counts.already_enrolled = 2;
    let view = check.clone();
    let html = render(move || html! { <CsvProgressView progress={CsvProgress::Finished(view)} /> });
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
    let html =
        render(move || html! { <CsvProgressView progress={CsvProgress::Finished(check)} /> });
    let t = text(&html);
    assert!(
        !html.contains("invite-checked") && t.contains("Nobody in this file would be invited."),
        "{t}"
    );
}

// ---------------------------------------------------------------------------------------------
// Mail and reminders, and the funnel
// ---------------------------------------------------------------------------------------------

fn mail_state(c: &Contract) -> MailState {
    Rc::new(MailState::default())
        .reduce(MailAction::Loaded(c.clone()))
        .as_ref()
        .clone()
}

fn mail_view(state: MailState, c: Contract) -> String {
    use chrono::TimeZone;
    let now = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    render(move || {
        html! {
            <MailView {state} contract={c} inviter="Ada Lovelace" {now} origin="https://learn.example.org"
                dispatch={Callback::noop()} on_save={Callback::noop()} on_test={Callback::noop()}
                on_save_plan={Callback::noop()} />
        }
    })
}

#[test]
fn the_contract_tabs_lead_to_mail_and_reminders() {
    let c = contract("voucher", 3, "active");
    let html = render(move || html! { <ContractHeader contract={c} current={Tab::Mail} /> });
    let tab = &html[html
        .find("href=\"/contracts/voucher-3/mail\"")
        .expect("a link to the tab")..];
    assert!(tab.contains("Mail and reminders"), "{html}");
    assert!(
        html[..html.find("id=\"tab-mail\"").unwrap()]
            .rfind("aria-current=\"page\"")
            .is_some(),
        "the current tab is marked"
    );
}

#[test]
fn the_mail_page_previews_the_draft_with_the_mailers_renderer() {
    let c = contract("voucher", 2, "active");
    let html = mail_view(mail_state(&c), c);
    let t = text(&html);
    // The language, subject and message, each labelled.
    for (id, label) in [
        ("mail-language", "Language"),
        ("mail-subject", "Subject"),
        ("mail-message", "Message"),
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{id}"
        );
    }
    assert!(t.contains("English") && t.contains("Français"));
    // Every merge field and what it becomes.
    for field in [
        "name",
        "contract",
        "activities",
        "inviter",
        "expiry",
        "link",
    ] {
        assert!(t.contains(&format!("{{{field}}}")), "{field} listed");
    }
    assert!(t.contains("the personal enrolment link"));
    // The preview: a sample person, the contract, its activities, the admin as inviter, the
    // expiry after the contract's 14 days, a sample link on this site.
    assert!(
        html.contains("id=\"preview-subject\">You&#39;re invited to Nursing voucher</dd>")
            || t.contains("You're invited to Nursing voucher"),
        "{html}"
    );
    let preview = &t[t.find("Preview").unwrap()..];
    for needle in [
        "Hello Alex Example,",
        "You have been invited by Ada Lovelace to join the learning contract \"Nursing voucher\".",
        "  - Activity 1",
        "  - Activity 2",
        "https://learn.example.org/enrol#preview",
        "It works until 16 March 2026 at 09:00 UTC.",
    ] {
        assert!(
            preview.contains(needle) || html.contains(needle),
            "{needle} in {preview}"
        );
    }
    // The HTML body in a sandboxed frame with a title.
    let frame = tag(&html, "preview-html");
    assert!(frame.contains("sandbox=\"allow-same-origin\""), "{frame}");
    assert!(frame.contains("srcdoc=\"&lt;!DOCTYPE html&gt;"), "{frame}");
    assert!(
        frame.contains("title=\"The mail&#39;s HTML body")
            || frame.contains("title=\"The mail's HTML body"),
        "{frame}"
    );
    // Nothing is wrong, so Save and the test are offered.
    assert!(!tag(&html, "mail-save").contains("disabled"));
    assert!(!tag(&html, "mail-test").contains("disabled"));
    assert!(t.contains("This contract uses the standard text."));
}

#[test]
fn an_unknown_merge_field_is_named_at_its_field_and_save_waits() {
    let c = contract("voucher", 1, "active");
    let state = Rc::new(mail_state(&c))
        .reduce(MailAction::Subject("Hello {first_name}".into()))
        .as_ref()
        .clone();
    let html = mail_view(state, c.clone());
    let subject = tag(&html, "mail-subject");
    assert!(subject.contains("aria-invalid=\"true\""), "{subject}");
    assert!(
        subject.contains("aria-describedby=\"mail-subject-error\""),
        "{subject}"
    );
    let error = text(&html[html.find("id=\"mail-subject-error\"").unwrap()..]);
    assert!(
        error.contains("The subject uses {first_name}, which is not a merge field."),
        "{error}"
    );
    assert!(!tag(&html, "mail-message").contains("aria-invalid"));
    assert!(tag(&html, "mail-save").contains("disabled"));
    assert!(tag(&html, "mail-test").contains("disabled"));
    assert!(html.contains("id=\"preview-waiting\"") && !html.contains("id=\"preview-html\""));

    // Fixed, the preview shows the merged text again.
    let state = Rc::new(mail_state(&c))
        .reduce(MailAction::Subject("Hello {name}".into()))
        .reduce(MailAction::Message(
            "{inviter} saved you a place in {contract}.".into(),
        ));
    let html = mail_view(state.as_ref().clone(), c.clone());
    assert!(text(&html).contains("Hello Alex Example"));
    assert!(text(&html).contains("Ada Lovelace saved you a place in Nursing voucher."));
    assert!(!html.contains("aria-invalid"));

    // A refusal from the server is said at the field it names.
    let refused = state.reduce(MailAction::Saved(Err(problem(
        422,
        "invalid_mail_template",
        "The message is longer than 5000 characters.",
    ))));
    let html = mail_view(refused.as_ref().clone(), c);
    assert!(tag(&html, "mail-message").contains("aria-invalid=\"true\""));
    assert!(text(&html)
        .contains("Could not save the mail. The message is longer than 5000 characters."));
}

#[test]
fn the_mail_reducer_follows_the_language_saves_and_tests() {
    let c = contract("voucher", 1, "active");
    let state = Rc::new(mail_state(&c));
    // The untouched standard text follows the language.
    let fr = state.clone().reduce(MailAction::Language(MailLanguage::Fr));
    let draft = fr.draft.clone().unwrap();
    assert_eq!(draft.subject, "Invitation : {contract}");
    assert_eq!(draft, MailDraft::standard(MailLanguage::Fr));
    let html = mail_view(fr.as_ref().clone(), c.clone());
    assert!(text(&html).contains("Bonjour Alex Example,"));
    // The admin's own text stays when the language changes; "Use the standard text" replaces it.
    let own = state
        .clone()
        .reduce(MailAction::Message("Come and learn.".into()))
        .reduce(MailAction::Language(MailLanguage::Fr));
    assert_eq!(own.draft.as_ref().unwrap().message, "Come and learn.");
    let standard = own.reduce(MailAction::Standard);
    assert_eq!(
        standard.draft.clone().unwrap(),
        MailDraft::standard(MailLanguage::Fr)
    );
    // Saved: the contract's answer is the new text; tested: where the test went.
    let mut saved = c.clone();
    saved.mail = MailSettings {
        language: MailLanguage::En,
        subject: "Join {contract}".into(),
        message: "Come and learn.".into(),
        custom: true,
    };
    let state = state
        .reduce(MailAction::Saving)
        .reduce(MailAction::Saved(Ok(saved)))
        .reduce(MailAction::Testing)
        .reduce(MailAction::Tested(Ok(TestMailQueued {
            to: "ada@example.com".into(),
        })));
    assert_eq!(state.save, Request::Done(()));
    assert!(state.custom);
    let html = mail_view(state.as_ref().clone(), c.clone());
    let t = text(&html);
    assert!(t.contains("Saved. New invitations, resends and reminders use this mail."));
    assert!(
        t.contains("A test of this mail is on its way to ada@example.com. Its link enrols nobody.")
    );
    assert!(tag(&html, "mail-test-outcome").contains("role=\"status\""));
    // Typing again: the outcomes no longer describe the text.
    let edited = state.reduce(MailAction::Subject("Join us".into()));
    assert_eq!(
        (edited.save.clone(), edited.test.clone()),
        (Request::Idle, Request::Idle)
    );
    // A refused test is said in words.
    let refused = edited.reduce(MailAction::Tested(Err(problem(
        429,
        "too_many_tests",
        "Wait a minute before the next test.",
    ))));
    assert!(text(&mail_view(refused.as_ref().clone(), c))
        .contains("Could not send the test. Wait a minute before the next test."));
}

#[test]
fn the_reminder_plan_is_said_in_words_and_checked_at_its_fields() {
    let plan = |enabled, after, before, at_most| ReminderPlan {
        enabled,
        days_after_send: after,
        days_before_expiry: before,
        at_most,
    };
    assert_eq!(
        plan_in_words(&plan(true, Some(3), Some(2), 2)),
        "A reminder 3 days after the last mail, and one 2 days before the link expires; at most 2 per person."
    );
    assert_eq!(
        plan_in_words(&plan(true, None, Some(1), 1)),
        "A reminder 1 day before the link expires; at most 1 per person."
    );
    assert_eq!(
        plan_in_words(&plan(false, Some(3), None, 2)),
        "No reminders: people get the invitation mail only."
    );
    let c = contract("voucher", 1, "active");
    let html = mail_view(mail_state(&c), c.clone());
    assert!(tag(&html, "reminders-on").contains("checked"));
    assert!(tag(&html, "reminder-after").contains("value=\"3\""));
    assert!(text(&html).contains(
        "A reminder 3 days after the last mail, and one 2 days before the link expires; at most 2 per person."
    ));
    for (id, label) in [
        ("reminder-after", "Days after the last mail"),
        ("reminder-before", "Days before the link expires"),
        ("reminder-at-most", "At most, per person"),
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{id}"
        );
    }
    // A wrong number is refused at its field, and Save waits.
    let draft = PlanDraft {
        enabled: true,
        days_after_send: "0".into(),
        days_before_expiry: String::new(),
        at_most: 2,
    };
    let state = Rc::new(mail_state(&c)).reduce(MailAction::Plan(draft.clone()));
    let html = mail_view(state.as_ref().clone(), c.clone());
    let after = tag(&html, "reminder-after");
    assert!(after.contains("aria-invalid=\"true\""), "{after}");
    assert!(after.contains("reminder-after-error"), "{after}");
    assert!(text(&html).contains("must be between 1 and 90 days"));
    assert!(tag(&html, "reminders-save").contains("disabled"));
    // Neither kind chosen while on: said at the fieldset.
    let none = PlanDraft {
        days_after_send: String::new(),
        ..draft
    };
    let html = mail_view(
        Rc::new(mail_state(&c))
            .reduce(MailAction::Plan(none))
            .as_ref()
            .clone(),
        c.clone(),
    );
    assert!(tag(&html, "reminder-when").contains("aria-describedby=\"reminder-when-error\""));
    assert!(text(&html).contains("Choose when reminders go"));
    // Saved: the contract's plan, and the outcome.
    let mut saved = c.clone();
    saved.reminders = plan(true, None, Some(2), 1);
    let state = Rc::new(mail_state(&c))
        .reduce(MailAction::PlanSaving)
        .reduce(MailAction::PlanSaved(Ok(saved)));
    let html = mail_view(state.as_ref().clone(), c);
    assert!(text(&html).contains("Saved. Reminders follow this plan from now on."));
    assert!(
        text(&html).contains("A reminder 2 days before the link expires; at most 1 per person.")
    );
}

fn funnel(seats: Vec<(&str, u64, u64)>, seat_limit: Option<u64>) -> Funnel {
    Funnel {
        invited: 40,
        delivered: 36,
        enrolled: 12,
        bounced: 3,
        revoked: 2,
        expired: 1,
        pending: 25,
        median_enrol_seconds: Some(5 * 3600 + 1800),
        enrolments_timed: 12,
        seat_limit,
        seats: seats
            .into_iter()
            .map(|(day, seats_used, enrolled)| SeatsOnDay {
                day: day.into(),
                seats_used,
                enrolled,
            })
            .collect(),
    }
}

#[test]
fn the_funnel_is_drawn_and_said_in_words() {
    let f = funnel(
        vec![
            ("2026-03-01", 10, 0),
            ("2026-03-04", 30, 6),
            ("2026-03-05", 37, 12),
        ],
        Some(50),
    );
    let today = parse_day("2026-03-07");
    let html = render(move || html! { <FunnelView funnel={f} {today} /> });
    let chart = tag(&html, "funnel-chart");
    assert!(chart.contains("role=\"img\""), "{chart}");
    assert!(
        chart.contains("aria-label=\"Invitation funnel: 40 invited, 36 delivered, 12 enrolled. Beside it: 3 bounced, 2 revoked, 1 expired, 25 pending now.\""),
        "{chart}"
    );
    assert!(text(&html)
        .contains("Median time from invitation to enrolment: about 5 hours (over 12 enrolments)."));
    let seats = tag(&html, "seats-chart");
    assert!(seats.contains("role=\"img\""), "{seats}");
    assert!(
        seats.contains("aria-label=\"Seats used and enrolments per day from 1 Mar 2026 to 7 Mar 2026: now 37 seats used and 12 enrolled, at most 37 seats used; the seat limit is 50.\""),
        "{seats}"
    );
    assert!(html.contains("class=\"limit\""), "the seat limit is drawn");
    // The figures behind the line, in a table on demand.
    let t = text(&html);
    assert!(t.contains("The figures day by day") && t.contains("4 Mar 2026"));
    // Without a seat limit or any seats yet.
    let f = funnel(vec![], None);
    let html = render(move || html! { <FunnelView funnel={f} /> });
    assert!(html.contains("id=\"seats-chart-empty\"") && !html.contains("class=\"limit\""));
}

#[test]
fn seats_carry_over_days_without_changes_and_the_median_reads_as_words() {
    let f = funnel(vec![("2026-03-01", 10, 0), ("2026-03-04", 30, 6)], None);
    let days = daily(&f.seats, parse_day("2026-03-05"));
    let figures: Vec<(String, u64, u64)> =
        days.iter().map(|(d, u, e)| (day_key(*d), *u, *e)).collect();
    assert_eq!(
        figures,
        vec![
            ("2026-03-01".into(), 10, 0),
            ("2026-03-02".into(), 10, 0),
            ("2026-03-03".into(), 10, 0),
            ("2026-03-04".into(), 30, 6),
            ("2026-03-05".into(), 30, 6),
        ]
    );
    assert_eq!(duration_in_words(1800), "less than an hour");
    assert_eq!(duration_in_words(3 * 86_400 + 43_200), "about 3 days");
    let mut none = funnel(vec![], None);
    none.median_enrol_seconds = None;
    none.enrolments_timed = 0;
    assert!(median_in_words(&none).contains("none yet"));
    none.median_enrol_seconds = Some(3600 + 1800);
    none.enrolments_timed = 1;
    assert_eq!(
        median_in_words(&none),
        "Median time from invitation to enrolment: about an hour (over 1 enrolment)."
    );
}

#[test]
fn a_history_says_reminders_and_expired_links() {
    let histories = BTreeMap::from([(
        "a".to_owned(),
        HistoryPanel {
            entries: vec![
                history_entry(
                    "2025-02-17T09:30:00Z",
                    HistoryAction::Expired,
                    None,
                    None,
                    None,
                ),
                history_entry(
                    "2025-02-06T09:30:00Z",
                    HistoryAction::Reminded,
                    None,
                    None,
                    Some("reminder 1"),
                ),
            ],
            next_cursor: None,
            loading: false,
            error: None,
            focus_entry: None,
        },
    )]);
    let html = render(move || {
        html! {
            <InvitationTable invitations={vec![invitation("a", "expired", false)]}
                {histories} on_action={Callback::noop()} dispatch={Callback::noop()} />
        }
    });
    let t = text(&html);
    assert!(t.contains("Link expired"), "{t}");
    assert!(
        t.contains("Reminder queued — reminder 1 by the reminder plan"),
        "{t}"
    );
    assert!(!t.contains("Link expired by"), "{t}");
}
