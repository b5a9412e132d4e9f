//! The Integrations page (a contract's webhook endpoints, or every contract's): the list, a
//! secret shown once, the add form's refusals at their fields, a row's changes, and the
//! deliveries with each attempt; driven through the page's reducer.

use crate::helpers::*;
use site::api::*;
use site::components::layout::{ContractHeader, Tab};
use site::pages::integrations::{
    event_box_id, Act, Answer, Command, IntegrationsAction as A, IntegrationsState,
    IntegrationsView, Scope,
};
use std::rc::Rc;
use yew::prelude::*;

fn scope() -> Scope {
    Scope::Contract("voucher-1".into())
}

fn endpoint(id: &str, url: &str) -> WebhookEndpoint {
    WebhookEndpoint {
        id: id.into(),
        contract_id: Some("voucher-1".into()),
        url: url.into(),
        description: String::new(),
        event_types: Vec::new(),
        enabled: true,
        disabled_reason: None,
        created_by_name: Some("Ada Lovelace".into()),
        created_at: "2026-03-01T09:30:00Z".into(),
        failing_since: None,
        previous_secret_until: None,
    }
}

/// The LMS hears two kinds of event and is rotating its secret; the CRM hears every event but
/// failed for days and was disabled.
fn endpoints() -> Vec<WebhookEndpoint> {
    let mut lms = endpoint("ep_lms", "https://lms.example.org/hooks");
    lms.description = "The LMS enrols people".into();
    lms.event_types = vec!["invitation.created".into(), "enrolment.created".into()];
    lms.previous_secret_until = Some("2026-03-03T10:00:00Z".into());
    let mut crm = endpoint("ep_crm", "https://crm.example.org/in");
    crm.enabled = false;
    crm.disabled_reason = Some("Its deliveries failed for 5 days.".into());
    crm.failing_since = Some("2026-02-20T08:00:00Z".into());
    crm.created_by_name = None;
    vec![lms, crm]
}

/// The page's state after these actions, from a page just opened on the contract.
fn after(actions: Vec<A>) -> IntegrationsState {
    let mut state = Rc::new(IntegrationsState::default()).reduce(A::Reset(scope()));
    for action in actions {
        state = state.reduce(action);
    }
    state.as_ref().clone()
}

fn loaded(list: Vec<WebhookEndpoint>) -> A {
    A::finished(scope(), Command::Load, Ok(Answer::Endpoints(list)))
}

fn page_with(state: IntegrationsState, scope: Scope, allowed: bool) -> String {
    render(move || {
        html! {
            <IntegrationsView {scope} {state} {allowed} dispatch={Callback::noop()} run={Callback::noop()} />
        }
    })
}

fn page(state: IntegrationsState) -> String {
    page_with(state, scope(), true)
}

#[test]
fn the_endpoints_are_listed_with_their_events_state_and_who_added_them() {
    let html = page(after(vec![loaded(endpoints())]));
    for column in ["Address", "Events", "State", "Added", "Actions"] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{column}</th>")),
            "{column}"
        );
    }
    assert!(html.contains("class=\"cards endpoints\""));

    let lms = row_text(&html, "endpoint-ep_lms");
    assert!(lms.contains("https://lms.example.org/hooks"), "{lms}");
    assert!(lms.contains("The LMS enrols people"), "{lms}");
    assert!(
        lms.contains("invitation.created, enrolment.created"),
        "{lms}"
    );
    assert!(lms.contains("Enabled"), "{lms}");
    assert!(
        lms.contains("The previous secret also signs until 3 Mar 2026, 10:00 UTC."),
        "{lms}"
    );
    assert!(
        lms.contains("1 Mar 2026, 09:30 UTC by Ada Lovelace"),
        "{lms}"
    );
    for (id, label) in [
        ("rotate-ep_lms", "Rotate secret"),
        ("disable-ep_lms", "Disable"),
        ("test-ep_lms", "Send a test event"),
        ("deliveries-ep_lms", "Deliveries"),
    ] {
        let button = tag(&html, id);
        assert!(button.contains("type=\"button\""), "{button}");
        // Each button names the endpoint it is about.
        assert!(
            button.contains("aria-describedby=\"endpoint-url-ep_lms\""),
            "{button}"
        );
        let shown = text_between(&html, &format!("id=\"{id}\""), "</button>");
        assert!(shown.ends_with(&format!("\"{label}")), "{shown}");
    }
    assert!(tag(&html, "deliveries-ep_lms").contains("aria-expanded=\"false\""));

    let crm = row_text(&html, "endpoint-ep_crm");
    assert!(crm.contains("Every event"), "{crm}");
    assert!(
        crm.contains("Disabled") && crm.contains("Its deliveries failed for 5 days."),
        "{crm}"
    );
    assert!(
        crm.contains("Failing since 20 Feb 2026, 08:00 UTC"),
        "{crm}"
    );
    assert!(!crm.contains(" by "), "nobody named: {crm}");
    assert!(html.contains("id=\"enable-ep_crm\"") && !html.contains("id=\"disable-ep_crm\""));
    // Nothing secret is shown for endpoints made before this visit.
    assert!(!html.contains("Signing secret") && !html.contains("whsec_"));
}

