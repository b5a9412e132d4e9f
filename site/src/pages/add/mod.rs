//! `/contracts/:id/add`: Add Invitations. Step 1 chooses the people, by CSV file (picker or
//! drag-and-drop), by addresses pasted, or from the directory (search, tick, Submit). A voucher with several
//! activities then asks for them ("Step 2 of 2"). Add Users sends; the results per person (or the
//! import's progress and report, for a file) are shown here.

mod callbacks;
mod csv;
mod pickers;
mod schedule;
mod state;
mod step;

use callbacks::*;
use csv::*;
pub use pickers::*;
pub use schedule::*;
pub use state::*;
pub use step::*;

use crate::api::{
    self, AddResult, ApiError, Contract, Import, ImportMode, ImportState, MailLanguage, Phase,
    SendAt, User,
};
use crate::components::bulk_actions::addresses_in;
use crate::components::error::ErrorMessage;
use crate::components::form::search_on_submit;
use crate::components::import_report::import_report;
use crate::components::layout::{ContractHeader, ContractUnavailable, Tab};
use crate::components::person_results::PersonResults;
use crate::components::unconfirmed::Unconfirmed;
use crate::format;
use crate::pages::use_contract;
use crate::upload::{self, UploadEvent};
use crate::{AppContext, Route};
use invitations_domain::user::{SEARCH_MAX_PEOPLE, SEARCH_MIN_LETTERS};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{DragEvent, File, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AddInvitationsPageProps {
    pub id: String,
}

/// The tab: its state and its calls live here for as long as the page is shown (one component:
/// each one more adds to what every visitor downloads); the form comes once the contract has.
#[component]
pub fn AddInvitationsPage(props: &AddInvitationsPageProps) -> Html {
    let contract = use_contract(&props.id);
    let ctx = use_context::<AppContext>().expect("AppContext");
    // A system administrator sees everyone at once; a contract admin searches by a few letters
    // first (the API lists the directory to them no other way).
    let everyone = ctx.is_system_admin();
    let state = use_reducer(move || AddState::new(everyone));
    let dispatch = state.dispatcher().to_callback();
    let alive = use_alive();
    let search = search_directory(&ctx, &dispatch);
    {
        let search = search.clone();
        use_effect_with((), move |_| {
            if everyone {
                search.emit(String::new())
            }
        });
    }
    {
        // The contract's groups, offered in the Group field (none when they cannot be read).
        let (ctx, dispatch) = (ctx.clone(), dispatch.clone());
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            ctx.call(
                move |api| async move { api.groups(&id).await },
                move |result| {
                    if let Ok(list) = result {
                        let names = list.groups.into_iter().map(|g| g.name).collect();
                        dispatch.emit(AddAction::Groups(names));
                    }
                },
            );
        });
    }
    let contract = match &contract {
        None => return html! { <p role="status">{"Loading the contract…"}</p> },
        Some(Err(e)) => return html! { <ContractUnavailable error={e.clone()} /> },
        Some(Ok(c)) => c,
    };
    let form = if contract.phase == Phase::Expired {
        html! {
            <p class="notice" role="status">{"This learning contract has expired, so no more invitations can be added."}</p>
        }
    } else {
        let min_query = if everyone { 0 } else { SEARCH_MIN_LETTERS };
        add_invitations(&ctx, contract, &state, &alive, min_query, search)
    };
    html! {
        <>
            <ContractHeader contract={contract.clone()} current={Tab::Add} />
            {form}
        </>
    }
}

/// Step 1 (the way, and who), the last step, then what happened and what next.
fn add_invitations(
    ctx: &AppContext,
    contract: &Contract,
    state: &UseReducerHandle<AddState>,
    alive: &Rc<Cell<bool>>,
    min_query: usize,
    search: Callback<String>,
) -> Html {
    let dispatch = state.dispatcher().to_callback();
    let on_add = add_users(ctx, contract, state, &dispatch, alive);
    let on_invite_checked = invite_checked_people(ctx, &contract.id, &dispatch, alive);
    let finished = state.finished();
    html! {
        <section aria-labelledby="add-heading">
            <h2 id="add-heading">{"Add Invitations"}</h2>
            if !finished {
                {method_tabs(state.method, &dispatch.reform(AddAction::ChooseMethod), state.busy())}
                {method_panel(state, &dispatch, min_query, search)}
                if contract.seat_limit.is_some() && state.method != Method::Csv {
                    {over_limit_wait(state.over_limit_wait, state.busy(), &dispatch)}
                }
                {mail_options(state, contract, &dispatch)}
                {add_step(&AddStepProps {
                    contract,
                    people: state.people(),
                    chosen: &state.chosen,
                    // A time the mails cannot go at is refused at its field first.
                    busy: state.busy() || state.send_at(contract).is_err(),
                    check: state.checking(),
                    on_toggle_activity: dispatch.reform(AddAction::ToggleActivity),
                    on_all: all_activities(contract, &dispatch),
                    on_add,
                })}
            }
            {sent_view(&state.sent, state.scheduled(contract))}
            {csv_progress(&state.progress, &on_invite_checked, state.scheduled(contract))}
            if finished {
                {what_next(&contract.id, dispatch.reform(|_: MouseEvent| AddAction::AddMore))}
            }
        </section>
    }
}

/// True until the page goes: polling an import (or a row's mail) stops when the admin leaves.
#[hook]
pub(crate) fn use_alive() -> Rc<Cell<bool>> {
    let alive = use_memo((), |_| Cell::new(true));
    {
        let alive = alive.clone();
        use_effect_with((), move |_| move || alive.set(false));
    }
    alive
}
