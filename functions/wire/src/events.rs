//! The product's events: what the `events` function puts on the stack's EventBridge bus (and,
//! later, what webhooks carry), one per change of state. functions/asyncapi.yaml documents them,
//! made from these types' JSON Schemas by tests/tests/asyncapi.rs, which fails when the two
//! differ.
//!
//! Thin by design: ids, the contract, the address, who acted and when; never a link or its
//! token, never a mail's text. A consumer that wants more reads the admin API.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// The EventBridge `source` of every product event.
pub const EVENT_SOURCE: &str = "learning-contracts.invitations";

/// One event, as EventBridge's `detail` (its `detail-type` is `type`) and as a webhook's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductEvent {
    /// `evt_` and 32 hex digits, made from the change itself: the same however often the table's
    /// stream delivers it, so a consumer drops a repeat by id.
    pub id: String,
    /// Dot-separated: `invitation.created`, `enrolment.created`, `import.finished`, ...
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When the change happened (not when it was published).
    pub timestamp: Timestamp,
    pub data: EventData,
}

/// Every event type. An invitation's types carry [`InvitationEvent`], `import.finished` an
/// [`ImportFinished`], the contract's a [`ContractEvent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum EventType {
    /// Invited, or invited again after a revoke (`reinvited`).
    #[serde(rename = "invitation.created")]
    InvitationCreated,
    /// The mail service accepted the invitation mail.
    #[serde(rename = "invitation.sent")]
    InvitationSent,
    /// The mailer could not send the mail (`detail`: why).
    #[serde(rename = "invitation.send_failed")]
    InvitationSendFailed,
    #[serde(rename = "invitation.delivered")]
    InvitationDelivered,
    #[serde(rename = "invitation.bounced")]
    InvitationBounced,
    #[serde(rename = "invitation.complained")]
    InvitationComplained,
    /// The mail service refused or delayed the mail (`detail` says which).
    #[serde(rename = "invitation.mail_reported")]
    InvitationMailReported,
    /// An admin sent the invitation again (a new link).
    #[serde(rename = "invitation.resent")]
    InvitationResent,
    #[serde(rename = "invitation.extended")]
    InvitationExtended,
    #[serde(rename = "invitation.revoked")]
    InvitationRevoked,
    #[serde(rename = "invitation.address_corrected")]
    InvitationAddressCorrected,
    #[serde(rename = "invitation.block_cleared")]
    InvitationBlockCleared,
    /// The link ran out unused.
    #[serde(rename = "invitation.expired")]
    InvitationExpired,
    /// An automatic reminder was queued.
    #[serde(rename = "invitation.reminded")]
    InvitationReminded,
    #[serde(rename = "enrolment.created")]
    EnrolmentCreated,
    /// A file reached the imports bucket and its import began.
    #[serde(rename = "import.started")]
    ImportStarted,
    /// An import (or a check) ended, done or failed.
    #[serde(rename = "import.finished")]
    ImportFinished,
    /// The contract's seats are all taken (pending and enrolled).
    #[serde(rename = "contract.seats_exhausted")]
    ContractSeatsExhausted,
    #[serde(rename = "contract.admin_added")]
    ContractAdminAdded,
    #[serde(rename = "contract.admin_removed")]
    ContractAdminRemoved,
    /// The contract's mail or reminder plan changed.
    #[serde(rename = "contract.settings_changed")]
    ContractSettingsChanged,
    /// Someone proved their address through a join link while the contract was full: they
    /// wait in line (their invitation, when a seat frees, is an `invitation.created`).
    #[serde(rename = "waiting_list.joined")]
    WaitingListJoined,
    /// Someone proved their address through a link that needs an admin's yes.
    #[serde(rename = "join_request.created")]
    JoinRequestCreated,
    /// An admin refused a join request (the person is mailed; an approval is an
    /// `invitation.created`, or a `waiting_list.joined` when the contract is full).
    #[serde(rename = "join_request.refused")]
    JoinRequestRefused,
}

impl EventType {
    pub const ALL: [EventType; 24] = [
        Self::InvitationCreated,
        Self::InvitationSent,
        Self::InvitationSendFailed,
        Self::InvitationDelivered,
        Self::InvitationBounced,
        Self::InvitationComplained,
        Self::InvitationMailReported,
        Self::InvitationResent,
        Self::InvitationExtended,
        Self::InvitationRevoked,
        Self::InvitationAddressCorrected,
        Self::InvitationBlockCleared,
        Self::InvitationExpired,
        Self::InvitationReminded,
        Self::EnrolmentCreated,
        Self::ImportStarted,
        Self::ImportFinished,
        Self::ContractSeatsExhausted,
        Self::ContractAdminAdded,
        Self::ContractAdminRemoved,
        Self::ContractSettingsChanged,
        Self::WaitingListJoined,
        Self::JoinRequestCreated,
        Self::JoinRequestRefused,
    ];