#[test]
fn an_empty_list_a_failed_load_and_the_scopes_are_said_in_words() {
    let html = page(after(vec![]));
    assert!(text(&html).contains("Loading the endpoints…"));
    let html = page(after(vec![loaded(vec![])]));
    assert!(text(&html).contains("No endpoints yet"));
    assert!(text(&html).contains("this learning contract's events"));
    let failed = A::finished(
        scope(),
        Command::Load,
        Err(problem(500, "", "Something went wrong on our side.")),
    );
    let t = text(&page(after(vec![failed])));
    assert!(
        t.contains("Could not load the endpoints. Something went wrong on our side."),
        "{t}"
    );

    let every = page_with(IntegrationsState::default(), Scope::Every, true);
    assert!(text(&every).contains("the events of every learning contract"));
    let refused = page_with(IntegrationsState::default(), Scope::Every, false);
    assert!(text(&refused).contains("Only system administrators manage the endpoints"));
    assert!(!refused.contains("id=\"webhook-url\""));
}

#[test]
fn a_late_answer_for_another_scope_is_dropped() {
    let other = A::finished(
        Scope::Every,
        Command::Load,
        Ok(Answer::Endpoints(endpoints())),
    );
    let state = after(vec![other]);
    assert_eq!(state.endpoints, None);
}

#[test]
fn the_add_form_labels_every_field_and_says_none_ticked_is_every_event() {
    let html = page(after(vec![loaded(vec![])]));
    assert!(html.contains("<label for=\"webhook-url\">Address (URL)</label>"));
    assert!(html.contains("<label for=\"webhook-description\">Description (optional)</label>"));
    assert!(html.contains("<legend>Events to send</legend>"));
    assert!(text(&html).contains("None ticked: every event is sent, including kinds added later."));
    for t in events::EventType::ALL {
        let id = event_box_id(t.as_str());
        assert!(tag(&html, &id).contains("type=\"checkbox\""), "{id}");
        assert!(html.contains(&format!("<label for=\"{id}\">{}</label>", t.as_str())));
    }
    assert_eq!(
        event_box_id("invitation.send_failed"),
        "event-invitation-send-failed"
    );
    assert!(text_between(&html, "id=\"add-endpoint\"", "</button>").ends_with("Add"));

    let ticked = after(vec![
        A::Type("enrolment.created", true),
        A::Type("invitation.created", true),
        A::Url(" https://lms.example.org/hooks ".into()),
    ]);
    assert!(text(&page(ticked.clone())).contains("2 ticked: only these kinds of event are sent."));
    assert!(tag(&page(ticked.clone()), "event-enrolment-created").contains("checked"));
    // Sent in the events' own order, trimmed.
    assert_eq!(
        ticked.form.request().unwrap(),
        NewWebhookEndpoint {
            url: "https://lms.example.org/hooks".into(),
            description: String::new(),
            event_types: vec!["invitation.created".into(), "enrolment.created".into()],
        }
    );
}

