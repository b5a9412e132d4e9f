//! The directory's list: the search, its count, the table and each person's row.

use super::*;
use crate::api::Standing;
use crate::components::standing::standing_mark;

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
    /// "Show more": the next page of the search.
    #[prop_or_default]
    pub on_more: Callback<()>,
    pub on_add: Callback<NewPerson>,
    pub on_change: Callback<(User, Change)>,
}

#[component]
pub fn PeopleView(props: &PeopleViewProps) -> Html {
    crate::components::layout::use_title("People".to_owned());
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
            <p class="hint">{"Everyone who can sign in, and anyone who no longer can (marked). Add people, and choose who administers the whole system; a learning contract's admins are chosen on its Admins tab."}</p>
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
                            <p class="hint" role="status" id="people-count">{count_text(people.len(), &s.query, s.more.is_some())}</p>
                            <PeopleTable people={people.clone()} rows={s.rows.clone()} me={props.me.clone()}
                                dispatch={props.dispatch.clone()} on_change={props.on_change.clone()} />
                            {more_button(s, &props.on_more)}
                        </>
                    },
                }}
            </section>
        </>
    }
}

/// "Show more people" while more match, with what became of the last try.
fn more_button(s: &PeopleState, on_more: &Callback<()>) -> Html {
    if s.more.is_none() {
        return html! {};
    }
    let loading = s.more_state == Some(Ok(()));
    let onclick = on_more.reform(|_: MouseEvent| ());
    html! {
        <p class="more">
            <button type="button" id="people-more" disabled={loading} {onclick}>
                {if loading { "Loading more people…" } else { "Show more people" }}
            </button>
            if let Some(Err(e)) = &s.more_state {
                <ErrorMessage error={e.clone()} context="Could not load more people" />
            }
        </p>
    }
}

pub(super) fn count_text(n: usize, query: &str, more: bool) -> String {
    let people = format::people(n as u64);
    let more = if more { " so far; more below" } else { "" };
    let verb = if n == 1 { "matches" } else { "match" };
    if query.is_empty() {
        format!("{people} shown{more}.")
    } else {
        format!("{people} {verb} “{query}”{more}.")
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct PeopleSearchProps {
    query: String,
    on_search: Callback<String>,
}

#[component]
pub(super) fn PeopleSearch(props: &PeopleSearchProps) -> Html {
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
pub struct PeopleTableProps {
    pub people: Vec<User>,
    #[prop_or_default]
    pub rows: ById<RowState>,
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
            // Cancel gives the focus back to the button the question replaced.
            let opener = match change {
                Change::Grant => format!("grant-sysadmin-{id}"),
                Change::Withdraw => format!("withdraw-sysadmin-{id}"),
            };
            html! {
                <Confirm id={format!("confirm-{id}")} yes_id={format!("confirm-sysadmin-{id}")}
                    cancel_id={format!("cancel-sysadmin-{id}")} yes_label={change.yes()} {confirm} {cancel}
                    opener={AttrValue::from(opener)} yes_class={if change == Change::Withdraw { "danger" } else { "primary" }}
                    question={change.question(&user.name)} />
            }
        }
        // Issue 32: someone who cannot sign in is not offered system administration.
        _ if change == Change::Grant && user.standing != Standing::Active => html! {
            <p class="hint" id={format!("standing-{id}")}>{"Cannot be made a system administrator while unable to sign in."}</p>
        },
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
                {standing_mark(Some(user.standing), ["", &user.removed_at.as_deref().map(|t| format!(" (noticed {})", format::date(t))).unwrap_or_default()])}
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
