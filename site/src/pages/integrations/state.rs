//! The page's state: the endpoints, the add form, each endpoint's change, the secrets made on
//! this visit, each open Deliveries panel; what the page asks the API; and the reducer.

use super::*;

/// Whose endpoints the page shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// One learning contract's (its Integrations tab), by contract id.
    Contract(String),
    /// Those that hear every contract (system administrators).
    Every,
}

impl Scope {
    pub fn contract(&self) -> Option<&str> {
        match self {
            Self::Contract(id) => Some(id),
            Self::Every => None,
        }
    }
}

/// A change of one endpoint, from its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Rotate,
    Disable,
    Enable,
    Test,
}

impl Act {
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Rotate => "Rotate secret",
            Self::Disable => "Disable",
            Self::Enable => "Enable",
            Self::Test => "Send a test event",
        }
    }

    pub(super) fn working(self) -> &'static str {
        match self {
            Self::Rotate => "Making a new secret…",
            Self::Disable => "Disabling…",
            Self::Enable => "Enabling…",
            Self::Test => "Sending…",
        }
    }

    pub(super) fn failed(self) -> &'static str {
        match self {
            Self::Rotate => "Could not make a new secret",
            Self::Disable => "Could not disable the endpoint",
            Self::Enable => "Could not enable the endpoint",
            Self::Test => "Could not send a test event",
        }
    }
}

/// What the page asks the API.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Load,
    Add(NewWebhookEndpoint),
    Act(String, Act),
    /// A page of an endpoint's deliveries: the first, or the one after a cursor.
    Messages(String, Option<String>),
    /// The failed deliveries since a time (UTC, RFC 3339), sent again.
    Replay(String, String),
    /// One message (endpoint, message id) sent again.
    ReplayOne(String, String),
}

/// What the API answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Endpoints(Vec<WebhookEndpoint>),
    Secret(WebhookSecretShown),
    Endpoint(WebhookEndpoint),
    Queued(u64),
    Messages(WebhookMessageList),
    Message(WebhookMessage),
}

impl Command {
    /// One call, for every command (one answer type, so `AppContext::call` is in the wasm once).
    pub async fn run(self, api: Api, scope: Scope) -> Result<Answer, ApiError> {
        let contract = scope.contract();
        Ok(match self {
            Self::Load => Answer::Endpoints(api.webhooks(contract).await?),
            Self::Add(new) => Answer::Secret(api.add_webhook(contract, &new).await?),
            Self::Act(id, Act::Rotate) => Answer::Secret(api.rotate_webhook(&id).await?),
            Self::Act(id, Act::Test) => Answer::Queued(api.test_webhook(&id).await?.queued),
            Self::Act(id, act) => {
                Answer::Endpoint(api.set_webhook_enabled(&id, act == Act::Enable).await?)
            }
            Self::Messages(id, cursor) => {
                Answer::Messages(api.webhook_messages(&id, cursor.as_deref()).await?)
            }
            Self::Replay(id, since) => {
                Answer::Queued(api.replay_webhook(&id, &since).await?.queued)
            }
            Self::ReplayOne(id, message) => {
                Answer::Message(api.replay_webhook_message(&id, &message).await?)
            }
        })
    }
}

/// Where one endpoint's change stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    /// Rotate secret was pressed: the question.
    Asking,
    Working(Act),
    /// It worked: what it did, in words.
    Done(String),
    Failed(Act, ApiError),
}

/// A secret made on this visit: shown until the page is left, never again.
#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    pub value: String,
    /// Made by Rotate secret (else the endpoint is new).
    pub rotated: bool,
    /// Whether Copy put it on the clipboard; `None` before Copy.
    pub copied: Option<bool>,
}

/// An endpoint's open Deliveries panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deliveries {
    /// `None` while the first page loads.
    pub messages: Option<Result<Vec<WebhookMessage>, ApiError>>,
    pub next_cursor: Option<String>,
    /// Show more: loading, or why it failed.
    pub more: Request<()>,
    /// The Replay field, as typed (`datetime-local`, the admin's own time).
    pub since: String,
    /// Done: how many were queued again.
    pub replay: Request<u64>,
    /// Send again of one message: done with its event id.
    pub resent: Request<String>,
}

/// The Add an endpoint form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddForm {
    pub url: String,
    pub description: String,
    /// The event types ticked; none: every event.
    pub types: Vec<&'static str>,
    pub working: bool,
    /// The last refusal; its code says which field it is about.
    pub error: Option<ApiError>,
}

