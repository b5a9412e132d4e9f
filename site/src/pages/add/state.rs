//! What the Add Invitations tab holds, and its reducer: the way of adding, the people picked
//! from the directory, the addresses pasted or the CSV file chosen, a voucher's activities, the
//! send and the import.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Csv,
    Paste,
    Directory,
}

/// The most people one request may invite (the API's limit): more pasted addresses are refused
/// here, before anything is sent.
pub const MAX_PASTED: usize = 1000;

/// A CSV file's way from the browser to a finished import.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvProgress {
    Idle,
    Announcing,
    /// Percent of the file sent.
    Uploading(u8),
    Importing(Import),
    Finished(Import),
    Failed(String),
}

/// When the mails of an add go (issue 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Now,
    /// At the contract's start: only for a contract that has not started.
    ContractStart,
    /// At the date and time typed, in the admin's own zone.
    At,
}

/// What Add Users did for people picked from the directory.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    Nothing,
    Sending,
    Done(AddResult),
    Failed(ApiError),
}

/// The tab's state: both ways of adding keep theirs while the admin switches between them.
#[derive(Debug, Clone, PartialEq)]
pub struct AddState {
    pub method: Method,
    /// The directory search's results; `None` while a search runs.
    pub found: Option<Result<Vec<User>, ApiError>>,
    /// The people ticked, across searches.
    pub selected: Vec<User>,
    /// Submit was pressed for the people ticked; ticking or unticking someone asks for it again.
    pub submitted: bool,
    pub file: Option<File>,
    pub file_name: Option<String>,
    pub progress: CsvProgress,
    /// Check the file first: nothing is written until "Invite these".
    pub check_first: bool,
    /// People over the seat limit go on the waiting list instead of being refused.
    pub over_limit_wait: bool,
    /// The text in "Paste addresses", as typed.
    pub pasted: String,
    /// The activities chosen in Step 2 (a voucher with several).
    pub chosen: Vec<String>,
    pub sent: Sent,
    /// When the mails go, as chosen; `None`: the contract's default (at its start for a
    /// contract that has not started, else now).
    pub when: Option<When>,
    /// "At a date and time": the field's value (`datetime-local`, the admin's own time).
    pub send_at: String,
    /// The group typed or picked; empty: none.
    pub group: String,
    /// The mails' language; `None`: the contract's.
    pub language: Option<MailLanguage>,
    /// The contract's groups, offered in the Group field.
    pub groups: Vec<String>,
}

pub enum AddAction {
    ChooseMethod(Method),
    /// A directory search started; its answer comes as `Found`.
    Searching,
    Found(Result<Vec<User>, ApiError>),
    /// Ticks someone not ticked, else unticks them.
    ToggleUser(User),
    SubmitPeople,
    ChooseFile(File),
    CheckFirst(bool),
    OverLimitWait(bool),
    /// "Paste addresses" now holds this text.
    Paste(String),
    /// Ticks an activity not ticked, else unticks it.
    ToggleActivity(String),
    /// "All activities": every one of them, or none.
    ChooseActivities(Vec<String>),
    /// The CSV's upload, import or check moved on. Boxed: an import is large next to the other
    /// actions.
    Progress(Box<CsvProgress>),
    /// Add Users was pressed for people from the directory; the answer comes as `Invited`.
    Inviting,
    Invited(Result<AddResult, ApiError>),
    /// "Add more people": back to choosing, keeping the way, the activities and the mails'
    /// options.
    AddMore,
    /// When the mails go.
    When(When),
    /// The "At a date and time" field now holds this.
    SendAt(String),
    Group(String),
    Language(Option<MailLanguage>),
    /// The contract's groups arrived.
    Groups(Vec<String>),
}

impl AddState {
    /// `everyone`: a system administrator, whose directory is listed at once (so it starts
    /// searching); a contract admin's starts empty, waiting for a few letters.
    pub fn new(everyone: bool) -> Self {
        Self {
            method: Method::Csv,
            found: (!everyone).then(|| Ok(Vec::new())),
            selected: Vec::new(),
            submitted: false,
            file: None,
            file_name: None,
            progress: CsvProgress::Idle,
            check_first: false,
            over_limit_wait: false,
            pasted: String::new(),
            chosen: Vec::new(),
            sent: Sent::Nothing,
            when: None,
            send_at: String::new(),
            group: String::new(),
            language: None,
            groups: Vec::new(),
        }
    }

    /// When the mails go: as chosen, else at the start of a contract that has not started, else
    /// now.
    pub fn when(&self, contract: &Contract) -> When {
        match self.when {
            Some(When::ContractStart) if contract.phase != Phase::Future => When::Now,
            Some(when) => when,
            None if contract.phase == Phase::Future => When::ContractStart,
            None => When::Now,
        }
    }

    /// When the mails go, as the API takes it, or why the time typed cannot be, in words.
    pub fn send_at(&self, contract: &Contract) -> Result<SendAt, String> {
        match self.when(contract) {
            When::Now => Ok(SendAt::Now),
            When::ContractStart => Ok(SendAt::ContractStart),
            When::At => {
                let Some(at) = format::local_to_utc(&self.send_at) else {
                    return Err("Choose the day and time the mails go.".into());
                };
                // Both UTC, written alike to the second.
                if at.get(..19) > contract.ends_at.get(..19) {
                    return Err(format!(
                        "The contract ends on {}: choose a time before it.",
                        format::date_time(&contract.ends_at)
                    ));
                }
                Ok(SendAt::At { at })
            }
        }
    }

