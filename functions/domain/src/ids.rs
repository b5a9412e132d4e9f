//! Identifiers. Each parses once, so a handler never builds a DynamoDB key out of unchecked text.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidId {
    pub kind: &'static str,
}

/// A sentence (issue 26): "A contract id must be 1 to 64 letters, digits, '-' or '_'."
impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut kind = self.kind.chars();
        if let Some(first) = kind.next() {
            write!(f, "{}{}", first.to_uppercase(), kind.as_str())?;
        }
        f.write_str(" must be 1 to 64 letters, digits, '-' or '_'.")
    }
}

macro_rules! id_type {
    ($name:ident, $kind:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, InvalidId> {
                let ok = !input.is_empty()
                    && input.len() <= 64
                    && input
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if ok {
                    Ok(Self(input.to_owned()))
                } else {
                    Err(InvalidId { kind: $kind })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(value: String) -> Result<Self, InvalidId> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(ContractId, "a contract id");
id_type!(ActivityId, "an activity id");
id_type!(UserId, "a user id");
id_type!(InvitationId, "an invitation id");
id_type!(ImportId, "an import id");
id_type!(EndpointId, "a webhook endpoint id");
id_type!(JoinLinkId, "a join link id");
id_type!(JoinProofId, "a join proof id");
id_type!(WaitingId, "a waiting list entry id");

/// Ids that a link or a code carries: a random UUID (122 bits, not guessable), as 32 hex
/// digits, and its 16 bytes.
macro_rules! uuid_id {
    ($($name:ident),*) => {$(
        impl $name {
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4().simple().to_string())
            }

            /// The 16 bytes behind the id, when it is one this system generated.
            pub fn to_bytes(&self) -> Option<[u8; 16]> {
                uuid::Uuid::parse_str(&self.0).ok().map(|u| *u.as_bytes())
            }

            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(uuid::Uuid::from_bytes(bytes).simple().to_string())
            }
        }
    )*};
}

uuid_id!(InvitationId, JoinLinkId, JoinProofId, WaitingId);

impl ImportId {
    /// Import ids sort by creation time, so a contract's imports list newest first without an index.
    pub fn new(now: chrono::DateTime<chrono::Utc>) -> Self {
        let random = uuid::Uuid::new_v4().simple().to_string();
        Self(format!("{}-{}", now.format("%Y%m%dT%H%M%S"), &random[..8]))
    }
}

impl UserId {
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }
}

impl EndpointId {
    /// A fresh random id: `ep_` and 32 hex digits.
    pub fn random() -> Self {
        Self(format!("ep_{}", uuid::Uuid::new_v4().simple()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_key_separators_and_oversized_input() {
        assert!(ContractId::parse("c-2026_spring").is_ok());
        for bad in ["", "a#b", "a/b", "a b", &"x".repeat(65)] {
            assert!(ContractId::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            ContractId::parse("a#b").unwrap_err().to_string(),
            "A contract id must be 1 to 64 letters, digits, '-' or '_'."
        );
    }

    #[test]
    fn invitation_ids_round_trip_through_bytes() {
        let id = InvitationId::random();
        assert_eq!(InvitationId::from_bytes(id.to_bytes().unwrap()), id);
        assert!(InvitationId::parse("not-a-uuid")
            .unwrap()
            .to_bytes()
            .is_none());
    }
}
