//! `/contracts/:id`: a contract's Invitations tab. Search by name or any part of an address, filter by status, page
//! through thousands (the API pages by cursor), and Resend or Revoke each invitation with the
//! outcome shown in its row. A pending invitation whose mail bounced, was marked as spam or could
//! not be sent offers Correct address (an in-row form) and Clear block (asked first). Rows can be
//! selected for the bulk actions (components/bulk_actions.rs), which otherwise act on the filter.
//! Each row's History button opens the invitation's history under it; Export downloads the
//! invitations the search and status filter match as a CSV file.

mod correct;
mod filters;
mod groups;
mod history;
pub mod search;
mod state;
mod table;

pub use correct::*;
pub use filters::*;
pub use groups::*;
pub use history::*;
pub use search::*;
pub use state::*;
pub use table::*;

use crate::api::InvitationFilter;
use crate::api::{
    ApiError, Contract, DeliveryState, Download, HistoryEntry, Invitation, InvitationChange,
    InvitationHistory, InvitationList, InvitationQuery, InvitationStatus, StatusCounts,
};
use crate::by_id::ById;
use crate::components::bulk_actions::BulkActions;
use crate::components::confirm::Confirm;
use crate::components::countdown::{retry_after, RetryCountdown};
use crate::components::error::ErrorMessage;
use crate::components::funnel::FunnelSection;
use crate::components::layout::{ContractHeader, ContractUnavailable, Tab};
use crate::components::outcome::Outcome;
use crate::components::status::{delivery_text, StatusBadge};
use crate::format;
use crate::pages::add::use_alive;
use crate::pages::use_contract;
use crate::{AppContext, Route};
use std::cell::Cell;
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
    // Opened on the search its address names (a reload, a shared link).
    let state = use_reducer(|| InvitationsState {
        search: search::search_in_url(),
        ..InvitationsState::default()
    });
    // The contract read again after a change (its seats and counts), over the one first read.
    let fresh = use_state(|| None::<Contract>);
    let (offered, reread_groups) = use_offered(&props.id);
    let alive = use_alive();
    let changes = Changes {
        ctx: ctx.clone(),
        contract_id: props.id.clone(),
        state: state.clone(),
        fresh: fresh.clone(),
        alive,
    };
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
        let changes = changes.clone();
        Callback::from(move |(invitation_id, action): (String, RowAction)| {
            // Correct address is saved through `correct` below, which has the address.
            if action != RowAction::CorrectAddress {
                changes.make(invitation_id, action, None);
            }
        })
    };
    let correct = {
        let changes = changes.clone();
        Callback::from(move |(invitation_id, email): (String, String)| {
            changes.make(invitation_id, RowAction::CorrectAddress, Some(email));
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
                    .export(&id, &search.filter(), search.descending)
                    .await
                    .map_err(|e| ctx.check(e))
                    .and_then(|download| {
                        save_download(&download, "text/csv;charset=utf-8")?;
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
        return html! { <ContractUnavailable error={e.clone()} /> };
    }
    // A new search, filter or order: the page's address follows it (a reload, a shared link).
    let searched = dispatch.reform(|search: Search| {
        search::show_in_url(&search);
        InvitationsAction::Search(search)
    });
    let rows = match &state.page {
        Some(Ok(list)) => list.invitations.as_slice(),
        _ => &[],
    };
    let groups = offered.groups.as_ref();
    let choices = filter_choices(
        &offered.admins,
        &offered.imports,
        groups,
        rows,
        &state.search,
    );
    let fresh = fresh.as_ref().filter(|c| c.id == props.id);
    let contract = fresh.or(contract.as_ref().and_then(|c| c.as_ref().ok()));
    html! {
        <>
            {match contract {
                Some(c) => html! { <ContractHeader contract={c.clone()} current={Tab::Invitations} /> },
                None => html! { <p role="status">{"Loading the contract…"}</p> },
            }}
            <FunnelSection contract_id={props.id.clone()} />
            <h2 class="visually-hidden">{"Invitations"}</h2>
            <p>
                <Link<Route> to={Route::AddInvitations { id: props.id.clone() }} classes="button primary">
                    <span id="add-invitations">{"Add Invitations"}</span>
                </Link<Route>>
            </p>
            if let Some(groups) = groups {
                {groups_view(groups, &state.search, &searched)}
            }
            <InvitationSearch search={state.search.clone()} on_search={searched.clone()} />
            {invitation_filters(&state.search, &choices, &searched)}
            <BulkActions contract_id={props.id.clone()} selected={state.selected.ids().cloned().collect::<Vec<_>>()}
                filter={state.filter()} on_finished={{
                    let (dispatch, search) = (dispatch.clone(), state.search.clone());
                    Callback::from(move |_: ()| {
                        dispatch.emit(InvitationsAction::Search(search.clone()));
                        changes.reread(None);
                        reread_groups.emit(());
                    })
                }} />
            {export_button(&state.search, state.export.as_ref(), export)}
            {invitations_view(&state, &RowCalls { on_action: act, on_correct: correct, on_history: history, dispatch })}
        </>
    }
}

/// What the filters offer, read once the page opens: the contract's admins, imports and groups.
#[derive(Default, PartialEq)]
struct Offered {
    admins: Vec<crate::api::Admin>,
    imports: Vec<crate::api::Import>,
    groups: Option<crate::api::GroupList>,
}

/// The contract's admins, imports and groups (none when they cannot be read), and a callback
/// that reads them again (the groups' figures after a bulk action).
#[hook]
fn use_offered(id: &str) -> (UseStateHandle<Offered>, Callback<()>) {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let offered = use_state(Offered::default);
    let reads = use_state(|| 0u32);
    {
        let offered = offered.clone();
        use_effect_with((id.to_owned(), *reads), move |(id, _)| {
            let id = id.clone();
            ctx.call(
                move |api| async move {
                    Ok((
                        api.admins(&id).await,
                        api.imports(&id).await,
                        api.groups(&id).await,
                    ))
                },
                move |result: Result<_, ApiError>| {
                    if let Ok((admins, imports, groups)) = result {
                        offered.set(Offered {
                            admins: admins.unwrap_or_default(),
                            imports: imports.unwrap_or_default(),
                            groups: groups.ok(),
                        });
                    }
                },
            );
        });
    }
    let reread = Callback::from(move |_: ()| reads.set(*reads + 1));
    (offered, reread)
}

/// What a row's change needs beyond the row: the API, the tab's state, the contract read again,
/// and whether the page is still shown (following a mail stops when it goes).
#[derive(Clone)]
struct Changes {
    ctx: AppContext,
    contract_id: String,
    state: UseReducerHandle<InvitationsState>,
    fresh: UseStateHandle<Option<Contract>>,
    alive: Rc<Cell<bool>>,
}

impl Changes {
    /// Resends, revokes, clears the block on or moves (`email`) an invitation; its row shows the
    /// answer, then what follows from it (`reread`).
    fn make(&self, invitation_id: String, action: RowAction, email: Option<String>) {
        let this = self.clone();
        self.state.dispatch(match &email {
            Some(email) => {
                InvitationsAction::CorrectSubmitted(invitation_id.clone(), email.clone())
            }
            None => InvitationsAction::Started(invitation_id.clone(), action),
        });
        yew::platform::spawn_local(async move {
            let (api, id, inv) = (this.ctx.api(), &this.contract_id, &invitation_id);
            let result = match (action, email) {
                (RowAction::Resend | RowAction::SendNow, _) => api.resend(id, inv).await,
                (RowAction::Revoke, _) => api.revoke(id, inv).await,
                (RowAction::ClearBlock, _) => api.clear_block(id, inv).await,
                (RowAction::CorrectAddress, email) => {
                    api.correct_address(id, inv, &email.unwrap_or_default())
                        .await
                }
            };
            let result = result.map_err(|e| this.ctx.check(e));
            let changed = result.as_ref().ok().map(|c| c.invitation.clone());
            this.state.dispatch(InvitationsAction::Finished(
                invitation_id,
                action,
                Box::new(result),
            ));
            if let Some(invitation) = changed {
                this.follow(Some(invitation)).await;
            }
        });
    }

    /// After a change: the contract's counts (and seats) read again; see `follow`.
    fn reread(&self, invitation: Option<Invitation>) {
        let this = self.clone();
        yew::platform::spawn_local(async move { this.follow(invitation).await });
    }

    /// Reads the contract again for its counts line and header, then, while the invitation's
    /// mail waits to go out, its row every 2 s (for about 30 s, while the page is shown), so
    /// Delivery and Last sent show when it leaves.
    async fn follow(&self, invitation: Option<Invitation>) {
        let api = self.ctx.api();
        if let Ok(contract) = api.contract(&self.contract_id).await {
            self.state
                .dispatch(InvitationsAction::CountsRead(contract.counts));
            self.fresh.set(Some(contract));
        }
        let Some(mut row) = invitation else { return };
        for _ in 0..15 {
            if !mail_on_its_way(&row) || !self.alive.get() {
                return;
            }
            gloo_timers::future::TimeoutFuture::new(2_000).await;
            match api.invitation(&self.contract_id, &row.id).await {
                Ok(read) if self.alive.get() => {
                    row = read.clone();
                    self.state
                        .dispatch(InvitationsAction::RowRead(Box::new(read)));
                }
                Ok(_) => return,
                // A read that failed is tried again at the next tick; a session that ended
                // ends it.
                Err(e) if e.is_unauthenticated() => {
                    self.ctx.check(e);
                    return;
                }
                Err(_) => {}
            }
        }
    }
}
