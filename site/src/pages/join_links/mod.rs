//! `/contracts/:id/join-links`: a contract's Join links tab (issue 30). Admins make a link per
//! audience (`<site>/join#code=…`) that people with an allowed address use to join the
//! contract themselves: how many it admits, when, from which domains. Per link: Copy link, its
//! QR code for print, Regenerate (after a question: the old link stops at once), Disable or
//! Enable. Under the links, the contract's join requests (Approve, or Refuse after a question)
//! and its waiting list (Move to front, Up, Down, or Remove after a question), when anyone is
//! in them.

mod form;
mod lines;
mod links;
mod qr;
mod queues;
mod state;

pub use form::*;
pub use lines::*;
pub use links::*;
pub use qr::*;
pub use queues::*;
pub use state::*;

use crate::api::routes::{self, Route};
use crate::api::{
    join_url, Api, ApiError, Contract, JoinLink, JoinLinkState, NewJoinLink, WaitingEntry,
    WaitingMoveTo,
};
use crate::components::confirm::Confirm;
use crate::components::error::ErrorMessage;
use crate::components::layout::{ContractHeader, ContractUnavailable, Tab};
use crate::components::outcome::Outcome;
use crate::format;
use crate::pages::use_contract;
use crate::AppContext;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct JoinLinksPageProps {
    pub id: String,
}

#[component]
pub fn JoinLinksPage(props: &JoinLinksPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let state = use_reducer(JoinLinksState::default);
    let run = {
        let (state, id) = (state.clone(), props.id.clone());
        Callback::from(move |command: Command| {
            let (state, id) = (state.clone(), id.clone());
            state.dispatch(JoinLinksAction::Started(command.clone()));
            let (asked, of) = (command.clone(), id.clone());
            ctx.call(
                move |api| command.run(api, of),
                move |result| {
                    let focus = focus_after(&asked, &result);
                    state.dispatch(JoinLinksAction::finished(id, asked, result));
                    if let Some(ids) = focus {
                        focus_first(ids);
                    }
                },
            );
        })
    };
    {
        let (run, state) = (run.clone(), state.clone());
        use_effect_with(props.id.clone(), move |id| {
            state.dispatch(JoinLinksAction::Reset(id.clone()));
            run.emit(Command::Load);
            run.emit(Command::LoadQueue(Queue::Requests));
            run.emit(Command::LoadQueue(Queue::Waiting));
        });
    }
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: JoinLinksAction| state.dispatch(a))
    };
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let view = |contract: &Contract| {
        JoinLinksView {
            contract,
            state: &state,
            origin: &origin,
            dispatch: &dispatch,
            run: &run,
        }
        .html()
    };
    match use_contract(&props.id) {
        None => html! { <p role="status">{"Loading the contract…"}</p> },
        Some(Err(e)) => html! { <ContractUnavailable error={e} /> },
        Some(Ok(contract)) => html! {
            <>
                <ContractHeader contract={contract.clone()} current={Tab::JoinLinks} />
                {view(&contract)}
            </>
        },
    }
}

/// The tab under the contract's header: plain data, so that tests render it natively.
pub struct JoinLinksView<'a> {
    pub contract: &'a Contract,
    pub state: &'a JoinLinksState,
    /// The site's origin, that the links to share start with.
    pub origin: &'a str,
    pub dispatch: &'a Callback<JoinLinksAction>,
    pub run: &'a Callback<Command>,
}

impl JoinLinksView<'_> {
    /// What join links are, the form for a new one, the links, then who waits.
    pub fn html(&self) -> Html {
        let s = self.state;
        html! {
            <>
                <p class="hint">{"A join link lets people join this learning contract themselves: share it (or print its QR code) with one audience. Each person proves their address through a mail before they get a place, and the contract's seats still apply."}</p>
                {link_form(self.contract, &s.form, self.dispatch, self.run)}
                <section aria-labelledby="join-links-heading">
                    <h2 id="join-links-heading">{"Join links"}</h2>
                    {match &s.links {
                        None => html! { <p role="status">{"Loading the join links…"}</p> },
                        Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the join links" /> },
                        Some(Ok(list)) if list.is_empty() => html! {
                            <p class="empty" id="no-join-links">{"No join links yet: people join only when invited."}</p>
                        },
                        Some(Ok(list)) => links_table(list, self),
                    }}
                </section>
                {queue_section(Queue::Requests, self)}
                {queue_section(Queue::Waiting, self)}
            </>
        }
    }
}
