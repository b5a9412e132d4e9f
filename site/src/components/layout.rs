//! The admin header, a contract's tabs, each page's title, and the page for a contract that
//! cannot be opened.

use crate::api::{ApiError, Contract};
use crate::components::error::ErrorMessage;
use crate::format;
use crate::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub name: AttrValue,
    pub role: AttrValue,
    /// Whether the People, Privacy and Integrations pages are offered (system administrators only; the API decides).
    #[prop_or_default]
    pub system_admin: bool,
    pub on_sign_out: Callback<()>,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let on_sign_out = props.on_sign_out.reform(|_: MouseEvent| ());
    let route = use_route::<Route>();
    let current = |r: Route| (route.as_ref() == Some(&r)).then_some("page");
    html! {
        <header class="top">
            <a class="skip" href="#main">{"Skip to content"}</a>
            <nav aria-label="Main" class="main-nav">
                <Link<Route> to={Route::Contracts} classes="brand">{"Learning Contracts"}</Link<Route>>
                if props.system_admin {
                    <ul>
                        <li><span aria-current={current(Route::Contracts)}>
                            <Link<Route> to={Route::Contracts}><span id="nav-contracts">{"Contracts"}</span></Link<Route>>
                        </span></li>
                        <li><span aria-current={current(Route::People)}>
                            <Link<Route> to={Route::People}><span id="nav-people">{"People"}</span></Link<Route>>
                        </span></li>
                        <li><span aria-current={current(Route::Privacy)}>
                            <Link<Route> to={Route::Privacy}><span id="nav-privacy">{"Privacy"}</span></Link<Route>>
                        </span></li>
                        <li><span aria-current={current(Route::Integrations)}>
                            <Link<Route> to={Route::Integrations}><span id="nav-integrations">{"Integrations"}</span></Link<Route>>
                        </span></li>
                    </ul>
                }
            </nav>
            <div class="who">
                <span>{"Signed in as "}<strong>{props.name.clone()}</strong>{" · "}{props.role.clone()}</span>
                <button id="sign-out" type="button" class="link" onclick={on_sign_out}>{"Sign out"}</button>
            </div>
        </header>
    }
}

