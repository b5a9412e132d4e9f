//! The mail's editor (mistakes at their field), its preview, the reminder form.

use super::*;

#[derive(Properties, PartialEq)]
pub struct MailEditorProps {
    pub draft: MailDraft,
    pub custom: bool,
    /// "Use the standard text" refilled the fields, not yet saved.
    #[prop_or_default]
    pub restored: bool,
    pub save: Request<()>,
    pub test: Request<String>,
    pub contract: Contract,
    pub inviter: AttrValue,
    pub now: DateTime<Utc>,
    pub origin: AttrValue,
    pub dispatch: Callback<MailAction>,
    pub on_save: Callback<MailSettingsRequest>,
    pub on_test: Callback<MailSettingsRequest>,
}

/// A field's error paragraph and the attributes that tie it to the field.
pub(super) fn field_error(
    id: &str,
    error: Option<&str>,
) -> (Option<String>, Option<&'static str>, Html) {
    match error {
        Some(text) => {
            let error_id = format!("{id}-error");
            (
                Some(error_id.clone()),
                Some("true"),
                html! { <p class="field-error" id={error_id}>{text.to_owned()}</p> },
            )
        }
        None => (None, None, html! {}),
    }
}

#[component]
pub fn MailEditor(props: &MailEditorProps) -> Html {
    let draft = &props.draft;
    let checked = draft.check();
    let invalid = checked.is_err();
    // What the frame adds depends on this: the standard text gets a greeting and the list of
    // activities, the contract's own text stands alone.
    let is_standard = *draft == MailDraft::standard(draft.language);
    // The live check's refusal at its field; else a refusal from the server, at the field it names.
    let (subject_error, message_error) = match (&checked, &props.save) {
        (Err(e), _) => match part_of(e) {
            Part::Subject => (Some(e.to_string()), None),
            Part::Message => (None, Some(e.to_string())),
        },
        (Ok(_), Request::Failed(e)) if e.code == "invalid_mail_template" => {
            if e.detail.contains("subject") {
                (Some(e.to_string()), None)
            } else if e.detail.contains("message") {
                (None, Some(e.to_string()))
            } else {
                (None, None)
            }
        }
        _ => (None, None),
    };
    let (subject_described, subject_invalid, subject_error) =
        field_error("mail-subject", subject_error.as_deref());
    let (message_described, message_invalid, message_error) =
        field_error("mail-message", message_error.as_deref());
    let d = &props.dispatch;
    let on_language = d.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        MailAction::Language(if value == "fr" {
            MailLanguage::Fr
        } else {
            MailLanguage::En
        })
    });
    // Typing, and also a value set otherwise (autofill, WebDriver's clear): both are edits.
    let on_subject = d.reform(|e: Event| {
        MailAction::Subject(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let on_message = d.reform(|e: Event| {
        MailAction::Message(
            e.target_unchecked_into::<web_sys::HtmlTextAreaElement>()
                .value(),
        )
    });
    let on_submit = {
        let (on_save, request) = (props.on_save.clone(), draft.request());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !invalid {
                on_save.emit(request.clone());
            }
        })
    };
    let on_test = {
        let (on_test, request) = (props.on_test.clone(), draft.request());
        Callback::from(move |_: MouseEvent| on_test.emit(request.clone()))
    };
    let on_standard = d.reform(|_: MouseEvent| MailAction::Standard);
    let preview = preview(
        draft,
        &props.contract,
        &props.inviter,
        props.now,
        &props.origin,
    );
    html! {
        <section aria-labelledby="mail-heading" class="mail">
            <h2 id="mail-heading">{"Invitation mail"}</h2>
            <p class="hint" id="mail-uses">
                {if props.custom {
                    "This contract's invitations, resends and reminders use its own text below."
                } else {
                    "This contract uses the standard text. Change it below to give its invitations, resends and reminders their own."
                }}
            </p>
            <div class="mail-editor">
                <form id="mail-form" class="mail-form" onsubmit={on_submit}>
                    <label for="mail-language">{"Language"}</label>
                    <select id="mail-language" onchange={on_language} aria-describedby="mail-language-hint">
                        { for MailLanguage::ALL.into_iter().map(|l| html! {
                            <option value={l.code()} selected={l == draft.language} lang={l.code()}>{l.label()}</option>
                        }) }
                    </select>
                    <p class="hint" id="mail-language-hint">{"The button and the lines about the link are in this language, and the standard text's greeting."}</p>
                    <label for="mail-subject">{"Subject"}</label>
                    <input id="mail-subject" type="text" value={draft.subject.clone()} oninput={on_subject.reform(Event::from)} onchange={on_subject}
                        aria-invalid={subject_invalid} aria-describedby={subject_described} autocomplete="off" />
                    {subject_error}
                    <label for="mail-message">{"Message"}</label>
                    <textarea id="mail-message" rows="8" value={draft.message.clone()} oninput={on_message.reform(Event::from)} onchange={on_message}
                        aria-invalid={message_invalid} aria-describedby={message_described} />
                    {message_error}
                    {frame_hint(is_standard)}
                    <div class="buttons">
                        <button type="submit" id="mail-save" class="primary" disabled={invalid || props.save.working()}>
                            {if props.save.working() { "Saving…" } else { "Save" }}
                        </button>
                        <button type="button" id="mail-test" disabled={invalid || props.test.working()} onclick={on_test}>
                            {if props.test.working() { "Sending…" } else { "Send me a test" }}
                        </button>
                        <button type="button" id="mail-standard" onclick={on_standard}>{"Use the standard text"}</button>
                    </div>
                    {outcomes(props)}
                </form>
                <section class="merge-fields" aria-labelledby="merge-fields-heading">
                    <h3 id="merge-fields-heading">{"Merge fields"}</h3>
                    <p class="hint">{"Write a field in braces in the subject or message; each mail puts in its own value. Write {{ or }} for a brace itself."}</p>
                    <dl id="merge-fields">
                        { for MERGE_FIELDS.iter().map(|(field, becomes)| html! {
                            <div><dt><code>{format!("{{{field}}}")}</code></dt><dd>{*becomes}</dd></div>
                        }) }
                    </dl>
                </section>
            </div>
            <MailPreview {preview} />
        </section>
    }
}

