//! The one description of the JSON between browser and server (functions/openapi.yaml says the
//! same in prose, and tests/tests/openapi.rs keeps the two in step).
//!
//! The functions build these from their domain types (admin-api's `views`, enrol-api), the site
//! reads them. Rules of the wire:
//! - every state, kind and outcome is an enum (snake_case), never a string to match;
//! - the server writes every field, so nothing here has a `#[serde(default)]` that would turn a
//!   renamed field into a silent default; a value that may be absent is an `Option` (`null`);
//! - request bodies refuse unknown fields;
//! - nothing internal (storage keys, link versions) goes out;
//! - what the server decides (e.g. whether an invitation may be resent) is sent as a field, so
//!   the site does not decide it again.

mod audit;
mod contract;
mod directory;
pub mod events;
mod import;
mod invitation;
mod join;
mod privacy;
mod problem;
pub mod routes;
mod student;
mod webhook;

pub use audit::*;
pub use contract::*;
pub use directory::*;
pub use import::*;
pub use invitation::*;
pub use join::*;
pub use privacy::*;
pub use problem::*;
pub use student::*;
pub use webhook::*;

/// A point in time as RFC 3339 in UTC, e.g. `2025-01-31T09:30:00Z` (what chrono writes), so that
/// the site needs no date library to read one.
pub type Timestamp = String;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_is_an_error_not_a_default() {
        let without_counts = r#"{"invitations":[],"next_cursor":null}"#;
        assert!(serde_json::from_str::<InvitationList>(without_counts).is_err());
    }

    #[test]
    fn request_bodies_refuse_misspelt_fields() {
        let body = r#"{"emails":["a@example.com"],"activity":["a1"]}"#;
        assert!(serde_json::from_str::<AddInvitations>(body).is_err());
        let body = r#"{"emails":["a@example.com"]}"#;
        assert_eq!(
            serde_json::from_str::<AddInvitations>(body).unwrap(),
            AddInvitations {
                emails: vec!["a@example.com".into()],
                ..AddInvitations::default()
            }
        );
    }

    #[test]
    fn the_summary_is_keyed_by_outcome_code() {
        let summary = r#"{"results":[],"summary":{"invited":2,"over_seat_limit":1}}"#;
        let read: AddResult = serde_json::from_str(summary).unwrap();
        assert_eq!(read.summary[&InviteOutcome::OverSeatLimit], 1);
        assert_eq!(serde_json::to_string(&read).unwrap(), summary);
    }

    #[test]
    fn status_codes_are_the_wire_names() {
        for status in InvitationStatus::ALL {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.code()));
            assert_eq!(InvitationStatus::parse(status.code()), Some(status));
        }
    }
}
