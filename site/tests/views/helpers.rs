//! What every view test builds on: rendering a view to HTML and reading it as a person (or a
//! screen reader) would, and the one place the wire values the views are given are made
//! (contracts, invitations, imports, people, admins, the student's page, the funnel).

use site::api::*;
use yew::prelude::*;
use yew::ServerRenderer;
use yew_router::history::{AnyHistory, MemoryHistory};
use yew_router::Router;

// ---------------------------------------------------------------------------------------------
// Rendering and reading
// ---------------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct FrameProps {
    view: Html,
}

/// Views with links need a router around them.
#[component]
fn Frame(props: &FrameProps) -> Html {
    html! {
        <Router history={AnyHistory::from(MemoryHistory::new())}>{props.view.clone()}</Router>
    }
}

/// The view's HTML, rendered on the server (inside a router).
pub fn render(view: impl FnOnce() -> Html + Send + 'static) -> String {
    futures::executor::block_on(
        ServerRenderer::<Frame>::with_props(move || FrameProps { view: view() })
            .hydratable(false)
            .render(),
    )
}

/// The rendered text without tags, for asserting on what a person reads.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The opening tag of the element with this id (attribute order is yew's, so tests look inside).
pub fn tag<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

/// The text of the table row with this id.
pub fn row_text(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("<tr id=\"{id}\""))
        .unwrap_or_else(|| panic!("no row {id} in {html}"));
    let end = at + html[at..].find("</tr>").unwrap();
    text(&html[at..end])
}

/// The text from where `start` is found to the first `end` after it (a label, a button).
pub fn text_between(html: &str, start: &str, end: &str) -> String {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    text(&html[at..at + html[at..].find(end).unwrap()])
}

/// A map by id (a table's row states, its open history panels, an admin's removals).
pub fn by_id<T, const N: usize>(entries: [(&str, T); N]) -> site::by_id::ById<T> {
    entries
        .into_iter()
        .map(|(id, value)| (id.to_owned(), value))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Wire fixtures
// ---------------------------------------------------------------------------------------------

/// A refusal as the API sends it (a problem document).
pub fn problem(status: u16, code: &str, detail: &str) -> ApiError {
    ApiError {
        status,
        code: code.into(),
        title: "Gone".into(),
        detail: detail.into(),
    }
}

/// A contract of this kind ("voucher", "subscription") with `activities` activities: 20 seats,
/// 8 used (5 pending, 3 enrolled, 2 revoked), the standard English mail, a reminder plan.
pub fn contract(kind: &str, activities: usize, phase: &str) -> Contract {
    let acts: Vec<_> = (1..=activities)
        .map(|i| serde_json::json!({"id": format!("a{i}"), "name": format!("Activity {i}")}))
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": format!("{kind}-{activities}"), "name": format!("Nursing {kind}"), "kind": kind,
        "phase": phase, "activities": acts,
        "needs_activity_choice": kind == "voucher" && activities > 1,
        "starts_at": "2025-01-01T00:00:00Z", "ends_at": "2025-12-31T00:00:00Z",
        "seat_limit": 20, "seats_used": 8, "seats_left": 12,
        "counts": {"pending": 5, "enrolled": 3, "revoked": 2}, "invitation_lifetime_days": 14,
        "mail": {"language": "en", "subject": "You're invited to {contract}",
                 "message": "You have been invited by {inviter} to join the learning contract \"{contract}\".",
                 "custom": false},
        "reminders": {"enabled": true, "days_after_send": 3, "days_before_expiry": 2, "at_most": 2}
    }))
    .unwrap()
}

/// An invitation to `{id}@example.com`; the one with id "bounced" failed delivery.
pub fn invitation(id: &str, status: &str, can_act: bool) -> Invitation {
    serde_json::from_value(serde_json::json!({
        "id": id, "email": format!("{id}@example.com"), "name": null, "registered": true,
        "status": status, "activities": [{"id": "a1", "name": "Anatomy"}],
        "invited_by": "admin-1", "invited_by_name": "Ann Admin", "invited_at": "2025-02-03T09:30:00Z",
        "expires_at": "2025-02-17T09:30:00Z",
        "delivery": if id == "bounced" { serde_json::json!({"state": "failed", "reason": "mailbox full"}) }
                    else { serde_json::json!({"state": "sent", "reason": null}) },
        "send_count": 1, "last_sent_at": "2025-02-03T09:31:00Z",
        "enrolled_at": null, "revoked_at": null, "revoked_by": null,
        "import_id": null, "import_line": null,
        "can_resend": can_act, "can_revoke": can_act, "can_correct_address": false,
        "can_clear_block": false
    }))
    .unwrap()
}

/// A pending invitation whose mail bounced for good: its address can be corrected.
pub fn bounced(id: &str) -> Invitation {
    let mut inv = invitation(id, "pending", true);
    inv.delivery = Delivery {
        state: DeliveryState::Sent,
        reason: None,
        report: Some(MailReport {
            kind: MailReportKind::BouncedPermanent,
            at: "2025-02-03T09:31:05Z".into(),
            detail: "Permanent (General): smtp; 550 5.1.1 user unknown".into(),
        }),
    };
    inv.can_correct_address = true;
    // Blocked: no Resend until the block is cleared (the API would refuse it).
    inv.can_resend = false;
    inv.can_clear_block = true;
    inv
}

/// A page of invitations, with no counts.
pub fn invitation_list(invitations: Vec<Invitation>, next_cursor: Option<&str>) -> InvitationList {
    InvitationList {
        invitations,
        next_cursor: next_cursor.map(Into::into),
        counts: StatusCounts::default(),
    }
}

