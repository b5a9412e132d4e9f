//! The tab's join requests and waiting list: shown only when someone is in them; who, through
//! which link, since when; Approve, Refuse after its question; the moves each place allows,
//! Remove after its question; what a change did, or why it failed, in words; a line changed
//! meanwhile read again; and where the focus goes after a change.

use super::*;
use site::pages::join_links::{focus_after, Queue, QueueAct};

fn entry(id: &str, position: u32, email: &str, audience: Option<&str>) -> WaitingEntry {
    WaitingEntry {
        id: id.into(),
        position,
        email: email.into(),
        joined_at: "2026-03-02T10:15:00Z".into(),
        link_id: Some("jl_sales".into()),
        link_audience: audience.map(Into::into),
    }
}

/// Kim through the sales link; Lou through a link since removed.
fn requests() -> Vec<WaitingEntry> {
    vec![
        entry(
            "r1",
            1,
            "kim@corp.example",
            Some("Sales team, spring intake"),
        ),
        entry("r2", 2, "lou@corp.example", None),
    ]
}

/// Ann, Ben and Cy, in that order.
fn waiting() -> Vec<WaitingEntry> {
    ["ann", "ben", "cy"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let place = i as u32 + 1;
            entry(
                &format!("w{place}"),
                place,
                &format!("{name}@corp.example"),
                Some("Managers"),
            )
        })
        .collect()
}

fn line(queue: Queue, list: Vec<WaitingEntry>) -> A {
    A::finished(
        contract_id(),
        Command::LoadQueue(queue),
        Ok(Answer::Line(list, None)),
    )
}

fn answered(entry: &str, act: QueueAct, result: Result<Answer, ApiError>) -> A {
    A::finished(contract_id(), Command::Queue(entry.into(), act), result)
}

/// The tab with the links, these requests and this waiting list loaded, then `then`.
fn lines(requested: Vec<WaitingEntry>, waiting: Vec<WaitingEntry>, then: Vec<A>) -> String {
    let mut actions = vec![
        loaded(links()),
        line(Queue::Requests, requested),
        line(Queue::Waiting, waiting),
    ];
    actions.extend(then);
    tab(after(actions))
}

#[test]
fn nobody_waiting_shows_no_sections() {
    for html in [
        tab(after(vec![loaded(links())])),
        lines(vec![], vec![], vec![]),
    ] {
        assert!(
            !html.contains("join-requests-heading") && !html.contains("waiting-list-heading"),
            "{html}"
        );
    }
}

#[test]
fn the_join_requests_say_who_through_which_link_and_since_when() {
    let html = lines(requests(), vec![], vec![]);
    let heading = tag(&html, "join-requests-heading");
    assert!(heading.contains("tabindex=\"-1\""), "{heading}");
    assert!(html.contains("aria-labelledby=\"join-requests-heading\""));
    assert!(
        !html.contains("waiting-list-heading"),
        "an empty list is not shown"
    );
    let at = html.find("id=\"join-requests-heading\"").unwrap();
    let table = &html[at + html[at..].find("<table").unwrap()..];
    assert!(
        table.starts_with("<table aria-labelledby=\"join-requests-heading\""),
        "{table}"
    );
    for column in ["Who", "Through the link", "Asked", "Actions"] {
        assert!(
            table.contains(&format!("<th scope=\"col\">{column}</th>")),
            "{column}"
        );
    }
    assert!(!table.contains(">Place</th>"));
    let kim = row_text(&html, "request-r1");
    for said in [
        "kim@corp.example",
        "Sales team, spring intake",
        "2 Mar 2026, 10:15 UTC",
    ] {
        assert!(kim.contains(said), "{said}: {kim}");
    }
    assert!(row_text(&html, "request-r2").contains("A link since removed"));
    for (id, label) in [
        ("approve-request-r1", "Approve"),
        ("refuse-request-r1", "Refuse"),
    ] {
        let button = tag(&html, id);
        assert!(
            button.contains("type=\"button\"")
                && button.contains("aria-describedby=\"request-who-r1\"")
                && !button.contains("disabled"),
            "{button}"
        );
        assert!(text_between(&html, &format!("id=\"{id}\""), "</button>").ends_with(label));
    }
    // Someone an admin invited over the seat limit came through no link.
    let mut over = entry("w1", 1, "max@corp.example", None);
    over.link_id = None;
    let over = lines(vec![], vec![over], vec![]);
    assert!(
        row_text(&over, "waiting-w1").contains("Invited by an administrator over the seat limit")
    );
}

