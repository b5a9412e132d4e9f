//! What the admin API answers with: the domain, turned into the wire types the site reads
//! (functions/wire). Every domain -> wire conversion of the admin routes is here.

use chrono::{DateTime, Utc};
use invitations_core::domain::{self, *};
use invitations_wire as wire;

pub use invitations_core::to_wire::{kind, timestamp};

pub fn phase(phase: Phase) -> wire::Phase {
    match phase {
        Phase::Future => wire::Phase::Future,
        Phase::Active => wire::Phase::Active,
        Phase::Expired => wire::Phase::Expired,
    }
}

fn counts(c: StatusCounts) -> wire::StatusCounts {
    wire::StatusCounts {
        pending: c.pending,
        enrolled: c.enrolled,
        revoked: c.revoked,
    }
}

pub fn contract(c: &Contract, now: DateTime<Utc>) -> wire::Contract {
    wire::Contract {
        id: c.id.to_string(),
        name: c.name.clone(),
        kind: kind(c.kind),
        phase: phase(c.phase(now)),
        activities: c
            .activities
            .iter()
            .map(|a| wire::Activity {
                id: a.id.to_string(),
                name: a.name.clone(),
            })
            .collect(),
        needs_activity_choice: c.needs_activity_choice(),
        starts_at: timestamp(c.starts_at),
        ends_at: timestamp(c.ends_at),
        seat_limit: c.seat_limit,
        seats_used: c.counts.seats_used(),
        seats_left: c.seats_left(),
        counts: counts(c.counts),
        invitation_lifetime_days: c.invitation_lifetime_days,
        mail: mail_settings(&c.mail),
        reminders: reminder_plan(&c.reminders),
    }
}

pub fn language(l: Language) -> wire::MailLanguage {
    match l {
        Language::En => wire::MailLanguage::En,
        Language::Fr => wire::MailLanguage::Fr,
    }
}

pub fn language_from(l: wire::MailLanguage) -> Language {
    match l {
        wire::MailLanguage::En => Language::En,
        wire::MailLanguage::Fr => Language::Fr,
    }
}

pub fn mail_settings(m: &ContractMail) -> wire::MailSettings {
    let template = m.template();
    wire::MailSettings {
        language: language(m.language),
        subject: template.subject().to_owned(),
        message: template.message().to_owned(),
        custom: m.custom.is_some(),
    }
}

pub fn reminder_plan(p: &ReminderPlan) -> wire::ReminderPlan {
    wire::ReminderPlan {
        enabled: p.enabled,
        days_after_send: p.days_after_send,
        days_before_expiry: p.days_before_expiry,
        at_most: p.at_most,
    }
}

pub fn funnel(c: &Contract, f: &Funnel) -> wire::Funnel {
    wire::Funnel {
        invited: f.invited,
        delivered: f.delivered,
        enrolled: c.counts.enrolled,
        bounced: f.bounced,
        revoked: c.counts.revoked,
        expired: f.expired,
        joined: f.joined,
        pending: c.counts.pending,
        median_enrol_seconds: f.median_enrol_seconds(),
        enrolments_timed: f.enrolments_timed(),
        seat_limit: c.seat_limit,
        seats: f
            .seats
            .iter()
            .map(|d| wire::SeatsOnDay {
                day: d.day.format("%Y-%m-%d").to_string(),
                seats_used: d.seats_used,
                enrolled: d.enrolled,
            })
            .collect(),
    }
}

/// People's names by user id: the directory's, for showing who did what (never an id).
pub type Names = std::collections::HashMap<UserId, String>;

/// A page of the list; `blocks` holds the blocked addresses among the page's (by identity),
/// `names` the inviters'.
pub fn invitation_list(
    page: &[Invitation],
    contract: &Contract,
    next_cursor: Option<String>,
    now: DateTime<Utc>,
    blocks: &std::collections::HashMap<String, ReportKind>,
    system_admin: bool,
    names: &Names,
) -> wire::InvitationList {
    let access = |i: &Invitation| RowAccess {
        block: blocks.get(i.email.identity()).copied(),
        system_admin,
    };
    wire::InvitationList {
        invitations: page
            .iter()
            .map(|i| invitation(i, contract, now, access(i), names))
            .collect(),
        next_cursor,
        counts: counts(contract.counts),
    }
}

