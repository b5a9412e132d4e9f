//! The funnel's one-time backfill over the wire (moto's table), run as the reminders role
//! allows (testkit's LeadingKeys): invitations written before the funnel's version (no flags,
//! off the reminder index, enrolments outside the time-to-enrol buckets) are counted once,
//! however often, however cut short, and whatever enrols or is revoked at the same time.

#[path = "../../mailer/tests/common/mod.rs"]
mod common;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};
use common::*;
use invitations_core::adapters::dynamo::items::*;
use invitations_core::domain::*;
use invitations_core::ports::*;
use reminders::{backfill_funnels, run, BackfillCounts};
use testkit::TestEnv;

/// An invitation as the versions before the funnel wrote it: no reminder index, no funnel
/// flags, in the contract's own partition (before the shards too, so the backfill's run moves
/// it first); `extra` its status's own attributes (and a mail report).
async fn old_invitation(
    env: &TestEnv,
    c: &Contract,
    local: &str,
    status: InvitationStatus,
    invited_at: DateTime<Utc>,
    extra: &[(&str, AttributeValue)],
) -> InvitationId {
    let email = EmailAddress::parse(&env.email(local)).unwrap();
    let id = InvitationId::random();
    let mut item = Item::from([
        ("pk".into(), s(contract_pk(&c.id))),
        ("sk".into(), s(invite_sk(email.identity()))),
        (
            "gsi1pk".into(),
            s(format!("INVITES#{}#{}", c.id, status.as_str())),
        ),
        ("gsi1sk".into(), s(email.identity())),
        ("type".into(), s("invitation")),
        ("invitation_id".into(), s(id.as_str())),
        ("contract_id".into(), s(c.id.as_str())),
        ("email".into(), s(email.as_entered())),
        ("status".into(), s(status.as_str())),
        ("activities".into(), list_s(&["a1"])),
        ("invited_by".into(), s(admin().as_str())),
        ("invited_at".into(), ms(invited_at)),
        ("token_version".into(), n(1)),
        ("expires_at".into(), ms(invited_at + Duration::days(30))),
        ("send_count".into(), n(1)),
        ("last_queued_at".into(), ms(invited_at)),
        ("delivery".into(), s("sent")),
        ("last_sent_at".into(), ms(invited_at)),
    ]);
    for (name, value) in extra {
        item.insert((*name).into(), value.clone());
    }
    env.dynamodb
        .put_item()
        .table_name(&env.table)
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    id
}

/// What the versions before the funnel kept on the contract: its status counters only.
async fn old_counts(env: &TestEnv, c: &Contract, pending: i64, enrolled: i64, revoked: i64) {
    env.dynamodb
        .update_item()
        .table_name(&env.table)
        .key("pk", s(contract_pk(&c.id)))
        .key("sk", s(CONTRACT_SK))
        .update_expression("ADD pending :p, enrolled :e, revoked :r, seats_used :s")
        .expression_attribute_values(":p", n(pending))
        .expression_attribute_values(":e", n(enrolled))
        .expression_attribute_values(":r", n(revoked))
        .expression_attribute_values(":s", n(pending + enrolled))
        .send()
        .await
        .unwrap();
}

