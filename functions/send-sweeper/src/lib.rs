//! The send sweeper: no invitation mail is lost. A send stays on the table's sparse
//! `by_send_due` index while it is queued or being sent, with the time at which it counts as
//! stuck (`send_due_at`): queued and never claimed (its stream record was lost, or the trigger
//! gave up on it), or claimed and never recorded (the mailer died mid-send). Each pass reads
//! the index partitions up to now and, conditional on each send being as it was found, queues
//! it again (a fresh stream record brings it back to the mailer), gives up on it after
//! `MAX_SWEEPS` (recorded as failed, for the admin to send again), or takes an invitation that
//! needs no mail off the index. A pass that runs twice, or beside another, changes each send
//! at most once: the second finds it moved.

use invitations_core::adapters::dynamo::items::send_shards;
use invitations_core::ports::{Clock, StoreError, SweepOutcome, SweepStore};
use serde::Serialize;
use std::sync::Arc;

/// Sends read from one partition at a time.
const PAGE: usize = 200;
/// Sends dealt with in one pass at most; the next pass (minutes later) goes on.
pub const MAX_PER_PASS: usize = 5_000;

#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn SweepStore>,
    pub clock: Clock,
}

/// What one pass did: the function's answer and its log line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub due: usize,
    pub requeued: usize,
    pub gave_up: usize,
    pub cleared: usize,
    pub moved: usize,
}

pub async fn run(app: &App) -> Result<SweepReport, StoreError> {
    let now = (app.clock)();
    let mut report = SweepReport::default();
    'shards: for shard in send_shards() {
        loop {
            let due = app.store.due_sends(&shard, now, PAGE).await?;
            for send in &due {
                report.due += 1;
                match app.store.sweep_send(send, now).await? {
                    SweepOutcome::Requeued => report.requeued += 1,
                    SweepOutcome::GaveUp => {
                        tracing::warn!(contract = %send.contract, "a send was given up after repeated sweeps");
                        report.gave_up += 1
                    }
                    SweepOutcome::Cleared => report.cleared += 1,
                    SweepOutcome::Moved => report.moved += 1,
                }
                if report.due >= MAX_PER_PASS {
                    break 'shards;
                }
            }
            // Every send of the page moved past `now` (or was taken off), so the next read
            // starts where this one ended; a short page is the partition's last.
            if due.len() < PAGE {
                break;
            }
        }
    }
    tracing::info!(
        due = report.due,
        requeued = report.requeued,
        gave_up = report.gave_up,
        cleared = report.cleared,
        moved = report.moved,
        "send sweep done"
    );
    Ok(report)
}

/// The Lambda handler: any event (the schedule's) starts one pass.
pub async fn handle(
    app: &App,
    _event: lambda_runtime::LambdaEvent<serde_json::Value>,
) -> Result<SweepReport, lambda_runtime::Error> {
    Ok(run(app).await?)
}
