//! What the admins read back: each invitation's history, the Invitations tab as CSV, and the
//! contract's funnel.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::json;
use wire::HistoryAction as H;

/// The actions of a history, newest first, as (action, detail).
fn actions(entries: &[wire::HistoryEntry]) -> Vec<(H, String)> {
    entries
        .iter()
        .map(|e| (e.action, e.detail.clone().unwrap_or_default()))
        .collect()
}

fn owned(entries: &[(H, &str)]) -> Vec<(H, String)> {
    entries.iter().map(|(a, d)| (*a, (*d).to_owned())).collect()
}

/// Ann: sent (the mailer records twice), delivered (reported twice), resent, sent again,
/// revoked, re-invited; each once, newest first, by whom, and the same on pages of any size.
#[tokio::test]
async fn each_invitation_has_its_own_history_newest_first_and_paged() {
    let w = World::new().await;
    let ann = w.env.email("ann");
    let ann_id = &w.invite_one("ann").await;
    w.advance(Duration::seconds(5));
    w.mail_out(ann_id, "m-1").await;
    for _ in 0..2 {
        let at = t0() + Duration::seconds(10);
        w.report(ann_id, "m-1", ReportKind::Delivered, at).await;
    }
    w.advance(Duration::minutes(2));
    w.resend("A", ann_id, &ADMIN_A).await.unwrap();
    // Refused (too soon): no entry, as nothing changed.
    let too_soon = w.resend("A", ann_id, &ADMIN_A).await;
    assert_eq!(too_soon.refusal().0, 429);
    w.advance(Duration::seconds(5));
    w.mail_out(ann_id, "m-2").await;
    w.advance(Duration::minutes(1));
    w.revoke("A", ann_id, &SYSADMIN).await.unwrap();
    w.advance(Duration::minutes(1));
    let again = w
        .invite("A", std::slice::from_ref(&ann), &["a2"], &ADMIN_A)
        .await;
    assert_eq!(outcomes(&again), [wire::InviteOutcome::Reinvited]);

    let full = w.history("A", ann_id, 50).await;
    assert_eq!(
        actions(&full),
        owned(&[
            (H::Reinvited, ""),
            (H::Revoked, ""),
            (H::Sent, &format!("to {ann} (send 2)")),
            (H::Resent, ""),
            (H::MailReport, "delivered"),
            (H::Sent, &format!("to {ann}")),
            (H::Invited, ""),
        ])
    );
    let actors: Vec<Option<&str>> = full.iter().map(|e| e.actor.as_deref()).collect();
    assert_eq!(
        actors,
        [
            Some("admin-a"),
            Some("root"),
            None,
            Some("admin-a"),
            None,
            None,
            Some("admin-a")
        ]
    );
    let times: Vec<&str> = full.iter().map(|e| e.at.as_str()).collect();
    assert!(times.windows(2).all(|p| p[0] >= p[1]), "{times:?}");
    assert_eq!(full.last().unwrap().at, "2026-03-02T09:00:00Z");
    // Any page size gives the same entries in the same order.
    for limit in [1, 2, 3, 6, 7] {
        assert_eq!(
            w.history("A", ann_id, limit).await,
            full,
            "pages of {limit}"
        );
    }
}

/// Bob: enrolled as a new person; the history names him from the directory.
#[tokio::test]
async fn an_enrolment_in_the_history_names_the_student() {
    let w = World::new().await;
    let bob = w.env.email("bob");
    let bob_id = w.invite_one("bob").await;
    let student = Enrolee::New {
        subject: UserId::parse("bob-sub").unwrap(),
        name: "Bob Dylan".into(),
    };
    w.enrol("A", &bob_id, student, t0() + Duration::minutes(30))
        .await;
    let history = w.history("A", &bob_id, 50).await;
    assert_eq!(
        actions(&history),
        owned(&[(H::Enrolled, ""), (H::Invited, "")])
    );
    assert_eq!(history[0].actor.as_deref(), Some("bob-sub"));
    assert_eq!(history[0].actor_name, Some(format!("Bob Dylan <{bob}>")));
}

