//! `/contracts/:id/add`: Add Invitations. Step 1 chooses the people, by CSV file (picker or
//! drag-and-drop) or from the directory (search, tick, Submit). A voucher with several
//! activities then asks for them ("Step 2 of 2"). Add Users sends; the results per person (or the
//! import's progress and report, for a file) are shown here.

mod csv;
mod pickers;
mod state;
mod step;

use csv::*;
pub use pickers::*;
pub use state::*;
pub use step::*;

use crate::api::{
    self, AddResult, ApiError, Contract, Import, ImportMode, ImportState, Phase, User,
};
use crate::components::error::ErrorMessage;
use crate::components::form::search_on_submit;
use crate::components::import_report::ImportReport;
use crate::components::layout::{ContractHeader, Tab};
use crate::components::person_results::PersonResults;
use crate::components::unconfirmed::Unconfirmed;
use crate::format;
use crate::pages::use_contract;
use crate::upload::{self, UploadEvent};
use crate::{AppContext, Route};
use invitations_domain::user::{SEARCH_MAX_PEOPLE, SEARCH_MIN_LETTERS};
use std::cell::Cell;
use std::rc::Rc;
use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;
use yew_router::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AddInvitationsPageProps {
    pub id: String,
}

#[component]
pub fn AddInvitationsPage(props: &AddInvitationsPageProps) -> Html {
    let contract = use_contract(&props.id);
    html! {
        <>
            {match &contract {
                None => html! { <p role="status">{"Loading the contract…"}</p> },
                Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the learning contract" /> },
                Some(Ok(c)) => html! {
                    <>
                        <ContractHeader contract={c.clone()} current={Tab::Add} />
                        <AddInvitations contract={c.clone()} />
                    </>
                },
            }}
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct AddInvitationsProps {
    pub contract: Contract,
}

#[component]
pub(super) fn AddInvitations(props: &AddInvitationsProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let contract = &props.contract;
    let method = use_state(|| Method::Csv);
    // Directory. A system administrator sees everyone at once; a contract admin searches by a
    // few letters first (the API lists the directory to them no other way).
    let everyone = ctx.is_system_admin();
    let found = use_state(|| (!everyone).then(|| Ok(Vec::<User>::new())));
    let selected = use_state(Vec::<User>::new);
    let submitted = use_state(|| false);
    // CSV
    let file = use_state(|| None::<File>);
    let file_name = use_state(|| None::<String>);
    let progress = use_state(|| CsvProgress::Idle);
    // Check the file first: nothing is written until "Invite these".
    let check_first = use_state(|| false);
    // Step 2 and sending
    let chosen = use_state(Vec::<String>::new);
    let sent = use_state(|| Sent::Nothing);
    // Polling stops when the admin leaves the page.
    let alive = use_mut_ref(|| Rc::new(Cell::new(true)));
    {
        let alive = alive.borrow().clone();
        use_effect_with((), move |_| move || alive.set(false));
    }

    let search = {
        let (ctx, found) = (ctx.clone(), found.clone());
        Callback::from(move |q: String| {
            let (ctx, found) = (ctx.clone(), found.clone());
            found.set(None);
            ctx.call(
                move |api| async move { api.users(&q).await },
                move |result| found.set(Some(result)),
            );
        })
    };
    {
        let search = search.clone();
        use_effect_with((), move |_| {
            if everyone {
                search.emit(String::new())
            }
        });
    }
    let on_toggle_user = {
        let (selected, submitted) = (selected.clone(), submitted.clone());
        Callback::from(move |user: User| {
            let mut list = (*selected).clone();
            match list.iter().position(|u| u.id == user.id) {
                Some(i) => {
                    list.remove(i);
                }
                None => list.push(user),
            }
            selected.set(list);
            submitted.set(false);
        })
    };
    let on_submit_people = {
        let submitted = submitted.clone();
        Callback::from(move |_| submitted.set(true))
    };
    let on_file = {
        let (file, file_name, progress) = (file.clone(), file_name.clone(), progress.clone());
        Callback::from(move |f: File| {
            file_name.set(Some(f.name()));
            file.set(Some(f));
            progress.set(CsvProgress::Idle);
        })
    };
    let on_method = {
        let method = method.clone();
        Callback::from(move |m: Method| method.set(m))
    };
    let on_toggle_activity = {
        let chosen = chosen.clone();
        Callback::from(move |id: String| {
            let mut list = (*chosen).clone();
            match list.iter().position(|a| *a == id) {
                Some(i) => {
                    list.remove(i);
                }
                None => list.push(id),
            }
            chosen.set(list);
        })
    };
    let on_all_activities = {
        let (chosen, all) = (chosen.clone(), contract.activities.clone());
        Callback::from(move |on: bool| {
            chosen.set(if on {
                all.iter().map(|a| a.id.clone()).collect()
            } else {
                Vec::new()
            });
        })
    };
    let activities_to_send = if contract.needs_activity_choice {
        (*chosen).clone()
    } else {
        Vec::new()
    };
    let on_add = {
        let (ctx, id, method) = (ctx.clone(), contract.id.clone(), *method);
        let (selected, sent, file, progress) = (
            selected.clone(),
            sent.clone(),
            file.clone(),
            progress.clone(),
        );
        let alive = alive.borrow().clone();
        let activities = activities_to_send.clone();
        let check_first = *check_first;
        Callback::from(move |_| match method {
            Method::Directory => {
                let people = api::AddInvitations {
                    user_ids: selected.iter().map(|u| u.id.clone()).collect(),
                    activities: activities.clone(),
                    ..Default::default()
                };
                let (ctx, id, sent) = (ctx.clone(), id.clone(), sent.clone());
                sent.set(Sent::Sending);
                ctx.call(
                    move |api| async move { api.invite(&id, &people).await },
                    move |result| {
                        sent.set(match result {
                            Ok(result) => Sent::Done(result),
                            Err(e) => Sent::Failed(e),
                        })
                    },
                );
            }
            Method::Csv => {
                if let Some(f) = (*file).clone() {
                    start_import(
                        ctx.clone(),
                        id.clone(),
                        f,
                        activities.clone(),
                        if check_first {
                            ImportMode::Check
                        } else {
                            ImportMode::Invite
                        },
                        progress.clone(),
                        alive.clone(),
                    );
                }
            }
        })
    };
    let on_again = {
        let (selected, submitted, file, file_name, progress, sent) = (
            selected.clone(),
            submitted.clone(),
            file.clone(),
            file_name.clone(),
            progress.clone(),
            sent.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            selected.set(Vec::new());
            submitted.set(false);
            file.set(None);
            file_name.set(None);
            progress.set(CsvProgress::Idle);
            sent.set(Sent::Nothing);
        })
    };

    if contract.phase == Phase::Expired {
        return html! {
            <p class="notice" role="status">{"This learning contract has expired, so no more invitations can be added."}</p>
        };
    }
    let finished = matches!(*sent, Sent::Done(_)) || matches!(*progress, CsvProgress::Finished(_));
    let busy = matches!(*sent, Sent::Sending)
        || matches!(
            *progress,
            CsvProgress::Announcing | CsvProgress::Uploading(_) | CsvProgress::Importing(_)
        );
    let people = match *method {
        Method::Directory if *submitted && !selected.is_empty() => Some(format!(
            "{} selected",
            format::people(selected.len() as u64)
        )),
        Method::Csv => (*file_name)
            .clone()
            .map(|name| format!("the addresses in {name}")),
        _ => None,
    };
    html! {
        <section aria-labelledby="add-heading">
            <h2 id="add-heading">{"Add Invitations"}</h2>
            if !finished {
                <MethodTabs method={*method} on_change={on_method} disabled={busy} />
                <div role="tabpanel" id="method-panel" aria-labelledby={if *method == Method::Csv { "method-csv" } else { "method-users" }}>
                    {match *method {
                        Method::Csv => html! {
                            <>
                                <CsvPicker file_name={(*file_name).clone()} on_file={on_file} disabled={busy} />
                                <p class="check-first">
                                    <input type="checkbox" id="csv-check-first" checked={*check_first} disabled={busy}
                                        aria-describedby="csv-check-first-help"
                                        onchange={{
                                            let check_first = check_first.clone();
                                            Callback::from(move |e: Event| {
                                                check_first.set(e.target_unchecked_into::<HtmlInputElement>().checked())
                                            })
                                        }} />
                                    <label for="csv-check-first">{"Check the file first"}</label>
                                    <span id="csv-check-first-help" class="hint">
                                        {" See what would happen to each row; nobody is invited until you say so."}
                                    </span>
                                </p>
                            </>
                        },
                        Method::Directory => html! {
                            <UserPicker found={(*found).clone()} selected={(*selected).clone()} submitted={*submitted}
                                min_query={if everyone { 0 } else { SEARCH_MIN_LETTERS }}
                                on_search={search} on_toggle={on_toggle_user} on_submit={on_submit_people} />
                        },
                    }}
                </div>
                <AddStep contract={contract.clone()} {people} chosen={(*chosen).clone()} busy={busy}
                    {on_toggle_activity} on_all={on_all_activities} {on_add} />
            }
            {match &*sent {
                Sent::Nothing => html! {},
                Sent::Sending => html! { <p role="status">{"Sending the invitations…"}</p> },
                Sent::Failed(e) => html! { <ErrorMessage error={e.clone()} context="The invitations were not sent" /> },
                Sent::Done(result) => html! { <PersonResults result={result.clone()} /> },
            }}
            <CsvProgressView progress={(*progress).clone()} on_invite_checked={{
                let (ctx, id, progress, alive) =
                    (ctx.clone(), contract.id.clone(), progress.clone(), alive.borrow().clone());
                Callback::from(move |check_id: String| {
                    invite_checked(ctx.clone(), id.clone(), check_id, progress.clone(), alive.clone())
                })
            }} />
            if finished {
                <p class="next">
                    <button type="button" id="add-more" onclick={on_again}>{"Add more people"}</button>
                    {" "}
                    <Link<Route> to={Route::Invitations { id: contract.id.clone() }}>{"Back to the invitations"}</Link<Route>>
                </p>
            }
        </section>
    }
}
