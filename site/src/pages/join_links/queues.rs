//! The two lines of people the tab looks after: the join requests (joiners through a link that
//! needs approval, waiting for an admin's yes) and the waiting list (joiners a full contract
//! invites as seats free, in order). Every change answers the line as it now is, and the tab
//! shows that; a line changed meanwhile by someone else is read again.

use super::*;

/// Which line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Requests,
    Waiting,
}

impl Queue {
    fn route(self) -> &'static Route {
        match self {
            Self::Requests => &routes::LIST_JOIN_REQUESTS,
            Self::Waiting => &routes::LIST_WAITING,
        }
    }

    /// The word in the ids of its rows and buttons.
    pub(super) fn key(self) -> &'static str {
        match self {
            Self::Requests => "request",
            Self::Waiting => "waiting",
        }
    }

    /// Its section's heading, where the focus goes when a row it was on is gone.
    pub fn heading_id(self) -> &'static str {
        match self {
            Self::Requests => "join-requests-heading",
            Self::Waiting => "waiting-list-heading",
        }
    }
}

/// A change of one person in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAct {
    Approve,
    Refuse,
    First,
    Up,
    Down,
    Remove,
}

impl QueueAct {
    pub fn queue(self) -> Queue {
        match self {
            Self::Approve | Self::Refuse => Queue::Requests,
            _ => Queue::Waiting,
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Approve => "Approve",
            Self::Refuse => "Refuse",
            Self::First => "Move to front",
            Self::Up => "Up",
            Self::Down => "Down",
            Self::Remove => "Remove",
        }
    }

    pub(super) fn working(self) -> &'static str {
        match self {
            Self::Approve => "Approving…",
            Self::Refuse => "Refusing…",
            Self::Remove => "Removing…",
            _ => "Moving…",
        }
    }

    /// Its button in the person's row: `approve-request-<entry>`, `up-waiting-<entry>`.
    pub fn button_id(self, entry: &str) -> String {
        let act = match self {
            Self::First => "first",
            other => other.label(),
        };
        let act = act.to_lowercase();
        format!("{act}-{}-{entry}", self.queue().key())
    }

    /// Refuse and Remove ask first.
    pub(super) fn asks(self) -> bool {
        matches!(self, Self::Refuse | Self::Remove)
    }

    /// The question before it, and its Yes.
    pub(super) fn question(self, email: &str) -> (String, &'static str) {
        match self {
            Self::Refuse => (
                format!("Refuse this request? {email} will be told by mail that their request was not accepted."),
                "Yes, refuse",
            ),
            _ => (
                format!("Remove {email} from the waiting list? They will not be invited when a seat frees, and are not told."),
                "Yes, remove",
            ),
        }
    }

    fn route(self) -> &'static Route {
        match self {
            Self::Approve => &routes::APPROVE_JOIN_REQUEST,
            Self::Refuse => &routes::REFUSE_JOIN_REQUEST,
            Self::Remove => &routes::REMOVE_WAITING,
            _ => &routes::MOVE_WAITING,
        }
    }

    fn to(self) -> Option<WaitingMoveTo> {
        match self {
            Self::First => Some(WaitingMoveTo::First),
            Self::Up => Some(WaitingMoveTo::Up),
            Self::Down => Some(WaitingMoveTo::Down),
            _ => None,
        }
    }

    /// What it did, in words; `place`: where the person now is in the line.
    fn done(self, email: &str, place: Option<u32>) -> String {
        match (self, place) {
            (Self::Approve, _) => format!("{email} is approved: an invitation is on its way to them by mail, or, if every seat is taken, a place on the waiting list."),
            (Self::Refuse, _) => format!("{email}'s request is refused: a mail tells them so."),
            (Self::Remove, _) => format!("{email} is off the waiting list."),
            (_, Some(n)) => format!("{email} is now number {n} in line."),
            (_, None) => format!("{email} is no longer on the waiting list."),
        }
    }

    fn failed(self) -> &'static str {
        match self {
            Self::Approve => "Could not approve the request",
            Self::Refuse => "Could not refuse the request",
            Self::Remove => "Could not remove them from the waiting list",
            _ => "Could not move them",
        }
    }
}

