//! `/people`: the directory, for system administrators. Everyone who can sign in is here (the
//! user pool, keyed by Cognito's `sub`). A system administrator searches it, adds a person (the
//! sign-in service mails them a temporary password), and makes people system administrators or
//! withdraws it, after a question, with the outcome shown in the person's row. Nobody withdraws
//! their own: another system administrator has to.

use crate::api::{ApiError, NewPerson, PersonAdded, User};
use crate::components::confirm::Confirm;
use crate::components::error::ErrorMessage;
use crate::components::form::search_on_submit;
use crate::components::outcome::Outcome;
use crate::components::unconfirmed::Unconfirmed;
use crate::format;
use crate::AppContext;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How many people one search shows.
pub const SEARCH_LIMIT: u32 = 50;

/// A change of a person's system administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Grant,
    Withdraw,
}

impl Change {
    /// The change a row offers: the opposite of what the person is now.
    pub fn for_user(user: &User) -> Self {
        if user.is_system_admin() {
            Self::Withdraw
        } else {
            Self::Grant
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Grant => "Make system administrator",
            Self::Withdraw => "Withdraw system administration",
        }
    }

    fn working(self) -> &'static str {
        match self {
            Self::Grant => "Making system administrator…",
            Self::Withdraw => "Withdrawing…",
        }
    }

    fn question(self, name: &str) -> String {
        match self {
            Self::Grant => format!(
                "Make {name} a system administrator? They will manage every learning contract and the people here."
            ),
            Self::Withdraw => format!(
                "Withdraw system administration from {name}? They will keep only the learning contracts they administer."
            ),
        }
    }

    fn yes(self) -> &'static str {
        match self {
            Self::Grant => "Yes, make system administrator",
            Self::Withdraw => "Yes, withdraw",
        }
    }

    fn failed(self, name: &str) -> String {
        match self {
            Self::Grant => format!("Could not make {name} a system administrator"),
            Self::Withdraw => format!("Could not withdraw system administration from {name}"),
        }
    }

    /// What a change that worked did, given the person as the API answered.
    pub fn outcome(self, user: &User) -> String {
        match (self, user.is_system_admin()) {
            (Self::Grant, true) => format!("{} is now a system administrator.", user.name),
            (Self::Withdraw, false) => {
                format!("{} is no longer a system administrator.", user.name)
            }
            (_, true) => format!("{} is still a system administrator.", user.name),
            (_, false) => format!("{} is not a system administrator.", user.name),
        }
    }
}

/// Where one person's system administration change stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    /// The button was pressed; waiting for the system administrator to confirm.
    Confirm(Change),
    Working(Change),
    /// The change worked: what it did, in words.
    Done(String),
    Failed(Change, ApiError),
}

/// The "Add a person" form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddForm {
    pub name: String,
    pub email: String,
    pub working: bool,
    /// The last refusal; its code says which field it is about.
    pub error: Option<ApiError>,
}

impl AddForm {
    /// The refusal about the name field, if that is what it was.
    pub fn name_error(&self) -> Option<&ApiError> {
        self.error.as_ref().filter(|e| e.code == "invalid_name")
    }

    pub fn email_error(&self) -> Option<&ApiError> {
        self.error.as_ref().filter(|e| e.code == "invalid_email")
    }

    /// What the form says about the field a refusal is about: the server's detail when it is a
    /// sentence, else the detail after words that say which field (the address checks answer
    /// with phrases such as "has more than one @").
    pub fn field_message(&self) -> Option<String> {
        let e = self.name_error().or(self.email_error())?;
        let detail = e.detail.trim();
        if detail.ends_with('.') {
            return Some(detail.to_owned());
        }
        let what = if e.code == "invalid_name" {
            "Check the name"
        } else {
            "This is not an email address"
        };
        Some(if detail.is_empty() {
            format!("{what}.")
        } else {
            format!("{what}: {detail}.")
        })
    }

    /// Checks what needs no server: both fields filled in. The refusal reads like the server's.
    pub fn missing(name: &str, email: &str) -> Option<ApiError> {
        let (code, detail) = if name.trim().is_empty() {
            ("invalid_name", "Give the person's name.")
        } else if email.trim().is_empty() {
            ("invalid_email", "Give the person's email address.")
        } else {
            return None;
        };
        Some(ApiError {
            status: 400,
            code: code.into(),
            title: "Bad Request".into(),
            detail: detail.into(),
        })
    }

