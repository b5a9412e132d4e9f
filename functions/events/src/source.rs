//! Which stream record makes which event, and its id: pure, tested with the stream's own JSON.

use aws_lambda_events::event::dynamodb::EventRecord;
use chrono::{DateTime, SecondsFormat, Utc};
use invitations_core::adapters::dynamo::items::{
    audit_from, contract_from, import_from, invitation_from, Item,
};
use invitations_core::adapters::dynamo::waiting::{join_refusal_from, waiting_entry_from};
use invitations_core::adapters::dynamo::CorruptItem;
use invitations_core::domain::import::{ImportMode, ImportStatus};
use invitations_core::domain::waiting::Line;
use invitations_core::domain::{AuditAction, AuditRecord, InvitationStatus, Source};
use invitations_wire::events::{
    ContractEvent, EventData, EventType, ImportEvent, InvitationEvent, JoinEvent, ProductEvent,
};
use sha2::{Digest, Sha256};

/// The event a record makes, if any.
pub fn event_of(record: &EventRecord) -> Result<Option<ProductEvent>, CorruptItem> {
    let new: Item = record.change.new_image.clone().into();
    let kind = match new.get("type").and_then(|v| v.as_s().ok()) {
        Some(kind) => kind.as_str(),
        None => return Ok(None),
    };
    match (record.event_name.as_str(), kind) {
        // An invite is recorded by the invitation item itself (one audit record covers a whole
        // add); a revoke later copies it into the history under `#invite`, which is no event.
        ("INSERT" | "MODIFY", "invitation") => {
            let old: Item = record.change.old_image.clone().into();
            invited(record, &new, (!old.is_empty()).then_some(&old))
        }
        ("INSERT", "history") if sk_of(&new).ends_with("#invite") => Ok(None),
        ("INSERT", "history") => Ok(invitation_event(record, &new, &audit_from(&new)?)),
        ("INSERT", "audit") if !new.contains_key("about_invitation") => {
            Ok(contract_event(&new, &audit_from(&new)?))
        }
        ("MODIFY", "import") => {
            let old: Item = record.change.old_image.clone().into();
            import_finished(&new, &old)
        }
        // Someone joined a line (the waiting list, or the requests an admin approves), or an
        // admin refused a request: the line's entry, or the refusal's mail item, is new.
        ("INSERT", "waiting") => joined_a_line(&new).map(Some),
        ("INSERT", "join_refusal") => refused(&new).map(Some),
        ("MODIFY", "contract") => {
            let old: Item = record.change.old_image.clone().into();
            seats_exhausted(record, &new, &old)
        }
        _ => Ok(None),
    }
}

