//! A contract's Join links tab (issue 30): each link's audience, state, uses, window, domains and
//! maker; the form (a voucher's activities only where it asks, the approval box) with its
//! refusals at their fields; Copy, the QR code, Regenerate's question, Disable and Enable;
//! driven through the tab's reducer. The join requests and the waiting list are in `lines`.

mod lines;

use crate::helpers::*;
use site::api::*;
use site::components::layout::{ContractHeader, Tab};
use site::pages::join_links::{
    qr_path, Act, Answer, Command, Field, JoinLinksAction as A, JoinLinksState, JoinLinksView,
};
use std::rc::Rc;
use yew::prelude::*;

const ORIGIN: &str = "https://site.example";

fn link(id: &str, audience: &str) -> JoinLink {
    JoinLink {
        id: id.into(),
        contract_id: "voucher-3".into(),
        audience: audience.into(),
        code: format!("code-{id}"),
        activities: vec!["a2".into()],
        max_uses: None,
        uses: 0,
        places_left: None,
        opens_at: None,
        closes_at: None,
        allowed_domains: vec![],
        needs_approval: false,
        enabled: true,
        state: JoinLinkState::Open,
        created_by_name: Some("Ada Lovelace".into()),
        created_at: "2026-03-01T09:30:00Z".into(),
    }
}

/// Sales: 3 of 10 used, two domains, closing at the end of March, each joiner approved by an
/// admin. Managers: disabled, no limit,
/// any address, opening in April.
fn links() -> Vec<JoinLink> {
    let mut sales = link("jl_sales", "Sales team, spring intake");
    sales.max_uses = Some(10);
    sales.uses = 3;
    sales.places_left = Some(7);
    sales.closes_at = Some("2026-03-31T18:00:00Z".into());
    sales.allowed_domains = vec!["corp.example".into(), "eu.corp.example".into()];
    sales.needs_approval = true;
    let mut managers = link("jl_managers", "Managers");
    managers.uses = 5;
    managers.enabled = false;
    managers.state = JoinLinkState::Disabled;
    managers.opens_at = Some("2026-04-01T08:00:00Z".into());
    managers.created_by_name = None;
    vec![sales, managers]
}

fn contract_id() -> String {
    "voucher-3".into()
}

/// The tab's state after these actions, from a tab just opened on the contract.
fn after(actions: Vec<A>) -> JoinLinksState {
    let mut state = Rc::new(JoinLinksState::default()).reduce(A::Reset(contract_id()));
    for action in actions {
        state = state.reduce(action);
    }
    state.as_ref().clone()
}

fn loaded(list: Vec<JoinLink>) -> A {
    A::finished(contract_id(), Command::Load, Ok(Answer::Links(list)))
}

fn changed(id: &str, act: Act, link: JoinLink) -> A {
    A::finished(
        contract_id(),
        Command::Act(id.into(), act),
        Ok(Answer::Link(Box::new(link))),
    )
}

/// The tab for a contract of this kind with this many activities.
fn tab_of(state: JoinLinksState, kind: &'static str, activities: usize) -> String {
    render(move || {
        let contract = contract(kind, activities, "active");
        let (dispatch, run) = (Callback::noop(), Callback::noop());
        JoinLinksView {
            contract: &contract,
            state: &state,
            origin: ORIGIN,
            dispatch: &dispatch,
            run: &run,
        }
        .html()
    })
}

fn tab(state: JoinLinksState) -> String {
    tab_of(state, "voucher", 3)
}