/// Where one person's change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueRow {
    /// Refuse or Remove was pressed: the question.
    Asking(QueueAct),
    Working(QueueAct),
}

/// One line as the tab shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueState {
    /// `None` while it loads.
    pub entries: Option<Result<Vec<WaitingEntry>, ApiError>>,
    /// The person (their entry's id) whose change is asked about or under way.
    pub row: Option<(String, QueueRow)>,
    /// What the last change did, or why it failed: (text, failed).
    pub said: Option<(String, bool)>,
}

impl QueueState {
    pub fn list(&self) -> &[WaitingEntry] {
        match &self.entries {
            Some(Ok(list)) => list,
            _ => &[],
        }
    }

    fn email(&self, entry: &str) -> String {
        self.list()
            .iter()
            .find(|e| e.id == entry)
            .map_or_else(|| "This person".to_owned(), |e| e.email.clone())
    }

    /// The answer to a change of `entry`; `line`: the line as it now is, if it was read.
    pub(super) fn changed(
        &mut self,
        (entry, act): (&str, QueueAct),
        line: Option<Vec<WaitingEntry>>,
        refused: Option<ApiError>,
    ) {
        let email = self.email(entry);
        self.row = None;
        self.said = Some(match refused {
            Some(e) => (format!("{}. {e}", act.failed()), true),
            None => {
                let place = line.iter().flatten().find(|e| e.id == entry);
                (act.done(&email, place.map(|e| e.position)), false)
            }
        });
        if let Some(line) = line {
            self.entries = Some(Ok(line));
        }
    }
}

pub(super) async fn load_queue(
    api: &Api,
    contract: &str,
    queue: Queue,
) -> Result<Vec<WaitingEntry>, ApiError> {
    api.join_queue(queue.route(), &[contract], None).await
}

/// A change, and what follows it: after an approval the waiting list is read again (the person
/// may be on it now); after a refusal because the line changed, the line is read again.
pub(super) async fn change_queue(
    api: Api,
    contract: &str,
    (entry, act): (&str, QueueAct),
) -> Result<Answer, ApiError> {
    match api
        .join_queue(act.route(), &[contract, entry], act.to())
        .await
    {
        Ok(line) => {
            let waiting = match act {
                QueueAct::Approve => load_queue(&api, contract, Queue::Waiting).await.ok(),
                _ => None,
            };
            Ok(Answer::Line(line, waiting))
        }
        Err(e) if e.status == 404 || e.status == 409 => {
            let line = load_queue(&api, contract, act.queue()).await.ok();
            Ok(Answer::Stale(Box::new(e), line))
        }
        Err(e) => Err(e),
    }
}

/// Where the focus goes once a change is answered: the first of these ids on the page (the
/// moved person's button, another of their row's, or the section's heading when the row is
/// gone); `None`: the command changes no line.
pub fn focus_after(command: &Command, result: &Result<Answer, ApiError>) -> Option<Vec<String>> {
    let Command::Queue(entry, act) = command else {
        return None;
    };
    let heading = act.queue().heading_id().to_owned();
    let moved = matches!(result, Ok(Answer::Line(..))) && act.to().is_some();
    let gone = matches!(result, Ok(Answer::Line(..))) && !moved;
    let mut ids = Vec::new();
    if !gone {
        ids.push(act.button_id(entry));
    }
    if moved {
        use QueueAct::*;
        let others = [Up, Down, First, Remove].into_iter().filter(|a| a != act);
        ids.extend(others.map(|a| a.button_id(entry)));
    }
    ids.push(heading);
    Some(ids)
}

/// Focuses the first of these ids the page shows, once it has drawn the answer.
pub fn focus_first(ids: Vec<String>) {
    gloo_timers::callback::Timeout::new(0, move || {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let found = ids.iter().find_map(|id| doc.get_element_by_id(id));
        if let Some(e) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = e.focus();
        }
    })
    .forget();
}
