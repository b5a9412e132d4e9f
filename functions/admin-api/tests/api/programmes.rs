//! Programmes on dates and groups (issue 31) through the API: mails sent now, later or at the
//! contract's start, groups with their filter and figures, each person's mail language, the
//! contract's dates (system administrators), each admin's own notifications.

use crate::helpers::*;
use chrono::{Duration, SecondsFormat};
use invitations_core::domain::*;
use invitations_core::ports::*;
use invitations_wire as wire;
use serde_json::json;
use testkit::As;

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl World {
    async fn groups(&self, c: &str, who: &As) -> Answer<wire::GroupList> {
        Ok(self
            .request("GET", &format!("/contracts/{c}/groups"), None, who)
            .await?
            .1)
    }

    async fn set_dates(
        &self,
        c: &str,
        body: serde_json::Value,
        who: &As,
    ) -> Answer<wire::Contract> {
        Ok(self
            .request("POST", &format!("/contracts/{c}/dates"), Some(body), who)
            .await?
            .1)
    }

    async fn notifications(
        &self,
        c: &str,
        body: Option<serde_json::Value>,
        who: &As,
    ) -> Answer<wire::NotificationSettings> {
        let method = if body.is_some() { "POST" } else { "GET" };
        Ok(self
            .request(method, &format!("/contracts/{c}/notifications"), body, who)
            .await?
            .1)
    }

    /// A contract of admin-a's that starts in ten days.
    async fn future_contract(&self) -> Contract {
        let c = testkit::contract("F")
            .subscription(&["f1"])
            .starts_at(self.now() + Duration::days(10))
            .ends_at(self.now() + Duration::days(100))
            .build();
        self.env.store.put_contract(&c).await.unwrap();
        c
    }
}

#[tokio::test]
async fn mails_go_now_at_a_chosen_time_or_at_the_contracts_start() {
    let w = World::new().await;
    let later = w.now() + Duration::days(2);
    let (ann, bob) = (w.env.email("ann"), w.env.email("bob"));
    let added = w
        .add(
            "A",
            json!({"emails": [ann], "activities": ["a1"], "send_at": {"when": "at", "at": time(later)},
                   "group": "  Spring   2027 ", "language": "fr"}),
            &ADMIN_A,
        )
        .await
        .unwrap();
    let id = ids(&added).remove(0);
    let row = w.one("A", &id, &ADMIN_A).await.unwrap();
    assert_eq!(row.delivery.state, wire::DeliveryState::Scheduled);
    assert_eq!(
        row.schedule,
        Some(wire::ScheduledSend {
            at: time(later),
            at_contract_start: false
        })
    );
    assert_eq!(row.group.as_deref(), Some("Spring 2027"), "tidied");
    assert_eq!(row.language, Some(wire::MailLanguage::Fr));
    assert!(row.can_resend, "send now is offered");
    assert_eq!(row.status, wire::InvitationStatus::Pending);
    // A started contract's "at its start" is now.
    let now = w
        .add(
            "A",
            json!({"emails": [bob], "activities": ["a1"], "send_at": {"when": "contract_start"}}),
            &ADMIN_A,
        )
        .await
        .unwrap();
    let row = w.one("A", &ids(&now).remove(0), &ADMIN_A).await.unwrap();
    assert_eq!(row.delivery.state, wire::DeliveryState::Queued);
    assert_eq!(row.schedule, None);

    // A contract that has not started: at its start unless told otherwise.
    let f = w.future_contract().await;
    let cy = w.env.email("cy");
    let at_start = w.add("F", json!({"emails": [cy]}), &ADMIN_A).await.unwrap();
    let row = w
        .one("F", &ids(&at_start).remove(0), &ADMIN_A)
        .await
        .unwrap();
    assert_eq!(
        row.schedule,
        Some(wire::ScheduledSend {
            at: time(f.starts_at),
            at_contract_start: true
        })
    );
    let dee = w.env.email("dee");
    let right_away = w
        .add(
            "F",
            json!({"emails": [dee], "send_at": {"when": "now"}}),
            &ADMIN_A,
        )
        .await
        .unwrap();
    let row = w
        .one("F", &ids(&right_away).remove(0), &ADMIN_A)
        .await
        .unwrap();
    assert_eq!(row.delivery.state, wire::DeliveryState::Queued);
}

#[tokio::test]
async fn a_send_time_or_group_that_cannot_be_is_refused_in_words() {
    let w = World::new().await;
    let who = w.env.email("who");
    let refused = w
        .add(
            "A",
            json!({"emails": [who], "activities": ["a1"], "send_at": {"when": "at", "at": "next tuesday"}}),
            &ADMIN_A,
        )
        .await;
    assert_eq!(refused.refusal(), (400, "invalid_send_at"));
    assert!(
        refused.detail().contains("next tuesday"),
        "{}",
        refused.detail()
    );
    let past_end = w.now() + Duration::days(4000);
    let refused = w
        .add(
            "A",
            json!({"emails": [who], "activities": ["a1"], "send_at": {"when": "at", "at": time(past_end)}}),
            &ADMIN_A,
        )
        .await;
    assert_eq!(refused.refusal(), (422, "invalid_send_at"));
    assert!(refused
        .detail()
        .contains("after the learning contract ends"));
    let refused = w
        .add(
            "A",
            json!({"emails": [who], "activities": ["a1"], "group": "x".repeat(61)}),
            &ADMIN_A,
        )
        .await;
    assert_eq!(refused.refusal(), (400, "invalid_group"));
    // Nothing was made.
    assert_eq!(w.count("A", "", &ADMIN_A).await.unwrap(), 0);
}