/// Cat: her address bounced; the block cleared, then the address corrected.
#[tokio::test]
async fn a_cleared_block_and_a_corrected_address_are_in_the_history() {
    let w = World::new().await;
    let cat = w.env.email("cat");
    let cat_id = w.invite_one("cat").await;
    // Mailed (and bounced) some minutes later: the invite stays the oldest entry.
    w.advance(Duration::minutes(4));
    w.bounce(&cat_id).await;
    w.advance(Duration::seconds(1));
    let cleared = w.clear_block("A", &cat_id, &ADMIN_A).await.unwrap();
    assert!(cleared.changed);
    // Nothing to clear the second time: no entry.
    let cleared = w.clear_block("A", &cat_id, &ADMIN_A).await.unwrap();
    assert!(!cleared.changed);
    w.advance(Duration::seconds(1));
    let cat2 = w.env.email("cat2");
    w.correct_address("A", &cat_id, &cat2, &ADMIN_A)
        .await
        .unwrap();
    // Newest first: the correction, the cleared block, then the mail and its bounce, and the
    // invite at the start.
    let history = actions(&w.history("A", &cat_id, 50).await);
    assert_eq!(
        history[..2],
        owned(&[
            (H::AddressCorrected, &format!("from {cat} to {cat2}")),
            (H::BlockCleared, ""),
        ]),
        "{history:?}"
    );
    assert_eq!(
        history.last().map(|(a, _)| *a),
        Some(H::Invited),
        "{history:?}"
    );
}

#[tokio::test]
async fn a_history_is_found_only_under_its_own_contract() {
    let w = World::new().await;
    let ann_id = w.invite_one("ann").await;
    // An invitation of another contract, an unknown id, a cursor not handed out.
    let b_inv = ids(&w.invite("B", &[w.env.email("dan")], &[], &ADMIN_B).await).remove(0);
    for id in [
        b_inv,
        InvitationId::random().to_string(),
        "not%20an%20id".to_owned(),
    ] {
        let refused = w.history_page("A", &id, "", &ADMIN_A).await;
        assert_eq!(refused.refusal(), (404, "invitation_not_found"), "{id}");
    }
    let refused = w
        .history_page("A", &ann_id, "?cursor=Zm9vJA", &ADMIN_A)
        .await;
    assert_eq!(refused.refusal(), (400, "invalid_cursor"));
}

fn read_csv(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_export_is_the_filtered_invitations_as_csv_with_formulas_made_plain() {
    let w = World::new().await;
    let sly = testkit::user("u-sly", &w.env.email("sly"), "=HYPERLINK(\"http://evil\")");
    assert!(w.env.store.put_user(&sly).await.unwrap());
    let body = json!({"user_ids": ["u-sly"], "activities": ["a1", "a2"]});
    w.add("A", body, &ADMIN_A).await.unwrap();
    // 1,000 more, so the export pages through the store (500 a page).
    let many = w.addresses(1000, |i| format!("p{i:04}"));
    let invited = ids(&w.invite("A", &many, &["a1"], &ADMIN_A).await);
    w.advance(Duration::minutes(2));
    w.revoke("A", &invited[7], &ADMIN_A).await.unwrap();

    let (status, disposition, text) = w
        .download("/contracts/A/invitations/export", &ADMIN_A)
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        disposition,
        "attachment; filename=\"invitations-A-2026-03-02.csv\""
    );
    assert_eq!(
        text.lines().next().unwrap(),
        "status,email,name,delivery,invited at,last sent,enrolled at,revoked at,expires at,activities,inviter,import,line,group,scheduled for"
    );
    let rows = read_csv(&text);
    assert_eq!(rows.len(), 1001, "every invitation, across pages");
    let emails: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted, "by address, as the tab lists them");
    let sly_row = rows.iter().find(|r| r[1] == sly.email.to_string()).unwrap();
    assert_eq!(
        sly_row[..4],
        [
            "Pending",
            sly.email.as_entered(),
            "'=HYPERLINK(\"http://evil\")",
            "Queued"
        ]
    );
    assert_eq!(sly_row[4], "2026-03-02T09:00:00Z");
    assert_eq!(sly_row[8], "2026-03-16T09:00:00Z");
    assert_eq!(sly_row[9], "Course a1; Course a2");
    assert_eq!(
        sly_row[10], "admin-a",
        "an inviter the directory does not know"
    );
    assert_eq!(sly_row[11..], ["", "", "", ""]);

    // The tab's filter: status and the start of the address.
    let (status, disposition, text) = w
        .download("/contracts/A/invitations/export?status=revoked", &ADMIN_A)
        .await;
    assert_eq!(status, 200);
    assert!(
        disposition.contains("invitations-A-revoked-"),
        "{disposition}"
    );
    let rows = read_csv(&text);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "Revoked");
    assert_eq!(rows[0][1], many[7]);
    assert_eq!(rows[0][7], "2026-03-02T09:02:00Z");
    let prefix = &many[12][..many[12].find('@').unwrap() - 1];
    let (_, _, text) = w
        .download(
            &format!("/contracts/A/invitations/export?status=pending&q={prefix}"),
            &ADMIN_A,
        )
        .await;
    let rows = read_csv(&text);
    assert_eq!(rows.len(), 10, "p0010 to p0019");
    assert!(rows
        .iter()
        .all(|r| r[1].starts_with(prefix) && r[0] == "Pending"));

    // Past the size one answer can carry: refused in words, not cut short.
    let c = w.env.stored_contract("A").await;
    let err = admin_api::functions::admin_read::export::write_export(
        &w.env.store,
        &w.env.store,
        &c,
        &InvitationQuery::default(),
        t0(),
        50_000,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("Narrow them down"), "{err}");
}

