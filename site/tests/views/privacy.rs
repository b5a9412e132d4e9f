//! The Privacy page (issue 32, pages/privacy/; system administrators): the form and a forget's
//! question in words, the request sent followed until it is done (what was found by kind; an
//! export's link), a failure's reason, the latest requests without any address, refusals in
//! words, and the main navigation's link for system administrators only.

use crate::helpers::*;
use site::api::*;
use site::components::layout::Header;
use site::pages::privacy::*;
use std::rc::Rc;
use yew::prelude::*;

const ANN: &str = "ann.lee@example.com";

fn reduce(state: PrivacyState, msg: PrivacyMsg) -> PrivacyState {
    (*Rc::new(state).reduce(msg)).clone()
}

/// A request as the API answers it (never with the address).
fn request(
    kind: PrivacyRequestKind,
    status: PrivacyRequestStatus,
    traces: &[(PrivacyTraceKind, u64)],
) -> PrivacyRequest {
    let finished = matches!(
        status,
        PrivacyRequestStatus::Done | PrivacyRequestStatus::Failed
    );
    PrivacyRequest {
        id: "pr-1".into(),
        kind,
        status,
        delete_account: kind == PrivacyRequestKind::Forget,
        do_not_invite: kind == PrivacyRequestKind::Forget,
        requested_at: "2026-03-02T10:05:00Z".into(),
        requested_by: "Sam Sysadmin".into(),
        finished_at: finished.then(|| "2026-03-02T10:05:09Z".into()),
        traces: traces
            .iter()
            .map(|&(kind, count)| PrivacyTraceCount { kind, count })
            .collect(),
        download_url: None,
        failure: None,
    }
}

/// The form filled in for Ann: what to do, and for a forget both wishes.
fn filled(kind: PrivacyRequestKind) -> PrivacyState {
    let state = reduce(
        PrivacyState::default(),
        PrivacyMsg::Email(format!(" {ANN} ")),
    );
    let state = reduce(state, PrivacyMsg::Kind(kind));
    let state = reduce(state, PrivacyMsg::DeleteAccount(true));
    reduce(state, PrivacyMsg::DoNotInvite(true))
}

/// Ann's request sent and answered with `r`.
fn sent(kind: PrivacyRequestKind, r: PrivacyRequest) -> PrivacyState {
    let state = reduce(filled(kind), PrivacyMsg::Sending);
    let queued = request(kind, PrivacyRequestStatus::Queued, &[]);
    let state = reduce(state, PrivacyMsg::Sent(Ok(queued)));
    reduce(state, PrivacyMsg::Read(r))
}

fn form(state: PrivacyState) -> String {
    render(move || privacy_form(&state, &Callback::noop(), &Callback::noop()))
}

fn shown(state: PrivacyState) -> String {
    render(move || privacy_sent(&state))
}

fn list(state: PrivacyState) -> String {
    render(move || privacy_list(&state))
}

#[test]
fn the_form_asks_for_the_address_what_to_do_and_a_forgets_two_wishes() {
    let html = form(PrivacyState::default());
    let said = text(&html);
    for words in [
        "The person's email address",
        "What to do",
        "Forget this person",
        "Download what we hold about them",
        "They asked for their sign-in account to be deleted",
        "They asked not to be invited again (their address is kept only as a one-way hash, and every invitation, import and join link refuses it)",
    ] {
        assert!(said.contains(words), "{words}: {said}");
    }
    assert!(html.contains("<label for=\"privacy-email\">"));
    assert!(tag(&html, "privacy-email").contains("type=\"email\""));
    assert!(tag(&html, "privacy-forget").contains("checked"));
    assert!(html.contains("<legend>What to do</legend>"));
    assert!(text_between(&html, "id=\"privacy-send\"", "</button>").contains("Forget this person…"));
    // A download has no wishes, and nothing to ask first.
    let html = form(filled(PrivacyRequestKind::Export));
    assert!(!html.contains("privacy-delete-account") && !html.contains("privacy-do-not-invite"));
    assert!(text_between(&html, "id=\"privacy-send\"", "</button>").contains("Prepare the file"));
    assert_eq!(
        filled(PrivacyRequestKind::Export).request(),
        NewPrivacyRequest {
            email: ANN.into(),
            kind: PrivacyRequestKind::Export,
            delete_account: false,
            do_not_invite: false,
        }
    );
    assert!(
        filled(PrivacyRequestKind::Forget).request().delete_account
            && filled(PrivacyRequestKind::Forget).request().do_not_invite
    );
}

