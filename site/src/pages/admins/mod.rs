//! `/contracts/:id/admins`: a contract's Admins tab. Whoever can open the contract sees who
//! administers it; a system administrator also removes admins (after a question) and adds people
//! found in the directory, and changes the contract's dates (dates.rs). Each outcome or error is
//! shown in words where it happened.

mod dates;

pub use dates::*;

use crate::api::{Admin, ApiError, Standing, User};
use crate::by_id::ById;
use crate::components::confirm::Confirm;
use crate::components::error::ErrorMessage;
use crate::components::form::search_on_submit;
use crate::components::layout::{ContractHeader, ContractUnavailable, Tab};
use crate::components::outcome::Outcome;
use crate::components::standing::standing_mark;
use crate::components::unconfirmed::Unconfirmed;
use crate::pages::use_contract;
use crate::AppContext;
use std::rc::Rc;
use yew::prelude::*;

/// Where one admin's Remove stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveState {
    /// Remove was pressed; waiting for the system administrator to confirm.
    Confirm,
    Removing,
    Failed(ApiError),
}

/// The directory search of "Add an admin".
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Directory {
    #[default]
    NotSearched,
    Searching(String),
    Found(Result<Vec<User>, ApiError>),
}

/// Adding one person found in the directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Adding {
    #[default]
    Idle,
    Working(User),
    Failed(User, ApiError),
}

/// The tab's state: the admins, each Remove under way, the directory search and the last outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdminsState {
    /// `None` while the list loads.
    pub admins: Option<Result<Vec<Admin>, ApiError>>,
    /// By user id.
    pub removals: ById<RemoveState>,
    pub directory: Directory,
    pub adding: Adding,
    /// The last change that worked, in words.
    pub outcome: Option<String>,
}

impl AdminsState {
    fn is_admin(&self, user_id: &str) -> bool {
        matches!(&self.admins, Some(Ok(list)) if list.iter().any(|a| a.id == user_id))
    }
}

pub enum AdminsAction {
    Loaded(Result<Vec<Admin>, ApiError>),
    AskRemove(String),
    CancelRemove(String),
    Removing(String),
    Removed(Admin, Result<Vec<Admin>, ApiError>),
    Search(String),
    /// Search results for the query they were asked with (answers to older queries are dropped).
    Found(String, Result<Vec<User>, ApiError>),
    Adding(User),
    Added(User, Result<Vec<Admin>, ApiError>),
}

/// How sentences name an admin: their name, else their email (never their user id).
fn who(admin: &Admin) -> &str {
    admin
        .name
        .as_deref()
        .or(admin.email.as_deref())
        .unwrap_or("someone no longer in the directory")
}

impl Reducible for AdminsState {
    type Action = AdminsAction;

