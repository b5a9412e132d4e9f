//! `/contracts/:id`: a contract's Invitations tab. Search by email, filter by status, page
//! through thousands (the API pages by cursor), and Resend or Revoke each invitation with the
//! outcome shown in its row. A pending invitation whose mail bounced, was marked as spam or could
//! not be sent offers Correct address (an in-row form) and Clear block (asked first). Rows can be
//! selected for the bulk actions (components/bulk_actions.rs), which otherwise act on the filter.
//! Each row's History button opens the invitation's history under it; Export downloads the
//! invitations the search and status filter match as a CSV file.

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
use crate::components::status::{delivery_text, StatusBadge};
use crate::format;
use crate::pages::use_contract;
use crate::{AppContext, Route};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;
use yew_router::prelude::*;

pub const PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Resend,
    Revoke,
    CorrectAddress,
    ClearBlock,
}

/// Where one row's action stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    /// Revoke was pressed; waiting for the admin to confirm.
    ConfirmRevoke,
    /// Clear block was pressed; waiting for the admin to confirm.
    ConfirmClearBlock,
    /// The Correct address form is open, with the address last tried (the old one at first),
    /// whether it is being saved, and the last refusal in words.
    Correcting {
        email: String,
        working: bool,
        refusal: Option<String>,
    },
    Working(RowAction),
    Done(String),
    Failed(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub q: String,
    pub status: Option<InvitationStatus>,
}

/// An invitation's history, opened under its row: the entries read so far (newest first),
/// whether older ones exist, and whether a page is on its way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryPanel {
    pub entries: Vec<HistoryEntry>,
    pub next_cursor: Option<String>,
    pub loading: bool,
    pub error: Option<String>,
    /// After "Show older entries": the first of the entries it brought, which takes focus (the
    /// button that had it may be gone).
    pub focus_entry: Option<usize>,
}

/// Where the export stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportState {
    Working,
    Done(String),
    Failed(String),
}

/// The tab's state: the search, the pages visited, the current page and each row's action.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationsState {
    pub search: Search,
    /// The cursor of every page visited so far; the last is the current page (`None` = first).
    pub cursors: Vec<Option<String>>,
    /// `None` while the page loads.
    pub page: Option<Result<InvitationList, ApiError>>,
    pub rows: BTreeMap<String, RowState>,
    /// Invitations selected on the current page, for the bulk actions.
    pub selected: BTreeSet<String>,
    /// The histories open on this page, by invitation id.
    pub histories: BTreeMap<String, HistoryPanel>,
    pub export: Option<ExportState>,
    /// Bumped by every search, so searching again for the same thing reloads.
    pub generation: u32,
}

impl Default for InvitationsState {
    fn default() -> Self {
        Self {
            search: Search::default(),
            cursors: vec![None],
            page: None,
            rows: BTreeMap::new(),
            selected: BTreeSet::new(),
            histories: BTreeMap::new(),
            export: None,
            generation: 0,
        }
    }
}

impl InvitationsState {
    pub fn query(&self) -> InvitationQuery {
        InvitationQuery {
            q: self.search.q.clone(),
            status: self.search.status,
            cursor: self.cursors.last().cloned().flatten(),
            limit: PAGE_SIZE,
        }
    }

    /// The search as the bulk actions' filter.
    pub fn filter(&self) -> InvitationFilter {
        InvitationFilter {
            status: self.search.status,
            q: Some(self.search.q.clone()).filter(|q| !q.trim().is_empty()),
        }
    }

    pub fn page_number(&self) -> usize {
        self.cursors.len()
    }

    fn next_cursor(&self) -> Option<String> {
        match &self.page {
            Some(Ok(list)) => list.next_cursor.clone(),
            _ => None,
        }
    }
}

