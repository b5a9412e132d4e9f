//! The search and status filter, the search's place in the page's address (with the filters and
//! the order, filters.rs), and the Export button (the CSV of what they match).

use super::*;

#[derive(Properties, PartialEq)]
pub struct InvitationSearchProps {
    pub search: Search,
    pub on_search: Callback<Search>,
}

/// Search by name or any part of the address and filter by status; the status applies at once,
/// the text on Search.
#[component]
pub fn InvitationSearch(props: &InvitationSearchProps) -> Html {
    let email = use_node_ref();
    let status = use_node_ref();
    // The box shows the search the page was opened with (its address) and each new one; only
    // when the search changes, so what is being typed is never overwritten.
    {
        let email = email.clone();
        use_effect_with(props.search.q.clone(), move |q| {
            if let Some(input) = email.cast::<HtmlInputElement>() {
                if input.value() != *q {
                    input.set_value(q);
                }
            }
        });
    }
    let read = {
        let (email, status, search) = (email.clone(), status.clone(), props.search.clone());
        // The filters and the order stay as they are.
        move || Search {
            q: email
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default(),
            status: status
                .cast::<HtmlSelectElement>()
                .and_then(|s| InvitationStatus::parse(&s.value())),
            ..search.clone()
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
            <label for="invitation-search">{"Search by name or email"}</label>
            // Uncontrolled (defaultvalue): a value bound to the state would be written back into
            // the box whenever the page re-renders (a list or the contract arriving), wiping
            // what is being typed.
            <input id="invitation-search" type="search" ref={email} defaultvalue={props.search.q.clone()}
                placeholder="Name or part of an address" autocomplete="off" {onkeydown} />
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

/// The search a page's address carries (`?q=…&status=…&invited_by=…&import=…&invited_from=…
/// &invited_to=…&group=…&sort=-email`): a reload or a shared link opens the tab on the same search, filters
/// and order (issue 28). Anything it does not know is left out.
pub fn search_from_url(query: &str) -> Search {
    let mut search = Search::default();
    for pair in query.trim_start_matches('?').split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let value = urlencoding::decode(&value.replace('+', " "))
            .map(|v| v.into_owned())
            .unwrap_or_default();
        match key {
            "q" => search.q = value,
            "status" => search.status = InvitationStatus::parse(&value),
            "invited_by" => search.invited_by = Some(value).filter(|v| is_id(v)),
            "import" => search.import = Some(value).filter(|v| is_id(v)),
            "invited_from" => search.invited_from = Some(value).filter(|v| is_day(v)),
            "invited_to" => search.invited_to = Some(value).filter(|v| is_day(v)),
            "group" => search.group = Some(value).filter(|v| !v.trim().is_empty()),
            "sort" => search.descending = value == "-email",
            _ => {}
        }
    }
    search
}

/// An id the API could take (a user's, an import's): 1 to 64 letters, digits, '-' or '_'.
pub fn is_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A day as a date field gives it: `YYYY-MM-DD`.
pub fn is_day(value: &str) -> bool {
    value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// The address query of a search ("" for none), as [`search_from_url`] reads it.
pub fn url_of(search: &Search) -> String {
    let filter = search.filter();
    let mut pairs = filter.pairs().to_vec();
    pairs.push(("sort", search.descending.then_some("-email")));
    crate::api::query_string(&pairs)
}

/// The page's address follows its search, without a new history entry (Back leaves the tab).
pub(super) fn show_in_url(search: &Search) {
    replace_query(&url_of(search));
}

/// The page's address with `query` ("" or "?a=b") in place of its own, without a new history
/// entry: a tab's filters, kept for a reload or a shared link.
pub fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(path) = window.location().pathname() else {
        return;
    };
    if let Ok(history) = window.history() {
        let url = format!("{path}{query}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The page's address query ("?a=b", or "").
pub fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The search the page was opened with.
pub(super) fn search_in_url() -> Search {
    search_from_url(&current_query())
}

/// Hands a file to the browser to save (a link to it, clicked); `kind` is its media type.
pub fn save_file(name: &str, text: &str, kind: &str) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
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

/// Saves a downloaded file (`kind`: its media type), or says in words that the browser did not.
pub fn save_download(download: &Download, kind: &str) -> Result<(), ApiError> {
    save_file(&download.file_name, &download.text, kind).map_err(|_| ApiError {
        status: 0,
        code: "download".into(),
        title: "Download failed".into(),
        detail: "The browser did not save the file. Please try again.".into(),
    })
}

/// Export: a CSV file of every invitation the search and status filter match (not only this
/// page). The button says what it takes; the outcome is announced.
pub fn export_button(
    search: &Search,
    state: Option<&ExportState>,
    on_export: Callback<MouseEvent>,
) -> Html {
    let working = state == Some(&ExportState::Working);
    let scope = match (search.status, search.q.trim()) {
        (None, "") if search.is_narrowed() => "The invitations of this contract.".to_owned(),
        (None, "") => "All invitations of this contract.".to_owned(),
        (Some(st), "") => format!("The {} invitations.", st.label().to_lowercase()),
        (None, q) => format!("The invitations whose name or address holds “{q}”."),
        (Some(st), q) => format!(
            "The {} invitations whose name or address holds “{q}”.",
            st.label().to_lowercase()
        ),
    };
    let scope = match filters_in_words(search) {
        Some(kept) => format!("{scope} {kept}"),
        None => scope,
    };
    html! {
        <div class="export">
            <button type="button" id="export-invitations" disabled={working}
                aria-describedby="export-scope" onclick={on_export}>
                {if working { "Exporting…" } else { "Export as CSV" }}
            </button>
            <span class="hint" id="export-scope">{scope}</span>
            <div role="status" id="export-outcome">
                {match state {
                    Some(ExportState::Done(text)) => html! { <p class="outcome ok">{text.clone()}</p> },
                    Some(ExportState::Working) => html! { <p class="outcome">{"Preparing the file…"}</p> },
                    _ => html! {},
                }}
            </div>
            if let Some(ExportState::Failed(text)) = state {
                <p class="outcome error" role="alert" id="export-error">{text.clone()}</p>
            }
        </div>
    }
}

/// Which filters narrow the search, in words ("Only those the inviter and days filters keep.");
/// `None` when none does.
pub fn filters_in_words(search: &Search) -> Option<String> {
    let set = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let kinds: Vec<&str> = [
        (set(&search.invited_by), "inviter"),
        (set(&search.import), "import"),
        (set(&search.invited_from) || set(&search.invited_to), "days"),
        (set(&search.group), "group"),
    ]
    .into_iter()
    .filter_map(|(on, kind)| on.then_some(kind))
    .collect();
    match kinds.as_slice() {
        [] => None,
        [one] => Some(format!("Only those the {one} filter keeps.")),
        [first @ .., last] => Some(format!(
            "Only those the {} and {last} filters keep.",
            first.join(", ")
        )),
    }
}