#[test]
fn approve_says_what_follows_and_the_waiting_list_is_read_again() {
    let working = lines(
        requests(),
        vec![],
        vec![A::Started(Command::Queue("r1".into(), QueueAct::Approve))],
    );
    assert!(
        text_between(&working, "id=\"approve-request-r1\"", "</button>").ends_with("Approving…")
    );
    for id in ["approve-request-r1", "refuse-request-r2"] {
        assert!(
            tag(&working, id).contains("disabled"),
            "one change at a time: {id}"
        );
    }

    let left = vec![entry("r2", 1, "lou@corp.example", None)];
    let now_waiting = vec![entry(
        "w9",
        1,
        "kim@corp.example",
        Some("Sales team, spring intake"),
    )];
    let html = lines(
        requests(),
        vec![],
        vec![answered(
            "r1",
            QueueAct::Approve,
            Ok(Answer::Line(left, Some(now_waiting))),
        )],
    );
    let said = text_between(&html, "id=\"request-outcome\"", "</div>");
    assert!(
        said.contains("kim@corp.example is approved: an invitation is on its way to them by mail"),
        "{said}"
    );
    assert!(tag(&html, "request-outcome").contains("role=\"status\""));
    assert!(!html.contains("id=\"request-r1\""), "the row is gone");
    assert!(row_text(&html, "waiting-w9").contains("kim@corp.example"));
}

#[test]
fn refuse_asks_first_in_words_then_says_the_mail_tells_them() {
    let html = lines(
        requests(),
        vec![],
        vec![A::QueueAsk("r2".into(), QueueAct::Refuse)],
    );
    let question = text_between(&html, "id=\"question-refuse-request-r2\"", "</p>");
    assert!(
        question.ends_with(
            "Refuse this request? lou@corp.example will be told by mail that their request was not accepted."
        ),
        "{question}"
    );
    assert!(
        text_between(&html, "id=\"confirm-refuse-request-r2\"", "</button>")
            .ends_with("Yes, refuse")
    );
    assert!(html.contains("id=\"cancel-refuse-request-r2\""));
    assert!(
        !html.contains("id=\"refuse-request-r2\""),
        "the question takes the buttons' place"
    );
    assert!(
        html.contains("id=\"refuse-request-r1\""),
        "only in its own row"
    );
    let cancelled = lines(
        requests(),
        vec![],
        vec![
            A::QueueAsk("r2".into(), QueueAct::Refuse),
            A::QueueCancel(Queue::Requests),
        ],
    );
    assert!(cancelled.contains("id=\"refuse-request-r2\""));

    // The last request refused: the section stays, saying what was done and that nobody waits.
    let html = lines(
        vec![entry("r2", 1, "lou@corp.example", None)],
        vec![],
        vec![answered(
            "r2",
            QueueAct::Refuse,
            Ok(Answer::Line(vec![], None)),
        )],
    );
    let t = text(&html);
    assert!(
        t.contains("lou@corp.example's request is refused: a mail tells them so."),
        "{t}"
    );
    assert!(t.contains("Nobody waits for approval now."), "{t}");
    assert!(!html.contains("<table aria-labelledby=\"join-requests-heading\""));
}

#[test]
fn the_waiting_list_offers_the_moves_each_place_allows() {
    let html = lines(vec![], waiting(), vec![]);
    assert!(!html.contains("join-requests-heading"));
    let heading = text_between(&html, "id=\"waiting-list-heading\"", "</h2>");
    assert!(heading.ends_with("Waiting list"), "{heading}");
    for column in [
        "Place",
        "Who",
        "Through the link",
        "Waiting since",
        "Actions",
    ] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{column}</th>")),
            "{column}"
        );
    }
    let ann = row_text(&html, "waiting-w1");
    assert!(
        ann.starts_with('1') && ann.contains("ann@corp.example") && ann.contains("Managers"),
        "{ann}"
    );
    let offered = |entry: &str| -> Vec<&str> {
        ["first", "up", "down", "remove"]
            .into_iter()
            .filter(|act| html.contains(&format!("id=\"{act}-waiting-{entry}\"")))
            .collect()
    };
    assert_eq!(offered("w1"), ["down", "remove"]);
    assert_eq!(offered("w2"), ["up", "down", "remove"]);
    assert_eq!(offered("w3"), ["first", "up", "remove"]);
    assert!(text_between(&html, "id=\"first-waiting-w3\"", "</button>").ends_with("Move to front"));
    assert!(tag(&html, "up-waiting-w3").contains("aria-describedby=\"waiting-who-w3\""));
}