pub enum InvitationsAction {
    Search(Search),
    /// A page arrived for the query it was asked with (late answers to older queries are dropped).
    Loaded(InvitationQuery, Result<InvitationList, ApiError>),
    NextPage,
    PreviousPage,
    /// One row (selected or not).
    Select(String, bool),
    /// Every row of the page (selected or not).
    SelectPage(bool),
    AskRevoke(String),
    CancelRevoke(String),
    AskClearBlock(String),
    /// Opens the Correct address form, prefilled with this (the old) address.
    OpenCorrect(String, String),
    /// Closes a row's question or form.
    Cancel(String),
    /// The form was saved with this address; the answer comes as `Finished`.
    CorrectSubmitted(String, String),
    Started(String, RowAction),
    /// Boxed: an invitation is large next to the other actions.
    Finished(String, RowAction, Box<Result<InvitationChange, ApiError>>),
    /// A page of a history was asked for (the first one opens the panel).
    HistoryRequested(String),
    HistoryLoaded(String, Result<InvitationHistory, ApiError>),
    CloseHistory(String),
    ExportStarted,
    /// The file was handed to the browser (or why not).
    ExportFinished(Result<(Download, usize), ApiError>),
}

fn outcome_text(action: RowAction, change: &InvitationChange) -> String {
    let email = &change.invitation.email;
    match (action, change.changed) {
        (RowAction::Resend, true) => format!("Sent again: a new link is on its way to {email}."),
        (RowAction::Resend, false) => format!("A new link for {email} is already queued."),
        (RowAction::Revoke, true) => format!("Revoked: the link sent to {email} no longer works."),
        (RowAction::Revoke, false) => "This invitation was already revoked.".into(),
        (RowAction::CorrectAddress, true) => {
            format!("Moved to {email}; a new invitation mail is on its way.")
        }
        (RowAction::CorrectAddress, false) => format!("The invitation is already at {email}."),
        (RowAction::ClearBlock, true) => {
            format!("The block on {email} is cleared: Resend sends the invitation again.")
        }
        (RowAction::ClearBlock, false) => format!("{email} was not blocked."),
    }
}

impl Reducible for InvitationsState {
    type Action = InvitationsAction;