#[test]
fn each_link_says_who_it_is_for_where_it_stands_and_how_many_used_it() {
    let html = tab(after(vec![loaded(links())]));
    for column in [
        "For",
        "Link",
        "State",
        "Used",
        "Addresses",
        "Made",
        "Actions",
    ] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{column}</th>")),
            "{column}"
        );
    }
    let sales = row_text(&html, "join-link-jl_sales");
    for said in [
        "Sales team, spring intake",
        "Activities: Activity 2",
        "Open",
        "Closes 31 Mar 2026, 18:00 UTC",
        "3 of 10 used",
        "7 places left",
        "At corp.example or eu.corp.example",
        "1 Mar 2026, 09:30 UTC by Ada Lovelace",
        "Needs an administrator's approval",
    ] {
        assert!(sales.contains(said), "{said}: {sales}");
    }
    // The link to share, in a field to select by hand, named for its audience.
    let field = tag(&html, "join-link-url-jl_sales");
    assert!(
        field.contains("value=\"https://site.example/join#code=code-jl_sales\""),
        "{field}"
    );
    assert!(field.contains("readonly"), "{field}");
    assert!(
        field.contains("aria-label=\"Join link for Sales team, spring intake\""),
        "{field}"
    );
    for (id, label) in [
        ("copy-join-link-jl_sales", "Copy link"),
        ("qr-jl_sales", "Show QR code"),
        ("regenerate-jl_sales", "Regenerate"),
        ("disable-jl_sales", "Disable"),
    ] {
        let button = tag(&html, id);
        assert!(button.contains("type=\"button\""), "{button}");
        assert!(
            button.contains("aria-describedby=\"join-link-audience-jl_sales\""),
            "each button names the link it is about: {button}"
        );
        let shown = text_between(&html, &format!("id=\"{id}\""), "</button>");
        assert!(shown.ends_with(&format!("\"{label}")), "{shown}");
    }
    assert!(tag(&html, "qr-jl_sales").contains("aria-expanded=\"false\""));
    assert!(tag(&html, "copied-jl_sales").contains("role=\"status\""));

    let managers = row_text(&html, "join-link-jl_managers");
    for said in [
        "Disabled",
        "Opened 1 Apr 2026, 08:00 UTC",
        "Until the contract ends",
        "5 used",
        "Any address",
    ] {
        assert!(managers.contains(said), "{said}: {managers}");
    }
    assert!(
        !managers.contains(" of ") && !managers.contains("places left"),
        "{managers}"
    );
    assert!(!managers.contains(" by "), "nobody named: {managers}");
    assert!(!managers.contains("approval"), "{managers}");
    assert!(
        html.contains("id=\"enable-jl_managers\"") && !html.contains("id=\"disable-jl_managers\"")
    );
}

#[test]
fn a_link_not_open_yet_closed_or_used_up_says_so() {
    let mut later = link("jl_later", "Autumn");
    later.state = JoinLinkState::NotYetOpen;
    later.opens_at = Some("2026-09-01T07:00:00Z".into());
    let mut closed = link("jl_closed", "Spring");
    closed.state = JoinLinkState::Closed;
    closed.closes_at = Some("2026-02-28T22:59:00Z".into());
    let mut full = link("jl_full", "Pilot");
    (full.state, full.max_uses, full.uses, full.places_left) =
        (JoinLinkState::UsedUp, Some(5), 5, Some(0));
    let html = tab(after(vec![loaded(vec![later, closed, full])]));
    let later = row_text(&html, "join-link-jl_later");
    assert!(
        later.contains("Not open yet") && later.contains("Opens 1 Sep 2026, 07:00 UTC"),
        "{later}"
    );
    let closed = row_text(&html, "join-link-jl_closed");
    assert!(closed.contains("Closed 28 Feb 2026, 22:59 UTC"), "{closed}");
    let full = row_text(&html, "join-link-jl_full");
    assert!(
        full.contains("Used up") && full.contains("5 of 5 used"),
        "{full}"
    );
    assert!(full.contains("No places left"), "{full}");
}

#[test]
fn an_empty_list_and_a_failed_load_are_said_in_words() {
    assert!(text(&tab(after(vec![]))).contains("Loading the join links…"));
    let none = text(&tab(after(vec![loaded(vec![])])));
    assert!(
        none.contains("No join links yet: people join only when invited."),
        "{none}"
    );
    let failed = A::finished(
        contract_id(),
        Command::Load,
        Err(problem(500, "", "Something went wrong on our side.")),
    );
    let t = text(&tab(after(vec![failed])));
    assert!(
        t.contains("Could not load the join links. Something went wrong on our side."),
        "{t}"
    );
}

#[test]
fn a_late_answer_for_another_contract_is_dropped() {
    let other = A::finished("other".into(), Command::Load, Ok(Answer::Links(links())));
    assert_eq!(after(vec![other]).links, None);
}

