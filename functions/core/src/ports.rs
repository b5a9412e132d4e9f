//! Ports: what the handlers need from the outside world. The AWS adapters in `adapters/`
//! implement them; handlers hold them as trait objects built once per cold start.

use crate::domain::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

mod blobs;
mod create;
mod join_links;
mod notices;
mod privacy;
mod query;
mod reminders;
mod waiting;
mod webhooks;
pub use blobs::{BlobError, BlobInfo, Blobs};
pub use create::{CreateError, Invitee, NewInvitations};
pub use join_links::{JoinLinkStore, JoinProofStore, ProofQueued};
pub use notices::{NoticeStore, NoticeWake, QueuedNotice};
pub use privacy::{ErasePass, HeldItem, PrivacyStore};
pub use query::{
    AuditQuery, AuditRecordPage, GroupCounts, InvitationPage, InvitationQuery, Narrowing,
};
pub use reminders::{
    DueKind, DueReminder, FunnelBackfill, ReminderStore, ShardMove, StartWake, WakeOutcome,
};
pub use waiting::WaitingListStore;
pub use webhooks::{MessageKey, WebhookStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database call failed: {0}")]
    Database(String),
    #[error("the paging cursor is not one this service handed out")]
    BadCursor,
    #[error("too many concurrent changes to the same contract; try again")]
    Contended,
    #[error(transparent)]
    Corrupt(#[from] CorruptItem),
}

/// Why a stored record could not be read back: the store holds something this code did not
/// write.
#[derive(Debug, thiserror::Error)]
#[error("stored item is not valid: {0}")]
pub struct CorruptItem(pub String);

/// One page of the directory, by address.
#[derive(Debug, Clone)]
pub struct UserPage {
    pub users: Vec<User>,
    /// Where the next page starts; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// One page of an invitation's history, newest first.
#[derive(Debug, Clone)]
pub struct HistoryPage {
    pub entries: Vec<AuditRecord>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError<R> {
    #[error("no such invitation in this contract")]
    NotFound,
    #[error(transparent)]
    Refused(R),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    #[error("this link is not one we sent")]
    NotFound,
    #[error(transparent)]
    Refused(EnrolRefused),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who enrols: the person the directory already knows under the address, or one it does not
/// know yet, whose sign-in account the enrol function has just found or made (`subject`: the
/// identity provider's `sub`, the key of the directory record the enrolment writes).
#[derive(Debug, Clone)]
pub enum Enrolee {
    Registered(UserId),
    New { subject: UserId, name: String },
}

/// Whether a directory write changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    Written,
    Unchanged,
}

/// "Send me a test": a draft of a contract's mail, to the admin who asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestMail {
    pub id: String,
    pub contract: ContractId,
    /// The admin's own address (from their sign-in), and their name.
    pub to: EmailAddress,
    pub name: Option<String>,
    pub requested_by: UserId,
    pub mail: ContractMail,
    pub queued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryResult {
    /// The mail service accepted the mail under this message id (SES's, which its delivery
    /// events name).
    Sent {
        message_id: String,
        /// When the reminder run should next look at the invitation (its next reminder, or
        /// its link's expiry), from the contract's plan; `None` leaves it as it is.
        remind_at: Option<DateTime<Utc>>,
    },
    Failed {
        reason: String,
    },
}

/// A send the sweeper found past its due time (queued and never claimed, or claimed and never
/// recorded): where it is, and the due time it was found with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSend {
    pub contract: ContractId,
    pub identity: String,
    pub due_at: DateTime<Utc>,
}

/// What a mail report changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    /// It is now the invitation's report (its current send, and newer than what was there).
    Current,
    /// Kept in the history only: it is about an older send of the invitation (resent since),
    /// or older than the report the send has.
    HistoryOnly,
    /// No such invitation.
    Unknown,
}

/// What the sweeper did with a due send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepOutcome {
    /// Queued again: a fresh stream record brings it to the mailer.
    Requeued,
    /// Swept too often without being sent: recorded as failed, for the admin to see.
    GaveUp,
    /// It no longer needed a send (revoked, enrolled, delivered): taken off the index.
    Cleared,
    /// It changed since it was found (the mailer got to it, a resend): left alone.
    Moved,
}

