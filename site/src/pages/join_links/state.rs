//! The tab's state: the links, the form for a new one, each link's change, Copy and QR code;
//! what the tab asks the API; and the reducer.

use super::*;

/// A change of one link, from its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Regenerate,
    Disable,
    Enable,
}

impl Act {
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Regenerate => "Regenerate",
            Self::Disable => "Disable",
            Self::Enable => "Enable",
        }
    }

    pub(super) fn working(self) -> &'static str {
        match self {
            Self::Regenerate => "Making a new link…",
            Self::Disable => "Disabling…",
            Self::Enable => "Enabling…",
        }
    }

    fn failed(self) -> &'static str {
        match self {
            Self::Regenerate => "Could not make a new link",
            Self::Disable => "Could not disable the link",
            Self::Enable => "Could not enable the link",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Self::Regenerate => "A new link is made: the old one no longer works.",
            Self::Disable => "Disabled: the link admits nobody until it is enabled.",
            Self::Enable => "Enabled: the link admits people again while it is open.",
        }
    }

    fn route(self) -> &'static Route {
        match self {
            Self::Regenerate => &routes::REGENERATE_JOIN_LINK,
            Self::Disable => &routes::DISABLE_JOIN_LINK,
            Self::Enable => &routes::ENABLE_JOIN_LINK,
        }
    }
}

/// What the tab asks the API.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Load,
    Add(NewJoinLink),
    Act(String, Act),
    LoadQueue(Queue),
    /// A change of the person with this entry id.
    Queue(String, QueueAct),
}

/// What the API answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Links(Vec<JoinLink>),
    /// Boxed: the answer stays small.
    Link(Box<JoinLink>),
    /// A line as it now is; after an approval, the waiting list read again too.
    Line(Vec<WaitingEntry>, Option<Vec<WaitingEntry>>),
    /// A change refused because the line changed meanwhile: the problem, and the line read
    /// again.
    Stale(Box<ApiError>, Option<Vec<WaitingEntry>>),
}

impl Command {
    /// One call, for every command (one answer type, so `AppContext::call` is in the wasm once).
    pub async fn run(self, api: Api, contract: String) -> Result<Answer, ApiError> {
        Ok(match self {
            Self::Load => Answer::Links(api.join_links(&contract).await?),
            Self::Add(new) => Answer::Link(Box::new(api.add_join_link(&contract, &new).await?)),
            Self::Act(id, act) => Answer::Link(Box::new(
                api.change_join_link(&contract, &id, act.route()).await?,
            )),
            Self::LoadQueue(q) => Answer::Line(load_queue(&api, &contract, q).await?, None),
            Self::Queue(id, act) => change_queue(api, &contract, (&id, act)).await?,
        })
    }
}

/// Where one link's change stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    /// Regenerate was pressed: the question.
    Asking,
    Working(Act),
    /// It worked: what it did, in words.
    Done(String),
    Failed(Act, ApiError),
}

/// What the tab shows of a link beyond the API's answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    pub row: Option<RowState>,
    /// Whether Copy put the link on the clipboard; `None` before Copy.
    pub copied: Option<bool>,
    /// Its QR code is shown.
    pub qr: bool,
}

/// A text field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Audience,
    MaxUses,
    Opens,
    Closes,
    Domains,
}

/// The form for a new link, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkForm {
    pub audience: String,
    /// Activity ids ticked (a voucher with several activities only).
    pub activities: Vec<String>,
    pub max_uses: String,
    /// `date` fields (`2026-03-01`), in the admin's own time.
    pub opens: String,
    pub closes: String,
    /// Domains separated by commas or spaces.
    pub domains: String,
    /// Each joiner waits for an admin's yes.
    pub needs_approval: bool,
    pub working: bool,
    /// The last refusal; its code says which field it is about.
    pub error: Option<ApiError>,
}

fn refusal(code: &str, detail: &str) -> ApiError {
    ApiError {
        status: 400,
        code: code.into(),
        title: "Bad Request".into(),
        detail: detail.into(),
    }
}

/// A day's start (`T00:00`) or end (`T23:59`) in the admin's time, as UTC; empty: none.
fn day_at(day: &str, time: &str, what: &str) -> Result<Option<String>, ApiError> {
    match day.trim() {
        "" => Ok(None),
        day => format::local_to_utc(&format!("{day}T{time}"))
            .map(Some)
            .ok_or_else(|| refusal("invalid_time", &format!("Give the day it {what}, or none."))),
    }
}