#[test]
fn the_form_asks_a_vouchers_activities_only_and_whether_joiners_need_approval() {
    let html = tab(after(vec![loaded(vec![])]));
    for (id, label) in [
        ("join-audience", "Who it is for"),
        ("join-max-uses", "How many people it admits (optional)"),
        ("join-opens", "Opens on"),
        ("join-closes", "Closes after"),
        ("join-domains", "Only addresses at (optional)"),
    ] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{id}"
        );
    }
    assert!(tag(&html, "join-opens").contains("type=\"date\""));
    assert!(text(&html).contains("Days in your time (UTC)"));
    assert!(html.contains("<legend>Activities a joiner gets</legend>"));
    for a in 1..=3 {
        assert!(html.contains(&format!(
            "<label for=\"join-activity-a{a}\">Activity {a}</label>"
        )));
    }
    let approval = tag(&html, "join-needs-approval");
    assert!(
        approval.contains("type=\"checkbox\"")
            && approval.contains("aria-describedby=\"join-needs-approval-hint\"")
            && !approval.contains("checked"),
        "{approval}"
    );
    assert!(text_between(
        &html,
        "<label for=\"join-needs-approval\" class=\"check\"",
        "</label>"
    )
    .ends_with("Needs an administrator's approval"));
    assert!(
        text_between(&html, "id=\"join-needs-approval-hint\"", "</p>")
            .contains("waits under Join requests")
    );
    assert!(text_between(&html, "id=\"add-join-link\"", "</button>").ends_with("Make the link"));

    // A subscription, or a voucher of one activity, gives every activity: no boxes.
    for (kind, activities) in [("subscription", 3), ("voucher", 1)] {
        let html = tab_of(after(vec![loaded(vec![])]), kind, activities);
        assert!(!html.contains("join-activity-"), "{kind} of {activities}");
    }
}

#[test]
fn the_form_sends_days_in_the_admins_time_and_the_domains_as_a_list() {
    let typed = after(vec![
        A::Type(Field::Audience, "  Sales team ".into()),
        A::Activity("a3".into(), true),
        A::Activity("a1".into(), true),
        A::Activity("a3".into(), false),
        A::Type(Field::MaxUses, " 150 ".into()),
        A::Type(Field::Opens, "2026-03-01".into()),
        A::Type(Field::Closes, "2026-03-31".into()),
        A::Type(
            Field::Domains,
            "corp.example, eu.corp.example  lab.example;".into(),
        ),
    ]);
    assert_eq!(
        typed.form.request(true).unwrap(),
        NewJoinLink {
            audience: "Sales team".into(),
            activities: vec!["a1".into()],
            max_uses: Some(150),
            // Natively the browser's time is UTC: the first day's start, the last day's end.
            opens_at: Some("2026-03-01T00:00:00Z".into()),
            closes_at: Some("2026-03-31T23:59:00Z".into()),
            allowed_domains: vec![
                "corp.example".into(),
                "eu.corp.example".into(),
                "lab.example".into()
            ],
            needs_approval: false,
        }
    );
    // A contract that gives every activity sends none; empty fields send nothing.
    let bare = after(vec![
        A::Type(Field::Audience, "Everyone".into()),
        A::Activity("a1".into(), true),
    ]);
    let sent = bare.form.request(false).unwrap();
    assert_eq!(
        (
            sent.activities.len(),
            sent.max_uses,
            sent.opens_at,
            sent.closes_at
        ),
        (0, None, None, None)
    );
    assert!(sent.allowed_domains.is_empty());
    assert!(!sent.needs_approval);
    let approved = after(vec![
        A::Type(Field::Audience, "Everyone".into()),
        A::Approval(true),
    ]);
    assert!(approved.form.request(false).unwrap().needs_approval);
    assert!(tag(&tab(approved), "join-needs-approval").contains("checked"));
}