    fn reduce(self: Rc<Self>, action: InvitationsAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            InvitationsAction::Search(search) => {
                s = Self {
                    search,
                    generation: s.generation.wrapping_add(1),
                    ..Self::default()
                };
            }
            InvitationsAction::Loaded(query, result) => {
                if query != s.query() {
                    return self;
                }
                s.page = Some(result);
            }
            InvitationsAction::NextPage => {
                let Some(cursor) = s.next_cursor() else {
                    return self;
                };
                s.cursors.push(Some(cursor));
                s.page = None;
                s.rows.clear();
                s.selected.clear();
                s.histories.clear();
            }
            InvitationsAction::PreviousPage => {
                if s.cursors.len() < 2 {
                    return self;
                }
                s.cursors.pop();
                s.page = None;
                s.rows.clear();
                s.selected.clear();
            }
            InvitationsAction::Select(id, on) => {
                if on {
                    s.selected.insert(id);
                } else {
                    s.selected.remove(&id);
                }
            }
            InvitationsAction::SelectPage(on) => {
                s.selected.clear();
                if let (true, Some(Ok(list))) = (on, &s.page) {
                    s.selected = list.invitations.iter().map(|i| i.id.clone()).collect();
                }
                s.histories.clear();
            }
            InvitationsAction::HistoryRequested(id) => {
                let panel = s.histories.entry(id).or_default();
                panel.loading = true;
                panel.error = None;
            }
            InvitationsAction::HistoryLoaded(id, result) => {
                // A panel closed meanwhile stays closed.
                let Some(panel) = s.histories.get_mut(&id) else {
                    return self;
                };
                panel.loading = false;
                match result {
                    Ok(page) => {
                        let older = !panel.entries.is_empty();
                        panel.focus_entry =
                            (older && !page.entries.is_empty()).then_some(panel.entries.len());
                        panel.entries.extend(page.entries);
                        panel.next_cursor = page.next_cursor;
                    }
                    Err(e) => panel.error = Some(e.to_string()),
                }
            }
            InvitationsAction::CloseHistory(id) => {
                s.histories.remove(&id);
            }
            InvitationsAction::ExportStarted => s.export = Some(ExportState::Working),
            InvitationsAction::ExportFinished(result) => {
                s.export = Some(match result {
                    Ok((download, rows)) => ExportState::Done(format!(
                        "Downloaded {}: {} invitation{}.",
                        download.file_name,
                        format::count(rows as u64),
                        if rows == 1 { "" } else { "s" }
                    )),
                    Err(e) => ExportState::Failed(e.to_string()),
                });
            }
            InvitationsAction::AskRevoke(id) => {
                s.rows.insert(id, RowState::ConfirmRevoke);
            }
            InvitationsAction::CancelRevoke(id) | InvitationsAction::Cancel(id) => {
                s.rows.remove(&id);
            }
            InvitationsAction::AskClearBlock(id) => {
                s.rows.insert(id, RowState::ConfirmClearBlock);
            }
            InvitationsAction::OpenCorrect(id, email) => {
                s.rows.insert(
                    id,
                    RowState::Correcting {
                        email,
                        working: false,
                        refusal: None,
                    },
                );
            }
            InvitationsAction::CorrectSubmitted(id, email) => {
                s.rows.insert(
                    id,
                    RowState::Correcting {
                        email,
                        working: true,
                        refusal: None,
                    },
                );
            }
            InvitationsAction::Started(id, action) => {
                s.rows.insert(id, RowState::Working(action));
            }
            InvitationsAction::Finished(id, action, result) => match *result {
                Ok(change) => {
                    // What the history showed is now out of date: closed, to be opened afresh.
                    s.histories.remove(&id);
                    s.rows
                        .insert(id.clone(), RowState::Done(outcome_text(action, &change)));
                    if let Some(Ok(list)) = &mut s.page {
                        if let Some(row) = list.invitations.iter_mut().find(|i| i.id == id) {
                            *row = change.invitation;
                        }
                    }
                }
                // A refused correction keeps its form open, with why, to try another address.
                Err(e) => match s.rows.get(&id) {
                    Some(RowState::Correcting { email, .. }) => {
                        let email = email.clone();
                        s.rows.insert(
                            id,
                            RowState::Correcting {
                                email,
                                working: false,
                                refusal: Some(e.to_string()),
                            },
                        );
                    }
                    _ => {
                        s.rows.insert(id, RowState::Failed(e.to_string()));
                    }
                },
            },
        }
        Rc::new(s)
    }
}

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

#[derive(Properties, PartialEq)]
pub struct InvitationSearchProps {
    pub search: Search,
    pub on_search: Callback<Search>,
}

/// Search by email and filter by status; the status applies at once, the email on Search.
#[component]
pub fn InvitationSearch(props: &InvitationSearchProps) -> Html {
    let email = use_node_ref();
    let status = use_node_ref();
    let read = {
        let (email, status) = (email.clone(), status.clone());
        move || Search {
            q: email
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default(),
            status: status
                .cast::<HtmlSelectElement>()
                .and_then(|s| InvitationStatus::parse(&s.value())),
        }
    };
    // Enter in the box and the button both search.
    let onclick = {
        let (read, on_search) = (read.clone(), props.on_search.clone());
        Callback::from(move |_: MouseEvent| on_search.emit(read()))
    };
    let onkeydown = {
        let (read, on_search) = (read.clone(), props.on_search.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                on_search.emit(read());
            }
        })
    };
    let onchange = {
        let on_search = props.on_search.clone();
        Callback::from(move |_: Event| on_search.emit(read()))
    };
    html! {
        <div class="toolbar" role="search">
            <label for="invitation-search">{"Search by email"}</label>
            // Uncontrolled (defaultvalue): a value bound to the state would be written back into
            // the box whenever the page re-renders (a list or the contract arriving), wiping
            // what is being typed.
            <input id="invitation-search" type="search" ref={email} defaultvalue={props.search.q.clone()}
                placeholder="Start of an email address" autocomplete="off" {onkeydown} />
            <label for="invitation-status">{"Status"}</label>
            <select id="invitation-status" ref={status} {onchange}>
                <option value="" selected={props.search.status.is_none()}>{"All"}</option>
                { for InvitationStatus::ALL.into_iter().map(|st| html! {
                    <option value={st.code()} selected={props.search.status == Some(st)}>{st.label()}</option>
                }) }
            </select>
            <button type="button" id="invitation-search-submit" {onclick}>{"Search"}</button>
        </div>
    }
}

