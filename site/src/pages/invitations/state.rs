//! The tab's state and its reducer: rows, their actions and outcomes, the search, history
//! panels, the export.

use super::*;

pub const PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Resend,
    /// A scheduled mail sent at once (the Resend route).
    SendNow,
    Revoke,
    CorrectAddress,
    ClearBlock,
}

/// Where one row's action stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    /// Revoke was pressed; waiting for the admin to confirm.
    ConfirmRevoke,
    /// Clear block was pressed; waiting for the admin to confirm.
    ConfirmClearBlock,
    /// The Correct address form is open, with the address last tried (the old one at first),
    /// whether it is being saved, and the last refusal in words.
    Correcting {
        email: String,
        working: bool,
        refusal: Option<String>,
    },
    Working(RowAction),
    Done(String),
    Failed(String),
}

/// What the tab lists and in which order: the search, the status, the filters (issue 28: who
/// invited, by user id; the import, by id; the first and last day, `YYYY-MM-DD` in UTC; issue
/// 31: the group, by name) and whether addresses go z to a. All of it lives in the page's address (search.rs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub q: String,
    pub status: Option<InvitationStatus>,
    pub invited_by: Option<String>,
    pub import: Option<String>,
    pub invited_from: Option<String>,
    pub invited_to: Option<String>,
    pub group: Option<String>,
    pub descending: bool,
}

impl Search {
    /// The search as the API's filter (what is listed, counted, exported and acted on).
    pub fn filter(&self) -> InvitationFilter {
        InvitationFilter {
            status: self.status,
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            invited_by: self.invited_by.clone(),
            import: self.import.clone(),
            invited_from: self.invited_from.clone(),
            invited_to: self.invited_to.clone(),
            group: self.group.clone(),
        }
    }

    /// Narrowed by who invited, the import, the days or the group.
    pub fn is_narrowed(&self) -> bool {
        self.filter().is_narrowed()
    }
}

/// An invitation's history, opened under its row: the entries read so far (newest first),
/// whether older ones exist, and whether a page is on its way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryPanel {
    pub entries: Vec<HistoryEntry>,
    pub next_cursor: Option<String>,
    pub loading: bool,
    pub error: Option<String>,
    /// After "Show older entries": the first of the entries it brought, which takes focus (the
    /// button that had it may be gone).
    pub focus_entry: Option<usize>,
}

/// Where the export stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportState {
    Working,
    Done(String),
    Failed(String),
}

/// The tab's state: the search, the pages visited, the current page and each row's action.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationsState {
    pub search: Search,
    /// The cursor of every page visited so far; the last is the current page (`None` = first).
    pub cursors: Vec<Option<String>>,
    /// `None` while the page loads.
    pub page: Option<Result<InvitationList, ApiError>>,
    pub rows: ById<RowState>,
    /// Invitations selected on the current page, for the bulk actions.
    pub selected: ById<()>,
    /// The histories open on this page, by invitation id.
    pub histories: ById<HistoryPanel>,
    pub export: Option<ExportState>,
    /// Bumped by every search, so searching again for the same thing reloads.
    pub generation: u32,
}

impl Default for InvitationsState {
    fn default() -> Self {
        Self {
            search: Search::default(),
            cursors: vec![None],
            page: None,
            rows: ById::new(),
            selected: ById::new(),
            histories: ById::new(),
            export: None,
            generation: 0,
        }
    }
}

impl InvitationsState {
    pub fn query(&self) -> InvitationQuery {
        InvitationQuery {
            filter: self.search.filter(),
            descending: self.search.descending,
            cursor: self.cursors.last().cloned().flatten(),
            limit: PAGE_SIZE,
        }
    }

    /// The search as the bulk actions' filter.
    pub fn filter(&self) -> InvitationFilter {
        self.search.filter()
    }

    pub fn page_number(&self) -> usize {
        self.cursors.len()
    }

    fn next_cursor(&self) -> Option<String> {
        match &self.page {
            Some(Ok(list)) => list.next_cursor.clone(),
            _ => None,
        }
    }
}