/// Issue 28: a row reads itself again after a change (its mail queued, then sent): the same
/// row the list shows, with the inviter by name; another contract's admin gets nothing.
#[tokio::test]
async fn one_invitation_reads_as_its_row_in_the_list() {
    let w = World::new().await;
    let ada = testkit::user("admin-a", &w.env.email("ada"), "Ada Admin");
    assert!(w.env.store.put_user(&ada).await.unwrap());
    let id = w.invite_one("row").await;
    let listed = w.list("A", "", &ADMIN_A).await.unwrap().invitations;
    let one = w.one("A", &id, &ADMIN_A).await.unwrap();
    assert_eq!(listed.iter().find(|i| i.id == id), Some(&one));
    assert_eq!(one.invited_by_name.as_deref(), Some("Ada Admin"));
    w.advance(Duration::minutes(2));
    w.revoke("A", &id, &ADMIN_A).await.unwrap();
    let revoked = w.one("A", &id, &ADMIN_A).await.unwrap();
    assert_eq!(revoked.status, wire::InvitationStatus::Revoked);
    assert_eq!(w.one("A", &id, &ADMIN_B).await.unwrap_err().status, 403);
    assert_eq!(w.one("A", "nope", &ADMIN_A).await.unwrap_err().status, 404);
    assert_eq!(w.one("B", &id, &SYSADMIN).await.unwrap_err().status, 404);
}

