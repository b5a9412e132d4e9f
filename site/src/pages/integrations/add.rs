//! Add an endpoint: its address, a description, and the event types it gets (none ticked:
//! every event). A refusal is shown at the field it is about, in the API's words.

use super::*;

/// The id of an event type's checkbox (`event-invitation-created`).
pub fn event_box_id(event_type: &str) -> String {
    format!("event-{}", event_type.replace(['.', '_'], "-"))
}

pub fn add_form(
    f: &AddForm,
    dispatch: &Callback<IntegrationsAction>,
    run: &Callback<Command>,
) -> Html {
    let onsubmit = {
        let (request, dispatch, run) = (f.request(), dispatch.clone(), run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match request.clone() {
                Ok(new) => run.emit(Command::Add(new)),
                Err(refusal) => dispatch.emit(IntegrationsAction::Refused(refusal)),
            }
        })
    };
    let value = |e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value();
    let on_url = dispatch.reform(move |e| IntegrationsAction::Url(value(e)));
    let on_description = dispatch.reform(move |e| IntegrationsAction::Description(value(e)));
    // A refusal under its field, named by the field's aria-describedby.
    let at = |field: &str| {
        let id = format!("webhook-{field}-error");
        let error = f.error_at(field).map(|e| {
            html! { <p class="field-error" id={id.clone()}>{e.detail.clone()}</p> }
        });
        (error.is_some().then_some(id), error)
    };
    let (url_error_id, url_error) = at("url");
    let (description_error_id, description_error) = at("description");
    let (types_error_id, types_error) = at("event_type");
    let invalid = |id: &Option<String>| id.is_some().then_some("true");
    let ticked = f.types.len();
    let types_hint = match ticked {
        0 => "None ticked: every event is sent, including kinds added later.".to_owned(),
        1 => "1 ticked: only that kind of event is sent.".to_owned(),
        n => format!("{n} ticked: only these kinds of event are sent."),
    };
    let other_error = f
        .error
        .as_ref()
        .filter(|_| url_error.is_none() && description_error.is_none() && types_error.is_none());
    html! {
        <section class="add-endpoint" aria-labelledby="add-endpoint-heading">
            <h2 id="add-endpoint-heading">{"Add an endpoint"}</h2>
            <form onsubmit={onsubmit} novalidate=true>
                <div class="field">
                    <label for="webhook-url">{"Address (URL)"}</label>
                    <input id="webhook-url" type="url" value={f.url.clone()} oninput={on_url}
                        autocomplete="off" spellcheck="false" required=true placeholder="https://example.com/webhooks"
                        aria-invalid={invalid(&url_error_id)} aria-describedby={url_error_id} />
                    {url_error}
                </div>
                <div class="field">
                    <label for="webhook-description">{"Description (optional)"}</label>
                    <input id="webhook-description" type="text" value={f.description.clone()} oninput={on_description}
                        autocomplete="off" maxlength="200"
                        aria-invalid={invalid(&description_error_id)} aria-describedby={description_error_id} />
                    {description_error}
                </div>
                <fieldset class="event-types" aria-describedby={format!("event-types-hint {}", types_error_id.unwrap_or_default())}>
                    <legend>{"Events to send"}</legend>
                    <p class="hint" id="event-types-hint" role="status">{types_hint}</p>
                    <ul>
                        { for EventType::ALL.iter().map(|t| {
                            let name = t.as_str();
                            let id = event_box_id(name);
                            let onchange = dispatch.reform(move |e: Event| {
                                IntegrationsAction::Type(name, e.target_unchecked_into::<HtmlInputElement>().checked())
                            });
                            html! {
                                <li>
                                    <input type="checkbox" id={id.clone()} checked={f.types.contains(&name)} {onchange} />
                                    <label for={id}>{name}</label>
                                </li>
                            }
                        }) }
                    </ul>
                    {types_error}
                </fieldset>
                // One live region for every refusal; shown here only when it is about no field.
                <div role="alert" id="add-endpoint-alert">
                    if let Some(e) = &f.error {
                        <p class={if other_error.is_some() { "error" } else { "visually-hidden" }}>
                            <strong>{"Could not add the endpoint. "}</strong>{e.to_string()}
                        </p>
                    }
                </div>
                <button type="submit" class="primary" id="add-endpoint" disabled={f.working}>
                    {if f.working { "Adding…" } else { "Add" }}
                </button>
            </form>
        </section>
    }
}