/// One entry of an invitation's history.
pub fn history_entry(
    at: &str,
    action: HistoryAction,
    actor: Option<&str>,
    name: Option<&str>,
    detail: Option<&str>,
) -> HistoryEntry {
    HistoryEntry {
        at: at.into(),
        action,
        actor: actor.map(Into::into),
        actor_name: name.map(Into::into),
        detail: detail.map(Into::into),
    }
}

/// One entry of a contract's audit: `actor` (user id) named `name` when the directory knows
/// them.
pub fn audit_entry(
    at: &str,
    action: AuditAction,
    actor: Option<&str>,
    name: Option<&str>,
    subjects: &[&str],
) -> AuditEntry {
    AuditEntry {
        at: at.into(),
        action,
        actor: actor.map(Into::into),
        actor_name: name.map(Into::into),
        subjects: subjects.iter().map(|s| (*s).into()).collect(),
        invitation_id: None,
        detail: None,
    }
}

/// A page of a contract's audit.
pub fn audit_page(entries: Vec<AuditEntry>, next_cursor: Option<&str>) -> AuditPage {
    AuditPage {
        entries,
        next_cursor: next_cursor.map(Into::into),
    }
}

/// An import with nothing read yet.
pub fn new_import(id: &str, state: ImportState, reason: Option<&str>) -> Import {
    Import {
        id: id.into(),
        contract_id: "c1".into(),
        status: ImportStatus {
            state,
            reason: reason.map(Into::into),
        },
        activities: vec![],
        created_by: Some("admin-1".into()),
        created_by_name: Some("Ann Admin".into()),
        created_at: "2025-02-03T09:30:00Z".into(),
        updated_at: "2025-02-03T09:30:00Z".into(),
        file_name: None,
        rows_read: 0,
        counts: ImportCounts::default(),
        first_bad_rows: vec![],
        stalled: None,
        report_url: None,
        refused_uploads: 0,
        put_by: None,
        mode: ImportMode::Invite,
        checked_by: None,
        columns: vec![],
        ignored_columns: vec![],
    }
}

/// spring.csv, imported: 2,000 rows read, 1,990 invited, a bad row, and its report's link.
pub fn done_import() -> Import {
    Import {
        updated_at: "2025-02-03T09:31:00Z".into(),
        file_name: Some("spring.csv".into()),
        rows_read: 2000,
        counts: ImportCounts {
            invited: 1990,
            already_invited: 3,
            invalid_email: 5,
            duplicate: 2,
            ..ImportCounts::default()
        },
        first_bad_rows: vec![BadRow {
            line: 7,
            value: "bob@".into(),
            reason: "invalid email address: no domain".into(),
        }],
        report_url: Some("https://s3.example/report?sig=1".into()),
        refused_uploads: 1,
        ..new_import("imp1", ImportState::Done, None)
    }
}

/// Someone in the directory, at `{id}@example.com`, address confirmed, no system administrator.
pub fn user(id: &str, name: &str) -> User {
    User {
        id: id.into(),
        email: format!("{id}@example.com"),
        name: name.into(),
        system_admin: Some(false),
        email_verified: true,
        standing: Standing::Active,
        removed_at: None,
    }
}

/// Someone in the directory, at this address.
pub fn user_at(id: &str, name: &str, email: &str) -> User {
    User {
        email: email.into(),
        ..user(id, name)
    }
}

/// Someone on the People page, a system administrator or not.
pub fn person(id: &str, name: &str, system_admin: bool) -> User {
    User {
        system_admin: Some(system_admin),
        ..user(id, name)
    }
}

/// The People page's list: two system administrators and Ann Lee.
pub fn people() -> Vec<User> {
    vec![
        person("sam-sysadmin", "Sam Sysadmin", true),
        person("ann-lee", "Ann Lee", false),
        person("max-ops", "Max Ops", true),
    ]
}

/// A contract's admins: Ada Lovelace, and someone no longer in the directory.
pub fn admins() -> Vec<Admin> {
    serde_json::from_value(serde_json::json!([
        {"id": "ada-admin", "name": "Ada Lovelace", "email": "ada@example.com"},
        {"id": "gone-admin", "name": null, "email": null}
    ]))
    .unwrap()
}

/// Someone the local sign-in offers.
pub fn local_user(user_id: &str, email: &str, name: &str, role: &str) -> LocalUser {
    LocalUser {
        user_id: user_id.into(),
        email: email.into(),
        name: name.into(),
        role: role.into(),
    }
}

/// What the student's link shows: new@example.com invited to Nursing 2025 by Ann Admin.
pub fn student_page(registered: bool, status: &str) -> InvitationPage {
    serde_json::from_value(serde_json::json!({
        "email": "new@example.com", "registered": registered, "status": status,
        "contract": {"name": "Nursing 2025", "kind": "voucher", "starts_at": "2025-01-01T00:00:00Z", "ends_at": "2025-12-31T00:00:00Z"},
        "activities": ["Anatomy", "Ethics"], "invited_by": "Ann Admin", "expires_at": "2025-02-17T09:30:00Z"
    }))
    .unwrap()
}

/// A contract's funnel (40 invited, 12 enrolled in a median of 5½ hours) with these days of
/// seats: (day, seats used, enrolled).
pub fn funnel(seats: Vec<(&str, u64, u64)>, seat_limit: Option<u64>) -> Funnel {
    Funnel {
        invited: 40,
        delivered: 36,
        enrolled: 12,
        bounced: 3,
        revoked: 2,
        expired: 1,
        joined: 0,
        pending: 25,
        median_enrol_seconds: Some(5 * 3600 + 1800),
        enrolments_timed: 12,
        seat_limit,
        seats: seats
            .into_iter()
            .map(|(day, seats_used, enrolled)| SeatsOnDay {
                day: day.into(),
                seats_used,
                enrolled,
            })
            .collect(),
    }
}
