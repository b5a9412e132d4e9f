//! The page's state: the search, the add form, each row's change, and the reducer.

use super::*;

/// A change of a person's system administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Grant,
    Withdraw,
}

impl Change {
    /// The change a row offers: the opposite of what the person is now.
    pub fn for_user(user: &User) -> Self {
        if user.is_system_admin() {
            Self::Withdraw
        } else {
            Self::Grant
        }
    }

    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Grant => "Make system administrator",
            Self::Withdraw => "Withdraw system administration",
        }
    }

    pub(super) fn working(self) -> &'static str {
        match self {
            Self::Grant => "Making system administrator…",
            Self::Withdraw => "Withdrawing…",
        }
    }

    pub(super) fn question(self, name: &str) -> String {
        match self {
            Self::Grant => format!(
                "Make {name} a system administrator? They will manage every learning contract and the people here."
            ),
            Self::Withdraw => format!(
                "Withdraw system administration from {name}? They will keep only the learning contracts they administer."
            ),
        }
    }

    pub(super) fn yes(self) -> &'static str {
        match self {
            Self::Grant => "Yes, make system administrator",
            Self::Withdraw => "Yes, withdraw",
        }
    }

    pub(super) fn failed(self, name: &str) -> String {
        match self {
            Self::Grant => format!("Could not make {name} a system administrator"),
            Self::Withdraw => format!("Could not withdraw system administration from {name}"),
        }
    }

    /// What a change that worked did, given the person as the API answered.
    pub fn outcome(self, user: &User) -> String {
        match (self, user.is_system_admin()) {
            (Self::Grant, true) => format!("{} is now a system administrator.", user.name),
            (Self::Withdraw, false) => {
                format!("{} is no longer a system administrator.", user.name)
            }
            (_, true) => format!("{} is still a system administrator.", user.name),
            (_, false) => format!("{} is not a system administrator.", user.name),
        }
    }
}

/// Where one person's system administration change stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RowState {
    /// The button was pressed; waiting for the system administrator to confirm.
    Confirm(Change),
    Working(Change),
    /// The change worked: what it did, in words.
    Done(String),
    Failed(Change, ApiError),
}

/// The "Add a person" form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddForm {
    pub name: String,
    pub email: String,
    pub working: bool,
    /// The last refusal; its code says which field it is about.
    pub error: Option<ApiError>,
}

impl AddForm {
    /// The refusal about the name field, if that is what it was.
    pub fn name_error(&self) -> Option<&ApiError> {
        self.error.as_ref().filter(|e| e.code == "invalid_name")
    }

    pub fn email_error(&self) -> Option<&ApiError> {
        self.error.as_ref().filter(|e| e.code == "invalid_email")
    }

    /// What the form says about the field a refusal is about: the server's detail when it is a
    /// sentence, else the detail after words that say which field (the address checks answer
    /// with phrases such as "has more than one @").
    pub fn field_message(&self) -> Option<String> {
        let e = self.name_error().or(self.email_error())?;
        let detail = e.detail.trim();
        if detail.ends_with('.') {
            return Some(detail.to_owned());
        }
        let what = if e.code == "invalid_name" {
            "Check the name"
        } else {
            "This is not an email address"
        };
        Some(if detail.is_empty() {
            format!("{what}.")
        } else {
            format!("{what}: {detail}.")
        })
    }

    /// Checks what needs no server: both fields filled in. The refusal reads like the server's.
    pub fn missing(name: &str, email: &str) -> Option<ApiError> {
        let (code, detail) = if name.trim().is_empty() {
            ("invalid_name", "Give the person's name.")
        } else if email.trim().is_empty() {
            ("invalid_email", "Give the person's email address.")
        } else {
            return None;
        };
        Some(ApiError {
            status: 400,
            code: code.into(),
            title: "Bad Request".into(),
            detail: detail.into(),
        })
    }

    /// A refusal about neither field (no permission, no connection, ...).
    pub fn form_error(&self) -> Option<&ApiError> {
        self.error
            .as_ref()
            .filter(|e| e.code != "invalid_name" && e.code != "invalid_email")
    }
}