fn shown_status(status: ShownStatus) -> wire::InvitationStatus {
    match status {
        ShownStatus::Pending => wire::InvitationStatus::Pending,
        ShownStatus::Expired => wire::InvitationStatus::Expired,
        ShownStatus::Enrolled => wire::InvitationStatus::Enrolled,
        ShownStatus::Revoked => wire::InvitationStatus::Revoked,
    }
}

fn delivery(d: &Delivery, report: Option<&DeliveryReport>) -> wire::Delivery {
    let (state, reason) = match d {
        Delivery::Queued => (wire::DeliveryState::Queued, None),
        Delivery::Sending { .. } => (wire::DeliveryState::Sending, None),
        Delivery::Sent { .. } => (wire::DeliveryState::Sent, None),
        Delivery::Failed { reason } => (wire::DeliveryState::Failed, Some(reason.clone())),
        Delivery::Scheduled => (wire::DeliveryState::Scheduled, None),
    };
    let report = report.map(|r| wire::MailReport {
        kind: match r.kind {
            ReportKind::Delivered => wire::MailReportKind::Delivered,
            ReportKind::Delayed => wire::MailReportKind::Delayed,
            ReportKind::BouncedTransient => wire::MailReportKind::BouncedTransient,
            ReportKind::BouncedPermanent => wire::MailReportKind::BouncedPermanent,
            ReportKind::Complained => wire::MailReportKind::Complained,
            ReportKind::Rejected => wire::MailReportKind::Rejected,
        },
        at: timestamp(r.at),
        detail: r.detail.clone(),
    });
    wire::Delivery {
        state,
        reason,
        report,
    }
}

/// What an invitation's row offers beyond its own state: whether its address is blocked (a
/// bounce or complaint stops its mail from every contract), and whether the caller is a
/// system administrator (who alone clears a complaint's block).
#[derive(Debug, Clone, Copy, Default)]
pub struct RowAccess {
    pub block: Option<ReportKind>,
    pub system_admin: bool,
}

pub fn invitation(
    inv: &Invitation,
    contract: &Contract,
    now: DateTime<Utc>,
    access: RowAccess,
    people: &Names,
) -> wire::Invitation {
    let (import_id, import_line) = match &inv.source {
        Source::Import { import_id, line } => (Some(import_id.to_string()), Some(*line)),
        Source::Manual | Source::JoinLink { .. } => (None, None),
    };
    let names = contract.activity_names(&inv.activities);
    // Resend and revoke act on stored Pending invitations, including those shown as Expired.
    let pending = inv.status == InvitationStatus::Pending;
    wire::Invitation {
        id: inv.id.to_string(),
        email: inv.email.to_string(),
        name: inv.name.clone(),
        registered: inv.user_id.is_some(),
        status: shown_status(inv.shown_status(now)),
        activities: inv
            .activities
            .iter()
            .zip(names)
            .map(|(id, name)| wire::Activity {
                id: id.to_string(),
                name,
            })
            .collect(),
        invited_by: inv.invited_by.to_string(),
        invited_by_name: people.get(&inv.invited_by).cloned(),
        invited_at: timestamp(inv.invited_at),
        expires_at: timestamp(inv.expires_at),
        delivery: delivery(&inv.delivery, inv.delivery_report.as_ref()),
        send_count: inv.send_count,
        last_sent_at: inv.last_sent_at.map(timestamp),
        enrolled_at: inv.enrolled_at.map(timestamp),
        revoked_at: inv.revoked_at.map(timestamp),
        revoked_by: inv.revoked_by.as_ref().map(ToString::to_string),
        import_id,
        import_line,
        // What the API allows, so the site offers nothing it would refuse (issue 26): no
        // Resend to a blocked address; a complaint's block is for system administrators.
        can_resend: pending && access.block.is_none(),
        can_clear_block: pending
            && access
                .block
                .is_some_and(|kind| kind != ReportKind::Complained || access.system_admin),
        can_revoke: pending,
        // The domain's rule, so that the site offers what the API allows.
        can_correct_address: pending && inv.mail_failed(),
        schedule: match (&inv.delivery, inv.options.schedule) {
            (Delivery::Scheduled, Some(s)) if pending => Some(wire::ScheduledSend {
                at: timestamp(s.due(contract)),
                at_contract_start: s == Schedule::ContractStart,
            }),
            _ => None,
        },
        group: inv.options.group.as_ref().map(ToString::to_string),
        language: inv.options.language.map(language),
    }
}