    /// Its name on the wire (`invitation.created`; the serde names say the same, tested).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvitationCreated => "invitation.created",
            Self::InvitationSent => "invitation.sent",
            Self::InvitationSendFailed => "invitation.send_failed",
            Self::InvitationDelivered => "invitation.delivered",
            Self::InvitationBounced => "invitation.bounced",
            Self::InvitationComplained => "invitation.complained",
            Self::InvitationMailReported => "invitation.mail_reported",
            Self::InvitationResent => "invitation.resent",
            Self::InvitationExtended => "invitation.extended",
            Self::InvitationRevoked => "invitation.revoked",
            Self::InvitationAddressCorrected => "invitation.address_corrected",
            Self::InvitationBlockCleared => "invitation.block_cleared",
            Self::InvitationExpired => "invitation.expired",
            Self::InvitationReminded => "invitation.reminded",
            Self::EnrolmentCreated => "enrolment.created",
            Self::ImportStarted => "import.started",
            Self::ImportFinished => "import.finished",
            Self::ContractSeatsExhausted => "contract.seats_exhausted",
            Self::ContractAdminAdded => "contract.admin_added",
            Self::ContractAdminRemoved => "contract.admin_removed",
            Self::ContractSettingsChanged => "contract.settings_changed",
            Self::WaitingListJoined => "waiting_list.joined",
            Self::JoinRequestCreated => "join_request.created",
            Self::JoinRequestRefused => "join_request.refused",
        }
    }

    /// The shape of its `data`.
    pub fn data_kind(self) -> DataKind {
        match self {
            Self::ImportStarted | Self::ImportFinished => DataKind::Import,
            Self::ContractSeatsExhausted
            | Self::ContractAdminAdded
            | Self::ContractAdminRemoved
            | Self::ContractSettingsChanged => DataKind::Contract,
            Self::WaitingListJoined | Self::JoinRequestCreated | Self::JoinRequestRefused => {
                DataKind::Join
            }
            _ => DataKind::Invitation,
        }
    }
}

/// Which of the data shapes a type carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    Invitation,
    Import,
    Contract,
    Join,
}

/// An event's `data`: one of four shapes, told apart by the event's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum EventData {
    Invitation(InvitationEvent),
    Import(ImportEvent),
    Contract(ContractEvent),
    Join(JoinEvent),
}

/// What happened to one invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationEvent {
    pub contract_id: String,
    pub invitation_id: String,
    /// The invited address (after a correction: the new one; `detail` names both).
    pub email: String,
    /// The admin who acted, or the student who enrolled; `None` for the product's own steps
    /// (mail sent, reports, reminders, expiry).
    pub actor_id: Option<String>,
    /// What happened, in words, where the type alone does not say (a report's reason, a
    /// reminder's number, an extension's new end, the join link someone joined through).
    pub detail: Option<String>,
    /// The activities the invitation covers (ids, as in the admin API).
    pub activities: Vec<String>,
    /// Where this change stands among the contract's changes: the table stream's sequence
    /// number of the write (decimal digits, up to 40). Compare as integers: an event whose
    /// sequence is not above the last one applied for this invitation is stale; drop it.
    pub sequence: String,
}

/// An import's start or end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportEvent {
    pub contract_id: String,
    pub import_id: String,
    /// Who announced the upload; `None` for a file dropped into the bucket.
    pub actor_id: Option<String>,
    /// `done` or `failed` for `import.finished`; `running` for `import.started`.
    pub state: crate::ImportState,
    pub mode: crate::ImportMode,
    pub rows_read: u64,
    /// Rows that became (or, for a check, would become) pending invitations.
    pub invited: u64,
    /// Why it failed, for a failed import.
    pub reason: Option<String>,
}

/// Someone in one of a contract's lines (its waiting list, or its join requests): who, through
/// which join link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinEvent {
    pub contract_id: String,
    /// The entry's id in the admin API (`/contracts/{id}/waiting-list`, `.../join-requests`).
    pub entry_id: String,
    pub email: String,
    /// The join link they came through (`None`: an admin invited them over the seat limit).
    pub link_id: Option<String>,
}

/// A change of the contract itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContractEvent {
    pub contract_id: String,
    pub actor_id: Option<String>,
    /// The admin added or removed (user id), for those types.
    pub subject_id: Option<String>,
    pub detail: Option<String>,
    /// Seats taken and the limit, for `contract.seats_exhausted`.
    pub seats_used: Option<u64>,
    pub seat_limit: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_named_as_serde_names_it() {
        for kind in EventType::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }

    #[test]
    fn each_data_shape_reads_back_as_itself() {
        let import = EventData::Import(ImportEvent {
            contract_id: "c".into(),
            import_id: "i".into(),
            actor_id: None,
            state: crate::ImportState::Done,
            mode: crate::ImportMode::Invite,
            rows_read: 3,
            invited: 2,
            reason: None,
        });
        let text = serde_json::to_string(&import).unwrap();
        assert_eq!(serde_json::from_str::<EventData>(&text).unwrap(), import);
        let contract = EventData::Contract(ContractEvent {
            contract_id: "c".into(),
            actor_id: Some("u".into()),
            subject_id: None,
            detail: None,
            seats_used: Some(10),
            seat_limit: Some(10),
        });
        let text = serde_json::to_string(&contract).unwrap();
        assert_eq!(serde_json::from_str::<EventData>(&text).unwrap(), contract);
    }
}