/// The page's state: the search and its results, each row's change, the add form and its outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeopleState {
    /// The search whose results are shown (or awaited).
    pub query: String,
    /// `None` while the search runs.
    pub people: Option<Result<Vec<User>, ApiError>>,
    /// Where the next page of this search starts, when more people match (issue 28: "Show
    /// more" instead of the first 50 only).
    pub more: Option<String>,
    /// The next page is being fetched, or failed.
    pub more_state: Option<Result<(), ApiError>>,
    /// By user id.
    pub rows: ById<RowState>,
    pub form: AddForm,
    /// What the last "Add" did, in words.
    pub added: Option<String>,
}

pub enum PeopleAction {
    Search(String),
    /// Results for the query they were asked with (answers to older queries are dropped).
    Found(String, Result<UserList, ApiError>),
    /// "Show more": the next page is asked for.
    LoadingMore,
    /// The next page of the search `query`, added below the others.
    FoundMore(String, Result<UserList, ApiError>),
    EditName(String),
    EditEmail(String),
    Adding,
    /// Boxed: a person is large next to the other actions.
    Added(Box<Result<PersonAdded, ApiError>>),
    /// Refused before asking the server (a field left empty).
    Refused(ApiError),
    Ask(String, Change),
    Cancel(String),
    Changing(String, Change),
    Changed(User, Change, Result<User, ApiError>),
}

/// The words after an add: a new account, or one that was there already.
pub fn added_text(added: &PersonAdded) -> String {
    if added.created {
        format!(
            "Added {}. They will get an email from the sign-in service with a temporary password.",
            added.user.name
        )
    } else {
        format!("{} already has an account.", added.user.email)
    }
}

impl PeopleState {
    /// Shows `user` in the list: in their place when listed, else first.
    fn show(&mut self, user: User) {
        match &mut self.people {
            Some(Ok(list)) => match list.iter_mut().find(|u| u.id == user.id) {
                Some(listed) => *listed = user,
                None => list.insert(0, user),
            },
            _ => self.people = Some(Ok(vec![user])),
        }
    }
}

impl Reducible for PeopleState {
    type Action = PeopleAction;

    fn reduce(self: Rc<Self>, action: PeopleAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            PeopleAction::Search(q) => {
                s.query = q;
                s.people = None;
                s.more = None;
                s.more_state = None;
                s.rows.clear();
            }
            PeopleAction::Found(q, result) => {
                if q != s.query || s.people.is_some() {
                    return self;
                }
                match result {
                    Ok(page) => {
                        s.people = Some(Ok(page.users));
                        s.more = page.next_cursor;
                    }
                    Err(e) => s.people = Some(Err(e)),
                }
            }
            PeopleAction::LoadingMore => s.more_state = Some(Ok(())),
            PeopleAction::FoundMore(q, result) => {
                if q != s.query || s.more_state != Some(Ok(())) {
                    return self;
                }
                match (result, &mut s.people) {
                    (Ok(page), Some(Ok(list))) => {
                        // Someone added or changed meanwhile is shown once.
                        for user in page.users {
                            if !list.iter().any(|u| u.id == user.id) {
                                list.push(user);
                            }
                        }
                        s.more = page.next_cursor;
                        s.more_state = None;
                    }
                    (Err(e), _) => s.more_state = Some(Err(e)),
                    _ => return self,
                }
            }
            PeopleAction::EditName(name) => s.form.name = name,
            PeopleAction::EditEmail(email) => s.form.email = email,
            PeopleAction::Adding => {
                s.form.working = true;
                s.form.error = None;
                s.added = None;
            }
            PeopleAction::Added(result) => {
                s.form.working = false;
                match *result {
                    Ok(added) => {
                        s.added = Some(added_text(&added));
                        s.form = AddForm::default();
                        s.rows.remove(&added.user.id);
                        s.show(added.user);
                    }
                    Err(e) => s.form.error = Some(e),
                }
            }
            PeopleAction::Refused(e) => {
                s.form.error = Some(e);
                s.added = None;
            }
            PeopleAction::Ask(id, change) => {
                s.rows.insert(id, RowState::Confirm(change));
            }
            PeopleAction::Cancel(id) => {
                s.rows.remove(&id);
            }
            PeopleAction::Changing(id, change) => {
                s.rows.insert(id, RowState::Working(change));
            }
            PeopleAction::Changed(before, change, Ok(after)) => {
                s.rows
                    .insert(before.id, RowState::Done(change.outcome(&after)));
                s.show(after);
            }
            PeopleAction::Changed(before, change, Err(e)) => {
                s.rows.insert(before.id, RowState::Failed(change, e));
            }
        }
        Rc::new(s)
    }
}
