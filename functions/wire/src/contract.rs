//! Learning contracts: `GET /contracts`, `GET /contracts/{id}`.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Activity {
    pub id: String,
    pub name: String,
}

/// How many of a contract's invitations are in each stored status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusCounts {
    pub pending: u64,
    pub enrolled: u64,
    pub revoked: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    Subscription,
    Voucher,
}

impl ContractKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Subscription => "Subscription",
            Self::Voucher => "Voucher",
        }
    }
}

/// Where today falls in the contract's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Active,
    Future,
    Expired,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Future => "Future",
            Self::Expired => "Expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Contract {
    pub id: String,
    pub name: String,
    pub kind: ContractKind,
    pub phase: Phase,
    pub activities: Vec<Activity>,
    /// A voucher with several activities: the inviter picks some ("Step 2 of 2").
    pub needs_activity_choice: bool,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// `None`: no limit.
    pub seat_limit: Option<u64>,
    pub seats_used: u64,
    pub seats_left: Option<u64>,
    pub counts: StatusCounts,
    pub invitation_lifetime_days: u32,
}

/// `GET /contracts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContractList {
    pub contracts: Vec<Contract>,
}
