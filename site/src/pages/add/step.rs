//! Step 2 of 2 (a voucher's activities), then what happened: the send's results per person, the
//! CSV's progress and report, and what next.

use super::*;

/// The last step's parts: what it is for and what its controls call.
pub struct AddStepProps<'a> {
    pub contract: &'a Contract,
    /// Who will be invited, once chosen ("3 people selected", "the addresses in list.csv").
    pub people: Option<String>,
    pub chosen: &'a [String],
    pub busy: bool,
    /// The file is only checked: the step says that nothing is sent.
    pub check: bool,
    pub on_toggle_activity: Callback<String>,
    pub on_all: Callback<bool>,
    pub on_add: Callback<()>,
}

/// The last step: which activities (only a voucher with several asks: "Step 2 of 2"), then
/// Add Users; or, for a file only checked, Check the file, saying that nothing is sent.
pub fn add_step(props: &AddStepProps) -> Html {
    let Some(people) = &props.people else {
        return html! {};
    };
    let c = props.contract;
    let onclick = props.on_add.reform(|_: MouseEvent| ());
    let (nothing_sent, button) = if props.check {
        (
            html! { <p id="nothing-sent">{"Nothing is sent: you see what would happen first."}</p> },
            "Check the file",
        )
    } else {
        (html! {}, "Add Users")
    };
    if !c.needs_activity_choice {
        let what = match c.kind {
            crate::api::ContractKind::Subscription => format!("the subscription {}", c.name),
            crate::api::ContractKind::Voucher => c.name.clone(),
        };
        let heading = if props.check {
            format!("Check {people}")
        } else {
            "Invite".into()
        };
        return html! {
            <section class="step" aria-labelledby="step-add">
                <h3 id="step-add">{heading}</h3>
                if !props.check {
                    <p>{format!("Invite {people} to {what}.")}</p>
                }
                {nothing_sent}
                <button type="button" id="add-users" class="primary" disabled={props.busy} {onclick}>{button}</button>
            </section>
        };
    }
    let heading = if props.check {
        format!("Step 2 of 2: check {people}")
    } else {
        "Step 2 of 2".into()
    };
    let all = c.activities.iter().all(|a| props.chosen.contains(&a.id));
    let on_all = {
        let on_all = props.on_all.clone();
        Callback::from(move |_: Event| on_all.emit(!all))
    };
    html! {
        <section class="step" aria-labelledby="step-2">
            <h3 id="step-2">{heading}</h3>
            <p>{format!("Choose the activities for {people}.")}</p>
            {nothing_sent}
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
                {button}
            </button>
        </section>
    }
}

/// Add Users for people from the directory: under way, refused, or the result per person,
/// with when their mails go when that is not now (`scheduled`: "Scheduled for …").
pub fn sent_view(sent: &Sent, scheduled: Option<String>) -> Html {
    match sent {
        Sent::Nothing => html! {},
        Sent::Sending => html! { <p role="status">{"Sending the invitations…"}</p> },
        Sent::Failed(e) => {
            html! { <ErrorMessage error={e.clone()} context="The invitations were not sent" /> }
        }
        Sent::Done(result) => html! {
            <>
                <PersonResults result={result.clone()} />
                if let (Some(when), true) = (scheduled, result.results.iter().any(|r| r.is_invited())) {
                    <p class="notice" id="scheduled-note">
                        {when}{": nothing is mailed until then, and the invitations hold their seats meanwhile."}
                    </p>
                }
            </>
        },
    }
}

/// Once the invitations are sent (or the import ends): more people, or back to the list.
pub fn what_next(contract_id: &str, on_add_more: Callback<MouseEvent>) -> Html {
    html! {
        <p class="next">
            <button type="button" id="add-more" onclick={on_add_more}>{"Add more people"}</button>
            {" "}
            <Link<Route> to={Route::Invitations { id: contract_id.to_owned() }}>{"Back to the invitations"}</Link<Route>>
        </p>
    }
}

/// Where a CSV file stands: its upload, the import (or check) under way, its report; a finished
/// check offers "Invite these N" (`on_invite_checked`: the check's id), and a finished import
/// says when the mails go when that is not now (`scheduled`).
pub fn csv_progress(
    progress: &CsvProgress,
    on_invite_checked: &Callback<String>,
    scheduled: Option<String>,
) -> Html {
    match progress {
        CsvProgress::Idle => html! {},
        CsvProgress::Announcing => html! { <p role="status">{"Preparing the upload…"}</p> },
        CsvProgress::Uploading(percent) => html! {
            <div class="upload">
                <label for="upload-progress">{format!("Uploading the file: {percent}%")}</label>
                <progress id="upload-progress" max="100" value={percent.to_string()}>{format!("{percent}%")}</progress>
            </div>
        },
        // Here the file has been sent: a queued import waits only for the bucket's event, so it
        // says so (the Imports tab's "Waiting for the file" is also for uploads never made).
        CsvProgress::Importing(import) if import.status.state == ImportState::Queued => html! {
            <section class="import" aria-labelledby="import-heading">
                <h3 id="import-heading">{if import.mode == ImportMode::Check { "Checking" } else { "Importing" }}</h3>
                <progress aria-label="Import in progress"></progress>
                <p role="status" class="import-state queued">{"The file has arrived; starting on it…"}</p>
            </section>
        },
        CsvProgress::Importing(import) => html! {
            <section class="import" aria-labelledby="import-heading">
                <h3 id="import-heading">{if import.mode == ImportMode::Check { "Checking" } else { "Importing" }}</h3>
                <progress aria-label="Import in progress"></progress>
                {import_report(import)}
            </section>
        },
        CsvProgress::Finished(import) if import.mode == ImportMode::Check => {
            let would = import.counts.would_invite();
            let invite = {
                let (on_invite, id) = (on_invite_checked.clone(), import.id.clone());
                Callback::from(move |_: MouseEvent| on_invite.emit(id.clone()))
            };
            html! {
                <section class="import" aria-labelledby="import-heading">
                    <h3 id="import-heading">{"Check finished"}</h3>
                    {import_report(import)}
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
                {import_report(import)}
                if let (Some(when), true) = (scheduled, import.counts.would_invite() > 0) {
                    <p class="notice" id="scheduled-note">
                        {when}{" (a row with a send time of its own goes at its own): nothing is mailed until then, and the invitations hold their seats meanwhile."}
                    </p>
                }
            </section>
        },
        CsvProgress::Failed(message) => {
            html! { <p class="error" role="alert">{message.clone()}</p> }
        }
    }
}
