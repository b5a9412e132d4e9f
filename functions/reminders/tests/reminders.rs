//! Automatic reminders over the wire (moto's table, index and stream; the real mailer on
//! aws-ses-v2-local), with the clock moved days ahead instead of waiting.

#[path = "../../mailer/tests/common/mod.rs"]
mod common;

use chrono::Duration;
use common::*;
use invitations_core::adapters::dynamo::items::{
    contract_pk, invitation_pk, invite_sk, s, Item, CONTRACT_SK,
};
use invitations_core::domain::*;
use invitations_core::ports::*;
use reminders::{run, RunCounts};
use testkit::TestEnv;

/// The raw invitation item: what the store keeps beside the domain's view (index attributes).
async fn item(env: &TestEnv, c: &Contract, email: &str) -> Item {
    let identity = EmailAddress::parse(email).unwrap();
    raw(
        env,
        invitation_pk(&c.id, identity.identity()),
        invite_sk(identity.identity()),
    )
    .await
}

async fn raw(env: &TestEnv, pk: String, sk: String) -> Item {
    env.dynamodb
        .get_item()
        .table_name(&env.table)
        .key("pk", s(pk))
        .key("sk", s(sk))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item()
        .cloned()
        .unwrap()
}

fn num(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .map(|v| v.parse().unwrap())
}

/// The history entries of an invitation with `action`.
async fn entries(
    env: &TestEnv,
    c: &Contract,
    id: &InvitationId,
    action: AuditAction,
) -> Vec<AuditRecord> {
    env.store
        .invitation_history(&c.id, id, None, 100)
        .await
        .unwrap()
        .unwrap()
        .entries
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

/// Invites `emails` at `now()` and lets the mailer send the invitations at `now()`.
async fn invited_and_mailed(
    env: &TestEnv,
    c: &Contract,
    emails: &[String],
    clock: &TestClock,
) -> Vec<InvitationId> {
    let ids = invite(env, c, emails, now()).await;
    let mailer = app(env, ses(env), clock);
    mailer.handle(stream_event(env).await).await.unwrap();
    for email in emails {
        assert_eq!(mail_to(env, email).len(), 1, "{email}");
    }
    ids
}

#[tokio::test]
async fn a_due_reminder_is_queued_once_when_runs_race_and_the_mailer_sends_the_same_link() {
    let (env, c) = setup().await;
    let clock = TestClock::at(now());
    let who = env.email("slow");
    let ids = invited_and_mailed(&env, &c, std::slice::from_ref(&who), &clock).await;
    let first = mail_to(&env, &who).remove(0);
    let first_token = token_in(first.body.text.as_deref().unwrap());
    // The mailer set the first wake-up: 3 days after the mail (the default plan).
    let stored = item(&env, &c, &who).await;
    assert_eq!(
        num(&stored, "remind_at"),
        Some((now() + Duration::days(3)).timestamp_millis())
    );

    // Two days on, nothing is due yet.
    let store = env.store_as("reminders");
    assert_eq!(
        run(&store, now() + Duration::days(2), 3000).await.unwrap(),
        RunCounts::default()
    );

    // Three days on, two runs race (the schedule fired twice): one reminder queued.
    let due = now() + Duration::days(3) + Duration::minutes(1);
    let (a, b) = tokio::join!(run(&store, due, 3000), run(&store, due, 3000));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.reminded + b.reminded, 1, "{a:?} {b:?}");
    let inv = env
        .store
        .get_invitation(&c.id, &ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(inv.delivery, Delivery::Queued);
    assert_eq!(inv.reminders_sent, 1);
    assert_eq!(inv.reminder, Some(1));
    assert_eq!(inv.token_version, 1, "the same link, no new version");
    let queued = entries(&env, &c, &ids[0], AuditAction::Remind).await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0].detail.as_deref(), Some("reminder 1 of 2"));
    // And again, later the same minute: nothing more.
    assert_eq!(
        run(&store, due, 3000).await.unwrap().reminded,
        0,
        "queued once"
    );

    // The stream record of the reminder (sent -> queued) passes the mailer's filter.
    let event = stream_event(&env).await;
    let reminder_records: Vec<_> = event
        .records
        .iter()
        .filter_map(|r| mailer::queued_invitation(r).and_then(Result::ok))
        .filter(|inv| inv.reminder == Some(1))
        .collect();
    assert_eq!(reminder_records.len(), 1);

    // The mailer sends it: a reminder, with the same link, and sets the next wake-up.
    clock.set(due + Duration::seconds(5));
    let mailer = app(&env, ses(&env), &clock);
    let response = mailer.handle(event).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    let mail = mail_to(&env, &who);
    assert_eq!(mail.len(), 2, "one reminder");
    let reminder = &mail[1];
    assert!(
        reminder.subject.starts_with("Reminder: "),
        "{}",
        reminder.subject
    );
    assert_eq!(
        token_in(reminder.body.text.as_deref().unwrap()),
        first_token,
        "the invitation's own link"
    );
    let stored = item(&env, &c, &who).await;
    assert_eq!(stored["delivery"].as_s().unwrap(), "sent");
    assert_eq!(
        num(&stored, "remind_at"),
        Some((due + Duration::seconds(5) + Duration::days(3)).timestamp_millis()),
        "the next reminder: 3 days after this one"
    );
    assert!(!stored.contains_key("send_reminder"));
    let sent = entries(&env, &c, &ids[0], AuditAction::Sent).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent.iter()
            .any(|e| e.detail.as_deref() == Some(&format!("reminder 1 to {who}"))),
        "{sent:?}"
    );
}