pub fn history_action(action: AuditAction) -> Option<wire::HistoryAction> {
    Some(match action {
        AuditAction::Invite => wire::HistoryAction::Invited,
        AuditAction::Reinvite => wire::HistoryAction::Reinvited,
        AuditAction::Resend => wire::HistoryAction::Resent,
        AuditAction::Sent => wire::HistoryAction::Sent,
        AuditAction::SendFailed => wire::HistoryAction::SendFailed,
        AuditAction::Revoke => wire::HistoryAction::Revoked,
        AuditAction::Enrol => wire::HistoryAction::Enrolled,
        AuditAction::CorrectAddress => wire::HistoryAction::AddressCorrected,
        AuditAction::ClearBlock => wire::HistoryAction::BlockCleared,
        AuditAction::MailReport => wire::HistoryAction::MailReport,
        AuditAction::Extend => wire::HistoryAction::Extended,
        AuditAction::Remind => wire::HistoryAction::Reminded,
        AuditAction::Expire => wire::HistoryAction::Expired,
        // Never about one invitation.
        AuditAction::Import
        | AuditAction::AddAdmin
        | AuditAction::RemoveAdmin
        | AuditAction::ContractSettings
        | AuditAction::TestMail
        | AuditAction::Forget => return None,
    })
}

/// One page of an invitation's history; `names` holds the actors' directory names.
pub fn history(
    id: &InvitationId,
    page: &invitations_core::ports::HistoryPage,
    names: &std::collections::HashMap<UserId, Option<String>>,
) -> wire::InvitationHistory {
    wire::InvitationHistory {
        invitation_id: id.to_string(),
        entries: page
            .entries
            .iter()
            .filter_map(|e| {
                Some(wire::HistoryEntry {
                    at: timestamp(e.at),
                    action: history_action(e.action)?,
                    actor: e.actor.as_ref().map(ToString::to_string),
                    actor_name: e
                        .actor
                        .as_ref()
                        .and_then(|a| names.get(a).cloned().flatten()),
                    detail: e.detail.clone(),
                })
            })
            .collect(),
        next_cursor: page.next_cursor.clone(),
    }
}

pub fn outcome(outcome: &InviteOutcome) -> wire::InviteOutcome {
    match outcome {
        InviteOutcome::Invited { .. } => wire::InviteOutcome::Invited,
        InviteOutcome::Reinvited { .. } => wire::InviteOutcome::Reinvited,
        InviteOutcome::AlreadyInvited { .. } => wire::InviteOutcome::AlreadyInvited,
        InviteOutcome::AlreadyEnrolled { .. } => wire::InviteOutcome::AlreadyEnrolled,
        InviteOutcome::InvalidEmail { .. } => wire::InviteOutcome::InvalidEmail,
        InviteOutcome::Duplicate { .. } => wire::InviteOutcome::Duplicate,
        InviteOutcome::OverSeatLimit => wire::InviteOutcome::OverSeatLimit,
        InviteOutcome::Waiting => wire::InviteOutcome::Waiting,
        InviteOutcome::UnknownUser => wire::InviteOutcome::UnknownUser,
        InviteOutcome::DoNotInvite => wire::InviteOutcome::DoNotInvite,
    }
}

