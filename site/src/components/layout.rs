//! The admin header and a contract's tabs.

use crate::api::Contract;
use crate::format;
use crate::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub name: AttrValue,
    pub role: AttrValue,
    /// Whether the People page is offered (system administrators only; the API decides).
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Invitations,
    Add,
    Imports,
    Admins,
    Mail,
}

#[derive(Properties, PartialEq)]
pub struct ContractHeaderProps {
    pub contract: Contract,
    pub current: Tab,
}

/// The contract's name, kind, dates and seats, then its tabs.
#[component]
pub fn ContractHeader(props: &ContractHeaderProps) -> Html {
    let c = &props.contract;
    let tab = |tab: Tab, route: Route, label: &'static str, id: &'static str| {
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
                    {tab(Tab::Invitations, Route::Invitations { id: c.id.clone() }, "Invitations", "tab-invitations")}
                    {tab(Tab::Add, Route::AddInvitations { id: c.id.clone() }, "Add Invitations", "tab-add")}
                    {tab(Tab::Imports, Route::Imports { id: c.id.clone() }, "Imports", "tab-imports")}
                    {tab(Tab::Admins, Route::Admins { id: c.id.clone() }, "Admins", "tab-admins")}
                    {tab(Tab::Mail, Route::Mail { id: c.id.clone() }, "Mail and reminders", "tab-mail")}
                </ul>
            </nav>
        </>
    }
}
