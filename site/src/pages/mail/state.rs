//! The tab's state and its reducer.

use super::*;

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
    /// "Use the standard text" put it back in the fields, not yet saved: said so.
    pub restored: bool,
    /// The caller's own notifications about this contract, as shown (issue 31); `None` while
    /// they load.
    pub notices: Option<Result<NotificationSettings, ApiError>>,
    pub notices_save: Request<()>,
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
    /// The caller's notifications as read (or why not).
    NoticesLoaded(Result<NotificationSettings, ApiError>),
    /// A choice changed, not yet saved.
    Notices(NotificationSettings),
    NoticesSaving,
    NoticesSaved(Result<NotificationSettings, ApiError>),
}

impl MailState {
    /// An edit of the text: earlier outcomes no longer describe it.
    fn edited(&mut self) {
        self.restored = false;
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
            // The notifications are the caller's, read on their own: they stay.
            MailAction::Loaded(c) => {
                s = Self {
                    draft: Some(MailDraft::from_settings(&c.mail)),
                    custom: c.mail.custom,
                    plan: Some(PlanDraft::from_plan(&c.reminders)),
                    notices: s.notices,
                    notices_save: s.notices_save,
                    ..Self::default()
                };
            }
            MailAction::NoticesLoaded(result) => s.notices = Some(result),
            MailAction::Notices(n) => {
                s.notices = Some(Ok(n));
                if !s.notices_save.working() {
                    s.notices_save = Request::Idle;
                }
            }
            MailAction::NoticesSaving => s.notices_save = Request::Working,
            MailAction::NoticesSaved(Ok(n)) => {
                s.notices = Some(Ok(n));
                s.notices_save = Request::Done(());
            }
            MailAction::NoticesSaved(Err(e)) => s.notices_save = Request::Failed(e),
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
                s.restored = true;
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
