//! A contract's audit (issue 32): newest first, paged, filtered by person, action and days,
//! and exported as CSV and JSON with formula cells made plain.

use crate::helpers::*;
use chrono::Duration;
use invitations_wire as wire;
use serde_json::json;
use testkit::As;

impl World {
    async fn audit_page(&self, c: &str, query: &str, who: &As) -> Answer<wire::AuditPage> {
        Ok(self
            .request("GET", &format!("/contracts/{c}/audit{query}"), None, who)
            .await?
            .1)
    }
}

#[tokio::test]
async fn a_contracts_admins_page_and_filter_its_whole_audit() {
    let w = World::new().await;
    let people = w.addresses(3, |i| format!("aud{i}"));
    let invited = w.invite("A", &people, &["a1"], &ADMIN_A).await;
    let id = ids(&invited).remove(0);
    w.advance(Duration::minutes(2));
    w.resend("A", &id, &ADMIN_A).await.unwrap();
    w.advance(Duration::days(1));
    w.revoke("A", &id, &SYSADMIN).await.unwrap();
    w.advance(Duration::minutes(1));
    w.save_reminders(
        "A",
        json!({"enabled": false, "days_after_send": null, "days_before_expiry": null, "at_most": 1}),
        &ADMIN_A,
    )
    .await
    .unwrap();

    let all = w.audit_page("A", "", &ADMIN_A).await.unwrap();
    let actions: Vec<wire::AuditAction> = all.entries.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            wire::AuditAction::ContractSettings,
            wire::AuditAction::Revoke,
            wire::AuditAction::Resend,
            wire::AuditAction::Invite
        ],
        "newest first"
    );
    assert_eq!(all.entries[3].subjects.len(), 3, "one record for the batch");
    assert_eq!(all.entries[1].actor.as_deref(), Some("root"));
    assert_eq!(all.next_cursor, None);

    // Paged: two, then the rest, nothing twice.
    let first = w.audit_page("A", "?limit=2", &ADMIN_A).await.unwrap();
    assert_eq!(first.entries.len(), 2);
    let cursor = first.next_cursor.expect("a next page");
    let rest = w
        .audit_page("A", &format!("?limit=2&cursor={cursor}"), &ADMIN_A)
        .await
        .unwrap();
    let paged: Vec<_> = first.entries.iter().chain(&rest.entries).cloned().collect();
    assert_eq!(paged, all.entries);

    // By person, by action, by days.
    let by_root = w.audit_page("A", "?actor=root", &ADMIN_A).await.unwrap();
    assert_eq!(by_root.entries.len(), 1);
    let resends = w.audit_page("A", "?action=resend", &ADMIN_A).await.unwrap();
    assert_eq!(resends.entries.len(), 1);
    assert_eq!(
        resends.entries[0].invitation_id.as_deref(),
        Some(id.as_str())
    );
    let first_day = w.now() - Duration::days(1);
    let day = first_day.format("%Y-%m-%d");
    let that_day = w
        .audit_page("A", &format!("?from={day}&to={day}"), &ADMIN_A)
        .await
        .unwrap();
    assert_eq!(that_day.entries.len(), 2, "the invite and the resend");

    // Refused in words.
    for (query, code) in [
        ("?action=dance", "invalid_action"),
        ("?from=yesterday", "invalid_date"),
        ("?from=2026-03-05&to=2026-03-01", "invalid_date_range"),
        ("?cursor=bm90LW91cnM", "invalid_cursor"),
    ] {
        let refused = w.audit_page("A", query, &ADMIN_A).await;
        assert_eq!(refused.refusal().1, code, "{query}");
    }
    // Another contract's admin sees nothing of it.
    let refused = w.audit_page("A", "", &ADMIN_B).await;
    assert_eq!(refused.refusal(), (403, "forbidden"));
}

#[tokio::test]
async fn the_audit_exports_as_csv_and_json_with_formulas_made_plain() {
    let w = World::new().await;
    w.add(
        "A",
        json!({"emails": ["=cmd@example.com"], "activities": ["a1"]}),
        &ADMIN_A,
    )
    .await
    .unwrap();
    w.invite("A", &[w.env.email("plain")], &["a1"], &ADMIN_A)
        .await;
    let (status, disposition, csv) = w.download("/contracts/A/audit/export", &ADMIN_A).await;
    assert_eq!(status, 200, "{csv}");
    assert!(disposition.contains("audit-A-"), "{disposition}");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("at,action,by,by id,subjects,invitation,detail")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows.iter().any(|r| r.contains("'=cmd@example.com")),
        "{csv}"
    );
    assert!(rows.iter().all(|r| r.contains(",Invited,")), "{csv}");

    let (status, _, json) = w
        .download(
            "/contracts/A/audit/export?format=json&action=invite",
            &ADMIN_A,
        )
        .await;
    assert_eq!(status, 200);
    let entries: Vec<wire::AuditEntry> = serde_json::from_str(&json).unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries
        .iter()
        .all(|e| e.action == wire::AuditAction::Invite));
    let (status, _, refused) = w
        .download("/contracts/A/audit/export?format=xml", &ADMIN_A)
        .await;
    assert_eq!(status, 400, "{refused}");
}