/// One person of an add request: what was sent, the address it stands for, and what happened.
pub fn person_result(
    input: String,
    email: Option<String>,
    result: &InviteOutcome,
) -> wire::PersonResult {
    let invitation_id = match result {
        InviteOutcome::Invited { invitation_id }
        | InviteOutcome::Reinvited { invitation_id }
        | InviteOutcome::AlreadyInvited { invitation_id }
        | InviteOutcome::AlreadyEnrolled { invitation_id } => Some(invitation_id.to_string()),
        InviteOutcome::InvalidEmail { .. }
        | InviteOutcome::Duplicate { .. }
        | InviteOutcome::OverSeatLimit
        | InviteOutcome::Waiting
        | InviteOutcome::UnknownUser
        | InviteOutcome::DoNotInvite => None,
    };
    wire::PersonResult {
        input,
        email,
        outcome: outcome(result),
        invitation_id,
        detail: result.describe(),
    }
}

/// The results of an add request, with how many had each outcome.
pub fn add_result(results: Vec<wire::PersonResult>) -> wire::AddResult {
    let mut summary = std::collections::BTreeMap::new();
    for r in &results {
        *summary.entry(r.outcome).or_default() += 1;
    }
    wire::AddResult { results, summary }
}

/// A person as a system administrator sees them (with their system administration).
pub fn user(u: &User) -> wire::User {
    wire::User {
        system_admin: Some(u.system_admin),
        ..directory_user(u)
    }
}

/// A person as anyone who may search the directory sees them: without who administers the
/// system (issue 26).
pub fn directory_user(u: &User) -> wire::User {
    wire::User {
        id: u.id.to_string(),
        email: u.email.to_string(),
        name: u.name.clone(),
        system_admin: None,
        email_verified: u.email_verified,
        standing: standing(u.standing),
        removed_at: match u.standing {
            Standing::Removed { noticed_at } => Some(timestamp(noticed_at)),
            _ => None,
        },
    }
}

/// A person's standing in the sign-in service (issue 32).
pub fn standing(s: Standing) -> wire::Standing {
    match s {
        Standing::Active => wire::Standing::Active,
        Standing::Disabled => wire::Standing::Disabled,
        Standing::Removed { .. } => wire::Standing::Removed,
    }
}

/// An admin of a contract, with their directory entry if they still have one.
pub fn admin(id: &UserId, user: Option<&User>) -> wire::Admin {
    wire::Admin {
        id: id.to_string(),
        name: user.map(|u| u.name.clone()),
        email: user.map(|u| u.email.as_entered().to_owned()),
        standing: user.map(|u| standing(u.standing)),
    }
}

