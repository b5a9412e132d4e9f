//! The mailer: the table's DynamoDB stream handler, and the only place the product's mail is
//! sent (invitations, reminders, admins' tests, and the notice to a webhook endpoint's owner
//! in [`owner_notice`]).
//!
//! Every invite, re-invite and resend writes the invitation with `delivery = queued` and a new
//! token version. For each such stream record, in order, the mailer
//!
//! 1. waits for its turn within the send rate, then claims the send (`queued -> sending`,
//!    conditional on the version and a pending status); no claim means it is not due any more
//!    (sent already, superseded, revoked, enrolled), so a duplicate or replayed record never
//!    sends twice, and a revoke during the wait is seen;
//! 2. renders the mail (contract, activities, inviter, expiry, the signed link);
//! 3. sends it, retrying a busy mail service with exponential backoff (within the rate);
//! 4. records `sent` with SES's message id, or `failed` with the reason when the service
//!    refuses the mail for good.
//!
//! When the mail service stays busy, the claim is given back and the record is reported in
//! `batchItemFailures`, so Lambda delivers it again; the rest of the batch is not tried (it
//! would only meet the same throttling) and is reported with it. A store error reports its
//! record; the batch goes on. A mail SES accepted is never given back: its record is retried,
//! and if the table stays unreachable the claim stays until the sweeper (`send-sweeper`)
//! finds it, so a send is lost in no case and doubled only when the table fails for minutes
//! right after SES accepted the mail.

pub mod admin_notice;
pub mod join_proof;
pub mod join_refusal;
pub mod limit;
pub mod owner_notice;
pub mod render;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use chrono::Utc;
use invitations_core::adapters::dynamo::items::{invitation_from, test_mail_from, Item, Reader};
use invitations_core::adapters::dynamo::CorruptItem;
use invitations_core::config::ConfigError;
use invitations_core::do_not_invite;
use invitations_core::domain::mail::{MailKind, MailValues};
use invitations_core::domain::reminder::{wake, Wake};
use invitations_core::domain::token::enrol_link;
use invitations_core::domain::{Contract, ContractId, Invitation, UserId};
use invitations_core::keys::LinkKeys;
use invitations_core::ports::{
    DeliveryResult, DeliveryStore, DirectoryStore, InvitationStore, JoinProofStore, MailError,
    Mailer, NoticeStore, OutgoingMail, PrivacyStore, StoreError, TestMail, WebhookStore,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub use limit::{InvalidRate, RateLimiter};

/// Mails per second when `MAIL_SEND_RATE` is not set (well within a production SES account).
pub const DEFAULT_SEND_RATE: f64 = 10.0;

/// The SES message tag that names the invitation a mail is for.
pub const INVITATION_TAG: &str = "invitation";
/// The SES message tag with the send's token version: SES's "Send" event records a mail the
/// mailer could not record itself (functions/delivery-events).
pub const VERSION_TAG: &str = "version";

/// Why an invitation mail to an address on the do-not-invite list was not sent.
pub const DO_NOT_INVITE_NOT_SENT: &str = "Not sent: this person asked not to be invited again.";

/// Tries at recording a mail SES accepted (waits double from the retry policy's first delay).
const RECORD_ATTEMPTS: u32 = 5;

/// What the mailer needs of the table (webhooks: the notice to an endpoint's owner).
pub trait MailStore:
    InvitationStore
    + DeliveryStore
    + DirectoryStore
    + WebhookStore
    + JoinProofStore
    + NoticeStore
    + PrivacyStore
{
}
impl<T> MailStore for T where
    T: InvitationStore
        + DeliveryStore
        + DirectoryStore
        + WebhookStore
        + JoinProofStore
        + NoticeStore
        + PrivacyStore
        + ?Sized
{
}

pub use invitations_core::ports::Clock;

/// How often a busy mail service is tried for one mail, and how long to wait in between
/// (`first_delay`, doubling each time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Sends tried in all, at least one.
    pub attempts: u32,
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    /// Four tries, 0.25 s, 0.5 s and 1 s apart.
    fn default() -> Self {
        Self {
            attempts: 4,
            first_delay: Duration::from_millis(250),
        }
    }
}

