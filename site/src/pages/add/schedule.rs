//! The mails' options (issue 31): when they go (now, at the contract's start, or at a date and
//! time in the admin's own zone), the group the people are invited in, and the language.

use super::*;

/// "When should the mails go?", the group (the contract's groups offered) and the language.
pub fn mail_options(state: &AddState, contract: &Contract, dispatch: &Callback<AddAction>) -> Html {
    let when = state.when(contract);
    let busy = state.busy();
    // The start can be waited for only while it is ahead.
    let started = contract.phase != Phase::Future;
    let start = format::date_time(&contract.starts_at);
    let choice = |w: When, id: &'static str, label: String, why: Option<&'static str>| {
        html! {
            <p class="choice">
                <input type="radio" name="send-when" {id} checked={when == w} disabled={busy || why.is_some()}
                    aria-describedby={why} onchange={dispatch.reform(move |_: Event| AddAction::When(w))} />
                <label for={id}>{label}</label>
            </p>
        }
    };
    let problem = match when {
        When::At => state.send_at(contract).err(),
        _ => None,
    };
    let on_time = dispatch.reform(|e: InputEvent| {
        AddAction::SendAt(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_group = dispatch.reform(|e: InputEvent| {
        AddAction::Group(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_language = dispatch.reform(|e: Event| {
        let code = e.target_unchecked_into::<HtmlSelectElement>().value();
        AddAction::Language(MailLanguage::ALL.into_iter().find(|l| l.code() == code))
    });
    html! {
        <div class="mail-options">
            <fieldset id="send-when">
                <legend>{"When should the mails go?"}</legend>
                {choice(When::Now, "send-now", "Now".into(), None)}
                {choice(When::ContractStart, "send-start", format!("At the contract's start, {start}"),
                    started.then_some("send-start-why"))}
                if started {
                    <p class="hint" id="send-start-why">{"The contract has already started."}</p>
                }
                {choice(When::At, "send-at", "At a date and time".into(), None)}
                if when == When::At {
                    <div class="field">
                        <label for="send-at-time">{format!("Day and time, in your time zone ({})", format::zone())}</label>
                        <input id="send-at-time" type="datetime-local" value={state.send_at.clone()} disabled={busy}
                            max={format::local_input(&contract.ends_at)} oninput={on_time}
                            aria-invalid={problem.is_some().then_some("true")}
                            aria-describedby={problem.is_some().then_some("send-at-error")} />
                        if let Some(problem) = problem {
                            <p class="field-error" id="send-at-error">{problem}</p>
                        }
                    </div>
                }
                <p class="hint">{"Until their mail goes, the invitations are pending and hold their seats."}</p>
                if state.method == Method::Csv {
                    <p class="hint" id="file-rows-own">{"A file's rows that give their own send time, group or language keep theirs: these choices are for the others."}</p>
                }
            </fieldset>
            <div class="field">
                <label for="add-group">{"Group"}</label>
                <input id="add-group" type="text" list="add-groups" value={state.group.clone()} disabled={busy}
                    autocomplete="off" oninput={on_group} aria-describedby="add-group-hint" />
                <datalist id="add-groups">
                    { for state.groups.iter().map(|g| html! { <option value={g.clone()} /> }) }
                </datalist>
                <p class="hint" id="add-group-hint">{"Optional: the cohort these people are in, such as “Spring 2027”. Pick one of the contract's groups or type a new one."}</p>
            </div>
            <div class="field">
                <label for="add-language">{"Language of the mails"}</label>
                <select id="add-language" disabled={busy} onchange={on_language}>
                    <option value="" selected={state.language.is_none()}>
                        {format!("The contract's ({})", contract.mail.language.label())}
                    </option>
                    { for MailLanguage::ALL.into_iter().map(|l| html! {
                        <option value={l.code()} lang={l.code()} selected={state.language == Some(l)}>{l.label()}</option>
                    }) }
                </select>
            </div>
        </div>
    }
}