#[test]
fn a_forget_asks_first_in_words_with_cancel_and_the_address_held() {
    let asking = reduce(filled(PrivacyRequestKind::Forget), PrivacyMsg::Ask);
    let html = form(asking.clone());
    let question = text_between(&html, "id=\"privacy-question\"", "</p>");
    assert!(
        question.contains(&format!(
            "This erases everything the product holds about {ANN}:"
        )),
        "{question}"
    );
    assert!(question.contains("and their sign-in account"), "{question}");
    assert!(
        question.contains("kept only as a one-way hash"),
        "{question}"
    );
    assert!(
        question.ends_with(
            "It cannot be undone. Counts and seats stay as they are (a pending invitation is withdrawn, which frees its seat)."
        ),
        "{question}"
    );
    assert!(html.contains("role=\"group\""));
    assert!(text_between(&html, "id=\"privacy-confirm\"", "</button>").contains("Forget them"));
    assert!(html.contains("id=\"privacy-cancel\""));
    // The question stands in for Send; the address cannot change under it.
    assert!(!html.contains("id=\"privacy-send\""));
    assert!(tag(&html, "privacy-email").contains("disabled"));
    // Without the wishes, the question does not say them.
    let plain = reduce(asking, PrivacyMsg::DeleteAccount(false));
    let plain = reduce(plain, PrivacyMsg::DoNotInvite(false));
    let question = text_between(&form(plain.clone()), "id=\"privacy-question\"", "</p>");
    assert!(
        !question.contains("sign-in account") && !question.contains("hash"),
        "{question}"
    );
    // Yes once: while it is sent, the question waits.
    let sending = form(reduce(plain.clone(), PrivacyMsg::Sending));
    assert!(tag(&sending, "privacy-confirm").contains("disabled"));
    let cancelled = reduce(plain, PrivacyMsg::Cancel);
    assert!(form(cancelled).contains("id=\"privacy-send\""));
}

#[test]
fn a_refusal_is_said_in_words_at_the_address() {
    let state = reduce(
        reduce(filled(PrivacyRequestKind::Forget), PrivacyMsg::Sending),
        PrivacyMsg::Sent(Err(problem(
            400,
            "invalid_email",
            "“ann.lee@” is not an email address: no domain.",
        ))),
    );
    let html = form(state.clone());
    let alert = text_between(&html, "id=\"privacy-alert\"", "</div>");
    assert!(
        alert
            .contains("Could not send the request. “ann.lee@” is not an email address: no domain."),
        "{alert}"
    );
    let field = tag(&html, "privacy-email");
    assert!(
        field.contains("aria-invalid=\"true\"") && field.contains("privacy-error"),
        "{field}"
    );
    // The form keeps what was typed; typing again clears the refusal.
    assert_eq!(state.email.trim(), ANN);
    let html = form(reduce(
        state,
        PrivacyMsg::Email("ann.lee@example.com".into()),
    ));
    assert!(!html.contains("privacy-error"));
    // Someone who is not a system administrator is told so by the API.
    let html = form(reduce(
        PrivacyState::default(),
        PrivacyMsg::Sent(Err(problem(
            403,
            "forbidden",
            "Only system administrators can do this.",
        ))),
    ));
    assert!(text(&html).contains("Only system administrators can do this."));
}

#[test]
fn a_request_on_its_way_says_it_is_read_again_and_empties_the_form() {
    let queued = request(
        PrivacyRequestKind::Forget,
        PrivacyRequestStatus::Running,
        &[],
    );
    let state = sent(PrivacyRequestKind::Forget, queued);
    assert!(state.email.is_empty() && !state.delete_account && !state.do_not_invite);
    let html = shown(state);
    assert!(text_between(&html, "<h2", "</h2>").contains(&format!("Forgetting {ANN}")));
    let status = text_between(&html, "id=\"privacy-status\"", "</p>");
    assert!(
        status.contains("Running") && status.contains("every few seconds"),
        "{status}"
    );
    assert!(!html.contains("privacy-traces"));
    // An answer about another request is not this one.
    let other = PrivacyRequest {
        id: "pr-2".into(),
        ..request(PrivacyRequestKind::Export, PrivacyRequestStatus::Done, &[])
    };
    let state = sent(
        PrivacyRequestKind::Forget,
        request(
            PrivacyRequestKind::Forget,
            PrivacyRequestStatus::Running,
            &[],
        ),
    );
    let after = reduce(state.clone(), PrivacyMsg::Read(other));
    assert_eq!(after, state);
}

