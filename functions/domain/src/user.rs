//! People in the directory: everyone who can sign in, keyed by the identity provider's subject
//! (Cognito's `sub`), however they arrived (added by a system administrator, signed up or
//! federated into the user pool, or enrolled through an invitation).

use super::email::EmailAddress;
use super::ids::UserId;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: EmailAddress,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// A member of the identity provider's `system-admins` group (mirrored; the group decides).
    pub system_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("please give your name")]
    Empty,
    #[error("a name can be at most 200 characters")]
    TooLong,
}

/// A person's name as they gave it when registering: trimmed, non-empty, bounded.
pub fn parse_name(input: &str) -> Result<String, NameError> {
    let name = input.trim();
    if name.is_empty() {
        Err(NameError::Empty)
    } else if name.chars().count() > 200 {
        Err(NameError::TooLong)
    } else {
        Ok(name.to_owned())
    }
}