pub enum InvitationsAction {
    Search(Search),
    /// A page arrived for the query it was asked with (late answers to older queries are dropped).
    Loaded(InvitationQuery, Result<InvitationList, ApiError>),
    NextPage,
    PreviousPage,
    /// One row (selected or not).
    Select(String, bool),
    /// Every row of the page (selected or not).
    SelectPage(bool),
    AskRevoke(String),
    CancelRevoke(String),
    AskClearBlock(String),
    /// Opens the Correct address form, prefilled with this (the old) address.
    OpenCorrect(String, String),
    /// Closes a row's question or form.
    Cancel(String),
    /// The form was saved with this address; the answer comes as `Finished`.
    CorrectSubmitted(String, String),
    Started(String, RowAction),
    /// Boxed: an invitation is large next to the other actions.
    Finished(String, RowAction, Box<Result<InvitationChange, ApiError>>),
    /// An invitation read again (its mail on its way): its row shows it, whatever it says.
    RowRead(Box<Invitation>),
    /// The contract's counts read again after a change.
    CountsRead(StatusCounts),
    /// A page of a history was asked for (the first one opens the panel).
    HistoryRequested(String),
    HistoryLoaded(String, Result<InvitationHistory, ApiError>),
    CloseHistory(String),
    ExportStarted,
    /// The file was handed to the browser (or why not).
    ExportFinished(Result<(Download, usize), ApiError>),
}

pub(super) fn outcome_text(action: RowAction, change: &InvitationChange) -> String {
    let email = &change.invitation.email;
    match (action, change.changed) {
        (RowAction::Resend, true) => format!("Sent again: a new link is on its way to {email}."),
        (RowAction::Resend, false) => format!("A new link for {email} is already queued."),
        (RowAction::SendNow, true) => format!("Sent now: the invitation is on its way to {email}."),
        (RowAction::SendNow, false) => format!("The invitation to {email} is already on its way."),
        (RowAction::Revoke, true) => format!("Revoked: the link sent to {email} no longer works."),
        (RowAction::Revoke, false) => "This invitation was already revoked.".into(),
        (RowAction::CorrectAddress, true) => {
            format!("Moved to {email}; a new invitation mail is on its way.")
        }
        (RowAction::CorrectAddress, false) => format!("The invitation is already at {email}."),
        (RowAction::ClearBlock, true) => {
            format!("The block on {email} is cleared: Resend sends the invitation again.")
        }
        (RowAction::ClearBlock, false) => format!("{email} was not blocked."),
    }
}

/// The invitation's mail waits to go out (queued, or being sent): its row is read again until
/// it has left, so Delivery and Last sent say what happened.
pub fn mail_on_its_way(invitation: &Invitation) -> bool {
    matches!(
        invitation.delivery.state,
        DeliveryState::Queued | DeliveryState::Sending
    )
}

/// The reducer's work, by concern.
impl InvitationsState {
    /// An action with nothing to do: an answer too late for the query, no page to go to, a
    /// history page for a panel closed meanwhile (it stays closed). The state stays as it is,
    /// and nothing renders again.
    fn ignores(&self, action: &InvitationsAction) -> bool {
        match action {
            InvitationsAction::Loaded(query, _) => *query != self.query(),
            InvitationsAction::NextPage => self.next_cursor().is_none(),
            InvitationsAction::PreviousPage => self.cursors.len() < 2,
            InvitationsAction::HistoryLoaded(id, _) => !self.histories.contains_key(id),
            _ => false,
        }
    }

    // The search and its pages.

    /// A new search starts from its first page, with nothing selected, open or asked.
    fn search_for(&mut self, search: Search) {
        *self = Self {
            search,
            generation: self.generation.wrapping_add(1),
            ..Self::default()
        };
    }

    /// On to the next page (`ignores` has seen that there is one).
    fn next_page(&mut self) {
        self.cursors.push(self.next_cursor());
        self.leave_page();
        self.histories.clear();
    }

    fn previous_page(&mut self) {
        self.cursors.pop();
        self.leave_page();
    }

    /// The rows' actions and the selection belong to the page being left.
    fn leave_page(&mut self) {
        self.page = None;
        self.rows.clear();
        self.selected.clear();
    }

    // The selection, for the bulk actions.

    fn select(&mut self, id: String, on: bool) {
        if on {
            self.selected.insert(id, ());
        } else {
            self.selected.remove(&id);
        }
    }

    fn select_page(&mut self, on: bool) {
        self.selected.clear();
        if let (true, Some(Ok(list))) = (on, &self.page) {
            self.selected = list
                .invitations
                .iter()
                .map(|i| (i.id.clone(), ()))
                .collect();
        }
        self.histories.clear();
    }

    // The history panels.