thread_local! {
    /// Whether a page has set the title before: the first page of a visit keeps the browser's
    /// own focus; every later one moves it to its heading (issue 28).
    static NAVIGATED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The first page of this load was reached by a link from a page of another of the site's
/// bundles (crate::bundles): it moves the focus to its heading too.
pub fn navigated() {
    NAVIGATED.with(|n| n.set(true));
}

/// The browser's title for this page ("Invitations · Nursing voucher · Learning Contracts"),
/// and, after a navigation inside the site, the focus on the page's heading, so that a screen
/// reader says where the person now is.
#[hook]
pub fn use_title(title: String) {
    use_effect_with(title, |title| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        document.set_title(&if title.is_empty() {
            "Learning Contracts".to_owned()
        } else {
            format!("{title} · Learning Contracts")
        });
        if NAVIGATED.with(|n| n.replace(true)) {
            if let Ok(Some(heading)) = document.query_selector("main h1") {
                // A heading is not focusable by default; -1 keeps it out of the tab order.
                let _ = heading.set_attribute("tabindex", "-1");
                if let Ok(heading) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(heading)
                {
                    let _ = heading.focus();
                }
            }
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct ContractUnavailableProps {
    pub error: ApiError,
}

/// A contract tab that cannot open its contract: a heading that says why, what to do, and the
/// way back (issue 28: no dead end).
#[component]
pub fn ContractUnavailable(props: &ContractUnavailableProps) -> Html {
    let e = &props.error;
    let (title, advice) = match e.status {
        403 => (
            "You do not manage this learning contract",
            "Only its admins and the system administrators can open it. If you should be one of its admins, ask a system administrator to add you on its Admins tab.",
        ),
        404 => (
            "There is no such learning contract",
            "The link may be mistyped, or the contract may have been removed.",
        ),
        _ => (
            "This learning contract could not be opened",
            "Try again in a moment.",
        ),
    };
    use_title(title.to_owned());
    html! {
        <section class="unavailable" id="contract-unavailable">
            <h1>{title}</h1>
            if e.status == 403 && !e.detail.is_empty() {
                // The API's sentence names the contract's admins to ask.
                <p id="unavailable-why">{e.detail.clone()}</p>
            } else if e.status == 403 || e.status == 404 {
                <p>{advice}</p>
            } else {
                <ErrorMessage error={e.clone()} context="Could not load the learning contract" />
                <p>{advice}</p>
            }
            <p><Link<Route> to={Route::Contracts}>{"Back to your learning contracts"}</Link<Route>></p>
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Invitations,
    Add,
    Imports,
    JoinLinks,
    Admins,
    Mail,
    Audit,
    Integrations,
}

#[derive(Properties, PartialEq)]
pub struct ContractHeaderProps {
    pub contract: Contract,
    pub current: Tab,
}

impl Tab {
    /// Its name, as its tab and the page's title say it.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Invitations => "Invitations",
            Tab::Add => "Add Invitations",
            Tab::Imports => "Imports",
            Tab::JoinLinks => "Join links",
            Tab::Admins => "Admins",
            Tab::Mail => "Mail and reminders",
            Tab::Audit => "Audit",
            Tab::Integrations => "Integrations",
        }
    }
}

/// The contract's name, kind, dates and seats, then its tabs.
#[component]
pub fn ContractHeader(props: &ContractHeaderProps) -> Html {
    let c = &props.contract;
    use_title(format!("{} · {}", props.current.label(), c.name));
    let tab = |tab: Tab, route: Route, id: &'static str| {
        let label = tab.label();
        let current = (tab == props.current).then_some("page");
        html! {
            <li>
                <span aria-current={current}>
                    <Link<Route> to={route} classes={classes!("tab", current.map(|_| "current"))}>
                        <span {id}>{label}</span>
                    </Link<Route>>
                </span>
            </li>
        }
    };
    let seats = match (c.seat_limit, c.seats_left) {
        (Some(limit), Some(left)) => format!(
            "{} of {} seats used, {} left",
            format::count(c.seats_used),
            format::count(limit),
            format::count(left)
        ),
        _ => format!("{} seats used, no limit", format::count(c.seats_used)),
    };
    html! {
        <>
            <p class="crumbs"><Link<Route> to={Route::Contracts}>{"Learning Contracts"}</Link<Route>>{" › "}{c.name.clone()}</p>
            <h1>{c.name.clone()}</h1>
            <p class="facts">
                <span class={classes!("phase", c.phase.label().to_lowercase())}>{c.phase.label()}</span>
                {" "}{c.kind.label()}{" · "}
                {format::date(&c.starts_at)}{" – "}{format::date(&c.ends_at)}{" · "}{seats}
            </p>
            <nav aria-label="Contract">
                <ul class="tabs">
                    {tab(Tab::Invitations, Route::Invitations { id: c.id.clone() }, "tab-invitations")}
                    {tab(Tab::Add, Route::AddInvitations { id: c.id.clone() }, "tab-add")}
                    {tab(Tab::Imports, Route::Imports { id: c.id.clone() }, "tab-imports")}
                    {tab(Tab::JoinLinks, Route::JoinLinks { id: c.id.clone() }, "tab-join-links")}
                    {tab(Tab::Admins, Route::Admins { id: c.id.clone() }, "tab-admins")}
                    {tab(Tab::Mail, Route::Mail { id: c.id.clone() }, "tab-mail")}
                    {tab(Tab::Audit, Route::Audit { id: c.id.clone() }, "tab-audit")}
                    {tab(Tab::Integrations, Route::ContractIntegrations { id: c.id.clone() }, "tab-integrations")}
                </ul>
            </nav>
        </>
    }
}
