//! `/contracts/:id/mail`: the contract's Mail and reminders tab, for its admins and system
//! administrators. The invitation mail's language, subject and message, with the merge fields
//! and a live preview made by the mailer's own renderer (`invitations_domain::mail::render`), so
//! the preview is what people get; a test to oneself; and the reminder plan, said in words.
//! Mistakes in the text are found as it is typed (the domain's own check) and shown at the field.

use crate::api::{
    ApiError, Contract, MailLanguage, MailSettings, MailSettingsRequest, ReminderPlan,
    TestMailQueued,
};
use crate::components::error::ErrorMessage;
use crate::components::layout::{ContractHeader, Tab};
use crate::pages::use_contract;
use crate::AppContext;
use chrono::{DateTime, Duration, Utc};
use invitations_domain::mail::{
    render, ContractMail, Language, MailKind, MailTemplate, MailValues, Part, RenderedMail,
    TemplateError, MERGE_FIELDS,
};
use invitations_domain::reminder::{
    PlanError, ReminderPlan as CheckedPlan, MAX_REMINDERS, MAX_REMINDER_DAYS,
};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The sample person the preview is addressed to.
pub const SAMPLE_NAME: &str = "Alex Example";

fn language(l: MailLanguage) -> Language {
    match l {
        MailLanguage::En => Language::En,
        MailLanguage::Fr => Language::Fr,
    }
}

/// A call under way and how it ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Request<T> {
    #[default]
    Idle,
    Working,
    Done(T),
    Failed(ApiError),
}

impl<T> Request<T> {
    fn working(&self) -> bool {
        matches!(self, Self::Working)
    }
}

/// The mail as the admin is typing it.
#[derive(Debug, Clone, PartialEq)]
pub struct MailDraft {
    pub language: MailLanguage,
    pub subject: String,
    pub message: String,
}

impl MailDraft {
    pub fn from_settings(m: &MailSettings) -> Self {
        Self {
            language: m.language,
            subject: m.subject.clone(),
            message: m.message.clone(),
        }
    }

    /// The standard subject and message of `language`.
    pub fn standard(language: MailLanguage) -> Self {
        let t = MailTemplate::standard(self::language(language));
        Self {
            language,
            subject: t.subject().to_owned(),
            message: t.message().to_owned(),
        }
    }

    /// The domain's own check of the text (the server makes the same one).
    pub fn check(&self) -> Result<MailTemplate, TemplateError> {
        MailTemplate::parse(&self.subject, &self.message)
    }

    pub fn request(&self) -> MailSettingsRequest {
        MailSettingsRequest {
            language: self.language,
            subject: self.subject.clone(),
            message: self.message.clone(),
        }
    }
}

/// Which field a refusal of the text is about.
pub fn part_of(e: &TemplateError) -> Part {
    match e {
        TemplateError::UnknownField { part, .. }
        | TemplateError::Unclosed { part, .. }
        | TemplateError::StrayClose { part, .. }
        | TemplateError::TooLong { part, .. } => *part,
        TemplateError::EmptySubject
        | TemplateError::SubjectNotOneLine
        | TemplateError::LinkInSubject => Part::Subject,
        TemplateError::EmptyMessage => Part::Message,
    }
}

/// What the preview shows: the draft rendered by the mailer's renderer, for a sample person,
/// the contract's name and activities, the signed-in admin as inviter, a link that expires
/// after the contract's invitation lifetime from `now`, and a sample link on this site.
pub fn preview(
    draft: &MailDraft,
    contract: &Contract,
    inviter: &str,
    now: DateTime<Utc>,
    origin: &str,
) -> Result<RenderedMail, TemplateError> {
    let template = draft.check()?;
    let activities: Vec<String> = contract.activities.iter().map(|a| a.name.clone()).collect();
    let link = format!("{}/enrol#preview", origin.trim_end_matches('/'));
    let values = MailValues {
        recipient_name: Some(SAMPLE_NAME),
        contract_name: &contract.name,
        activities: &activities,
        inviter_name: Some(inviter),
        expires_at: now + Duration::days(i64::from(contract.invitation_lifetime_days)),
        link: &link,
    };
    let mail = ContractMail {
        language: language(draft.language),
        custom: Some(template),
    };
    Ok(render(&mail, MailKind::Invitation, &values))
}

/// The reminder plan as the admin is typing it: the day counts as typed (empty: none).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDraft {
    pub enabled: bool,
    pub days_after_send: String,
    pub days_before_expiry: String,
    pub at_most: u32,
}

/// Which field of the plan a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanField {
    AfterSend,
    BeforeExpiry,
    AtMost,
    /// Neither kind of reminder is chosen.
    When,
}

/// A refusal of the plan, at its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    pub field: PlanField,
    pub message: String,
}

