//! The Audit tab (issue 32, pages/audit/): the entries in a captioned table, people by name
//! (the product, or someone no longer known, never an id), older pages appended, the filters
//! by action, person and days kept in the page's address, the export's outcome, refusals and
//! the empty state in words.

use crate::helpers::*;
use site::api::*;
use site::pages::audit::*;
use site::pages::invitations::ExportState;
use std::rc::Rc;
use yew::prelude::*;

fn ada() -> AuditEntry {
    let mut e = audit_entry(
        "2026-03-02T10:05:00Z",
        AuditAction::Revoke,
        Some("ada-admin"),
        Some("Ada Lovelace <ada@example.com>"),
        &["robin@example.com"],
    );
    e.detail = Some("Revoked before enrolment".into());
    e
}

fn mailer() -> AuditEntry {
    audit_entry(
        "2026-03-01T09:00:00Z",
        AuditAction::Sent,
        None,
        None,
        &["robin@example.com"],
    )
}

fn gone() -> AuditEntry {
    audit_entry(
        "2026-02-28T08:00:00Z",
        AuditAction::AddAdmin,
        Some("gone-admin"),
        None,
        &["ada-admin"],
    )
}

fn reduce(state: AuditState, msg: AuditMsg) -> AuditState {
    (*Rc::new(state).reduce(msg)).clone()
}

/// The tab with the first page loaded (and the admins read).
fn loaded(entries: Vec<AuditEntry>, next: Option<&str>) -> AuditState {
    let state = AuditState::opened_on("");
    let state = reduce(state, AuditMsg::Admins(admins()));
    reduce(
        state,
        AuditMsg::Loaded(AuditFilter::default(), false, Ok(audit_page(entries, next))),
    )
}

fn table(state: AuditState) -> String {
    render(move || audit_table(&state, &Callback::noop()))
}

fn filters(state: AuditState) -> String {
    render(move || audit_filters(&state, &Callback::noop()))
}

#[test]
fn entries_show_when_what_who_about_and_detail_with_people_by_name() {
    let html = table(loaded(vec![ada(), mailer(), gone()], None));
    assert!(text_between(&html, "<caption", "</caption>").contains("newest first: 3 shown"));
    for header in ["When", "What", "Who", "About", "Detail"] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{header}</th>")),
            "{header}"
        );
    }
    let first = row_text(&html, "audit-entry-0");
    assert!(first.contains("2 Mar 2026, 10:05 UTC"), "{first}");
    assert!(first.contains("Revoked"), "{first}");
    assert!(
        first.contains("Ada Lovelace &lt;ada@example.com&gt;"),
        "{first}"
    );
    assert!(first.contains("robin@example.com"), "{first}");
    assert!(first.contains("Revoked before enrolment"), "{first}");
    let second = row_text(&html, "audit-entry-1");
    assert!(
        second.contains("Mail sent") && second.contains("The product"),
        "{second}"
    );
    // An actor the directory no longer knows is not shown by id; an admin named by id in the
    // subjects is shown by name.
    let third = row_text(&html, "audit-entry-2");
    assert!(
        third.contains("Someone no longer in the directory"),
        "{third}"
    );
    assert!(
        third.contains("Ada Lovelace &lt;ada@example.com&gt;"),
        "{third}"
    );
    assert!(
        !third.contains("gone-admin") && !third.contains("ada-admin"),
        "{third}"
    );
    assert!(!html.contains("id=\"audit-more\""));
}

#[test]
fn older_entries_are_appended_and_the_first_of_them_takes_the_focus() {
    let state = loaded(vec![ada()], Some("next-1"));
    let html = table(state.clone());
    assert!(text(&html).contains("Show older entries"));
    let state = reduce(state, AuditMsg::More);
    assert!(tag(&table(state.clone()), "audit-more").contains("disabled"));
    let state = reduce(
        state,
        AuditMsg::Loaded(
            AuditFilter::default(),
            true,
            Ok(audit_page(vec![mailer(), gone()], None)),
        ),
    );
    assert_eq!(state.entries.len(), 3);
    assert_eq!(state.focus_entry, Some(1));
    let html = table(state);
    assert!(tag(&html, "audit-entry-1").contains("tabindex=\"-1\""));
    assert!(!html.contains("id=\"audit-more\""));
}

#[test]
fn a_late_answer_for_another_filter_is_dropped() {
    let state = loaded(vec![ada()], None);
    let revokes = AuditFilter {
        action: Some(AuditAction::Revoke),
        ..AuditFilter::default()
    };
    let state = reduce(state, AuditMsg::Filter(revokes.clone()));
    assert!(state.entries.is_empty() && state.loading);
    let state = reduce(
        state,
        AuditMsg::Loaded(
            AuditFilter::default(),
            false,
            Ok(audit_page(vec![mailer()], None)),
        ),
    );
    assert!(state.entries.is_empty() && state.loading);
    let state = reduce(
        state,
        AuditMsg::Loaded(revokes, false, Ok(audit_page(vec![ada()], None))),
    );
    assert_eq!(state.entries, vec![ada()]);
}

