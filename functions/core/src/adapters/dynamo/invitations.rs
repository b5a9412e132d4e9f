//! Invitations on DynamoDB: batch creation, the conditional transitions, search and paging.

use super::items::*;
use super::{db_error, failed_condition, DynamoStore, TxOutcome, MAX_ATTEMPTS};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    KeysAndAttributes, Put, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
    Update,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// Invitations per transaction: 100 items, less the contract's counters and the audit record.
pub const INVITATIONS_PER_TRANSACTION: usize = 98;
/// A mailer claim older than this is taken to be from a mailer that died mid-send.
pub const STALE_CLAIM: Duration = Duration::minutes(5);
/// Query pages read at most per list call, so a sparse filter cannot run away.
const MAX_PAGES_PER_LIST: usize = 20;

#[derive(Debug, Clone)]
enum Plan {
    /// A new invitation; its id is generated here and written under `attribute_not_exists`.
    Create(InvitationId),
    Reinvite {
        seen_version: u32,
        id: InvitationId,
    },
}

fn update(
    key: Item,
    update: &str,
    condition: &str,
    names: &[(&str, &str)],
    values: Item,
    table: &str,
) -> Update {
    Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .update_expression(update)
        .condition_expression(condition)
        .set_expression_attribute_names(Some(
            names
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ))
        .set_expression_attribute_values(Some(values))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("update is complete")
}

fn key(pk: String, sk: String) -> Item {
    Item::from([("pk".into(), s(pk)), ("sk".into(), s(sk))])
}

fn invitation_key(contract: &ContractId, identity: &str) -> Item {
    key(contract_pk(contract), invite_sk(identity))
}

pub(super) fn tx_update(u: Update) -> TransactWriteItem {
    TransactWriteItem::builder().update(u).build()
}