#[tokio::test]
async fn at_most_the_plans_number_of_reminders_then_the_expiry_is_counted_once() {
    let (env, c) = setup().await;
    let clock = TestClock::at(now());
    let who = env.email("never");
    let ids = invited_and_mailed(&env, &c, std::slice::from_ref(&who), &clock).await;
    let store = env.store_as("reminders");
    let mailer = app(&env, ses(&env), &clock);
    // Every 12 hours for the link's 14 days (and a day after), the run and then the mailer.
    let mut reminded = 0;
    let mut expired = 0;
    for half_days in 1..=30 {
        let t = now() + Duration::hours(12 * half_days);
        let (a, b) = tokio::join!(run(&store, t, 3000), run(&store, t, 3000));
        let (a, b) = (a.unwrap(), b.unwrap());
        reminded += a.reminded + b.reminded;
        expired += a.expired + b.expired;
        clock.set(t + Duration::seconds(1));
        mailer.handle(stream_event(&env).await).await.unwrap();
    }
    assert_eq!(reminded, 2, "at most 2 (the default plan)");
    assert_eq!(
        mail_to(&env, &who).len(),
        3,
        "the invitation and two reminders"
    );
    assert_eq!(expired, 1, "the expiry counted once");
    let contract = raw(&env, contract_pk(&c.id), CONTRACT_SK.into()).await;
    assert_eq!(num(&contract, "expired_total"), Some(1));
    assert_eq!(
        entries(&env, &c, &ids[0], AuditAction::Expire).await.len(),
        1
    );
    assert_eq!(
        entries(&env, &c, &ids[0], AuditAction::Remind).await.len(),
        2
    );
    let stored = item(&env, &c, &who).await;
    assert!(!stored.contains_key("remind_at"), "off the index");
    assert_eq!(stored["expiry_counted"].as_bool().ok(), Some(&true));
}

#[tokio::test]
async fn nothing_for_revoked_enrolled_or_expired_invitations() {
    let (env, c) = setup().await;
    let clock = TestClock::at(now());
    let (revoked, enrolled, expired) = (
        env.email("revoked"),
        env.email("enrolled"),
        env.email("expired"),
    );
    let ids = invited_and_mailed(
        &env,
        &c,
        &[revoked.clone(), enrolled.clone(), expired.clone()],
        &clock,
    )
    .await;
    env.store
        .revoke(&c.id, &ids[0], &admin(), now() + Duration::hours(1))
        .await
        .unwrap();
    let link = LinkToken {
        invitation_id: ids[1].clone(),
        version: 1,
    };
    env.store
        .enrol(
            &link,
            Enrolee::New {
                subject: UserId::random(),
                name: "Enrolled Person".into(),
            },
            now() + Duration::hours(1),
        )
        .await
        .unwrap();
    for email in [&revoked, &enrolled] {
        assert!(!item(&env, &c, email).await.contains_key("remind_at"));
    }
    // The third was never run for until after its link ran out: no reminder, its expiry
    // counted once by two racing runs.
    let store = env.store_as("reminders");
    let t = now() + Duration::days(15);
    let (a, b) = tokio::join!(run(&store, t, 3000), run(&store, t, 3000));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.reminded + b.reminded, 0, "{a:?} {b:?}");
    assert_eq!(a.expired + b.expired, 1, "{a:?} {b:?}");
    let mailer = app(&env, ses(&env), &clock);
    mailer.handle(stream_event(&env).await).await.unwrap();
    for email in [&revoked, &enrolled, &expired] {
        assert_eq!(mail_to(&env, email).len(), 1, "{email}");
    }
    let contract = raw(&env, contract_pk(&c.id), CONTRACT_SK.into()).await;
    assert_eq!(num(&contract, "expired_total"), Some(1));
    let gone = entries(&env, &c, &ids[2], AuditAction::Expire).await;
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(
        run(&store, t + Duration::days(1), 3000).await.unwrap(),
        RunCounts::default()
    );
}