#[test]
fn refusals_are_shown_at_their_field_in_the_apis_words() {
    // The form's own check: no address.
    let empty = after(vec![]).form.request().unwrap_err();
    let html = page(after(vec![A::Refused(empty)]));
    let url = tag(&html, "webhook-url");
    assert!(
        url.contains("aria-invalid=\"true\"")
            && url.contains("aria-describedby=\"webhook-url-error\""),
        "{url}"
    );
    assert!(text_between(&html, "id=\"webhook-url-error\"", "</p>")
        .contains("Give the address the events are sent to."));

    let refused = |code: &str, detail: &str| {
        let new = NewWebhookEndpoint {
            url: "http://10.0.0.1/x".into(),
            description: String::new(),
            event_types: Vec::new(),
        };
        after(vec![
            A::Started(Command::Add(new.clone())),
            A::finished(scope(), Command::Add(new), Err(problem(400, code, detail))),
        ])
    };
    let sentence = "The address must be public: 10.0.0.1 is a private address (url)";
    let state = refused("invalid_url", sentence);
    assert!(!state.form.working);
    let html = page(state);
    assert!(text_between(&html, "id=\"webhook-url-error\"", "</p>").contains(sentence));
    // Said once to screen readers by the form's alert, not shown twice.
    assert!(text_between(&html, "id=\"add-endpoint-alert\"", "</div>").contains(sentence));
    assert!(html.contains("class=\"visually-hidden\""));

    let html = page(refused(
        "invalid_description",
        "The description (description) is longer than 200 characters.",
    ));
    assert!(tag(&html, "webhook-description").contains("aria-invalid=\"true\""));
    assert!(
        text_between(&html, "id=\"webhook-description-error\"", "</p>").contains("longer than 200")
    );
    assert!(!tag(&html, "webhook-url").contains("aria-invalid"));

    let html = page(refused(
        "invalid_event_type",
        "There is no event type \"x\" (event_types).",
    ));
    assert!(
        text_between(&html, "id=\"webhook-event_type-error\"", "</p>").contains("no event type")
    );

    // Not about a field: shown above Add.
    let html = page(refused(
        "forbidden",
        "Only the contract's admins can add endpoints.",
    ));
    let alert = text_between(&html, "id=\"add-endpoint-alert\"", "</div>");
    assert!(
        alert.contains("Could not add the endpoint. Only the contract's admins can add endpoints."),
        "{alert}"
    );
    assert!(!html.contains("class=\"field-error\""));
}

fn shown(id: &str, secret: &str) -> WebhookSecretShown {
    WebhookSecretShown {
        endpoint: endpoint(id, "https://new.example.org/hooks"),
        secret: secret.into(),
    }
}

#[test]
fn a_new_endpoints_secret_is_shown_once_with_copy() {
    let new = NewWebhookEndpoint {
        url: "https://new.example.org/hooks".into(),
        description: String::new(),
        event_types: Vec::new(),
    };
    let added = after(vec![
        loaded(endpoints()),
        A::Url(new.url.clone()),
        A::Started(Command::Add(new.clone())),
        A::finished(
            scope(),
            Command::Add(new),
            Ok(Answer::Secret(shown("ep_new", "whsec_abc123"))),
        ),
    ]);
    // The form is empty again; the new endpoint is first.
    assert_eq!(added.form.url, "");
    let html = page(added.clone());
    let first_row = html.find("id=\"endpoint-ep_new\"").unwrap();
    assert!(first_row < html.find("id=\"endpoint-ep_lms\"").unwrap());
    let field = tag(&html, "secret-ep_new");
    assert!(
        field.contains("readonly") && field.contains("value=\"whsec_abc123\""),
        "{field}"
    );
    assert!(html.contains(
        "<label for=\"secret-ep_new\" id=\"secret-ep_new-label\">Signing secret</label>"
    ));
    assert!(tag(&html, "copy-secret-ep_new").contains("type=\"button\""));
    let t = text(&html);
    assert!(t.contains("The endpoint is added."), "{t}");
    assert!(
        t.contains("Copy this secret now: it is not shown again."),
        "{t}"
    );
    assert!(tag(&html, "secret-outcome-ep_new").contains("role=\"status\""));

    let copied = Rc::new(added.clone()).reduce(A::Copied("ep_new".into(), true));
    assert!(text(&page(copied.as_ref().clone())).contains("Copied."));

    // Left and opened again: the list as the API answers it, and no secret.
    let again = Rc::new(added)
        .reduce(A::Reset(scope()))
        .reduce(loaded(endpoints()));
    let html = page(again.as_ref().clone());
    assert!(!html.contains("whsec_") && !html.contains("Copy this secret now"));
}

