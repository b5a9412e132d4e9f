//! The funnel's one-time backfill (issue 28), a bounded part per run: the counters a contract's
//! funnel misses of the invitations written before the funnel's version (see the store's
//! `backfill_funnel`). A contract is done once (its completion mark), and a run cut short (out
//! of writes, or the Lambda's time) leaves the rest to the next run: every write is
//! conditional, so doing a part again counts nothing twice.

use chrono::{DateTime, Utc};
use invitations_core::ports::{ReminderStore, ShardMove, StoreError};
use serde::Serialize;

/// Contracts looked at per run at most.
pub const CONTRACTS_PER_RUN: usize = 20;
/// Invitation writes per run at most (each about as costly as a reminder's), so a run's
/// backfill stays a small part of its 5 minutes.
pub const WRITES_PER_RUN: usize = 1_000;

/// What one run's backfill did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BackfillCounts {
    /// Contracts finished (counters backfilled and marked).
    pub contracts: usize,
    pub writes: usize,
    pub to_expire: usize,
    pub delivered: usize,
    pub bounced: usize,
    pub enrolments_timed: u64,
    /// Invitations and history items moved to their shards first (`move_to_shards`).
    pub moved_to_shards: usize,
    /// Whether contracts are left for later runs.
    pub more: bool,
}

/// What one run's move to the shards did (issue 33).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShardMoveCounts {
    /// Contracts whose old partition was emptied and marked (or had nothing to move).
    pub contracts: usize,
    /// Item writes tried (at most the ones allowed).
    pub writes: usize,
    pub moved: usize,
    /// Invitations left under their old key (superseded by one made since; logged).
    pub left: usize,
    /// Whether contracts are left for later runs.
    pub more: bool,
}

/// Moves the invitations written before the shards (issue 33) of up to `contracts`
/// contracts to their shards, with at most `writes` item writes in all. Every write is
/// conditional on the item as read, so a part done again moves nothing twice.
pub async fn move_to_shards(
    store: &dyn ReminderStore,
    now: DateTime<Utc>,
    contracts: usize,
    writes: usize,
) -> Result<ShardMoveCounts, StoreError> {
    let mut counts = ShardMoveCounts::default();
    let todo = store.contracts_to_shard(contracts + 1).await?;
    counts.more = todo.len() > contracts;
    let mut used = 0;
    for contract in todo.iter().take(contracts) {
        let done: ShardMove = store.move_to_shards(contract, writes - used, now).await?;
        used += done.writes;
        counts.writes = used;
        counts.moved += done.moved;
        counts.left += done.left;
        if !done.finished {
            counts.more = true;
            break;
        }
        counts.contracts += 1;
    }
    if counts.moved > 0 || counts.left > 0 {
        tracing::info!(?counts, "invitations moved to their shards");
    }
    Ok(counts)
}

/// Backfills the funnels of up to `contracts` contracts, with at most `writes` invitation
/// writes in all, once their invitations are in their shards (moved first, in the same run).
pub async fn backfill_funnels(
    store: &dyn ReminderStore,
    now: DateTime<Utc>,
    contracts: usize,
    writes: usize,
) -> Result<BackfillCounts, StoreError> {
    let moving = move_to_shards(store, now, contracts, writes).await?;
    let mut counts = BackfillCounts {
        moved_to_shards: moving.moved,
        ..BackfillCounts::default()
    };
    let writes = writes - moving.writes;
    if moving.more || writes == 0 {
        // The funnel reads the shards: it goes on once every contract is moved.
        counts.more = true;
        return Ok(counts);
    }
    let todo = store.funnels_to_backfill(contracts + 1).await?;
    counts.more = todo.len() > contracts;
    for contract in todo.iter().take(contracts) {
        let done = store
            .backfill_funnel(contract, writes - counts.writes, now)
            .await?;
        counts.writes += done.writes;
        counts.to_expire += done.to_expire;
        counts.delivered += done.delivered;
        counts.bounced += done.bounced;
        counts.enrolments_timed += done.enrolments_timed;
        if !done.finished {
            counts.more = true;
            break;
        }
        counts.contracts += 1;
    }
    if counts != BackfillCounts::default() {
        tracing::info!(?counts, "funnel backfill");
    }
    Ok(counts)
}