    /// "Scheduled for …" in the admin's zone, when the mails do not go now.
    pub fn scheduled(&self, contract: &Contract) -> Option<String> {
        match self.send_at(contract).ok()? {
            SendAt::Now => None,
            SendAt::ContractStart => Some(format!(
                "Scheduled for {}, the contract's start",
                format::date_time(&contract.starts_at)
            )),
            SendAt::At { at } => Some(format!("Scheduled for {}", format::date_time(&at))),
        }
    }

    /// A CSV file's import (or check), with the activities and the defaults for its rows: when
    /// the mails go, the group and the language.
    pub fn new_import(&self, contract: &Contract, mode: ImportMode) -> api::NewImport {
        let options = self.request(contract, api::AddInvitations::default());
        api::NewImport {
            activities: options.activities,
            mode,
            send_at: options.send_at,
            group: options.group,
            language: options.language,
            ..api::NewImport::default()
        }
    }

    /// The request for these people, with the activities, when the mails go, the group and the
    /// language.
    pub fn request(&self, contract: &Contract, people: api::AddInvitations) -> api::AddInvitations {
        api::AddInvitations {
            activities: self.activities_to_send(contract),
            over_limit_wait: self.over_limit_wait,
            send_at: self.send_at(contract).ok(),
            group: Some(self.group.trim().to_owned()).filter(|g| !g.is_empty()),
            language: self.language,
            ..people
        }
    }

    /// The invitations were sent, or the import (or check) ended: its results replace the form.
    pub fn finished(&self) -> bool {
        matches!(self.sent, Sent::Done(_)) || matches!(self.progress, CsvProgress::Finished(_))
    }

    /// Sending or importing: the form waits.
    pub fn busy(&self) -> bool {
        matches!(self.sent, Sent::Sending)
            || matches!(
                self.progress,
                CsvProgress::Announcing | CsvProgress::Uploading(_) | CsvProgress::Importing(_)
            )
    }

    /// Who will be invited, once chosen: "3 people selected", "the addresses in list.csv", "the
    /// 4 addresses pasted" (none over the limit of a request).
    pub fn people(&self) -> Option<String> {
        match self.method {
            Method::Directory if self.submitted && !self.selected.is_empty() => Some(format!(
                "{} selected",
                format::people(self.selected.len() as u64)
            )),
            Method::Csv => self
                .file_name
                .clone()
                .map(|name| format!("the addresses in {name}")),
            Method::Paste => match self.pasted_addresses().len() {
                0 => None,
                1 => Some("the address pasted".into()),
                n if n <= MAX_PASTED => {
                    Some(format!("the {} addresses pasted", format::count(n as u64)))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The addresses pasted: split, trimmed, each once.
    pub fn pasted_addresses(&self) -> Vec<String> {
        addresses_in(&self.pasted)
    }

    /// A CSV file to be checked only: the step says that nothing is sent.
    pub fn checking(&self) -> bool {
        self.method == Method::Csv && self.check_first
    }

    /// The activities to invite to: only a contract that asks for them gets any.
    pub fn activities_to_send(&self, contract: &Contract) -> Vec<String> {
        if contract.needs_activity_choice {
            self.chosen.clone()
        } else {
            Vec::new()
        }
    }

    fn toggle_user(&mut self, user: User) {
        match self.selected.iter().position(|u| u.id == user.id) {
            Some(i) => {
                self.selected.remove(i);
            }
            None => self.selected.push(user),
        }
        self.submitted = false;
    }

    fn toggle_activity(&mut self, id: String) {
        match self.chosen.iter().position(|a| *a == id) {
            Some(i) => {
                self.chosen.remove(i);
            }
            None => self.chosen.push(id),
        }
    }

    fn choose_file(&mut self, file: File) {
        self.file_name = Some(file.name());
        self.file = Some(file);
        self.progress = CsvProgress::Idle;
    }

    /// Clears who was chosen and what happened to them.
    fn add_more(&mut self) {
        self.selected.clear();
        self.submitted = false;
        self.file = None;
        self.file_name = None;
        self.pasted.clear();
        self.progress = CsvProgress::Idle;
        self.sent = Sent::Nothing;
    }
}

impl Reducible for AddState {
    type Action = AddAction;

    fn reduce(self: Rc<Self>, action: AddAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            AddAction::ChooseMethod(method) => s.method = method,
            AddAction::Searching => s.found = None,
            AddAction::Found(result) => s.found = Some(result),
            AddAction::ToggleUser(user) => s.toggle_user(user),
            AddAction::SubmitPeople => s.submitted = true,
            AddAction::ChooseFile(file) => s.choose_file(file),
            AddAction::CheckFirst(on) => s.check_first = on,
            AddAction::OverLimitWait(on) => s.over_limit_wait = on,
            AddAction::Paste(text) => s.pasted = text,
            AddAction::ToggleActivity(id) => s.toggle_activity(id),
            AddAction::ChooseActivities(ids) => s.chosen = ids,
            AddAction::Progress(progress) => s.progress = *progress,
            AddAction::Inviting => s.sent = Sent::Sending,
            AddAction::Invited(Ok(result)) => s.sent = Sent::Done(result),
            AddAction::Invited(Err(e)) => s.sent = Sent::Failed(e),
            AddAction::AddMore => s.add_more(),
            AddAction::When(when) => s.when = Some(when),
            AddAction::SendAt(value) => s.send_at = value,
            AddAction::Group(group) => s.group = group,
            AddAction::Language(language) => s.language = language,
            AddAction::Groups(groups) => s.groups = groups,
        }
        Rc::new(s)
    }
}