/// `evt_` and 32 hex digits of SHA-256 over the item's key and what else names the change.
pub fn event_id(item: &Item, also: &str) -> String {
    let key = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    let mut hash = Sha256::new();
    for part in [key("pk"), key("sk"), Some(also.to_owned())]
        .into_iter()
        .flatten()
    {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("evt_{hex}")
}

fn sk_of(item: &Item) -> &str {
    item.get("sk")
        .and_then(|v| v.as_s().ok())
        .map_or("", String::as_str)
}

fn contract_id_of(item: &Item) -> String {
    item.get("pk")
        .and_then(|v| v.as_s().ok())
        .and_then(|pk| invitations_core::adapters::dynamo::items::contract_of_pk(pk))
        .unwrap_or_default()
        .to_owned()
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The type of an invitation's history entry; `None` for entries no consumer needs (a test).
fn invitation_type(record: &AuditRecord) -> Option<EventType> {
    Some(match record.action {
        // The invitation item records these (see `invited`).
        AuditAction::Invite | AuditAction::Reinvite => return None,
        AuditAction::Sent => EventType::InvitationSent,
        AuditAction::SendFailed => EventType::InvitationSendFailed,
        AuditAction::Resend => EventType::InvitationResent,
        AuditAction::Extend => EventType::InvitationExtended,
        AuditAction::Revoke => EventType::InvitationRevoked,
        AuditAction::Enrol => EventType::EnrolmentCreated,
        AuditAction::CorrectAddress => EventType::InvitationAddressCorrected,
        AuditAction::ClearBlock => EventType::InvitationBlockCleared,
        AuditAction::Expire => EventType::InvitationExpired,
        AuditAction::Remind => EventType::InvitationReminded,
        // The detail starts with the report's kind (`delivered`, `bounced_permanent: ...`).
        AuditAction::MailReport => {
            let detail = record.detail.as_deref().unwrap_or_default();
            match detail.split(':').next().unwrap_or_default() {
                "delivered" => EventType::InvitationDelivered,
                "bounced_permanent" | "bounced_transient" => EventType::InvitationBounced,
                "complained" => EventType::InvitationComplained,
                _ => EventType::InvitationMailReported,
            }
        }
        AuditAction::Import
        | AuditAction::AddAdmin
        | AuditAction::RemoveAdmin
        | AuditAction::ContractSettings
        | AuditAction::TestMail
        | AuditAction::Forget => return None,
    })
}

/// The stream record's sequence number: the order of the contract's changes.
fn sequence_of(record: &EventRecord) -> String {
    record.change.sequence_number.clone().unwrap_or_default()
}

fn ids<T: ToString>(ids: &[T]) -> Vec<String> {
    ids.iter().map(ToString::to_string).collect()
}

fn invitation_event(
    stream: &EventRecord,
    item: &Item,
    record: &AuditRecord,
) -> Option<ProductEvent> {
    let kind = invitation_type(record)?;
    let invitation_id = record.invitation_id.as_ref()?;
    // A correction's subjects are the old address, then the new one.
    let email = record.subjects.last().cloned().unwrap_or_default();
    let detail = record.detail.clone();
    Some(ProductEvent {
        id: event_id(item, ""),
        kind,
        timestamp: at(record.at),
        data: EventData::Invitation(InvitationEvent {
            contract_id: contract_id_of(item),
            invitation_id: invitation_id.to_string(),
            email,
            actor_id: record.actor.as_ref().map(ToString::to_string),
            detail,
            activities: ids(&record.activities),
            sequence: sequence_of(stream),
        }),
    })
}

fn contract_event(item: &Item, record: &AuditRecord) -> Option<ProductEvent> {
    let contract_id = contract_id_of(item);
    let (kind, subject_id) = match record.action {
        AuditAction::AddAdmin => (EventType::ContractAdminAdded, record.subjects.first()),
        AuditAction::RemoveAdmin => (EventType::ContractAdminRemoved, record.subjects.first()),
        AuditAction::ContractSettings => (EventType::ContractSettingsChanged, None),
        AuditAction::Import => {
            return Some(ProductEvent {
                id: event_id(item, ""),
                kind: EventType::ImportStarted,
                timestamp: at(record.at),
                data: EventData::Import(ImportEvent {
                    contract_id,
                    import_id: record.subjects.first().cloned().unwrap_or_default(),
                    actor_id: record.actor.as_ref().map(ToString::to_string),
                    state: invitations_wire::ImportState::Running,
                    mode: invitations_wire::ImportMode::Invite,
                    rows_read: 0,
                    invited: 0,
                    reason: record.detail.clone(),
                }),
            })
        }
        _ => return None,
    };
    Some(ProductEvent {
        id: event_id(item, ""),
        kind,
        timestamp: at(record.at),
        data: EventData::Contract(ContractEvent {
            contract_id,
            actor_id: record.actor.as_ref().map(ToString::to_string),
            subject_id: subject_id.cloned(),
            detail: record.detail.clone(),
            seats_used: None,
            seat_limit: None,
        }),
    })
}

/// `invitation.created`: an invitation item written pending where there was none, or where it
/// was revoked (a re-invite). The id names the invite's time, which the item keeps until the
/// next invite, so a redelivery is the same event.
fn invited(
    stream: &EventRecord,
    new: &Item,
    old: Option<&Item>,
) -> Result<Option<ProductEvent>, CorruptItem> {
    let now = invitation_from(new)?;
    let before = old.map(invitation_from).transpose()?;
    let reinvited = match before.map(|b| b.status) {
        None => false,
        Some(InvitationStatus::Revoked) => true,
        Some(_) => return Ok(None),
    };
    if now.status != InvitationStatus::Pending {
        return Ok(None);
    }
    Ok(Some(ProductEvent {
        id: event_id(
            new,
            &format!("invite|{}", now.invited_at.timestamp_millis()),
        ),
        kind: EventType::InvitationCreated,
        timestamp: at(now.invited_at),
        data: EventData::Invitation(InvitationEvent {
            contract_id: now.contract_id.to_string(),
            invitation_id: now.id.to_string(),
            email: now.email.identity().to_owned(),
            actor_id: Some(now.invited_by.to_string()),
            detail: match (&now.source, reinvited) {
                (_, true) => Some("invited again after a revoke".to_owned()),
                (Source::JoinLink { link_id }, false) => {
                    Some(format!("joined through join link {link_id}"))
                }
                _ => None,
            },
            activities: ids(&now.activities),
            sequence: sequence_of(stream),
        }),
    }))
}

fn joined_a_line(new: &Item) -> Result<ProductEvent, CorruptItem> {
    let entry = waiting_entry_from(new)?;
    let kind = match entry.line {
        Line::Waiting => EventType::WaitingListJoined,
        Line::Approval => EventType::JoinRequestCreated,
    };
    Ok(ProductEvent {
        id: event_id(new, &format!("{}|{}", kind.as_str(), entry.id)),
        kind,
        timestamp: at(entry.joined_at),
        data: EventData::Join(JoinEvent {
            contract_id: entry.contract_id.to_string(),
            entry_id: entry.id.to_string(),
            email: entry.email.identity().to_owned(),
            link_id: entry.link_id.as_ref().map(ToString::to_string),
        }),
    })
}

fn refused(new: &Item) -> Result<ProductEvent, CorruptItem> {
    let refusal = join_refusal_from(new)?;
    let refused_at = invitations_core::adapters::dynamo::items::Reader(new).time("refused_at")?;
    let link = invitations_core::adapters::dynamo::items::Reader(new)
        .opt_s("link")
        .filter(|l| !l.is_empty())
        .map(str::to_owned);
    Ok(ProductEvent {
        id: event_id(new, "refused"),
        kind: EventType::JoinRequestRefused,
        timestamp: at(refused_at),
        data: EventData::Join(JoinEvent {
            contract_id: refusal.contract_id.to_string(),
            entry_id: refusal.id.to_string(),
            email: refusal.email.identity().to_owned(),
            link_id: link,
        }),
    })
}

/// An import item that leaves `running` (or `queued`) for `done` or `failed`: once, because only
/// one write makes that step.
fn import_finished(new: &Item, old: &Item) -> Result<Option<ProductEvent>, CorruptItem> {
    let (new_import, old_import) = (import_from(new)?, import_from(old)?);
    let ended = |s: &ImportStatus| matches!(s, ImportStatus::Done | ImportStatus::Failed { .. });
    if !ended(&new_import.status) || ended(&old_import.status) {
        return Ok(None);
    }
    let (state, reason) = match &new_import.status {
        ImportStatus::Failed { reason } => {
            (invitations_wire::ImportState::Failed, Some(reason.clone()))
        }
        _ => (invitations_wire::ImportState::Done, None),
    };
    let c = &new_import.counts;
    Ok(Some(ProductEvent {
        id: event_id(new, "finished"),
        kind: EventType::ImportFinished,
        timestamp: at(new_import.updated_at),
        data: EventData::Import(ImportEvent {
            contract_id: new_import.contract_id.to_string(),
            import_id: new_import.id.to_string(),
            actor_id: new_import.created_by.as_ref().map(ToString::to_string),
            state,
            mode: match new_import.mode {
                ImportMode::Invite => invitations_wire::ImportMode::Invite,
                ImportMode::Check => invitations_wire::ImportMode::Check,
            },
            rows_read: new_import.rows_read,
            invited: c.invited + c.reinvited,
            reason,
        }),
    }))
}

/// A contract item whose seats used reach its limit in this write (seats taken, or the limit
/// lowered). The id names the stream record, which a redelivery repeats and another write does
/// not: running out again after seats were freed is another event.
fn seats_exhausted(
    record: &EventRecord,
    new: &Item,
    old: &Item,
) -> Result<Option<ProductEvent>, CorruptItem> {
    let (now, before) = (contract_from(new)?, contract_from(old)?);
    let Some(limit) = now.seat_limit else {
        return Ok(None);
    };
    let used = now.counts.seats_used();
    let full_before = before
        .seat_limit
        .is_some_and(|l| before.counts.seats_used() >= l);
    if used < limit || full_before {
        return Ok(None);
    }
    let sequence = record.change.sequence_number.as_deref().unwrap_or_default();
    let stamp = record.change.approximate_creation_date_time;
    Ok(Some(ProductEvent {
        id: event_id(new, &format!("seats_exhausted|{sequence}")),
        kind: EventType::ContractSeatsExhausted,
        timestamp: at(stamp),
        data: EventData::Contract(ContractEvent {
            contract_id: now.id.to_string(),
            actor_id: None,
            subject_id: None,
            detail: None,
            seats_used: Some(used),
            seat_limit: Some(limit),
        }),
    }))
}
