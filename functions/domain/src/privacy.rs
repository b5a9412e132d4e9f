//! Privacy (issue 32): what identifies a person in stored text, how it is erased, and the
//! one-way mark of someone who asked not to be invited again.
//!
//! Forgetting works on text, not on fields: every string the product stored (an audit entry's
//! subjects, a webhook payload, an import's bad rows, a line of an uploaded file) is searched
//! for the person's address, so a place added later is covered without a new rule. Their
//! names are erased only from a text that also held their address: "Ann" alone may be anyone.

use crate::email::EmailAddress;
use crate::ids::UserId;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// What an erased address or name becomes.
pub const FORGOTTEN: &str = "[forgotten]";

/// The do-not-invite list's key of an address: SHA-256 of its identity under a purpose of its
/// own. One-way: the list cannot be read back into addresses, yet an address given again is
/// recognised (which is the point: it is refused).
pub fn do_not_invite_hash(email: &EmailAddress) -> String {
    let mut hash = Sha256::new();
    hash.update(b"learning-contracts/do-not-invite/v1\0");
    hash.update(email.identity().as_bytes());
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The person a privacy request is about: their address and what else names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub email: EmailAddress,
    /// Names found beside the address (invitations, the directory), erased where the address is.
    pub names: Vec<String>,
}

impl Person {
    pub fn new(email: EmailAddress) -> Self {
        Self {
            email,
            names: Vec::new(),
        }
    }

    /// Learns a name found beside the address (kept once; blank names ignored).
    pub fn learn_name(&mut self, name: &str) {
        let name = name.trim();
        if name.chars().count() >= 2 && !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_owned());
            // Longest first, so "Ann Example" goes before "Ann".
            self.names
                .sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        }
    }

    /// Whether `text` holds the address (case-insensitively: an address was stored as typed).
    pub fn named_in(&self, text: &str) -> bool {
        find_ignoring_case(text, self.email.identity(), 0).is_some()
    }

    /// `text` with the address, and then the person's names, replaced by [`FORGOTTEN`];
    /// `None` when it does not hold the address (nothing to erase).
    pub fn erase_from(&self, text: &str) -> Option<String> {
        if !self.named_in(text) {
            return None;
        }
        let mut out = replace_ignoring_case(text, self.email.identity());
        for name in &self.names {
            out = out.replace(name.as_str(), FORGOTTEN);
        }
        Some(out)
    }
}

/// Byte offset of `needle` (an identity: lower-case) in `haystack` from `from`, comparing
/// case-insensitively: an address was stored as typed, its identity lower-cased.
fn find_ignoring_case(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let first = needle.chars().next()?;
    haystack[from..]
        .char_indices()
        .filter(|(_, c)| c.to_lowercase().next() == Some(first))
        .map(|(at, _)| at + from)
        .find(|&at| {
            haystack
                .get(at..at + needle.len())
                .is_some_and(|window| window.to_lowercase() == needle)
        })
}

fn replace_ignoring_case(text: &str, needle: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = find_ignoring_case(text, needle, at) {
        out.push_str(&text[at..found]);
        out.push_str(FORGOTTEN);
        at = found + needle.len();
    }
    out.push_str(&text[at..]);
    out
}

/// The kinds of place a person is found in (the site counts them; the export groups by them).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    Invitation,
    History,
    Audit,
    DirectoryEntry,
    Account,
    Block,
    Waiting,
    JoinProof,
    WebhookMessage,
    AdminMail,
    Import,
    File,
    Other,
}

/// How many of each kind a request found (and, forgetting, erased).
pub type TraceCounts = std::collections::BTreeMap<TraceKind, u64>;

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Queued,
    Running,
    Done,
    Failed,
}

/// What a privacy request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Forget {
        delete_account: bool,
        do_not_invite: bool,
    },
    Export,
}

/// A privacy request as stored. The address is held only while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyRequest {
    /// Sorts by time (`<yyyymmddThhmmss>-<random>`), so the latest list first without an index.
    pub id: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub traces: TraceCounts,
    /// An export's file in the bucket, once written.
    pub export_key: Option<String>,
    pub failure: Option<String>,
}

impl PrivacyRequest {
    pub fn new(kind: RequestKind, by: UserId, now: DateTime<Utc>) -> Self {
        let random = uuid::Uuid::new_v4().simple().to_string();
        Self {
            id: format!("{}-{}", now.format("%Y%m%dT%H%M%S"), &random[..12]),
            kind,
            status: RequestStatus::Queued,
            requested_by: by,
            requested_at: now,
            started_at: None,
            finished_at: None,
            traces: TraceCounts::new(),
            export_key: None,
            failure: None,
        }
    }

    /// Whether `id` is one this service could have made (a path parameter is checked before
    /// it becomes a key).
    pub fn valid_id(id: &str) -> bool {
        id.len() == 28 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }
}

/// How long a running request may go without finishing before another delivery of its stream
/// record may take it over (Lambda's longest run is 15 minutes).
pub const RUN_TAKEN_OVER_AFTER: chrono::Duration = chrono::Duration::minutes(16);

#[cfg(test)]
mod tests {
    use super::*;

    fn ann() -> Person {
        let mut person = Person::new(EmailAddress::parse("Ann.Example@Example.org").unwrap());
        person.learn_name("Ann");
        person.learn_name("Ann Example");
        person
    }

    #[test]
    fn the_address_is_erased_in_any_case_and_names_only_beside_it() {
        let person = ann();
        assert_eq!(
            person.erase_from(r#"{"email":"ANN.example@example.org","name":"Ann Example"}"#),
            Some(format!(r#"{{"email":"{FORGOTTEN}","name":"{FORGOTTEN}"}}"#))
        );
        assert_eq!(person.erase_from("Ann Example enrolled"), None);
        assert_eq!(
            person.erase_from("moved ann.example@example.org to ann@example.net, Ann"),
            Some(format!("moved {FORGOTTEN} to ann@example.net, {FORGOTTEN}"))
        );
    }

    #[test]
    fn names_go_longest_first_and_short_ones_are_not_learned() {
        let mut person = ann();
        person.learn_name("A");
        assert_eq!(person.names, ["Ann Example", "Ann"]);
    }

    #[test]
    fn the_do_not_invite_hash_is_the_identitys_and_one_way() {
        let a = do_not_invite_hash(&EmailAddress::parse("Ann@Example.org").unwrap());
        let b = do_not_invite_hash(&EmailAddress::parse("ann@example.org").unwrap());
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert!(!a.contains("ann"));
        assert_ne!(
            a,
            do_not_invite_hash(&EmailAddress::parse("ben@example.org").unwrap())
        );
    }
}
