//! The invitations page: the table and its rows' actions (resend, revoke, correct address, clear
//! block), paging and selection, a row's history, the export, and the page's reducer.

use crate::helpers::*;
use site::api::*;
use site::by_id::ById;
use site::pages::invitations::{
    export_button, invitation_table, invitations_view, mail_on_its_way, ExportState, HistoryPanel,
    InvitationsAction, InvitationsState, RowAction, RowCalls, RowState, Search,
};
use std::rc::Rc;
use yew::prelude::*;

/// The table with these rows' actions under way or done.
fn table(invitations: Vec<Invitation>, rows: ById<RowState>) -> String {
    let state = InvitationsState {
        rows,
        ..Default::default()
    };
    render(move || invitation_table(&invitations, &state, &RowCalls::default()))
}

fn page_view(state: InvitationsState) -> String {
    render(move || invitations_view(&state, &RowCalls::default()))
}

/// The table with the history of row "a" open under it.
fn history_table(invitations: Vec<Invitation>, open: HistoryPanel) -> String {
    let state = InvitationsState {
        histories: by_id([("a", open)]),
        ..Default::default()
    };
    render(move || invitation_table(&invitations, &state, &RowCalls::default()))
}

/// A history panel showing these entries, loaded.
fn history_panel(entries: Vec<HistoryEntry>, next_cursor: Option<&str>) -> HistoryPanel {
    HistoryPanel {
        entries,
        next_cursor: next_cursor.map(Into::into),
        loading: false,
        error: None,
        focus_entry: None,
    }
}

/// The page's state once this list has loaded, and the query it answered.
fn loaded(list: InvitationList) -> (Rc<InvitationsState>, InvitationQuery) {
    let state = Rc::new(InvitationsState::default());
    let query = state.query();
    let state = state.reduce(InvitationsAction::Loaded(query.clone(), Ok(list)));
    (state, query)
}

/// A row's action done: the invitation as it is now.
fn finished(id: &str, action: RowAction, invitation: Invitation) -> InvitationsAction {
    InvitationsAction::Finished(
        id.into(),
        action,
        Box::new(Ok(InvitationChange {
            invitation,
            changed: true,
        })),
    )
}

/// The page of invitations the state shows (it must show one).
fn shown(state: &InvitationsState) -> &InvitationList {
    let Some(Ok(page)) = &state.page else {
        panic!("no page shown: {:?}", state.page)
    };
    page
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
        ById::new(),
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
    // The inviter by name, never by id (issue 28).
    assert!(text(&html).contains("Ann Admin · 3 Feb 2025, 09:30 UTC"));
    assert!(!text(&html).contains("admin-1"));
    assert!(html.contains("aria-label=\"Revoke invitation to pending@example.com\""));
}

#[test]
fn revoke_asks_first_and_every_outcome_is_shown_in_its_row() {
    let rows = by_id([
        ("a", RowState::ConfirmRevoke),
        (
            "b",
            RowState::Done("Sent again: a new link is on its way to b@example.com.".into()),
        ),
        (
            "c",
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
    let (state, query) = loaded(invitation_list(
        vec![invitation("a", "pending", true)],
        Some("next"),
    ));
    // Revoked: the row changes in place and says so.
    let mut revoked = invitation("a", "revoked", false);
    revoked.revoked_at = Some("2025-02-04T00:00:00Z".into());
    let state = state.reduce(finished("a", RowAction::Revoke, revoked));
    assert_eq!(
        state.rows["a"],
        RowState::Done("Revoked: the link sent to a@example.com no longer works.".into())
    );
    let page = shown(&state);
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
    let html = page_view(state);
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
            counts: StatusCounts {
                pending: 1200,
                enrolled: 30,
                revoked: 4,
            },
            ..invitation_list(vec![invitation("a", "pending", true)], Some("c2"))
        })),
        ..Default::default()
    };
    let html = page_view(state);
    let t = text(&html);
    assert!(t.contains("1,200 pending, 30 enrolled, 4 revoked in this contract"));
    assert!(t.contains("Page 1"));
    assert!(html.contains("id=\"next-page\""));
    assert!(tag(&html, "previous-page").contains(" disabled"));
    assert!(!tag(&html, "next-page").contains(" disabled"));
}

