//! The conditional transitions of one invitation: resend, revoke, extend, enrol, correct an
//! address, clear a block. Each decides from
//! the item as last seen (the domain's `check_*`), writes under a condition, and when the
//! condition fails decides again from the item DynamoDB hands back (ALL_OLD).

use super::{invitation_key, tx_put_new, tx_update, update, CountChange};
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{db_error, failed_condition, DynamoStore, TxOutcome, MAX_ATTEMPTS};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{CancellationReason, ConditionCheck, Delete, TransactWriteItem};
use chrono::{DateTime, Utc};
use std::future::Future;

#[async_trait]
impl TransitionStore for DynamoStore {
    async fn resend(
        &self,
        contract: &Contract,
        id: &InvitationId,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Invitation, ChangeError<ResendRefused>> {
        self.transition(Some(&contract.id), id, |current| async move {
            current.check_resend(now).map_err(ChangeError::Refused)?;
            let expires_at = contract.invitation_expiry(now);
            let values = Item::from([
                (":id".into(), s(id.as_str())),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":seen".into(), n(current.token_version)),
                (":ver".into(), n(current.token_version + 1)),
                (":exp".into(), ms(expires_at)),
                (":queued".into(), s("queued")),
                (":now".into(), ms(now)),
                (":cutoff".into(), ms(now - invitation::RESEND_MIN_INTERVAL)),
                (":one".into(), n(1)),
                (
                    ":shard".into(),
                    s(send_shard(&contract.id, current.email.identity())),
                ),
                (":due".into(), ms(now + super::delivery::QUEUED_LIMIT)),
            ]);
            // A scheduled mail sent now ("send now", issue 31): never too soon, and its first
            // mail, not another one.
            let scheduled = current.delivery == Delivery::Scheduled;
            let mut values = values;
            let condition = if scheduled {
                values.insert(":one".into(), n(0));
                values.insert(":scheduled".into(), s("scheduled"));
                values.remove(":cutoff");
                "invitation_id = :id AND #status = :pending AND token_version = :seen \
                     AND delivery = :scheduled"
            } else {
                "invitation_id = :id AND #status = :pending AND token_version = :seen \
                     AND last_queued_at <= :cutoff"
            };
            let mut items = vec![tx_update(update(
                invitation_key(&contract.id, current.email.identity()),
                "SET token_version = :ver, expires_at = :exp, delivery = :queued, \
                     last_queued_at = :now, send_count = send_count + :one, \
                     send_shard = :shard, send_due_at = :due \
                     REMOVE delivery_since, delivery_error, message_id, sweeps, \
                     report_kind, report_at, report_detail, send_at",
                condition,
                &[("#status", "status")],
                values,
                self.table(),
            ))];
            items.extend(self.audit_with_history(
                &contract.id,
                AuditRecord::on_invitation(AuditAction::Resend, by, &current, now),
            ));
            Ok(Step::write(items, move |mut current| {
                current.token_version += 1;
                current.expires_at = expires_at;
                current.delivery = Delivery::Queued;
                current.last_queued_at = now;
                current.send_count += u32::from(!scheduled);
                current.options.schedule = None;
                current
            }))
        })
        .await
    }