    /// A refusal about neither field (no permission, no connection, ...).
    pub fn form_error(&self) -> Option<&ApiError> {
        self.error
            .as_ref()
            .filter(|e| e.code != "invalid_name" && e.code != "invalid_email")
    }
}

/// The page's state: the search and its results, each row's change, the add form and its outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeopleState {
    /// The search whose results are shown (or awaited).
    pub query: String,
    /// `None` while the search runs.
    pub people: Option<Result<Vec<User>, ApiError>>,
    /// By user id.
    pub rows: BTreeMap<String, RowState>,
    pub form: AddForm,
    /// What the last "Add" did, in words.
    pub added: Option<String>,
}

pub enum PeopleAction {
    Search(String),
    /// Results for the query they were asked with (answers to older queries are dropped).
    Found(String, Result<Vec<User>, ApiError>),
    EditName(String),
    EditEmail(String),
    Adding,
    /// Boxed: a person is large next to the other actions.
    Added(Box<Result<PersonAdded, ApiError>>),
    /// Refused before asking the server (a field left empty).
    Refused(ApiError),
    Ask(String, Change),
    Cancel(String),
    Changing(String, Change),
    Changed(User, Change, Result<User, ApiError>),
}

/// The words after an add: a new account, or one that was there already.
pub fn added_text(added: &PersonAdded) -> String {
    if added.created {
        format!(
            "Added {}. They will get an email from the sign-in service with a temporary password.",
            added.user.name
        )
    } else {
        format!("{} already has an account.", added.user.email)
    }
}

impl PeopleState {
    /// Shows `user` in the list: in their place when listed, else first.
    fn show(&mut self, user: User) {
        match &mut self.people {
            Some(Ok(list)) => match list.iter_mut().find(|u| u.id == user.id) {
                Some(listed) => *listed = user,
                None => list.insert(0, user),
            },
            _ => self.people = Some(Ok(vec![user])),
        }
    }
}

impl Reducible for PeopleState {
    type Action = PeopleAction;

    fn reduce(self: Rc<Self>, action: PeopleAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            PeopleAction::Search(q) => {
                s.query = q;
                s.people = None;
                s.rows.clear();
            }
            PeopleAction::Found(q, result) => {
                if q != s.query || s.people.is_some() {
                    return self;
                }
                s.people = Some(result);
            }
            PeopleAction::EditName(name) => s.form.name = name,
            PeopleAction::EditEmail(email) => s.form.email = email,
            PeopleAction::Adding => {
                s.form.working = true;
                s.form.error = None;
                s.added = None;
            }
            PeopleAction::Added(result) => {
                s.form.working = false;
                match *result {
                    Ok(added) => {
                        s.added = Some(added_text(&added));
                        s.form = AddForm::default();
                        s.rows.remove(&added.user.id);
                        s.show(added.user);
                    }
                    Err(e) => s.form.error = Some(e),
                }
            }
            PeopleAction::Refused(e) => {
                s.form.error = Some(e);
                s.added = None;
            }
            PeopleAction::Ask(id, change) => {
                s.rows.insert(id, RowState::Confirm(change));
            }
            PeopleAction::Cancel(id) => {
                s.rows.remove(&id);
            }
            PeopleAction::Changing(id, change) => {
                s.rows.insert(id, RowState::Working(change));
            }
            PeopleAction::Changed(before, change, Ok(after)) => {
                s.rows
                    .insert(before.id, RowState::Done(change.outcome(&after)));
                s.show(after);
            }
            PeopleAction::Changed(before, change, Err(e)) => {
                s.rows.insert(before.id, RowState::Failed(change, e));
            }
        }
        Rc::new(s)
    }
}

