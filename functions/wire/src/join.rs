//! Join links (`join-links`, issue 30): a code a contract's admins share so people join the
//! contract themselves. The link to share is `<site>/join#code=<code>`: the code rides in the
//! fragment, which no server or log sees.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a link stands now, for its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum JoinLinkState {
    Open,
    NotYetOpen,
    Closed,
    UsedUp,
    Disabled,
}

/// One join link as its contract's Join links tab shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinLink {
    pub id: String,
    pub contract_id: String,
    /// Who it is for, in the admins' words.
    pub audience: String,
    /// The code of the link's current generation (Regenerate makes a new one; the old stops).
    pub code: String,
    pub activities: Vec<String>,
    pub max_uses: Option<u32>,
    pub uses: u32,
    /// Places left on the link itself (`None`: no limit of its own; the contract's seats
    /// still apply).
    pub places_left: Option<u32>,
    pub opens_at: Option<Timestamp>,
    pub closes_at: Option<Timestamp>,
    /// Lower-case domains a joiner's address must be at; empty: any address.
    pub allowed_domains: Vec<String>,
    pub needs_approval: bool,
    pub enabled: bool,
    pub state: JoinLinkState,
    pub created_by_name: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinLinkList {
    pub links: Vec<JoinLink>,
}

/// `POST /contracts/{id}/join-links`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewJoinLink {
    pub audience: String,
    /// Activity ids; empty: every activity of the contract (a Voucher with several: choose).
    #[serde(default)]
    pub activities: Vec<String>,
    #[serde(default)]
    pub max_uses: Option<u32>,
    #[serde(default)]
    pub opens_at: Option<Timestamp>,
    #[serde(default)]
    pub closes_at: Option<Timestamp>,
    /// Domains like `corp.example`; free mail services are refused; empty: any address.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    #[serde(default)]
    pub needs_approval: bool,
}
