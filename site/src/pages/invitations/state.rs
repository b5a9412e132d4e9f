//! The tab's state and its reducer: rows, their actions and outcomes, the search, history
//! panels, the export.

use super::*;

pub const PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Resend,
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub q: String,
    pub status: Option<InvitationStatus>,
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
    pub rows: BTreeMap<String, RowState>,
    /// Invitations selected on the current page, for the bulk actions.
    pub selected: BTreeSet<String>,
    /// The histories open on this page, by invitation id.
    pub histories: BTreeMap<String, HistoryPanel>,
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
            rows: BTreeMap::new(),
            selected: BTreeSet::new(),
            histories: BTreeMap::new(),
            export: None,
            generation: 0,
        }
    }
}

impl InvitationsState {
    pub fn query(&self) -> InvitationQuery {
        InvitationQuery {
            q: self.search.q.clone(),
            status: self.search.status,
            cursor: self.cursors.last().cloned().flatten(),
            limit: PAGE_SIZE,
        }
    }

    /// The search as the bulk actions' filter.
    pub fn filter(&self) -> InvitationFilter {
        InvitationFilter {
            status: self.search.status,
            q: Some(self.search.q.clone()).filter(|q| !q.trim().is_empty()),
        }
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

impl Reducible for InvitationsState {
    type Action = InvitationsAction;

    fn reduce(self: Rc<Self>, action: InvitationsAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            InvitationsAction::Search(search) => {
                s = Self {
                    search,
                    generation: s.generation.wrapping_add(1),
                    ..Self::default()
                };
            }
            InvitationsAction::Loaded(query, result) => {
                if query != s.query() {
                    return self;
                }
                s.page = Some(result);
            }
            InvitationsAction::NextPage => {
                let Some(cursor) = s.next_cursor() else {
                    return self;
                };
                s.cursors.push(Some(cursor));
                s.page = None;
                s.rows.clear();
                s.selected.clear();
                s.histories.clear();
            }
            InvitationsAction::PreviousPage => {
                if s.cursors.len() < 2 {
                    return self;
                }
                s.cursors.pop();
                s.page = None;
                s.rows.clear();
                s.selected.clear();
            }
            InvitationsAction::Select(id, on) => {
                if on {
                    s.selected.insert(id);
                } else {
                    s.selected.remove(&id);
                }
            }
            InvitationsAction::SelectPage(on) => {
                s.selected.clear();
                if let (true, Some(Ok(list))) = (on, &s.page) {
                    s.selected = list.invitations.iter().map(|i| i.id.clone()).collect();
                }
                s.histories.clear();
            }
            InvitationsAction::HistoryRequested(id) => {
                let panel = s.histories.entry(id).or_default();
                panel.loading = true;
                panel.error = None;
            }
            InvitationsAction::HistoryLoaded(id, result) => {
                // A panel closed meanwhile stays closed.
                let Some(panel) = s.histories.get_mut(&id) else {
                    return self;
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
            InvitationsAction::CloseHistory(id) => {
                s.histories.remove(&id);
            }
            InvitationsAction::ExportStarted => s.export = Some(ExportState::Working),
            InvitationsAction::ExportFinished(result) => {
                s.export = Some(match result {
                    Ok((download, rows)) => ExportState::Done(format!(
                        "Downloaded {}: {} invitation{}.",
                        download.file_name,
                        format::count(rows as u64),
                        if rows == 1 { "" } else { "s" }
                    )),
                    Err(e) => ExportState::Failed(e.to_string()),
                });
            }
            InvitationsAction::AskRevoke(id) => {
                s.rows.insert(id, RowState::ConfirmRevoke);
            }
            InvitationsAction::CancelRevoke(id) | InvitationsAction::Cancel(id) => {
                s.rows.remove(&id);
            }
            InvitationsAction::AskClearBlock(id) => {
                s.rows.insert(id, RowState::ConfirmClearBlock);
            }
            InvitationsAction::OpenCorrect(id, email) => {
                s.rows.insert(
                    id,
                    RowState::Correcting {
                        email,
                        working: false,
                        refusal: None,
                    },
                );
            }
            InvitationsAction::CorrectSubmitted(id, email) => {
                s.rows.insert(
                    id,
                    RowState::Correcting {
                        email,
                        working: true,
                        refusal: None,
                    },
                );
            }
            InvitationsAction::Started(id, action) => {
                s.rows.insert(id, RowState::Working(action));
            }
            InvitationsAction::Finished(id, action, result) => match *result {
                Ok(change) => {
                    // What the history showed is now out of date: closed, to be opened afresh.
                    s.histories.remove(&id);
                    s.rows
                        .insert(id.clone(), RowState::Done(outcome_text(action, &change)));
                    if let Some(Ok(list)) = &mut s.page {
                        if let Some(row) = list.invitations.iter_mut().find(|i| i.id == id) {
                            *row = change.invitation;
                        }
                    }
                }
                // A refused correction keeps its form open, with why, to try another address.
                Err(e) => match s.rows.get(&id) {
                    Some(RowState::Correcting { email, .. }) => {
                        let email = email.clone();
                        s.rows.insert(
                            id,
                            RowState::Correcting {
                                email,
                                working: false,
                                refusal: Some(e.to_string()),
                            },
                        );
                    }
                    _ => {
                        s.rows.insert(id, RowState::Failed(e.to_string()));
                    }
                },
            },
        }
        Rc::new(s)
    }
}