#[component]
pub fn PeoplePage() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let state = use_reducer(PeopleState::default);
    let system_admin = ctx.is_system_admin();
    let on_search = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |q: String| {
            let (ctx, state) = (ctx.clone(), state.clone());
            let q = q.trim().to_owned();
            state.dispatch(PeopleAction::Search(q.clone()));
            let query = q.clone();
            ctx.call(
                move |api| async move { api.users(&query).await },
                move |result| state.dispatch(PeopleAction::Found(q, result)),
            );
        })
    };
    // The first people of the directory, as soon as the page opens.
    {
        let on_search = on_search.clone();
        use_effect_with(system_admin, move |system_admin| {
            if *system_admin {
                on_search.emit(String::new());
            }
        });
    }
    let on_add = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |person: NewPerson| {
            let (ctx, state) = (ctx.clone(), state.clone());
            state.dispatch(PeopleAction::Adding);
            ctx.call(
                move |api| async move { api.add_person(&person).await },
                move |result| state.dispatch(PeopleAction::Added(Box::new(result))),
            );
        })
    };
    let on_change = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |(user, change): (User, Change)| {
            let (ctx, state) = (ctx.clone(), state.clone());
            state.dispatch(PeopleAction::Changing(user.id.clone(), change));
            let user_id = user.id.clone();
            ctx.call(
                move |api| async move {
                    match change {
                        Change::Grant => api.grant_system_admin(&user_id).await,
                        Change::Withdraw => api.withdraw_system_admin(&user_id).await,
                    }
                },
                move |result| state.dispatch(PeopleAction::Changed(user, change, result)),
            );
        })
    };
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: PeopleAction| state.dispatch(a))
    };
    let me = ctx.session.session.as_ref().and_then(|s| s.user_id.clone());
    html! {
        <PeopleView state={(*state).clone()} {system_admin} {me} {dispatch} {on_search} {on_add} {on_change} />
    }
}

#[derive(Properties, PartialEq)]
pub struct PeopleViewProps {
    pub state: PeopleState,
    /// Only system administrators manage people; anyone else is told so.
    pub system_admin: bool,
    /// The signed-in person's user id, to tell their own row.
    #[prop_or_default]
    pub me: Option<String>,
    pub dispatch: Callback<PeopleAction>,
    pub on_search: Callback<String>,
    pub on_add: Callback<NewPerson>,
    pub on_change: Callback<(User, Change)>,
}

#[component]
pub fn PeopleView(props: &PeopleViewProps) -> Html {
    if !props.system_admin {
        return html! {
            <>
                <h1>{"People"}</h1>
                <p class="error" role="alert" id="people-forbidden">
                    {"Only system administrators can manage people."}
                </p>
            </>
        };
    }
    let s = &props.state;
    html! {
        <>
            <h1>{"People"}</h1>
            <p class="hint">{"Everyone who can sign in. Add people, and choose who administers the whole system; a learning contract's admins are chosen on its Admins tab."}</p>
            <AddPerson form={s.form.clone()} added={s.added.clone()}
                dispatch={props.dispatch.clone()} on_add={props.on_add.clone()} />
            <section aria-labelledby="directory-heading">
                <h2 id="directory-heading">{"Directory"}</h2>
                <PeopleSearch query={s.query.clone()} on_search={props.on_search.clone()} />
                {match &s.people {
                    None => html! { <p role="status">{"Searching…"}</p> },
                    Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not search the directory" /> },
                    Some(Ok(people)) if people.is_empty() => html! {
                        <p class="empty" role="status" id="people-count">{"Nobody matches."}</p>
                    },
                    Some(Ok(people)) => html! {
                        <>
                            <p class="hint" role="status" id="people-count">{count_text(people.len(), &s.query)}</p>
                            <PeopleTable people={people.clone()} rows={s.rows.clone()} me={props.me.clone()}
                                dispatch={props.dispatch.clone()} on_change={props.on_change.clone()} />
                        </>
                    },
                }}
            </section>
        </>
    }
}

fn count_text(n: usize, query: &str) -> String {
    let people = format::people(n as u64);
    let more = if n as u32 >= SEARCH_LIMIT {
        " (the first ones; search to narrow them down)"
    } else {
        ""
    };
    let verb = if n == 1 { "matches" } else { "match" };
    if query.is_empty() {
        format!("{people} shown{more}.")
    } else {
        format!("{people} {verb} “{query}”{more}.")
    }
}

#[derive(Properties, PartialEq)]
struct PeopleSearchProps {
    query: String,
    on_search: Callback<String>,
}