/// What asking for a test of a contract's mail did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestMailQueued {
    Queued,
    /// The person's tests for this clock hour are used up; nothing was queued.
    LimitReached,
}

/// Contracts: their records, settings (mail, reminders), admins, funnel, and test mails.
#[async_trait]
pub trait ContractStore: Send + Sync {
    async fn put_contract(&self, contract: &Contract) -> Result<(), StoreError>;
    async fn get_contract(&self, id: &ContractId) -> Result<Option<Contract>, StoreError>;
    /// Every contract, by name. Contract counts are small next to invitations.
    async fn list_contracts(&self) -> Result<Vec<Contract>, StoreError>;
    /// Sets the contract's invitation mail (language, own text or the standard one), with an
    /// audit record. The contract as it is after; `None` when there is no such contract.
    async fn set_contract_mail(
        &self,
        contract: &ContractId,
        mail: &ContractMail,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError>;
    /// Sets the contract's reminder plan, with an audit record.
    async fn set_reminder_plan(
        &self,
        contract: &ContractId,
        plan: &ReminderPlan,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError>;
    /// Sets the contract's dates, with an audit record; mails waiting for its start follow
    /// the start (issue 31). `None` when there is no such contract.
    async fn set_contract_dates(
        &self,
        contract: &ContractId,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError>;
    /// The contract and its funnel counters, in one read.
    async fn contract_funnel(
        &self,
        contract: &ContractId,
    ) -> Result<Option<(Contract, Funnel)>, StoreError>;
    /// Queues a test of a contract's mail for the mailer (the one place mail is sent), with
    /// an audit record, unless the person asked for `per_hour` tests in this clock hour
    /// already: the count and the queueing are one conditional write, so tests asked for at
    /// the same time cannot pass the limit together.
    async fn queue_test_mail(
        &self,
        test: &TestMail,
        per_hour: u32,
    ) -> Result<TestMailQueued, StoreError>;
    /// Makes `admin` an administrator of the contract, with an audit record, unless they are
    /// one already. The contract as it is after; `None` when there is no such contract.
    async fn add_contract_admin(
        &self,
        contract: &ContractId,
        admin: &UserId,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError>;
    /// Ends `admin`'s administration of the contract, with an audit record, if they had it.
    /// The contract as it is after; `None` when there is no such contract.
    async fn remove_contract_admin(
        &self,
        contract: &ContractId,
        admin: &UserId,
        by: &UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Contract>, StoreError>;
}

/// The directory of people (records keyed by their sign-in subject, and the pointers from
/// proved addresses to them).
#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// Registers a user; false when the address already belongs to someone.
    async fn put_user(&self, user: &User) -> Result<bool, StoreError>;
    /// Brings a person's directory record in line with their sign-in account (address, name,
    /// system administration, standing), keyed by the account's subject: creates it, updates
    /// it, or leaves it alone when it is current. `created_at` is kept from an existing record.
    /// A record marked removed holds no address pointer (issue 32).
    async fn sync_user(&self, user: &User) -> Result<SyncOutcome, StoreError>;
    async fn get_user(&self, id: &UserId) -> Result<Option<User>, StoreError>;
    async fn find_user_by_email(&self, identity: &str) -> Result<Option<User>, StoreError>;
    /// Directory search: email prefix or a part of the name, case-insensitive.
    async fn search_users(&self, query: &str, limit: usize) -> Result<Vec<User>, StoreError> {
        Ok(self.search_users_page(query, limit, None).await?.users)
    }
    /// The people whose address starts with, or whose name holds, `query`, by address, a page
    /// at a time from `cursor` (a previous page's `next_cursor`; `BadCursor` for another).
    async fn search_users_page(
        &self,
        query: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<UserPage, StoreError>;
}

/// Contracts and people together, for code that needs both.
pub trait DirectoryStore: ContractStore + PeopleStore {}
impl<T: ContractStore + PeopleStore + ?Sized> DirectoryStore for T {}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// Invites everyone in `new.invitees` (unique identities), in transactions of up to 100
    /// items, and answers with one outcome per invitee in the same order.
    async fn create_invitations(
        &self,
        new: NewInvitations<'_>,
    ) -> Result<Vec<InviteOutcome>, CreateError>;
    async fn get_invitation(
        &self,
        contract: &ContractId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError>;
    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError>;
    /// The contract's invitations for these email identities, those that exist (in any order):
    /// an import run again reads what its earlier run wrote instead of trying to write it again.
    async fn find_invitations_by_email(
        &self,
        contract: &ContractId,
        identities: &[&str],
    ) -> Result<Vec<Invitation>, StoreError>;
    async fn list_invitations(
        &self,
        contract: &ContractId,
        query: &InvitationQuery,
        now: DateTime<Utc>,
    ) -> Result<InvitationPage, StoreError>;
    /// How many invitations `list_invitations` would list for this query's search, status and
    /// narrowing, over every page (what a bulk action on "all that match" would act on; the
    /// query's order, cursor and limit do not count).
    async fn count_invitations(
        &self,
        contract: &ContractId,
        query: &InvitationQuery,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// The contract's invitations counted by group (issue 31; `None`: in no group), each by
    /// what the Invitations tab shows: one read of every invitation, only the fields counted.
    async fn group_figures(
        &self,
        contract: &ContractId,
        now: DateTime<Utc>,
    ) -> Result<std::collections::BTreeMap<Option<Group>, GroupCounts>, StoreError>;
    async fn list_audit(
        &self,
        contract: &ContractId,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError>;
    /// A page of the contract's audit as `query` narrows it, newest first, `limit` records at
    /// most from `cursor` on (a narrow filter may answer a short page that has a next one).
    async fn audit_page(
        &self,
        contract: &ContractId,
        query: &AuditQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<AuditRecordPage, StoreError>;
    /// One invitation's history, newest first, `limit` entries from `cursor` on: what was done
    /// to it (and by whom) and what the mail service reported; `None` when the contract has no
    /// such invitation.
    async fn invitation_history(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Option<HistoryPage>, StoreError>;
    /// Erases the person's invitation in `contract` as forgetting them does (issue 32: a
    /// counted skeleton, a pending one withdrawn, the audit naming nobody): what an import or
    /// an add does with an invitation it wrote for an address that went onto the do-not-invite
    /// list meanwhile (see [`crate::do_not_invite`]). `Ok(false)`: there was none.
    async fn forget_invitation(
        &self,
        contract: &ContractId,
        identity: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

/// The conditional transitions of one invitation. Each decides with the domain's rules from
/// the item as stored and writes under a condition, so two admins (or an admin and the student)
/// acting at once cannot both win.
#[async_trait]
pub trait TransitionStore: Send + Sync {
    async fn resend(
        &self,
        contract: &Contract,
        id: &InvitationId,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Invitation, ChangeError<ResendRefused>>;
    async fn revoke(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<RevokeDecision, ChangeError<RevokeRefused>>;
    /// Makes a pending invitation's link (the same one) last until `until`, with an audit
    /// record; never shortens it.
    async fn extend(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        until: DateTime<Utc>,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<ExtendDecision, ChangeError<ExtendRefused>>;
    async fn enrol(
        &self,
        link: &LinkToken,
        who: Enrolee,
        now: DateTime<Utc>,
    ) -> Result<(Invitation, EnrolDecision), EnrolError>;
    /// Moves a pending invitation to a corrected address (same id, a new link, a new send),
    /// with an audit record: what an admin does when the mail bounced or was mistyped.
    async fn correct_address(
        &self,
        contract: &Contract,
        id: &InvitationId,
        to: &EmailAddress,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Invitation, ChangeError<CorrectRefused>>;
    /// Lifts the block on the invitation's address, with an audit record; false when there was
    /// none.
    /// Lifts the block of the invitation's address, for a pending invitation only; a
    /// complaint's block only when `complaints` (system administrators). The block's kind is
    /// part of the delete's condition, so it cannot change in between.
    async fn clear_block(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        by: &UserId,
        complaints: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, ChangeError<ClearBlockRefused>>;
}

/// The mailer's side of an invitation: claim a queued send, record the result, give it back.
/// The mailer's sends: claim one, record what SES said, release a claim.
#[async_trait]
pub trait SendStore: Send + Sync {
    /// Takes a queued test mail for mailing; false when it was taken already.
    async fn claim_test_mail(
        &self,
        test: &TestMail,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Records what became of a test mail (sent with its message id, or why not).
    async fn record_test_mail(
        &self,
        test: &TestMail,
        result: &DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Takes the queued send of `token_version` for mailing; None when it is no longer due
    /// (already sent or being sent, superseded, or the invitation is not pending).
    async fn claim_send(
        &self,
        contract: &ContractId,
        identity: &str,
        token_version: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError>;
    async fn record_delivery(
        &self,
        invitation: &Invitation,
        result: DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Gives a claimed send back to the queue (the mail service was busy), so a retry of the
    /// same stream record can claim it again at once.
    async fn release_claim(&self, invitation: &Invitation) -> Result<(), StoreError>;
}

/// The send sweeper's list of stuck sends, and putting one back in the queue.
#[async_trait]
pub trait SweepStore: Send + Sync {
    /// Sends past their due time in one partition of the due index, oldest first, at most
    /// `limit`.
    async fn due_sends(
        &self,
        shard: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DueSend>, StoreError>;
    /// Deals with one due send, conditional on it being as it was found: queues it again, or
    /// gives up on it, or takes it off the index.
    async fn sweep_send(
        &self,
        due: &DueSend,
        now: DateTime<Utc>,
    ) -> Result<SweepOutcome, StoreError>;
}

/// SES's delivery reports on the invitations they concern.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Records what the mail service reported about the mail with `message_id`: always in the
    /// invitation's history (once, however often it is delivered), and on the invitation when
    /// it is about its current send and newer than what it has.
    async fn record_report(
        &self,
        invitation: &InvitationId,
        message_id: &str,
        report: &DeliveryReport,
    ) -> Result<ReportOutcome, StoreError>;
    /// Records as sent a claimed send of `version` that SES accepted under `message_id`, when
    /// it is still claimed (its mailer died, or the table failed it, before recording it);
    /// true when this recorded it.
    async fn record_accepted(
        &self,
        invitation: &InvitationId,
        version: u32,
        message_id: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

/// Addresses blocked after a permanent bounce or a complaint.
#[async_trait]
pub trait BlockStore: Send + Sync {
    /// Blocks an address (kept as first blocked: a second report changes nothing).
    async fn block_address(&self, block: &AddressBlock) -> Result<(), StoreError>;
    async fn address_block(&self, identity: &str) -> Result<Option<AddressBlock>, StoreError>;
    /// The blocks on any of `identities` (a batch read: an import's check asks for a round).
    async fn address_blocks(&self, identities: &[&str]) -> Result<Vec<AddressBlock>, StoreError>;
}

/// What the mail and its reports need of the table, together.
pub trait DeliveryStore: SendStore + SweepStore + ReportStore + BlockStore {}
impl<T: SendStore + SweepStore + ReportStore + BlockStore + ?Sized> DeliveryStore for T {}

#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Creates the import record; false when one with this id exists already.
    async fn create_import(&self, import: &Import) -> Result<bool, StoreError>;
    /// Creates the import that invites the addresses of a finished check ("Invite these N"),
    /// marking the check as used in the same transaction: a check is invited from once,
    /// however often or however concurrently it is asked (issue 26).
    async fn create_import_from_check(
        &self,
        import: &Import,
        check: &ImportId,
    ) -> Result<FromCheck, StoreError>;
    /// Saves an import's state, conditional on the upload it runs on (`import.upload`): the
    /// first upload of an announced import takes it, and a run on any other file is refused
    /// with [`StoreError::Contended`].
    async fn save_import(&self, import: &Import) -> Result<(), StoreError>;
    /// The audit record of an import taking its file: who announced it, who put the file.
    async fn audit_import(&self, import: &Import, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Notes on the import that a later file (its event's `sequencer`) was put at its key and
    /// refused; once per file, however often its event comes.
    async fn refuse_upload(
        &self,
        contract: &ContractId,
        id: &ImportId,
        sequencer: &str,
    ) -> Result<(), StoreError>;
    async fn get_import(
        &self,
        contract: &ContractId,
        id: &ImportId,
    ) -> Result<Option<Import>, StoreError>;
    async fn list_imports(&self, contract: &ContractId) -> Result<Vec<Import>, StoreError>;
}

/// The chunks of a large import (issue 33), each read and invited by its own invocation.
#[async_trait]
pub trait ImportChunkStore: Send + Sync {
    /// Makes each chunk's record, once: a chunk that exists (an earlier run of the plan made
    /// it, and it may have run since) is left as it is.
    async fn create_chunks(&self, chunks: &[ImportChunk]) -> Result<(), StoreError>;
    async fn get_chunk(
        &self,
        contract: &ContractId,
        import: &ImportId,
        index: u32,
    ) -> Result<Option<ImportChunk>, StoreError>;
    /// Saves a running chunk's progress; [`StoreError::Contended`] once it is done.
    async fn save_chunk(&self, chunk: &ImportChunk) -> Result<(), StoreError>;
    /// Marks the chunk done with its counts and counts it on its import, in one transaction:
    /// false when it was done already (a second delivery), so it is counted once.
    async fn finish_chunk(&self, chunk: &ImportChunk) -> Result<bool, StoreError>;
    async fn list_chunks(
        &self,
        contract: &ContractId,
        import: &ImportId,
    ) -> Result<Vec<ImportChunk>, StoreError>;
    /// How many of the import's chunks are done.
    async fn chunks_done(
        &self,
        contract: &ContractId,
        import: &ImportId,
    ) -> Result<u32, StoreError>;
    /// Takes the import's last step (its chunks gathered, its report put together) for
    /// `lease`: false while another run holds it.
    async fn claim_import_finish(
        &self,
        contract: &ContractId,
        import: &ImportId,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<bool, StoreError>;
}

/// What asking to invite from a check did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromCheck {
    Created,
    /// The check was invited from before, by this import.
    AlreadyInvited(ImportId),
}

/// Everything the functions ask of the table.
pub trait Store:
    DirectoryStore
    + InvitationStore
    + TransitionStore
    + DeliveryStore
    + ImportStore
    + ImportChunkStore
    + WaitingListStore
    + NoticeStore
    + PrivacyStore
{
}
impl<T> Store for T where
    T: DirectoryStore
        + InvitationStore
        + TransitionStore
        + DeliveryStore
        + ImportStore
        + ImportChunkStore
        + WaitingListStore
        + NoticeStore
        + PrivacyStore
{
}

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// Tags the mail service hands back with its reports on this mail (SES message tags:
    /// letters, digits, `_` and `-` only): the invitation's id, so a report finds it.
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth retrying: throttling, a network blip, the service being unavailable.
    #[error("mail service busy or unreachable: {0}")]
    Transient(String),
    /// Retrying will not help: a rejected address, an unverified sender, a bad message.
    #[error("mail rejected: {0}")]
    Permanent(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends the mail; the mail service's message id when it accepted it.
    async fn send(&self, mail: &OutgoingMail) -> Result<String, MailError>;
}

/// A person's sign-in account at the identity provider (a Cognito user pool).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The provider's subject (`sub`): the key of the person's directory record, and the `sub`
    /// claim of their tokens.
    pub subject: UserId,
    pub email: EmailAddress,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub enabled: bool,
    /// The provider's `email_verified`: the person proved the address (see `User`).
    pub email_verified: bool,
}

impl Account {
    /// The directory record this account should have: active, or disabled when the pool has
    /// the account disabled (Cognito's `Enabled`).
    pub fn to_user(&self, system_admin: bool) -> User {
        User {
            id: self.subject.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            system_admin,
            email_verified: self.email_verified,
            standing: if self.enabled {
                crate::domain::Standing::Active
            } else {
                crate::domain::Standing::Disabled
            },
        }
    }
}

/// One page of the user pool, for the directory sync.
#[derive(Debug, Clone, Default)]
pub struct AccountPage {
    pub accounts: Vec<Account>,
    /// Accounts the directory cannot hold (no usable email address), with the reason; named
    /// by their subject when it is usable, else by their username.
    pub skipped: Vec<(String, String)>,
    pub next: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error("there is no such account")]
    NotFound,
    /// The provider refused the request as given (say, an address it does not accept).
    #[error("{0}")]
    Refused(String),
    #[error("the identity provider call failed: {0}")]
    Provider(String),
}

/// The identity provider's accounts: who can sign in, and who administers the system.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// The account that signs in with this address: the existing one (matched
    /// case-insensitively), or a new one with the address marked verified, for which the
    /// provider mails the person how to sign in. Safe to retry and to race: one address, one
    /// account. `true` when this call created it.
    async fn ensure_account(
        &self,
        email: &EmailAddress,
        name: &str,
    ) -> Result<(Account, bool), AccountsError>;
    async fn get_account(&self, subject: &UserId) -> Result<Option<Account>, AccountsError>;
    async fn is_system_admin(&self, subject: &UserId) -> Result<bool, AccountsError>;
    /// Adds to or removes from the system administrators' group (idempotent).
    async fn set_system_admin(&self, subject: &UserId, on: bool) -> Result<(), AccountsError>;
    /// One page of every account in the pool, in the provider's order.
    async fn list_accounts(&self, page: Option<String>) -> Result<AccountPage, AccountsError>;
    /// Whether the pool has an account with this subject, enabled or not (the directory sync
    /// asks before it marks a record removed).
    async fn in_pool(&self, subject: &UserId) -> Result<bool, AccountsError>;
    /// Everyone in the system administrators' group.
    async fn system_admins(&self) -> Result<std::collections::HashSet<UserId>, AccountsError>;
    /// Deletes every account whose address is `email` (issue 32: a person forgotten at their
    /// request); how many there were.
    async fn delete_accounts_of(&self, email: &EmailAddress) -> Result<u64, AccountsError>;
}

/// The time, injected so tests can move it (expiry, resend limits) without waiting.
pub type Clock = std::sync::Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    std::sync::Arc::new(Utc::now)
}

/// Writes an object part by part as bytes arrive, holding at most one part in memory.
pub struct StreamingUpload {
    blobs: std::sync::Arc<dyn Blobs>,
    key: String,
    upload_id: String,
    buffer: Vec<u8>,
    parts: Vec<(i32, String)>,
}

impl StreamingUpload {
    /// S3's smallest part (but the last).
    pub const PART_SIZE: usize = 5 * 1024 * 1024;

    pub async fn start(
        blobs: std::sync::Arc<dyn Blobs>,
        key: &str,
        content_type: &str,
    ) -> Result<Self, BlobError> {
        let upload_id = blobs.start_upload(key, content_type).await?;
        Ok(Self {
            blobs,
            key: key.to_owned(),
            upload_id,
            buffer: Vec::with_capacity(Self::PART_SIZE),
            parts: Vec::new(),
        })
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), BlobError> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= Self::PART_SIZE {
            self.flush_part().await?;
        }
        Ok(())
    }

    async fn flush_part(&mut self) -> Result<(), BlobError> {
        let number = self.parts.len() as i32 + 1;
        let body = std::mem::replace(&mut self.buffer, Vec::with_capacity(Self::PART_SIZE));
        let etag = self
            .blobs
            .upload_part(&self.key, &self.upload_id, number, body)
            .await?;
        self.parts.push((number, etag));
        Ok(())
    }

    pub async fn finish(mut self) -> Result<(), BlobError> {
        if !self.buffer.is_empty() || self.parts.is_empty() {
            self.flush_part().await?;
        }
        self.blobs
            .finish_upload(&self.key, &self.upload_id, std::mem::take(&mut self.parts))
            .await
    }

    pub async fn abort(self) -> Result<(), BlobError> {
        self.blobs.abort_upload(&self.key, &self.upload_id).await
    }
}
