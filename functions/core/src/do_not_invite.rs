//! The do-not-invite list at every way in (issue 32): who is on it, and the check after a write
//! that closes the race with forgetting a person.
//!
//! Forgetting puts the address's hash on the list first, then erases the person's invitations
//! in passes until a pass finds nothing. A writer (the add route, an import round) reads the
//! list before writing and refuses who is on it; but a writer that read the list just before
//! the entry was put could write its invitation just after the erasure's passes looked. So
//! after writing, the writer reads the list again (a consistent read) for the people it has
//! just invited, and takes back any invitation of a person now listed with the very call the
//! erasure uses ([`InvitationStore::forget_invitation`]). Either that read sees the entry (the
//! writer erases), or the entry was put after the read, hence after the write, and the
//! erasure's first pass, which starts after the entry, sees the invitation. Nothing is left
//! either way. The mailer reads the list too before it sends, so the window between the write
//! and its taking back mails nobody.

use crate::domain::*;
use crate::ports::{InvitationStore, PrivacyStore, StoreError};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// The identities of `emails` on the do-not-invite list (nothing asked for none).
pub async fn listed<P: PrivacyStore + ?Sized>(
    privacy: &P,
    emails: &[&EmailAddress],
) -> Result<HashSet<String>, StoreError> {
    if emails.is_empty() {
        return Ok(HashSet::new());
    }
    privacy.do_not_invite_among(emails).await
}

/// The check after the write: of the people just invited in `contract` (`written`), those now
/// on the list have their invitation taken back. Answers their identities: their rows say
/// [`InviteOutcome::DoNotInvite`].
pub async fn take_back_listed<P, I>(
    privacy: &P,
    invitations: &I,
    contract: &ContractId,
    written: &[&EmailAddress],
    now: DateTime<Utc>,
) -> Result<HashSet<String>, StoreError>
where
    P: PrivacyStore + ?Sized,
    I: InvitationStore + ?Sized,
{
    let now_listed = listed(privacy, written).await?;
    for identity in &now_listed {
        let erased = invitations
            .forget_invitation(contract, identity, now)
            .await?;
        tracing::info!(
            contract = %contract,
            erased,
            "an invitation just written was taken back: the address went onto the do-not-invite list"
        );
    }
    Ok(now_listed)
}
