//! Demo data: the people the sign-in page offers, a directory of a few hundred users, contracts
//! of every kind and phase, and invitations in every status. Invitations are made, enrolled and
//! revoked through the functions' own handlers (so counts, audit and mail are real), some of
//! them with a clock set in the past so that they have expired.

use crate::gateway::Functions;
use crate::sign_in::{Claims, LocalUser, ISSUER};
use crate::template::ApiRoute;
use chrono::{DateTime, Duration, Utc};
use invitations_core::domain::{
    Activity, ActivityId, Contract, ContractId, ContractKind, EmailAddress, InvitationId, LinkKey,
    StatusCounts, User, UserId, SYSTEM_ADMIN_GROUP,
};
use invitations_core::ports::Store;
use serde_json::{json, Value};
use std::sync::Arc;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub const DIRECTORY_SIZE: usize = 300;
/// Where seeded people's mail goes (the SES emulator keeps it all).
pub const DOMAIN: &str = "learners.example";

const FIRST: &[&str] = &[
    "Amara", "Bruno", "Chen", "Dalia", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jana", "Kofi",
    "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara",
];
const LAST: &[&str] = &[
    "Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor",
];

/// The people the local sign-in offers: one of each role, plus two students.
pub fn people() -> Vec<LocalUser> {
    let person = |id: &str, name: &str, role: &str, groups: &[&str]| LocalUser {
        user_id: id.into(),
        email: format!("{}@{DOMAIN}", id.replace('-', ".")),
        name: name.into(),
        role: role.into(),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
    };
    let student = |n: usize| LocalUser {
        user_id: format!("u{n:03}"),
        email: directory_email(n),
        name: directory_name(n),
        role: "student".into(),
        groups: Vec::new(),
    };
    vec![
        person(
            "sam-sysadmin",
            "Sam Sysadmin",
            "system-admin",
            &[SYSTEM_ADMIN_GROUP],
        ),
        person("ada-admin", "Ada Lovelace", "contract-admin", &[]),
        person("grace-admin", "Grace Hopper", "contract-admin", &[]),
        student(1),
        student(2),
    ]
}

fn directory_name(n: usize) -> String {
    format!(
        "{} {}",
        FIRST[n % FIRST.len()],
        LAST[(n / FIRST.len()) % LAST.len()]
    )
}

fn directory_email(n: usize) -> String {
    let local = directory_name(n).to_lowercase().replace(' ', ".");
    format!("{local}.{n:03}@{DOMAIN}")
}

/// The directory user `u{n:03}`.
pub fn directory_user(n: usize, now: DateTime<Utc>) -> User {
    User {
        id: UserId::parse(&format!("u{n:03}")).expect("valid id"),
        email: EmailAddress::parse(&directory_email(n)).expect("valid address"),
        name: directory_name(n),
        created_at: now - Duration::days(400),
        system_admin: false,
    }
}

/// The demo contracts, named for what they show.
pub mod contracts {
    pub const LEADERSHIP: &str = "leadership-2026";
    pub const DATA_SKILLS: &str = "data-skills-voucher";
    pub const ONBOARDING: &str = "onboarding-voucher";
    pub const SPRING_COHORT: &str = "spring-cohort-2027";
    pub const COMPLIANCE: &str = "compliance-2025";
}

