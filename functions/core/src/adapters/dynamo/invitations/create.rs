//! Invitations in batches: one transaction of up to 98 invitations with the contract's
//! counters (and its seat limit) and an audit record; a cancelled transaction names the items
//! that exist, which are answered or re-invited, and the rest go again.

use super::{invitation_key, tx_update, update, CountChange};
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{failed_condition, DynamoStore, TxOutcome, MAX_ATTEMPTS};
use crate::domain::*;
use crate::ports::*;
use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason, TransactWriteItem, Update};

/// Invitations per transaction: 100 items, less the contract's counters and the audit record.
pub const INVITATIONS_PER_TRANSACTION: usize = 98;

/// What else an invite's transaction takes with it: a join link's use, or a waiting list
/// entry's removal (the person it promotes).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Via<'a> {
    Direct,
    Link(&'a JoinLink),
    Waiting(&'a WaitingEntry),
}

#[derive(Debug, Clone)]
enum Plan {
    /// A new invitation; its id is generated here and written under `attribute_not_exists`.
    Create(InvitationId),
    Reinvite {
        seen_version: u32,
        id: InvitationId,
    },
}

impl DynamoStore {
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
            "delivery = :delivery",
            "remind_shard = :rshard",
            "reminders_sent = :zero",
            "#type = :type",
        ];
        let schedule = who.options.schedule;
        if schedule.is_some() {
            // Mailed later: the reminder run wakes it when due (schedule.rs), and only then is
            // it a queued send (the mailer's and the sweeper's).
            set.extend(["remind_at = :wake", "send_at = :send_at"]);
        } else {
            // The reminder run first looks at the link's expiry; the record of the mail sets
            // the first reminder.
            set.extend([
                "send_shard = :shard",
                "send_due_at = :due",
                "remind_at = :exp",
            ]);
        }
        let mut remove = vec![
            "revoked_at",
            "revoked_by",
            "enrolled_at",
            "delivery_since",
            "delivery_error",
            "message_id",
            "sweeps",
            "report_kind",
            "report_at",
            "report_detail",
            "send_reminder",
            "reminder_version",
            "expiry_counted",
            "send_at",
            // counted_delivered and counted_bounced stay: the funnel counts people, and a
            // re-invite is the same person's invitation again.
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
                s(invites_gsi1pk(
                    &c.id,
                    InvitationStatus::Pending,
                    who.email.identity(),
                )),
            ),
            (":g1sk".into(), s(who.email.identity())),
            (":acts".into(), list_s(new.activities)),
            (":by".into(), s(new.invited_by.as_str())),
            (":now".into(), ms(new.now)),
            (":ver".into(), n(version)),
            (":zero".into(), n(0)),
            (":one".into(), n(1)),
            (
                ":rshard".into(),
                s(remind_shard(&c.id, who.email.identity())),
            ),
            (":type".into(), s("invitation")),
        ]);
        invite_options(who, c, new.now, &mut set, &mut remove, &mut values);
        if let Plan::Reinvite { seen_version, .. } = plan {
            values.insert(":revoked".into(), s(InvitationStatus::Revoked.as_str()));
            values.insert(":seen".into(), n(seen_version));
            // The item is the record of its current invite (its history shows it from here).
            set.push("reinvited = :true");
            values.insert(":true".into(), AttributeValue::Bool(true));
        }
        match &who.user_id {
            Some(uid) => {
                set.push("user_id = :uid");
                values.insert(":uid".into(), s(uid.as_str()));
            }
            None => remove.push("user_id"),
        }
        // The name as typed, and lower-cased for the Invitations tab's search (issue 28).
        match &who.name {
            Some(name) => {
                set.push("#name = :name");
                set.push("name_lc = :name_lc");
                values.insert(":name".into(), s(name));
                values.insert(":name_lc".into(), s(name.to_lowercase()));
            }
            None => {
                remove.push("#name");
                remove.push("name_lc");
            }
        }
        match &who.source {
            Source::Import { import_id, line } => {
                set.push("import_id = :imp");
                set.push("import_line = :line");
                values.insert(":imp".into(), s(import_id.as_str()));
                values.insert(":line".into(), n(line));
                remove.push("join_link");
            }
            Source::JoinLink { link_id } => {
                set.push("join_link = :link");
                values.insert(":link".into(), s(link_id.as_str()));
                remove.extend(["import_id", "import_line"]);
            }
            Source::Manual => {
                remove.extend(["import_id", "import_line", "join_link"]);
            }
        }
        let expression = format!("SET {} REMOVE {}", set.join(", "), remove.join(", "));
        let mut names = vec![
            ("#status", "status"),
            ("#type", "type"),
            ("#language", "language"),
        ];
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

    /// `count` more uses of a join link, as read: still on, at its generation, within its
    /// uses and its window (the same transaction as the invitations it counts).
    pub(crate) fn link_use(
        &self,
        link: &JoinLink,
        count: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Update {
        let mut condition = vec![
            "#enabled = :true",
            "#generation = :generation",
            "(attribute_not_exists(#closes) OR #closes > :now)",
            "(attribute_not_exists(#opens) OR #opens <= :now)",
        ];
        let mut values = Item::from([
            (":true".into(), AttributeValue::Bool(true)),
            (":generation".into(), n(link.generation)),
            (":now".into(), ms(now)),
            (":count".into(), n(count)),
        ]);
        if let Some(max) = link.max_uses {
            condition.push("#uses <= :room");
            values.insert(":room".into(), n(i64::from(max) - count));
        }
        update(
            crate::adapters::dynamo::join_links::join_link_key(&link.id),
            "ADD #uses :count",
            &condition.join(" AND "),
            &[
                ("#enabled", "enabled"),
                ("#generation", "generation"),
                ("#closes", "closes_at"),
                ("#opens", "opens_at"),
                ("#uses", "uses"),
            ],
            values,
            self.table(),
        )
    }

    /// One transaction's worth of invitees. `seats_left` is this call's running estimate of free
    /// seats; the contract's condition is what actually guards the limit.
    pub(crate) async fn create_chunk(
        &self,
        new: &NewInvitations<'_>,
        indexes: std::ops::Range<usize>,
        outcomes: &mut [Option<InviteOutcome>],
        seats_left: &mut Option<u64>,
        via: Via<'_>,
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
            let contract_at = items.len();
            items.push(
                self.count_change(
                    &new.contract.id,
                    CountChange {
                        pending: count,
                        enrolled: 0,
                        revoked: -reinvites,
                        enrolled_after: None,
                        // Through a join link (its own, a promotion, an approval): the funnel's joins.
                        joined: if matches!(via, Via::Direct) { 0 } else { count },
                        now: new.now,
                        start_sends: todo
                            .iter()
                            .any(|(i, _)| {
                                new.invitees[*i].options.schedule == Some(Schedule::ContractStart)
                            })
                            .then_some(new.contract.starts_at),
                    },
                    max_before,
                ),
            );
            items.push(
                self.put_audit(
                    &new.contract.id,
                    AuditRecord {
                        activities: Vec::new(),
                        at: new.now,
                        actor: Some(new.invited_by.clone()),
                        action: AuditAction::Invite,
                        subjects: todo
                            .iter()
                            .map(|(i, _)| new.invitees[*i].email.identity().to_owned())
                            .collect(),
                        detail: None,
                        // Many invitations: each item is the record of its own invite.
                        invitation_id: None,
                    },
                ),
            );

            match via {
                Via::Direct => {}
                Via::Link(link) => items.push(tx_update(self.link_use(link, count, new.now))),
                Via::Waiting(entry) => items.push(self.leave_waiting_list(entry)),
            }
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

            let (still, invitation_conflict) = answer_conflicts(new, todo, &reasons, outcomes)?;
            todo = still;

            // The link moved on (turned off, regenerated, used up, its window changed): nothing
            // of this try happened; the caller reads the link again to say why.
            match via {
                Via::Link(_) if failed_condition(reasons.last()) => {
                    return Err(CreateError::LinkRefused)
                }
                // Removed by an admin, or promoted by another run, meanwhile.
                Via::Waiting(_) if failed_condition(reasons.last()) => {
                    return Err(CreateError::NoLongerWaiting)
                }
                _ => {}
            }
            let contract_reason = reasons.get(contract_at);
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
}

/// The invitations a cancelled transaction's conditions name: each answered from what exists
/// (already invited or enrolled, an import's own row again) or planned again (a re-invite, or
/// a new try); and whether any invitation's condition failed.
fn answer_conflicts(
    new: &NewInvitations<'_>,
    todo: Vec<(usize, Plan)>,
    reasons: &[CancellationReason],
    outcomes: &mut [Option<InviteOutcome>],
) -> Result<(Vec<(usize, Plan)>, bool), CreateError> {
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
    Ok((still, invitation_conflict))
}

/// The parts of an invite its options decide (issue 31): a scheduled mail (delivery, wake-up,
/// the link's expiry from the send) or one queued now, the group and the mail's language.
fn invite_options(
    who: &Invitee,
    c: &Contract,
    now: chrono::DateTime<chrono::Utc>,
    set: &mut Vec<&'static str>,
    remove: &mut Vec<&'static str>,
    values: &mut Item,
) {
    match who.options.schedule {
        Some(schedule) => {
            let due = schedule.due(c);
            values.insert(":delivery".into(), s("scheduled"));
            values.insert(":wake".into(), ms(due));
            values.insert(":send_at".into(), s(schedule.to_stored()));
            // Counted from the mail; the release sets it again from then.
            values.insert(":exp".into(), ms(c.invitation_expiry(due)));
            remove.retain(|a| *a != "send_at");
            remove.extend(["send_shard", "send_due_at"]);
        }
        None => {
            values.insert(":delivery".into(), s("queued"));
            values.insert(":exp".into(), ms(c.invitation_expiry(now)));
            values.insert(":shard".into(), s(send_shard(&c.id, who.email.identity())));
            values.insert(":due".into(), ms(now + super::delivery::QUEUED_LIMIT));
        }
    }
    // The group and the mail's language (issue 31).
    match &who.options.group {
        Some(group) => {
            set.push("cohort = :cohort");
            values.insert(":cohort".into(), s(group.as_str()));
        }
        None => remove.push("cohort"),
    }
    match who.options.language {
        Some(language) => {
            set.push("#language = :language");
            values.insert(":language".into(), s(language.code()));
        }
        None => remove.push("#language"),
    }
}