impl DynamoStore {
    pub(super) fn put_audit(
        &self,
        contract: &ContractId,
        record: AuditRecord,
    ) -> TransactWriteItem {
        TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(self.table())
                    .set_item(Some(audit_item(contract, &record)))
                    .build()
                    .expect("put is complete"),
            )
            .build()
    }

    /// Adds `deltas` (pending, enrolled, revoked) to the contract's counters; seats follow.
    fn count_change(
        &self,
        contract: &ContractId,
        (pending, enrolled, revoked): (i64, i64, i64),
        seats_at_most_before: Option<i64>,
    ) -> TransactWriteItem {
        let mut values = Item::from([
            (":p".into(), n(pending)),
            (":e".into(), n(enrolled)),
            (":r".into(), n(revoked)),
            (":seats".into(), n(pending + enrolled)),
        ]);
        let mut condition = "attribute_exists(pk)".to_owned();
        if let Some(max) = seats_at_most_before {
            condition.push_str(" AND seats_used <= :max");
            values.insert(":max".into(), n(max));
        }
        tx_update(update(
            key(contract_pk(contract), CONTRACT_SK.into()),
            "ADD pending :p, enrolled :e, revoked :r, seats_used :seats",
            &condition,
            &[],
            values,
            self.table(),
        ))
    }

    fn invite_update(&self, new: &NewInvitations<'_>, who: &Invitee, plan: &Plan) -> Update {
        let c = new.contract;
        let mut set = vec![
            "invitation_id = if_not_exists(invitation_id, :id)", // a re-invite keeps its id
            "contract_id = :cid",
            "email = :email",
            "#status = :pending",
            "gsi1pk = :g1pk",
            "gsi1sk = :g1sk",
            "activities = :acts",
            "invited_by = :by",
            "invited_at = :now",
            "token_version = :ver",
            "expires_at = :exp",
            "send_count = if_not_exists(send_count, :zero) + :one",
            "last_queued_at = :now",
            "delivery = :queued",
            "#type = :type",
        ];
        let mut remove = vec![
            "revoked_at",
            "revoked_by",
            "enrolled_at",
            "delivery_since",
            "delivery_error",
        ];
        let (condition, version, fresh_id) = match plan {
            Plan::Create(id) => ("attribute_not_exists(pk)", 1, id.clone()),
            Plan::Reinvite { seen_version, id } => (
                "#status = :revoked AND token_version = :seen",
                seen_version + 1,
                id.clone(),
            ),
        };
        let mut values = Item::from([
            (":id".into(), s(fresh_id.as_str())),
            (":cid".into(), s(c.id.as_str())),
            (":email".into(), s(who.email.as_entered())),
            (":pending".into(), s(InvitationStatus::Pending.as_str())),
            (
                ":g1pk".into(),
                s(invites_gsi1pk(&c.id, InvitationStatus::Pending)),
            ),
            (":g1sk".into(), s(who.email.identity())),
            (":acts".into(), list_s(new.activities)),
            (":by".into(), s(new.invited_by.as_str())),
            (":now".into(), ms(new.now)),
            (":ver".into(), n(version)),
            (":exp".into(), ms(c.invitation_expiry(new.now))),
            (":zero".into(), n(0)),
            (":one".into(), n(1)),
            (":queued".into(), s("queued")),
            (":type".into(), s("invitation")),
        ]);
        if let Plan::Reinvite { seen_version, .. } = plan {
            values.insert(":revoked".into(), s(InvitationStatus::Revoked.as_str()));
            values.insert(":seen".into(), n(seen_version));
        }
        match &who.user_id {
            Some(uid) => {
                set.push("user_id = :uid");
                values.insert(":uid".into(), s(uid.as_str()));
            }
            None => remove.push("user_id"),
        }
        match &who.name {
            Some(name) => {
                set.push("#name = :name");
                values.insert(":name".into(), s(name));
            }
            None => remove.push("#name"),
        }
        match &who.source {
            Source::Import { import_id, line } => {
                set.push("import_id = :imp");
                set.push("import_line = :line");
                values.insert(":imp".into(), s(import_id.as_str()));
                values.insert(":line".into(), n(line));
            }
            Source::Manual => {
                remove.push("import_id");
                remove.push("import_line");
            }
        }
        let expression = format!("SET {} REMOVE {}", set.join(", "), remove.join(", "));
        let mut names = vec![("#status", "status"), ("#type", "type")];
        if expression.contains("#name") {
            names.push(("#name", "name"));
        }
        update(
            invitation_key(&c.id, who.email.identity()),
            &expression,
            condition,
            &names,
            values,
            self.table(),
        )
    }

    /// One transaction's worth of invitees. `seats_left` is this call's running estimate of free
    /// seats; the contract's condition is what actually guards the limit.
    async fn create_chunk(
        &self,
        new: &NewInvitations<'_>,
        indexes: std::ops::Range<usize>,
        outcomes: &mut [Option<InviteOutcome>],
        seats_left: &mut Option<u64>,
    ) -> Result<(), CreateError> {
        let mut todo: Vec<(usize, Plan)> = indexes
            .map(|i| (i, Plan::Create(InvitationId::random())))
            .collect();
        for _ in 0..MAX_ATTEMPTS {
            if let Some(free) = *seats_left {
                let free = usize::try_from(free).unwrap_or(usize::MAX);
                if todo.len() > free {
                    for (i, _) in todo.drain(free..) {
                        outcomes[i] = Some(InviteOutcome::OverSeatLimit);
                    }
                }
            }
            if todo.is_empty() {
                return Ok(());
            }
            let reinvites = todo
                .iter()
                .filter(|(_, p)| matches!(p, Plan::Reinvite { .. }))
                .count() as i64;
            let count = todo.len() as i64;
            let max_before = new.contract.seat_limit.map(|limit| limit as i64 - count);
            let mut items: Vec<TransactWriteItem> = todo
                .iter()
                .map(|(i, plan)| tx_update(self.invite_update(new, &new.invitees[*i], plan)))
                .collect();
            items.push(self.count_change(&new.contract.id, (count, 0, -reinvites), max_before));
            items.push(
                self.put_audit(
                    &new.contract.id,
                    AuditRecord {
                        at: new.now,
                        actor: Some(new.invited_by.clone()),
                        action: AuditAction::Invite,
                        subjects: todo
                            .iter()
                            .map(|(i, _)| new.invitees[*i].email.identity().to_owned())
                            .collect(),
                    },
                ),
            );

            let reasons = match self.transact(items).await? {
                TxOutcome::Done => {
                    for (i, plan) in todo {
                        outcomes[i] = Some(match plan {
                            Plan::Create(id) => InviteOutcome::Invited { invitation_id: id },
                            Plan::Reinvite { id, .. } => {
                                InviteOutcome::Reinvited { invitation_id: id }
                            }
                        });
                    }
                    if let Some(free) = seats_left.as_mut() {
                        *free = free.saturating_sub(count as u64);
                    }
                    return Ok(());
                }
                TxOutcome::Cancelled(reasons) => reasons,
            };

            let mut invitation_conflict = false;
            let mut still = Vec::with_capacity(todo.len());
            for (k, (i, plan)) in todo.into_iter().enumerate() {
                let reason = reasons.get(k);
                if !failed_condition(reason) {
                    still.push((i, plan));
                    continue;
                }
                invitation_conflict = true;
                let Some(old) = reason.and_then(|r| r.item()) else {
                    still.push((i, plan));
                    continue;
                };
                let old = invitation_from(old).map_err(StoreError::from)?;
                if let Some(outcome) = import_replay(&old, &new.invitees[i].source) {
                    outcomes[i] = Some(outcome);
                    continue;
                }
                match decide_invite(Some(&old)) {
                    InviteDecision::AlreadyInvited => {
                        outcomes[i] = Some(InviteOutcome::AlreadyInvited {
                            invitation_id: old.id,
                        })
                    }
                    InviteDecision::AlreadyEnrolled => {
                        outcomes[i] = Some(InviteOutcome::AlreadyEnrolled {
                            invitation_id: old.id,
                        })
                    }
                    InviteDecision::Reinvite { seen_version } => still.push((
                        i,
                        Plan::Reinvite {
                            seen_version,
                            id: old.id,
                        },
                    )),
                    InviteDecision::Create => still.push((i, Plan::Create(InvitationId::random()))),
                }
            }
            todo = still;

            let contract_reason = reasons.get(reasons.len().saturating_sub(2));
            if failed_condition(contract_reason) {
                let Some(current) = contract_reason.and_then(|r| r.item()) else {
                    return Err(CreateError::ContractNotFound);
                };
                if !invitation_conflict {
                    let current = contract_from(current).map_err(StoreError::from)?;
                    let used: u64 =
                        Reader(contract_reason.and_then(|r| r.item()).expect("checked"))
                            .opt_n("seats_used")
                            .map_err(StoreError::from)?
                            .unwrap_or(current.counts.seats_used());
                    *seats_left = current.seat_limit.map(|limit| limit.saturating_sub(used));
                }
            }
        }
        Err(CreateError::Store(StoreError::Contended))
    }

    /// The table key of an invitation, from its id (the link's or the admin route's).
    async fn invitation_key_by_id(&self, id: &InvitationId) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(BY_INVITATION_ID)
            .key_condition_expression("invitation_id = :id")
            .expression_attribute_values(":id", s(id.as_str()))
            .limit(1)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out.items().first().map(|item| {
            item.iter()
                .filter(|(k, _)| *k == "pk" || *k == "sk")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }))
    }

    async fn get_by_key(&self, key: Item) -> Result<Option<Invitation>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(self.table())
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out.item().map(invitation_from).transpose()?)
    }

    async fn load(
        &self,
        contract: Option<&ContractId>,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        let Some(key) = self.invitation_key_by_id(id).await? else {
            return Ok(None);
        };
        if let Some(contract) = contract {
            if key.get("pk").and_then(|v| v.as_s().ok()) != Some(&contract_pk(contract)) {
                return Ok(None);
            }
        }
        Ok(self.get_by_key(key).await?.filter(|inv| &inv.id == id))
    }
}

