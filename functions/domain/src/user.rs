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
    /// The person proved they receive mail at `email` (Cognito's `email_verified`). Only then
    /// does the address lead to them: invitations to it are bound to them, an enrolment
    /// through it lands on their account, and People may grant them system administration.
    /// An account that merely claims an address is listed, marked as such, and matched by
    /// nothing.
    pub email_verified: bool,
    /// Whether the person can still sign in, as the directory sync last saw the user pool
    /// (issue 32).
    pub standing: Standing,
}

/// A directory record's standing in the sign-in service (the user pool). The record stays
/// whatever it is: invitations, a contract's admins and the audit name the person; the mark
/// says what that name can still do. Nothing here authorizes: every admin route checks the
/// caller's token, which a disabled or removed account cannot get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// In the pool and enabled.
    Active,
    /// In the pool but disabled: cannot sign in until an operator enables the account again.
    Disabled,
    /// No longer in the pool (a complete pass of the sync did not find the subject), noticed
    /// then. Someone re-created in the pool gets a new subject, so a new record; the same
    /// subject seen again is active again.
    Removed { noticed_at: DateTime<Utc> },
}

impl Standing {
    /// The account can sign in (and so be bound to a new invitation or made an admin).
    pub fn is_active(self) -> bool {
        self == Standing::Active
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::Disabled => "disabled",
            Standing::Removed { .. } => "removed",
        }
    }
}

/// The fewest letters a contract admin searches the directory by (issue 26: nobody lists the
/// whole directory without reason). The API enforces it; the site says it before a search.
pub const SEARCH_MIN_LETTERS: usize = 3;
/// The most people a contract admin's directory search answers.
pub const SEARCH_MAX_PEOPLE: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Please give your name.")]
    Empty,
    #[error("A name can be at most 200 characters.")]
    TooLong,
    #[error(
        "A name cannot hold control characters, text-direction overrides or invisible spaces."
    )]
    Hidden,
}

/// Characters that change how the text around them shows without showing themselves: a name
/// holding them can pass for another (U+202E turns "Ann" into what looks like another name).
/// Zero-width joiner and non-joiner (U+200C, U+200D) stay allowed: Persian and Indic names are
/// spelled with them.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
            | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{180E}')
}

/// A person's name as they gave it: trimmed, in Unicode NFC (so the same name is stored the
/// same way however it was typed), non-empty, bounded, and without hidden characters.
pub fn parse_name(input: &str) -> Result<String, NameError> {
    use unicode_normalization::UnicodeNormalization;
    let name: String = input.trim().nfc().collect();
    if name.is_empty() {
        Err(NameError::Empty)
    } else if name.chars().any(is_hidden) {
        Err(NameError::Hidden)
    } else if name.chars().count() > 200 {
        Err(NameError::TooLong)
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_and_hidden_characters_refused() {
        // "é" typed as e + combining acute is stored as the one character.
        assert_eq!(parse_name("  Rene\u{301}e ").unwrap(), "Ren\u{e9}e");
        assert_eq!(
            parse_name("\u{645}\u{6cc}\u{200c}\u{634}\u{648}\u{62f}")
                .unwrap()
                .chars()
                .count(),
            6
        );
        for sneaky in [
            "Ann\u{202E}nhoJ",
            "A\u{200B}nn",
            "Ann\u{0007}",
            "\u{2066}Ann\u{2069}",
            "An\u{FEFF}n",
            "Ann\nLee",
        ] {
            assert_eq!(parse_name(sneaky), Err(NameError::Hidden), "{sneaky:?}");
        }
        assert_eq!(parse_name(" \t "), Err(NameError::Empty));
        assert_eq!(parse_name(&"a".repeat(201)), Err(NameError::TooLong));
    }
}
