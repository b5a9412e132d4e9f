//! The endpoints: one row each (address, events, state, who added it, its actions), and under
//! it, when there is one, the secret just made and the open Deliveries panel.

use super::*;
use crate::components::form::copy_text;

pub fn endpoints_table(
    list: &[WebhookEndpoint],
    s: &IntegrationsState,
    dispatch: &Callback<IntegrationsAction>,
    run: &Callback<Command>,
) -> Html {
    html! {
        <table class="cards endpoints">
            <thead>
                <tr>
                    <th scope="col">{"Address"}</th>
                    <th scope="col">{"Events"}</th>
                    <th scope="col">{"State"}</th>
                    <th scope="col">{"Added"}</th>
                    <th scope="col">{"Actions"}</th>
                </tr>
            </thead>
            <tbody>
                { for list.iter().map(|e| endpoint_rows(e, s, dispatch, run)) }
            </tbody>
        </table>
    }
}

/// `Every event`, or the types it gets.
pub fn events_text(event_types: &[String]) -> String {
    match event_types.is_empty() {
        true => "Every event".to_owned(),
        false => event_types.join(", "),
    }
}

fn endpoint_rows(
    e: &WebhookEndpoint,
    s: &IntegrationsState,
    dispatch: &Callback<IntegrationsAction>,
    run: &Callback<Command>,
) -> Html {
    let id = &e.id;
    let shown = s.shown.get(id);
    let secret = shown.and_then(|u| u.secret.as_ref());
    let deliveries = shown.and_then(|u| u.deliveries.as_ref());
    let row = shown.and_then(|u| u.row.as_ref());
    html! {
        <>
            <tr id={format!("endpoint-{id}")}>
                <td data-label="Address">
                    <span class="url" id={format!("endpoint-url-{id}")}>{e.url.clone()}</span>
                    if !e.description.is_empty() {
                        <span class="hint description">{e.description.clone()}</span>
                    }
                </td>
                <td data-label="Events" class="event-list">{events_text(&e.event_types)}</td>
                <td data-label="State">{state_cell(e)}</td>
                <td data-label="Added">
                    <time datetime={e.created_at.clone()}>{format::date_time(&e.created_at)}</time>
                    if let Some(name) = &e.created_by_name {
                        {" by "}{name.clone()}
                    }
                </td>
                <td data-label="Actions" class="actions">{actions(e, row, deliveries.is_some(), dispatch, run)}</td>
            </tr>
            if secret.is_some() || deliveries.is_some() {
                <tr class="panel" id={format!("endpoint-panel-{id}")}>
                    <td colspan="5">
                        if let Some(secret) = secret {
                            {secret_box(id, secret, dispatch)}
                        }
                        if let Some(d) = deliveries {
                            {deliveries_panel(e, d, dispatch, run)}
                        }
                    </td>
                </tr>
            }
        </>
    }
}

fn state_cell(e: &WebhookEndpoint) -> Html {
    html! {
        <>
            if e.enabled {
                <span class="badge enabled">{"Enabled"}</span>
            } else {
                <span class="badge disabled">{"Disabled"}</span>
                if let Some(reason) = &e.disabled_reason {
                    <span class="note">{reason.clone()}</span>
                }
            }
            if let Some(since) = &e.failing_since {
                <span class="note failing">{"Failing since "}{format::date_time(since)}</span>
            }
            if let Some(until) = &e.previous_secret_until {
                <span class="note">{"The previous secret also signs until "}{format::date_time(until)}{"."}</span>
            }
        </>
    }
}

