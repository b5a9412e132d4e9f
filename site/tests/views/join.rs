//! The joiner's page (issue 30): the programme a join link offers and the address field, the
//! address refused at its field, "check your mail", a refused link's heading and way forward in
//! words (never its code), and what a confirmed joiner waits for: a seat, or an admin's yes.

use crate::helpers::*;
use site::api::*;
use site::pages::join::{JoinState, JoinView};
use yew::prelude::*;

/// Nursing 2025's link for the sales team: two activities, 12 places left, closing at the end
/// of March, for addresses at corp.example.
fn join_page() -> JoinPage {
    serde_json::from_value(serde_json::json!({
        "contract": {"name": "Nursing 2025", "kind": "voucher", "starts_at": "2025-01-01T00:00:00Z", "ends_at": "2025-12-31T00:00:00Z"},
        "audience": "Sales team, spring intake", "activities": ["Anatomy", "Ethics"],
        "places_left": 12, "closes_at": "2026-03-31T18:00:00Z",
        "allowed_domains": ["corp.example"], "needs_approval": false
    }))
    .unwrap()
}

/// The page's main and its title.
fn view(state: JoinState) -> (String, String) {
    let title = std::sync::Mutex::new(String::new());
    let title = std::sync::Arc::new(title);
    let shown = title.clone();
    let html = render(move || {
        let (email, on_send, on_again, on_retry) = (
            NodeRef::default(),
            Callback::noop(),
            Callback::noop(),
            Callback::noop(),
        );
        let (title, body) = JoinView {
            state: &state,
            email: &email,
            on_send: &on_send,
            on_again: &on_again,
            on_retry: &on_retry,
        }
        .html();
        *shown.lock().unwrap() = title;
        body
    });
    let title = title.lock().unwrap().clone();
    (html, title)
}

fn ready(refused: Option<ApiError>) -> JoinState {
    JoinState::Ready {
        page: join_page(),
        sending: false,
        refused,
    }
}

#[test]
fn the_page_shows_the_programme_what_the_link_admits_and_asks_an_address() {
    let (html, title) = view(ready(None));
    assert_eq!(title, "Join Nursing 2025");
    assert!(html.contains("<h1>Join Nursing 2025</h1>"), "{html}");
    let t = text(&html);
    for said in [
        "This link is for Sales team, spring intake.",
        "Voucher · 1 Jan 2025 – 31 Dec 2025",
        "Anatomy",
        "Ethics",
        "12 places left",
        "Open until 31 Mar 2026, 18:00 UTC",
        "Open to addresses at corp.example",
    ] {
        assert!(t.contains(said), "{said}: {t}");
    }
    assert!(html.contains("<label for=\"join-email\">Your email address</label>"));
    let field = tag(&html, "join-email");
    assert!(
        field.contains("type=\"email\"") && field.contains("autocomplete=\"email\""),
        "{field}"
    );
    assert!(
        field.contains("aria-describedby=\"join-email-hint\""),
        "{field}"
    );
    assert!(!field.contains("aria-invalid"), "{field}");
    let send = tag(&html, "join-send");
    assert!(
        send.contains("type=\"submit\"") && !send.contains("disabled"),
        "{send}"
    );
    assert!(text_between(&html, "id=\"join-send\"", "</button>").ends_with("Send me a link"));
}

#[test]
fn a_link_with_no_limits_says_none_of_them() {
    let mut page = join_page();
    (page.places_left, page.closes_at, page.allowed_domains) = (None, None, vec![]);
    page.activities.clear();
    let (html, _) = view(JoinState::Ready {
        page,
        sending: true,
        refused: None,
    });
    let t = text(&html);
    for unsaid in [
        "places left",
        "Open until",
        "Open to addresses",
        "Activities",
    ] {
        assert!(!t.contains(unsaid), "{unsaid}: {t}");
    }
    assert!(tag(&html, "join-send").contains("disabled"));
    assert!(text_between(&html, "id=\"join-send\"", "</button>").ends_with("Sending…"));
}

#[test]
fn an_address_refused_is_said_at_its_field() {
    let refusal = problem(
        403,
        "domain_not_allowed",
        "This link is for addresses at corp.example: use your work address.",
    );
    let (html, title) = view(ready(Some(refusal)));
    assert_eq!(title, "Join Nursing 2025", "the page stays");
    let field = tag(&html, "join-email");
    assert!(field.contains("aria-invalid=\"true\""), "{field}");
    assert!(
        field.contains("aria-describedby=\"join-email-hint join-email-error\""),
        "{field}"
    );
    let error = tag(&html, "join-email-error");
    assert!(error.contains("role=\"alert\""), "{error}");
    let t = text(&html);
    assert!(t.contains("This link is for addresses at corp.example: use your work address."));
    assert!(!t.contains("domain_not_allowed"));
}

