//! Scheduled mails over the wire (issue 31): moto's table, index and stream, the reminder run
//! under its role, the real mailer on aws-ses-v2-local; the clock moved instead of waiting.

#[path = "../../mailer/tests/common/mod.rs"]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use invitations_core::adapters::dynamo::items::{contract_pk, s, CONTRACT_SK};
use invitations_core::domain::*;
use invitations_core::ports::*;
use reminders::run;
use testkit::TestEnv;

/// A contract that starts in 10 days (Future), its admin in the directory.
async fn future_setup() -> (TestEnv, Contract) {
    let env = TestEnv::new().await;
    let c = testkit::contract("c1")
        .name("Spring cohort")
        .kind(ContractKind::Voucher)
        .named_activities(&[("a1", "Safety basics"), ("a2", "First aid")])
        .admin(admin().as_str())
        .starts_at(now() + Duration::days(10))
        .ends_at(now() + Duration::days(200))
        .build();
    env.store.put_contract(&c).await.unwrap();
    let inviter = testkit::user(admin().as_str(), &env.email("ada"), "Ada Admin");
    assert!(env.store.put_user(&inviter).await.unwrap());
    (env, c)
}

/// Invites `emails` at `now()` with `options`.
async fn invite_with(
    env: &TestEnv,
    c: &Contract,
    emails: &[String],
    options: InviteOptions,
) -> Vec<InvitationId> {
    let invitees = emails
        .iter()
        .map(|e| Invitee {
            options: options.clone(),
            ..invitee(e, None)
        })
        .collect();
    create(env, c, &["a1"], invitees, now()).await
}

fn at_start(c: &Contract) -> InviteOptions {
    InviteOptions {
        schedule: SendAt::default_for(c, now()).resolve(c, now()).unwrap(),
        ..Default::default()
    }
}

async fn stored(env: &TestEnv, c: &Contract, id: &InvitationId) -> Invitation {
    env.store.get_invitation(&c.id, id).await.unwrap().unwrap()
}

/// The mailer takes what the stream holds so far (at `at`).
async fn mailer_runs(env: &TestEnv, at: DateTime<Utc>) {
    let clock = TestClock::at(at);
    app(env, ses(env), &clock)
        .handle(stream_event(env).await)
        .await
        .unwrap();
}

async fn set_dates(env: &TestEnv, c: &Contract, starts: DateTime<Utc>, at: DateTime<Utc>) {
    env.store_as("contract-settings")
        .set_contract_dates(&c.id, starts, c.ends_at, &admin(), at)
        .await
        .unwrap()
        .expect("the contract");
}

