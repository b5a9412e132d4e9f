//! The fixtures every test shares: [`contract`] gives a builder with sensible defaults, so a
//! test names only what it is about, and a new field of `Contract` is added here alone; [`user`]
//! is someone in the directory.

use chrono::{DateTime, Duration, TimeZone, Utc};
use invitations_core::domain::contract::DEFAULT_INVITATION_LIFETIME_DAYS;
use invitations_core::domain::{
    Activity, ActivityId, Contract, ContractId, ContractKind, EmailAddress, JoinLink, JoinLinkId,
    StatusCounts, User, UserId,
};

/// The moment the tests' clocks start at, unless a test says otherwise: 2026-03-02 09:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A contract `id` to build: by default "Contract {id}", a subscription with one activity
/// (`a1`, "Course a1"), administered by `admin-a`, no seat limit, started 10 days before
/// [`t0`] (or the time given to [`ContractBuilder::around`]) and ending 100 days after it,
/// invitations living 14 days, no invitations counted, the standard mail and reminder plan.
///
/// ```ignore
/// let c = testkit::contract("A").voucher(&["a1", "a2"]).seats(10).around(now).build();
/// ```
pub fn contract(id: &str) -> ContractBuilder {
    ContractBuilder {
        id: id.to_owned(),
        name: format!("Contract {id}"),
        kind: ContractKind::Subscription,
        activities: named_courses(&["a1"]),
        admins: vec!["admin-a".to_owned()],
        seat_limit: None,
        now: t0(),
        started_days_ago: 10,
        ends_in_days: 100,
        starts_at: None,
        ends_at: None,
        invitation_lifetime_days: DEFAULT_INVITATION_LIFETIME_DAYS,
    }
}

fn named_courses(ids: &[&str]) -> Vec<(String, String)> {
    ids.iter()
        .map(|id| ((*id).to_owned(), format!("Course {id}")))
        .collect()
}

/// A contract being built: see [`contract`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built"]
pub struct ContractBuilder {
    id: String,
    name: String,
    kind: ContractKind,
    activities: Vec<(String, String)>,
    admins: Vec<String>,
    seat_limit: Option<u64>,
    now: DateTime<Utc>,
    started_days_ago: i64,
    ends_in_days: i64,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    invitation_lifetime_days: u32,
}

impl ContractBuilder {
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    pub fn kind(mut self, kind: ContractKind) -> Self {
        self.kind = kind;
        self
    }

    /// Its activities, each named "Course {id}".
    pub fn activities(mut self, ids: &[&str]) -> Self {
        self.activities = named_courses(ids);
        self
    }

    /// Its activities, as (id, name).
    pub fn named_activities(mut self, activities: &[(&str, &str)]) -> Self {
        self.activities = activities
            .iter()
            .map(|(id, name)| ((*id).to_owned(), (*name).to_owned()))
            .collect();
        self
    }

    /// A voucher of these activities (each named "Course {id}").
    pub fn voucher(self, ids: &[&str]) -> Self {
        self.kind(ContractKind::Voucher).activities(ids)
    }

    /// A subscription to these activities (each named "Course {id}").
    pub fn subscription(self, ids: &[&str]) -> Self {
        self.kind(ContractKind::Subscription).activities(ids)
    }

    /// Its one admin.
    pub fn admin(self, admin: &str) -> Self {
        self.admins(&[admin])
    }

    /// Its admins, any number of them.
    pub fn admins(mut self, admins: &[&str]) -> Self {
        self.admins = admins.iter().map(|a| (*a).to_owned()).collect();
        self
    }

    /// At most `seats` pending and enrolled invitations.
    pub fn seats(self, seats: u64) -> Self {
        self.seat_limit(Some(seats))
    }

    /// The seat limit, or none.
    pub fn seat_limit(mut self, seat_limit: Option<u64>) -> Self {
        self.seat_limit = seat_limit;
        self
    }

    /// The time its dates are counted from (by default [`t0`]).
    pub fn around(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }

    /// It started `days` before that time (by default 10).
    pub fn started_days_ago(mut self, days: i64) -> Self {
        self.started_days_ago = days;
        self
    }

    /// It ends `days` after that time (by default 100).
    pub fn ends_in_days(mut self, days: i64) -> Self {
        self.ends_in_days = days;
        self
    }

    /// It starts at `at`, whatever the time it is built around.
    pub fn starts_at(mut self, at: DateTime<Utc>) -> Self {
        self.starts_at = Some(at);
        self
    }

    /// It ends at `at`, whatever the time it is built around.
    pub fn ends_at(mut self, at: DateTime<Utc>) -> Self {
        self.ends_at = Some(at);
        self
    }

    pub fn invitation_lifetime_days(mut self, days: u32) -> Self {
        self.invitation_lifetime_days = days;
        self
    }

    pub fn build(self) -> Contract {
        Contract {
            id: ContractId::parse(&self.id)
                .unwrap_or_else(|e| panic!("contract {:?}: {e}", self.id)),
            name: self.name,
            kind: self.kind,
            activities: self
                .activities
                .into_iter()
                .map(|(a, name)| Activity {
                    id: ActivityId::parse(&a).unwrap_or_else(|e| panic!("activity {a:?}: {e}")),
                    name,
                })
                .collect(),
            admins: self
                .admins
                .iter()
                .map(|a| UserId::parse(a).unwrap_or_else(|e| panic!("admin {a:?}: {e}")))
                .collect(),
            seat_limit: self.seat_limit,
            starts_at: self
                .starts_at
                .unwrap_or(self.now - Duration::days(self.started_days_ago)),
            ends_at: self
                .ends_at
                .unwrap_or(self.now + Duration::days(self.ends_in_days)),
            invitation_lifetime_days: self.invitation_lifetime_days,
            counts: StatusCounts::default(),
            mail: Default::default(),
            reminders: Default::default(),
            waiting: Default::default(),
        }
    }
}

/// Someone in the directory: made at [`t0`], not a system administrator, their address proved.
pub fn user(id: &str, email: &str, name: &str) -> User {
    User {
        id: UserId::parse(id).unwrap_or_else(|e| panic!("user {id:?}: {e}")),
        email: EmailAddress::parse(email).unwrap_or_else(|e| panic!("{email:?}: {e}")),
        name: name.into(),
        created_at: t0(),
        system_admin: false,
        email_verified: true,
        standing: invitations_core::domain::Standing::Active,
    }
}

/// A join link of `contract`, made by `admin-a` at `at`: open to anyone, unlimited, enabled,
/// no activities, no approval, generation 1. Tests change what they need with `..`.
pub fn join_link(contract: &ContractId, at: DateTime<Utc>) -> JoinLink {
    JoinLink {
        id: JoinLinkId::random(),
        contract_id: contract.clone(),
        audience: "Sales".into(),
        generation: 1,
        activities: vec![],
        max_uses: None,
        uses: 0,
        opens_at: None,
        closes_at: None,
        allowed_domains: vec![],
        needs_approval: false,
        enabled: true,
        created_by: UserId::parse("admin-a").expect("an id"),
        created_at: at,
        version: 1,
    }
}