fn report(kind: ReportKind, at: DateTime<Utc>) -> [(&'static str, AttributeValue); 2] {
    [("report_kind", s(kind.as_str())), ("report_at", ms(at))]
}

fn enrolled_at(at: DateTime<Utc>) -> (&'static str, AttributeValue) {
    ("enrolled_at", ms(at))
}

/// The funnel's figures: (invited, pending, enrolled, revoked, delivered, bounced, expired,
/// enrolments timed).
async fn figures(env: &TestEnv, c: &Contract) -> [u64; 8] {
    let (contract, f) = env.store.contract_funnel(&c.id).await.unwrap().unwrap();
    let k = contract.counts;
    assert_eq!(f.invited, k.pending + k.enrolled + k.revoked, "adds up");
    [
        f.invited,
        k.pending,
        k.enrolled,
        k.revoked,
        f.delivered,
        f.bounced,
        f.expired,
        f.enrolments_timed(),
    ]
}

async fn backfill(env: &TestEnv, writes: usize) -> BackfillCounts {
    backfill_funnels(&env.store_as("reminders"), now(), 20, writes)
        .await
        .unwrap()
}

/// Five invitations of the versions before: two pending (one link run out), two enrolled,
/// one revoked; three mail reports.
async fn old_contract(env: &TestEnv, c: &Contract) -> Vec<InvitationId> {
    let long_ago = now() - Duration::days(40);
    let lately = now() - Duration::days(10);
    let (pending, enrolled, revoked) = (
        InvitationStatus::Pending,
        InvitationStatus::Enrolled,
        InvitationStatus::Revoked,
    );
    let mut ids = vec![
        old_invitation(
            env,
            c,
            "p1",
            pending,
            lately,
            &report(ReportKind::Delivered, lately),
        )
        .await,
        old_invitation(env, c, "p2", pending, long_ago, &[]).await,
    ];
    let mut e1 = report(ReportKind::Delivered, long_ago).to_vec();
    e1.push(enrolled_at(long_ago + Duration::hours(3)));
    ids.push(old_invitation(env, c, "e1", enrolled, long_ago, &e1).await);
    let e2 = [enrolled_at(lately + Duration::days(5))];
    ids.push(old_invitation(env, c, "e2", enrolled, lately, &e2).await);
    let mut r1 = report(ReportKind::BouncedPermanent, long_ago).to_vec();
    r1.push(("revoked_at", ms(long_ago + Duration::days(1))));
    ids.push(old_invitation(env, c, "r1", revoked, long_ago, &r1).await);
    old_counts(env, c, 2, 2, 1).await;
    ids
}

#[tokio::test]
async fn old_invitations_are_counted_once_and_a_second_run_changes_nothing() {
    let (env, c) = setup().await;
    old_contract(&env, &c).await;
    // The funnel's version counted a re-invite again in invited_total: no longer read.
    env.dynamodb
        .update_item()
        .table_name(&env.table)
        .key("pk", s(contract_pk(&c.id)))
        .key("sk", s(CONTRACT_SK))
        .update_expression("SET invited_total = :n")
        .expression_attribute_values(":n", n(29))
        .send()
        .await
        .unwrap();
    assert_eq!(figures(&env, &c).await, [5, 2, 2, 1, 0, 0, 0, 0]);

    let counts = backfill(&env, 1000).await;
    assert_eq!(
        (counts.contracts, counts.delivered, counts.bounced),
        (1, 2, 1)
    );
    assert_eq!((counts.to_expire, counts.enrolments_timed), (2, 2));
    assert!(!counts.more);
    // The run link counted as expired by the reminder run, once.
    assert_eq!(run(&env.store, now(), 100).await.unwrap().expired, 1);
    assert_eq!(run(&env.store, now(), 100).await.unwrap().expired, 0);
    let after = figures(&env, &c).await;
    assert_eq!(after, [5, 2, 2, 1, 2, 1, 1, 2]);
    // 3 hours and 5 days: the lower median is the 3 hours' bucket.
    let (_, f) = env.store.contract_funnel(&c.id).await.unwrap().unwrap();
    assert_eq!(f.median_enrol_seconds(), Some(3 * 3600 + 1800));

    // Done: the contract is marked, and the next runs change nothing.
    for _ in 0..2 {
        assert_eq!(backfill(&env, 1000).await, BackfillCounts::default());
        assert_eq!(figures(&env, &c).await, after);
    }
    // The store asked again for the marked contract adds nothing either.
    let again = env
        .store_as("reminders")
        .backfill_funnel(&c.id, 1000, now())
        .await
        .unwrap();
    assert!(again.finished);
    assert_eq!(again.writes, 0);
    assert_eq!(figures(&env, &c).await, after);
}

#[tokio::test]
async fn a_backfill_cut_short_goes_on_where_it_stopped_and_counts_the_same() {
    let (env, c) = setup().await;
    old_contract(&env, &c).await;
    // One write a run: as if every run ran out of time after its first write.
    let mut runs = 0;
    loop {
        runs += 1;
        let counts = backfill(&env, 1).await;
        if counts.contracts == 1 {
            break;
        }
        assert!(
            counts.more && counts.writes + counts.moved_to_shards == 1,
            "{counts:?}"
        );
        assert!(runs < 20);
    }
    // Five moves to the shards (issue 33: the five invitations are from before them), then
    // five writes (two deliveries, a bounce, two links put on the index): the run of the last
    // one finishes the contract too.
    assert_eq!(runs, 10);
    run(&env.store, now(), 100).await.unwrap();
    assert_eq!(figures(&env, &c).await, [5, 2, 2, 1, 2, 1, 1, 2]);
}

#[tokio::test]
async fn a_backfill_racing_enrolments_and_revokes_counts_each_once() {
    let env = TestEnv::new().await;
    for round in 0..10 {
        let mut c = contract();
        c.id = ContractId::parse(&format!("race{round}")).unwrap();
        env.store.put_contract(&c).await.unwrap();
        let lately = now() - Duration::days(2);
        let pending = InvitationStatus::Pending;
        let e0 = [enrolled_at(lately + Duration::hours(7))];
        old_invitation(
            &env,
            &c,
            &format!("e0-{round}"),
            InvitationStatus::Enrolled,
            lately,
            &e0,
        )
        .await;
        let p1 = old_invitation(&env, &c, &format!("p1-{round}"), pending, lately, &[]).await;
        let p2 = old_invitation(&env, &c, &format!("p2-{round}"), pending, lately, &[]).await;
        old_invitation(&env, &c, &format!("p3-{round}"), pending, lately, &[]).await;
        old_counts(&env, &c, 3, 1, 0).await;
        // In their shards before the race (an unmoved invitation is found by no route).
        let moved = reminders::move_to_shards(&env.store_as("reminders"), now(), 20, 1000)
            .await
            .unwrap();
        assert!(moved.moved >= 3, "{moved:?}");

        let link = env
            .link_key
            .verify(&env.link_key.sign(&p1, 1).unwrap())
            .unwrap();
        let student = UserId::parse(&format!("student-{round}")).unwrap();
        let reminders = env.store_as("reminders");
        let by = admin();
        // Rounds start the backfill, or the enrolment and the revoke, a little later.
        let pause = |late: bool| std::time::Duration::from_millis(if late { 4 * round } else { 0 });
        let (backfilled, enrolled, revoked) = tokio::join!(
            async {
                tokio::time::sleep(pause(round % 2 == 0)).await;
                backfill_funnels(&reminders, now(), 20, 1000).await
            },
            async {
                tokio::time::sleep(pause(round % 2 == 1)).await;
                env.store
                    .enrol(&link, Enrolee::Registered(student), now())
                    .await
            },
            async {
                tokio::time::sleep(pause(round % 2 == 1) / 2).await;
                env.store.revoke(&c.id, &p2, &by, now()).await
            },
        );
        backfilled.unwrap();
        enrolled.unwrap();
        revoked.unwrap();
        // The backfill may have finished before or after: a later run finishes it.
        backfill(&env, 1000).await;
        assert_eq!(
            figures(&env, &c).await,
            [4, 1, 2, 1, 0, 0, 0, 2],
            "round {round}"
        );
        // Both enrolments in the buckets once: the old one (7 hours) and today's (2 days).
        let (_, f) = env.store.contract_funnel(&c.id).await.unwrap().unwrap();
        assert_eq!(
            f.enrol_after,
            [(EnrolAfter::Hours(7), 1), (EnrolAfter::Days(2), 1)],
            "round {round}"
        );
        // Only the one still pending waits on the reminder index; the others left it.
        for (local, on_index) in [("p1", false), ("p2", false), ("p3", true)] {
            let email = EmailAddress::parse(&env.email(&format!("{local}-{round}"))).unwrap();
            let item = env
                .dynamodb
                .get_item()
                .table_name(&env.table)
                .key("pk", s(invitation_pk(&c.id, email.identity())))
                .key("sk", s(invite_sk(email.identity())))
                .consistent_read(true)
                .send()
                .await
                .unwrap()
                .item
                .unwrap();
            assert_eq!(item.contains_key("remind_at"), on_index, "{local} {round}");
        }
    }
}

#[tokio::test]
async fn invitations_of_this_version_are_not_counted_again() {
    let (env, c) = setup().await;
    // One enrolment from before the funnel, beside invitations made now.
    let lately = now() - Duration::days(3);
    let e0 = [enrolled_at(lately + Duration::hours(1))];
    old_invitation(&env, &c, "e0", InvitationStatus::Enrolled, lately, &e0).await;
    old_counts(&env, &c, 0, 1, 0).await;
    let emails: Vec<String> = ["n1", "n2", "n3"].iter().map(|l| env.email(l)).collect();
    let ids = invite(&env, &c, &emails, now() - Duration::hours(5)).await;
    let delivered = DeliveryReport {
        kind: ReportKind::Delivered,
        at: now() - Duration::hours(4),
        detail: String::new(),
    };
    env.store
        .record_report(&ids[0], "msg-1", &delivered)
        .await
        .unwrap();
    let link = env
        .link_key
        .verify(&env.link_key.sign(&ids[1], 1).unwrap())
        .unwrap();
    let student = Enrolee::Registered(UserId::parse("student").unwrap());
    env.store.enrol(&link, student, now()).await.unwrap();
    // A revoke and a re-invite: the same person, invited and delivered once.
    env.store
        .revoke(&c.id, &ids[0], &admin(), now())
        .await
        .unwrap();
    invite(&env, &c, &emails[..1], now()).await;
    let again = DeliveryReport {
        at: now(),
        ..delivered
    };
    env.store
        .record_report(&ids[0], "msg-2", &again)
        .await
        .unwrap();
    assert_eq!(figures(&env, &c).await, [4, 2, 2, 0, 1, 0, 0, 1]);

    let counts = backfill(&env, 1000).await;
    // Only the old enrolment's bucket: the new invitations counted themselves.
    assert_eq!(
        (counts.contracts, counts.writes, counts.enrolments_timed),
        (1, 0, 1)
    );
    assert_eq!(figures(&env, &c).await, [4, 2, 2, 0, 1, 0, 0, 2]);
    assert_eq!(backfill(&env, 1000).await, BackfillCounts::default());
    assert_eq!(figures(&env, &c).await, [4, 2, 2, 0, 1, 0, 0, 2]);
}
