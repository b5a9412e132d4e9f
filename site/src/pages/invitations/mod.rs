//! `/contracts/:id`: a contract's Invitations tab. Search by email, filter by status, page
//! through thousands (the API pages by cursor), and Resend or Revoke each invitation with the
//! outcome shown in its row. A pending invitation whose mail bounced, was marked as spam or could
//! not be sent offers Correct address (an in-row form) and Clear block (asked first). Rows can be
//! selected for the bulk actions (components/bulk_actions.rs), which otherwise act on the filter.
//! Each row's History button opens the invitation's history under it; Export downloads the
//! invitations the search and status filter match as a CSV file.

mod correct;
mod history;
mod search;
mod state;
mod table;

pub use correct::*;
pub use history::*;
pub use search::*;
pub use state::*;
pub use table::*;

use crate::api::InvitationFilter;
use crate::api::{
    ApiError, Download, HistoryEntry, Invitation, InvitationChange, InvitationHistory,
    InvitationList, InvitationQuery, InvitationStatus,
};
use crate::components::bulk_actions::BulkActions;
use crate::components::confirm::Confirm;
use crate::components::error::ErrorMessage;
use crate::components::funnel::FunnelSection;
use crate::components::layout::{ContractHeader, Tab};
use crate::components::outcome::Outcome;
use crate::components::status::{delivery_text, StatusBadge};
use crate::format;
use crate::pages::use_contract;
use crate::{AppContext, Route};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvitationsPageProps {
    pub id: String,
}

#[component]
pub fn InvitationsPage(props: &InvitationsPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let contract = use_contract(&props.id);
    let state = use_reducer(InvitationsState::default);
    {
        let (ctx, state_handle, id) = (ctx.clone(), state.clone(), props.id.clone());
        use_effect_with(
            (id, state.query(), state.generation),
            move |(id, query, _)| {
                let (id, query) = (id.clone(), query.clone());
                let asked = query.clone();
                ctx.call(
                    move |api| async move { api.invitations(&id, &asked).await },
                    move |result| state_handle.dispatch(InvitationsAction::Loaded(query, result)),
                );
            },
        );
    }
    let act = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |(invitation_id, action): (String, RowAction)| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(InvitationsAction::Started(invitation_id.clone(), action));
            yew::platform::spawn_local(async move {
                let api = ctx.api();
                let result = match action {
                    RowAction::Resend => api.resend(&id, &invitation_id).await,
                    RowAction::Revoke => api.revoke(&id, &invitation_id).await,
                    RowAction::ClearBlock => api.clear_block(&id, &invitation_id).await,
                    // Saved through `correct` below, which has the address.
                    RowAction::CorrectAddress => return,
                };
                let result = result.map_err(|e| ctx.check(e));
                state.dispatch(InvitationsAction::Finished(
                    invitation_id,
                    action,
                    Box::new(result),
                ));
            });
        })
    };
    let correct = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |(invitation_id, email): (String, String)| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(InvitationsAction::CorrectSubmitted(
                invitation_id.clone(),
                email.clone(),
            ));
            let invitation = invitation_id.clone();
            ctx.call(
                move |api| async move { api.correct_address(&id, &invitation, &email).await },
                move |result| {
                    state.dispatch(InvitationsAction::Finished(
                        invitation_id,
                        RowAction::CorrectAddress,
                        Box::new(result),
                    ))
                },
            );
        })
    };
    let history = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |(invitation_id, cursor): (String, Option<String>)| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(InvitationsAction::HistoryRequested(invitation_id.clone()));
            let invitation = invitation_id.clone();
            ctx.call(
                move |api| async move { api.history(&id, &invitation, cursor.as_deref()).await },
                move |result| {
                    state.dispatch(InvitationsAction::HistoryLoaded(invitation_id, result))
                },
            );
        })
    };
    let export = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |_: MouseEvent| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            let search = state.search.clone();
            state.dispatch(InvitationsAction::ExportStarted);
            yew::platform::spawn_local(async move {
                let result = ctx
                    .api()
                    .export(&id, &search.q, search.status)
                    .await
                    .map_err(|e| ctx.check(e))
                    .and_then(|download| {
                        save_file(&download.file_name, &download.text).map_err(|_| ApiError {
                            status: 0,
                            code: "download".into(),
                            title: "Download failed".into(),
                            detail: "The browser did not save the file. Please try again.".into(),
                        })?;
                        // Lines less the header (no cell holds a line break).
                        let rows = download.text.lines().count().saturating_sub(1);
                        Ok((download, rows))
                    });
                state.dispatch(InvitationsAction::ExportFinished(result));
            });
        })
    };
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: InvitationsAction| state.dispatch(a))
    };
    // A contract that cannot be opened (someone else's, or none) gets no tools, only why.
    if let Some(Err(e)) = &contract {
        return html! { <ErrorMessage error={e.clone()} context="Could not load the learning contract" /> };
    }
    html! {
        <>
            {match &contract {
                Some(Ok(c)) => html! { <ContractHeader contract={c.clone()} current={Tab::Invitations} /> },
                _ => html! { <p role="status">{"Loading the contract…"}</p> },
            }}
            <FunnelSection contract_id={props.id.clone()} />
            <h2 class="visually-hidden">{"Invitations"}</h2>
            <p>
                <Link<Route> to={Route::AddInvitations { id: props.id.clone() }} classes="button primary">
                    <span id="add-invitations">{"Add Invitations"}</span>
                </Link<Route>>
            </p>
            <InvitationSearch search={state.search.clone()} on_search={dispatch.reform(InvitationsAction::Search)} />
            <BulkActions contract_id={props.id.clone()} selected={state.selected.iter().cloned().collect::<Vec<_>>()}
                filter={state.filter()} on_finished={{
                    let (dispatch, search) = (dispatch.clone(), state.search.clone());
                    Callback::from(move |_: ()| dispatch.emit(InvitationsAction::Search(search.clone())))
                }} />
            <ExportButton search={state.search.clone()} state={state.export.clone()} on_export={export} />
            <InvitationsView state={(*state).clone()} on_action={act} on_correct={correct} on_history={history} {dispatch} />
        </>
    }
}