    fn history_requested(&mut self, id: String) {
        let panel = self.histories.or_default(id);
        panel.loading = true;
        panel.error = None;
    }

    fn history_loaded(&mut self, id: &str, result: Result<InvitationHistory, ApiError>) {
        let Some(panel) = self.histories.get_mut(id) else {
            return;
        };
        panel.loading = false;
        match result {
            Ok(page) => {
                let older = !panel.entries.is_empty();
                panel.focus_entry =
                    (older && !page.entries.is_empty()).then_some(panel.entries.len());
                panel.entries.extend(page.entries);
                panel.next_cursor = page.next_cursor;
            }
            Err(e) => panel.error = Some(e.to_string()),
        }
    }

    // The export.

    fn export_finished(&mut self, result: Result<(Download, usize), ApiError>) {
        self.export = Some(match result {
            Ok((download, rows)) => ExportState::Done(format!(
                "Downloaded {}: {} invitation{}.",
                download.file_name,
                format::count(rows as u64),
                if rows == 1 { "" } else { "s" }
            )),
            Err(e) => ExportState::Failed(e.to_string()),
        });
    }

    // Each row's action: resend, revoke, correct the address, clear a block.

    fn set_row(&mut self, id: String, state: RowState) {
        self.rows.insert(id, state);
    }

    /// The Correct address form, with the address to show and whether it is being saved.
    fn correcting(&mut self, id: String, email: String, working: bool) {
        let form = RowState::Correcting {
            email,
            working,
            refusal: None,
        };
        self.set_row(id, form);
    }

    /// The invitation's row, if it is on the page, shows it as it is now.
    fn replace_row(&mut self, invitation: Invitation) {
        if let Some(Ok(list)) = &mut self.page {
            if let Some(row) = list.invitations.iter_mut().find(|i| i.id == invitation.id) {
                *row = invitation;
            }
        }
    }

    fn finished(
        &mut self,
        id: String,
        action: RowAction,
        result: Result<InvitationChange, ApiError>,
    ) {
        match result {
            Ok(change) => {
                // What the history showed is now out of date: closed, to be opened afresh.
                self.histories.remove(&id);
                self.set_row(id, RowState::Done(outcome_text(action, &change)));
                self.replace_row(change.invitation);
            }
            // A refused correction keeps its form open, with why, to try another address.
            Err(e) => match self.rows.get(&id) {
                Some(RowState::Correcting { email, .. }) => {
                    let form = RowState::Correcting {
                        email: email.clone(),
                        working: false,
                        refusal: Some(e.to_string()),
                    };
                    self.set_row(id, form);
                }
                _ => self.set_row(id, RowState::Failed(e.to_string())),
            },
        }
    }
}

impl Reducible for InvitationsState {
    type Action = InvitationsAction;

    fn reduce(self: Rc<Self>, action: InvitationsAction) -> Rc<Self> {
        use InvitationsAction as A;
        if self.ignores(&action) {
            return self;
        }
        let mut s = (*self).clone();
        match action {
            A::Search(search) => s.search_for(search),
            A::Loaded(_, result) => s.page = Some(result),
            A::NextPage => s.next_page(),
            A::PreviousPage => s.previous_page(),
            A::Select(id, on) => s.select(id, on),
            A::SelectPage(on) => s.select_page(on),
            A::HistoryRequested(id) => s.history_requested(id),
            A::HistoryLoaded(id, result) => s.history_loaded(&id, result),
            A::CloseHistory(id) => {
                s.histories.remove(&id);
            }
            A::ExportStarted => s.export = Some(ExportState::Working),
            A::ExportFinished(result) => s.export_finished(result),
            A::AskRevoke(id) => s.set_row(id, RowState::ConfirmRevoke),
            A::AskClearBlock(id) => s.set_row(id, RowState::ConfirmClearBlock),
            A::CancelRevoke(id) | A::Cancel(id) => {
                s.rows.remove(&id);
            }
            A::OpenCorrect(id, email) => s.correcting(id, email, false),
            A::CorrectSubmitted(id, email) => s.correcting(id, email, true),
            A::Started(id, action) => s.set_row(id, RowState::Working(action)),
            A::Finished(id, action, result) => s.finished(id, action, *result),
            A::RowRead(invitation) => s.replace_row(*invitation),
            A::CountsRead(counts) => {
                if let Some(Ok(list)) = &mut s.page {
                    list.counts = counts;
                }
            }
        }
        Rc::new(s)
    }
}