/// Hands a file to the browser to save (a link to it, clicked).
fn save_file(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // Let go of the file once the browser has surely taken it.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

#[derive(Properties, PartialEq)]
pub struct ExportButtonProps {
    pub search: Search,
    pub state: Option<ExportState>,
    pub on_export: Callback<MouseEvent>,
}

/// Export: a CSV file of every invitation the search and status filter match (not only this
/// page). The button says what it takes; the outcome is announced.
#[component]
pub fn ExportButton(props: &ExportButtonProps) -> Html {
    let working = props.state == Some(ExportState::Working);
    let scope = match (props.search.status, props.search.q.trim()) {
        (None, "") => "All invitations of this contract.".to_owned(),
        (Some(st), "") => format!("The {} invitations.", st.label().to_lowercase()),
        (None, q) => format!("The invitations whose address starts with “{q}”."),
        (Some(st), q) => format!(
            "The {} invitations whose address starts with “{q}”.",
            st.label().to_lowercase()
        ),
    };
    html! {
        <div class="export">
            <button type="button" id="export-invitations" disabled={working}
                aria-describedby="export-scope" onclick={props.on_export.clone()}>
                {if working { "Exporting…" } else { "Export as CSV" }}
            </button>
            <span class="hint" id="export-scope">{scope}</span>
            <div role="status" id="export-outcome">
                {match &props.state {
                    Some(ExportState::Done(text)) => html! { <p class="outcome ok">{text.clone()}</p> },
                    Some(ExportState::Working) => html! { <p class="outcome">{"Preparing the file…"}</p> },
                    _ => html! {},
                }}
            </div>
            if let Some(ExportState::Failed(text)) = &props.state {
                <p class="outcome error" role="alert" id="export-error">{text.clone()}</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct InvitationsViewProps {
    pub state: InvitationsState,
    pub on_action: Callback<(String, RowAction)>,
    /// Saves a row's Correct address form: (invitation id, new address).
    #[prop_or_default]
    pub on_correct: Callback<(String, String)>,
    /// Reads a page of a row's history: (invitation id, cursor of older entries).
    #[prop_or_default]
    pub on_history: Callback<(String, Option<String>)>,
    pub dispatch: Callback<InvitationsAction>,
}

/// The current page of invitations with paging, or why there is none.
#[component]
pub fn InvitationsView(props: &InvitationsViewProps) -> Html {
    let s = &props.state;
    let list = match &s.page {
        None => return html! { <p role="status">{"Loading the invitations…"}</p> },
        Some(Err(e)) => {
            return html! { <ErrorMessage error={e.clone()} context="Could not load the invitations" /> }
        }
        Some(Ok(list)) => list,
    };
    let counts = list.counts;
    let summary = format!(
        "{} pending, {} enrolled, {} revoked in this contract",
        format::count(counts.pending),
        format::count(counts.enrolled),
        format::count(counts.revoked)
    );
    let pager = {
        let previous = props
            .dispatch
            .reform(|_: MouseEvent| InvitationsAction::PreviousPage);
        let next = props
            .dispatch
            .reform(|_: MouseEvent| InvitationsAction::NextPage);
        html! {
            <nav class="pager" aria-label="Pages">
                <button type="button" id="previous-page" disabled={s.page_number() < 2} onclick={previous}>{"Previous page"}</button>
                <span>{format!("Page {}", s.page_number())}</span>
                <button type="button" id="next-page" disabled={list.next_cursor.is_none()} onclick={next}>{"Next page"}</button>
            </nav>
        }
    };
    html! {
        <section aria-label="Invitations">
            <p class="hint">{summary}</p>
            if list.invitations.is_empty() {
                <p class="empty" role="status">{"No invitations match."}</p>
            } else {
                <InvitationTable invitations={list.invitations.clone()} rows={s.rows.clone()}
                    selected={s.selected.clone()}
                    histories={s.histories.clone()}
                    on_action={props.on_action.clone()} on_correct={props.on_correct.clone()}
                    on_history={props.on_history.clone()} dispatch={props.dispatch.clone()} />
            }
            {pager}
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct InvitationTableProps {
    pub invitations: Vec<Invitation>,
    #[prop_or_default]
    pub rows: BTreeMap<String, RowState>,
    #[prop_or_default]
    pub selected: BTreeSet<String>,
    #[prop_or_default]
    pub histories: BTreeMap<String, HistoryPanel>,
    pub on_action: Callback<(String, RowAction)>,
    #[prop_or_default]
    pub on_correct: Callback<(String, String)>,
    #[prop_or_default]
    pub on_history: Callback<(String, Option<String>)>,
    pub dispatch: Callback<InvitationsAction>,
}

#[component]
pub fn InvitationTable(props: &InvitationTableProps) -> Html {
    let all_selected = !props.invitations.is_empty()
        && props
            .invitations
            .iter()
            .all(|i| props.selected.contains(&i.id));
    let select_page = props.dispatch.reform(|e: Event| {
        let on = e
            .target_dyn_into::<HtmlInputElement>()
            .is_some_and(|i| i.checked());
        InvitationsAction::SelectPage(on)
    });
    html! {
        <table class="cards invitations">
            <thead>
                <tr>
                    <th scope="col">
                        <input type="checkbox" id="select-page" checked={all_selected} onchange={select_page}
                            aria-label="Select every invitation on this page" />
                    </th>
                    <th scope="col">{"Email"}</th>
                    <th scope="col">{"Name"}</th>
                    <th scope="col">{"Status"}</th>
                    <th scope="col">{"Activities"}</th>
                    <th scope="col">{"Invited"}</th>
                    <th scope="col">{"Delivery"}</th>
                    <th scope="col">{"Last sent"}</th>
                    <th scope="col">{"Actions"}</th>
                </tr>
            </thead>
            <tbody>
                { for props.invitations.iter().map(|inv| html! {
                    <InvitationRow invitation={inv.clone()} state={props.rows.get(&inv.id).cloned()}
                        selected={props.selected.contains(&inv.id)}
                        history={props.histories.get(&inv.id).cloned()}
                        on_action={props.on_action.clone()} on_correct={props.on_correct.clone()}
                        on_history={props.on_history.clone()} dispatch={props.dispatch.clone()} />
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
pub struct InvitationRowProps {
    pub invitation: Invitation,
    pub state: Option<RowState>,
    #[prop_or_default]
    pub selected: bool,
    /// The invitation's history, when it is open.
    #[prop_or_default]
    pub history: Option<HistoryPanel>,
    pub on_action: Callback<(String, RowAction)>,
    #[prop_or_default]
    pub on_correct: Callback<(String, String)>,
    #[prop_or_default]
    pub on_history: Callback<(String, Option<String>)>,
    pub dispatch: Callback<InvitationsAction>,
}

#[component]
pub fn InvitationRow(props: &InvitationRowProps) -> Html {
    let inv = &props.invitation;
    let id = inv.id.clone();
    let working = matches!(props.state, Some(RowState::Working(_)));
    // Focus moves to the outcome: the question or form that had it is gone.
    let outcome_ref = use_node_ref();
    {
        let node = outcome_ref.clone();
        let outcome = match &props.state {
            Some(RowState::Done(text) | RowState::Failed(text)) => Some(text.clone()),
            _ => None,
        };
        use_effect_with(outcome, move |outcome| {
            if outcome.is_some() {
                if let Some(p) = node.cast::<web_sys::HtmlElement>() {
                    let _ = p.focus();
                }
            }
        });
    }
    let activities = inv
        .activities
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let resend = {
        let (on_action, id) = (props.on_action.clone(), id.clone());
        Callback::from(move |_: MouseEvent| on_action.emit((id.clone(), RowAction::Resend)))
    };
    let select = {
        let id = id.clone();
        props.dispatch.reform(move |e: Event| {
            let on = e
                .target_dyn_into::<HtmlInputElement>()
                .is_some_and(|i| i.checked());
            InvitationsAction::Select(id.clone(), on)
        })
    };
    let ask_revoke = {
        let id = id.clone();
        props
            .dispatch
            .reform(move |_: MouseEvent| InvitationsAction::AskRevoke(id.clone()))
    };
    let open_correct = {
        let (id, email) = (id.clone(), inv.email.clone());
        props
            .dispatch
            .reform(move |_: MouseEvent| InvitationsAction::OpenCorrect(id.clone(), email.clone()))
    };
    let ask_clear_block = {
        let id = id.clone();
        props
            .dispatch
            .reform(move |_: MouseEvent| InvitationsAction::AskClearBlock(id.clone()))
    };
    let cancel = {
        let id = id.clone();
        props
            .dispatch
            .reform(move |_: ()| InvitationsAction::Cancel(id.clone()))
    };
    let panel_id = format!("history-panel-{id}");
    let open = props.history.is_some();
    let toggle_history = {
        let (id, on_history, dispatch) =
            (id.clone(), props.on_history.clone(), props.dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            if open {
                dispatch.emit(InvitationsAction::CloseHistory(id.clone()));
            } else {
                on_history.emit((id.clone(), None));
            }
        })
    };
    // Shown in every state of the row: the history is there whatever is being done.
    let history_button = html! {
        <button type="button" id={format!("history-{id}")} onclick={toggle_history}
            aria-expanded={if open { "true" } else { "false" }}
            aria-controls={open.then(|| panel_id.clone())}
            aria-label={format!("History of the invitation to {}", inv.email)}>
            {"History"}
        </button>
    };
    let label = |action: RowAction, idle: &'static str, busy: &'static str| {
        if props.state == Some(RowState::Working(action)) {
            busy
        } else {
            idle
        }
    };
    let actions = match &props.state {
        Some(RowState::ConfirmRevoke) => {
            let confirm = {
                let (on_action, id) = (props.on_action.clone(), id.clone());
                Callback::from(move |_: ()| on_action.emit((id.clone(), RowAction::Revoke)))
            };
            let cancel = {
                let id = id.clone();
                props
                    .dispatch
                    .reform(move |_: ()| InvitationsAction::CancelRevoke(id.clone()))
            };
            html! {
                <Confirm id={format!("confirm-{id}")} yes_id={format!("confirm-revoke-{id}")}
                    cancel_id={format!("cancel-revoke-{id}")} yes_label="Yes, revoke" {confirm} {cancel}
                    question={format!("Revoke the invitation to {}? Their link will stop working.", inv.email)} />
            }
        }
        Some(RowState::ConfirmClearBlock) => {
            let confirm = {
                let (on_action, id) = (props.on_action.clone(), id.clone());
                Callback::from(move |_: ()| on_action.emit((id.clone(), RowAction::ClearBlock)))
            };
            html! {
                <Confirm id={format!("confirm-{id}")} yes_id={format!("confirm-clear-block-{id}")}
                    cancel_id={format!("cancel-clear-block-{id}")} yes_label="Yes, clear the block" {confirm} {cancel}
                    question={format!("Clear the block on {}? Mail to it bounced or was marked as spam; clear it only if the mailbox has been fixed.", inv.email)} />
            }
        }
        Some(RowState::Correcting {
            email,
            working,
            refusal,
        }) => {
            let on_save = {
                let (on_correct, id) = (props.on_correct.clone(), id.clone());
                Callback::from(move |email: String| on_correct.emit((id.clone(), email)))
            };
            html! {
                <CorrectAddressForm id={id.clone()} old={inv.email.clone()} value={email.clone()}
                    working={*working} refusal={refusal.clone()} {on_save} on_cancel={cancel} />
            }
        }
        _ => html! {
            <>
                if inv.can_resend {
                    <button type="button" id={format!("resend-{id}")} disabled={working} onclick={resend}
                        aria-label={format!("Resend invitation to {}", inv.email)}>
                        {label(RowAction::Resend, "Resend", "Resending…")}
                    </button>
                }
                if inv.can_correct_address {
                    <button type="button" id={format!("correct-address-{id}")} disabled={working} onclick={open_correct}
                        aria-label={format!("Correct address of {}", inv.email)}>
                        {"Correct address"}
                    </button>
                }
                if inv.can_clear_block {
                    <button type="button" id={format!("clear-block-{id}")} disabled={working} onclick={ask_clear_block}
                        aria-label={format!("Clear block on {}", inv.email)}>
                        {label(RowAction::ClearBlock, "Clear block", "Clearing…")}
                    </button>
                }
                if inv.can_revoke {
                    <button type="button" class="danger" id={format!("revoke-{id}")} disabled={working} onclick={ask_revoke}
                        aria-label={format!("Revoke invitation to {}", inv.email)}>
                        {label(RowAction::Revoke, "Revoke", "Revoking…")}
                    </button>
                }
            </>
        },
    };
    let outcome = match &props.state {
        Some(RowState::Done(text)) => html! {
            <p class="outcome ok" role="status" id={format!("outcome-{id}")} tabindex="-1" ref={outcome_ref}>{text.clone()}</p>
        },
        Some(RowState::Failed(text)) => html! {
            <p class="outcome error" role="alert" id={format!("outcome-{id}")} tabindex="-1" ref={outcome_ref}>{text.clone()}</p>
        },
        _ => html! {},
    };
    let invited = format!(
        "{} · {}",
        inv.invited_by,
        format::date_time(&inv.invited_at)
    );
    html! {
        <>
        <tr id={format!("invitation-{id}")}>
            <td data-label="Select" class="select">
                <input type="checkbox" id={format!("select-{id}")} checked={props.selected} onchange={select}
                    aria-label={format!("Select {}", inv.email)} />
            </td>
            <td data-label="Email" class="email">{inv.email.clone()}</td>
            <td data-label="Name">{inv.name.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Status"><StatusBadge status={inv.status} /></td>
            <td data-label="Activities">{if activities.is_empty() { "All".to_owned() } else { activities }}</td>
            <td data-label="Invited">{invited}</td>
            <td data-label="Delivery" class={classes!("delivery", format!("{:?}", inv.delivery.state).to_lowercase())}>{delivery_text(&inv.delivery)}</td>
            <td data-label="Last sent">{inv.last_sent_at.as_deref().map(format::date_time).unwrap_or_else(|| "Not yet".into())}</td>
            <td data-label="Actions" class="actions">{history_button}{actions}{outcome}</td>
        </tr>
        if let Some(panel) = &props.history {
            <tr class="history" id={panel_id}>
                <td colspan="9">
                    <HistoryView id={id.clone()} email={inv.email.clone()} panel={panel.clone()}
                        on_more={props.on_history.clone()} />
                </td>
            </tr>
        }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct HistoryViewProps {
    pub id: AttrValue,
    pub email: AttrValue,
    pub panel: HistoryPanel,
    /// Reads the next (older) page: (invitation id, cursor).
    pub on_more: Callback<(String, Option<String>)>,
}

/// One invitation's history, newest first: when, what, who, and more in words.
#[component]
pub fn HistoryView(props: &HistoryViewProps) -> Html {
    let p = &props.panel;
    let id = props.id.to_string();
    let list = use_node_ref();
    {
        let list = list.clone();
        use_effect_with(p.focus_entry, move |first| {
            let entry = first.and_then(|n| {
                list.cast::<web_sys::Element>()?
                    .children()
                    .item(u32::try_from(n).ok()?)
            });
            if let Some(entry) = entry.and_then(|e| {
                use wasm_bindgen::JsCast;
                e.dyn_into::<web_sys::HtmlElement>().ok()
            }) {
                let _ = entry.focus();
            }
        });
    }
    let more = {
        let (on_more, id, cursor) = (props.on_more.clone(), id.clone(), p.next_cursor.clone());
        Callback::from(move |_: MouseEvent| on_more.emit((id.clone(), cursor.clone())))
    };
    html! {
        <section class="history" aria-labelledby={format!("history-title-{id}")}>
            <h3 id={format!("history-title-{id}")}>{format!("History of the invitation to {}", props.email)}</h3>
            if !p.entries.is_empty() {
                <ol class="history-entries" id={format!("history-entries-{id}")} ref={list}>
                    { for p.entries.iter().map(|e| {
                        let who = match (&e.actor_name, &e.actor) {
                            (Some(name), _) => format!("by {name}"),
                            (None, Some(actor)) => format!("by {actor}"),
                            (None, None) => match e.action {
                                crate::api::HistoryAction::MailReport => "by the mail service",
                                crate::api::HistoryAction::Reminded => "by the reminder plan",
                                // A link runs out by itself.
                                crate::api::HistoryAction::Expired => "",
                                _ => "by the mailer",
                            }
                            .to_owned(),
                        };
                        html! {
                            <li class={classes!("history-entry", format!("{:?}", e.action).to_lowercase())} tabindex="-1">
                                <time datetime={e.at.clone()}>{format::date_time(&e.at)}</time>
                                {" "}<strong>{e.action.label()}</strong>
                                if let Some(detail) = &e.detail {
                                    {" — "}{detail.clone()}
                                }
                                if !who.is_empty() {
                                    {" "}<span class="hint">{who}</span>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
            <div role="status">
                if p.loading {
                    <p>{"Loading the history…"}</p>
                } else if p.entries.is_empty() && p.error.is_none() {
                    <p>{"Nothing recorded yet."}</p>
                }
            </div>
            if let Some(error) = &p.error {
                <p class="outcome error" role="alert">{error.clone()}</p>
            }
            if p.next_cursor.is_some() {
                <button type="button" id={format!("history-more-{id}")} disabled={p.loading} onclick={more}>
                    {"Show older entries"}
                </button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CorrectAddressFormProps {
    /// The invitation's id, which names the form's parts.
    pub id: AttrValue,
    /// The address the mail could not reach.
    pub old: AttrValue,
    /// What the input holds when the form opens (the old address, or the one last refused).
    pub value: AttrValue,
    pub working: bool,
    /// Why the last address was refused, in words.
    pub refusal: Option<String>,
    pub on_save: Callback<String>,
    pub on_cancel: Callback<()>,
}

/// The in-row form that moves an invitation to the address it should have had. Focus goes to
/// the address; Escape cancels; a refusal is announced and stays under the field.
#[component]
pub fn CorrectAddressForm(props: &CorrectAddressFormProps) -> Html {
    let input = use_node_ref();
    {
        let input = input.clone();
        // Again after a refusal, so the address can be fixed at once.
        use_effect_with(props.refusal.clone(), move |_| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }
    let id = &props.id;
    let onsubmit = {
        let (input, on_save) = (input.clone(), props.on_save.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(i) = input.cast::<HtmlInputElement>() {
                on_save.emit(i.value());
            }
        })
    };
    let onkeydown = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_cancel.emit(());
            }
        })
    };
    let input_id = format!("correct-email-{id}");
    let refusal_id = format!("correct-refusal-{id}");
    html! {
        <form class="correct-address" id={format!("correct-form-{id}")} {onsubmit} {onkeydown} novalidate=true>
            <label for={input_id.clone()}>{format!("Correct address for {}", props.old)}</label>
            <input id={input_id} type="email" ref={input} value={props.value.clone()} required=true
                autocomplete="off" spellcheck="false" readonly={props.working}
                aria-invalid={props.refusal.is_some().then_some("true")}
                aria-describedby={props.refusal.is_some().then(|| refusal_id.clone())} />
            <div role="alert">
                if let Some(refusal) = &props.refusal {
                    <p class="error" id={refusal_id.clone()}>{refusal.clone()}</p>
                }
            </div>
            <button type="submit" class="primary" id={format!("correct-save-{id}")} disabled={props.working}>
                {if props.working { "Saving…" } else { "Save" }}
            </button>
            <button type="button" id={format!("correct-cancel-{id}")}
                onclick={props.on_cancel.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
        </form>
    }
}