/// What the mail's fixed frame adds around the text: the standard text gets a greeting and the
/// list of activities, the contract's own text stands alone (issue 28).
fn frame_hint(is_standard: bool) -> Html {
    html! {
        <p class="hint" id="mail-frame">
            {if is_standard {
                "The standard text comes with a greeting before it and the list of activities after it."
            } else {
                "Your text stands alone: greet with {name} and name the {activities} where you want them."
            }}
            {" Every mail then adds the button with the personal link, the link to copy, until when it works, and what to do if it was not meant for them."}
        </p>
    }
}

/// What the last Use the standard text, Save and Send me a test did, in words.
fn outcomes(props: &MailEditorProps) -> Html {
    html! {
        <>
            if props.restored {
                <p class="outcome ok" role="status" id="mail-restored">
                    {"The standard text is back in the fields. Save to use it."}
                </p>
            }
            {match &props.save {
                Request::Done(()) => html! {
                    <p class="outcome ok" role="status" id="mail-saved">{"Saved. New invitations, resends and reminders use this mail."}</p>
                },
                Request::Failed(e) => html! { <ErrorMessage error={e.clone()} context="Could not save the mail" /> },
                _ => html! {},
            }}
            {match &props.test {
                Request::Done(to) => html! {
                    <p class="outcome ok" role="status" id="mail-test-outcome">
                        {format!("A test of this mail is on its way to {to}. Its link enrols nobody.")}
                    </p>
                },
                Request::Failed(e) => html! { <ErrorMessage error={e.clone()} context="Could not send the test" /> },
                _ => html! {},
            }}
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct MailPreviewProps {
    pub preview: Result<RenderedMail, TemplateError>,
}

/// The rendered mail: its subject, text body and HTML body (in a sandboxed frame: nothing in it
/// runs or reaches the site).
#[component]
pub fn MailPreview(props: &MailPreviewProps) -> Html {
    html! {
        <section class="preview" aria-labelledby="preview-heading">
            <h3 id="preview-heading">{"Preview"}</h3>
            {match &props.preview {
                Err(_) => html! {
                    <p class="hint" id="preview-waiting">{"The preview comes back once the subject and message are fixed."}</p>
                },
                Ok(mail) => html! {
                    <>
                        <p class="hint">{format!("The invitation as {SAMPLE_NAME} would get it from you today; the link is a sample.")}</p>
                        <dl class="preview-subject">
                            <dt>{"Subject"}</dt>
                            <dd id="preview-subject">{mail.subject.clone()}</dd>
                        </dl>
                        <h4 id="preview-text-heading">{"Text"}</h4>
                        <pre id="preview-text" class="preview-text">{mail.text.clone()}</pre>
                        <h4>{"HTML"}</h4>
                        // No scripts run in it (no allow-scripts, and the site's CSP); same origin
                        // only so that the browser test can read the styles the CSP let through.
                        <iframe id="preview-html" class="preview-html" sandbox="allow-same-origin" srcdoc={mail.html.clone()}
                            title={format!("The mail's HTML body, as {SAMPLE_NAME} would see it")} />
                    </>
                },
            }}
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReminderFormProps {
    pub plan: PlanDraft,
    pub save: Request<()>,
    pub dispatch: Callback<MailAction>,
    pub on_save: Callback<ReminderPlan>,
}

/// The reminder plan: on or off, when, how many; said in words as it is changed.
#[component]
pub fn ReminderForm(props: &ReminderFormProps) -> Html {
    let plan = &props.plan;
    let checked = plan.check();
    let problem = checked.as_ref().err();
    let error_at = |field: PlanField| {
        problem
            .filter(|p| p.field == field)
            .map(|p| p.message.as_str())
    };
    let (after_error_id, after_invalid, after_error) =
        field_error("reminder-after", error_at(PlanField::AfterSend));
    let (before_error_id, before_invalid, before_error) =
        field_error("reminder-before", error_at(PlanField::BeforeExpiry));
    let (most_error_id, most_invalid, most_error) =
        field_error("reminder-at-most", error_at(PlanField::AtMost));
    let (_, _, when_error) = field_error("reminder-when", error_at(PlanField::When));
    let described = |hint: &str, error: Option<String>| {
        Some(match error {
            Some(e) => format!("{hint} {e}"),
            None => hint.to_owned(),
        })
    };
    let change = |edit: fn(&mut PlanDraft, String)| {
        let (dispatch, plan) = (props.dispatch.clone(), plan.clone());
        Callback::from(move |e: Event| {
            let mut plan = plan.clone();
            let target = e.target_unchecked_into::<HtmlInputElement>();
            let value = if target.type_() == "checkbox" {
                target.checked().to_string()
            } else {
                target.value()
            };
            edit(&mut plan, value);
            dispatch.emit(MailAction::Plan(plan));
        })
    };
    let on_enabled = change(|p, v| p.enabled = v == "true");
    let on_after = change(|p, v| p.days_after_send = v);
    let on_before = change(|p, v| p.days_before_expiry = v);
    let on_most = {
        let (dispatch, plan) = (props.dispatch.clone(), plan.clone());
        Callback::from(move |e: Event| {
            let mut plan = plan.clone();
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            plan.at_most = value.parse().unwrap_or(plan.at_most);
            dispatch.emit(MailAction::Plan(plan));
        })
    };
    let on_submit = {
        let (on_save, checked) = (props.on_save.clone(), checked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(plan) = &checked {
                on_save.emit(*plan);
            }
        })
    };
    let working = props.save.working();
    html! {
        <section aria-labelledby="reminders-heading" class="reminders">
            <h2 id="reminders-heading">{"Reminders"}</h2>
            <p class="hint">{"Reminders go with the same link to people who have not enrolled yet, marked as a reminder. Nobody gets one after their link expires."}</p>
            <form id="reminder-form" onsubmit={on_submit}>
                <label class="check" for="reminders-on">
                    <input type="checkbox" id="reminders-on" checked={plan.enabled} onchange={on_enabled} />
                    {"Send reminders"}
                </label>
                <fieldset id="reminder-when" aria-describedby={problem.filter(|p| p.field == PlanField::When).map(|_| "reminder-when-error")}>
                    <legend>{"When"}</legend>
                    <div class="field">
                        <label for="reminder-after">{"Days after the last mail"}</label>
                        <input id="reminder-after" type="number" min="1" max={MAX_REMINDER_DAYS.to_string()} inputmode="numeric"
                            value={plan.days_after_send.clone()} oninput={on_after.reform(Event::from)} onchange={on_after} aria-invalid={after_invalid}
                            aria-describedby={described("reminder-after-hint", after_error_id)} />
                        <p class="hint" id="reminder-after-hint">{"Counted from the invitation or the last reminder. Leave empty for none."}</p>
                        {after_error}
                    </div>
                    <div class="field">
                        <label for="reminder-before">{"Days before the link expires"}</label>
                        <input id="reminder-before" type="number" min="1" max={MAX_REMINDER_DAYS.to_string()} inputmode="numeric"
                            value={plan.days_before_expiry.clone()} oninput={on_before.reform(Event::from)} onchange={on_before} aria-invalid={before_invalid}
                            aria-describedby={described("reminder-before-hint", before_error_id)} />
                        <p class="hint" id="reminder-before-hint">{"Leave empty for none."}</p>
                        {before_error}
                    </div>
                    <div class="field">
                        <label for="reminder-at-most">{"At most, per person"}</label>
                        <select id="reminder-at-most" onchange={on_most} aria-invalid={most_invalid} aria-describedby={most_error_id}>
                            { for (1..=MAX_REMINDERS).map(|n| html! {
                                <option value={n.to_string()} selected={n == plan.at_most}>
                                    {if n == 1 { "1 reminder".to_owned() } else { format!("{n} reminders") }}
                                </option>
                            }) }
                        </select>
                        {most_error}
                    </div>
                    {when_error}
                </fieldset>
                <p class="plan-words" id="reminder-plan-words">
                    {match &checked {
                        Ok(p) => plan_in_words(p),
                        Err(_) => "Fix the plan to see what it does.".to_owned(),
                    }}
                </p>
                <button type="submit" id="reminders-save" class="primary" disabled={checked.is_err() || working}>
                    {if working { "Saving…" } else { "Save the reminder plan" }}
                </button>
                {match &props.save {
                    Request::Done(()) => html! {
                        <p class="outcome ok" role="status" id="reminders-saved">{"Saved. Reminders follow this plan from now on."}</p>
                    },
                    Request::Failed(e) => html! { <ErrorMessage error={e.clone()} context="Could not save the reminder plan" /> },
                    _ => html! {},
                }}
            </form>
        </section>
    }
}
