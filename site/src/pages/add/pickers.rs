//! The ways to add people: the tabs, the chosen way's panel (the CSV picker, the addresses
//! pasted, or the directory's user picker).

use super::*;
use crate::api::Standing;
use crate::components::standing::standing_mark;

/// The ways to add people, as tabs (`disabled` while something is being sent).
pub fn method_tabs(method: Method, on_change: &Callback<Method>, disabled: bool) -> Html {
    let tab = |m: Method, id: &'static str, label: &'static str| {
        let selected = method == m;
        let onclick = on_change.reform(move |_: MouseEvent| m);
        html! {
            <button type="button" role="tab" {id} aria-selected={selected.to_string()} aria-controls="method-panel"
                class={classes!("tab", selected.then_some("current"))} {disabled} {onclick}>
                {label}
            </button>
        }
    };
    html! {
        <div class="method-tabs" role="tablist" aria-label="How to add people">
            {tab(Method::Csv, "method-csv", "Upload CSV")}
            {tab(Method::Paste, "method-paste", "Paste addresses")}
            {tab(Method::Directory, "method-users", "Select individual users")}
        </div>
    }
}

/// The chosen way's tab panel: a CSV file (and whether to check it first), addresses pasted, or
/// people from the directory, who need `min_query` letters to search for (see
/// `UserPickerProps::min_query`).
pub fn method_panel(
    state: &AddState,
    dispatch: &Callback<AddAction>,
    min_query: usize,
    on_search: Callback<String>,
) -> Html {
    let busy = state.busy();
    let tab = match state.method {
        Method::Csv => "method-csv",
        Method::Paste => "method-paste",
        Method::Directory => "method-users",
    };
    html! {
        <div role="tabpanel" id="method-panel" aria-labelledby={tab}>
            {match state.method {
                Method::Csv => html! {
                    <>
                        {csv_picker(state.file_name.as_ref(), &dispatch.reform(AddAction::ChooseFile), busy)}
                        {check_first(state.check_first, busy, dispatch)}
                    </>
                },
                Method::Paste => paste_addresses(state, busy, dispatch),
                Method::Directory => html! {
                    <UserPicker found={state.found.clone()} selected={state.selected.clone()} submitted={state.submitted}
                        {min_query} {on_search} on_toggle={dispatch.reform(AddAction::ToggleUser)}
                        on_submit={dispatch.reform(|_: ()| AddAction::SubmitPeople)} />
                },
            }}
        </div>
    }
}

