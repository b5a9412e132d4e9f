//! `/contracts/:id/integrations` (a contract's Integrations tab, for its admins) and
//! `/integrations` (system administrators: the endpoints that hear every contract): webhook
//! endpoints, where the product's events are sent over HTTP, signed per Standard Webhooks. One
//! page with a scope: the list, Add an endpoint, and per endpoint Rotate secret (after a
//! question), Disable or Enable, Send a test event, and its Deliveries with each attempt and
//! Replay. A new endpoint's secret, or a rotated one, is shown on this visit only: the API never
//! shows it again.

mod add;
mod deliveries;
mod endpoints;
mod state;

pub use add::*;
pub use deliveries::*;
pub use endpoints::*;
pub use state::*;

use crate::api::events::EventType;
use crate::api::{
    Api, ApiError, NewWebhookEndpoint, WebhookEndpoint, WebhookMessage, WebhookMessageList,
    WebhookMessageState, WebhookSecretShown,
};
use crate::by_id::ById;
use crate::components::confirm::Confirm;
use crate::components::error::ErrorMessage;
use crate::components::layout::{use_title, ContractHeader, ContractUnavailable, Tab};
use crate::components::outcome::Outcome;
use crate::format;
use crate::pages::mail::Request;
use crate::pages::use_contract;
use crate::AppContext;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct IntegrationsPageProps {
    pub scope: Scope,
}

#[component]
pub fn IntegrationsPage(props: &IntegrationsPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let state = use_reducer(IntegrationsState::default);
    // Every contract's endpoints are for system administrators (the API decides too).
    let allowed = props.scope != Scope::Every || ctx.is_system_admin();
    let run = {
        let (state, scope) = (state.clone(), props.scope.clone());
        Callback::from(move |command: Command| {
            let (state, scope) = (state.clone(), scope.clone());
            state.dispatch(IntegrationsAction::Started(command.clone()));
            let (asked, of) = (command.clone(), scope.clone());
            ctx.call(
                move |api| command.run(api, of),
                move |result| state.dispatch(IntegrationsAction::finished(scope, asked, result)),
            );
        })
    };
    {
        let (run, state) = (run.clone(), state.clone());
        use_effect_with((props.scope.clone(), allowed), move |(scope, allowed)| {
            state.dispatch(IntegrationsAction::Reset(scope.clone()));
            if *allowed {
                run.emit(Command::Load);
            }
        });
    }
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: IntegrationsAction| state.dispatch(a))
    };
    let view = html! {
        <IntegrationsView scope={props.scope.clone()} state={(*state).clone()} {allowed} {dispatch} {run} />
    };
    match &props.scope {
        Scope::Contract(id) => html! { <ContractFrame id={id.clone()}>{view}</ContractFrame> },
        Scope::Every => html! { <EveryFrame>{view}</EveryFrame> },
    }
}

#[derive(Properties, PartialEq)]
struct FrameProps {
    #[prop_or_default]
    id: String,
    children: Html,
}

/// The contract's header and tabs above the page, or why the contract cannot be opened.
#[component]
fn ContractFrame(props: &FrameProps) -> Html {
    match use_contract(&props.id) {
        None => html! { <p role="status">{"Loading the contract…"}</p> },
        Some(Err(e)) => html! { <ContractUnavailable error={e} /> },
        Some(Ok(contract)) => html! {
            <>
                <ContractHeader {contract} current={Tab::Integrations} />
                {props.children.clone()}
            </>
        },
    }
}

#[component]
fn EveryFrame(props: &FrameProps) -> Html {
    use_title("Integrations".to_owned());
    html! { <><h1>{"Integrations"}</h1>{props.children.clone()}</> }
}

#[derive(Properties, PartialEq)]
pub struct IntegrationsViewProps {
    pub scope: Scope,
    pub state: IntegrationsState,
    /// False: someone who is not a system administrator, at every contract's endpoints.
    #[prop_or(true)]
    pub allowed: bool,
    pub dispatch: Callback<IntegrationsAction>,
    pub run: Callback<Command>,
}

/// What endpoints are, Add an endpoint, then the endpoints.
#[component]
pub fn IntegrationsView(props: &IntegrationsViewProps) -> Html {
    if !props.allowed {
        return html! {
            <p class="error" role="alert" id="integrations-forbidden">
                {"Only system administrators manage the endpoints that hear every learning contract. A contract's own endpoints are on its Integrations tab."}
            </p>
        };
    }
    let s = &props.state;
    let intro = match props.scope {
        Scope::Contract(_) => "Webhook endpoints get this learning contract's events as they happen: each one is sent to the endpoint's address over HTTP, signed with its secret (Standard Webhooks), and tried again for up to 5 days.",
        Scope::Every => "Webhook endpoints here get the events of every learning contract, each signed with the endpoint's secret (Standard Webhooks). A contract's own endpoints are on its Integrations tab.",
    };
    html! {
        <>
            <p class="hint">{intro}</p>
            {add_form(&s.form, &props.dispatch, &props.run)}
            <section aria-labelledby="endpoints-heading">
                <h2 id="endpoints-heading">{"Endpoints"}</h2>
                {match &s.endpoints {
                    None => html! { <p role="status">{"Loading the endpoints…"}</p> },
                    Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the endpoints" /> },
                    Some(Ok(list)) if list.is_empty() => html! {
                        <p class="empty" id="no-endpoints">{"No endpoints yet: events go nowhere until one is added."}</p>
                    },
                    Some(Ok(list)) => endpoints_table(list, s, &props.dispatch, &props.run),
                }}
            </section>
        </>
    }
}
