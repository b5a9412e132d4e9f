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
    /// "Add more people": back to choosing, keeping the way and the activities.
    AddMore,
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
        }
        Rc::new(s)
    }
}