fn actions(
    e: &WebhookEndpoint,
    row: Option<&RowState>,
    open: bool,
    dispatch: &Callback<IntegrationsAction>,
    run: &Callback<Command>,
) -> Html {
    let id = e.id.clone();
    if row == Some(&RowState::Asking) {
        let confirm = {
            let (run, id) = (run.clone(), id.clone());
            Callback::from(move |_| run.emit(Command::Act(id.clone(), Act::Rotate)))
        };
        let cancel = {
            let id = id.clone();
            dispatch.reform(move |_| IntegrationsAction::Cancel(id.clone()))
        };
        return html! {
            <Confirm id={format!("rotate-question-{id}")} yes_id={format!("confirm-rotate-{id}")}
                cancel_id={format!("cancel-rotate-{id}")} yes_label="Yes, make a new secret" yes_class="primary"
                opener={AttrValue::from(format!("rotate-{id}"))} {confirm} {cancel}
                question="Make a new signing secret? The current secret keeps signing for a day, so the receiver has time to change to the new one." />
        };
    }
    let working = match row {
        Some(RowState::Working(act)) => Some(*act),
        _ => None,
    };
    let url_id = format!("endpoint-url-{id}");
    let button = |act: Act, button_id: String, onclick: Callback<MouseEvent>| {
        html! {
            <button type="button" id={button_id} disabled={working.is_some()} {onclick}
                aria-describedby={url_id.clone()}>
                {if working == Some(act) { act.working() } else { act.label() }}
            </button>
        }
    };
    let act = |act: Act| {
        let (run, id) = (run.clone(), id.clone());
        Callback::from(move |_: MouseEvent| run.emit(Command::Act(id.clone(), act)))
    };
    let ask = {
        let id = id.clone();
        dispatch.reform(move |_: MouseEvent| IntegrationsAction::Ask(id.clone()))
    };
    let toggle = match e.enabled {
        true => button(Act::Disable, format!("disable-{id}"), act(Act::Disable)),
        false => button(Act::Enable, format!("enable-{id}"), act(Act::Enable)),
    };
    let on_deliveries = {
        let (run, dispatch, id) = (run.clone(), dispatch.clone(), id.clone());
        Callback::from(move |_: MouseEvent| match open {
            true => dispatch.emit(IntegrationsAction::Close(id.clone())),
            false => run.emit(Command::Messages(id.clone(), None)),
        })
    };
    let outcome_id = format!("endpoint-outcome-{id}");
    html! {
        <>
            {button(Act::Rotate, format!("rotate-{id}"), ask)}
            {toggle}
            {button(Act::Test, format!("test-{id}"), act(Act::Test))}
            <button type="button" id={format!("deliveries-{id}")} onclick={on_deliveries}
                aria-describedby={url_id.clone()} aria-expanded={if open { "true" } else { "false" }}
                aria-controls={open.then(|| format!("deliveries-panel-{id}"))}>{"Deliveries"}</button>
            {match row {
                Some(RowState::Done(text)) => html! { <Outcome text={text.clone()} id={outcome_id} /> },
                Some(RowState::Failed(act, e)) => html! {
                    <Outcome text={format!("{}. {e}", act.failed())} id={outcome_id} failed=true />
                },
                _ => html! {},
            }}
        </>
    }
}

/// The secret just made, this once: a read-only field, Copy, and the warning.
fn secret_box(id: &str, secret: &Secret, dispatch: &Callback<IntegrationsAction>) -> Html {
    let field = format!("secret-{id}");
    let warning = format!("secret-warning-{id}");
    let said = match secret.rotated {
        true => "A new signing secret is made.",
        false => "The endpoint is added.",
    };
    let on_copy = {
        let (dispatch, id, value) = (dispatch.clone(), id.to_owned(), secret.value.clone());
        Callback::from(move |_: MouseEvent| {
            let (dispatch, id, value) = (dispatch.clone(), id.clone(), value.clone());
            yew::platform::spawn_local(async move {
                let copied = copy_text(&value).await;
                dispatch.emit(IntegrationsAction::Copied(id, copied));
            });
        })
    };
    html! {
        <div class="secret" role="group" aria-labelledby={format!("{field}-label")}>
            <Outcome text={said} id={format!("secret-outcome-{id}")} />
            <label for={field.clone()} id={format!("{field}-label")}>{"Signing secret"}</label>
            <div class="secret-field">
                <input id={field.clone()} type="text" readonly=true value={secret.value.clone()}
                    autocomplete="off" spellcheck="false" aria-describedby={warning.clone()} />
                <button type="button" id={format!("copy-{field}")} onclick={on_copy}>{"Copy"}</button>
            </div>
            <p class="warning" id={warning}>
                <strong>{"Copy this secret now: it is not shown again."}</strong>
                {" The receiver checks each event's signature with it."}
            </p>
            <p role="status" class="hint" id={format!("copied-{id}")}>
                {match secret.copied {
                    Some(true) => "Copied.",
                    Some(false) => "Could not copy: select the secret and copy it yourself.",
                    None => "",
                }}
            </p>
        </div>
    }
}
