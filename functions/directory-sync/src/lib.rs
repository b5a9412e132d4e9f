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
use invitations_core::domain::{Standing, User};
use invitations_core::ports::{
    system_clock, Account, Accounts, AccountsError, PeopleStore, StoreError, SyncOutcome,
};
use serde::Serialize;
use std::collections::HashSet;
use std::sync::Arc;

/// Directory writes in flight at once.
const CONCURRENCY: usize = 8;
/// Directory records read a page at a time when looking for people no longer in the pool.
const DIRECTORY_PAGE: usize = 200;

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
    /// Of those, accounts the pool has disabled (they cannot sign in).
    pub disabled: usize,
    /// Directory records created or brought up to date.
    pub written: usize,
    pub unchanged: usize,
    /// Directory records marked removed by this pass: their subject is no longer in the pool.
    pub removed: usize,
    /// Accounts the directory cannot hold (no usable address), by subject (else username),
    /// with the reason.
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
///
/// Issue 32: the whole pool is read first (every page), and only then are the directory's
/// records whose subject it did not hold marked removed, each confirmed absent by a look-up of
/// its own, so a listing that fails half-way marks nobody (the pass ends with the error before
/// any write) and someone added while the pass runs is not marked. Marking before writing the
/// accounts also frees a removed person's address for an account made again with it (a new
/// subject), which the same pass then points the address at. The price: one pass holds the
/// pool's accounts in memory (a few hundred bytes each).
pub async fn run(app: &App) -> Result<SyncReport, SyncError> {
    let admins = app.accounts.system_admins().await?;
    let mut report = SyncReport::default();
    let mut accounts: Vec<Account> = Vec::new();
    let mut page = None;
    loop {
        let listed = app.accounts.list_accounts(page).await?;
        for (who, why) in &listed.skipped {
            tracing::warn!(account = %who, reason = %why, "not in the directory");
        }
        report.skipped.extend(listed.skipped);
        accounts.extend(listed.accounts);
        page = listed.next;
        if page.is_none() {
            break;
        }
    }
    report.accounts = accounts.len();
    report.disabled = accounts.iter().filter(|a| !a.enabled).count();
    // Everyone the pool holds, including accounts the directory cannot hold (their record,
    // from before, is not theirs to lose).
    let seen: HashSet<String> = accounts
        .iter()
        .map(|a| a.subject.to_string())
        .chain(report.skipped.iter().map(|(who, _)| who.clone()))
        .collect();
    report.removed = mark_removed(app, &seen).await?;

    let outcomes: Vec<SyncOutcome> = futures::stream::iter(accounts)
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
    tracing::info!(
        accounts = report.accounts,
        disabled = report.disabled,
        written = report.written,
        unchanged = report.unchanged,
        removed = report.removed,
        skipped = report.skipped.len(),
        "directory sync done"
    );
    Ok(report)
}

/// Marks removed every directory record not yet marked whose subject a complete listing of
/// the pool did not hold and the pool confirms it does not have. Returns how many.
async fn mark_removed(app: &App, seen: &HashSet<String>) -> Result<usize, SyncError> {
    let mut gone: Vec<User> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = app
            .store
            .search_users_page("", DIRECTORY_PAGE, cursor.as_deref())
            .await?;
        gone.extend(page.users.into_iter().filter(|u| {
            !seen.contains(u.id.as_str()) && !matches!(u.standing, Standing::Removed { .. })
        }));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let noticed_at = system_clock()();
    let marked: Vec<bool> = futures::stream::iter(gone)
        .map(|user| async move {
            // Asked again one by one: an account made after the listing began is not gone.
            if app.accounts.in_pool(&user.id).await? {
                return Ok::<_, SyncError>(false);
            }
            tracing::info!(user = %user.id, "no longer in the user pool: marked removed");
            // The pool's group no longer holds them either.
            let removed = User {
                standing: Standing::Removed { noticed_at },
                system_admin: false,
                ..user
            };
            Ok(app.store.sync_user(&removed).await? == SyncOutcome::Written)
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(marked.into_iter().filter(|m| *m).count())
}

/// The Lambda handler: any event (the schedule's) starts one pass.
pub async fn handle(
    app: &App,
    _event: lambda_runtime::LambdaEvent<serde_json::Value>,
) -> Result<SyncReport, lambda_runtime::Error> {
    Ok(run(app).await?)
}