#[test]
fn nothing_that_matches_is_said_in_words_and_refusals_as_given() {
    let html = table(loaded(vec![], None));
    assert!(text(&html).contains("Nothing has been recorded for this contract yet."));
    let state = reduce(
        AuditState::opened_on("?action=extend"),
        AuditMsg::Loaded(
            AuditFilter {
                action: Some(AuditAction::Extend),
                ..AuditFilter::default()
            },
            false,
            Ok(audit_page(vec![], None)),
        ),
    );
    let html = table(state);
    assert!(text(&html).contains("Nothing in this contract's audit matches these filters."));
    let refused = problem(400, "invalid_day", "The days must be written YYYY-MM-DD.");
    let state = reduce(
        AuditState::opened_on(""),
        AuditMsg::Loaded(AuditFilter::default(), false, Err(refused)),
    );
    let html = table(state);
    assert!(tag(&html, "audit-error").contains("role=\"alert\""));
    assert!(text(&html).contains("The days must be written YYYY-MM-DD."));
    assert!(!text(&html).contains("invalid_day"));
    assert!(!html.contains("audit-empty"));
}

#[test]
fn the_filters_offer_every_action_by_label_and_people_by_name() {
    let html = filters(loaded(vec![ada(), mailer(), gone()], None));
    let what = text_between(&html, "<select id=\"audit-action\"", "</select>");
    assert!(what.starts_with("Any"), "{what}");
    for action in AuditAction::ALL {
        assert!(what.contains(action.label()), "{what}");
    }
    let who = text_between(&html, "<select id=\"audit-actor\"", "</select>");
    assert!(who.starts_with("Anyone"), "{who}");
    assert!(
        who.contains("Ada Lovelace &lt;ada@example.com&gt;"),
        "{who}"
    );
    assert!(who.contains("Someone no longer in the directory"), "{who}");
    assert!(!who.contains("gone-admin"), "{who}");
    // Values are ids; what is read is names.
    assert!(html.contains("value=\"ada-admin\""));
    assert!(tag(&html, "audit-from").contains("type=\"date\""));
    assert!(tag(&html, "audit-to").contains("type=\"date\""));
    assert!(!html.contains("audit-clear"));
}

#[test]
fn the_filter_lives_in_the_address_and_shows_as_chosen() {
    let filter = filter_from_url("?actor=ada-admin&action=resend&from=2026-03-01&to=2026-03-31");
    assert_eq!(filter.actor.as_deref(), Some("ada-admin"));
    assert_eq!(filter.action, Some(AuditAction::Resend));
    assert_eq!(filter.from.as_deref(), Some("2026-03-01"));
    assert_eq!(
        url_of(&filter),
        "?actor=ada-admin&action=resend&from=2026-03-01&to=2026-03-31"
    );
    // What it does not know is left out.
    let odd = filter_from_url("?action=dance&from=yesterday&actor=a%20b&x=1");
    assert_eq!(odd, AuditFilter::default());
    assert_eq!(url_of(&odd), "");
    let state = reduce(
        AuditState::opened_on("?actor=ada-admin&action=resend"),
        AuditMsg::Admins(admins()),
    );
    let html = filters(state);
    let chosen = text_between(&html, "id=\"audit-action\"", "</select>");
    assert!(
        html.contains("<option value=\"resend\" selected"),
        "{chosen}"
    );
    assert!(
        html.contains("<option value=\"ada-admin\" selected"),
        "{html}"
    );
    assert!(text(&html).contains("Clear filters"));
}

#[test]
fn the_paths_carry_the_filter() {
    let filter = AuditFilter {
        actor: Some("ada-admin".into()),
        action: Some(AuditAction::CorrectAddress),
        from: Some("2026-03-01".into()),
        to: None,
    };
    assert_eq!(
        audit_path("c 1", &filter, Some("a+b")),
        "/contracts/c%201/audit?actor=ada-admin&action=correct_address&from=2026-03-01&cursor=a%2Bb"
    );
    assert_eq!(
        audit_export_path("c1", &AuditFilter::default(), "json"),
        "/contracts/c1/audit/export?format=json"
    );
}

#[test]
fn the_export_says_what_it_takes_and_how_it_went() {
    let state = loaded(vec![ada()], None);
    let html = render({
        let state = state.clone();
        move || audit_export(&state, &Callback::noop())
    });
    assert!(text(&html).contains("Export as CSV") && text(&html).contains("Export as JSON"));
    assert!(text(&html).contains("The contract's whole audit"));
    let done = reduce(
        state.clone(),
        AuditMsg::ExportFinished(Ok("Downloaded audit-c1-2026-03-02.csv: 3 entries.".into())),
    );
    let html = render(move || audit_export(&done, &Callback::noop()));
    assert!(text_between(&html, "id=\"audit-export-outcome\"", "</div>")
        .contains("Downloaded audit-c1-2026-03-02.csv: 3 entries."));
    let working = reduce(state.clone(), AuditMsg::ExportStarted);
    assert_eq!(working.export, Some(ExportState::Working));
    let html = render(move || audit_export(&working, &Callback::noop()));
    assert!(tag(&html, "audit-export-csv").contains("disabled"));
    let refused = reduce(
        state,
        AuditMsg::ExportFinished(Err(problem(
            400,
            "export_too_large",
            "The audit is too large for one file: narrow it by days, person or action.",
        ))),
    );
    let html = render(move || audit_export(&refused, &Callback::noop()));
    assert!(tag(&html, "audit-export-error").contains("role=\"alert\""));
    assert!(text(&html).contains("narrow it by days, person or action."));
}

#[test]
fn a_csv_file_is_counted_by_its_records() {
    assert_eq!(csv_records("at,action\n"), 0);
    assert_eq!(csv_records("at,action\na,b\n\"x\ny\",c\n"), 2);
    assert_eq!(csv_records("at,action\na,b"), 1);
    assert_eq!(who(&mailer()), "The product");
}
