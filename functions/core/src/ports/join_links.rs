//! The port of join links (issue 30).

use super::{CreateError, NewInvitations, StoreError};
use crate::domain::*;
use async_trait::async_trait;

/// A contract's join links. The admins' changes are conditional on the version they read and
/// never touch `uses`, which only a join changes (in the join's own transaction), so a join and
/// an admin's change at the same moment both count.
#[async_trait]
pub trait JoinLinkStore: Send + Sync {
    /// A new link (its id is fresh; refused if it exists).
    async fn create_join_link(&self, link: &JoinLink) -> Result<(), StoreError>;
    async fn get_join_link(&self, id: &JoinLinkId) -> Result<Option<JoinLink>, StoreError>;
    /// Writes what an admin may change (audience, limits, window, domains, approval, enabled,
    /// generation) as read at `link.version`: false when it changed meanwhile (read again).
    async fn save_join_link(&self, link: &JoinLink) -> Result<bool, StoreError>;
    /// A contract's links, newest first.
    async fn join_links(&self, contract: &ContractId) -> Result<Vec<JoinLink>, StoreError>;
    /// Invites someone through `link` (their invitee's source names it): the invitation, the
    /// contract's seat and the link's use in one transaction, so neither the seats nor the
    /// link's uses are ever passed, however many join at once. `LinkRefused` when the link
    /// changed since it was read.
    async fn invite_via_link(
        &self,
        new: NewInvitations<'_>,
        link: &JoinLink,
    ) -> Result<Vec<InviteOutcome>, CreateError>;
}

/// What asking for a proof mail came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofQueued {
    Queued,
    /// The address had its day's proof mails already; nothing was written.
    TooMany,
}

/// Joiners' proofs of address (issue 30): queued by the `join` function, mailed by the
/// mailer, read back when the joiner opens the mail's link.
#[async_trait]
pub trait JoinProofStore: Send + Sync {
    /// Counts the proof in its address's day and writes it queued for the mailer, in one
    /// transaction: at most `per_day` for an address, however many ask at once.
    async fn queue_join_proof(
        &self,
        proof: &JoinProof,
        per_day: u32,
    ) -> Result<ProofQueued, StoreError>;
    async fn get_join_proof(&self, id: &JoinProofId) -> Result<Option<JoinProof>, StoreError>;
    /// Takes a queued proof for mailing (`queued -> sending`); false when it was taken already.
    async fn claim_join_proof(&self, id: &JoinProofId) -> Result<bool, StoreError>;
    /// Gives a claim back (the mail service was busy), so the record's next delivery mails it.
    async fn release_join_proof(&self, id: &JoinProofId) -> Result<(), StoreError>;
    /// Records the mail sent (its message id) or refused for good (why).
    async fn record_join_proof(
        &self,
        id: &JoinProofId,
        result: &super::DeliveryResult,
    ) -> Result<(), StoreError>;
    /// The mail that tells someone their join request was refused: claimed, given back and
    /// recorded as a proof's mail is (the request's id names it).
    async fn claim_join_refusal(&self, id: &WaitingId) -> Result<bool, StoreError>;
    async fn release_join_refusal(&self, id: &WaitingId) -> Result<(), StoreError>;
    async fn record_join_refusal(
        &self,
        id: &WaitingId,
        result: &super::DeliveryResult,
    ) -> Result<(), StoreError>;
}