#[component]
fn PeopleSearch(props: &PeopleSearchProps) -> Html {
    let input = use_node_ref();
    let onsubmit = search_on_submit(&input, &props.on_search);
    html! {
        <form class="toolbar" role="search" aria-label="The directory" {onsubmit}>
            <label for="people-search">{"Search by name or email"}</label>
            <input id="people-search" type="search" ref={input} defaultvalue={props.query.clone()}
                placeholder="Name or start of email" autocomplete="off" />
            <button type="submit" id="people-search-submit">{"Search"}</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct AddPersonProps {
    pub form: AddForm,
    pub added: Option<String>,
    pub dispatch: Callback<PeopleAction>,
    pub on_add: Callback<NewPerson>,
}

/// Name and email; the server's refusal is shown at the field it is about.
#[component]
pub fn AddPerson(props: &AddPersonProps) -> Html {
    let f = &props.form;
    let onsubmit = {
        let (on_add, dispatch) = (props.on_add.clone(), props.dispatch.clone());
        let (name, email) = (f.name.clone(), f.email.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(refusal) = AddForm::missing(&name, &email) {
                dispatch.emit(PeopleAction::Refused(refusal));
                return;
            }
            on_add.emit(NewPerson {
                name: name.trim().to_owned(),
                email: email.trim().to_owned(),
            });
        })
    };
    let on_name = props.dispatch.reform(|e: InputEvent| {
        PeopleAction::EditName(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_email = props.dispatch.reform(|e: InputEvent| {
        PeopleAction::EditEmail(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let message = f.field_message().unwrap_or_default();
    let field_error = |id: &'static str, error: Option<&ApiError>| {
        error.map(|_| html! { <p class="field-error" id={id}>{message.clone()}</p> })
    };
    let name_error = f.name_error();
    let email_error = f.email_error();
    let invalid = |e: Option<&ApiError>| e.is_some().then_some("true");
    html! {
        <section class="add-person" aria-labelledby="add-person-heading">
            <h2 id="add-person-heading">{"Add a person"}</h2>
            <p class="hint" id="add-person-help">{"They get an email from the sign-in service with a temporary password, and can then be made an admin of learning contracts."}</p>
            <form {onsubmit} novalidate=true aria-describedby="add-person-help">
                <div class="field">
                    <label for="person-name">{"Name"}</label>
                    <input id="person-name" type="text" value={f.name.clone()} oninput={on_name}
                        autocomplete="off" required=true aria-invalid={invalid(name_error)}
                        aria-describedby={name_error.map(|_| "person-name-error")} />
                    {field_error("person-name-error", name_error)}
                </div>
                <div class="field">
                    <label for="person-email">{"Email address"}</label>
                    <input id="person-email" type="email" value={f.email.clone()} oninput={on_email}
                        autocomplete="off" required=true aria-invalid={invalid(email_error)}
                        aria-describedby={email_error.map(|_| "person-email-error")} />
                    {field_error("person-email-error", email_error)}
                </div>
                // One live region for every refusal, so each is announced once wherever it is shown.
                // (Shown here only when it is about neither field; theirs is under the field.)
                <div role="alert" id="add-person-alert">
                    if let Some(e) = &f.error {
                        <p class={if f.form_error().is_some() { "error" } else { "visually-hidden" }}>
                            <strong>{"Could not add the person. "}</strong>
                            {f.field_message().unwrap_or_else(|| e.to_string())}
                        </p>
                    }
                </div>
                <button type="submit" class="primary" id="add-person" disabled={f.working}>
                    {if f.working { "Adding…" } else { "Add person" }}
                </button>
            </form>
            if let Some(text) = &props.added {
                <Outcome text={text.clone()} id="add-person-outcome" />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PeopleTableProps {
    pub people: Vec<User>,
    #[prop_or_default]
    pub rows: BTreeMap<String, RowState>,
    #[prop_or_default]
    pub me: Option<String>,
    pub dispatch: Callback<PeopleAction>,
    pub on_change: Callback<(User, Change)>,
}

#[component]
pub fn PeopleTable(props: &PeopleTableProps) -> Html {
    html! {
        <table class="cards people-table">
            <thead>
                <tr>
                    <th scope="col">{"Name"}</th>
                    <th scope="col">{"Email"}</th>
                    <th scope="col">{"System administrator"}</th>
                    <th scope="col">{"Actions"}</th>
                </tr>
            </thead>
            <tbody>
                { for props.people.iter().map(|user| html! {
                    <PersonRow user={user.clone()} state={props.rows.get(&user.id).cloned()}
                        me={props.me.as_deref() == Some(user.id.as_str())}
                        dispatch={props.dispatch.clone()} on_change={props.on_change.clone()} />
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
pub struct PersonRowProps {
    pub user: User,
    pub state: Option<RowState>,
    /// The signed-in person's own row.
    pub me: bool,
    pub dispatch: Callback<PeopleAction>,
    pub on_change: Callback<(User, Change)>,
}

#[component]
pub fn PersonRow(props: &PersonRowProps) -> Html {
    let user = &props.user;
    let id = &user.id;
    let change = Change::for_user(user);
    // Focus moves to the outcome: the question that had it is gone.
    let outcome_ref = use_node_ref();
    {
        let node = outcome_ref.clone();
        let outcome = match &props.state {
            Some(RowState::Done(text)) => Some(text.clone()),
            Some(RowState::Failed(_, e)) => Some(e.to_string()),
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
    let actions = match &props.state {
        Some(RowState::Confirm(change)) => {
            let change = *change;
            let confirm = {
                let (on_change, user) = (props.on_change.clone(), user.clone());
                Callback::from(move |_: ()| on_change.emit((user.clone(), change)))
            };
            let cancel = {
                let id = id.clone();
                props
                    .dispatch
                    .reform(move |_: ()| PeopleAction::Cancel(id.clone()))
            };
            html! {
                <Confirm id={format!("confirm-{id}")} yes_id={format!("confirm-sysadmin-{id}")}
                    cancel_id={format!("cancel-sysadmin-{id}")} yes_label={change.yes()} {confirm} {cancel}
                    question={change.question(&user.name)} />
            }
        }
        // The API refuses it (409 address_unverified): offer what is allowed, not a refusal.
        _ if change == Change::Grant && !user.email_verified => html! {
            <p class="hint" id={format!("unconfirmed-{id}")}>
                {"Can be made a system administrator once the address is confirmed."}
            </p>
        },
        // Nobody withdraws their own: it would lock the last system administrator out.
        _ if props.me && change == Change::Withdraw => html! {
            <p class="hint" id={format!("own-sysadmin-{id}")}>
                {"This is you: another system administrator can withdraw your system administration."}
            </p>
        },
        state => {
            let working = match state {
                Some(RowState::Working(c)) => Some(*c),
                _ => None,
            };
            let ask = {
                let id = id.clone();
                props
                    .dispatch
                    .reform(move |_: MouseEvent| PeopleAction::Ask(id.clone(), change))
            };
            let (button_id, class) = match change {
                Change::Grant => (format!("grant-sysadmin-{id}"), None),
                Change::Withdraw => (format!("withdraw-sysadmin-{id}"), Some("danger")),
            };
            let aria_label = match change {
                // The visible words first, as said by voice control users.
                Change::Grant => format!("Make system administrator: {}", user.name),
                Change::Withdraw => format!("Withdraw system administration from {}", user.name),
            };
            html! {
                <button type="button" id={button_id} class={classes!(class)} disabled={working.is_some()}
                    onclick={ask} aria-label={aria_label}>
                    {working.map_or(change.label(), Change::working)}
                </button>
            }
        }
    };
    let outcome = match &props.state {
        Some(RowState::Done(text)) => html! {
            <p class="outcome ok" role="status" id={format!("person-outcome-{id}")} tabindex="-1" ref={outcome_ref}>{text.clone()}</p>
        },
        Some(RowState::Failed(change, e)) => html! {
            <div id={format!("person-outcome-{id}")} tabindex="-1" ref={outcome_ref}>
                <ErrorMessage error={e.clone()} context={change.failed(&user.name)} />
            </div>
        },
        _ => html! {},
    };
    html! {
        <tr id={format!("person-{id}")}>
            <td data-label="Name">
                {user.name.clone()}
                if props.me { <span class="you">{" (you)"}</span> }
            </td>
            <td data-label="Email" class="email">{user.email.clone()}
                <Unconfirmed confirmed={user.email_verified}
                    consequence="nothing can be given to this account until it is" />
            </td>
            <td data-label="System administrator">
                if user.is_system_admin() {
                    <span class="badge system-admin">{"System administrator"}</span>
                } else {
                    {"No"}
                }
            </td>
            <td data-label="Actions" class="actions">{actions}{outcome}</td>
        </tr>
    }
}