    async fn revoke(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<RevokeDecision, ChangeError<RevokeRefused>> {
        self.transition(Some(contract), id, |current| async move {
            // The read only picks the message; the condition below is what decides.
            if current.check_revoke().map_err(ChangeError::Refused)?
                == RevokeDecision::AlreadyRevoked
            {
                return Ok(Step::Answer(RevokeDecision::AlreadyRevoked));
            }
            let values = Item::from([
                (":id".into(), s(id.as_str())),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":revoked".into(), s(InvitationStatus::Revoked.as_str())),
                (
                    ":g1pk".into(),
                    s(invites_gsi1pk(
                        contract,
                        InvitationStatus::Revoked,
                        current.email.identity(),
                    )),
                ),
                (":by".into(), s(by.as_str())),
                (":now".into(), ms(now)),
            ]);
            let mut items = vec![
                tx_update(update(
                    invitation_key(contract, current.email.identity()),
                    // Nothing is sent for a revoked invitation: off the sweeper's index.
                    "SET #status = :revoked, gsi1pk = :g1pk, revoked_by = :by, revoked_at = :now \
                     REMOVE send_shard, send_due_at, remind_shard, remind_at",
                    "invitation_id = :id AND #status = :pending",
                    &[("#status", "status")],
                    values,
                    self.table(),
                )),
                self.count_change(
                    contract,
                    CountChange {
                        pending: -1,
                        enrolled: 0,
                        revoked: 1,
                        enrolled_after: None,
                        joined: 0,
                        now,
                        start_sends: None,
                    },
                    None,
                ),
                // The invite this revoke ends, into the history: a re-invite will overwrite
                // the item that records it.
                self.put_history(
                    contract,
                    &super::invite_record(&current),
                    history_sk_invite(id, current.invited_at),
                ),
            ];
            items.extend(self.audit_with_history(
                contract,
                AuditRecord::on_invitation(AuditAction::Revoke, by, &current, now),
            ));
            Ok(Step::write(items, |_| RevokeDecision::Revoke))
        })
        .await
    }

    async fn extend(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        until: DateTime<Utc>,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<ExtendDecision, ChangeError<ExtendRefused>> {
        self.transition(Some(contract), id, |current| async move {
            if current.check_extend(until).map_err(ChangeError::Refused)?
                == ExtendDecision::AlreadyLater
            {
                return Ok(Step::Answer(ExtendDecision::AlreadyLater));
            }
            let values = Item::from([
                (":id".into(), s(id.as_str())),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":seen".into(), n(current.token_version)),
                (":until".into(), ms(until)),
                (":now".into(), ms(now)),
                (
                    ":rshard".into(),
                    s(remind_shard(contract, current.email.identity())),
                ),
            ]);
            let mut items = vec![
                // Same link (same version): a resend or another extension in between makes
                // this one decide again on what it did. A link that had run out is off the
                // reminder run's index: back on it now, so its reminders go on.
                tx_update(update(
                    invitation_key(contract, current.email.identity()),
                    "SET expires_at = :until, remind_at = if_not_exists(remind_at, :now), \
                     remind_shard = if_not_exists(remind_shard, :rshard)",
                    "invitation_id = :id AND #status = :pending AND token_version = :seen \
                     AND expires_at < :until",
                    &[("#status", "status")],
                    values,
                    self.table(),
                )),
            ];
            items.extend(
                self.audit_with_history(
                    contract,
                    AuditRecord::on_invitation(AuditAction::Extend, by, &current, now)
                        .saying(format!("until {}", until.format("%Y-%m-%d %H:%M UTC"))),
                ),
            );
            Ok(Step::write(items, move |_| ExtendDecision::Extend(until)))
        })
        .await
    }

    async fn enrol(
        &self,
        link: &LinkToken,
        who: Enrolee,
        now: DateTime<Utc>,
    ) -> Result<(Invitation, EnrolDecision), EnrolError> {
        let who = &who;
        self.transition(None, &link.invitation_id, |current| async move {
            match current
                .check_enrol(link.version, now)
                .map_err(ChangeError::Refused)?
            {
                EnrolDecision::AlreadyEnrolled => {
                    return Ok(Step::Answer((current, EnrolDecision::AlreadyEnrolled)))
                }
                EnrolDecision::Enrol => {}
            }
            // Read again on every round: a racing enrolment (another contract) may have
            // written the person's record meanwhile, which cancels this one's put of it.
            let (user_id, new_user) = self.enrolee(&current, who, now).await?;
            // The row names the person who enrolled: the new record's name, else the
            // directory's (a record the sync or another enrolment wrote first).
            let enrolled_name = match &new_user {
                Some(user) => Some(user.name.clone()),
                None => self.get_user(&user_id).await?.map(|u| u.name),
            };
            let items = self.enrol_items(link, &current, &user_id, &enrolled_name, new_user, now);
            Ok(Step::write(items, move |mut current| {
                current.status = InvitationStatus::Enrolled;
                current.user_id = Some(user_id);
                current.enrolled_at = Some(now);
                if enrolled_name.is_some() {
                    current.name = enrolled_name;
                }
                (current, EnrolDecision::Enrol)
            }))
        })
        .await
        .map_err(|e| match e {
            ChangeError::NotFound => EnrolError::NotFound,
            ChangeError::Refused(refused) => EnrolError::Refused(refused),
            ChangeError::Store(e) => EnrolError::Store(e),
        })
    }

