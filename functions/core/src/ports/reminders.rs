//! The reminder run's port (and the funnel's one-time backfill, which the same run does).

use super::*;

/// An invitation the reminder run found due on the `by_remind_at` index: where it is, and the
/// wake-up time it was found with (every write of the run is conditional on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    /// Its `by_remind_at` partition.
    pub shard: String,
    pub contract: ContractId,
    pub identity: String,
    pub remind_at: DateTime<Utc>,
}

/// What the reminder run did with one due invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WakeOutcome {
    /// Reminder `n` queued for the mailer (and in the invitation's history).
    Reminded(u32),
    /// Nothing due yet (or a send in flight, or the last one failed): it wakes again later.
    Rescheduled,
    /// Its link ran out unused: counted as expired once (funnel and history).
    Expired,
    /// Needs no more wake-ups (revoked, enrolled, expiry already counted): off the index.
    Cleared,
    /// It changed since it was found (another run, the mailer, an admin): left alone.
    Moved,
}

/// What one contract's funnel backfill did (see [`ReminderStore::backfill_funnel`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FunnelBackfill {
    /// Done: its counters backfilled and the contract marked (or marked already, or gone).
    /// Not done: the writes allowed ran out; the next run goes on from what is left.
    pub finished: bool,
    /// Invitation writes made (at most the ones allowed).
    pub writes: usize,
    /// Pending invitations put on the reminder index at their link's expiry (where the
    /// reminder run counts them as expired once they run out).
    pub to_expire: usize,
    /// Invitations counted as delivered, and as bounced, from their last mail report.
    pub delivered: usize,
    pub bounced: usize,
    /// Enrolments added to the time-to-enrol buckets.
    pub enrolments_timed: u64,
}

/// The reminder run's side of the table (and the funnel's one-time backfill, which the same
/// run does a bounded part of each time).
#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// The contract's reminder plan; `None` when there is no such contract.
    async fn reminder_plan(
        &self,
        contract: &ContractId,
    ) -> Result<Option<ReminderPlan>, StoreError>;
    /// Invitations due (wake-up at or before `now`) in one partition of `by_remind_at`, oldest
    /// first, at most `limit`, after `after` (the previous page's last) when given.
    async fn due_reminders(
        &self,
        shard: &str,
        now: DateTime<Utc>,
        limit: usize,
        after: Option<&DueReminder>,
    ) -> Result<Vec<DueReminder>, StoreError>;
    /// Deals with one due invitation under `plan`, conditional on it being as it was found:
    /// queues its next reminder, counts its expiry, sets its next wake-up, or takes it off the
    /// index. Each due reminder is queued at most once however many runs race for it.
    async fn wake_invitation(
        &self,
        due: &DueReminder,
        plan: &ReminderPlan,
        now: DateTime<Utc>,
    ) -> Result<WakeOutcome, StoreError>;
    /// Contracts whose funnel is not backfilled yet (no completion mark), at most `limit`.
    async fn funnels_to_backfill(&self, limit: usize) -> Result<Vec<ContractId>, StoreError>;
    /// Backfills what one contract's funnel counters miss of the invitations written before
    /// them (issue 28), making at most `writes` invitation writes: every write is conditional
    /// on the invitation's state as read and on its own flag, so runs that repeat, overlap or
    /// race a transition count each thing once; the time-to-enrol buckets and the contract's
    /// completion mark are one conditional write at the end.
    async fn backfill_funnel(
        &self,
        contract: &ContractId,
        writes: usize,
        now: DateTime<Utc>,
    ) -> Result<FunnelBackfill, StoreError>;
}
