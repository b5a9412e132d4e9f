//! What the admin API answers with: JSON views of the domain, in the product's words.

use chrono::{DateTime, Utc};
use invitations_core::domain::*;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ActivityView {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct ContractView {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub phase: &'static str,
    pub activities: Vec<ActivityView>,
    /// A voucher with several activities: the inviter picks some ("Step 2 of 2").
    pub needs_activity_choice: bool,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub seat_limit: Option<u64>,
    pub seats_used: u64,
    pub seats_left: Option<u64>,
    pub counts: StatusCounts,
    pub invitation_lifetime_days: u32,
}

pub fn kind_name(kind: ContractKind) -> &'static str {
    match kind {
        ContractKind::Subscription => "subscription",
        ContractKind::Voucher => "voucher",
    }
}

pub fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Future => "future",
        Phase::Active => "active",
        Phase::Expired => "expired",
    }
}

impl ContractView {
    pub fn new(c: &Contract, now: DateTime<Utc>) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.clone(),
            kind: kind_name(c.kind),
            phase: phase_name(c.phase(now)),
            activities: c
                .activities
                .iter()
                .map(|a| ActivityView {
                    id: a.id.to_string(),
                    name: a.name.clone(),
                })
                .collect(),
            needs_activity_choice: c.needs_activity_choice(),
            starts_at: c.starts_at,
            ends_at: c.ends_at,
            seat_limit: c.seat_limit,
            seats_used: c.counts.seats_used(),
            seats_left: c.seats_left(),
            counts: c.counts,
            invitation_lifetime_days: c.invitation_lifetime_days,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct DeliveryView {
    pub state: &'static str,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub registered: bool,
    pub status: ShownStatus,
    pub activities: Vec<ActivityView>,
    pub invited_by: String,
    pub invited_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub delivery: DeliveryView,
    pub send_count: u32,
    pub last_sent_at: Option<DateTime<Utc>>,
    pub enrolled_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub import_id: Option<String>,
    pub import_line: Option<u64>,
    /// What the admin may do now; the server still decides with its own conditions.
    pub can_resend: bool,
    pub can_revoke: bool,
}

impl InvitationView {
    pub fn new(inv: &Invitation, contract: &Contract, now: DateTime<Utc>) -> Self {
        let (import_id, import_line) = match &inv.source {
            Source::Import { import_id, line } => (Some(import_id.to_string()), Some(*line)),
            Source::Manual => (None, None),
        };
        let delivery = match &inv.delivery {
            Delivery::Queued => DeliveryView {
                state: "queued",
                reason: None,
            },
            Delivery::Sending { .. } => DeliveryView {
                state: "sending",
                reason: None,
            },
            Delivery::Sent { .. } => DeliveryView {
                state: "sent",
                reason: None,
            },
            Delivery::Failed { reason } => DeliveryView {
                state: "failed",
                reason: Some(reason.clone()),
            },
        };
        let names = contract.activity_names(&inv.activities);
        Self {
            id: inv.id.to_string(),
            email: inv.email.to_string(),
            name: inv.name.clone(),
            registered: inv.user_id.is_some(),
            status: inv.shown_status(now),
            activities: inv
                .activities
                .iter()
                .zip(names)
                .map(|(id, name)| ActivityView {
                    id: id.to_string(),
                    name,
                })
                .collect(),
            invited_by: inv.invited_by.to_string(),
            invited_at: inv.invited_at,
            expires_at: inv.expires_at,
            delivery,
            send_count: inv.send_count,
            last_sent_at: inv.last_sent_at,
            enrolled_at: inv.enrolled_at,
            revoked_at: inv.revoked_at,
            revoked_by: inv.revoked_by.as_ref().map(ToString::to_string),
            import_id,
            import_line,
            can_resend: inv.status == InvitationStatus::Pending,
            can_revoke: inv.status == InvitationStatus::Pending,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email.to_string(),
            name: u.name.clone(),
        }
    }
}