    async fn correct_address(
        &self,
        contract: &Contract,
        id: &InvitationId,
        to: &EmailAddress,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Invitation, ChangeError<CorrectRefused>> {
        self.correct_address_tx(contract, id, to, by, now).await
    }

    async fn clear_block(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        by: &UserId,
        complaints: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, ChangeError<ClearBlockRefused>> {
        self.clear_block_tx(contract, id, by, complaints, now).await
    }
}

impl DynamoStore {
    /// Who enrols, as the directory knows them: their user id, and the record to write when
    /// the directory has none yet.
    async fn enrolee(
        &self,
        current: &Invitation,
        who: &Enrolee,
        now: DateTime<Utc>,
    ) -> Result<(UserId, Option<User>), StoreError> {
        Ok(match who {
            Enrolee::Registered(id) => (id.clone(), None),
            Enrolee::New { subject, name } => {
                // A racing enrolment for the same person (another contract) may have
                // written their record meanwhile: then it is theirs to keep.
                match self.find_user_by_email(current.email.identity()).await? {
                    Some(existing) => (existing.id, None),
                    // The account has a record already, not (yet) found by this address:
                    // the sync has not seen the address proved. The record is theirs;
                    // the next sync brings it up to date.
                    None if self.get_user(subject).await?.is_some() => (subject.clone(), None),
                    None => {
                        let user = User {
                            id: subject.clone(),
                            email: current.email.clone(),
                            name: name.clone(),
                            created_at: now,
                            system_admin: false,
                            // Enrolment makes or matches only accounts whose address is
                            // proved (enrol-api refuses the others); the link proved it too.
                            email_verified: true,
                            standing: Standing::Active,
                        };
                        (user.id.clone(), Some(user))
                    }
                }
            }
        })
    }

    /// An enrolment's writes: the invitation enrolled (still pending, this link, not expired),
    /// the contract's counts, the history, and the person's new directory record if any.
    fn enrol_items(
        &self,
        link: &LinkToken,
        current: &Invitation,
        user_id: &UserId,
        enrolled_name: &Option<String>,
        new_user: Option<User>,
        now: DateTime<Utc>,
    ) -> Vec<TransactWriteItem> {
        let contract = &current.contract_id;
        let mut values = Item::from([
            (":id".into(), s(link.invitation_id.as_str())),
            (":ver".into(), n(link.version)),
            (":pending".into(), s(InvitationStatus::Pending.as_str())),
            (":enrolled".into(), s(InvitationStatus::Enrolled.as_str())),
            (
                ":g1pk".into(),
                s(invites_gsi1pk(
                    contract,
                    InvitationStatus::Enrolled,
                    current.email.identity(),
                )),
            ),
            (":uid".into(), s(user_id.as_str())),
            (":now".into(), ms(now)),
        ]);
        let mut set = "SET #status = :enrolled, gsi1pk = :g1pk, user_id = :uid, enrolled_at = :now"
            .to_owned();
        // Off the sweeper's index: an enrolled student needs no more mail.
        let remove = " REMOVE send_shard, send_due_at, remind_shard, remind_at";
        let mut names = vec![("#status", "status")];
        if let Some(name) = enrolled_name {
            set.push_str(", #name = :name, name_lc = :name_lc");
            values.insert(":name".into(), s(name));
            values.insert(":name_lc".into(), s(name.to_lowercase()));
            names.push(("#name", "name"));
        }
        let mut items = vec![
            tx_update(update(
                invitation_key(contract, current.email.identity()),
                &(set + remove),
                "invitation_id = :id AND token_version = :ver AND #status = :pending AND expires_at > :now",
                &names,
                values,
                self.table(),
            )),
            self.count_change(
                contract,
                CountChange {
                    pending: -1,
                    enrolled: 1,
                    revoked: 0,
                    enrolled_after: Some(EnrolAfter::of(now - current.invited_at)),
                    joined: 0,
                    now,
                    start_sends: None,
                },
                None,
            ),
        ];
        items.extend(self.audit_with_history(
            contract,
            AuditRecord::on_invitation(AuditAction::Enrol, user_id, current, now),
        ));
        if let Some(user) = &new_user {
            for item in [user_item(user), user_email_item(user)] {
                items.push(tx_put_new(self.table(), item));
            }
        }
        items
    }
}

impl DynamoStore {
    /// The raw item of an invitation (correcting an address copies it to a new key).
    async fn raw_invitation(
        &self,
        contract: &ContractId,
        identity: &str,
    ) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(contract, identity)))
            .consistent_read(true)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out.item().cloned())
    }

    pub(super) async fn correct_address_tx(
        &self,
        contract: &Contract,
        id: &InvitationId,
        to: &EmailAddress,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Invitation, ChangeError<CorrectRefused>> {
        self.transition(Some(&contract.id), id, |current| async move {
            current.check_correct(to).map_err(ChangeError::Refused)?;
            let Some(mut item) = self
                .raw_invitation(&contract.id, current.email.identity())
                .await?
            else {
                return Ok(Step::Again);
            };
            // The same invitation under the corrected address: a new link (version), queued
            // for the mailer, nothing left of the old address's mail.
            for gone in [
                "delivery_since",
                "delivery_error",
                "message_id",
                "sweeps",
                "report_kind",
                "report_at",
                "report_detail",
                "last_sent_at",
                // Bound to the old address's person no more (issue 26): the corrected
                // invitation belongs to the new address's person, if the directory has one.
                "user_id",
                "name",
                "name_lc",
            ] {
                item.remove(gone);
            }
            if let Some(person) = self.find_user_by_email(to.identity()).await? {
                item.insert("user_id".into(), s(person.id.as_str()));
                item.insert("name".into(), s(&person.name));
                item.insert("name_lc".into(), s(person.name.to_lowercase()));
            }
            let version = current.token_version + 1;
            // The corrected address's own shard (issue 33), on the table and the index.
            item.insert("pk".into(), s(invitation_pk(&contract.id, to.identity())));
            item.insert("sk".into(), s(invite_sk(to.identity())));
            item.insert(
                "gsi1pk".into(),
                s(invites_gsi1pk(&contract.id, current.status, to.identity())),
            );
            item.insert("gsi1sk".into(), s(to.identity()));
            item.insert("email".into(), s(to.as_entered()));
            item.insert("token_version".into(), n(version));
            item.insert("expires_at".into(), ms(contract.invitation_expiry(now)));
            item.insert("delivery".into(), s("queued"));
            item.insert("last_queued_at".into(), ms(now));
            item.insert("send_count".into(), n(current.send_count + 1));
            item.insert(
                "send_shard".into(),
                s(send_shard(&contract.id, to.identity())),
            );
            item.insert(
                "send_due_at".into(),
                ms(now + super::delivery::QUEUED_LIMIT),
            );
            // What the invitation is once moved (the answer: no read after the write).
            let moved = invitation_from(&item).map_err(StoreError::from)?;
            let mut items = vec![
                TransactWriteItem::builder()
                    .delete(
                        Delete::builder()
                            .table_name(self.table())
                            .set_key(Some(invitation_key(&contract.id, current.email.identity())))
                            // Still as read: pending, this link, and its mail failed.
                            .condition_expression(
                                "invitation_id = :id AND #status = :pending AND token_version = :seen \
                                 AND (delivery = :failed OR report_kind IN (:bt, :bp, :rej))",
                            )
                            .expression_attribute_names("#status", "status")
                            .expression_attribute_values(":failed", s("failed"))
                            .expression_attribute_values(":bt", s(ReportKind::BouncedTransient.as_str()))
                            .expression_attribute_values(":bp", s(ReportKind::BouncedPermanent.as_str()))
                            .expression_attribute_values(":rej", s(ReportKind::Rejected.as_str()))
                            .expression_attribute_values(":id", s(id.as_str()))
                            .expression_attribute_values(
                                ":pending",
                                s(InvitationStatus::Pending.as_str()),
                            )
                            .expression_attribute_values(":seen", n(current.token_version))
                            .build()
                            .expect("delete is complete"),
                    )
                    .build(),
                tx_put_new(self.table(), item),
            ];
            items.extend(self.audit_with_history(
                &contract.id,
                AuditRecord {
                    activities: current.activities.clone(),
                    at: now,
                    actor: Some(by.clone()),
                    action: AuditAction::CorrectAddress,
                    subjects: vec![
                        current.email.identity().to_owned(),
                        to.identity().to_owned(),
                    ],
                    detail: Some(format!("from {} to {}", current.email, to)),
                    invitation_id: Some(id.clone()),
                },
            ));
            let already = to.as_entered().to_owned();
            Ok(Step::write(items, move |_| moved).refused_when(move |reasons| {
                // The corrected address has an invitation of its own (the put's condition).
                failed_condition(reasons.get(1)).then_some(CorrectRefused::AlreadyInvited(already))
            }))
        })
        .await
    }

    pub(super) async fn clear_block_tx(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        by: &UserId,
        complaints: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, ChangeError<ClearBlockRefused>> {
        self.transition(Some(contract), id, |current| async move {
            let identity = current.email.identity();
            let shown = current.email.as_entered().to_owned();
            if current.status != InvitationStatus::Pending {
                return Err(ChangeError::Refused(ClearBlockRefused::NotPending(shown)));
            }
            let complaint = ReportKind::Complained.as_str();
            match self.address_block(identity).await? {
                // Cleared already: nothing to do.
                None => return Ok(Step::Answer(false)),
                Some(b) if b.kind == ReportKind::Complained && !complaints => {
                    return Err(ChangeError::Refused(ClearBlockRefused::Complaint(shown)));
                }
                Some(_) => {}
            }
            let mut delete = Delete::builder()
                .table_name(self.table())
                .key("pk", s(block_pk(identity)))
                .key("sk", s(BLOCK_SK));
            delete = if complaints {
                delete.condition_expression("attribute_exists(pk)")
            } else {
                delete
                    .condition_expression("attribute_exists(pk) AND kind <> :complaint")
                    .expression_attribute_values(":complaint", s(complaint))
            };
            let mut items = vec![
                TransactWriteItem::builder()
                    .delete(delete.build().expect("delete is complete"))
                    .build(),
                // The invitation is still pending as read (a revoke or enrolment in between ends
                // this admin's business with the address).
                TransactWriteItem::builder()
                    .condition_check(
                        ConditionCheck::builder()
                            .table_name(self.table())
                            .set_key(Some(invitation_key(contract, identity)))
                            .condition_expression("invitation_id = :id AND #status = :pending")
                            .expression_attribute_names("#status", "status")
                            .expression_attribute_values(":id", s(id.as_str()))
                            .expression_attribute_values(
                                ":pending",
                                s(InvitationStatus::Pending.as_str()),
                            )
                            .build()
                            .expect("condition check is complete"),
                    )
                    .build(),
            ];
            items.extend(self.audit_with_history(
                contract,
                AuditRecord::on_invitation(AuditAction::ClearBlock, by, &current, now),
            ));
            // The block's condition failing means it went or became a complaint's meanwhile:
            // decided again from what it is now.
            Ok(Step::write(items, |_| true).refused_when(move |reasons| {
                failed_condition(reasons.get(1)).then_some(ClearBlockRefused::NotPending(shown))
            }))
        })
        .await
    }
}

/// What a transition does with the invitation as last seen.
pub(super) enum Step<T, R> {
    /// Nothing to write: this is the answer.
    Answer(T),
    /// These writes, in one transaction under their conditions.
    Write(Write<T, R>),
    /// What was read changed before the writes could be made: read it again.
    Again,
}

/// Reads a cancelled transaction's reasons for a refusal in the product's words.
type Refusal<R> = Box<dyn FnOnce(&[CancellationReason]) -> Option<R> + Send>;

/// A transition's writes, and what follows from them.
pub(super) struct Write<T, R> {
    items: Vec<TransactWriteItem>,
    /// Once written: the answer, from the invitation as it was seen.
    then: Box<dyn FnOnce(Invitation) -> T + Send>,
    /// When the transaction is cancelled: a refusal in the product's words, if a condition on
    /// another item than the invitation says one (none: decide again).
    refused: Option<Refusal<R>>,
}

impl<T, R> Step<T, R> {
    pub(super) fn write(
        items: Vec<TransactWriteItem>,
        then: impl FnOnce(Invitation) -> T + Send + 'static,
    ) -> Self {
        Step::Write(Write {
            items,
            then: Box::new(then),
            refused: None,
        })
    }

    /// The same writes, refused as `refused` says when their transaction is cancelled.
    pub(super) fn refused_when(
        self,
        refused: impl FnOnce(&[CancellationReason]) -> Option<R> + Send + 'static,
    ) -> Self {
        match self {
            Step::Write(write) => Step::Write(Write {
                refused: Some(Box::new(refused)),
                ..write
            }),
            other => other,
        }
    }
}

impl DynamoStore {
    /// The skeleton of every change of one invitation: read it, let `step` decide (the
    /// domain's `check_*`, and any reads the decision needs) and say what to write, write it
    /// under its conditions, and when a condition fails decide again from the item as
    /// DynamoDB hands it back (ALL_OLD) or, without one, as read again; at most MAX_ATTEMPTS
    /// times. `contract`: the contract the invitation must belong to (None for a link, which
    /// names only the invitation).
    pub(super) async fn transition<R, T, F>(
        &self,
        contract: Option<&ContractId>,
        id: &InvitationId,
        mut step: impl FnMut(Invitation) -> F + Send,
    ) -> Result<T, ChangeError<R>>
    where
        F: Future<Output = Result<Step<T, R>, ChangeError<R>>> + Send,
        R: Send,
        T: Send,
    {
        let read = async || self.load(contract, id).await?.ok_or(ChangeError::NotFound);
        let mut current = read().await?;
        for _ in 0..MAX_ATTEMPTS {
            // The step has its own copy: its future may outlive this round's borrow.
            let write = match step(current.clone()).await? {
                Step::Answer(answer) => return Ok(answer),
                Step::Again => {
                    current = read().await?;
                    continue;
                }
                Step::Write(write) => write,
            };
            let reasons = match self.transact(write.items).await? {
                TxOutcome::Done => return Ok((write.then)(current)),
                TxOutcome::Cancelled(reasons) => reasons,
            };
            if let Some(refusal) = write.refused.and_then(|refused| refused(&reasons)) {
                return Err(ChangeError::Refused(refusal));
            }
            current = match as_it_is_now(&reasons)? {
                Some(now) => now,
                None => read().await?,
            };
        }
        Err(ChangeError::Store(StoreError::Contended))
    }
}

/// After a transition's transaction was cancelled by the invitation's own condition (the first
/// item): the invitation as DynamoDB handed it back with it (ALL_OLD), if it did.
fn as_it_is_now(reasons: &[CancellationReason]) -> Result<Option<Invitation>, StoreError> {
    Ok(reasons
        .first()
        .filter(|r| failed_condition(Some(r)))
        .and_then(|r| r.item())
        .map(invitation_from)
        .transpose()?)
}
