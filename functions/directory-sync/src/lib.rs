//! The directory sync: everyone in the user pool gets a directory record keyed by their `sub`,
//! with their address, name and system administration as the pool has them, so "Select
//! individual users" and a contract's admins can be chosen from everyone who can sign in,
//! however they arrived (added by an administrator, federated, or enrolled through a link).
//!
//! It runs on a schedule (infra/template.yaml) and reads the whole pool each time: a trigger
//! per sign-up would miss people created by administrators and federated in before it was
//! wired, while a full pass is complete by construction and, being a comparison, writes only
//! what changed. The product's own changes (enrolment, adding a person, granting system
//! administration) also write the record at once; this pass catches everything else.

use futures::{StreamExt, TryStreamExt};
use invitations_core::ports::{Accounts, AccountsError, PeopleStore, StoreError, SyncOutcome};
use serde::Serialize;
use std::sync::Arc;

/// Directory writes in flight at once.
const CONCURRENCY: usize = 8;

#[derive(Clone)]
pub struct App {
    pub accounts: Arc<dyn Accounts>,
    pub store: Arc<dyn PeopleStore>,
}

/// What one pass did: the function's answer and its log line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Accounts read from the pool.
    pub accounts: usize,
    /// Directory records created or brought up to date.
    pub written: usize,
    pub unchanged: usize,
    /// Accounts the directory cannot hold (no usable address), by username, with the reason.
    pub skipped: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Accounts(#[from] AccountsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One full pass over the pool. Idempotent: a second pass over an unchanged pool writes nothing.
pub async fn run(app: &App) -> Result<SyncReport, SyncError> {
    let admins = app.accounts.system_admins().await?;
    let mut report = SyncReport::default();
    let mut page = None;
    loop {
        let listed = app.accounts.list_accounts(page).await?;
        report.accounts += listed.accounts.len();
        for (who, why) in &listed.skipped {
            tracing::warn!(account = %who, reason = %why, "not in the directory");
        }
        report.skipped.extend(listed.skipped);
        let outcomes: Vec<SyncOutcome> = futures::stream::iter(listed.accounts)
            .map(|account| {
                let user = account.to_user(admins.contains(&account.subject));
                let store = app.store.clone();
                async move { store.sync_user(&user).await }
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        for outcome in outcomes {
            match outcome {
                SyncOutcome::Written => report.written += 1,
                SyncOutcome::Unchanged => report.unchanged += 1,
            }
        }
        page = listed.next;
        if page.is_none() {
            break;
        }
    }
    tracing::info!(
        accounts = report.accounts,
        written = report.written,
        unchanged = report.unchanged,
        skipped = report.skipped.len(),
        "directory sync done"
    );
    Ok(report)
}

/// The Lambda handler: any event (the schedule's) starts one pass.
pub async fn handle(
    app: &App,
    _event: lambda_runtime::LambdaEvent<serde_json::Value>,
) -> Result<SyncReport, lambda_runtime::Error> {
    Ok(run(app).await?)
}