#[test]
fn a_move_shows_the_line_as_the_api_answers_it_and_says_the_new_place() {
    let working = lines(
        vec![],
        waiting(),
        vec![A::Started(Command::Queue("w3".into(), QueueAct::First))],
    );
    assert!(text_between(&working, "id=\"first-waiting-w3\"", "</button>").ends_with("Moving…"));
    assert!(tag(&working, "remove-waiting-w1").contains("disabled"));

    let mut moved = waiting();
    moved.rotate_right(1);
    for (i, e) in moved.iter_mut().enumerate() {
        e.position = i as u32 + 1;
    }
    let html = lines(
        vec![],
        waiting(),
        vec![answered(
            "w3",
            QueueAct::First,
            Ok(Answer::Line(moved, None)),
        )],
    );
    assert!(html.find("id=\"waiting-w3\"").unwrap() < html.find("id=\"waiting-w1\"").unwrap());
    assert!(row_text(&html, "waiting-w3").starts_with('1'));
    let said = text_between(&html, "id=\"waiting-outcome\"", "</div>");
    assert!(
        said.ends_with("cy@corp.example is now number 1 in line."),
        "{said}"
    );
}

#[test]
fn remove_asks_first_and_a_line_changed_meanwhile_is_read_again() {
    let html = lines(
        vec![],
        waiting(),
        vec![A::QueueAsk("w2".into(), QueueAct::Remove)],
    );
    let question = text_between(&html, "id=\"question-remove-waiting-w2\"", "</p>");
    assert!(
        question.ends_with("Remove ben@corp.example from the waiting list? They will not be invited when a seat frees, and are not told."),
        "{question}"
    );
    assert!(
        text_between(&html, "id=\"confirm-remove-waiting-w2\"", "</button>")
            .ends_with("Yes, remove")
    );

    let changed = problem(
        409,
        "waiting_list_changed",
        "The waiting list changed a moment ago (another administrator, or a place that freed); look at it again.",
    );
    let fresh = waiting().into_iter().skip(1).collect::<Vec<_>>();
    let html = lines(
        vec![],
        waiting(),
        vec![answered(
            "w2",
            QueueAct::Remove,
            Ok(Answer::Stale(Box::new(changed), Some(fresh))),
        )],
    );
    let alert = tag(&html, "waiting-failed");
    assert!(alert.contains("role=\"alert\""), "{alert}");
    let said = text_between(&html, "id=\"waiting-failed\"", "</p>");
    assert!(
        said.ends_with("Could not remove them from the waiting list. The waiting list changed a moment ago (another administrator, or a place that freed); look at it again."),
        "{said}"
    );
    assert!(
        !html.contains("id=\"waiting-w1\""),
        "the line as read again"
    );
    assert!(!said.contains("waiting_list_changed"));

    // Removed: the line without them, said.
    let html = lines(
        vec![],
        waiting(),
        vec![answered(
            "w1",
            QueueAct::Remove,
            Ok(Answer::Line(waiting().split_off(1), None)),
        )],
    );
    assert!(text(&html).contains("ann@corp.example is off the waiting list."));
}

#[test]
fn a_failed_change_or_load_is_said_in_words() {
    let html = lines(
        requests(),
        vec![],
        vec![answered(
            "r1",
            QueueAct::Approve,
            Err(problem(500, "", "Something went wrong on our side.")),
        )],
    );
    let said = text_between(&html, "id=\"request-failed\"", "</p>");
    assert!(
        said.ends_with("Could not approve the request. Something went wrong on our side."),
        "{said}"
    );
    assert!(html.contains("id=\"request-r1\""), "the row stays");
    assert!(!tag(&html, "approve-request-r1").contains("disabled"));

    let failed = A::finished(
        contract_id(),
        Command::LoadQueue(Queue::Waiting),
        Err(problem(500, "", "Something went wrong on our side.")),
    );
    let t = text(&tab(after(vec![loaded(links()), failed])));
    assert!(
        t.contains("Could not load the waiting list. Something went wrong on our side."),
        "{t}"
    );
}

#[test]
fn after_a_change_the_focus_goes_to_the_moved_row_or_the_heading() {
    let moved = Ok(Answer::Line(waiting(), None));
    let up = Command::Queue("w2".into(), QueueAct::Up);
    assert_eq!(
        focus_after(&up, &moved).unwrap(),
        [
            "up-waiting-w2",
            "down-waiting-w2",
            "first-waiting-w2",
            "remove-waiting-w2",
            "waiting-list-heading"
        ]
    );
    let approve = Command::Queue("r1".into(), QueueAct::Approve);
    assert_eq!(
        focus_after(&approve, &Ok(Answer::Line(vec![], None))).unwrap(),
        ["join-requests-heading"],
        "the row is gone"
    );
    assert_eq!(
        focus_after(&approve, &Err(problem(500, "", "x"))).unwrap(),
        ["approve-request-r1", "join-requests-heading"],
        "back on the button pressed"
    );
    assert_eq!(
        focus_after(&Command::Load, &Ok(Answer::Links(vec![]))),
        None
    );
}
