//! The drafts: the mail's text and its preview, the reminder plan in words.

use super::*;

/// The sample person the preview is addressed to.
pub const SAMPLE_NAME: &str = "Alex Example";

pub(super) fn language(l: MailLanguage) -> Language {
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
    pub(super) fn working(&self) -> bool {
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
    // As the server keeps it: the language's standard text means "standard" (framed by a
    // greeting and the activities); any other text is the contract's own and stands alone.
    let language = language(draft.language);
    let custom = (template != MailTemplate::standard(language)).then_some(template);
    let mail = ContractMail { language, custom };
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

pub(super) fn days(n: u32) -> String {
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