impl PlanDraft {
    pub fn from_plan(p: &ReminderPlan) -> Self {
        let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            enabled: p.enabled,
            days_after_send: days(p.days_after_send),
            days_before_expiry: days(p.days_before_expiry),
            at_most: p.at_most,
        }
    }

    /// The plan, checked as the server checks it (the domain's `ReminderPlan::parse`).
    pub fn check(&self) -> Result<ReminderPlan, PlanProblem> {
        let days = |text: &str, field| {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<u32>().map(Some).map_err(|_| PlanProblem {
                field,
                message: format!(
                    "Write a whole number of days from 1 to {MAX_REMINDER_DAYS}, or leave it empty for no such reminder."
                ),
            })
        };
        let after = days(&self.days_after_send, PlanField::AfterSend)?;
        let before = days(&self.days_before_expiry, PlanField::BeforeExpiry)?;
        match CheckedPlan::parse(self.enabled, after, before, self.at_most) {
            Ok(p) => Ok(ReminderPlan {
                enabled: p.enabled,
                days_after_send: p.days_after_send,
                days_before_expiry: p.days_before_expiry,
                at_most: p.at_most,
            }),
            Err(e) => Err(PlanProblem {
                field: match e {
                    PlanError::Days(what) if what.contains("after") => PlanField::AfterSend,
                    PlanError::Days(_) => PlanField::BeforeExpiry,
                    PlanError::AtMost => PlanField::AtMost,
                    PlanError::NoneChosen => PlanField::When,
                },
                message: e.to_string(),
            }),
        }
    }
}

fn days(n: u32) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// What a plan does, in a sentence.
pub fn plan_in_words(p: &ReminderPlan) -> String {
    if !p.enabled {
        return "No reminders: people get the invitation mail only.".into();
    }
    let most = format!("at most {} per person", p.at_most);
    match (p.days_after_send, p.days_before_expiry) {
        (Some(a), Some(b)) => format!(
            "A reminder {} after the last mail, and one {} before the link expires; {most}.",
            days(a),
            days(b)
        ),
        (Some(a), None) => format!("A reminder {} after the last mail; {most}.", days(a)),
        (None, Some(b)) => format!("A reminder {} before the link expires; {most}.", days(b)),
        (None, None) => "No reminders.".into(),
    }
}

/// The tab's state: the drafts, what is saved, and each call's outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MailState {
    /// `None` until the contract is loaded.
    pub draft: Option<MailDraft>,
    /// Whether the contract has its own text (else the standard text of its language).
    pub custom: bool,
    pub save: Request<()>,
    /// Done: the address the test goes to.
    pub test: Request<String>,
    pub plan: Option<PlanDraft>,
    pub plan_save: Request<()>,
}

pub enum MailAction {
    Loaded(Contract),
    Language(MailLanguage),
    Subject(String),
    Message(String),
    /// "Use the standard text" of the draft's language.
    Standard,
    Saving,
    Saved(Result<Contract, ApiError>),
    Testing,
    Tested(Result<TestMailQueued, ApiError>),
    Plan(PlanDraft),
    PlanSaving,
    PlanSaved(Result<Contract, ApiError>),
}

impl MailState {
    /// An edit of the text: earlier outcomes no longer describe it.
    fn edited(&mut self) {
        if !self.save.working() {
            self.save = Request::Idle;
        }
        if !self.test.working() {
            self.test = Request::Idle;
        }
    }
}

impl Reducible for MailState {
    type Action = MailAction;

    fn reduce(self: Rc<Self>, action: MailAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            MailAction::Loaded(c) => {
                s = Self {
                    draft: Some(MailDraft::from_settings(&c.mail)),
                    custom: c.mail.custom,
                    plan: Some(PlanDraft::from_plan(&c.reminders)),
                    ..Self::default()
                };
            }
            MailAction::Language(l) => {
                let Some(draft) = &mut s.draft else {
                    return self;
                };
                // The untouched standard text follows the language; the admin's own stays.
                if *draft == MailDraft::standard(draft.language) {
                    *draft = MailDraft::standard(l);
                } else {
                    draft.language = l;
                }
                s.edited();
            }
            MailAction::Subject(text) => {
                let Some(draft) = &mut s.draft else {
                    return self;
                };
                draft.subject = text;
                s.edited();
            }
            MailAction::Message(text) => {
                let Some(draft) = &mut s.draft else {
                    return self;
                };
                draft.message = text;
                s.edited();
            }
            MailAction::Standard => {
                let Some(draft) = &mut s.draft else {
                    return self;
                };
                *draft = MailDraft::standard(draft.language);
                s.edited();
            }
            MailAction::Saving => s.save = Request::Working,
            MailAction::Saved(Ok(c)) => {
                s.draft = Some(MailDraft::from_settings(&c.mail));
                s.custom = c.mail.custom;
                s.save = Request::Done(());
            }
            MailAction::Saved(Err(e)) => s.save = Request::Failed(e),
            MailAction::Testing => s.test = Request::Working,
            MailAction::Tested(Ok(queued)) => s.test = Request::Done(queued.to),
            MailAction::Tested(Err(e)) => s.test = Request::Failed(e),
            MailAction::Plan(plan) => {
                s.plan = Some(plan);
                if !s.plan_save.working() {
                    s.plan_save = Request::Idle;
                }
            }
            MailAction::PlanSaving => s.plan_save = Request::Working,
            MailAction::PlanSaved(Ok(c)) => {
                s.plan = Some(PlanDraft::from_plan(&c.reminders));
                s.plan_save = Request::Done(());
            }
            MailAction::PlanSaved(Err(e)) => s.plan_save = Request::Failed(e),
        }
        Rc::new(s)
    }
}

