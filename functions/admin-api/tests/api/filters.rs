//! Issue 28: the Invitations tab narrows by who invited, the import and the day, and is sorted
//! by address either way across its pages; its count, its export and a bulk action on the
//! filter take the same filter, and what cannot be read is refused in words.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::json;

/// Invites `emails` to contract A (activity a1) as `admin-a`'s import `import`, as the import
/// function does, at the world's time.
async fn invite_from_file(w: &World, import: &str, emails: &[String]) {
    let contract = w.env.stored_contract("A").await;
    let import_id = ImportId::parse(import).unwrap();
    let invitees: Vec<Invitee> = emails
        .iter()
        .zip(2..)
        .map(|(email, line)| Invitee {
            email: EmailAddress::parse(email).unwrap(),
            user_id: None,
            name: None,
            source: Source::Import {
                import_id: import_id.clone(),
                line,
            },
            options: Default::default(),
        })
        .collect();
    w.env
        .store
        .create_invitations(NewInvitations {
            contract: &contract,
            activities: &[ActivityId::parse("a1").unwrap()],
            invited_by: &UserId::parse("admin-a").unwrap(),
            now: w.now(),
            invitees: &invitees,
        })
        .await
        .unwrap();
}

/// Every address the list gives for `query` (from `?`, or empty), read `limit` at a time.
async fn listed(w: &World, query: &str, limit: usize) -> Vec<String> {
    let mut emails = Vec::new();
    let mut cursor = String::new();
    let sep = if query.is_empty() { "?" } else { "&" };
    loop {
        let page = w
            .list("A", &format!("{query}{sep}limit={limit}{cursor}"), &ADMIN_A)
            .await
            .unwrap();
        assert!(page.invitations.len() <= limit, "{query}");
        emails.extend(page.invitations.into_iter().map(|i| i.email));
        match page.next_cursor {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return emails,
        }
    }
}

/// The addresses of the export of `query`, in the file's order.
async fn exported(w: &World, query: &str) -> Vec<String> {
    let path = format!("/contracts/A/invitations/export{query}");
    let (status, _, text) = w.download(&path, &ADMIN_A).await;
    assert_eq!(status, 200, "{path}: {text}");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap()[1].to_owned())
        .collect()
}

fn sorted(mut emails: Vec<String>) -> Vec<String> {
    emails.sort();
    emails
}

#[tokio::test]
async fn the_list_count_and_export_narrow_by_inviter_import_and_day() {
    let w = World::new().await;
    // 2 March (t0): three by admin-a by hand.
    let by_hand = w.addresses(3, |i| format!("ann{i}"));
    w.invite("A", &by_hand, &["a1"], &ADMIN_A).await;
    // 4 March: two by the system administrator, two from admin-a's import.
    w.advance(Duration::days(2));
    let by_root = w.addresses(2, |i| format!("bob{i}"));
    w.invite("A", &by_root, &["a1"], &SYSADMIN).await;
    let from_file = w.addresses(2, |i| format!("cal{i}"));
    invite_from_file(&w, "imp-1", &from_file).await;
    let all = [&by_hand[..], &by_root, &from_file].concat();
    let by_a = [&by_hand[..], &from_file].concat();
    let early = by_hand.clone();
    let late = [&by_root[..], &from_file].concat();
    for (query, expected) in [
        ("", all.clone()),
        ("?invited_by=admin-a", by_a.clone()),
        ("?invited_by=root", by_root.clone()),
        ("?invited_by=nobody-here", vec![]),
        ("?import=imp-1", from_file.clone()),
        ("?import=imp-1&invited_by=root", vec![]),
        ("?import=other", vec![]),
        ("?invited_from=2026-03-04", late.clone()),
        ("?invited_to=2026-03-02", early.clone()),
        // Both days are included, whole days in UTC.
        (
            "?invited_from=2026-03-02&invited_to=2026-03-02",
            early.clone(),
        ),
        ("?invited_from=2026-03-03&invited_to=2026-03-03", vec![]),
        (
            "?invited_from=2026-03-01&invited_to=2026-03-04",
            all.clone(),
        ),
        (
            "?invited_by=admin-a&invited_from=2026-03-03",
            from_file.clone(),
        ),
        // With the status (the status index) and the search (the partition, filtered).
        ("?status=pending&invited_by=admin-a", by_a.clone()),
        ("?status=revoked&invited_by=admin-a", vec![]),
        ("?q=cal&invited_to=2026-03-03", vec![]),
        ("?q=cal&import=imp-1", from_file.clone()),
    ] {
        let expected = sorted(expected);
        assert_eq!(listed(&w, query, 2).await, expected, "list {query}");
        let counted = w.count("A", query, &ADMIN_A).await.unwrap();
        assert_eq!(counted, expected.len() as u64, "count {query}");
        assert_eq!(exported(&w, query).await, expected, "export {query}");
    }
    // A bulk action on the filter acts on what the list lists, and on nothing else.
    let body = json!({"filter": {"import": "imp-1", "invited_from": "2026-03-04"}});
    let revoked = w.bulk("A", "revoke", body, &ADMIN_A).await.unwrap();
    assert_eq!(revoked.done, 2);
    assert_eq!(
        listed(&w, "?status=revoked", 5).await,
        sorted(from_file.clone())
    );
    let body = json!({"filter": {"invited_by": "root", "status": "revoked"}});
    let none = w.bulk("A", "revoke", body, &ADMIN_A).await.unwrap();
    assert_eq!(none.done, 0);
}