#[tokio::test]
async fn a_plan_that_is_off_reminds_nobody() {
    let (env, mut c) = setup().await;
    c.reminders.enabled = false;
    env.store.put_contract(&c).await.unwrap();
    let clock = TestClock::at(now());
    let who = env.email("quiet");
    invited_and_mailed(&env, &c, std::slice::from_ref(&who), &clock).await;
    let store = env.store_as("reminders");
    for day in 1..=13 {
        let counts = run(&store, now() + Duration::days(day), 3000)
            .await
            .unwrap();
        assert_eq!(counts.reminded, 0, "day {day}");
    }
    assert_eq!(mail_to(&env, &who).len(), 1);
}

#[tokio::test]
async fn a_plan_turned_on_reaches_the_pending_invitations_within_a_day() {
    let (env, mut c) = setup().await;
    c.reminders.enabled = false;
    env.store.put_contract(&c).await.unwrap();
    let clock = TestClock::at(now());
    let who = env.email("later.on");
    invited_and_mailed(&env, &c, std::slice::from_ref(&who), &clock).await;
    let store = env.store_as("reminders");
    // Off: looked at each day, nothing due.
    let day1 = run(
        &store,
        now() + Duration::days(1) + Duration::minutes(1),
        3000,
    )
    .await
    .unwrap();
    assert_eq!((day1.reminded, day1.rescheduled), (0, 1));
    for hours in (30..=24 * 4).step_by(6) {
        let counts = run(&store, now() + Duration::hours(hours), 3000)
            .await
            .unwrap();
        assert_eq!(counts.reminded, 0, "hour {hours}");
    }
    // An admin turns reminders on four days after the mail: its first reminder (3 days after
    // the mail) is overdue, and goes within a day.
    let plan = ReminderPlan {
        enabled: true,
        ..ReminderPlan::default()
    };
    env.store
        .set_reminder_plan(&c.id, &plan, &admin(), now() + Duration::days(4))
        .await
        .unwrap();
    let mut reminded_after = None;
    for hours in (6..=48).step_by(6) {
        let at = now() + Duration::days(4) + Duration::hours(hours);
        if run(&store, at, 3000).await.unwrap().reminded > 0 {
            reminded_after = Some(hours);
            break;
        }
    }
    let hours = reminded_after.expect("a reminder once the plan is on");
    assert!(hours <= 24, "within a day of the change: {hours} h");
}

#[tokio::test]
async fn a_run_capped_by_its_limit_leaves_the_rest_due_for_the_next() {
    let (env, c) = setup().await;
    let clock = TestClock::at(now());
    let emails: Vec<String> = (0..5).map(|i| env.email(&format!("many{i}"))).collect();
    invited_and_mailed(&env, &c, &emails, &clock).await;
    let store = env.store_as("reminders");
    let t = now() + Duration::days(3) + Duration::minutes(1);
    let mut per_run = Vec::new();
    for _ in 0..4 {
        per_run.push(run(&store, t, 2).await.unwrap().reminded);
    }
    assert_eq!(per_run, vec![2, 2, 1, 0]);
    for email in &emails {
        assert_eq!(
            item(&env, &c, email).await["delivery"].as_s().unwrap(),
            "queued"
        );
    }
}

#[tokio::test]
async fn a_link_extended_after_it_ran_out_gets_its_reminders_and_counts_expired_once() {
    let (env, c) = setup().await;
    let clock = TestClock::at(now());
    let who = env.email("extended");
    let ids = invited_and_mailed(&env, &c, std::slice::from_ref(&who), &clock).await;
    let store = env.store_as("reminders");
    let expires = now() + Duration::days(i64::from(c.invitation_lifetime_days));
    // Nobody ran the reminders until the link had run out: counted, off the index.
    let counts = run(&store, expires + Duration::minutes(1), 3000)
        .await
        .unwrap();
    assert_eq!(counts.expired, 1);
    assert!(!item(&env, &c, &who).await.contains_key("remind_at"));
    // An admin extends it: back on the index, and its first reminder (long due) goes.
    let later = expires + Duration::hours(1);
    env.store
        .extend(&c.id, &ids[0], later + Duration::days(14), &admin(), later)
        .await
        .unwrap();
    assert!(item(&env, &c, &who).await.contains_key("remind_at"));
    let counts = run(&store, later + Duration::minutes(1), 3000)
        .await
        .unwrap();
    assert_eq!((counts.reminded, counts.expired), (1, 0));
    let contract = raw(&env, contract_pk(&c.id), CONTRACT_SK.into()).await;
    assert_eq!(num(&contract, "expired_total"), Some(1), "counted once");
}