#[test]
fn after_sending_the_page_says_to_check_the_mail() {
    let sent = JoinProofSent {
        email: "sam@corp.example".into(),
        valid_hours: 24,
    };
    let (html, title) = view(JoinState::Sent(join_page(), sent));
    assert_eq!(title, "Check your mail");
    assert!(html.contains("<h1>Check your mail</h1>"));
    let said = text_between(&html, "id=\"join-sent\"", "</p>");
    assert!(
        said.ends_with("We sent a link to sam@corp.example. It works for 24 hours."),
        "{said}"
    );
    assert!(tag(&html, "join-sent").contains("role=\"status\""));
    let t = text(&html);
    assert!(t.contains("take your place in Nursing 2025"), "{t}");
    assert!(html.contains("id=\"join-again\""), "a way to send it again");
    assert!(!html.contains("id=\"join-email\""));

    let hour = JoinProofSent {
        email: "sam@corp.example".into(),
        valid_hours: 1,
    };
    let (html, _) = view(JoinState::Sent(join_page(), hour));
    assert!(text(&html).contains("It works for 1 hour."));
}

#[test]
fn a_refused_link_is_a_heading_in_words_with_the_problems_sentence() {
    for (code, status, heading) in [
        ("link_disabled", 410, "This link is switched off"),
        ("link_not_yet_open", 410, "This link is not open yet"),
        ("link_closed", 410, "This link has closed"),
        ("link_used_up", 410, "This link has no places left"),
        ("contract_ended", 410, "This programme has ended"),
        ("unknown_join_link", 404, "We don't recognise this link"),
        ("contract_full", 409, "No places are left"),
    ] {
        let detail = format!("The server's sentence about {status}.");
        let (html, title) = view(JoinState::Refused(problem(status, code, &detail)));
        assert_eq!(title, heading, "{code}");
        assert!(
            html.contains(&format!("<h1>{heading}</h1>")),
            "{code}: {html}"
        );
        let t = text(&html);
        assert!(t.contains(&detail), "{code}: {t}");
        assert!(
            t.contains("ask the person who shared the link with you"),
            "{code}: {t}"
        );
        assert!(!t.contains(code), "no code shown: {t}");
        assert!(html.contains(&format!("id=\"join-{}\"", code.replace('_', "-"))));
    }
    // A link cut short gets the page's own words, not the server's.
    let (html, title) = view(JoinState::Refused(problem(
        400,
        "malformed_join_link",
        "Bad code.",
    )));
    assert_eq!(title, "This link is incomplete");
    assert!(text(&html).contains("copy the whole link into the address bar"));
}

#[test]
fn a_mails_link_that_fails_says_how_to_get_a_new_one_and_a_full_contract_queues() {
    for (code, heading) in [
        ("proof_expired", "This link has expired"),
        ("unknown_proof", "We don't recognise this link"),
        ("malformed_proof", "This link is incomplete"),
    ] {
        let (html, title) = view(JoinState::Refused(problem(410, code, "")));
        assert_eq!(title, heading);
        let t = text(&html);
        assert!(
            t.contains("Open the join link you were given again, and ask for a new mail."),
            "{code}: {t}"
        );
    }
    let (html, title) = view(JoinState::Waiting(3));
    assert_eq!(title, "You are on the waiting list");
    let said = text(&html);
    assert!(
        said.contains("All places in this programme are taken, and you are number 3 in line."),
        "{said}"
    );
    assert!(
        said.contains("you will get an invitation by mail"),
        "{said}"
    );
    let (html, title) = view(JoinState::Confirming);
    assert_eq!(title, "Confirming your address");
    assert!(text(&html).contains("Taking you to your place…"));
}

#[test]
fn a_failure_that_is_not_the_links_offers_to_try_again() {
    let (html, title) = view(JoinState::Refused(ApiError::network()));
    assert_eq!(title, "This link cannot be opened");
    assert!(text(&html).contains("We could not reach the server."));
    assert!(text_between(&html, "id=\"join-retry\"", "</button>").ends_with("Try again"));
    let (html, _) = view(JoinState::Loading);
    assert!(text(&html).contains("Opening the join link…"));
}

#[test]
fn a_request_to_a_link_that_needs_approval_waits_for_the_administrators() {
    let (html, title) = view(JoinState::AwaitingApproval(Some(2)));
    assert_eq!(title, "Your request is with the administrators");
    assert!(
        html.contains("<h1>Your request is with the administrators</h1>"),
        "{html}"
    );
    assert!(html.contains("id=\"join-awaiting-approval\""));
    let said = text(&html);
    for part in [
        "Your address is confirmed. Your request is with the programme's administrators",
        "Yours is number 2 among the requests.",
        "You will get a mail when they decide",
    ] {
        assert!(said.contains(part), "{part}: {said}");
    }
    assert!(
        !said.contains("waiting list"),
        "not the seats' line: {said}"
    );
    let (html, _) = view(JoinState::AwaitingApproval(None));
    assert!(!text(&html).contains("among the requests"));
}

#[test]
fn a_link_that_needs_approval_says_so_before_and_after_the_mail() {
    let mut page = join_page();
    page.needs_approval = true;
    let (html, _) = view(JoinState::Ready {
        page: page.clone(),
        sending: false,
        refused: None,
    });
    let facts = text_between(&html, "id=\"join-facts\"", "</ul>");
    assert!(
        facts.contains("An administrator approves each person who joins"),
        "{facts}"
    );
    let sent = JoinProofSent {
        email: "sam@corp.example".into(),
        valid_hours: 24,
    };
    let (html, _) = view(JoinState::Sent(page, sent));
    assert!(text(&html).contains("ask for a place in Nursing 2025"));
    let (html, _) = view(ready(None));
    assert!(!text(&html).contains("An administrator approves"));
}