fn encode_cursor(identity: &str) -> String {
    URL_SAFE_NO_PAD.encode(identity)
}

fn decode_cursor(cursor: &str) -> Option<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|s| EmailAddress::parse(s).is_ok())
}

#[async_trait]
impl InvitationStore for DynamoStore {
    async fn create_invitations(
        &self,
        new: NewInvitations<'_>,
    ) -> Result<Vec<InviteOutcome>, CreateError> {
        let mut outcomes: Vec<Option<InviteOutcome>> = vec![None; new.invitees.len()];
        let mut seats_left = new.contract.seats_left();
        let mut start = 0;
        while start < new.invitees.len() {
            let end = (start + INVITATIONS_PER_TRANSACTION).min(new.invitees.len());
            self.create_chunk(&new, start..end, &mut outcomes, &mut seats_left)
                .await?;
            start = end;
        }
        Ok(outcomes
            .into_iter()
            .map(|o| o.expect("every invitee gets an outcome"))
            .collect())
    }

    async fn get_invitation(
        &self,
        contract: &ContractId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.load(Some(contract), id).await
    }

    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        self.load(None, id).await
    }

    async fn find_invitations_by_email(
        &self,
        contract: &ContractId,
        identities: &[&str],
    ) -> Result<Vec<Invitation>, StoreError> {
        let mut found = Vec::with_capacity(identities.len());
        // BatchGetItem takes at most 100 keys; keys it could not read come back to ask again.
        for chunk in identities.chunks(100) {
            let mut keys: Vec<Item> = chunk
                .iter()
                .map(|identity| {
                    Item::from([
                        ("pk".into(), s(contract_pk(contract))),
                        ("sk".into(), s(invite_sk(identity))),
                    ])
                })
                .collect();
            for attempt in 0.. {
                if keys.is_empty() {
                    break;
                }
                if attempt == MAX_ATTEMPTS {
                    return Err(StoreError::Contended);
                }
                if attempt > 0 {
                    super::backoff(attempt).await;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut keys)))
                    .consistent_read(true)
                    .build()
                    .expect("keys are set");
                let out = self
                    .client()
                    .batch_get_item()
                    .request_items(self.table(), request)
                    .send()
                    .await
                    .map_err(db_error)?;
                for item in out
                    .responses()
                    .and_then(|r| r.get(self.table()))
                    .into_iter()
                    .flatten()
                {
                    found.push(invitation_from(item)?);
                }
                if let Some(left) = out.unprocessed_keys().and_then(|u| u.get(self.table())) {
                    keys = left.keys().to_vec();
                }
            }
        }
        Ok(found)
    }

    async fn list_invitations(
        &self,
        contract: &ContractId,
        query: &InvitationQuery,
        now: DateTime<Utc>,
    ) -> Result<InvitationPage, StoreError> {
        let limit = query.limit.clamp(1, 500);
        let prefix = query.email_prefix.trim().to_lowercase();
        // A cursor only ever names a position inside this contract's own key range.
        let mut start_after = match &query.cursor {
            Some(c) => Some(decode_cursor(c).ok_or(StoreError::BadCursor)?),
            None => None,
        };
        let mut invitations = Vec::new();
        for _ in 0..MAX_PAGES_PER_LIST {
            let mut q = self.client().query().table_name(self.table());
            let mut filter: Option<&str> = None;
            match query.status {
                None => {
                    q = q
                        .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                        .expression_attribute_values(":pk", s(contract_pk(contract)))
                        .expression_attribute_values(
                            ":prefix",
                            s(format!("{INVITE_SK_PREFIX}{prefix}")),
                        );
                    if let Some(after) = &start_after {
                        q = q.set_exclusive_start_key(Some(invitation_key(contract, after)));
                    }
                }
                Some(shown) => {
                    let stored = match shown {
                        ShownStatus::Pending | ShownStatus::Expired => InvitationStatus::Pending,
                        ShownStatus::Enrolled => InvitationStatus::Enrolled,
                        ShownStatus::Revoked => InvitationStatus::Revoked,
                    };
                    q = q
                        .index_name(GSI1)
                        .expression_attribute_values(":g", s(invites_gsi1pk(contract, stored)));
                    // DynamoDB refuses an empty begins_with on a key.
                    q = if prefix.is_empty() {
                        q.key_condition_expression("gsi1pk = :g")
                    } else {
                        q.key_condition_expression("gsi1pk = :g AND begins_with(gsi1sk, :prefix)")
                            .expression_attribute_values(":prefix", s(&prefix))
                    };
                    match shown {
                        ShownStatus::Pending => filter = Some("expires_at > :now"),
                        ShownStatus::Expired => filter = Some("expires_at <= :now"),
                        _ => {}
                    }
                    if filter.is_some() {
                        q = q.expression_attribute_values(":now", ms(now));
                    }
                    if let Some(after) = &start_after {
                        let mut k = invitation_key(contract, after);
                        k.insert("gsi1pk".into(), s(invites_gsi1pk(contract, stored)));
                        k.insert("gsi1sk".into(), s(after));
                        q = q.set_exclusive_start_key(Some(k));
                    }
                }
            }
            if let Some(f) = filter {
                q = q.filter_expression(f);
            }
            // One more than needed, to know whether another page exists.
            let out = q
                .limit((limit - invitations.len() + 1) as i32)
                .send()
                .await
                .map_err(db_error)?;
            for item in out.items() {
                if invitations.len() == limit {
                    let last: &Invitation = invitations.last().expect("limit is at least 1");
                    return Ok(InvitationPage {
                        next_cursor: Some(encode_cursor(last.email.identity())),
                        invitations,
                    });
                }
                invitations.push(invitation_from(item)?);
            }
            start_after = match out.last_evaluated_key() {
                Some(last) => Some(
                    Reader(last)
                        .s("sk")?
                        .trim_start_matches(INVITE_SK_PREFIX)
                        .to_owned(),
                ),
                None => {
                    return Ok(InvitationPage {
                        invitations,
                        next_cursor: None,
                    })
                }
            };
        }
        // Read as many pages as one call may: hand back where to go on from.
        let next_cursor = start_after.as_deref().map(encode_cursor);
        Ok(InvitationPage {
            invitations,
            next_cursor,
        })
    }

    async fn resend(
        &self,
        contract: &Contract,
        id: &InvitationId,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<Invitation, ChangeError<ResendRefused>> {
        let mut current = self
            .load(Some(&contract.id), id)
            .await?
            .ok_or(ChangeError::NotFound)?;
        for _ in 0..MAX_ATTEMPTS {
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
            ]);
            let items = vec![
                tx_update(update(
                    invitation_key(&contract.id, current.email.identity()),
                    "SET token_version = :ver, expires_at = :exp, delivery = :queued, \
                     last_queued_at = :now, send_count = send_count + :one \
                     REMOVE delivery_since, delivery_error",
                    "invitation_id = :id AND #status = :pending AND token_version = :seen \
                     AND last_queued_at <= :cutoff",
                    &[("#status", "status")],
                    values,
                    self.table(),
                )),
                self.put_audit(
                    &contract.id,
                    AuditRecord {
                        at: now,
                        actor: Some(by.clone()),
                        action: AuditAction::Resend,
                        subjects: vec![current.email.identity().to_owned()],
                    },
                ),
            ];
            match self.transact(items).await? {
                TxOutcome::Done => {
                    current.token_version += 1;
                    current.expires_at = expires_at;
                    current.delivery = Delivery::Queued;
                    current.last_queued_at = now;
                    current.send_count += 1;
                    return Ok(current);
                }
                TxOutcome::Cancelled(reasons) => {
                    current = match reasons.first().and_then(|r| r.item()) {
                        Some(old) => invitation_from(old).map_err(StoreError::from)?,
                        None => return Err(ChangeError::NotFound),
                    };
                }
            }
        }
        Err(ChangeError::Store(StoreError::Contended))
    }

    async fn revoke(
        &self,
        contract: &ContractId,
        id: &InvitationId,
        by: &UserId,
        now: DateTime<Utc>,
    ) -> Result<RevokeDecision, ChangeError<RevokeRefused>> {
        let mut current = self
            .load(Some(contract), id)
            .await?
            .ok_or(ChangeError::NotFound)?;
        for _ in 0..MAX_ATTEMPTS {
            // The read only picks the message; the condition below is what decides.
            if current.check_revoke().map_err(ChangeError::Refused)?
                == RevokeDecision::AlreadyRevoked
            {
                return Ok(RevokeDecision::AlreadyRevoked);
            }
            let values = Item::from([
                (":id".into(), s(id.as_str())),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":revoked".into(), s(InvitationStatus::Revoked.as_str())),
                (
                    ":g1pk".into(),
                    s(invites_gsi1pk(contract, InvitationStatus::Revoked)),
                ),
                (":by".into(), s(by.as_str())),
                (":now".into(), ms(now)),
            ]);
            let items = vec![
                tx_update(update(
                    invitation_key(contract, current.email.identity()),
                    "SET #status = :revoked, gsi1pk = :g1pk, revoked_by = :by, revoked_at = :now",
                    "invitation_id = :id AND #status = :pending",
                    &[("#status", "status")],
                    values,
                    self.table(),
                )),
                self.count_change(contract, (-1, 0, 1), None),
                self.put_audit(
                    contract,
                    AuditRecord {
                        at: now,
                        actor: Some(by.clone()),
                        action: AuditAction::Revoke,
                        subjects: vec![current.email.identity().to_owned()],
                    },
                ),
            ];
            match self.transact(items).await? {
                TxOutcome::Done => return Ok(RevokeDecision::Revoke),
                TxOutcome::Cancelled(reasons) => {
                    current = match reasons.first().and_then(|r| r.item()) {
                        Some(old) => invitation_from(old).map_err(StoreError::from)?,
                        None => return Err(ChangeError::NotFound),
                    };
                }
            }
        }
        Err(ChangeError::Store(StoreError::Contended))
    }

    async fn enrol(
        &self,
        link: &LinkToken,
        who: Enrolee,
        now: DateTime<Utc>,
    ) -> Result<(Invitation, EnrolDecision), EnrolError> {
        let mut current = self
            .load(None, &link.invitation_id)
            .await?
            .ok_or(EnrolError::NotFound)?;
        for _ in 0..MAX_ATTEMPTS {
            match current
                .check_enrol(link.version, now)
                .map_err(EnrolError::Refused)?
            {
                EnrolDecision::AlreadyEnrolled => {
                    return Ok((current, EnrolDecision::AlreadyEnrolled))
                }
                EnrolDecision::Enrol => {}
            }
            let contract = &current.contract_id;
            let (user_id, new_user) = match &who {
                Enrolee::Registered(id) => (id.clone(), None),
                Enrolee::New { name } => {
                    match self.find_user_by_email(current.email.identity()).await? {
                        Some(existing) => (existing.id, None),
                        None => {
                            let user = User {
                                id: UserId::random(),
                                email: current.email.clone(),
                                name: name.clone(),
                                created_at: now,
                            };
                            (user.id.clone(), Some(user))
                        }
                    }
                }
            };
            let mut values = Item::from([
                (":id".into(), s(link.invitation_id.as_str())),
                (":ver".into(), n(link.version)),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":enrolled".into(), s(InvitationStatus::Enrolled.as_str())),
                (
                    ":g1pk".into(),
                    s(invites_gsi1pk(contract, InvitationStatus::Enrolled)),
                ),
                (":uid".into(), s(user_id.as_str())),
                (":now".into(), ms(now)),
            ]);
            let mut set =
                "SET #status = :enrolled, gsi1pk = :g1pk, user_id = :uid, enrolled_at = :now"
                    .to_owned();
            let mut names = vec![("#status", "status")];
            if let Some(user) = &new_user {
                set.push_str(", #name = :name");
                values.insert(":name".into(), s(&user.name));
                names.push(("#name", "name"));
            }
            let mut items = vec![
                tx_update(update(
                    invitation_key(contract, current.email.identity()),
                    &set,
                    "invitation_id = :id AND token_version = :ver AND #status = :pending AND expires_at > :now",
                    &names,
                    values,
                    self.table(),
                )),
                self.count_change(contract, (-1, 1, 0), None),
                self.put_audit(
                    contract,
                    AuditRecord {
                        at: now,
                        actor: Some(user_id.clone()),
                        action: AuditAction::Enrol,
                        subjects: vec![current.email.identity().to_owned()],
                    },
                ),
            ];
            if let Some(user) = &new_user {
                for item in [user_item(user), user_email_item(user)] {
                    items.push(
                        TransactWriteItem::builder()
                            .put(
                                Put::builder()
                                    .table_name(self.table())
                                    .set_item(Some(item))
                                    .condition_expression("attribute_not_exists(pk)")
                                    .build()
                                    .expect("put is complete"),
                            )
                            .build(),
                    );
                }
            }
            match self.transact(items).await? {
                TxOutcome::Done => {
                    current.status = InvitationStatus::Enrolled;
                    current.user_id = Some(user_id);
                    current.enrolled_at = Some(now);
                    if let Some(user) = new_user {
                        current.name = Some(user.name);
                    }
                    return Ok((current, EnrolDecision::Enrol));
                }
                TxOutcome::Cancelled(reasons) => {
                    if failed_condition(reasons.first()) {
                        current = match reasons.first().and_then(|r| r.item()) {
                            Some(old) => invitation_from(old).map_err(StoreError::from)?,
                            None => return Err(EnrolError::NotFound),
                        };
                    }
                    // Otherwise the address was registered meanwhile: the next round finds that user.
                }
            }
        }
        Err(EnrolError::Store(StoreError::Contended))
    }

    async fn claim_send(
        &self,
        contract: &ContractId,
        identity: &str,
        token_version: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(contract, identity)))
            .update_expression("SET delivery = :sending, delivery_since = :now")
            .condition_expression(
                "#status = :pending AND token_version = :ver AND \
                 (delivery = :queued OR (delivery = :sending AND delivery_since < :stale))",
            )
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(HashMap::from([
                (":sending".into(), s("sending")),
                (":queued".into(), s("queued")),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":ver".into(), n(token_version)),
                (":now".into(), ms(now)),
                (":stale".into(), ms(now - STALE_CLAIM)),
            ])))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.attributes().map(invitation_from).transpose()?),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(None)
            }
            Err(err) => Err(db_error(err)),
        }
    }

    async fn record_delivery(
        &self,
        invitation: &Invitation,
        result: DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut values = HashMap::from([
            (":ver".to_owned(), n(invitation.token_version)),
            (":sending".to_owned(), s("sending")),
            (":now".to_owned(), ms(now)),
        ]);
        let expression = match result {
            DeliveryResult::Sent => {
                values.insert(":sent".into(), s("sent"));
                "SET delivery = :sent, last_sent_at = :now REMOVE delivery_since, delivery_error"
            }
            DeliveryResult::Failed { reason } => {
                values.insert(":failed".into(), s("failed"));
                values.insert(":reason".into(), s(import::shorten(&reason, 500)));
                "SET delivery = :failed, delivery_error = :reason, delivery_since = :now"
            }
        };
        self.update_claimed_send(invitation, expression, values)
            .await
    }

    async fn release_claim(&self, invitation: &Invitation) -> Result<(), StoreError> {
        let values = HashMap::from([
            (":ver".to_owned(), n(invitation.token_version)),
            (":sending".to_owned(), s("sending")),
            (":queued".to_owned(), s("queued")),
        ]);
        self.update_claimed_send(
            invitation,
            "SET delivery = :queued REMOVE delivery_since",
            values,
        )
        .await
    }

    async fn list_audit(
        &self,
        contract: &ContractId,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
            .expression_attribute_values(":pk", s(contract_pk(contract)))
            .expression_attribute_values(":p", s(AUDIT_SK_PREFIX))
            .scan_index_forward(false)
            .limit(limit.clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(db_error)?;
        Ok(out
            .items()
            .iter()
            .map(audit_from)
            .collect::<Result<_, _>>()?)
    }
}

impl DynamoStore {
    /// Changes the delivery of the send this mailer claimed. `values` must bind `:ver` and
    /// `:sending`. A failed condition means a resend superseded the send while it was in
    /// flight: the newer send's own record stands, so that is not an error.
    async fn update_claimed_send(
        &self,
        invitation: &Invitation,
        expression: &str,
        values: HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(
                &invitation.contract_id,
                invitation.email.identity(),
            )))
            .update_expression(expression)
            .condition_expression("token_version = :ver AND delivery = :sending")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(())
            }
            Err(err) => Err(db_error(err)),
        }
    }
}