#[test]
fn a_bounced_row_offers_correct_address_and_clear_block() {
    let html = table(
        vec![bounced("x"), invitation("fine", "pending", true)],
        ById::new(),
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
    let html = table(vec![complained], ById::new());
    for action in ["resend-c", "correct-address-c", "clear-block-c"] {
        assert!(!html.contains(&format!("id=\"{action}\"")), "{action}");
    }
}

#[test]
fn correct_address_opens_a_labelled_form_in_the_row() {
    let rows = by_id([(
        "x",
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
    let rows = by_id([(
        "x",
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
    let rows = by_id([
        ("x", RowState::ConfirmClearBlock),
        (
            "y",
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

/// After a change the row and the counts say what is true (issue 28): a resent invitation is
/// read again while its mail waits to go out, and the contract's counts come with the re-read.
#[test]
fn a_row_read_again_shows_its_mail_leaving_and_the_counts_follow() {
    let (state, _) = loaded(invitation_list(
        vec![
            invitation("a", "pending", true),
            invitation("b", "pending", true),
        ],
        None,
    ));
    let mut queued = invitation("a", "pending", true);
    queued.delivery = Delivery {
        state: DeliveryState::Queued,
        reason: None,
        report: None,
    };
    assert!(mail_on_its_way(&queued));
    let state = state.reduce(finished("a", RowAction::Resend, queued));
    let mut sent = invitation("a", "pending", true);
    sent.last_sent_at = Some("2025-02-05T10:00:00Z".into());
    sent.send_count = 2;
    assert!(!mail_on_its_way(&sent), "sent: nothing more to wait for");
    let state = state.reduce(InvitationsAction::RowRead(Box::new(sent)));
    let row = &shown(&state).invitations[0];
    assert_eq!(row.delivery.state, DeliveryState::Sent);
    assert_eq!(row.last_sent_at.as_deref(), Some("2025-02-05T10:00:00Z"));
    // The outcome stays while the row changes under it.
    assert_eq!(
        state.rows["a"],
        RowState::Done("Sent again: a new link is on its way to a@example.com.".into())
    );
    // A row no longer on the page is not brought back.
    let gone = state.reduce(InvitationsAction::RowRead(Box::new(invitation(
        "z", "pending", true,
    ))));
    assert_eq!(shown(&gone).invitations.len(), 2);
    let counts = StatusCounts {
        pending: 4,
        enrolled: 3,
        revoked: 3,
    };
    let state = gone.reduce(InvitationsAction::CountsRead(counts));
    assert_eq!(shown(&state).counts, counts);
    let t = text(&page_view((*state).clone()));
    assert!(
        t.contains("4 pending, 3 enrolled, 3 revoked in this contract"),
        "{t}"
    );
    assert!(t.contains("5 Feb 2025, 10:00 UTC"), "{t}");
}

/// A resend too soon names its wait; the row counts it down under why (issue 28).
#[test]
fn a_resend_too_soon_counts_down_in_its_row() {
    let rows = by_id([(
        "a",
        RowState::Failed(
            "The invitation was sent less than a minute ago. Try again in 40 seconds.".into(),
        ),
    )]);
    let html = table(vec![invitation("a", "pending", true)], rows);
    let outcome = text_between(&html, "id=\"outcome-a\"", "</p>");
    assert!(
        outcome.ends_with("The invitation was sent less than a minute ago."),
        "{outcome}"
    );
    assert!(tag(&html, "outcome-a").contains("role=\"alert\""));
    let retry = text_between(&html, "id=\"retry-a\"", "</p>");
    assert!(retry.ends_with("Try again in 40 s."), "{retry}");
    assert!(html.contains("role=\"timer\""));
}

#[test]
fn the_reducer_moves_a_corrected_invitation_and_keeps_refusals_in_the_form() {
    let (state, _) = loaded(invitation_list(vec![bounced("x")], None));
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
    let state = state.reduce(finished("x", RowAction::CorrectAddress, moved));
    assert_eq!(
        state.rows["x"],
        RowState::Done("Moved to ann@x.com; a new invitation mail is on its way.".into())
    );
    let page = shown(&state);
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
    let (state, _) = loaded(invitation_list(
        vec![
            invitation("a", "pending", true),
            invitation("b", "enrolled", false),
        ],
        Some("c2"),
    ));
    let state = state.reduce(InvitationsAction::Select("b".into(), true));
    assert_eq!(state.selected.ids().collect::<Vec<_>>(), ["b"]);
    let state = state.reduce(InvitationsAction::SelectPage(true));
    assert_eq!(state.selected.len(), 2);
    let html = page_view((*state).clone());
    assert!(tag(&html, "select-page").contains(" checked"), "{html}");
    assert!(
        tag(&html, "select-a").contains("aria-label=\"Select a@example.com\""),
        "{html}"
    );
    let state = state.reduce(InvitationsAction::Select("a".into(), false));
    assert_eq!(state.selected.ids().collect::<Vec<_>>(), ["b"]);
    let state = state.reduce(InvitationsAction::NextPage);
    assert!(state.selected.is_empty(), "a selection is of one page");
    // The bulk actions' filter is the search as it is.
    let state = state.reduce(InvitationsAction::Search(
        site::pages::invitations::Search {
            q: " ann".into(),
            status: Some(InvitationStatus::Expired),
            ..Default::default()
        },
    ));
    let filter = state.filter();
    assert_eq!(
        (filter.q.as_deref(), filter.status),
        (Some(" ann"), Some(InvitationStatus::Expired))
    );
}

#[test]
fn a_rows_history_opens_under_it_newest_first_with_who_and_when() {
    let panel = history_panel(
        vec![
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
        Some("older"),
    );
    let html = history_table(
        vec![
            invitation("a", "pending", true),
            invitation("b", "pending", true),
        ],
        panel,
    );
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
fn a_history_says_reminders_and_expired_links() {
    let panel = history_panel(
        vec![
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
        None,
    );
    let html = history_table(vec![invitation("a", "expired", false)], panel);
    let t = text(&html);
    assert!(t.contains("Link expired"), "{t}");
    assert!(
        t.contains("Reminder queued — reminder 1 by the reminder plan"),
        "{t}"
    );
    assert!(!t.contains("Link expired by"), "{t}");
}

#[test]
fn export_says_what_it_takes_and_announces_the_outcome() {
    let render_export = |search: Search, state: Option<ExportState>| {
        render(move || export_button(&search, state.as_ref(), Callback::noop()))
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
            ..Default::default()
        },
        Some(ExportState::Done(
            "Downloaded invitations-A-revoked-2025-02-03.csv: 2 invitations.".into(),
        )),
    );
    let t = text(&html);
    assert!(
        t.contains("The revoked invitations whose name or address holds “ann”."),
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

/// Issue 28: the search and status live in the page's address, so a reload or a shared link
/// opens the tab on the same search; what the address does not say is left out.
#[test]
fn the_search_lives_in_the_address() {
    use site::pages::invitations::search::{search_from_url, url_of};
    let search = Search {
        q: "ann lee&co".into(),
        status: Some(InvitationStatus::Revoked),
        ..Default::default()
    };
    let url = url_of(&search);
    assert_eq!(url, "?q=ann%20lee%26co&status=revoked");
    assert_eq!(search_from_url(&url), search);
    assert_eq!(url_of(&Search::default()), "");
    assert_eq!(search_from_url(""), Search::default());
    // A link typed by hand: "+" for a space, an unknown status and key ignored.
    let typed = search_from_url("?q=ann+lee&status=lost&page=3");
    assert_eq!((typed.q.as_str(), typed.status), ("ann lee", None));
}

/// A pending invitation whose mail waits for the contract's start (issue 31), in Spring A.
fn scheduled(id: &str) -> Invitation {
    let mut inv = invitation(id, "pending", true);
    inv.delivery = Delivery {
        state: DeliveryState::Scheduled,
        reason: None,
        report: None,
    };
    inv.schedule = Some(ScheduledSend {
        at: "2027-03-01T08:00:00Z".into(),
        at_contract_start: true,
    });
    inv.last_sent_at = None;
    inv.group = Some("Spring A".into());
    inv
}

#[test]
fn a_scheduled_row_says_when_its_mail_goes_and_offers_to_send_it_now() {
    let html = table(
        vec![scheduled("s"), invitation("p", "pending", true)],
        ById::new(),
    );
    let row = row_text(&html, "invitation-s");
    assert!(
        row.contains("Scheduled for 1 Mar 2027, 08:00 UTC, at the contract's start"),
        "{row}"
    );
    // The group where the status is.
    assert!(row.contains("PendingGroup: Spring A"), "{row}");
    assert!(!row_text(&html, "invitation-p").contains("Group:"));
    // Resend sends a scheduled mail now (the same route), and says so.
    let send = text_between(&html, "id=\"resend-s\"", "</button>");
    assert!(send.contains("Send now"), "{send}");
    assert!(
        tag(&html, "resend-s").contains("aria-label=\"Send now: the invitation to s@example.com\"")
    );
    assert!(text_between(&html, "id=\"resend-p\"", "</button>").contains("Resend"));
    let working = table(
        vec![scheduled("s")],
        by_id([("s", RowState::Working(RowAction::SendNow))]),
    );
    assert!(text_between(&working, "id=\"resend-s\"", "</button>").contains("Sending…"));

    // Its answer, in words; and a scheduled mail is not followed as if on its way.
    let (state, _) = loaded(invitation_list(vec![scheduled("s")], None));
    assert!(!mail_on_its_way(&scheduled("s")));
    let mut sent = scheduled("s");
    sent.delivery.state = DeliveryState::Queued;
    let state = state.reduce(finished("s", RowAction::SendNow, sent));
    assert_eq!(
        state.rows["s"],
        RowState::Done("Sent now: the invitation is on its way to s@example.com.".into())
    );
}
