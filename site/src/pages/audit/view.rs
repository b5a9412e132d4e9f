//! The Audit tab's views: the filters, the export buttons and the table of entries. Plain
//! functions: the page draws them again whenever its state changes.

use super::state::{AuditState, UNKNOWN_PERSON};
use crate::api::{AuditAction, AuditEntry, AuditFilter};
use crate::format;
use crate::pages::invitations::{choice_field, day_field, ExportState};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// What, Who, From and To; Clear filters once any is set. Each applies as soon as it changes.
pub fn audit_filters(state: &AuditState, on_filter: &Callback<AuditFilter>) -> Html {
    let filter = &state.filter;
    // The filter with one part changed to what its field now says ("" is none).
    let change = |set: fn(&mut AuditFilter, Option<String>)| {
        let (filter, on_filter) = (filter.clone(), on_filter.clone());
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlSelectElement>()
                .map(|s| s.value())
                .or_else(|| e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()))
                .unwrap_or_default();
            let mut next = filter.clone();
            set(&mut next, Some(value).filter(|v| !v.is_empty()));
            if next != filter {
                on_filter.emit(next);
            }
        })
    };
    let actions: Vec<(String, String)> = AuditAction::ALL
        .into_iter()
        .map(|a| (a.code().to_owned(), a.label().to_owned()))
        .collect();
    let action = filter.action.map(|a| a.code().to_owned());
    let clear = on_filter.reform(|_: MouseEvent| AuditFilter::default());
    html! {
        <div class="filters invitation-filters" role="group" aria-label="Filters">
            {choice_field(("audit-action", "What", "Any"), &actions, &action,
                change(|f, v| f.action = v.as_deref().and_then(AuditAction::parse)))}
            {choice_field(("audit-actor", "Who", "Anyone"), &state.people, &filter.actor,
                change(|f, v| f.actor = v))}
            {day_field(("audit-from", "From"), &filter.from, (&None, &filter.to),
                change(|f, v| f.from = v))}
            {day_field(("audit-to", "To"), &filter.to, (&filter.from, &None),
                change(|f, v| f.to = v))}
            <p class="hint" id="filter-days">{"Days in UTC, both included."}</p>
            if filter.is_narrowed() {
                <button type="button" id="audit-clear" onclick={clear}>{"Clear filters"}</button>
            }
        </div>
    }
}

/// Export as CSV and as JSON: every entry the filters keep (not only those shown); the
/// outcome is announced.
pub fn audit_export(state: &AuditState, on_export: &Callback<&'static str>) -> Html {
    let working = state.export == Some(ExportState::Working);
    let button = |id: &'static str, format: &'static str, label: &'static str| {
        let onclick = on_export.reform(move |_: MouseEvent| format);
        html! {
            <button type="button" {id} disabled={working} aria-describedby="audit-export-scope" {onclick}>
                {label}
            </button>
        }
    };
    let scope = if state.filter.is_narrowed() {
        "Every entry the filters keep, not only those shown."
    } else {
        "The contract's whole audit, not only the entries shown."
    };
    html! {
        <div class="export">
            {button("audit-export-csv", "csv", "Export as CSV")}
            {" "}
            {button("audit-export-json", "json", "Export as JSON")}
            <span class="hint" id="audit-export-scope">{scope}</span>
            <div role="status" id="audit-export-outcome">
                {match &state.export {
                    Some(ExportState::Done(text)) => html! { <p class="outcome ok">{text.clone()}</p> },
                    Some(ExportState::Working) => html! { <p class="outcome">{"Preparing the file…"}</p> },
                    _ => html! {},
                }}
            </div>
            if let Some(ExportState::Failed(text)) = &state.export {
                <p class="outcome error" role="alert" id="audit-export-error">{text.clone()}</p>
            }
        </div>
    }
}

/// Who did it, in words: their name, that they are no longer known, or the product itself.
pub fn who(entry: &AuditEntry) -> &str {
    match (&entry.actor_name, &entry.actor) {
        (Some(name), _) if !name.trim().is_empty() => name,
        (_, Some(_)) => UNKNOWN_PERSON,
        (_, None) => "The product",
    }
}

/// The entries, newest first, then "Show older entries" while there are more; the empty state
/// and any refusal in words.
pub fn audit_table(state: &AuditState, on_more: &Callback<MouseEvent>) -> Html {
    // Admin changes name people by id: shown by name when the tab knows them.
    let about = |e: &AuditEntry| {
        e.subjects
            .iter()
            .map(|s| state.name_of(s).unwrap_or(s).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let row = |(n, e): (usize, &AuditEntry)| {
        html! {
            <tr id={format!("audit-entry-{n}")} tabindex="-1">
                <td data-label="When"><time datetime={e.at.clone()}>{format::date_time(&e.at)}</time></td>
                <td data-label="What">{e.action.label()}</td>
                <td data-label="Who">{who(e).to_owned()}</td>
                <td data-label="About">{about(e)}</td>
                <td data-label="Detail">{e.detail.clone().unwrap_or_default()}</td>
            </tr>
        }
    };
    let empty = if state.filter.is_narrowed() {
        "Nothing in this contract's audit matches these filters."
    } else {
        "Nothing has been recorded for this contract yet."
    };
    html! {
        <>
            if !state.entries.is_empty() {
                <table class="cards audit" id="audit-entries">
                    <caption>{format!("The contract's audit, newest first: {} shown", format::count(state.entries.len() as u64))}</caption>
                    <thead><tr>
                        <th scope="col">{"When"}</th><th scope="col">{"What"}</th><th scope="col">{"Who"}</th>
                        <th scope="col">{"About"}</th><th scope="col">{"Detail"}</th>
                    </tr></thead>
                    <tbody>{ for state.entries.iter().enumerate().map(row) }</tbody>
                </table>
            }
            <div role="status" id="audit-status">
                if state.loading {
                    <p>{"Loading the audit…"}</p>
                } else if state.loaded && state.entries.is_empty() && state.error.is_none() {
                    <p id="audit-empty">{empty}</p>
                }
            </div>
            if let Some(error) = &state.error {
                <p class="outcome error" role="alert" id="audit-error">{error.to_string()}</p>
            }
            if state.next_cursor.is_some() {
                <button type="button" id="audit-more" disabled={state.loading} onclick={on_more.clone()}>
                    {"Show older entries"}
                </button>
            }
        </>
    }
}