#[tokio::test]
async fn groups_filter_the_list_count_export_and_bulk_actions_and_have_figures() {
    let w = World::new().await;
    let spring = w.addresses(3, |i| format!("spring{i}"));
    let autumn = w.addresses(2, |i| format!("autumn{i}"));
    let later = w.now() + Duration::days(3);
    w.add(
        "A",
        json!({"emails": spring, "activities": ["a1"], "group": "Spring",
               "send_at": {"when": "at", "at": time(later)}}),
        &ADMIN_A,
    )
    .await
    .unwrap();
    w.add(
        "A",
        json!({"emails": autumn, "activities": ["a1"], "group": "Autumn"}),
        &ADMIN_A,
    )
    .await
    .unwrap();
    w.invite("A", &[w.env.email("alone")], &["a1"], &ADMIN_A)
        .await;

    let listed = w.list("A", "?group=Spring", &ADMIN_A).await.unwrap();
    assert_eq!(listed.invitations.len(), 3);
    assert!(listed
        .invitations
        .iter()
        .all(|i| i.group.as_deref() == Some("Spring")));
    assert_eq!(w.count("A", "?group=Autumn", &ADMIN_A).await.unwrap(), 2);
    let refused = w
        .list("A", &format!("?group={}", "y".repeat(61)), &ADMIN_A)
        .await;
    assert_eq!(refused.refusal(), (400, "invalid_group"));

    let groups = w.groups("A", &ADMIN_A).await.unwrap();
    let names: Vec<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Autumn", "Spring"]);
    assert_eq!(
        (groups.groups[1].pending, groups.groups[1].scheduled),
        (3, 3)
    );
    assert_eq!(
        (groups.groups[0].pending, groups.groups[0].scheduled),
        (2, 0)
    );
    assert_eq!(groups.ungrouped.pending, 1);

    // "Send now" to a whole group: the bulk resend on its filter, at once (nothing was sent).
    let sent = w
        .bulk(
            "A",
            "resend",
            json!({"filter": {"group": "Spring"}}),
            &ADMIN_A,
        )
        .await
        .unwrap();
    assert_eq!(sent.done, 3, "{sent:?}");
    let groups = w.groups("A", &ADMIN_A).await.unwrap();
    assert_eq!(groups.groups[1].scheduled, 0);

    let (status, _, csv) = w
        .download("/contracts/A/invitations/export?group=Autumn", &ADMIN_A)
        .await;
    assert_eq!(status, 200);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",group,scheduled for"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.contains(",Autumn,")), "{rows:?}");
}

#[tokio::test]
async fn only_system_administrators_move_a_contracts_dates() {
    let w = World::new().await;
    let dates = json!({"starts_at": time(w.now() - Duration::days(1)), "ends_at": time(w.now() + Duration::days(50))});
    let refused = w.set_dates("A", dates.clone(), &ADMIN_A).await;
    assert_eq!(refused.refusal(), (403, "forbidden"));
    assert!(refused.detail().contains("system administrators"));
    let moved = w.set_dates("A", dates, &SYSADMIN).await.unwrap();
    assert_eq!(moved.ends_at, time(w.now() + Duration::days(50)));
    let backwards =
        json!({"starts_at": time(w.now()), "ends_at": time(w.now() - Duration::days(1))});
    let refused = w.set_dates("A", backwards, &SYSADMIN).await;
    assert_eq!(refused.refusal(), (422, "invalid_dates"));
    let unreadable = json!({"starts_at": "soon", "ends_at": time(w.now())});
    let refused = w.set_dates("A", unreadable, &SYSADMIN).await;
    assert_eq!(refused.refusal(), (400, "invalid_dates"));
    // Audited as a settings change.
    let audit = w.audit("A").await;
    assert!(audit
        .iter()
        .any(|a| a.action == AuditAction::ContractSettings
            && a.detail
                .as_deref()
                .is_some_and(|d| d.starts_with("dates: "))));
}

#[tokio::test]
async fn each_admin_chooses_their_own_mail_about_a_contract() {
    let w = World::new().await;
    let off = w.notifications("A", None, &ADMIN_A).await.unwrap();
    assert_eq!(off.enrolments, wire::EnrolmentNotices::Off);
    let daily = json!({"enrolments": "daily", "seat_alerts": true});
    let saved = w
        .notifications("A", Some(daily.clone()), &ADMIN_A)
        .await
        .unwrap();
    assert_eq!(saved.enrolments, wire::EnrolmentNotices::Daily);
    assert!(saved.seat_alerts);
    let read = w.notifications("A", None, &ADMIN_A).await.unwrap();
    assert_eq!(read, saved);
    // Another admin's choice is their own.
    let sys = w.notifications("A", None, &SYSADMIN).await.unwrap();
    assert_eq!(sys.enrolments, wire::EnrolmentNotices::Off);
    // Without a confirmed address there is nowhere to send it.
    let refused = w
        .notifications("A", Some(daily), &As::UnconfirmedUser("admin-a"))
        .await;
    assert_eq!(refused.refusal(), (409, "no_address"));
    let stored = w
        .env
        .store
        .notice_setting(
            &ContractId::parse("A").unwrap(),
            &UserId::parse("admin-a").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.email.as_entered(), "admin-a@example.com");
}
