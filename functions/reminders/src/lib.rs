//! Automatic reminders. A pending invitation sits on the table's sparse `by_remind_at` index
//! with its next wake-up: the next reminder its contract's plan asks for, or its link's expiry
//! (the invite sets the expiry; the mailer, recording each mail, sets the next one). Each run
//! reads every partition of the index up to now and deals with each invitation found through
//! the store's `wake_invitation` (the domain's `reminder::wake`): queue the reminder for the
//! mailer (the one mail path, which keeps to the send rate), count an expired link once, or
//! set the next wake-up. Every write is conditional on the wake-up it was found with, so runs
//! that race or overlap queue each due reminder once.
//!
//! Admins' choices of mail about a contract (issue 31: each enrolment, a daily digest, seat
//! alerts) wait there too; the store tells what the domain's `notice::plan` says.
//!
//! Scheduled mails (issue 31) wait on the same index: a scheduled invitation at its send time,
//! and a contract whose invitations wait for its start at that start (so a start moved earlier
//! brings them forward); the store releases each through the domain's `schedule::release`.
//!
//! At most `per_run` reminders and scheduled mails are queued per run (the send rate times the schedule's period):
//! the rest stay due and the next run takes them.
//!
//! Each run then does a bounded part of two one-time passes (`backfill.rs`): the move of
//! invitations written before the shards (issue 33), then the funnel's backfill (issue 28).

mod backfill;

pub use backfill::{
    backfill_funnels, move_to_shards, BackfillCounts, ShardMoveCounts, CONTRACTS_PER_RUN,
    WRITES_PER_RUN,
};

use chrono::{DateTime, Utc};
use invitations_core::adapters::dynamo::items::remind_shards;
use invitations_core::domain::{Contract, ContractId};
use invitations_core::ports::{
    Clock, DueKind, DueReminder, NoticeWake, ReminderStore, StoreError, WakeOutcome,
};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Invitations read from one partition at a time.
const PAGE: usize = 200;
/// Reminders queued per run unless `REMINDERS_PER_RUN` says otherwise: the default send rate
/// (10 mails a second) times the schedule's 5 minutes.
pub const DEFAULT_PER_RUN: usize = 3_000;

#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn ReminderStore>,
    pub clock: Clock,
    /// Reminders queued per run at most.
    pub per_run: usize,
}

/// What one run did: the function's answer and its log line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunCounts {
    /// Reminders queued for the mailer.
    pub reminded: usize,
    /// Invitations given a later wake-up (nothing due yet, or a send in flight).
    pub rescheduled: usize,
    /// Links counted as expired.
    pub expired: usize,
    /// Taken off the index (revoked, enrolled, done) or changed by someone else meanwhile.
    pub skipped: usize,
    /// Scheduled mails that came due, queued for the mailer (issue 31).
    pub released: usize,
    /// Scheduled mails that will never go: their contract ended or is gone.
    pub cancelled: usize,
    /// Mails to admins about their contracts (enrolments, seats) queued.
    pub notices: usize,
}

impl RunCounts {
    /// Mails queued so far (reminders and scheduled mails): what the run's limit counts.
    fn queued(&self) -> usize {
        self.reminded + self.released
    }
}

/// One run at `now`, queuing at most `limit` reminders.
pub async fn run(
    store: &dyn ReminderStore,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<RunCounts, StoreError> {
    let mut counts = RunCounts::default();
    // Each contract (its plan, its dates) is read once per run.
    let mut contracts: HashMap<ContractId, Option<Contract>> = HashMap::new();
    'shards: for shard in remind_shards() {
        let mut after: Option<DueReminder> = None;
        loop {
            if counts.queued() >= limit {
                break 'shards;
            }
            let due = store
                .due_reminders(&shard, now, PAGE, after.as_ref())
                .await?;
            for woken in &due {
                if counts.queued() >= limit {
                    break 'shards;
                }
                if !contracts.contains_key(&woken.contract) {
                    let contract = store.woken_contract(&woken.contract).await?;
                    contracts.insert(woken.contract.clone(), contract);
                }
                let contract = contracts[&woken.contract].as_ref();
                match (woken.kind, contract) {
                    (DueKind::ContractStart, Some(contract)) => {
                        let left = limit - counts.queued();
                        let start = store
                            .wake_contract_start(woken, contract, now, left)
                            .await?;
                        counts.released += start.released;
                        counts.cancelled += start.cancelled;
                    }
                    // A contract item is read with it: it cannot be gone.
                    (DueKind::ContractStart, None) => counts.skipped += 1,
                    (DueKind::Notices, contract) => {
                        match store.wake_notices(woken, contract, now).await? {
                            NoticeWake::Queued(n) => counts.notices += n,
                            NoticeWake::Cleared | NoticeWake::Moved => counts.skipped += 1,
                        }
                    }
                    (DueKind::Invitation, contract) => {
                        match store.wake_invitation(woken, contract, now).await? {
                            WakeOutcome::Reminded(_) => counts.reminded += 1,
                            WakeOutcome::Rescheduled => counts.rescheduled += 1,
                            WakeOutcome::Expired => counts.expired += 1,
                            WakeOutcome::Released => counts.released += 1,
                            WakeOutcome::Cancelled => counts.cancelled += 1,
                            WakeOutcome::Cleared | WakeOutcome::Moved => counts.skipped += 1,
                        }
                    }
                }
            }
            // A short page is the partition's last.
            if due.len() < PAGE {
                break;
            }
            after = due.last().cloned();
        }
    }
    tracing::info!(
        reminded = counts.reminded,
        rescheduled = counts.rescheduled,
        expired = counts.expired,
        skipped = counts.skipped,
        released = counts.released,
        cancelled = counts.cancelled,
        notices = counts.notices,
        limit,
        "reminder run done"
    );
    Ok(counts)
}

/// The Lambda handler: any event (the schedule's) starts one run, then a part of the funnel's
/// backfill (its counts and failures are logged; the answer stays the run's counts).
pub async fn handle(
    app: &App,
    _event: lambda_runtime::LambdaEvent<serde_json::Value>,
) -> Result<RunCounts, lambda_runtime::Error> {
    let now = (app.clock)();
    let counts = run(app.store.as_ref(), now, app.per_run).await?;
    // The reminders are done: a failed backfill is for the next run to try again.
    if let Err(e) =
        backfill_funnels(app.store.as_ref(), now, CONTRACTS_PER_RUN, WRITES_PER_RUN).await
    {
        tracing::warn!(error = %e, "the funnel backfill failed; the next run goes on");
    }
    Ok(counts)
}
