//! People in the directory.

use super::email::EmailAddress;
use super::ids::UserId;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: EmailAddress,
    pub name: String,
    pub created_at: DateTime<Utc>,
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