#[test]
fn a_done_forget_says_what_was_found_and_erased_by_kind() {
    let done = request(
        PrivacyRequestKind::Forget,
        PrivacyRequestStatus::Done,
        &[
            (PrivacyTraceKind::Invitation, 2),
            (PrivacyTraceKind::History, 5),
            (PrivacyTraceKind::Account, 1),
            (PrivacyTraceKind::WebhookMessage, 1200),
        ],
    );
    assert!(finished(&done));
    let html = shown(sent(PrivacyRequestKind::Forget, done));
    let status = text_between(&html, "id=\"privacy-status\"", "</p>");
    assert!(
        status.contains("Done. Everything found about this address was erased;"),
        "{status}"
    );
    assert!(status.contains("counted skeletons"), "{status}");
    let table = text_between(&html, "id=\"privacy-traces\"", "</table>");
    assert!(table.contains("What was found and erased"), "{table}");
    for row in [
        "Invitations2",
        "History entries5",
        "Sign-in accounts1",
        "Webhook messages kept for replay1,200",
    ] {
        assert!(table.contains(row), "{row}: {table}");
    }
    assert!(html.contains("<th scope=\"row\">Invitations</th>"));
    assert!(!html.contains("privacy-download"));
    // Nothing found is said, not an empty table.
    let nothing = request(PrivacyRequestKind::Forget, PrivacyRequestStatus::Done, &[]);
    let html = shown(sent(PrivacyRequestKind::Forget, nothing));
    assert!(text(&html).contains("Nothing was found about this address."));
    assert!(!html.contains("<table"));
}

#[test]
fn a_done_export_offers_its_file_for_15_minutes() {
    let done = PrivacyRequest {
        download_url: Some("https://bucket.example/privacy/pr-1.json?sig=1".into()),
        ..request(
            PrivacyRequestKind::Export,
            PrivacyRequestStatus::Done,
            &[
                (PrivacyTraceKind::Invitation, 3),
                (PrivacyTraceKind::Audit, 4),
            ],
        )
    };
    let html = shown(sent(PrivacyRequestKind::Export, done));
    assert!(text_between(&html, "<h2", "</h2>").contains(&format!("What we hold about {ANN}")));
    let link = tag(&html, "privacy-download");
    assert!(
        link.contains("href=\"https://bucket.example/privacy/pr-1.json?sig=1\""),
        "{link}"
    );
    assert!(text_between(&html, "id=\"privacy-download\"", "</a>").contains("Download the file"));
    assert!(text(&html).contains("the link works for 15 minutes"));
    let table = text_between(&html, "id=\"privacy-traces\"", "</table>");
    assert!(
        table.contains("What the file holds")
            && table.contains("Invitations3")
            && table.contains("Audit entries4"),
        "{table}"
    );
}

/// An export that counts nothing claims nothing: its file says what it holds.
#[test]
fn a_done_export_without_counts_leaves_it_to_the_file() {
    let done = PrivacyRequest {
        download_url: Some("https://bucket.example/privacy/pr-1.json?sig=1".into()),
        ..request(PrivacyRequestKind::Export, PrivacyRequestStatus::Done, &[])
    };
    assert_eq!(found(&done), "");
    let html = shown(sent(PrivacyRequestKind::Export, done));
    assert!(!text(&html).contains("Nothing was found"), "{html}");
    assert!(html.contains("id=\"privacy-download\""));
}

#[test]
fn a_failed_request_says_why() {
    let failed = PrivacyRequest {
        failure: Some("The sign-in service could not be reached; nothing was erased.".into()),
        ..request(
            PrivacyRequestKind::Forget,
            PrivacyRequestStatus::Failed,
            &[],
        )
    };
    assert!(finished(&failed));
    let html = shown(sent(PrivacyRequestKind::Forget, failed.clone()));
    assert!(text_between(&html, "id=\"privacy-status\"", "</p>")
        .contains("Failed. It stopped before the end"));
    let why = tag(&html, "privacy-failure");
    assert!(why.contains("role=\"alert\""), "{why}");
    assert!(text(&html).contains("The sign-in service could not be reached; nothing was erased."));
    assert!(!html.contains("privacy-traces"));
    assert_eq!(
        found(&failed),
        "The sign-in service could not be reached; nothing was erased."
    );
}