/// What became of one stream record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not a queued invitation send (another item type, a removal, a delivery update).
    Ignored,
    /// Nothing to send: already sent or being sent, superseded by a newer send, or the
    /// invitation is no longer pending.
    NotDue,
    Sent,
    /// The mail service refused the mail for good; the reason is on the invitation.
    Rejected(String),
}

#[derive(Debug, thiserror::Error)]
enum RecordError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The mail service stayed busy through every retry; the claim was given back.
    #[error("the mail service is busy: {0}")]
    Busy(String),
    /// SES accepted the mail but its record could not be written: the claim is kept (giving
    /// it back would mail again), and the sweeper deals with it if nothing else does.
    #[error("the mail was sent but could not be recorded: {0}")]
    Unrecorded(StoreError),
    /// The link signing key could not be read (on first use, issue 33); the claim was given
    /// back, and the next delivery reads it again.
    #[error(transparent)]
    Key(ConfigError),
}

/// The stream handler, built once per cold start.
pub struct App {
    store: Arc<dyn MailStore>,
    mailer: Arc<dyn Mailer>,
    /// Read when a mail first needs a link (issue 33): records with nothing to send never
    /// wait for it.
    link_key: LinkKeys,
    site_url: String,
    limiter: RateLimiter,
    retry: RetryPolicy,
    clock: Clock,
}

/// Lookups cached for one invocation: a batch usually holds many invitations to one contract.
#[derive(Default)]
struct Cache {
    contracts: HashMap<ContractId, Option<Contract>>,
    inviters: HashMap<UserId, Option<String>>,
}

impl App {
    /// A mailer at [`DEFAULT_SEND_RATE`], with the system clock and the default retries.
    pub fn new(
        store: Arc<dyn MailStore>,
        mailer: Arc<dyn Mailer>,
        link_key: impl Into<LinkKeys>,
        site_url: impl Into<String>,
    ) -> Self {
        Self {
            store,
            mailer,
            link_key: link_key.into(),
            site_url: site_url.into(),
            limiter: RateLimiter::per_second(DEFAULT_SEND_RATE).expect("the default rate is valid"),
            retry: RetryPolicy::default(),
            clock: Arc::new(Utc::now),
        }
    }