/// "When no seat is left": those over the contract's seat limit wait in line instead of being
/// refused (issue 30); a freed seat invites the first in line.
pub fn over_limit_wait(checked: bool, disabled: bool, dispatch: &Callback<AddAction>) -> Html {
    let onchange = dispatch.reform(|e: Event| {
        AddAction::OverLimitWait(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    html! {
        <p class="check-first">
            <input type="checkbox" id="over-limit-wait" {checked} {disabled}
                aria-describedby="over-limit-wait-help" {onchange} />
            <label for="over-limit-wait">{"Put people over the seat limit on the waiting list"}</label>
            <span id="over-limit-wait-help" class="hint">
                {" When a seat frees, the first in line is invited and mailed."}
            </span>
        </p>
    }
}

/// "Check the file first": the import then only says what it would do.
fn check_first(checked: bool, disabled: bool, dispatch: &Callback<AddAction>) -> Html {
    let onchange = dispatch.reform(|e: Event| {
        AddAction::CheckFirst(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    html! {
        <p class="check-first">
            <input type="checkbox" id="csv-check-first" {checked} {disabled}
                aria-describedby="csv-check-first-help"
                {onchange} />
            <label for="csv-check-first">{"Check the file first"}</label>
            <span id="csv-check-first-help" class="hint">
                {" See what would happen to each row; nobody is invited until you say so."}
            </span>
        </p>
    }
}

/// "Paste addresses": a list copied from anywhere, read as Canvas reads one; how many were found
/// is said as they are pasted, and a list over a request's limit is refused here.
fn paste_addresses(state: &AddState, disabled: bool, dispatch: &Callback<AddAction>) -> Html {
    let oninput = dispatch.reform(|e: InputEvent| {
        AddAction::Paste(e.target_unchecked_into::<HtmlTextAreaElement>().value())
    });
    let found = state.pasted_addresses().len();
    let (class, said) = match found {
        0 => ("hint", String::new()),
        n if n > MAX_PASTED => (
            "error",
            format!(
                "That is {} addresses: at most {} can be invited at a time. Paste fewer, or upload them as a CSV file.",
                format::count(n as u64),
                format::count(MAX_PASTED as u64)
            ),
        ),
        1 => ("hint", "1 address found.".into()),
        n => ("hint", format!("{} addresses found.", format::count(n as u64))),
    };
    html! {
        <div class="paste">
            <label for="paste-addresses">{"Paste addresses"}</label>
            <textarea id="paste-addresses" rows="6" value={state.pasted.clone()} {disabled} {oninput}
                autocomplete="off" spellcheck="false" aria-describedby="paste-help paste-found" />
            <p id="paste-help" class="hint">
                {"One per line, or separated by commas or semicolons; each address is invited once. At most 1,000 at a time."}
            </p>
            <p id="paste-found" {class} role="status">{said}</p>
        </div>
    }
}

/// A file to start from: three made-up addresses, one a line, no header row.
pub const EXAMPLE_CSV: &str =
    "data:text/csv;charset=utf-8,ada%40example.com%0Abrook%40example.com%0Achen%40example.com%0A";

/// A file input inside a drop zone: the input keeps it usable with the keyboard. The zone is
/// marked while a file is dragged over it straight on the page (no state to keep for it).
fn csv_picker(file_name: Option<&String>, on_file: &Callback<File>, disabled: bool) -> Html {
    let onchange = {
        let on_file = on_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(f) = input.files().and_then(|files| files.get(0)) {
                on_file.emit(f);
            }
        })
    };
    let mark = |over: bool| {
        move |e: &DragEvent| {
            e.prevent_default();
            if let Some(zone) = e.current_target() {
                wasm_bindgen::JsCast::unchecked_into::<web_sys::Element>(zone)
                    .set_class_name(if over { "drop over" } else { "drop" });
            }
        }
    };
    let ondragover = Callback::from(move |e: DragEvent| mark(true)(&e));
    let ondragleave = Callback::from(move |e: DragEvent| mark(false)(&e));
    let ondrop = {
        let on_file = on_file.clone();
        Callback::from(move |e: DragEvent| {
            mark(false)(&e);
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|files| files.get(0));
            if let (false, Some(f)) = (disabled, file) {
                on_file.emit(f);
            }
        })
    };
    html! {
        <div class="drop" {ondragover} {ondragleave} {ondrop}>
            <label for="csv-file">{"Choose a CSV file"}</label>
            <input id="csv-file" type="file" accept=".csv,text/csv" {disabled} {onchange}
                aria-describedby="csv-help" />
            <p id="csv-help" class="hint">
                {"or drop it here. One email address per row in the first column, no header row; or a header row naming its columns: email, name (or first name and last name), language (en or fr), group, send at (a date and time in UTC, such as 2027-03-01 09:00). Registered and unregistered addresses both work. "}
                <a id="example-csv" href={EXAMPLE_CSV} download="example.csv">{"Download an example CSV"}</a>
            </p>
            if let Some(name) = file_name {
                <p class="chosen" role="status">{"Chosen: "}<strong>{name.clone()}</strong></p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct UserPickerProps {
    /// `None` while a search runs.
    pub found: Option<Result<Vec<User>, ApiError>>,
    pub selected: Vec<User>,
    pub submitted: bool,
    pub on_search: Callback<String>,
    pub on_toggle: Callback<User>,
    pub on_submit: Callback<()>,
    /// The fewest letters a search needs (contract admins: the domain's `SEARCH_MIN_LETTERS`;
    /// 0: any, even none).
    #[prop_or_default]
    pub min_query: usize,
}

/// Directory search with a checkbox per user, then Submit.
#[component]
pub fn UserPicker(props: &UserPickerProps) -> Html {
    let input = use_node_ref();
    let onsubmit = search_on_submit(&input, &props.on_search);
    let is_selected = |u: &User| props.selected.iter().any(|s| s.id == u.id);
    let row = |u: &User| {
        let onchange = {
            let (user, on_toggle) = (u.clone(), props.on_toggle.clone());
            Callback::from(move |_: Event| on_toggle.emit(user.clone()))
        };
        let id = format!("user-{}", u.id);
        // Issue 32: someone who cannot sign in is not picked at all (rather than picked as an
        // address): a disabled account's address still leads to it, so the invitation would
        // be bound to an account that cannot enrol; a removed person's address leads to
        // nobody, so pasting the address invites it afresh, for a new account.
        let active = u.standing == Standing::Active;
        html! {
            <li>
                <input type="checkbox" id={id.clone()} checked={is_selected(u)} {onchange}
                    disabled={!active && !is_selected(u)} />
                <label for={id}>{u.name.clone()}<span class="email">{u.email.clone()}</span>
                    <Unconfirmed confirmed={u.email_verified}
                        consequence="the invitation goes to the address, not to this account" />
                    {standing_mark(Some(u.standing), ["; cannot be invited from here", "; cannot be invited from here: paste the address to invite it for a new account"])}
                </label>
            </li>
        }
    };
    // People ticked in an earlier search stay listed, so they can be unticked.
    let earlier: Vec<&User> = match &props.found {
        Some(Ok(users)) => props
            .selected
            .iter()
            .filter(|s| !users.iter().any(|u| u.id == s.id))
            .collect(),
        _ => props.selected.iter().collect(),
    };
    html! {
        <div class="user-picker">
            <form class="toolbar" role="search" {onsubmit}>
                <label for="user-search">{"Search the directory"}</label>
                <input id="user-search" type="search" ref={input} placeholder="Name or start of email" autocomplete="off"
                    minlength={(props.min_query > 0).then(|| props.min_query.to_string())}
                    aria-describedby={(props.min_query > 0).then_some("user-search-hint")} />
                <button type="submit" id="user-search-submit">{"Search"}</button>
            </form>
            if props.min_query > 0 {
                <p class="hint" id="user-search-hint">
                    {format!("Type at least {} letters of a name or the start of an address; up to {SEARCH_MAX_PEOPLE} people are shown.", props.min_query)}
                </p>
            }
            {match &props.found {
                None => html! { <p role="status">{"Searching…"}</p> },
                Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not search the directory" /> },
                Some(Ok(users)) if users.is_empty() && props.min_query > 0 => html! {
                    <p class="empty" role="status">{"Nobody listed yet: search for the people to invite."}</p>
                },
                Some(Ok(users)) if users.is_empty() => html! { <p class="empty" role="status">{"No users match."}</p> },
                Some(Ok(users)) => html! {
                    <fieldset>
                        <legend>{"Users"}</legend>
                        <ul class="checklist">{ for users.iter().map(row) }</ul>
                    </fieldset>
                },
            }}
            if !earlier.is_empty() {
                <fieldset>
                    <legend>{"Also selected"}</legend>
                    <ul class="checklist">{ for earlier.into_iter().map(row) }</ul>
                </fieldset>
            }
            <p class="selection">
                <span role="status">{format!("{} selected", format::people(props.selected.len() as u64))}</span>
                {" "}
                <button type="button" id="submit-users" class="primary" disabled={props.selected.is_empty() || props.submitted}
                    onclick={props.on_submit.reform(|_: MouseEvent| ())}>{"Submit"}</button>
            </p>
        </div>
    }
}