#[tokio::test]
async fn a_future_contracts_invitations_are_mailed_at_its_start_moved_twice() {
    let (env, c) = future_setup().await;
    let (ann, bob) = (env.email("ann"), env.email("bob"));
    let ids = invite_with(&env, &c, &[ann.clone(), bob.clone()], at_start(&c)).await;
    let inv = stored(&env, &c, &ids[0]).await;
    assert_eq!(inv.delivery, Delivery::Scheduled);
    assert_eq!(inv.options.schedule, Some(Schedule::ContractStart));
    assert_eq!(inv.status, InvitationStatus::Pending, "holds its seat");
    let after = env.store.get_contract(&c.id).await.unwrap().unwrap();
    assert_eq!(after.counts.pending, 2);
    // Nothing goes now: the mailer finds nothing queued.
    mailer_runs(&env, now()).await;
    assert!(mail_to(&env, &ann).is_empty());

    let store = env.store_as("reminders");
    let start = c.starts_at;
    // Moved later by two days, the day after the invitations were made.
    set_dates(
        &env,
        &c,
        start + Duration::days(2),
        now() + Duration::days(1),
    )
    .await;
    let counts = run(&store, start + Duration::minutes(1), 3000)
        .await
        .unwrap();
    assert_eq!(counts.released, 0, "{counts:?}");
    assert_eq!(
        counts.rescheduled, 2,
        "each waits for the new start: {counts:?}"
    );
    mailer_runs(&env, start + Duration::minutes(1)).await;
    assert!(mail_to(&env, &ann).is_empty(), "not at the old start");

    // Moved again, earlier than that: a day after the first start.
    let second = start + Duration::days(1);
    set_dates(&env, &c, second, start + Duration::hours(2)).await;
    let counts = run(&store, second - Duration::minutes(1), 3000)
        .await
        .unwrap();
    assert_eq!(counts.released, 0, "not yet: {counts:?}");
    let counts = run(&store, second + Duration::minutes(1), 3000)
        .await
        .unwrap();
    assert_eq!(counts.released, 2, "{counts:?}");
    let inv = stored(&env, &c, &ids[0]).await;
    assert_eq!(inv.delivery, Delivery::Queued);
    assert_eq!(inv.options.schedule, None);
    // The link is counted from the mail, not from the invitation.
    assert_eq!(
        inv.expires_at,
        second + Duration::minutes(1) + Duration::days(c.invitation_lifetime_days.into())
    );
    mailer_runs(&env, second + Duration::minutes(2)).await;
    assert_eq!(mail_to(&env, &ann).len(), 1);
    assert_eq!(mail_to(&env, &bob).len(), 1);
    let sent = stored(&env, &c, &ids[0]).await;
    assert_eq!(sent.send_count, 1, "one mail: {sent:?}");
    assert!(matches!(sent.delivery, Delivery::Sent { .. }));

    // At the later start they were once put off to, nothing more goes.
    let later = start + Duration::days(2) + Duration::minutes(1);
    let counts = run(&store, later, 3000).await.unwrap();
    assert_eq!(counts.released, 0, "{counts:?}");
    mailer_runs(&env, later).await;
    assert_eq!(mail_to(&env, &ann).len(), 1, "mailed once");
    // The contract leaves the index once its start is well past.
    run(&store, second + Duration::hours(2), 3000)
        .await
        .unwrap();
    let item = env
        .dynamodb
        .get_item()
        .table_name(&env.table)
        .key("pk", s(contract_pk(&c.id)))
        .key("sk", s(CONTRACT_SK))
        .send()
        .await
        .unwrap();
    assert!(!item.item().unwrap().contains_key("remind_at"));
}

#[tokio::test]
async fn runs_that_race_at_the_start_release_each_mail_once() {
    let (env, c) = future_setup().await;
    let people: Vec<String> = (0..5).map(|i| env.email(&format!("p{i}"))).collect();
    invite_with(&env, &c, &people, at_start(&c)).await;
    let store = env.store_as("reminders");
    let due = c.starts_at + Duration::minutes(1);
    let (a, b, d) = tokio::join!(
        run(&store, due, 3000),
        run(&store, due, 3000),
        run(&store, due, 3000)
    );
    let released = a.unwrap().released + b.unwrap().released + d.unwrap().released;
    assert_eq!(released, 5);
    mailer_runs(&env, due).await;
    for p in &people {
        assert_eq!(mail_to(&env, p).len(), 1, "{p}");
    }
}