#[test]
fn rotate_asks_first_then_shows_the_new_secret_once() {
    let asked = after(vec![loaded(endpoints()), A::Ask("ep_lms".into())]);
    let html = page(asked.clone());
    let question = text_between(&html, "id=\"rotate-question-ep_lms\"", "</p>");
    assert!(
        question.contains("The current secret keeps signing for a day"),
        "{question}"
    );
    assert!(
        html.contains("id=\"confirm-rotate-ep_lms\"")
            && html.contains("id=\"cancel-rotate-ep_lms\"")
    );
    assert!(!html.contains("id=\"rotate-ep_lms\""));
    let cancelled = Rc::new(asked.clone()).reduce(A::Cancel("ep_lms".into()));
    assert!(page(cancelled.as_ref().clone()).contains("id=\"rotate-ep_lms\""));

    let rotate = Command::Act("ep_lms".into(), Act::Rotate);
    let working = Rc::new(asked).reduce(A::Started(rotate.clone()));
    let html = page(working.as_ref().clone());
    assert!(text(&html).contains("Making a new secret…"));
    assert!(tag(&html, "test-ep_lms").contains("disabled"));
    let mut rotated = shown("ep_lms", "whsec_rotated");
    rotated.endpoint.previous_secret_until = Some("2026-03-05T12:00:00Z".into());
    let done = working.reduce(A::finished(scope(), rotate, Ok(Answer::Secret(rotated))));
    let html = page(done.as_ref().clone());
    let t = text(&html);
    assert!(t.contains("A new signing secret is made."), "{t}");
    assert!(tag(&html, "secret-ep_lms").contains("value=\"whsec_rotated\""));
    assert!(t.contains("Copy this secret now: it is not shown again."));
    assert!(row_text(&html, "endpoint-ep_lms").contains("also signs until 5 Mar 2026, 12:00 UTC"));
}

#[test]
fn a_rows_changes_say_what_they_did() {
    let test = Command::Act("ep_lms".into(), Act::Test);
    let state = after(vec![
        loaded(endpoints()),
        A::Started(test.clone()),
        A::finished(scope(), test, Ok(Answer::Queued(1))),
    ]);
    let html = page(state);
    assert!(
        text_between(&html, "id=\"endpoint-outcome-ep_lms\"", "</p>")
            .contains("Queued: it arrives within a minute.")
    );

    let enable = Command::Act("ep_crm".into(), Act::Enable);
    let mut enabled = endpoints()[1].clone();
    enabled.enabled = true;
    enabled.disabled_reason = None;
    let html = page(after(vec![
        loaded(endpoints()),
        A::finished(scope(), enable.clone(), Ok(Answer::Endpoint(enabled))),
    ]));
    assert!(row_text(&html, "endpoint-ep_crm").contains("Enabled: events are sent to it again."));
    assert!(html.contains("id=\"disable-ep_crm\""));

    let html = page(after(vec![
        loaded(endpoints()),
        A::finished(
            scope(),
            enable,
            Err(problem(
                409,
                "webhook_changed",
                "Someone changed this endpoint at the same moment. Reload it and try again.",
            )),
        ),
    ]));
    let outcome = tag(&html, "endpoint-outcome-ep_crm");
    assert!(outcome.contains("role=\"alert\""), "{outcome}");
    assert!(row_text(&html, "endpoint-ep_crm")
        .contains("Could not enable the endpoint. Someone changed this endpoint"));
}