    pub fn with_send_rate(mut self, per_second: f64) -> Result<Self, InvalidRate> {
        self.limiter = RateLimiter::per_second(per_second)?;
        Ok(self)
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = RetryPolicy {
            attempts: retry.attempts.max(1),
            ..retry
        };
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Handles one batch of stream records, in order. Records to deliver again are reported
    /// by sequence number; an error (the whole batch again) only when such a record has none.
    pub async fn handle(
        &self,
        event: Event,
    ) -> Result<DynamoDbEventResponse, lambda_runtime::Error> {
        let mut cache = Cache::default();
        let mut failed: Vec<&EventRecord> = Vec::new();
        for (index, record) in event.records.iter().enumerate() {
            let sequence = record.change.sequence_number.as_deref().unwrap_or("?");
            match self.process(record, &mut cache).await {
                Ok(outcome) => {
                    tracing::debug!(sequence, ?outcome, "stream record done");
                }
                Err(err @ (RecordError::Store(_) | RecordError::Unrecorded(_))) => {
                    tracing::error!(sequence, error = %err, "stream record failed; it will be delivered again");
                    failed.push(record);
                }
                Err(err @ RecordError::Busy(_)) => {
                    tracing::warn!(
                        sequence,
                        error = %err,
                        remaining = event.records.len() - index - 1,
                        "mail service busy; the rest of the batch will be delivered again"
                    );
                    failed.extend(&event.records[index..]);
                    break;
                }
                // As when the start failed on it before issue 33: the rest would need the key
                // too, and each would read it again.
                Err(err @ RecordError::Key(_)) => {
                    tracing::error!(
                        sequence,
                        error = %err,
                        remaining = event.records.len() - index - 1,
                        "the link signing key could not be read; the rest of the batch will be delivered again"
                    );
                    failed.extend(&event.records[index..]);
                    break;
                }
            }
        }
        let mut response = DynamoDbEventResponse::default();
        for record in failed {
            let Some(sequence) = record.change.sequence_number.clone() else {
                return Err("a failed stream record has no sequence number".into());
            };
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(sequence);
            response.batch_item_failures.push(failure);
        }
        Ok(response)
    }

    async fn process(
        &self,
        record: &EventRecord,
        cache: &mut Cache,
    ) -> Result<Outcome, RecordError> {
        if let Some(endpoint) = owner_notice::queued_owner_notice(record) {
            return self.send_owner_notice(&endpoint).await;
        }
        if let Some(refusal) = join_refusal::queued_join_refusal(record) {
            return match refusal {
                Ok(refusal) => self.send_join_refusal(&refusal, cache).await,
                Err(err) => {
                    tracing::error!(error = %err, "queued join refusal cannot be read; skipped");
                    Ok(Outcome::Ignored)
                }
            };
        }
        if let Some(notice) = admin_notice::queued_notice(record) {
            return match notice {
                Ok(notice) => self.send_notice(&notice).await,
                Err(err) => {
                    tracing::error!(error = %err, "queued admin notice cannot be read; skipped");
                    Ok(Outcome::Ignored)
                }
            };
        }
        if let Some(proof) = join_proof::queued_join_proof(record) {
            return match proof {
                Ok(proof) => self.send_join_proof(&proof, cache).await,
                Err(err) => {
                    tracing::error!(error = %err, "queued join proof cannot be read; skipped");
                    Ok(Outcome::Ignored)
                }
            };
        }
        if let Some(test) = queued_test_mail(record) {
            return match test {
                Ok(test) => self.send_test(&test, cache).await,
                Err(err) => {
                    tracing::error!(error = %err, "queued test mail cannot be read; skipped");
                    Ok(Outcome::Ignored)
                }
            };
        }
        let invitation = match queued_invitation(record) {
            None => return Ok(Outcome::Ignored),
            Some(Ok(invitation)) => invitation,
            Some(Err(err)) => {
                // Retrying cannot mend it, and failing would hold up the shard: log and go on.
                tracing::error!(
                    sequence = record.change.sequence_number.as_deref().unwrap_or("?"),
                    error = %err,
                    "queued invitation in the stream cannot be read; skipped"
                );
                return Ok(Outcome::Ignored);
            }
        };
        // The turn first, the claim after it: a revoke or resend while this mail waits for the
        // rate is then seen by the claim's condition.
        self.limiter.acquire().await;
        let claimed = self
            .store
            .claim_send(
                &invitation.contract_id,
                invitation.email.identity(),
                invitation.token_version,
                (self.clock)(),
            )
            .await?;
        let Some(claimed) = claimed else {
            tracing::info!(
                invitation = %invitation.id,
                version = invitation.token_version,
                "send no longer due; skipped"
            );
            return Ok(Outcome::NotDue);
        };
        match self.deliver(&claimed, cache).await {
            Ok(outcome) => Ok(outcome),
            Err(err @ RecordError::Unrecorded(_)) => Err(err),
            Err(err) => {
                // Give the send back, so the record's next delivery can claim it at once.
                if let Err(release) = self.store.release_claim(&claimed).await {
                    tracing::error!(
                        invitation = %claimed.id,
                        error = %release,
                        "could not give back the claim; the send stays claimed until it is stale"
                    );
                }
                Err(err)
            }
        }
    }

    /// "Send me a test": the draft in the contract's frame, to the admin who asked, marked as
    /// a test, with a link that enrols nobody. Claimed first, so a duplicate record sends
    /// nothing; one try (the admin can ask again).
    async fn send_test(&self, test: &TestMail, cache: &mut Cache) -> Result<Outcome, RecordError> {
        self.limiter.acquire().await;
        let now = (self.clock)();
        if !self.store.claim_test_mail(test, now).await? {
            return Ok(Outcome::NotDue);
        }
        let contract = self.contract(&test.contract, cache).await?;
        let (name, activities, lifetime) = match &contract {
            Some(c) => (
                c.name.clone(),
                c.activities.iter().map(|a| a.name.clone()).collect(),
                c.invitation_lifetime_days,
            ),
            None => (test.contract.to_string(), Vec::new(), 14),
        };
        let link = format!("{}/enrol#test", self.site_url.trim_end_matches('/'));
        let mail = render::outgoing(
            test.to.as_entered(),
            &test.mail,
            MailKind::Test,
            &MailValues {
                recipient_name: test.name.as_deref(),
                contract_name: &name,
                activities: &activities,
                inviter_name: test.name.as_deref(),
                expires_at: now + chrono::Duration::days(i64::from(lifetime)),
                link: &link,
            },
        );
        let result = match self.mailer.send(&mail).await {
            Ok(message_id) => DeliveryResult::Sent {
                message_id,
                remind_at: None,
            },
            // A test is not worth holding the shard for: a busy service is its answer.
            Err(MailError::Permanent(reason) | MailError::Transient(reason)) => {
                DeliveryResult::Failed { reason }
            }
        };
        self.store
            .record_test_mail(test, &result, (self.clock)())
            .await?;
        tracing::info!(contract = %test.contract, to = %test.to, ?result, "test mail done");
        Ok(match result {
            DeliveryResult::Sent { .. } => Outcome::Sent,
            DeliveryResult::Failed { reason } => Outcome::Rejected(reason),
        })
    }

    /// Renders, sends and records the mail for a claimed invitation.
    async fn deliver(&self, inv: &Invitation, cache: &mut Cache) -> Result<Outcome, RecordError> {
        // An address that bounced for good or complained gets no more mail from us.
        if let Some(block) = self.store.address_block(inv.email.identity()).await? {
            return self.refused(inv, block.explain()).await;
        }
        // Nor does an address on the do-not-invite list (issue 32): an invitation written just
        // before its owner was forgotten is taken back by its writer or by the erasure, and
        // mailed by nobody meanwhile (see `invitations_core::do_not_invite`).
        let store = &*self.store;
        if !do_not_invite::listed(store, &[&inv.email])
            .await?
            .is_empty()
        {
            return self.refused(inv, DO_NOT_INVITE_NOT_SENT.into()).await;
        }
        let Some(contract) = self.contract(&inv.contract_id, cache).await? else {
            return self
                .refused(inv, "the learning contract no longer exists".into())
                .await;
        };
        let key = self.link_key.signing().await.map_err(RecordError::Key)?;
        let Some(token) = key.sign(&inv.id, inv.token_version) else {
            return self
                .refused(
                    inv,
                    format!("invitation id {} cannot be put in a link", inv.id),
                )
                .await;
        };
        let link = enrol_link(&self.site_url, &token);
        let activities = contract.activity_names(&inv.activities);
        let inviter = self.inviter_name(&inv.invited_by, cache).await;
        let kind = match inv.reminder {
            Some(n) => MailKind::Reminder(n),
            None => MailKind::Invitation,
        };
        let mut mail = render::outgoing(
            inv.email.as_entered(),
            &contract.mail.for_person(inv.options.language),
            kind,
            &MailValues {
                recipient_name: inv.name.as_deref(),
                contract_name: &contract.name,
                activities: &activities,
                inviter_name: inviter.as_deref(),
                expires_at: inv.expires_at,
                link: &link,
            },
        );
        // SES's reports on this mail name the invitation (functions/delivery-events).
        mail.tags
            .push((INVITATION_TAG.to_owned(), inv.id.as_str().to_owned()));
        mail.tags
            .push((VERSION_TAG.to_owned(), inv.token_version.to_string()));

        let result = self.send_retrying(&mail, &inv.id).await;
        match result {
            Ok(message_id) => {
                // The reminder run looks again when the next reminder is due, or at expiry.
                let now = (self.clock)();
                let reminders_sent = inv.reminder.unwrap_or(0).max(inv.reminders_sent);
                let remind_at = match wake(
                    &contract.reminders,
                    now,
                    Some(now),
                    inv.expires_at,
                    reminders_sent,
                    inv.expiry_counted,
                ) {
                    Wake::Later(at) => Some(at),
                    _ => None,
                };
                self.record_sent(inv, message_id, remind_at).await?;
                Ok(Outcome::Sent)
            }
            Err(MailError::Permanent(reason)) => self.refused(inv, reason).await,
            Err(MailError::Transient(reason)) => Err(RecordError::Busy(reason)),
        }
    }

    /// Records a mail SES accepted, trying again while the table fails: this record is what
    /// stops the mail from being sent twice.
    async fn record_sent(
        &self,
        inv: &Invitation,
        message_id: String,
        remind_at: Option<chrono::DateTime<Utc>>,
    ) -> Result<(), RecordError> {
        let mut wait = self.retry.first_delay;
        let mut attempt = 1;
        loop {
            let result = self
                .store
                .record_delivery(
                    inv,
                    DeliveryResult::Sent {
                        message_id: message_id.clone(),
                        remind_at,
                    },
                    (self.clock)(),
                )
                .await;
            match result {
                Ok(()) => {
                    tracing::info!(invitation = %inv.id, version = inv.token_version, %message_id, "invitation mail sent");
                    return Ok(());
                }
                Err(err) if attempt >= RECORD_ATTEMPTS => {
                    tracing::error!(invitation = %inv.id, %message_id, error = %err, "mail sent but not recorded; the claim is kept");
                    return Err(RecordError::Unrecorded(err));
                }
                Err(err) => {
                    tracing::warn!(invitation = %inv.id, attempt, error = %err, "recording the sent mail failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                }
            }
        }
    }

    async fn refused(&self, inv: &Invitation, reason: String) -> Result<Outcome, RecordError> {
        // The reason goes on the invitation for its admins; the log names only the id (a mail
        // service's refusal often quotes the address).
        tracing::warn!(invitation = %inv.id, "invitation mail not sent");
        self.store
            .record_delivery(
                inv,
                DeliveryResult::Failed {
                    reason: reason.clone(),
                },
                (self.clock)(),
            )
            .await?;
        Ok(Outcome::Rejected(reason))
    }

    /// Sends `mail` (for `what`, as logs name it), trying a busy mail service again with
    /// exponential backoff, within the rate, up to the retry policy's attempts.
    async fn send_retrying(
        &self,
        mail: &OutgoingMail,
        what: &(dyn std::fmt::Display + Sync),
    ) -> Result<String, MailError> {
        let mut attempt = 0;
        loop {
            if attempt > 0 {
                self.limiter.acquire().await;
            }
            match self.mailer.send(mail).await {
                // The service's words are not logged: they may quote the address.
                Err(MailError::Transient(_)) if attempt + 1 < self.retry.attempts => {
                    let wait = self.retry.first_delay * 2u32.pow(attempt.min(16));
                    tracing::warn!(mail = %what, attempt, ?wait, "mail service busy; retrying");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn contract(
        &self,
        id: &ContractId,
        cache: &mut Cache,
    ) -> Result<Option<Contract>, StoreError> {
        if let Some(found) = cache.contracts.get(id) {
            return Ok(found.clone());
        }
        let found = self.store.get_contract(id).await?;
        cache.contracts.insert(id.clone(), found.clone());
        Ok(found)
    }

    /// The inviter's name from the directory; a failed lookup only loses the name.
    async fn inviter_name(&self, id: &UserId, cache: &mut Cache) -> Option<String> {
        if let Some(found) = cache.inviters.get(id) {
            return found.clone();
        }
        match self.store.get_user(id).await {
            Ok(user) => {
                let name = user.map(|u| u.name);
                cache.inviters.insert(id.clone(), name.clone());
                name
            }
            Err(err) => {
                tracing::warn!(user = %id, error = %err, "inviter lookup failed; mailing without the name");
                None
            }
        }
    }
}

/// The test mail a stream record queues: None when the record is anything else.
pub fn queued_test_mail(record: &EventRecord) -> Option<Result<TestMail, CorruptItem>> {
    if record.event_name != "INSERT" {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    if reader.opt_s("type") != Some("test_mail") || reader.opt_s("delivery") != Some("queued") {
        return None;
    }
    Some(test_mail_from(&item))
}

/// The invitation a stream record queues a send for: None when the record is anything else
/// (another item type, a removal, an invitation whose delivery is not `queued`).
pub fn queued_invitation(record: &EventRecord) -> Option<Result<Invitation, CorruptItem>> {
    if record.event_name == "REMOVE" {
        return None;
    }
    let item: Item = record.change.new_image.clone().into();
    let reader = Reader(&item);
    if reader.opt_s("type") != Some("invitation") || reader.opt_s("delivery") != Some("queued") {
        return None;
    }
    // A claim given back (sending -> queued, same send) is not a new send: the record that
    // queued it failed and is delivered again by the trigger's retries. Mailing on both would
    // add a record per failure while SES is down, each retried in turn. The sweeper's re-queue
    // counts `sweeps` up, so it is a new send.
    let old: Item = record.change.old_image.clone().into();
    let before = Reader(&old);
    let same = |name: &str| {
        matches!(
            (before.opt_n::<u32>(name), reader.opt_n::<u32>(name)),
            (Ok(a), Ok(b)) if a == b
        )
    };
    let same_send = same("token_version") && same("sweeps");
    if before.opt_s("delivery") == Some("sending") && same_send {
        return None;
    }
    Some(invitation_from(&item))
}

#[cfg(test)]
mod tests {
    use super::*;

    // A filled copy of events/stream.json: that one carries placeholders that mint-event fills
    // from a running stack (cargo lambda), this one the values a unit test needs.
    fn example() -> Event {
        serde_json::from_str(include_str!("testdata/stream.json")).expect("example event parses")
    }

    #[test]
    fn the_example_event_queues_one_send() {
        let event = example();
        let inv = queued_invitation(&event.records[0]).unwrap().unwrap();
        assert_eq!(inv.token_version, 1);
        assert_eq!(inv.email.identity(), "ann.lee@example.com");
    }

    #[test]
    fn removals_other_items_and_other_deliveries_are_ignored() {
        let base = example().records.remove(0);

        let mut removed = base.clone();
        removed.event_name = "REMOVE".into();
        assert!(queued_invitation(&removed).is_none());

        for (name, value) in [
            ("delivery", "sent"),
            ("delivery", "sending"),
            ("type", "audit"),
        ] {
            let mut record = base.clone();
            record
                .change
                .new_image
                .insert(name.into(), serde_dynamo::AttributeValue::S(value.into()));
            assert!(queued_invitation(&record).is_none(), "{name} = {value}");
        }

        let mut empty = base.clone();
        empty.change.new_image = Default::default();
        assert!(queued_invitation(&empty).is_none());
    }

    #[test]
    fn a_claim_given_back_is_not_a_new_send_but_a_resend_is() {
        use serde_dynamo::AttributeValue as A;
        let mut released = example().records.remove(0);
        released.change.old_image = released.change.new_image.clone();
        released
            .change
            .old_image
            .insert("delivery".into(), A::S("sending".into()));
        assert!(queued_invitation(&released).is_none());

        let mut resent = released.clone();
        resent
            .change
            .old_image
            .insert("token_version".into(), A::N("0".into()));
        assert!(matches!(queued_invitation(&resent), Some(Ok(_))));

        let mut after_sent = released;
        after_sent
            .change
            .old_image
            .insert("delivery".into(), A::S("sent".into()));
        assert!(matches!(queued_invitation(&after_sent), Some(Ok(_))));
    }

    #[test]
    fn a_damaged_queued_invitation_is_reported_as_such() {
        let mut record = example().records.remove(0);
        record.change.new_image.remove("token_version");
        assert!(matches!(queued_invitation(&record), Some(Err(_))));
    }
}
