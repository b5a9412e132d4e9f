//! The Audit tab's state: the filter, the entries loaded so far (pages appended), the people
//! the person filter offers, and the export.

use crate::api::{Admin, ApiError, AuditAction, AuditEntry, AuditFilter, AuditPage};
use crate::pages::invitations::search::{is_day, is_id};
use crate::pages::invitations::ExportState;
use std::rc::Rc;
use yew::prelude::*;

/// Said for an actor the directory no longer knows (never their bare id).
pub const UNKNOWN_PERSON: &str = "Someone no longer in the directory";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditState {
    pub filter: AuditFilter,
    pub entries: Vec<AuditEntry>,
    /// For the next (older) page; `None` on the last one.
    pub next_cursor: Option<String>,
    /// A page is being read.
    pub loading: bool,
    /// The first page of the filter has arrived (or failed).
    pub loaded: bool,
    /// The last read's refusal, as the API gave it.
    pub error: Option<ApiError>,
    /// After "Show older entries": the first entry it brought, which takes the focus.
    pub focus_entry: Option<usize>,
    /// Everyone the person filter offers (user id, name), by name: the actors seen so far and
    /// the contract's admins.
    pub people: Vec<(String, String)>,
    pub export: Option<ExportState>,
    /// Bumped by every new filter, so choosing the same one again reads it again.
    pub generation: u32,
}

pub enum AuditMsg {
    /// A new filter: the first page is read again.
    Filter(AuditFilter),
    /// "Show older entries" asked.
    More,
    /// A page for the filter it was asked for (`older`: appended).
    Loaded(AuditFilter, bool, Result<AuditPage, ApiError>),
    /// The contract's admins, offered in the person filter.
    Admins(Vec<Admin>),
    ExportStarted,
    /// The outcome in words, or the refusal.
    ExportFinished(Result<String, ApiError>),
}

impl AuditState {
    /// The tab opened on the filter its address names.
    pub fn opened_on(query: &str) -> Self {
        let filter = filter_from_url(query);
        let mut state = Self {
            loading: true,
            ..Self::default()
        };
        if let Some(actor) = &filter.actor {
            state.offer(actor, None);
        }
        state.filter = filter;
        state
    }

    /// Offers a person in the person filter, named as well as is known, kept by name.
    pub fn offer(&mut self, id: &str, name: Option<&str>) {
        let name = name.filter(|n| !n.trim().is_empty());
        if let Some(at) = self.people.iter().position(|(known, _)| known == id) {
            if name.is_none() || self.people[at].1 != UNKNOWN_PERSON {
                return;
            }
            self.people.remove(at);
        }
        // A handful of people: kept in order by hand (a sort would add to the wasm); those
        // without a name last.
        let at = match name {
            None => self.people.len(),
            Some(name) => {
                let key = name.to_lowercase();
                self.people
                    .iter()
                    .position(|(_, n)| n == UNKNOWN_PERSON || n.to_lowercase() > key)
                    .unwrap_or(self.people.len())
            }
        };
        let name = name.unwrap_or(UNKNOWN_PERSON).to_owned();
        self.people.insert(at, (id.to_owned(), name));
    }

    /// A person's name as the tab shows it: their name, or that they are no longer known.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.people
            .iter()
            .find(|(known, _)| known == id)
            .map(|(_, name)| name.as_str())
    }

    fn loaded(&mut self, older: bool, result: Result<AuditPage, ApiError>) {
        self.loading = false;
        self.loaded = true;
        match result {
            Ok(page) => {
                for e in &page.entries {
                    if let Some(actor) = &e.actor {
                        self.offer(actor, e.actor_name.as_deref());
                    }
                }
                self.error = None;
                self.focus_entry =
                    (older && !page.entries.is_empty()).then_some(self.entries.len());
                if !older {
                    self.entries.clear();
                }
                self.entries.extend(page.entries);
                self.next_cursor = page.next_cursor;
            }
            Err(e) => self.error = Some(e),
        }
    }
}

impl Reducible for AuditState {
    type Action = AuditMsg;

    fn reduce(self: Rc<Self>, action: AuditMsg) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            AuditMsg::Filter(filter) => {
                if let Some(actor) = &filter.actor {
                    s.offer(actor, None);
                }
                s.filter = filter;
                s.generation += 1;
                s.loading = true;
                s.loaded = false;
                s.entries.clear();
                s.next_cursor = None;
                s.error = None;
                s.focus_entry = None;
                s.export = None;
            }
            AuditMsg::More => {
                s.loading = true;
                s.focus_entry = None;
            }
            // A late answer for a filter no longer shown is dropped.
            AuditMsg::Loaded(filter, _, _) if filter != s.filter => return self,
            AuditMsg::Loaded(_, older, result) => s.loaded(older, result),
            AuditMsg::Admins(admins) => {
                for a in &admins {
                    let name = match (&a.name, &a.email) {
                        (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
                        (name, email) => name.clone().or_else(|| email.clone()),
                    };
                    s.offer(&a.id, name.as_deref());
                }
            }
            AuditMsg::ExportStarted => s.export = Some(ExportState::Working),
            AuditMsg::ExportFinished(result) => {
                s.export = Some(match result {
                    Ok(text) => ExportState::Done(text),
                    Err(e) => ExportState::Failed(e.to_string()),
                })
            }
        }
        Rc::new(s)
    }
}

/// The filter a page's address carries (`?actor=…&action=…&from=…&to=…`); anything it does
/// not know is left out.
pub fn filter_from_url(query: &str) -> AuditFilter {
    let mut filter = AuditFilter::default();
    for pair in query.trim_start_matches('?').split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let value = urlencoding::decode(value)
            .map(|v| v.into_owned())
            .unwrap_or_default();
        match key {
            "actor" => filter.actor = Some(value).filter(|v| is_id(v)),
            "action" => filter.action = AuditAction::parse(&value),
            "from" => filter.from = Some(value).filter(|v| is_day(v)),
            "to" => filter.to = Some(value).filter(|v| is_day(v)),
            _ => {}
        }
    }
    filter
}

/// The address query of a filter ("" for none), as [`filter_from_url`] reads it.
pub fn url_of(filter: &AuditFilter) -> String {
    crate::api::query_string(&filter.pairs())
}

/// How many records a CSV file holds, less its header (a quoted cell may hold a line break).
pub fn csv_records(text: &str) -> usize {
    let mut quoted = false;
    let mut lines = 0usize;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => lines += 1,
            _ => {}
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        lines += 1;
    }
    lines.saturating_sub(1)
}

/// How many entries the JSON file (an array of objects, written out line by line) holds: each
/// begins with its `at` field on its own line (a quote inside a value is escaped).
pub fn json_records(text: &str) -> usize {
    text.matches("\n    \"at\": ").count()
}
