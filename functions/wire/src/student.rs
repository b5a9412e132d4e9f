//! The student's side: `GET /invitation` and `POST /enrol`, behind the link in the email.

use crate::{ContractKind, Timestamp};
use serde::{Deserialize, Serialize};

/// Whether the link can still be used to enrol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    /// Ready to enrol.
    Pending,
    /// Already done.
    Enrolled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContractSummary {
    pub name: String,
    pub kind: ContractKind,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// What a student's link is for; also the answer to enrolling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InvitationPage {
    pub email: String,
    /// Whether the address belongs to a registered user; if not, enrolling asks for a name.
    pub registered: bool,
    pub status: EnrolmentStatus,
    pub contract: ContractSummary,
    /// The names of the activities the invitation is for.
    pub activities: Vec<String>,
    /// The name of the admin who invited.
    pub invited_by: String,
    pub expires_at: Timestamp,
}

/// `POST /enrol`. `name` registers an address that has no account yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub token: String,
    pub name: Option<String>,
}