#[allow(clippy::too_many_arguments)]
fn contract(
    id: &str,
    name: &str,
    kind: ContractKind,
    activities: &[(&str, &str)],
    admin: &str,
    seat_limit: Option<u64>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Contract {
    Contract {
        id: ContractId::parse(id).expect("valid id"),
        name: name.into(),
        kind,
        activities: activities
            .iter()
            .map(|(id, name)| Activity {
                id: ActivityId::parse(id).expect("valid id"),
                name: (*name).into(),
            })
            .collect(),
        admins: vec![UserId::parse(admin).expect("valid id")],
        seat_limit,
        starts_at,
        ends_at,
        invitation_lifetime_days: 14,
        counts: StatusCounts::default(),
    }
}

pub fn demo_contracts(now: DateTime<Utc>) -> Vec<Contract> {
    use contracts::*;
    let day = Duration::days(1);
    vec![
        contract(
            LEADERSHIP,
            "Leadership Essentials 2026",
            ContractKind::Subscription,
            &[
                ("lead-101", "Leading Teams"),
                ("lead-102", "Difficult Conversations"),
            ],
            "ada-admin",
            Some(40),
            now - day * 60,
            now + day * 300,
        ),
        contract(
            DATA_SKILLS,
            "Data Skills Voucher",
            ContractKind::Voucher,
            &[
                ("sql-basics", "SQL Basics"),
                ("python-data", "Python for Data"),
                ("dashboards", "Dashboards that Work"),
            ],
            "ada-admin",
            Some(200),
            now - day * 30,
            now + day * 335,
        ),
        contract(
            ONBOARDING,
            "Onboarding Voucher",
            ContractKind::Voucher,
            &[("welcome", "Welcome to the Company")],
            "grace-admin",
            None,
            now - day * 90,
            now + day * 275,
        ),
        contract(
            SPRING_COHORT,
            "Spring Cohort 2027",
            ContractKind::Subscription,
            &[("cohort-1", "Cohort Programme")],
            "grace-admin",
            Some(25),
            now + day * 120,
            now + day * 300,
        ),
        contract(
            COMPLIANCE,
            "Compliance Training 2025",
            ContractKind::Subscription,
            &[("gdpr", "Data Protection"), ("ethics", "Code of Conduct")],
            "ada-admin",
            None,
            now - day * 400,
            now - day * 20,
        ),
    ]
}

/// The functions to seed through: `now` as they run, `past` with a clock 30 days behind.
pub struct Seeder<'a> {
    pub store: Arc<dyn Store>,
    pub routes: &'a [ApiRoute],
    pub now: &'a Functions,
    pub past: &'a Functions,
    pub link_key: &'a LinkKey,
}