#[test]
fn what_is_wrong_in_a_new_link_is_said_at_its_field() {
    let empty = after(vec![]).form.request(true).unwrap_err();
    assert_eq!(empty.code, "invalid_audience");
    let html = tab(after(vec![loaded(vec![]), A::Refused(empty)]));
    assert!(tag(&html, "join-audience").contains("aria-invalid=\"true\""));
    assert!(tag(&html, "join-audience").contains("join-audience-error"));
    assert!(text(&html).contains("Say who the link is for, like \"Sales team, spring intake\"."));

    let no_activity = after(vec![A::Type(Field::Audience, "Sales".into())]);
    assert_eq!(
        no_activity.form.request(true).unwrap_err().code,
        "invalid_activities"
    );
    let words = after(vec![
        A::Type(Field::Audience, "Sales".into()),
        A::Type(Field::MaxUses, "many".into()),
    ]);
    let refusal = words.form.request(false).unwrap_err();
    assert_eq!(refusal.code, "invalid_max_uses");
    assert!(refusal.detail.contains("like 50"), "{}", refusal.detail);

    // The server's refusal of a domain, under the domains field.
    let free_mail = problem(
        400,
        "invalid_domain",
        "The domain gmail.com is a free mail service: anyone can have an address there.",
    );
    let html = tab(after(vec![
        A::Started(Command::Add(
            after(vec![A::Type(Field::Audience, "x".into())])
                .form
                .request(false)
                .unwrap(),
        )),
        A::finished(
            contract_id(),
            Command::Add(NewJoinLink {
                audience: "x".into(),
                activities: vec![],
                max_uses: None,
                opens_at: None,
                closes_at: None,
                allowed_domains: vec![],
                needs_approval: false,
            }),
            Err(free_mail),
        ),
    ]));
    assert!(tag(&html, "join-domains").contains("aria-invalid=\"true\""));
    assert!(text_between(&html, "id=\"join-domains-error\"", "</p>")
        .contains("gmail.com is a free mail service"));
    assert!(!text_between(&html, "id=\"add-join-link\"", "</button>").contains("Making"));
    // A window refused marks both days; a refusal of no field is said above the button.
    let window = after(vec![A::Refused(problem(
        400,
        "invalid_window",
        "The link must close after it opens.",
    ))]);
    let html = tab(window);
    assert!(
        tag(&html, "join-opens").contains("aria-invalid")
            && tag(&html, "join-closes").contains("aria-invalid")
    );
    let many = after(vec![A::Refused(problem(
        409,
        "too_many_join_links",
        "This contract has 50 join links already: disable or reuse one.",
    ))]);
    let alert = text_between(&tab(many), "id=\"add-join-link-alert\"", "</div>");
    assert!(
        alert.contains("Could not make the link. This contract has 50 join links already"),
        "{alert}"
    );
}

#[test]
fn a_new_link_comes_first_and_says_it_is_made() {
    let mut new = link("jl_new", "Night shift");
    new.max_uses = Some(5);
    new.places_left = Some(5);
    let add = Command::Add(NewJoinLink {
        audience: "Night shift".into(),
        activities: vec![],
        max_uses: Some(5),
        opens_at: None,
        closes_at: None,
        allowed_domains: vec![],
        needs_approval: false,
    });
    let state = after(vec![
        loaded(links()),
        A::Type(Field::Audience, "Night shift".into()),
        A::Started(add.clone()),
        A::finished(contract_id(), add, Ok(Answer::Link(Box::new(new)))),
    ]);
    assert_eq!(state.form, Default::default(), "the form is cleared");
    let html = tab(state);
    assert!(html.find("join-link-jl_new").unwrap() < html.find("join-link-jl_sales").unwrap());
    assert!(row_text(&html, "join-link-jl_new").contains("0 of 5 used"));
    let said = text_between(&html, "id=\"join-link-outcome-jl_new\"", "</p>");
    assert!(
        said.contains("The join link for Night shift is made: copy it, or show its QR code."),
        "{said}"
    );
}

#[test]
fn regenerate_asks_first_then_the_old_link_is_gone() {
    let html = tab(after(vec![loaded(links()), A::Ask("jl_sales".into())]));
    let question = text_between(&html, "id=\"regenerate-question-jl_sales\"", "</p>");
    assert!(
        question.contains(
            "Make a new link for Sales team, spring intake? The old link stops working at once."
        ),
        "{question}"
    );
    assert!(
        html.contains("id=\"confirm-regenerate-jl_sales\"")
            && html.contains("id=\"cancel-regenerate-jl_sales\"")
    );
    assert!(
        !html.contains("id=\"regenerate-jl_sales\""),
        "the question takes the buttons' place"
    );

    let mut again = links().remove(0);
    again.code = "code-new".into();
    let html = tab(after(vec![
        loaded(links()),
        A::Copied("jl_sales".into(), true),
        A::Started(Command::Act("jl_sales".into(), Act::Regenerate)),
        changed("jl_sales", Act::Regenerate, again),
    ]));
    assert!(tag(&html, "join-link-url-jl_sales").contains("join#code=code-new"));
    assert!(text(&html).contains("A new link is made: the old one no longer works."));
    assert!(
        !text(&html).contains("Copied."),
        "the new link is not on the clipboard"
    );
}

