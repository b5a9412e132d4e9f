//! `/contracts/:id/mail`: the contract's Mail and reminders tab, for its admins and system
//! administrators. The invitation mail's language, subject and message, with the merge fields
//! and a live preview made by the mailer's own renderer (`invitations_domain::mail::render`), so
//! the preview is what people get; a test to oneself; and the reminder plan, said in words.
//! Mistakes in the text are found as it is typed (the domain's own check) and shown at the field.
//! Last, the admin's own notifications about the contract (issue 31).

mod draft;
mod editor;
mod notices;
mod state;

pub use draft::*;
pub use editor::*;
pub use notices::*;
pub use state::*;

use crate::api::{
    ApiError, Contract, EnrolmentNotices, MailLanguage, MailSettings, MailSettingsRequest,
    NotificationSettings, ReminderPlan, TestMailQueued,
};
use crate::components::error::ErrorMessage;
use crate::components::layout::{ContractHeader, ContractUnavailable, Tab};
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

/// Where the site is served from: the preview's sample link points there.
pub(super) fn origin() -> String {
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
    {
        let (ctx, state) = (ctx.clone(), state.clone());
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            ctx.call(
                move |api| async move { api.notifications(&id, None).await },
                move |result| state.dispatch(MailAction::NoticesLoaded(result)),
            );
        });
    }
    let on_save_notices = {
        let (ctx, state, id) = (ctx.clone(), state.clone(), props.id.clone());
        Callback::from(move |notices: NotificationSettings| {
            let (ctx, state, id) = (ctx.clone(), state.clone(), id.clone());
            state.dispatch(MailAction::NoticesSaving);
            ctx.call(
                move |api| async move { api.notifications(&id, Some(&notices)).await },
                move |result| state.dispatch(MailAction::NoticesSaved(result)),
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
        Some(Err(e)) => return html! { <ContractUnavailable error={e.clone()} /> },
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
                {dispatch} {on_save} {on_test} {on_save_plan} {on_save_notices} />
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
    #[prop_or_default]
    pub on_save_notices: Callback<NotificationSettings>,
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
            <MailEditor draft={draft.clone()} custom={s.custom} restored={s.restored} save={s.save.clone()} test={s.test.clone()}
                contract={props.contract.clone()} inviter={props.inviter.clone()} now={props.now}
                origin={props.origin.clone()} dispatch={props.dispatch.clone()}
                on_save={props.on_save.clone()} on_test={props.on_test.clone()} />
            <ReminderForm plan={plan.clone()} save={s.plan_save.clone()} dispatch={props.dispatch.clone()}
                on_save={props.on_save_plan.clone()} />
            {notices_form(s, &props.contract, &props.dispatch, &props.on_save_notices)}
        </>
    }
}
