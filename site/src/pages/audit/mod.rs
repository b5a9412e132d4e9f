//! `/contracts/:id/audit`: a contract's audit (issue 32). Who invited, resent, extended,
//! revoked, corrected, cleared, imported, changed the mail or reminders, and what the product
//! did by itself, newest first, older entries on demand; filtered by action, person and days
//! (kept in the page's address), and exported as CSV or JSON.

mod state;
mod view;

pub use state::*;
pub use view::*;

use crate::api::AuditFilter;
use crate::components::layout::{ContractHeader, ContractUnavailable, Tab};
use crate::format;
use crate::pages::invitations::search::{current_query, replace_query, save_download};
use crate::pages::use_contract;
use crate::AppContext;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AuditPageProps {
    pub id: String,
}

#[component]
pub fn AuditPage(props: &AuditPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let contract = use_contract(&props.id);
    // Opened on the filter its address names (a reload, a shared link).
    let state = use_reducer(|| AuditState::opened_on(&current_query()));
    {
        let (ctx, state) = (ctx.clone(), state.clone());
        use_effect_with(
            (props.id.clone(), state.filter.clone(), state.generation),
            move |(id, _, _)| load(&ctx, state, id.clone(), None),
        );
    }
    // The contract's admins, offered in the person filter (none when they cannot be read).
    {
        let (ctx, state) = (ctx.clone(), state.clone());
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            ctx.call(
                move |api| async move { api.admins(&id).await },
                move |result| {
                    if let Ok(admins) = result {
                        state.dispatch(AuditMsg::Admins(admins));
                    }
                },
            );
        });
    }
    // After "Show older entries", the first entry it brought takes the focus (the button
    // that had it may be gone).
    use_effect_with(state.focus_entry, |first| {
        let row = first.and_then(|n| {
            web_sys::window()?
                .document()?
                .get_element_by_id(&format!("audit-entry-{n}"))
        });
        if let Some(row) = row.and_then(|r| {
            use wasm_bindgen::JsCast;
            r.dyn_into::<web_sys::HtmlElement>().ok()
        }) {
            let _ = row.focus();
        }
    });
    let on_more = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |_: MouseEvent| {
            let cursor = state.next_cursor.clone();
            state.dispatch(AuditMsg::More);
            load(&ctx, state.clone(), id.clone(), cursor);
        })
    };
    let on_export = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |format: &'static str| {
            let (state, id, filter) = (state.clone(), id.clone(), state.filter.clone());
            state.dispatch(AuditMsg::ExportStarted);
            ctx.call(
                move |api| async move { api.export_audit(&id, &filter, format).await },
                move |result| {
                    let outcome = result.and_then(|download| {
                        let (kind, entries) = match format {
                            "json" => ("application/json", json_records(&download.text)),
                            _ => ("text/csv;charset=utf-8", csv_records(&download.text)),
                        };
                        save_download(&download, kind)?;
                        Ok(format!(
                            "Downloaded {}: {} entr{}.",
                            download.file_name,
                            format::count(entries as u64),
                            if entries == 1 { "y" } else { "ies" }
                        ))
                    });
                    state.dispatch(AuditMsg::ExportFinished(outcome));
                },
            );
        })
    };
    // A contract that cannot be opened gets no audit, only why.
    if let Some(Err(e)) = &contract {
        return html! { <ContractUnavailable error={e.clone()} /> };
    }
    // A new filter: the page's address follows it.
    let on_filter = {
        let state = state.clone();
        Callback::from(move |filter: AuditFilter| {
            replace_query(&url_of(&filter));
            state.dispatch(AuditMsg::Filter(filter));
        })
    };
    html! {
        <>
            {match &contract {
                Some(Ok(c)) => html! { <ContractHeader contract={c.clone()} current={Tab::Audit} /> },
                _ => html! { <p role="status">{"Loading the contract…"}</p> },
            }}
            <h2>{"Audit"}</h2>
            <p class="hint">{"Who did what in this contract, and what the product did by itself."}</p>
            {audit_filters(&state, &on_filter)}
            {audit_export(&state, &on_export)}
            {audit_table(&state, &on_more)}
        </>
    }
}

/// Reads a page of the audit for the tab's filter: the first (`cursor` `None`) or the next
/// older one, appended.
fn load(ctx: &AppContext, state: UseReducerHandle<AuditState>, id: String, cursor: Option<String>) {
    let filter = state.filter.clone();
    let asked = filter.clone();
    let older = cursor.is_some();
    ctx.call(
        move |api| async move { api.audit(&id, &asked, cursor.as_deref()).await },
        move |result| state.dispatch(AuditMsg::Loaded(filter, older, result)),
    );
}
