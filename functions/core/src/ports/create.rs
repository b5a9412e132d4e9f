//! What creating invitations takes and how it fails (every way in: the add route, imports,
//! join links).

use super::StoreError;
use crate::domain::*;
use chrono::{DateTime, Utc};

/// One person to invite: already parsed, already unique within the request.
#[derive(Debug, Clone)]
pub struct Invitee {
    pub email: EmailAddress,
    pub user_id: Option<UserId>,
    pub name: Option<String>,
    pub source: Source,
    /// When to mail, the group, the mail's language (issue 31).
    pub options: InviteOptions,
}

#[derive(Debug, Clone)]
pub struct NewInvitations<'a> {
    pub contract: &'a Contract,
    pub activities: &'a [ActivityId],
    pub invited_by: &'a UserId,
    pub now: DateTime<Utc>,
    pub invitees: &'a [Invitee],
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("the contract does not exist")]
    ContractNotFound,
    /// Through a join link: the link moved on meanwhile (turned off, regenerated, used up, or
    /// out of its window); read it again to say why.
    #[error("the join link no longer admits this")]
    LinkRefused,
    /// Promoting from the waiting list: the entry was removed or promoted meanwhile.
    #[error("the person is no longer on the waiting list")]
    NoLongerWaiting,
    #[error(transparent)]
    Store(#[from] StoreError),
}