#[tokio::test]
async fn a_contract_that_ends_or_is_gone_cancels_its_scheduled_mails() {
    let env = TestEnv::new().await;
    let c = testkit::contract("c1")
        .admin(admin().as_str())
        .starts_at(now() - Duration::days(1))
        .ends_at(now() + Duration::days(30))
        .build();
    env.store.put_contract(&c).await.unwrap();
    let when = now() + Duration::days(20);
    let options = InviteOptions {
        schedule: SendAt::At(when).resolve(&c, now()).unwrap(),
        ..Default::default()
    };
    assert_eq!(options.schedule, Some(Schedule::At(when)));
    let ann = env.email("ann");
    let ids = invite_with(&env, &c, std::slice::from_ref(&ann), options.clone()).await;
    // The contract now ends before the mail was to go.
    env.store_as("contract-settings")
        .set_contract_dates(
            &c.id,
            c.starts_at,
            now() + Duration::days(10),
            &admin(),
            now(),
        )
        .await
        .unwrap();
    let store = env.store_as("reminders");
    let counts = run(&store, when + Duration::minutes(1), 3000)
        .await
        .unwrap();
    assert_eq!(counts.cancelled, 1, "{counts:?}");
    let inv = stored(&env, &c, &ids[0]).await;
    match &inv.delivery {
        Delivery::Failed { reason } => assert!(reason.contains("ended"), "{reason}"),
        other => panic!("cancelled, not {other:?}"),
    }
    mailer_runs(&env, when + Duration::minutes(1)).await;
    assert!(mail_to(&env, &ann).is_empty());

    // A contract that is gone: its scheduled mails are cancelled too.
    let (env, c) = future_setup().await;
    let bob = env.email("bob");
    let ids = invite_with(&env, &c, std::slice::from_ref(&bob), at_start(&c)).await;
    env.dynamodb
        .delete_item()
        .table_name(&env.table)
        .key("pk", s(contract_pk(&c.id)))
        .key("sk", s(CONTRACT_SK))
        .send()
        .await
        .unwrap();
    let store = env.store_as("reminders");
    let counts = run(&store, c.starts_at + Duration::minutes(1), 3000)
        .await
        .unwrap();
    assert_eq!(counts.cancelled, 1, "{counts:?}");
    assert!(matches!(
        stored(&env, &c, &ids[0]).await.delivery,
        Delivery::Failed { .. }
    ));
}

#[tokio::test]
async fn send_now_revoke_and_extend_work_on_scheduled_invitations() {
    let (env, c) = future_setup().await;
    let (ann, bob, cy) = (env.email("ann"), env.email("bob"), env.email("cy"));
    let ids = invite_with(
        &env,
        &c,
        &[ann.clone(), bob.clone(), cy.clone()],
        at_start(&c),
    )
    .await;
    let transitions = env.store_as("resend");
    // Send now, seconds after the invitation was made: never "too soon" for a first mail.
    let sent = transitions
        .resend(&c, &ids[0], &admin(), now() + Duration::seconds(5))
        .await
        .unwrap();
    assert_eq!(sent.delivery, Delivery::Queued);
    assert_eq!(sent.send_count, 1, "the first mail, not another");
    mailer_runs(&env, now() + Duration::seconds(6)).await;
    assert_eq!(mail_to(&env, &ann).len(), 1);
    // Revoked before its start: never mailed.
    env.store_as("revoke")
        .revoke(&c.id, &ids[1], &admin(), now() + Duration::minutes(1))
        .await
        .unwrap();
    // Extended while it waits: the link lasts at least that long once mailed.
    let until = c.starts_at + Duration::days(60);
    env.store_as("extend")
        .extend(
            &c.id,
            &ids[2],
            until,
            &admin(),
            now() + Duration::minutes(2),
        )
        .await
        .unwrap();
    let store = env.store_as("reminders");
    let due = c.starts_at + Duration::minutes(1);
    let counts = run(&store, due, 3000).await.unwrap();
    assert_eq!(counts.released, 1, "only cy's: {counts:?}");
    // Ann's mail went ten days ago: what she gets now is the plan's reminder, not the
    // scheduled mail again.
    assert_eq!(counts.reminded, 1, "{counts:?}");
    mailer_runs(&env, due).await;
    let to_ann = mail_to(&env, &ann);
    assert_eq!(to_ann.len(), 2);
    assert_eq!(
        to_ann
            .iter()
            .filter(|m| !m.subject.starts_with("Reminder"))
            .count(),
        1,
        "the invitation once: {:?}",
        to_ann.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert!(mail_to(&env, &bob).is_empty(), "revoked");
    assert_eq!(mail_to(&env, &cy).len(), 1);
    assert_eq!(stored(&env, &c, &ids[2]).await.expires_at, until);
}