    fn reduce(self: Rc<Self>, action: AdminsAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            // A fresh list (the page opened, or another contract's): nothing earlier applies.
            AdminsAction::Loaded(result) => {
                s = Self {
                    admins: Some(result),
                    ..Self::default()
                };
            }
            AdminsAction::AskRemove(id) => {
                s.removals.insert(id, RemoveState::Confirm);
            }
            AdminsAction::CancelRemove(id) => {
                s.removals.remove(&id);
            }
            AdminsAction::Removing(id) => {
                s.outcome = None;
                s.removals.insert(id, RemoveState::Removing);
            }
            AdminsAction::Removed(admin, Ok(list)) => {
                s.removals.remove(&admin.id);
                s.outcome = Some(format!(
                    "{} is no longer an admin of this contract.",
                    who(&admin)
                ));
                s.admins = Some(Ok(list));
            }
            AdminsAction::Removed(admin, Err(e)) => {
                s.removals.insert(admin.id, RemoveState::Failed(e));
            }
            AdminsAction::Search(q) => {
                s.directory = Directory::Searching(q);
            }
            AdminsAction::Found(q, result) => {
                if s.directory != Directory::Searching(q) {
                    return self;
                }
                s.directory = Directory::Found(result);
            }
            AdminsAction::Adding(user) => {
                s.outcome = None;
                s.adding = Adding::Working(user);
            }
            AdminsAction::Added(user, Ok(list)) => {
                s.outcome = Some(if s.is_admin(&user.id) {
                    format!("{} was already an admin of this contract.", user.name)
                } else {
                    format!("{} is now an admin of this contract.", user.name)
                });
                s.adding = Adding::Idle;
                s.admins = Some(Ok(list));
            }
            AdminsAction::Added(user, Err(e)) => {
                s.adding = Adding::Failed(user, e);
            }
        }
        Rc::new(s)
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminsPageProps {
    pub id: String,
}

#[component]
pub fn AdminsPage(props: &AdminsPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let contract = use_contract(&props.id);
    let state = use_reducer(AdminsState::default);
    {
        let (ctx, state) = (ctx.clone(), state.clone());
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            ctx.call(
                move |api| async move { api.admins(&id).await },
                move |result| state.dispatch(AdminsAction::Loaded(result)),
            );
        });
    }
    // The contract as Change dates answered it, over the one first read.
    let dates = use_dates(&props.id);
    let on_remove = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |admin: Admin| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(AdminsAction::Removing(admin.id.clone()));
            let user_id = admin.id.clone();
            ctx.call(
                move |api| async move { api.remove_admin(&id, &user_id).await },
                move |result| state.dispatch(AdminsAction::Removed(admin, result)),
            );
        })
    };
    let on_add = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |user: User| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(AdminsAction::Adding(user.clone()));
            let user_id = user.id.clone();
            ctx.call(
                move |api| async move { api.add_admin(&id, &user_id).await },
                move |result| state.dispatch(AdminsAction::Added(user, result)),
            );
        })
    };
    let on_search = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |q: String| {
            let (ctx, state) = (ctx.clone(), state.clone());
            state.dispatch(AdminsAction::Search(q.clone()));
            let query = q.clone();
            ctx.call(
                move |api| async move { api.users(&query).await },
                move |result| state.dispatch(AdminsAction::Found(q, result)),
            );
        })
    };
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: AdminsAction| state.dispatch(a))
    };
    // A contract that cannot be opened (someone else's, or none) gets no list, only why.
    if let Some(Err(e)) = &contract {
        return html! { <ContractUnavailable error={e.clone()} /> };
    }
    let contract = dates
        .fresh
        .as_ref()
        .filter(|c| c.id == props.id)
        .or(contract.as_ref().and_then(|c| c.as_ref().ok()));
    html! {
        <>
            {match contract {
                Some(c) => html! { <ContractHeader contract={c.clone()} current={Tab::Admins} /> },
                _ => html! { <p role="status">{"Loading the contract…"}</p> },
            }}
            <AdminsView state={(*state).clone()} can_manage={ctx.is_system_admin()}
                {dispatch} {on_remove} {on_add} {on_search} />
            if let Some(c) = contract {
                {dates_form(ctx.is_system_admin(), c, &dates.state, &dates.on_submit)}
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminsViewProps {
    pub state: AdminsState,
    /// Whether Remove and "Add an admin" are offered: system administrators only.
    pub can_manage: bool,
    pub dispatch: Callback<AdminsAction>,
    pub on_remove: Callback<Admin>,
    pub on_add: Callback<User>,
    pub on_search: Callback<String>,
}

/// The admins, the last outcome and, for a system administrator, the tools to change them.
#[component]
pub fn AdminsView(props: &AdminsViewProps) -> Html {
    let s = &props.state;
    let admins = match &s.admins {
        None => return html! { <p role="status">{"Loading the admins…"}</p> },
        Some(Err(e)) => {
            return html! { <ErrorMessage error={e.clone()} context="Could not load the admins" /> }
        }
        Some(Ok(list)) => list,
    };
    html! {
        <section aria-labelledby="admins-heading">
            <h2 id="admins-heading">{"Admins"}</h2>
            if props.can_manage {
                <p class="hint">{"Admins manage this learning contract's invitations."}</p>
            } else {
                <p class="hint">{"Admins manage this learning contract's invitations. Only a system administrator can add or remove them."}</p>
            }
            if let Some(text) = &s.outcome {
                <Outcome text={text.clone()} id="admins-outcome" />
            }
            if admins.is_empty() {
                <p class="empty" role="status">{"This learning contract has no admins."}</p>
            } else {
                <AdminTable admins={admins.clone()} can_manage={props.can_manage} removals={s.removals.clone()}
                    dispatch={props.dispatch.clone()} on_remove={props.on_remove.clone()} />
            }
            if props.can_manage {
                <AddAdmin directory={s.directory.clone()} admins={admins.clone()} adding={s.adding.clone()}
                    on_search={props.on_search.clone()} on_add={props.on_add.clone()} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminTableProps {
    pub admins: Vec<Admin>,
    pub can_manage: bool,
    #[prop_or_default]
    pub removals: ById<RemoveState>,
    pub dispatch: Callback<AdminsAction>,
    pub on_remove: Callback<Admin>,
}

#[component]
pub fn AdminTable(props: &AdminTableProps) -> Html {
    let row = |admin: &Admin| {
        let id = &admin.id;
        // Both are missing when the user is not in the directory.
        let (name, email) = match (&admin.name, &admin.email) {
            (None, None) => ("Not in the directory".to_owned(), "—".to_owned()),
            (name, email) => (
                name.clone().unwrap_or_else(|| "—".into()),
                email.clone().unwrap_or_else(|| "—".into()),
            ),
        };
        let removal = props.removals.get(id);
        let actions = match removal {
            Some(RemoveState::Confirm) => {
                let confirm = {
                    let (on_remove, admin) = (props.on_remove.clone(), admin.clone());
                    Callback::from(move |_: ()| on_remove.emit(admin.clone()))
                };
                let cancel = {
                    let id = id.clone();
                    props
                        .dispatch
                        .reform(move |_: ()| AdminsAction::CancelRemove(id.clone()))
                };
                html! {
                    <Confirm id={format!("confirm-{id}")} yes_id={format!("confirm-remove-{id}")}
                        cancel_id={format!("cancel-remove-{id}")} yes_label="Yes, remove" {confirm} {cancel}
                        opener={AttrValue::from(format!("remove-admin-{id}"))}
                        question={format!("Remove {} as an admin of this contract?", who(admin))} />
                }
            }
            _ => {
                let ask = {
                    let id = id.clone();
                    props
                        .dispatch
                        .reform(move |_: MouseEvent| AdminsAction::AskRemove(id.clone()))
                };
                let removing = removal == Some(&RemoveState::Removing);
                html! {
                    <button type="button" class="danger" id={format!("remove-admin-{id}")} disabled={removing}
                        onclick={ask} aria-label={format!("Remove {} as an admin", who(admin))}>
                        {if removing { "Removing…" } else { "Remove" }}
                    </button>
                }
            }
        };
        html! {
            <tr id={format!("admin-{id}")}>
                <td data-label="Name">{name}
                    // Issue 32: being an admin does not depend on it (the token decides, and
                    // these people get none), so the list says what follows in words.
                    {standing_mark(admin.standing, ["; still listed as an admin", "; remove them from the admins"])}
                </td>
                <td data-label="Email" class="email">{email}</td>
                if props.can_manage {
                    <td data-label="Actions" class="actions">
                        {actions}
                        if let Some(RemoveState::Failed(e)) = removal {
                            <ErrorMessage error={e.clone()} context={format!("Could not remove {}", who(admin))} />
                        }
                    </td>
                }
            </tr>
        }
    };
    html! {
        <table class="cards admins">
            <thead>
                <tr>
                    <th scope="col">{"Name"}</th>
                    <th scope="col">{"Email"}</th>
                    if props.can_manage {
                        <th scope="col">{"Actions"}</th>
                    }
                </tr>
            </thead>
            <tbody>{ for props.admins.iter().map(row) }</tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
pub struct AddAdminProps {
    pub directory: Directory,
    /// The current admins, so people who already are one are marked, not offered.
    pub admins: Vec<Admin>,
    pub adding: Adding,
    pub on_search: Callback<String>,
    pub on_add: Callback<User>,
}

/// Search the directory, then "Add as admin" beside the person.
#[component]
pub fn AddAdmin(props: &AddAdminProps) -> Html {
    let input = use_node_ref();
    let onsubmit = search_on_submit(&input, &props.on_search);
    let busy = matches!(props.adding, Adding::Working(_));
    let row = |user: &User| {
        let id = &user.id;
        let action = if props.admins.iter().any(|a| a.id == *id) {
            html! { <span class="hint" id={format!("already-admin-{id}")}>{"Already an admin"}</span> }
        } else if user.standing != Standing::Active {
            // Someone who cannot sign in is not offered (the mark says why).
            html! {}
        } else {
            let onclick = {
                let (on_add, user) = (props.on_add.clone(), user.clone());
                Callback::from(move |_: MouseEvent| on_add.emit(user.clone()))
            };
            let working = matches!(&props.adding, Adding::Working(u) if u.id == *id);
            html! {
                <button type="button" id={format!("add-admin-{id}")} disabled={busy} {onclick}
                    aria-label={format!("Add as admin: {}", user.name)}>
                    {if working { "Adding…" } else { "Add as admin" }}
                </button>
            }
        };
        html! {
            <li>
                <span class="person">{user.name.clone()}<span class="email">{user.email.clone()}</span>
                    <Unconfirmed confirmed={user.email_verified} />
                    {standing_mark(Some(user.standing), ["", ""])}
                </span>
                {action}
            </li>
        }
    };
    html! {
        <section class="step" aria-labelledby="add-admin-heading">
            <h3 id="add-admin-heading">{"Add an admin"}</h3>
            <form class="toolbar" role="search" {onsubmit}>
                <label for="admin-search">{"Search the directory"}</label>
                <input id="admin-search" type="search" ref={input} placeholder="Name or start of email" autocomplete="off" />
                <button type="submit" id="admin-search-submit">{"Search"}</button>
            </form>
            if let Adding::Failed(user, e) = &props.adding {
                <ErrorMessage error={e.clone()} context={format!("Could not add {}", user.name)} />
            }
            {match &props.directory {
                Directory::NotSearched => html! {},
                Directory::Searching(_) => html! { <p role="status">{"Searching…"}</p> },
                Directory::Found(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not search the directory" /> },
                Directory::Found(Ok(users)) if users.is_empty() => html! { <p class="empty" role="status">{"No users match."}</p> },
                Directory::Found(Ok(users)) => html! {
                    <ul class="checklist people" aria-label="Users found">{ for users.iter().map(row) }</ul>
                },
            }}
        </section>
    }
}
