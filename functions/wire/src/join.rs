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

/// `GET /join?code=`: what a join link is for, to the person who opened it. A link that does
/// not admit anyone now answers a problem in words instead (`link_disabled`,
/// `link_not_yet_open`, `link_closed`, `link_used_up`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinPage {
    pub contract: crate::ContractSummary,
    /// Who the link is for, in the admins' words.
    pub audience: String,
    /// The names of the activities a joiner gets.
    pub activities: Vec<String>,
    /// Places left: the fewer of the link's own and the contract's seats; `None`: no limit.
    pub places_left: Option<u32>,
    /// Until when the link admits people (`None`: while the contract runs).
    pub closes_at: Option<Timestamp>,
    /// Lower-case domains a joiner's address must be at; empty: any address.
    pub allowed_domains: Vec<String>,
    pub needs_approval: bool,
}

/// `POST /join`: the joiner's address, to be proved by a mail with a one-time link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    pub code: String,
    pub email: String,
}

/// The answer to `POST /join`: the same whether or not the address is in the contract
/// already, so it tells nobody who is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinProofSent {
    pub email: String,
    /// How long the mail's link works.
    pub valid_hours: u32,
}

/// `POST /join/confirm`: the proof from the mail's link (`<site>/join#proof=<proof>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinConfirm {
    pub proof: String,
}

/// Where a proved joiner stands in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum JoinOutcome {
    /// A place is theirs: an invitation, pending until they enrol.
    Invited,
    /// They had a pending invitation already: the same place.
    AlreadyInvited,
    AlreadyEnrolled,
    /// The contract is full: they are on its waiting list, and are invited (and mailed) when a
    /// seat frees and their turn comes.
    Waiting,
    /// The link needs an admin's yes: they are mailed when an admin approves or refuses.
    AwaitingApproval,
}

/// The answer to `POST /join/confirm`: the invitation's own link token, so the site goes on
/// to the enrol page (`/enrol#token=<token>`) as from an invitation mail; or, when the
/// contract is full, the joiner's place on its waiting list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JoinConfirmed {
    pub outcome: JoinOutcome,
    /// The invitation's token (not while waiting).
    pub token: Option<String>,
    /// Their place in the waiting list, or among the requests an admin approves, from 1
    /// (only while waiting).
    pub waiting_position: Option<u32>,
}

/// One person on a contract's waiting list, as its admins see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WaitingEntry {
    pub id: String,
    /// Their place in line, from 1.
    pub position: u32,
    pub email: String,
    pub joined_at: Timestamp,
    /// The join link they came through (`None`: an admin invited them over the seat limit),
    /// and who it is for (`None` also for a link since removed).
    pub link_id: Option<String>,
    pub link_audience: Option<String>,
}

/// `GET /contracts/{id}/waiting-list` (also the answer to a move or a removal): first first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WaitingList {
    pub entries: Vec<WaitingEntry>,
}

/// Where `POST /contracts/{id}/waiting-list/{entryId}/move` moves someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WaitingMoveTo {
    First,
    Up,
    Down,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitingMove {
    pub to: WaitingMoveTo,
}