/// An import as the admin follows it: the stored record without its storage fields (the report's
/// key), with whether it has stalled at `now` and, when asked for, a link to the report.
pub fn import(
    i: &domain::Import,
    now: DateTime<Utc>,
    report_url: Option<String>,
    names: &Names,
) -> wire::Import {
    let (state, reason) = match &i.status {
        ImportStatus::Queued => (wire::ImportState::Queued, None),
        ImportStatus::Running => (wire::ImportState::Running, None),
        ImportStatus::Done => (wire::ImportState::Done, None),
        ImportStatus::Failed { reason } => (wire::ImportState::Failed, Some(reason.clone())),
    };
    let c = &i.counts;
    wire::Import {
        id: i.id.to_string(),
        contract_id: i.contract_id.to_string(),
        status: wire::ImportStatus { state, reason },
        activities: i.activities.iter().map(ToString::to_string).collect(),
        created_by: i.created_by.as_ref().map(ToString::to_string),
        created_by_name: i.created_by.as_ref().and_then(|id| names.get(id).cloned()),
        created_at: timestamp(i.created_at),
        updated_at: timestamp(i.updated_at),
        file_name: i.file_name.clone(),
        rows_read: i.rows_read,
        counts: wire::ImportCounts {
            invited: c.invited,
            reinvited: c.reinvited,
            already_invited: c.already_invited,
            already_enrolled: c.already_enrolled,
            invalid_email: c.invalid_email,
            duplicate: c.duplicate,
            over_seat_limit: c.over_seat_limit,
            address_blocked: c.address_blocked,
            invalid_value: c.invalid_value,
            do_not_invite: c.do_not_invite,
        },
        first_bad_rows: i
            .first_bad_rows
            .iter()
            .map(|r| wire::BadRow {
                line: r.line,
                value: r.value.clone(),
                reason: r.reason.clone(),
            })
            .collect(),
        stalled: i.stall(now).map(|s| match s {
            Stall::UploadNeverArrived => wire::Stall::UploadNeverArrived,
            Stall::NoProgress => wire::Stall::NoProgress,
        }),
        refused_uploads: i.refused_uploads,
        put_by: i.put_by.clone(),
        mode: match i.mode {
            domain::ImportMode::Invite => wire::ImportMode::Invite,
            domain::ImportMode::Check => wire::ImportMode::Check,
        },
        checked_by: i.checked_by.as_ref().map(ToString::to_string),
        report_url,
        columns: i.columns.iter().map(import_column).collect(),
        ignored_columns: i.ignored_columns.clone(),
    }
}

fn import_column(c: &domain::import::ImportColumn) -> wire::ImportColumn {
    use domain::import::ColumnKind as K;
    wire::ImportColumn {
        column: c.column,
        header: c.header.clone(),
        read_as: match c.read_as {
            K::Email => wire::ImportColumnKind::Email,
            K::Name => wire::ImportColumnKind::Name,
            K::FirstName => wire::ImportColumnKind::FirstName,
            K::LastName => wire::ImportColumnKind::LastName,
            K::Language => wire::ImportColumnKind::Language,
            K::Group => wire::ImportColumnKind::Group,
            K::SendAt => wire::ImportColumnKind::SendAt,
        },
    }
}

#[cfg(test)]
mod tests {
    //! The round trip: what these conversions write, the site reads back as the same value.

    use super::*;
    use chrono::{Duration, TimeZone};
    use serde::{de::DeserializeOwned, Serialize};