impl AddForm {
    /// The refusal about `field` (`url`, `description`, `event_type`), if that is what it was.
    pub fn error_at(&self, field: &str) -> Option<&ApiError> {
        self.error
            .as_ref()
            .filter(|e| e.code.strip_prefix("invalid_") == Some(field))
    }

    /// The request, or the refusal the server would make of an empty address.
    pub fn request(&self) -> Result<NewWebhookEndpoint, ApiError> {
        if self.url.trim().is_empty() {
            return Err(ApiError {
                status: 400,
                code: "invalid_url".into(),
                title: "Bad Request".into(),
                detail: "Give the address the events are sent to.".into(),
            });
        }
        Ok(NewWebhookEndpoint {
            url: self.url.trim().to_owned(),
            description: self.description.trim().to_owned(),
            event_types: EventType::ALL
                .iter()
                .map(|t| t.as_str())
                .filter(|t| self.types.contains(t))
                .map(str::to_owned)
                .collect(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntegrationsState {
    /// Whose endpoints; answers asked for another scope are dropped.
    pub scope: Option<Scope>,
    /// `None` while the list loads.
    pub endpoints: Option<Result<Vec<WebhookEndpoint>, ApiError>>,
    pub form: AddForm,
    /// What the page shows of each endpoint beyond the API's answer, by endpoint id (one map:
    /// each kind of map is more code in the wasm).
    pub shown: ById<Shown>,
}

/// An endpoint's change, the secret made on this visit, its open Deliveries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    pub row: Option<RowState>,
    pub secret: Option<Secret>,
    pub deliveries: Option<Deliveries>,
}

pub enum IntegrationsAction {
    /// The page opened (or now shows another scope): nothing of the last one stays.
    Reset(Scope),
    Url(String),
    Description(String),
    Type(&'static str, bool),
    /// The form's own check, before asking.
    Refused(ApiError),
    /// Rotate secret: the question.
    Ask(String),
    Cancel(String),
    /// Deliveries closed.
    Close(String),
    Since(String, String),
    ReplayRefused(String, ApiError),
    Copied(String, bool),
    Started(Command),
    /// An answer (boxed: the action stays small); made by [`IntegrationsAction::finished`].
    Finished(Scope, Command, Box<Result<Answer, ApiError>>),
}

impl IntegrationsAction {
    pub fn finished(scope: Scope, command: Command, result: Result<Answer, ApiError>) -> Self {
        Self::Finished(scope, command, Box::new(result))
    }
}

impl IntegrationsState {
    fn of(&mut self, id: String) -> &mut Shown {
        self.shown.or_default(id)
    }

    fn panel(&mut self, id: &str) -> Option<&mut Deliveries> {
        self.shown.get_mut(id)?.deliveries.as_mut()
    }

    fn replace(&mut self, endpoint: WebhookEndpoint) {
        if let Some(Ok(list)) = &mut self.endpoints {
            match list.iter_mut().find(|e| e.id == endpoint.id) {
                Some(e) => *e = endpoint,
                None => list.insert(0, endpoint),
            }
        }
    }

    fn finished(&mut self, command: Command, result: Result<Answer, ApiError>) {
        match (command, result) {
            (Command::Load, Ok(Answer::Endpoints(list))) => self.endpoints = Some(Ok(list)),
            (Command::Add(_), Ok(Answer::Secret(shown))) => {
                let id = shown.endpoint.id.clone();
                if !matches!(self.endpoints, Some(Ok(_))) {
                    self.endpoints = Some(Ok(Vec::new()));
                }
                self.replace(shown.endpoint);
                self.of(id).secret = Some(secret(shown.secret, false));
                self.form = AddForm::default();
            }
            (Command::Act(id, _), Ok(Answer::Secret(shown))) => {
                self.replace(shown.endpoint);
                let of = self.of(id);
                of.secret = Some(secret(shown.secret, true));
                of.row = None;
            }
            (Command::Act(id, _), Ok(Answer::Endpoint(endpoint))) => {
                let text = match endpoint.enabled {
                    true => "Enabled: events are sent to it again.",
                    false => "Disabled: no events are sent to it until it is enabled.",
                };
                self.replace(endpoint);
                self.of(id).row = Some(RowState::Done(text.into()));
            }
            (Command::Act(id, _), Ok(_)) => {
                let text = "Queued: it arrives within a minute.";
                self.of(id).row = Some(RowState::Done(text.into()));
            }
            (Command::Messages(id, cursor), Ok(Answer::Messages(page))) => {
                let Some(d) = self.panel(&id) else {
                    return;
                };
                match (&mut d.messages, cursor) {
                    (Some(Ok(list)), Some(_)) => list.extend(page.messages),
                    _ => d.messages = Some(Ok(page.messages)),
                }
                d.next_cursor = page.next_cursor;
                d.more = Request::Idle;
            }
            (Command::Replay(id, _), Ok(Answer::Queued(n))) => {
                if let Some(d) = self.panel(&id) {
                    d.replay = Request::Done(n);
                }
            }
            (Command::ReplayOne(id, _), Ok(Answer::Message(m))) => {
                if let Some(d) = self.panel(&id) {
                    d.resent = Request::Done(m.event_id.clone());
                    if let Some(Ok(list)) = &mut d.messages {
                        list.iter_mut()
                            .filter(|o| o.id == m.id)
                            .for_each(|o| *o = m.clone());
                    }
                }
            }
            (_, Ok(_)) => {}
            (Command::Load, Err(e)) => self.endpoints = Some(Err(e)),
            (Command::Add(_), Err(e)) => {
                self.form.working = false;
                self.form.error = Some(e);
            }
            (Command::Act(id, act), Err(e)) => {
                self.of(id).row = Some(RowState::Failed(act, e));
            }
            (Command::Messages(id, cursor), Err(e)) => {
                if let Some(d) = self.panel(&id) {
                    match cursor {
                        Some(_) => d.more = Request::Failed(e),
                        None => d.messages = Some(Err(e)),
                    }
                }
            }
            (Command::Replay(id, _), Err(e)) => {
                if let Some(d) = self.panel(&id) {
                    d.replay = Request::Failed(e);
                }
            }
            (Command::ReplayOne(id, _), Err(e)) => {
                if let Some(d) = self.panel(&id) {
                    d.resent = Request::Failed(e);
                }
            }
        }
    }
}

fn secret(value: String, rotated: bool) -> Secret {
    Secret {
        value,
        rotated,
        copied: None,
    }
}

impl Reducible for IntegrationsState {
    type Action = IntegrationsAction;

    fn reduce(self: Rc<Self>, action: IntegrationsAction) -> Rc<Self> {
        use IntegrationsAction as A;
        let mut s = (*self).clone();
        match action {
            A::Reset(scope) => {
                s = Self {
                    scope: Some(scope),
                    ..Self::default()
                }
            }
            A::Url(url) => s.form.url = url,
            A::Description(text) => s.form.description = text,
            A::Type(t, on) => {
                s.form.types.retain(|k| *k != t);
                if on {
                    s.form.types.push(t);
                }
            }
            A::Refused(e) => s.form.error = Some(e),
            A::Ask(id) => {
                s.of(id).row = Some(RowState::Asking);
            }
            A::Cancel(id) => {
                s.of(id).row = None;
            }
            A::Close(id) => {
                s.of(id).deliveries = None;
            }
            A::Since(id, value) => {
                if let Some(d) = s.panel(&id) {
                    d.since = value;
                    d.replay = Request::Idle;
                }
            }
            A::ReplayRefused(id, e) => {
                if let Some(d) = s.panel(&id) {
                    d.replay = Request::Failed(e);
                }
            }
            A::Copied(id, ok) => {
                if let Some(secret) = &mut s.of(id).secret {
                    secret.copied = Some(ok);
                }
            }
            A::Started(command) => match command {
                Command::Load => s.endpoints = None,
                Command::Add(_) => {
                    s.form.working = true;
                    s.form.error = None;
                }
                Command::Act(id, act) => {
                    s.of(id).row = Some(RowState::Working(act));
                }
                Command::Messages(id, None) => {
                    let d = s.of(id).deliveries.get_or_insert_default();
                    d.messages = None;
                    d.next_cursor = None;
                }
                Command::Messages(id, Some(_)) => {
                    if let Some(d) = s.panel(&id) {
                        d.more = Request::Working;
                    }
                }
                Command::Replay(id, _) => {
                    if let Some(d) = s.panel(&id) {
                        d.replay = Request::Working;
                    }
                }
                Command::ReplayOne(id, _) => {
                    if let Some(d) = s.panel(&id) {
                        d.resent = Request::Working;
                    }
                }
            },
            A::Finished(scope, command, result) => {
                if s.scope.as_ref() != Some(&scope) {
                    return self;
                }
                s.finished(command, *result);
            }
        }
        Rc::new(s)
    }
}
