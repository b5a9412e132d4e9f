//! Make a join link: who it is for, a voucher's activities, how many it admits, the days it is
//! open (in the admin's time), the domains it admits, whether each joiner needs an admin's yes.
//! A refusal is shown at its field, in the API's words.

use super::*;

pub fn link_form(
    contract: &Contract,
    f: &LinkForm,
    dispatch: &Callback<JoinLinksAction>,
    run: &Callback<Command>,
) -> Html {
    let choose = contract.needs_activity_choice;
    let onsubmit = {
        let (request, dispatch, run) = (f.request(choose), dispatch.clone(), run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match request.clone() {
                Ok(new) => run.emit(Command::Add(new)),
                Err(refusal) => dispatch.emit(JoinLinksAction::Refused(refusal)),
            }
        })
    };
    let on = |field: Field| {
        dispatch.reform(move |e: InputEvent| {
            JoinLinksAction::Type(field, e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let at = f.error.as_ref().and_then(LinkForm::field_of);
    // A refusal under its field, named by the field's aria-describedby.
    let error = |field: &str| {
        f.error.as_ref().filter(|_| at == Some(field)).map(|e| {
            html! { <p class="field-error" id={format!("join-{field}-error")}>{e.detail.clone()}</p> }
        })
    };
    let described = |field: &str, hint: &str| match at == Some(field) {
        true => format!("{hint} join-{field}-error"),
        false => hint.to_owned(),
    };
    let invalid = |field: &str| (at == Some(field)).then_some("true");
    html! {
        <section class="add-join-link" aria-labelledby="add-join-link-heading">
            <h2 id="add-join-link-heading">{"Make a join link"}</h2>
            <form {onsubmit} novalidate=true>
                {field(("audience", "Who it is for", "text"), &f.audience, on(Field::Audience), at,
                    ("Sales team, spring intake", "Joiners see this, and so do the contract's admins."), f.error.as_ref())}
                if choose {
                    {activities(contract, f, dispatch, (error("activities"), described("activities", "join-activities-hint")))}
                }
                {field(("max-uses", "How many people it admits (optional)", "number"), &f.max_uses, on(Field::MaxUses), at,
                    ("", "Empty: no limit of its own. The contract's seats still apply."), f.error.as_ref())}
                <fieldset class="join-window" aria-describedby={described("window", "join-window-hint")}>
                    <legend>{"When it admits people (optional)"}</legend>
                    <p class="hint" id="join-window-hint">
                        {format!("Days in your time ({}): it opens at the start of the first and closes at the end of the last. Empty: from now, while the contract runs.", format::zone())}
                    </p>
                    <div class="field">
                        <label for="join-opens">{"Opens on"}</label>
                        <input id="join-opens" type="date" value={f.opens.clone()} oninput={on(Field::Opens)}
                            max={(!f.closes.is_empty()).then(|| f.closes.clone())} aria-invalid={invalid("window")} />
                    </div>
                    <div class="field">
                        <label for="join-closes">{"Closes after"}</label>
                        <input id="join-closes" type="date" value={f.closes.clone()} oninput={on(Field::Closes)}
                            min={(!f.opens.is_empty()).then(|| f.opens.clone())} aria-invalid={invalid("window")} />
                    </div>
                    {error("window")}
                </fieldset>
                {field(("domains", "Only addresses at (optional)", "text"), &f.domains, on(Field::Domains), at,
                    ("corp.example, eu.corp.example", "Domains separated by commas or spaces. Empty: any address. Free mail services such as gmail.com cannot be used."), f.error.as_ref())}
                <div class="field">
                    <label class="check" for="join-needs-approval">
                        <input type="checkbox" id="join-needs-approval" checked={f.needs_approval} aria-describedby="join-needs-approval-hint"
                            onchange={dispatch.reform(|e: Event| JoinLinksAction::Approval(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                        {"Needs an administrator's approval"}
                    </label>
                    <p class="hint" id="join-needs-approval-hint">{"Each person who confirms their address waits under Join requests, below, until an administrator approves or refuses them."}</p>
                </div>
                // One live region for every refusal; shown here only when it is about no field.
                <div role="alert" id="add-join-link-alert">
                    if let Some(e) = &f.error {
                        <p class={if at.is_none() { "error" } else { "visually-hidden" }}>
                            <strong>{"Could not make the link. "}</strong>{e.to_string()}
                        </p>
                    }
                </div>
                <button type="submit" class="primary" id="add-join-link" disabled={f.working}>
                    {if f.working { "Making the link…" } else { "Make the link" }}
                </button>
            </form>
        </section>
    }
}

/// A labelled field (`join-<name>`) with its hint and, when the refusal is about it, the
/// refusal under it, named by its aria-describedby. One function for every such field: each
/// `html!` is more code in the wasm.
fn field(
    (name, label, kind): (&str, &'static str, &'static str),
    value: &str,
    oninput: Callback<InputEvent>,
    at: Option<&str>,
    (placeholder, hint): (&'static str, &'static str),
    error: Option<&ApiError>,
) -> Html {
    let (id, hint_id) = (format!("join-{name}"), format!("join-{name}-hint"));
    let error = error
        .filter(|_| at == Some(name))
        .map(|e| (format!("join-{name}-error"), e));
    let described = match &error {
        Some((error_id, _)) => format!("{hint_id} {error_id}"),
        None => hint_id.clone(),
    };
    html! {
        <div class="field">
            <label for={id.clone()}>{label}</label>
            <input {id} type={kind} value={value.to_owned()} {oninput} autocomplete="off" spellcheck="false"
                min={(kind == "number").then_some("1")} placeholder={(!placeholder.is_empty()).then_some(placeholder)}
                aria-invalid={error.is_some().then_some("true")} aria-describedby={described} />
            <p class="hint" id={hint_id}>{hint}</p>
            if let Some((error_id, e)) = error {
                <p class="field-error" id={error_id}>{e.detail.clone()}</p>
            }
        </div>
    }
}

/// A voucher with several activities: the ones a joiner gets.
fn activities(
    contract: &Contract,
    f: &LinkForm,
    dispatch: &Callback<JoinLinksAction>,
    (error, described): (Option<Html>, String),
) -> Html {
    html! {
        <fieldset class="join-activities" aria-describedby={described}>
            <legend>{"Activities a joiner gets"}</legend>
            <p class="hint" id="join-activities-hint">{"Choose at least one."}</p>
            <ul class="checklist">
                { for contract.activities.iter().map(|a| {
                    let id = format!("join-activity-{}", a.id);
                    let onchange = {
                        let activity = a.id.clone();
                        dispatch.reform(move |e: Event| JoinLinksAction::Activity(
                            activity.clone(), e.target_unchecked_into::<HtmlInputElement>().checked()))
                    };
                    html! {
                        <li>
                            <input type="checkbox" id={id.clone()} checked={f.activities.contains(&a.id)} {onchange} />
                            <label for={id}>{a.name.clone()}</label>
                        </li>
                    }
                }) }
            </ul>
            {error}
        </fieldset>
    }
}
