//! Fixtures for the mailer's tests: a contract, an inviter in the directory, real stream events.
#![allow(dead_code)]

use async_trait::async_trait;
use aws_lambda_events::event::dynamodb::Event;
use chrono::{DateTime, Duration, TimeZone, Utc};
use invitations_core::adapters::SesMailer;
use invitations_core::domain::*;
use invitations_core::ports::*;
use mailer::{App, Clock, RetryPolicy};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use testkit::TestEnv;

pub const SITE_URL: &str = "https://learn.example.com";
pub const MAIL_FROM: &str = "invitations@example.com";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn admin() -> UserId {
    UserId::parse("admin-a").unwrap()
}

pub fn contract() -> Contract {
    testkit::contract("c1")
        .name("Leadership & Safety 2026")
        .kind(ContractKind::Voucher)
        .named_activities(&[("a1", "Safety basics"), ("a2", "First aid")])
        .admin(admin().as_str())
        .around(now())
        .started_days_ago(30)
        .ends_in_days(300)
        .build()
}

/// A fresh table with the contract and its admin (the inviter) in the directory.
pub async fn setup() -> (TestEnv, Contract) {
    let env = TestEnv::new().await;
    let c = contract();
    env.store.put_contract(&c).await.unwrap();
    let mut inviter = testkit::user(admin().as_str(), &env.email("ada"), "Ada Admin");
    inviter.created_at = now() - Duration::days(100);
    assert!(env.store.put_user(&inviter).await.unwrap());
    (env, c)
}

/// Invites `emails` to both activities at `at`; returns the invitation ids in order.
pub async fn invite(
    env: &TestEnv,
    c: &Contract,
    emails: &[String],
    at: DateTime<Utc>,
) -> Vec<InvitationId> {
    let invitees: Vec<Invitee> = emails.iter().map(|e| invitee(e, None)).collect();
    create(env, c, &["a1", "a2"], invitees, at).await
}

/// Someone to invite by hand (no directory user), with a name or not.
pub fn invitee(email: &str, name: Option<&str>) -> Invitee {
    Invitee {
        email: EmailAddress::parse(email).unwrap(),
        user_id: None,
        name: name.map(str::to_owned),
        source: Source::Manual,
        options: Default::default(),
    }
}

/// Invites `invitees` to `activities` at `at`, each of whom must be newly invited; returns
/// the invitation ids in order.
pub async fn create(
    env: &TestEnv,
    c: &Contract,
    activities: &[&str],
    invitees: Vec<Invitee>,
    at: DateTime<Utc>,
) -> Vec<InvitationId> {
    let activities: Vec<ActivityId> = activities
        .iter()
        .map(|a| ActivityId::parse(a).unwrap())
        .collect();
    env.store
        .create_invitations(NewInvitations {
            contract: c,
            activities: &activities,
            invited_by: &admin(),
            now: at,
            invitees: &invitees,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|o| match o {
            InviteOutcome::Invited { invitation_id }
            | InviteOutcome::Reinvited { invitation_id } => invitation_id,
            other => panic!("expected a new invitation, got {other:?}"),
        })
        .collect()
}

/// A clock the test moves.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn at(t: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(t)))
    }
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap() = t;
    }
    pub fn clock(&self) -> Clock {
        let inner = self.0.clone();
        Arc::new(move || *inner.lock().unwrap())
    }
}

pub fn ses(env: &TestEnv) -> Arc<SesMailer> {
    Arc::new(SesMailer::new(env.sesv2.clone(), MAIL_FROM, None))
}

/// The mailer on the test's table, fast (no real waiting) and on the test's clock.
pub fn app(env: &TestEnv, mail: Arc<dyn Mailer>, clock: &TestClock) -> App {
    app_with_key(env, mail, clock, env.link_key.clone().into())
}

/// As [`app`], with the link key held as `key` (read from a secret on first use, or in hand).
pub fn app_with_key(
    env: &TestEnv,
    mail: Arc<dyn Mailer>,
    clock: &TestClock,
    key: invitations_core::keys::LinkKeys,
) -> App {
    App::new(Arc::new(env.store_as("mailer")), mail, key, SITE_URL)
        .with_send_rate(1000.0)
        .unwrap()
        .with_retry(RetryPolicy {
            attempts: 3,
            first_delay: std::time::Duration::from_millis(1),
        })
        .with_clock(clock.clock())
}

/// The table's stream so far, read from moto and shaped as AWS Lambda delivers it.
pub async fn stream_event(env: &TestEnv) -> Event {
    serde_json::from_value(env.stream_event().await).expect("a Lambda DynamoDB stream event")
}

/// The token of the enrolment link in a text body.
pub fn token_in(text: &str) -> String {
    let prefix = format!("{SITE_URL}/enrol#token=");
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no link in {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Mail sent to `address` (case-insensitive).
pub fn mail_to(env: &TestEnv, address: &str) -> Vec<testkit::SentMail> {
    env.sent_mail()
        .into_iter()
        .filter(|m| {
            m.destination
                .to
                .iter()
                .any(|t| t.eq_ignore_ascii_case(address))
        })
        .collect()
}

/// A mail service that refuses every mail for good.
pub struct Refusing(pub String, pub AtomicU32);

#[async_trait]
impl Mailer for Refusing {
    async fn send(&self, _mail: &OutgoingMail) -> Result<String, MailError> {
        self.1.fetch_add(1, Ordering::SeqCst);
        Err(MailError::Permanent(self.0.clone()))
    }
}

/// A mail service that is busy for the first `busy` sends, then passes mail on to SES.
pub struct Busy {
    pub busy: AtomicU32,
    pub calls: AtomicU32,
    pub inner: Arc<SesMailer>,
}

#[async_trait]
impl Mailer for Busy {
    async fn send(&self, mail: &OutgoingMail) -> Result<String, MailError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let left = self.busy.load(Ordering::SeqCst);
        if left > 0 {
            self.busy.store(left - 1, Ordering::SeqCst);
            return Err(MailError::Transient(
                "TooManyRequestsException: maximum sending rate exceeded".into(),
            ));
        }
        self.inner.send(mail).await
    }
}
