//! The funnel's one-time backfill (issue 28), a bounded part per run: the counters a contract's
//! funnel misses of the invitations written before the funnel's version (see the store's
//! `backfill_funnel`). A contract is done once (its completion mark), and a run cut short (out
//! of writes, or the Lambda's time) leaves the rest to the next run: every write is
//! conditional, so doing a part again counts nothing twice.

use chrono::{DateTime, Utc};
use invitations_core::ports::{ReminderStore, StoreError};
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
    /// Whether contracts are left for later runs.
    pub more: bool,
}

/// Backfills the funnels of up to `contracts` contracts, with at most `writes` invitation
/// writes in all.
pub async fn backfill_funnels(
    store: &dyn ReminderStore,
    now: DateTime<Utc>,
    contracts: usize,
    writes: usize,
) -> Result<BackfillCounts, StoreError> {
    let mut counts = BackfillCounts::default();
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