impl LinkForm {
    /// The field a refusal is about (`audience`, `activities`, `max-uses`, `window`,
    /// `domains`), by its code; `None`: about the whole link.
    pub fn field_of(error: &ApiError) -> Option<&'static str> {
        Some(match error.code.as_str() {
            "invalid_audience" => "audience",
            "invalid_activities" => "activities",
            "invalid_max_uses" => "max-uses",
            "invalid_window" | "invalid_time" => "window",
            "invalid_domain" => "domains",
            _ => return None,
        })
    }

    /// The request, or what the server would refuse in it, said the same way. `choose`: the
    /// contract asks for activities (else every activity is given).
    pub fn request(&self, choose: bool) -> Result<NewJoinLink, ApiError> {
        let audience = self.audience.trim();
        if audience.is_empty() {
            let says = "Say who the link is for, like \"Sales team, spring intake\".";
            return Err(refusal("invalid_audience", says));
        }
        if choose && self.activities.is_empty() {
            let says = "Choose at least one activity for the people who join.";
            return Err(refusal("invalid_activities", says));
        }
        let max_uses = match self.max_uses.trim() {
            "" => None,
            n => Some(n.parse::<u32>().map_err(|_| {
                let says = "Give how many people the link admits, like 50, or leave it empty for no limit.";
                refusal("invalid_max_uses", says)
            })?),
        };
        Ok(NewJoinLink {
            audience: audience.to_owned(),
            activities: if choose {
                self.activities.clone()
            } else {
                Vec::new()
            },
            max_uses,
            opens_at: day_at(&self.opens, "00:00", "opens")?,
            closes_at: day_at(&self.closes, "23:59", "closes")?,
            allowed_domains: self
                .domains
                .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect(),
            needs_approval: self.needs_approval,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JoinLinksState {
    /// Whose links; answers asked for another contract are dropped.
    pub contract: Option<String>,
    /// `None` while the list loads.
    pub links: Option<Result<Vec<JoinLink>, ApiError>>,
    pub form: LinkForm,
    /// By link id (a list, not a map: a map of another kind is more code in the wasm, and a
    /// contract has a few dozen links at most).
    pub shown: Vec<(String, Shown)>,
    pub requests: QueueState,
    pub waiting: QueueState,
}

pub enum JoinLinksAction {
    /// The tab opened (or now shows another contract): nothing of the last one stays.
    Reset(String),
    Type(Field, String),
    Activity(String, bool),
    /// The form's "needs an administrator's approval" box.
    Approval(bool),
    /// The form's own check, before asking.
    Refused(ApiError),
    /// Regenerate: the question.
    Ask(String),
    Cancel(String),
    /// Show or hide the link's QR code.
    Qr(String),
    Copied(String, bool),
    /// Refuse or Remove: the question, about the person with this entry id.
    QueueAsk(String, QueueAct),
    QueueCancel(Queue),
    Started(Command),
    /// An answer (boxed: the action stays small); made by [`JoinLinksAction::finished`].
    Finished(String, Command, Box<Result<Answer, ApiError>>),
}

impl JoinLinksAction {
    pub fn finished(contract: String, command: Command, result: Result<Answer, ApiError>) -> Self {
        Self::Finished(contract, command, Box::new(result))
    }
}

impl JoinLinksState {
    /// What is shown of this link beyond the API's answer.
    pub fn shown(&self, id: &str) -> Option<&Shown> {
        self.shown.iter().find(|(of, _)| of == id).map(|(_, s)| s)
    }

    fn of(&mut self, id: String) -> &mut Shown {
        let at = match self.shown.iter().position(|(of, _)| *of == id) {
            Some(at) => at,
            None => {
                self.shown.push((id, Shown::default()));
                self.shown.len() - 1
            }
        };
        &mut self.shown[at].1
    }

    pub fn queue(&self, queue: Queue) -> &QueueState {
        match queue {
            Queue::Requests => &self.requests,
            Queue::Waiting => &self.waiting,
        }
    }

    fn queue_mut(&mut self, queue: Queue) -> &mut QueueState {
        match queue {
            Queue::Requests => &mut self.requests,
            Queue::Waiting => &mut self.waiting,
        }
    }

    /// The link as the API now answers it, in its place (a new one first); its id.
    fn put(&mut self, link: JoinLink) -> String {
        let id = link.id.clone();
        let list = match &mut self.links {
            Some(Ok(list)) => list,
            other => other.insert(Ok(Vec::new())).as_mut().expect("just set"),
        };
        match list.iter_mut().find(|l| l.id == id) {
            Some(l) => *l = link,
            None => list.insert(0, link),
        }
        id
    }

    fn finished(&mut self, command: Command, result: Result<Answer, ApiError>) {
        match (command, result) {
            (Command::Load, Ok(Answer::Links(list))) => self.links = Some(Ok(list)),
            (Command::Add(_), Ok(Answer::Link(link))) => {
                let said = format!(
                    "The join link for {} is made: copy it, or show its QR code.",
                    link.audience
                );
                self.form = LinkForm::default();
                let id = self.put(*link);
                self.of(id).row = Some(RowState::Done(said));
            }
            (Command::Act(_, act), Ok(Answer::Link(link))) => {
                let id = self.put(*link);
                let shown = self.of(id);
                shown.row = Some(RowState::Done(act.done().into()));
                // A new link is not on the clipboard yet.
                shown.copied = None;
            }
            (Command::LoadQueue(q), Ok(Answer::Line(line, _))) => {
                self.queue_mut(q).entries = Some(Ok(line));
            }
            (Command::Queue(id, act), Ok(Answer::Line(line, waiting))) => {
                self.queue_mut(act.queue())
                    .changed((&id, act), Some(line), None);
                if let Some(waiting) = waiting {
                    self.waiting.entries = Some(Ok(waiting));
                }
            }
            (Command::Queue(id, act), Ok(Answer::Stale(e, line))) => {
                self.queue_mut(act.queue())
                    .changed((&id, act), line, Some(*e));
            }
            (_, Ok(_)) => {}
            (Command::Load, Err(e)) => self.links = Some(Err(e)),
            (Command::LoadQueue(q), Err(e)) => self.queue_mut(q).entries = Some(Err(e)),
            (Command::Queue(id, act), Err(e)) => {
                self.queue_mut(act.queue())
                    .changed((&id, act), None, Some(e));
            }
            (Command::Add(_), Err(e)) => {
                self.form.working = false;
                self.form.error = Some(e);
            }
            (Command::Act(id, act), Err(e)) => self.of(id).row = Some(RowState::Failed(act, e)),
        }
    }
}

impl Reducible for JoinLinksState {
    type Action = JoinLinksAction;

    fn reduce(self: Rc<Self>, action: JoinLinksAction) -> Rc<Self> {
        use JoinLinksAction as A;
        let mut s = (*self).clone();
        match action {
            A::Reset(contract) => {
                s = Self {
                    contract: Some(contract),
                    ..Self::default()
                }
            }
            A::Type(field, value) => {
                let f = &mut s.form;
                *match field {
                    Field::Audience => &mut f.audience,
                    Field::MaxUses => &mut f.max_uses,
                    Field::Opens => &mut f.opens,
                    Field::Closes => &mut f.closes,
                    Field::Domains => &mut f.domains,
                } = value;
            }
            A::Activity(id, on) => {
                s.form.activities.retain(|a| *a != id);
                if on {
                    s.form.activities.push(id);
                }
            }
            A::Approval(on) => s.form.needs_approval = on,
            A::Refused(e) => s.form.error = Some(e),
            A::Ask(id) => s.of(id).row = Some(RowState::Asking),
            A::Cancel(id) => s.of(id).row = None,
            A::Qr(id) => {
                let shown = s.of(id);
                shown.qr = !shown.qr;
            }
            A::Copied(id, ok) => s.of(id).copied = Some(ok),
            A::QueueAsk(id, act) => {
                s.queue_mut(act.queue()).row = Some((id, QueueRow::Asking(act)));
            }
            A::QueueCancel(q) => s.queue_mut(q).row = None,
            A::Started(command) => match command {
                Command::Load => s.links = None,
                Command::Add(_) => {
                    s.form.working = true;
                    s.form.error = None;
                }
                Command::Act(id, act) => s.of(id).row = Some(RowState::Working(act)),
                // A line read again stays shown meanwhile.
                Command::LoadQueue(_) => {}
                Command::Queue(id, act) => {
                    let q = s.queue_mut(act.queue());
                    (q.row, q.said) = (Some((id, QueueRow::Working(act))), None);
                }
            },
            A::Finished(contract, command, result) => {
                if s.contract.as_ref() != Some(&contract) {
                    return self;
                }
                s.finished(command, *result);
            }
        }
        Rc::new(s)
    }
}

impl RowState {
    /// The outcome line under the row's actions, if there is one: (text, failed).
    pub(super) fn outcome(&self) -> Option<(String, bool)> {
        match self {
            Self::Done(text) => Some((text.clone(), false)),
            Self::Failed(act, e) => Some((format!("{}. {e}", act.failed()), true)),
            _ => None,
        }
    }
}