/// Where the site is served from: the preview's sample link points there.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct MailPageProps {
    pub id: String,
}

#[component]
pub fn MailPage(props: &MailPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let contract = use_contract(&props.id);
    let state = use_reducer(MailState::default);
    {
        let state = state.clone();
        use_effect_with(contract.clone(), move |c| {
            if let Some(Ok(c)) = c {
                state.dispatch(MailAction::Loaded(c.clone()));
            }
        });
    }
    let on_save = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |mail: MailSettingsRequest| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(MailAction::Saving);
            ctx.call(
                move |api| async move { api.save_mail(&id, &mail).await },
                move |result| state.dispatch(MailAction::Saved(result)),
            );
        })
    };
    let on_test = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |mail: MailSettingsRequest| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(MailAction::Testing);
            ctx.call(
                move |api| async move { api.test_mail(&id, &mail).await },
                move |result| state.dispatch(MailAction::Tested(result)),
            );
        })
    };
    let on_save_plan = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |plan: ReminderPlan| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(MailAction::PlanSaving);
            ctx.call(
                move |api| async move { api.save_reminders(&id, &plan).await },
                move |result| state.dispatch(MailAction::PlanSaved(result)),
            );
        })
    };
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: MailAction| state.dispatch(a))
    };
    let contract = match &contract {
        None => return html! { <p role="status">{"Loading the contract…"}</p> },
        Some(Err(e)) => {
            return html! { <ErrorMessage error={e.clone()} context="Could not load the learning contract" /> }
        }
        Some(Ok(c)) => c.clone(),
    };
    let inviter = ctx
        .session
        .session
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_default();
    html! {
        <>
            <ContractHeader contract={contract.clone()} current={Tab::Mail} />
            <MailView state={(*state).clone()} {contract} inviter={inviter} now={crate::format::now()} origin={origin()}
                {dispatch} {on_save} {on_test} {on_save_plan} />
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct MailViewProps {
    pub state: MailState,
    pub contract: Contract,
    /// The signed-in admin's name: the preview's inviter.
    pub inviter: AttrValue,
    pub now: DateTime<Utc>,
    /// The site's origin, for the preview's sample link.
    pub origin: AttrValue,
    pub dispatch: Callback<MailAction>,
    pub on_save: Callback<MailSettingsRequest>,
    pub on_test: Callback<MailSettingsRequest>,
    pub on_save_plan: Callback<ReminderPlan>,
}

/// The mail editor with its preview, then the reminder plan.
#[component]
pub fn MailView(props: &MailViewProps) -> Html {
    let s = &props.state;
    let (Some(draft), Some(plan)) = (&s.draft, &s.plan) else {
        return html! { <p role="status">{"Loading the mail…"}</p> };
    };
    html! {
        <>
            <MailEditor draft={draft.clone()} custom={s.custom} save={s.save.clone()} test={s.test.clone()}
                contract={props.contract.clone()} inviter={props.inviter.clone()} now={props.now}
                origin={props.origin.clone()} dispatch={props.dispatch.clone()}
                on_save={props.on_save.clone()} on_test={props.on_test.clone()} />
            <ReminderForm plan={plan.clone()} save={s.plan_save.clone()} dispatch={props.dispatch.clone()}
                on_save={props.on_save_plan.clone()} />
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct MailEditorProps {
    pub draft: MailDraft,
    pub custom: bool,
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
fn field_error(id: &str, error: Option<&str>) -> (Option<String>, Option<&'static str>, Html) {
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
                    <p class="hint" id="mail-language-hint">{"The greeting, the button and the lines about the link are in this language."}</p>
                    <label for="mail-subject">{"Subject"}</label>
                    <input id="mail-subject" type="text" value={draft.subject.clone()} oninput={on_subject.reform(Event::from)} onchange={on_subject}
                        aria-invalid={subject_invalid} aria-describedby={subject_described} autocomplete="off" />
                    {subject_error}
                    <label for="mail-message">{"Message"}</label>
                    <textarea id="mail-message" rows="8" value={draft.message.clone()} oninput={on_message.reform(Event::from)} onchange={on_message}
                        aria-invalid={message_invalid} aria-describedby={message_described} />
                    {message_error}
                    <div class="buttons">
                        <button type="submit" id="mail-save" class="primary" disabled={invalid || props.save.working()}>
                            {if props.save.working() { "Saving…" } else { "Save" }}
                        </button>
                        <button type="button" id="mail-test" disabled={invalid || props.test.working()} onclick={on_test}>
                            {if props.test.working() { "Sending…" } else { "Send me a test" }}
                        </button>
                        <button type="button" id="mail-standard" onclick={on_standard}>{"Use the standard text"}</button>
                    </div>
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