#[test]
fn a_change_under_way_then_disable_and_enable_say_where_the_link_stands() {
    let working = tab(after(vec![
        loaded(links()),
        A::Started(Command::Act("jl_sales".into(), Act::Disable)),
    ]));
    assert!(tag(&working, "disable-jl_sales").contains("disabled"));
    assert!(text_between(&working, "id=\"disable-jl_sales\"", "</button>").ends_with("Disabling…"));

    let mut off = links().remove(0);
    (off.enabled, off.state) = (false, JoinLinkState::Disabled);
    let html = tab(after(vec![
        loaded(links()),
        changed("jl_sales", Act::Disable, off),
    ]));
    assert!(row_text(&html, "join-link-jl_sales").contains("Disabled"));
    assert!(html.contains("id=\"enable-jl_sales\""));
    assert!(text(&html).contains("Disabled: the link admits nobody until it is enabled."));

    let refused = A::finished(
        contract_id(),
        Command::Act("jl_managers".into(), Act::Enable),
        Err(problem(
            409,
            "join_link_changed",
            "Another administrator changed this join link a moment ago; look at it again.",
        )),
    );
    let html = tab(after(vec![loaded(links()), refused]));
    let said = text_between(&html, "id=\"join-link-outcome-jl_managers\"", "</p>");
    assert!(
        said.contains("Could not enable the link. Another administrator changed this join link"),
        "{said}"
    );
    assert!(tag(&html, "join-link-outcome-jl_managers").contains("role=\"alert\""));
}

#[test]
fn copy_says_whether_it_worked_in_a_live_region() {
    let html = tab(after(vec![
        loaded(links()),
        A::Copied("jl_sales".into(), true),
    ]));
    assert!(text_between(&html, "id=\"copied-jl_sales\"", "</p>").ends_with("Copied."));
    let html = tab(after(vec![
        loaded(links()),
        A::Copied("jl_sales".into(), false),
    ]));
    assert!(text(&html).contains("Could not copy: select the link and copy it yourself."));
}

#[test]
fn the_qr_code_is_drawn_on_demand_with_what_it_opens_in_words() {
    let closed = tab(after(vec![loaded(links())]));
    assert!(!closed.contains("<svg"), "no code is drawn until asked");
    let html = tab(after(vec![loaded(links()), A::Qr("jl_sales".into())]));
    let button = tag(&html, "qr-jl_sales");
    assert!(
        button.contains("aria-expanded=\"true\"")
            && button.contains("aria-controls=\"qr-panel-jl_sales\""),
        "{button}"
    );
    assert!(text_between(&html, "id=\"qr-jl_sales\"", "</button>").ends_with("Hide QR code"));
    let svg = tag(&html, "qr-code-jl_sales");
    assert!(svg.contains("role=\"img\""), "{svg}");
    assert!(
        svg.contains("aria-label=\"QR code that opens the join link for Sales team, spring intake: https://site.example/join#code=code-jl_sales\""),
        "{svg}"
    );
    assert!(html.contains("<path d=\"M"));
    assert!(text(&html)
        .contains("Scanned, this code opens the join link for Sales team, spring intake."));
    assert!(html.contains("id=\"print-qr-jl_sales\""));
    // Shown again on a second press: hidden.
    let hidden = tab(after(vec![
        loaded(links()),
        A::Qr("jl_sales".into()),
        A::Qr("jl_sales".into()),
    ]));
    assert!(!hidden.contains("<svg"));

    // A link's size of code: version 3 or more (29 modules and up) inside a quiet zone of 4.
    let (path, side) =
        qr_path("https://site.example/join#code=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
    assert!(side >= 29 + 8, "{side}");
    // The finder pattern's top row: 7 dark modules from the quiet zone's corner.
    assert!(path.starts_with("M4,4h7v1h-7z"), "{}", &path[..40]);
}

#[test]
fn the_contract_has_a_join_links_tab() {
    let c = contract("voucher", 3, "active");
    let html = render(move || html! { <ContractHeader contract={c} current={Tab::JoinLinks} /> });
    let tab = &html[html
        .find("href=\"/contracts/voucher-3/join-links\"")
        .expect("a link to the tab")..];
    assert!(tab.contains("Join links"), "{html}");
    assert!(html[..html.find("id=\"tab-join-links\"").unwrap()]
        .rfind("aria-current=\"page\"")
        .is_some());
}