#[test]
fn every_kind_of_trace_is_named_in_words() {
    use PrivacyTraceKind::*;
    let all = [
        Invitation,
        History,
        Audit,
        DirectoryEntry,
        Account,
        Block,
        Waiting,
        JoinProof,
        WebhookMessage,
        AdminMail,
        Import,
        File,
        Other,
    ];
    let mut words: Vec<&str> = all.into_iter().map(trace_label).collect();
    assert!(words
        .iter()
        .all(|w| w.contains(|c: char| c.is_ascii_uppercase())));
    words.sort_unstable();
    words.dedup();
    assert_eq!(words.len(), all.len(), "{words:?}");
}

#[test]
fn the_latest_requests_are_a_captioned_table_without_addresses() {
    let forget = request(
        PrivacyRequestKind::Forget,
        PrivacyRequestStatus::Done,
        &[
            (PrivacyTraceKind::Invitation, 2),
            (PrivacyTraceKind::History, 5),
        ],
    );
    let export = PrivacyRequest {
        id: "pr-2".into(),
        requested_by: "Max Ops".into(),
        ..request(
            PrivacyRequestKind::Export,
            PrivacyRequestStatus::Running,
            &[],
        )
    };
    let done_export = PrivacyRequest {
        id: "pr-3".into(),
        download_url: Some("https://bucket.example/privacy/pr-3.json?sig=3".into()),
        ..request(
            PrivacyRequestKind::Export,
            PrivacyRequestStatus::Done,
            &[(PrivacyTraceKind::Audit, 1)],
        )
    };
    let state = reduce(
        PrivacyState::default(),
        PrivacyMsg::Listed(Ok(vec![export, forget, done_export])),
    );
    let html = list(state);
    assert!(text_between(&html, "<caption", "</caption>").contains("newest first"));
    for header in ["Asked", "What", "Status", "Asked by", "Found"] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{header}</th>")),
            "{header}"
        );
    }
    let said = text(&html);
    assert_eq!(
        said.matches("Requests keep no address").count(),
        1,
        "{said}"
    );
    assert!(said.contains("Download what we hold"), "{said}");
    assert!(
        said.contains("Max Ops") && said.contains("Running"),
        "{said}"
    );
    assert!(
        said.contains("Forget, and the sign-in account, not to be invited again"),
        "{said}"
    );
    assert!(said.contains("Invitations 2, History entries 5"), "{said}");
    assert!(said.contains("2 Mar 2026, 10:05 UTC"), "{said}");
    // A done download's file, by a link signed again at each reading.
    assert!(said.contains("Audit entries 1 Download the file"), "{said}");
    assert!(html.contains("href=\"https://bucket.example/privacy/pr-3.json?sig=3\""));
    assert!(
        said.contains("A download's link works for 15 minutes"),
        "{said}"
    );
    assert!(!said.contains('@'), "{said}");

    let empty = reduce(PrivacyState::default(), PrivacyMsg::Listed(Ok(vec![])));
    assert!(text(&list(empty)).contains("No privacy requests yet."));
    let refused = reduce(
        PrivacyState::default(),
        PrivacyMsg::Listed(Err(problem(
            403,
            "forbidden",
            "Only system administrators can do this.",
        ))),
    );
    let said = text(&list(refused));
    assert!(
        said.contains("Could not load the requests. Only system administrators can do this."),
        "{said}"
    );
}

#[test]
fn the_main_navigation_offers_privacy_to_system_administrators_only() {
    let header = |system_admin: bool| {
        render(move || {
            html! { <Header name="Sam" role="System administrator" {system_admin} on_sign_out={Callback::noop()} /> }
        })
    };
    let html = header(true);
    assert!(html.contains("id=\"nav-privacy\"") && html.contains("href=\"/privacy\""));
    // Beside People.
    let people = html.find("nav-people").unwrap();
    let privacy = html.find("nav-privacy").unwrap();
    assert!(people < privacy && !html[people..privacy].contains("nav-integrations"));
    let html = header(false);
    assert!(!html.contains("nav-privacy") && !html.contains("/privacy"));
}