#[tokio::test]
async fn the_list_is_sorted_by_address_either_way_across_its_pages() {
    let w = World::new().await;
    let people = w.addresses(7, |i| format!("p{}", (b'g' - i as u8) as char));
    let invited = ids(&w.invite("A", &people, &["a1"], &ADMIN_A).await);
    w.revoke("A", &invited[0], &ADMIN_A).await.unwrap();
    let up = sorted(people.clone());
    let down: Vec<String> = up.iter().rev().cloned().collect();
    assert_eq!(listed(&w, "", 3).await, up);
    assert_eq!(listed(&w, "?sort=email", 3).await, up);
    assert_eq!(listed(&w, "?sort=-email", 3).await, down);
    assert_eq!(listed(&w, "?sort=-email", 1).await, down);
    // On the status index, in a search and with a narrowing alike.
    let pending: Vec<String> = down.iter().filter(|e| **e != people[0]).cloned().collect();
    assert_eq!(listed(&w, "?status=pending&sort=-email", 2).await, pending);
    let local = |e: &str| e.split('@').next().unwrap().to_owned();
    let q = format!("?q={}&sort=-email", &local(&up[0])[..1]);
    assert_eq!(listed(&w, &q, 2).await, down);
    assert_eq!(listed(&w, "?invited_by=admin-a&sort=-email", 4).await, down);
    // The export is in the list's order.
    assert_eq!(exported(&w, "?sort=-email").await, down);
}

#[tokio::test]
async fn a_filter_or_order_that_cannot_be_read_is_refused_in_words() {
    let w = World::new().await;
    w.invite_one("someone").await;
    for (query, code, detail) in [
        (
            "invited_by=not%20an%20id",
            "invalid_invited_by",
            "The inviter (invited_by) must be a person's user id, as the list's invited_by \
             gives it: 1 to 64 letters, digits, '-' or '_'.",
        ),
        (
            "import=imp%2F1",
            "invalid_import",
            "The import must be the id of one of this learning contract's imports, as the \
             imports list gives it: 1 to 64 letters, digits, '-' or '_'.",
        ),
        (
            "invited_from=2026-3-1",
            "invalid_date",
            "The first day (invited_from) must be written YYYY-MM-DD, such as 2026-03-01 (a \
             day in UTC).",
        ),
        (
            "invited_to=2026-02-30",
            "invalid_date",
            "The last day (invited_to) must be written YYYY-MM-DD, such as 2026-03-01 (a day \
             in UTC).",
        ),
        (
            "invited_from=2026-03-05&invited_to=2026-03-01",
            "invalid_date_range",
            "The first day (invited_from, 2026-03-05) is after the last (invited_to, \
             2026-03-01): give them the other way round, or only one of them.",
        ),
        (
            "import=a&import=b",
            "repeated_parameter",
            "Give import once: the list is filtered by one import at a time.",
        ),
    ] {
        for route in ["", "/count", "/export"] {
            let path = format!("/contracts/A/invitations{route}?{query}");
            let refused = w.call("GET", &path, None, &ADMIN_A).await;
            assert_eq!(refused.refusal(), (400, code), "{path}");
            assert_eq!(refused.detail(), detail, "{path}");
        }
    }
    for (query, code, detail) in [
        (
            "sort=invited_at",
            "invalid_sort",
            "The order (sort) must be email, addresses a to z, or -email, z to a: the list is \
             kept in address order, the only order that holds across its pages.",
        ),
        (
            "sort=email&sort=-email",
            "repeated_parameter",
            "Give sort once: the list is in one order at a time.",
        ),
    ] {
        for route in ["", "/export"] {
            let path = format!("/contracts/A/invitations{route}?{query}");
            let refused = w.call("GET", &path, None, &ADMIN_A).await;
            assert_eq!(refused.refusal(), (400, code), "{path}");
            assert_eq!(refused.detail(), detail, "{path}");
        }
    }
    // A bulk action's filter is read with the same words.
    let body = json!({"filter": {"invited_from": "yesterday"}});
    let refused = w.bulk("A", "resend", body, &ADMIN_A).await.unwrap_err();
    assert_eq!(refused.code, "invalid_date");
    assert_eq!(
        refused.detail,
        "The first day (invited_from) must be written YYYY-MM-DD, such as 2026-03-01 (a day in \
         UTC)."
    );
    // Empty values leave nothing out.
    let all = "?invited_by=&import=&invited_from=&invited_to=&sort=";
    assert_eq!(w.count("A", all, &ADMIN_A).await.unwrap(), 1);
}
