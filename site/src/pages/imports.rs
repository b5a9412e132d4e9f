//! `/contracts/:id/imports`: the contract's CSV imports, newest first, each with its status and
//! counts (a check's as what would be); "Show report" loads one import's first bad rows and the
//! link to its full report.

use crate::api::{ApiError, Import, ImportMode};
use crate::by_id::ById;
use crate::components::error::ErrorMessage;
use crate::components::import_report::{import_report, state_text};
use crate::components::layout::{ContractHeader, ContractUnavailable, Tab};
use crate::format;
use crate::pages::use_contract;
use crate::AppContext;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ImportsPageProps {
    pub id: String,
}

#[component]
pub fn ImportsPage(props: &ImportsPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let contract = use_contract(&props.id);
    let imports = use_state(|| None::<Result<Vec<Import>, ApiError>>);
    // Reports opened so far, by import id.
    let reports = use_state(ById::<Result<Import, ApiError>>::new);
    {
        let (ctx, imports) = (ctx.clone(), imports.clone());
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            ctx.call(
                move |api| async move { api.imports(&id).await },
                move |result| imports.set(Some(result)),
            );
        });
    }
    let on_open = {
        let (ctx, reports, id) = (ctx.clone(), reports.clone(), props.id.clone());
        Callback::from(move |import_id: String| {
            let (ctx, reports, id) = (ctx.clone(), reports.clone(), id.clone());
            let asked = import_id.clone();
            ctx.call(
                move |api| async move { api.import(&id, &asked).await },
                move |result| {
                    let mut map = (*reports).clone();
                    map.insert(import_id, result);
                    reports.set(map);
                },
            );
        })
    };
    // A contract that cannot be opened gets no imports, only why.
    if let Some(Err(e)) = &contract {
        return html! { <ContractUnavailable error={e.clone()} /> };
    }
    html! {
        <>
            {match &contract {
                Some(Ok(c)) => html! { <ContractHeader contract={c.clone()} current={Tab::Imports} /> },
                _ => html! { <p role="status">{"Loading the contract…"}</p> },
            }}
            <h2>{"Imports"}</h2>
            {match &*imports {
                None => html! { <p role="status">{"Loading the imports…"}</p> },
                Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the imports" /> },
                Some(Ok(list)) => import_list(list, &reports, &on_open),
            }}
        </>
    }
}

/// " · 2 invited · 3 not invited"; a check invited nobody, so it says what would be.
fn counts_line(mode: ImportMode, invited: u64, not_invited: u64) -> String {
    let (invited, not_invited) = (format::count(invited), format::count(not_invited));
    match mode {
        ImportMode::Invite => format!(" · {invited} invited · {not_invited} not invited"),
        ImportMode::Check => format!(" · {invited} would be invited · {not_invited} would not be"),
    }
}

/// The imports, each with its state and counts, and its report once opened (`reports`, by
/// import id; `on_open`: Show report).
pub fn import_list(
    imports: &[Import],
    reports: &ById<Result<Import, ApiError>>,
    on_open: &Callback<String>,
) -> Html {
    if imports.is_empty() {
        return html! { <p class="empty">{"No CSV files have been imported for this contract yet."}</p> };
    }
    html! {
        <ul class="imports">
            { for imports.iter().map(|import| {
                let invited = import.counts.invited + import.counts.reinvited;
                let not_invited = import.counts.labelled(import.mode).iter().skip(2).map(|(_, n)| n).sum::<u64>();
                let onclick = {
                    let (on_open, id) = (on_open.clone(), import.id.clone());
                    Callback::from(move |_: MouseEvent| on_open.emit(id.clone()))
                };
                let title = import.file_name.clone().unwrap_or_else(|| "CSV file".into());
                html! {
                    <li class="import" id={format!("import-{}", import.id)}>
                        <h3>{title}</h3>
                        <p class="facts">
                            {format!("Uploaded {}", format::date_time(&import.created_at))}
                            if let Some(by) = &import.created_by_name { {format!(" by {by}")} }
                        </p>
                        <p id={format!("import-counts-{}", import.id)}>
                            <strong>{state_text(import)}</strong>
                            {counts_line(import.mode, invited, not_invited)}
                        </p>
                        {match reports.get(&import.id) {
                            Some(Ok(full)) => import_report(full),
                            Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the report" /> },
                            None => html! {
                                <button type="button" id={format!("show-report-{}", import.id)} {onclick}
                                    aria-label={format!("Show report for {}", import.file_name.clone().unwrap_or_else(|| import.id.clone()))}>
                                    {"Show report"}
                                </button>
                            },
                        }}
                    </li>
                }
            }) }
        </ul>
    }
}