fn attempt(
    at: &str,
    status: Option<u16>,
    ms: u64,
    start: &str,
    error: Option<&str>,
) -> WebhookAttempt {
    WebhookAttempt {
        at: at.into(),
        status,
        duration_ms: ms,
        response_start: start.into(),
        error: error.map(str::to_owned),
    }
}

fn message(
    id: &str,
    kind: &str,
    state: WebhookMessageState,
    attempts: Vec<WebhookAttempt>,
) -> WebhookMessage {
    WebhookMessage {
        id: format!("1772445600000.{id}"),
        event_id: id.into(),
        event_type: kind.into(),
        created_at: "2026-03-02T10:00:00Z".into(),
        state,
        attempts,
        next_attempt_at: (state == WebhookMessageState::Pending)
            .then(|| "2026-03-02T10:05:00Z".into()),
    }
}

#[test]
fn deliveries_show_each_attempt_page_on_and_replay() {
    let first = Command::Messages("ep_lms".into(), None);
    let page1 = WebhookMessageList {
        messages: vec![
            message(
                "evt_2",
                "enrolment.created",
                WebhookMessageState::Pending,
                vec![
                    attempt(
                        "2026-03-02T10:00:01Z",
                        Some(500),
                        1234,
                        "{\"error\":\"db down\"}",
                        None,
                    ),
                    attempt(
                        "2026-03-02T10:00:31Z",
                        None,
                        10000,
                        "",
                        Some("timed out after 10 s"),
                    ),
                ],
            ),
            message(
                "evt_1",
                "webhook.test",
                WebhookMessageState::Delivered,
                vec![attempt("2026-03-02T09:00:01Z", Some(204), 87, "", None)],
            ),
        ],
        next_cursor: Some("c1".into()),
    };
    let opened = after(vec![loaded(endpoints()), A::Started(first.clone())]);
    let html = page(opened.clone());
    assert!(tag(&html, "deliveries-ep_lms").contains("aria-expanded=\"true\""));
    assert!(tag(&html, "deliveries-ep_lms").contains("aria-controls=\"deliveries-panel-ep_lms\""));
    assert!(text(&html).contains("Loading the deliveries…"));

    let shown = Rc::new(opened).reduce(A::finished(scope(), first, Ok(Answer::Messages(page1))));
    let html = page(shown.as_ref().clone());
    let panel = text_between(&html, "id=\"deliveries-panel-ep_lms\"", "</section>");
    assert!(
        panel.contains("Deliveries to https://lms.example.org/hooks"),
        "{panel}"
    );
    for column in ["Event", "Event id", "Time", "State", "Attempts"] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{column}</th>")),
            "{column}"
        );
    }
    // Newest first, as the API answers.
    assert!(panel.find("evt_2").unwrap() < panel.find("evt_1").unwrap());
    assert!(panel.contains("enrolment.created") && panel.contains("2 Mar 2026, 10:00 UTC"));
    assert!(
        panel.contains("Pending") && panel.contains("Next try 2 Mar 2026, 10:05 UTC"),
        "{panel}"
    );
    assert!(
        panel.contains("2 Mar 2026, 10:00 UTC · HTTP 500 · 1,234 ms · {\"error\":\"db down\"}"),
        "{panel}"
    );
    assert!(
        panel.contains("2 Mar 2026, 10:00 UTC · timed out after 10 s · 10,000 ms"),
        "{panel}"
    );
    assert!(
        panel.contains("Delivered") && panel.contains("HTTP 204 · 87 ms"),
        "{panel}"
    );
    assert!(html.contains("id=\"deliveries-more-ep_lms\""));

    // Show more: the next page below.
    let more = Command::Messages("ep_lms".into(), Some("c1".into()));
    let page2 = WebhookMessageList {
        messages: vec![message(
            "evt_0",
            "invitation.created",
            WebhookMessageState::Failed,
            vec![],
        )],
        next_cursor: None,
    };
    let loading = shown.reduce(A::Started(more.clone()));
    assert!(text(&page(loading.as_ref().clone())).contains("Loading more…"));
    let both = loading.reduce(A::finished(scope(), more, Ok(Answer::Messages(page2))));
    let html = page(both.as_ref().clone());
    let panel = text_between(&html, "id=\"deliveries-panel-ep_lms\"", "</section>");
    assert!(panel.find("evt_1").unwrap() < panel.find("evt_0").unwrap());
    assert!(
        panel.contains("Failed") && panel.contains("Not tried yet"),
        "{panel}"
    );
    assert!(!html.contains("id=\"deliveries-more-ep_lms\""));

    // Replay: a labelled date and time in the admin's zone.
    assert!(
        html.contains("<label for=\"replay-since-ep_lms\">Replay failed deliveries since</label>")
    );
    let since = tag(&html, "replay-since-ep_lms");
    assert!(
        since.contains("type=\"datetime-local\"")
            && since.contains("aria-describedby=\"replay-hint-ep_lms\""),
        "{since}"
    );
    assert!(text(&html).contains("In your time (UTC)."));
    let refused = both.clone().reduce(A::ReplayRefused(
        "ep_lms".into(),
        problem(
            400,
            "invalid_since",
            "Give the date and time to replay from.",
        ),
    ));
    assert!(text(&page(refused.as_ref().clone()))
        .contains("Could not replay. Give the date and time to replay from."));
    let replay = Command::Replay("ep_lms".into(), "2026-03-01T08:00:00Z".into());
    let replayed = both
        .reduce(A::Since("ep_lms".into(), "2026-03-01T09:00".into()))
        .reduce(A::Started(replay.clone()))
        .reduce(A::finished(scope(), replay, Ok(Answer::Queued(3))));
    let html = page(replayed.as_ref().clone());
    assert!(tag(&html, "replay-since-ep_lms").contains("value=\"2026-03-01T09:00\""));
    assert!(
        text(&html).contains("3 failed deliveries are sent again: they arrive within a minute.")
    );

    // Send again: on the delivered and the failed, not on the pending; the row shows it
    // pending after, and the outcome names the event.
    let again: Vec<&str> = html.matches("aria-label=\"Send again: ").collect();
    assert_eq!(again.len(), 2, "evt_1 and evt_0, not the pending evt_2");
    assert!(!html.contains("Send again: evt_2"));
    let one = Command::ReplayOne("ep_lms".into(), "1772445600000.evt_0".into());
    let working = replayed.reduce(A::Started(one.clone()));
    let html = page(working.as_ref().clone());
    assert!(
        tag(&html, "resend-ep_lms-evt_0").contains("disabled"),
        "one at a time"
    );
    let pending_again = message(
        "evt_0",
        "invitation.created",
        WebhookMessageState::Pending,
        vec![],
    );
    let resent = working.reduce(A::finished(
        scope(),
        one.clone(),
        Ok(Answer::Message(pending_again)),
    ));
    let html = page(resent.as_ref().clone());
    assert!(text(&html).contains("evt_0 is sent again: it arrives within a minute."));
    assert!(!html.contains("Send again: evt_0"), "pending now: {html}");
    let refused = resent.clone().reduce(A::finished(
        scope(),
        one,
        Err(problem(
            409,
            "webhook_message_pending",
            "This message is waiting for its next try already; it is sent then.",
        )),
    ));
    assert!(text(&page(refused.as_ref().clone())).contains(
        "Could not send it again. This message is waiting for its next try already; it is sent then."
    ));

    // Closed: gone, and the button says so.
    let closed = resent.reduce(A::Close("ep_lms".into()));
    let html = page(closed.as_ref().clone());
    assert!(!html.contains("deliveries-panel-ep_lms"));
    assert!(tag(&html, "deliveries-ep_lms").contains("aria-expanded=\"false\""));
}

#[test]
fn the_contract_has_an_integrations_tab() {
    let c = contract("voucher", 1, "active");
    let html =
        render(move || html! { <ContractHeader contract={c} current={Tab::Integrations} /> });
    assert!(text_between(&html, "id=\"tab-integrations\"", "</span>").contains("Integrations"));
    let current = text_between(&html, "aria-current=\"page\"", "</li>");
    assert!(current.contains("Integrations"), "{current}");
}
