//! `/contracts/:id/add`: Add Invitations. Step 1 chooses the people, by CSV file (picker or
//! drag-and-drop) or from the directory (search, tick, Submit). A voucher with several
//! activities then asks for them ("Step 2 of 2"). Add Users sends; the results per person (or the
//! import's progress and report, for a file) are shown here.

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Csv,
    Directory,
}

/// A CSV file's way from the browser to a finished import.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvProgress {
    Idle,
    Announcing,
    /// Percent of the file sent.
    Uploading(u8),
    Importing(Import),
    Finished(Import),
    Failed(String),
}

/// What Add Users did for people picked from the directory.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    Nothing,
    Sending,
    Done(AddResult),
    Failed(ApiError),
}

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
fn AddInvitations(props: &AddInvitationsProps) -> Html {
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

/// "Invite these N" after a check: a new import of the same stored file, followed to its end.
fn invite_checked(
    ctx: AppContext,
    contract_id: String,
    check_id: String,
    progress: UseStateHandle<CsvProgress>,
    alive: Rc<Cell<bool>>,
) {
    progress.set(CsvProgress::Announcing);
    yew::platform::spawn_local(async move {
        match ctx.api().invite_checked(&contract_id, &check_id).await {
            Ok(import) => {
                let import_id = import.id.clone();
                progress.set(CsvProgress::Importing(import));
                follow_import(ctx, contract_id, import_id, progress, alive);
            }
            Err(e) => progress.set(CsvProgress::Failed(ctx.check(e).to_string())),
        }
    });
}

/// Announce the import, PUT the file with progress, then follow the import until it ends.
fn start_import(
    ctx: AppContext,
    contract_id: String,
    file: File,
    activities: Vec<String>,
    mode: ImportMode,
    progress: UseStateHandle<CsvProgress>,
    alive: Rc<Cell<bool>>,
) {
    progress.set(CsvProgress::Announcing);
    yew::platform::spawn_local(async move {
        let announced = match ctx
            .api()
            .announce_import(
                &contract_id,
                &file.name(),
                file.size() as u64,
                &activities,
                mode,
            )
            .await
        {
            Ok(a) => a,
            Err(e) => {
                progress.set(CsvProgress::Failed(ctx.check(e).to_string()));
                return;
            }
        };
        let import_id = announced.import.id.clone();
        let on_event = {
            let progress = progress.clone();
            Callback::from(move |event: UploadEvent| match event {
                UploadEvent::Progress { sent, total } if total > 0.0 => {
                    progress.set(CsvProgress::Uploading(
                        (sent * 100.0 / total).clamp(0.0, 100.0) as u8,
                    ));
                }
                UploadEvent::Progress { .. } => {}
                UploadEvent::Finished => {
                    progress.set(CsvProgress::Importing(announced.import.clone()));
                    follow_import(
                        ctx.clone(),
                        contract_id.clone(),
                        import_id.clone(),
                        progress.clone(),
                        alive.clone(),
                    );
                }
                UploadEvent::Failed(message) => progress.set(CsvProgress::Failed(message)),
            })
        };
        progress.set(CsvProgress::Uploading(0));
        let upload = &announced.upload;
        if let Err(message) = upload::put_file(
            &upload.url,
            &upload.method,
            &upload.content_type,
            &file,
            on_event,
        ) {
            progress.set(CsvProgress::Failed(message));
        }
    });
}

fn follow_import(
    ctx: AppContext,
    contract_id: String,
    import_id: String,
    progress: UseStateHandle<CsvProgress>,
    alive: Rc<Cell<bool>>,
) {
    yew::platform::spawn_local(async move {
        let mut failures = 0;
        while alive.get() {
            gloo_timers::future::TimeoutFuture::new(1_000).await;
            match ctx.api().import(&contract_id, &import_id).await {
                Ok(import) if import.is_finished() => {
                    progress.set(CsvProgress::Finished(import));
                    return;
                }
                Ok(import) => progress.set(CsvProgress::Importing(import)),
                // A dropped poll is retried; several in a row are reported.
                Err(e) if failures < 3 && !e.is_unauthenticated() => failures += 1,
                Err(e) => {
                    progress.set(CsvProgress::Failed(format!(
                        "Could not follow the import: {}. Its result will be on the Imports tab.",
                        ctx.check(e)
                    )));
                    return;
                }
            }
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct MethodTabsProps {
    pub method: Method,
    pub on_change: Callback<Method>,
    #[prop_or_default]
    pub disabled: bool,
}

#[component]
pub fn MethodTabs(props: &MethodTabsProps) -> Html {
    let tab = |m: Method, id: &'static str, label: &'static str| {
        let selected = props.method == m;
        let onclick = props.on_change.reform(move |_: MouseEvent| m);
        html! {
            <button type="button" role="tab" {id} aria-selected={selected.to_string()} aria-controls="method-panel"
                class={classes!("tab", selected.then_some("current"))} disabled={props.disabled} {onclick}>
                {label}
            </button>
        }
    };
    html! {
        <div class="method-tabs" role="tablist" aria-label="How to add people">
            {tab(Method::Csv, "method-csv", "Upload CSV")}
            {tab(Method::Directory, "method-users", "Select individual users")}
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CsvPickerProps {
    pub file_name: Option<String>,
    pub on_file: Callback<File>,
    #[prop_or_default]
    pub disabled: bool,
}

/// A file input inside a drop zone: the input keeps it usable with the keyboard.
#[component]
pub fn CsvPicker(props: &CsvPickerProps) -> Html {
    let over = use_state(|| false);
    let onchange = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(f) = input.files().and_then(|files| files.get(0)) {
                on_file.emit(f);
            }
        })
    };
    let ondragover = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(true);
        })
    };
    let ondragleave = {
        let over = over.clone();
        Callback::from(move |_: DragEvent| over.set(false))
    };
    let ondrop = {
        let (over, on_file, disabled) = (over.clone(), props.on_file.clone(), props.disabled);
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(false);
            if disabled {
                return;
            }
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|files| files.get(0))
            {
                on_file.emit(f);
            }
        })
    };
    html! {
        <div class={classes!("drop", over.then_some("over"))} {ondragover} {ondragleave} {ondrop}>
            <label for="csv-file">{"Choose a CSV file"}</label>
            <input id="csv-file" type="file" accept=".csv,text/csv" disabled={props.disabled} {onchange}
                aria-describedby="csv-help" />
            <p id="csv-help" class="hint">
                {"or drop it here. One email address per row in the first column, no header row. Registered and unregistered addresses both work."}
            </p>
            if let Some(name) = &props.file_name {
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
        html! {
            <li>
                <input type="checkbox" id={id.clone()} checked={is_selected(u)} {onchange} />
                <label for={id}>{u.name.clone()}<span class="email">{u.email.clone()}</span>
                    <Unconfirmed confirmed={u.email_verified}
                        consequence="the invitation goes to the address, not to this account" />
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

#[derive(Properties, PartialEq)]
pub struct AddStepProps {
    pub contract: Contract,
    /// Who will be invited, once chosen ("3 people selected", "the addresses in list.csv").
    pub people: Option<String>,
    pub chosen: Vec<String>,
    #[prop_or_default]
    pub busy: bool,
    pub on_toggle_activity: Callback<String>,
    pub on_all: Callback<bool>,
    pub on_add: Callback<()>,
}

/// The last step: which activities (only a voucher with several asks: "Step 2 of 2"), then
/// Add Users.
#[component]
pub fn AddStep(props: &AddStepProps) -> Html {
    let Some(people) = &props.people else {
        return html! {};
    };
    let c = &props.contract;
    let onclick = props.on_add.reform(|_: MouseEvent| ());
    if !c.needs_activity_choice {
        let what = match c.kind {
            crate::api::ContractKind::Subscription => format!("the subscription {}", c.name),
            crate::api::ContractKind::Voucher => c.name.clone(),
        };
        return html! {
            <section class="step" aria-labelledby="step-add">
                <h3 id="step-add">{"Invite"}</h3>
                <p>{format!("Invite {people} to {what}.")}</p>
                <button type="button" id="add-users" class="primary" disabled={props.busy} {onclick}>{"Add Users"}</button>
            </section>
        };
    }
    let all = c.activities.iter().all(|a| props.chosen.contains(&a.id));
    let on_all = {
        let on_all = props.on_all.clone();
        Callback::from(move |_: Event| on_all.emit(!all))
    };
    html! {
        <section class="step" aria-labelledby="step-2">
            <h3 id="step-2">{"Step 2 of 2"}</h3>
            <p>{format!("Choose the activities for {people}.")}</p>
            <fieldset id="activity-picker">
                <legend>{"Activities"}</legend>
                <ul class="checklist">
                    <li>
                        <input type="checkbox" id="activity-all" checked={all} onchange={on_all} />
                        <label for="activity-all"><strong>{"All activities"}</strong></label>
                    </li>
                    { for c.activities.iter().map(|a| {
                        let id = format!("activity-{}", a.id);
                        let onchange = {
                            let (on_toggle, activity) = (props.on_toggle_activity.clone(), a.id.clone());
                            Callback::from(move |_: Event| on_toggle.emit(activity.clone()))
                        };
                        html! {
                            <li>
                                <input type="checkbox" id={id.clone()} checked={props.chosen.contains(&a.id)} {onchange} />
                                <label for={id}>{a.name.clone()}</label>
                            </li>
                        }
                    }) }
                </ul>
            </fieldset>
            if props.chosen.is_empty() {
                <p class="hint" id="activity-hint">{"Choose at least one activity."}</p>
            }
            <button type="button" id="add-users" class="primary" disabled={props.busy || props.chosen.is_empty()} {onclick}>
                {"Add Users"}
            </button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CsvProgressViewProps {
    pub progress: CsvProgress,
    /// "Invite these N" on a finished check: the check's id.
    #[prop_or_default]
    pub on_invite_checked: Callback<String>,
}

#[component]
pub fn CsvProgressView(props: &CsvProgressViewProps) -> Html {
    match &props.progress {
        CsvProgress::Idle => html! {},
        CsvProgress::Announcing => html! { <p role="status">{"Preparing the upload…"}</p> },
        CsvProgress::Uploading(percent) => html! {
            <div class="upload">
                <label for="upload-progress">{format!("Uploading the file: {percent}%")}</label>
                <progress id="upload-progress" max="100" value={percent.to_string()}>{format!("{percent}%")}</progress>
            </div>
        },
        CsvProgress::Importing(import) => html! {
            <section class="import" aria-labelledby="import-heading">
                <h3 id="import-heading">{if import.mode == ImportMode::Check { "Checking" } else { "Importing" }}</h3>
                <progress aria-label="Import in progress"></progress>
                <ImportReport import={import.clone()} />
            </section>
        },
        CsvProgress::Finished(import) if import.mode == ImportMode::Check => {
            let would = import.counts.would_invite();
            let invite = {
                let (on_invite, id) = (props.on_invite_checked.clone(), import.id.clone());
                Callback::from(move |_: MouseEvent| on_invite.emit(id.clone()))
            };
            html! {
                <section class="import" aria-labelledby="import-heading">
                    <h3 id="import-heading">{"Check finished"}</h3>
                    <ImportReport import={import.clone()} />
                    if import.status.state == ImportState::Done && would > 0 {
                        <p>
                            <button type="button" class="primary" id="invite-checked" onclick={invite}>
                                {if would == 1 {
                                    "Invite this person".to_owned()
                                } else {
                                    format!("Invite these {}", format::people(would))
                                }}
                            </button>
                        </p>
                    } else if import.status.state == ImportState::Done {
                        <p class="notice" role="status">{"Nobody in this file would be invited."}</p>
                    }
                </section>
            }
        }
        CsvProgress::Finished(import) => html! {
            <section class="import" aria-labelledby="import-heading">
                <h3 id="import-heading">{"Import finished"}</h3>
                <ImportReport import={import.clone()} />
            </section>
        },
        CsvProgress::Failed(message) => {
            html! { <p class="error" role="alert">{message.clone()}</p> }
        }
    }
}