    /// Written as the server writes it, read as the site reads it.
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) -> T {
        let json = serde_json::to_string(value).unwrap();
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn voucher() -> Contract {
        let mut c = testkit::contract("c1")
            .name("Nursing 2026")
            .voucher(&["a1", "a2"])
            .admin("ada")
            .seats(10)
            .around(at())
            .started_days_ago(1)
            .ends_in_days(300)
            .build();
        c.counts = StatusCounts {
            pending: 2,
            enrolled: 1,
            revoked: 4,
        };
        c
    }

    #[test]
    fn a_contract_goes_over_the_wire_unchanged() {
        let sent = contract(&voucher(), at());
        assert_eq!(round_trip(&sent), sent);
        assert_eq!(sent.phase, wire::Phase::Active);
        assert!(sent.needs_activity_choice);
        assert_eq!((sent.seats_used, sent.seats_left), (3, Some(7)));
        assert_eq!(sent.starts_at, "2026-03-01T09:00:00Z");
    }

    #[test]
    fn an_invitation_goes_over_the_wire_with_what_the_admin_may_do() {
        let c = voucher();
        let inv = Invitation {
            delivery_report: None,
            id: InvitationId::random(),
            contract_id: c.id.clone(),
            email: EmailAddress::parse("Ann@Example.com").unwrap(),
            status: InvitationStatus::Pending,
            activities: vec![ActivityId::parse("a2").unwrap()],
            user_id: None,
            name: None,
            invited_by: UserId::parse("ada").unwrap(),
            invited_at: at() - Duration::days(20),
            source: Source::Import {
                import_id: ImportId::new(at()),
                line: 7,
            },
            token_version: 3,
            expires_at: at() - Duration::days(6),
            send_count: 1,
            last_queued_at: at() - Duration::days(20),
            last_sent_at: None,
            delivery: Delivery::Failed {
                reason: "mailbox full".into(),
            },
            enrolled_at: None,
            revoked_by: None,
            revoked_at: None,
            reinvited: false,
            reminders_sent: 0,
            reminder: None,
            remind_at: None,
            expiry_counted: false,
            options: Default::default(),
        };
        let sent = invitation_list(
            std::slice::from_ref(&inv),
            &c,
            Some("next".into()),
            at(),
            &Default::default(),
            false,
            &Names::from([(inv.invited_by.clone(), "Ada Lovelace".to_owned())]),
        );
        assert_eq!(round_trip(&sent), sent);
        let sent = &sent.invitations[0];
        // The inviter by name, as the row shows them (issue 28).
        assert_eq!(sent.invited_by_name.as_deref(), Some("Ada Lovelace"));
        // Past its expiry it is shown Expired, and may still be resent or revoked.
        assert_eq!(sent.status, wire::InvitationStatus::Expired);
        assert!(sent.can_resend && sent.can_revoke);
        assert_eq!(sent.delivery.reason.as_deref(), Some("mailbox full"));
        assert_eq!(sent.activities[0].name, "Course a2");
        assert_eq!(sent.import_line, Some(7));
    }

    #[test]
    fn outcomes_go_over_the_wire_as_enums_with_a_summary() {
        let reinvited = InvitationId::random();
        let results = vec![
            person_result(
                "ann@example.com".into(),
                Some("ann@example.com".into()),
                &InviteOutcome::Reinvited {
                    invitation_id: reinvited.clone(),
                },
            ),
            person_result(
                "bob@".into(),
                None,
                &InviteOutcome::InvalidEmail {
                    reason: EmailError::EmptyDomain.sentence("the address"),
                },
            ),
        ];
        let sent = add_result(results);
        let read = round_trip(&sent);
        assert_eq!(read, sent);
        assert!(read.results[0].is_invited());
        assert_eq!(read.results[0].invitation_id, Some(reinvited.to_string()));
        assert_eq!(read.results[1].outcome, wire::InviteOutcome::InvalidEmail);
        assert_eq!(
            read.results[1].detail,
            "The address has nothing after the @: write it as name@example.org."
        );
        assert_eq!(read.summary[&wire::InviteOutcome::Reinvited], 1);
    }

    #[test]
    fn an_import_goes_over_the_wire_without_its_storage_key() {
        let stored = domain::Import {
            id: ImportId::new(at()),
            contract_id: ContractId::parse("c1").unwrap(),
            status: ImportStatus::Running,
            activities: vec![],
            created_by: None,
            created_at: at(),
            updated_at: at(),
            file_name: Some("spring.csv".into()),
            rows_read: 40,
            counts: ImportCounts::default(),
            first_bad_rows: vec![],
            report_key: Some("reports/c1/secret.csv".into()),
            upload: Some("0055AED6DCD90281E5".into()),
            refused_uploads: 1,
            put_by: Some("AWS:AROAEXAMPLE:ops".into()),
            announced_size: None,
            mode: ImportMode::Invite,
            checked_by: None,
            file_key: None,
            file_etag: None,
            send_at: None,
            group: None,
            language: None,
            columns: vec![],
            ignored_columns: vec![],
            chunks: 0,
        };
        let sent = import(&stored, at() + Duration::hours(1), None, &Names::new());
        assert_eq!(round_trip(&sent), sent);
        assert_eq!(sent.stalled, Some(wire::Stall::NoProgress));
        assert!(sent.is_finished());
        let json = serde_json::to_string(&sent).unwrap();
        assert!(
            !json.contains("report_key") && !json.contains("secret"),
            "{json}"
        );
    }
}
