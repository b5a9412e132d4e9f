//! The reminder run's port (and the funnel's one-time backfill, which the same run does).

use super::*;

/// An invitation the reminder run found due on the `by_remind_at` index: where it is, and the
/// wake-up time it was found with (every write of the run is conditional on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    /// Its `by_remind_at` partition.
    pub shard: String,
    pub contract: ContractId,
    /// The invitation's email identity; empty for [`DueKind::ContractStart`].
    pub identity: String,
    pub remind_at: DateTime<Utc>,
    pub kind: DueKind,
}

/// What woke: an invitation, or a contract whose start has mails waiting for it (issue 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    Invitation,
    ContractStart,
    /// An admin's choice of mail about the contract (`identity` is their user id).
    Notices,
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
    /// Its scheduled mail is due: queued for the mailer (issue 31).
    Released,
    /// Its scheduled mail will never go (the contract ended or is gone): marked as not sent.
    Cancelled,
}

/// What waking a contract at its start did: its invitations waiting for the start, released.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StartWake {
    pub released: usize,
    pub cancelled: usize,
    /// Every one found was dealt with (the contract looks once more later, for stragglers of
    /// the index, then leaves it); `false`: the run's limit came first.
    pub finished: bool,
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

/// What one contract's move to the shards did (see [`ReminderStore::move_to_shards`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShardMove {
    /// Done for this run: the old partition read to its end (the contract marked unless an
    /// item changed meanwhile). Not done: the writes allowed ran out.
    pub finished: bool,
    /// Items tried (at most the writes allowed).
    pub writes: usize,
    /// Invitations and history items moved to their shards.
    pub moved: usize,
    /// Invitations left under the old key: one made since at the new key supersedes each.
    pub left: usize,
    /// Items that changed while they were read: the contract is moved on by the next run.
    pub changed: usize,
}

/// The reminder run's side of the table (and the funnel's one-time backfill, which the same
/// run does a bounded part of each time).
#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// The contract as it is now (its reminder plan, its dates); `None` when there is none.
    async fn woken_contract(&self, contract: &ContractId) -> Result<Option<Contract>, StoreError>;
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
    /// A scheduled invitation (`Delivery::Scheduled`) is released, put off or cancelled by the
    /// domain's `schedule::release` against `contract` as it is now.
    async fn wake_invitation(
        &self,
        due: &DueReminder,
        contract: Option<&Contract>,
        now: DateTime<Utc>,
    ) -> Result<WakeOutcome, StoreError>;
    /// A contract woken at its start: its invitations scheduled for the start are released
    /// (at most `limit`), wherever their own wake-ups are (the start may have moved earlier).
    async fn wake_contract_start(
        &self,
        due: &DueReminder,
        contract: &Contract,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<StartWake, StoreError>;
    /// An admin's choice of mail about the contract woken: its enrolments told, its seat
    /// alerts checked, the notices queued for the mailer (issue 31).
    async fn wake_notices(
        &self,
        due: &DueReminder,
        contract: Option<&Contract>,
        now: DateTime<Utc>,
    ) -> Result<NoticeWake, StoreError>;
    /// Contracts whose invitations may still be under their old key, from before the shards
    /// (no mark), at most `limit` (issue 33).
    async fn contracts_to_shard(&self, limit: usize) -> Result<Vec<ContractId>, StoreError>;
    /// Moves at most `writes` of a contract's invitations and history items from before the
    /// shards to their shards, each in one conditional transaction (so runs that repeat or
    /// overlap move each once); marks the contract when none is left.
    async fn move_to_shards(
        &self,
        contract: &ContractId,
        writes: usize,
        now: DateTime<Utc>,
    ) -> Result<ShardMove, StoreError>;
    /// Contracts whose funnel is not backfilled yet (no completion mark), at most `limit`;
    /// only those whose invitations are in their shards.
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