/// Issue 28: a bulk question says how many it acts on, from the count of what the list would
/// list over every page, by search and status.
#[tokio::test]
async fn the_count_is_what_the_list_lists_over_every_page() {
    let w = World::new().await;
    let mut addresses = w.addresses(7, |i| format!("cat{i}"));
    addresses.extend(w.addresses(3, |i| format!("dog{i}")));
    let invited = ids(&w.invite("A", &addresses, &["a1"], &ADMIN_A).await);
    w.revoke("A", &invited[0], &ADMIN_A).await.unwrap();
    w.revoke("A", &invited[8], &ADMIN_A).await.unwrap();
    let cat = w.env.email("cat");
    for (query, expected) in [
        (String::new(), 10),
        ("?status=revoked".to_owned(), 2),
        ("?status=pending".to_owned(), 8),
        ("?status=expired".to_owned(), 0),
        (format!("?q={}", cat.split('@').next().unwrap()), 7),
        (
            format!("?q={}&status=pending", cat.split('@').next().unwrap()),
            6,
        ),
    ] {
        let counted = w.count("A", &query, &ADMIN_A).await.unwrap();
        assert_eq!(counted, expected, "{query}");
        // The same as the list's pages, two at a time.
        let mut listed = 0;
        let mut cursor = String::new();
        loop {
            let sep = if query.is_empty() { "?" } else { "&" };
            let page = w
                .list("A", &format!("{query}{sep}limit=2{cursor}"), &ADMIN_A)
                .await
                .unwrap();
            listed += page.invitations.len() as u64;
            match page.next_cursor {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        assert_eq!(listed, counted, "{query}");
    }
    // Once the links expire, the pending ones are counted as expired.
    w.advance(Duration::days(400));
    assert_eq!(w.count("A", "?status=expired", &ADMIN_A).await.unwrap(), 8);
    assert_eq!(w.count("A", "?status=pending", &ADMIN_A).await.unwrap(), 0);
    // Another contract's admin may not count this one's.
    let refused = w.count("A", "", &ADMIN_B).await.unwrap_err();
    assert_eq!(refused.status, 403);
    let refused = w.count("A", "?status=lost", &ADMIN_A).await.unwrap_err();
    assert_eq!(refused.code, "invalid_status");
}

#[tokio::test]
async fn the_export_and_the_list_take_one_status_they_know() {
    let w = World::new().await;
    let path = "/contracts/A/invitations/export?status=lost";
    let refused = w.call("GET", path, None, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (400, "invalid_status"));
    // Issue 26: two statuses are refused in words, not answered as the first alone.
    for path in [
        "/contracts/A/invitations/export?status=pending&status=revoked",
        "/contracts/A/invitations?status=pending&status=revoked",
    ] {
        let refused = w.call("GET", path, None, &ADMIN_A).await;
        assert_eq!(refused.refusal(), (400, "repeated_parameter"), "{path}");
        assert_eq!(
            refused.detail(),
            "Give status once: the list is filtered by one status at a time."
        );
    }
}

#[tokio::test]
async fn the_funnel_counts_what_the_state_changes_counted() {
    let w = World::new().await;
    let emails = w.addresses(4, |i| format!("f{i}"));
    let made = ids(&w.invite("A", &emails, &["a1"], &ADMIN_A).await);
    for (i, id) in made.iter().enumerate() {
        w.mail_out(id, &format!("msg-{i}")).await;
    }
    let now = t0() + Duration::minutes(1);
    // Delivered twice (a redelivered event) counts once; a bounce counts apart.
    for _ in 0..2 {
        w.report(&made[0], "msg-0", ReportKind::Delivered, now)
            .await;
    }
    w.report(&made[1], "msg-1", ReportKind::Delivered, now)
        .await;
    w.report(&made[2], "msg-2", ReportKind::BouncedPermanent, now)
        .await;
    // Enrol the first after 5 hours, revoke the fourth.
    w.advance(Duration::hours(5));
    let store = &w.env.store;
    let inv = store
        .find_invitation(&InvitationId::parse(&made[0]).unwrap())
        .await
        .unwrap()
        .unwrap();
    let key = LinkKey::from_bytes(b"0123456789abcdef0123456789abcdef".to_vec()).unwrap();
    let token = key.sign(&inv.id, inv.token_version).unwrap();
    let link = key.verify(&token).unwrap();
    store
        .enrol(
            &link,
            Enrolee::Registered(UserId::parse("u1").unwrap()),
            t0() + Duration::hours(5),
        )
        .await
        .unwrap();
    w.revoke("A", &made[3], &ADMIN_A).await.unwrap();

    let funnel = w.funnel("A", &ADMIN_A).await.unwrap();
    assert_eq!(
        (
            funnel.invited,
            funnel.delivered,
            funnel.enrolled,
            funnel.bounced,
            funnel.revoked,
            funnel.pending,
            funnel.expired
        ),
        (4, 2, 1, 1, 1, 2, 0)
    );
    // Enrolled 5 hours after the invitation: the median is the middle of that hour.
    assert_eq!(funnel.median_enrol_seconds, Some(5 * 3600 + 1800));
    assert_eq!(funnel.enrolments_timed, 1);
    // One day of changes: 4 seats taken, then 1 enrolled, then 1 given back.
    assert_eq!(
        funnel.seats,
        [wire::SeatsOnDay {
            day: "2026-03-02".into(),
            seats_used: 3,
            enrolled: 1
        }]
    );
}