impl Seeder<'_> {
    pub async fn run(&self, now: DateTime<Utc>) -> Result<Vec<LocalUser>, BoxError> {
        use contracts::*;
        let people = people();
        // Students among them are directory users, added below.
        for p in people.iter().filter(|p| p.role != "student") {
            self.store
                .put_user(&User {
                    id: UserId::parse(&p.user_id)?,
                    email: EmailAddress::parse(&p.email)?,
                    name: p.name.clone(),
                    created_at: now - Duration::days(400),
                    system_admin: p.groups.iter().any(|g| g == "system-admins"),
                })
                .await?;
        }
        for n in 1..=DIRECTORY_SIZE {
            self.store.put_user(&directory_user(n, now)).await?;
        }
        for c in demo_contracts(now) {
            self.store.put_contract(&c).await?;
        }
        let ada = &people[1];
        let grace = &people[2];
        let users = |range: std::ops::RangeInclusive<usize>| -> Vec<String> {
            range.map(|n| format!("u{n:03}")).collect()
        };

        // The compliance contract ran last year: invited then (long expired), some enrolled.
        let old = self
            .invite(
                self.past,
                ada,
                COMPLIANCE,
                json!({"user_ids": users(200..=207)}),
            )
            .await?;
        self.enrol_some(self.past, &old[..3]).await?;

        // Leadership: pending, enrolled, revoked, and expired invitations.
        self.invite(
            self.past,
            ada,
            LEADERSHIP,
            json!({"user_ids": users(30..=33)}),
        )
        .await?;
        let lead = self
            .invite(
                self.now,
                ada,
                LEADERSHIP,
                json!({"user_ids": users(3..=20)}),
            )
            .await?;
        self.invite(
            self.now,
            ada,
            LEADERSHIP,
            json!({"emails": ["pat.external@partner.example", "lee.contractor@partner.example"]}),
        )
        .await?;

        // Data skills: two batches covering different activities.
        let data = self
            .invite(
                self.now,
                ada,
                DATA_SKILLS,
                json!({"user_ids": users(40..=64), "activities": ["sql-basics", "python-data"]}),
            )
            .await?;
        self.invite(
            self.now,
            ada,
            DATA_SKILLS,
            json!({"user_ids": users(65..=72), "activities": ["dashboards"]}),
        )
        .await?;

        // Onboarding (Grace's): a handful, one enrolled.
        let onboarding = self
            .invite(
                self.now,
                grace,
                ONBOARDING,
                json!({"user_ids": users(100..=111)}),
            )
            .await?;

        // People enrol after their mail arrives: let the mailer catch up first, so the demo
        // shows enrolled invitations as sent, not as still queued.
        let mailed: Vec<String> = [&lead[..7], &data[..8], &onboarding[..1]].concat();
        self.wait_for_mail(&mailed).await?;
        self.enrol_some(self.now, &lead[..5]).await?;
        self.revoke_some(ada, LEADERSHIP, &lead[5..7]).await?;
        self.enrol_some(self.now, &data[..6]).await?;
        self.revoke_some(ada, DATA_SKILLS, &data[6..8]).await?;
        self.enrol_some(self.now, &onboarding[..1]).await?;
        Ok(people)
    }

    /// Waits until the mailer has dealt with each invitation's mail, for at most 30 s (the
    /// seed goes on either way; the delivery column then shows what really happened).
    async fn wait_for_mail(&self, ids: &[String]) -> Result<(), BoxError> {
        use invitations_core::domain::Delivery;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        for id in ids {
            let id = InvitationId::parse(id)?;
            loop {
                let invitation = self.store.find_invitation(&id).await?;
                let waiting = invitation.is_some_and(|i| {
                    matches!(i.delivery, Delivery::Queued | Delivery::Sending { .. })
                });
                if !waiting {
                    break;
                }
                if std::time::Instant::now() > deadline {
                    tracing::warn!("the seed's mail is still queued after 30 s; going on");
                    return Ok(());
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
        Ok(())
    }

    /// Invites through the admin API and answers with the new invitations' ids.
    async fn invite(
        &self,
        functions: &Functions,
        who: &LocalUser,
        contract: &str,
        body: Value,
    ) -> Result<Vec<String>, BoxError> {
        let path = format!("/contracts/{contract}/invitations");
        let answer = self.call(functions, Some(who), &path, &body).await?;
        Ok(answer["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["outcome"] == "invited" || r["outcome"] == "reinvited")
            .filter_map(|r| r["invitation_id"].as_str().map(str::to_owned))
            .collect())
    }

    async fn revoke_some(
        &self,
        who: &LocalUser,
        contract: &str,
        ids: &[String],
    ) -> Result<(), BoxError> {
        for id in ids {
            let path = format!("/contracts/{contract}/invitations/{id}/revoke");
            self.call(self.now, Some(who), &path, &json!({})).await?;
        }
        Ok(())
    }

    /// Enrols through the student API with each invitation's current link.
    async fn enrol_some(&self, functions: &Functions, ids: &[String]) -> Result<(), BoxError> {
        for id in ids {
            let id = InvitationId::parse(id)?;
            let invitation = self
                .store
                .find_invitation(&id)
                .await?
                .ok_or("a seeded invitation vanished")?;
            let token = self
                .link_key
                .sign(&id, invitation.token_version)
                .ok_or("cannot sign a link")?;
            let body = json!({ "token": token, "name": "Seeded Student" });
            self.call(functions, None, "/enrol", &body).await?;
        }
        Ok(())
    }

    /// POSTs `body` to `path` as API Gateway would, signed in as `who` (if anyone).
    async fn call(
        &self,
        functions: &Functions,
        who: Option<&LocalUser>,
        path: &str,
        body: &Value,
    ) -> Result<Value, BoxError> {
        let claims = who.map(|who| Claims {
            sub: who.user_id.clone(),
            email: who.email.clone(),
            name: who.name.clone(),
            groups: who.groups.clone(),
            iss: ISSUER.into(),
            iat: 0,
            exp: i64::MAX,
        });
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("content-type", "application/json".parse()?);
        let response = functions
            .invoke(
                self.routes,
                "POST",
                path,
                &headers,
                body.to_string().as_bytes(),
                claims.as_ref(),
            )
            .await?;
        answer(path, response)
    }
}

fn answer(
    path: &str,
    response: lambda_http::Response<lambda_http::Body>,
) -> Result<Value, BoxError> {
    let status = response.status();
    let text = match response.body() {
        lambda_http::Body::Text(t) => t.clone(),
        lambda_http::Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    if !status.is_success() {
        return Err(format!("seeding POST {path}: {status} {text}").into());
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}
