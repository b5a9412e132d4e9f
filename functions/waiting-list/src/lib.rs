//! The waiting-list function (issue 30): on the table's stream, for every change of a contract
//! whose waiting list may not be empty (its trigger's filter: `waiting_list = true` on the
//! contract item), it invites the first in line while a seat is free. A seat frees when a
//! place is revoked or the seat limit is raised; both change the contract item.
//!
//! Each promotion is one transaction: the invitation, the contract's seat (under its limit)
//! and the entry's removal (as read), so a freed seat goes to exactly one person however many
//! runs see it, and a person removed by an admin meanwhile is not invited. The invitation is
//! queued like any other, so the mailer mails it. A list found empty clears the contract's
//! mark, unless someone joined since the count read before (then the next round sees them).
//! Records arrive at least once and in any number: a run finds nothing to do the second time.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use invitations_core::adapters::dynamo::items::{Item, Reader, WAITING_LIST};
use invitations_core::do_not_invite;
use invitations_core::domain::{ContractId, InviteOutcome, Phase};
use invitations_core::ports::{
    Clock, ContractStore, CreateError, InvitationStore, PrivacyStore, StoreError, WaitingListStore,
};
use std::sync::Arc;

/// What the function needs of the table (the do-not-invite list and taking back an invitation
/// of a person on it, issue 32).
pub trait PromoteStore: ContractStore + WaitingListStore + InvitationStore + PrivacyStore {}
impl<T: ContractStore + WaitingListStore + InvitationStore + PrivacyStore + ?Sized> PromoteStore
    for T
{
}

/// Promotions one contract gets in one run at most (a seat limit raised by thousands is
/// worked through by the rounds its own writes start).
pub const PROMOTIONS_PER_RUN: usize = 200;

pub struct App {
    pub store: Arc<dyn PromoteStore>,
    pub clock: Clock,
}

/// What one contract's run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Promoted {
    pub invited: usize,
    /// Entries whose person had a place already (invited some other way): taken off the line.
    pub had_a_place: usize,
    /// The list was found empty and the contract's mark cleared.
    pub emptied: bool,
    /// Entries whose person asked not to be invited again (issue 32): taken off the line, and
    /// an invitation written for them as the entry went onto the list taken back.
    pub do_not_invite: usize,
}

/// The contract a stream record names, when it is a contract item marked as having a line.
pub fn marked_contract(record: &EventRecord) -> Option<ContractId> {
    if !matches!(record.event_name.as_str(), "INSERT" | "MODIFY") {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    (reader.opt_s("type") == Some("contract") && reader.flag(WAITING_LIST))
        .then(|| ContractId::parse(reader.opt_s("id")?).ok())
        .flatten()
}

pub async fn handle(
    app: &App,
    event: Event,
) -> Result<DynamoDbEventResponse, lambda_runtime::Error> {
    let mut response = DynamoDbEventResponse::default();
    let mut done: Vec<ContractId> = Vec::new();
    for record in &event.records {
        let Some(contract) = marked_contract(record) else {
            continue;
        };
        // One run per contract per batch: it reads the contract afresh anyway.
        if done.contains(&contract) {
            continue;
        }
        match app.promote(&contract).await {
            Ok(promoted) => {
                tracing::info!(%contract, ?promoted, "waiting list looked at");
                done.push(contract);
            }
            Err(err) => {
                tracing::error!(%contract, error = %err, "waiting list run failed; the record comes again");
                let Some(sequence) = record.change.sequence_number.clone() else {
                    return Err("a failed stream record has no sequence number".into());
                };
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = Some(sequence);
                response.batch_item_failures.push(failure);
                // Lambda delivers again from the first failure on: the rest comes with it.
                break;
            }
        }
    }
    Ok(response)
}

impl App {
    /// Invites the first in line while the contract has a free seat.
    pub async fn promote(&self, id: &ContractId) -> Result<Promoted, StoreError> {
        let mut promoted = Promoted::default();
        for _ in 0..PROMOTIONS_PER_RUN {
            let Some(contract) = self.store.get_contract(id).await? else {
                return Ok(promoted);
            };
            let joins_seen = contract.waiting.joins;
            let line = self.store.waiting_list(id).await?;
            let Some(first) = line.first() else {
                if self.store.waiting_list_emptied(id, joins_seen).await? {
                    promoted.emptied = true;
                    return Ok(promoted);
                }
                continue; // someone joined since: look again
            };
            let now = (self.clock)();
            // An ended contract invites nobody; its line stays for the admins to see.
            if contract.seats_left() == Some(0) || contract.phase(now) == Phase::Expired {
                return Ok(promoted);
            }
            let store = &*self.store;
            if !do_not_invite::listed(store, &[&first.email])
                .await?
                .is_empty()
            {
                // Forgetting them deletes the entry too; this only gets there first.
                self.store.remove_waiting(first).await?;
                promoted.do_not_invite += 1;
                continue;
            }
            match self.store.promote(&contract, first, now).await {
                Ok(InviteOutcome::Invited { invitation_id })
                | Ok(InviteOutcome::Reinvited { invitation_id }) => {
                    // The check after the write (see `invitations_core::do_not_invite`).
                    let written = [&first.email];
                    if !do_not_invite::take_back_listed(store, store, id, &written, now)
                        .await?
                        .is_empty()
                    {
                        promoted.do_not_invite += 1;
                        continue;
                    }
                    tracing::info!(%id, invitation = %invitation_id, "invited from the waiting list");
                    promoted.invited += 1;
                }
                Ok(InviteOutcome::OverSeatLimit) => return Ok(promoted),
                Ok(
                    InviteOutcome::AlreadyInvited { .. } | InviteOutcome::AlreadyEnrolled { .. },
                ) => {
                    self.store.remove_waiting(first).await?;
                    promoted.had_a_place += 1;
                }
                Ok(other) => {
                    return Err(StoreError::Database(format!(
                        "promoting from a waiting list came to {other:?}"
                    )))
                }
                // Taken off the line meanwhile (an admin, or another run): look again.
                Err(CreateError::NoLongerWaiting) => {}
                Err(CreateError::ContractNotFound) => return Ok(promoted),
                Err(CreateError::LinkRefused) => {
                    return Err(StoreError::Database(
                        "a promotion from a waiting list used a join link".into(),
                    ))
                }
                Err(CreateError::Store(e)) => return Err(e),
            }
        }
        Ok(promoted)
    }
}
