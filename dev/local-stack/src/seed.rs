//! Demo data: the people the sign-in page offers and a directory of a few hundred users, all
//! of them accounts in the user pool (the directory is filled from the pool by the directory
//! sync, as in AWS); contracts of every kind and phase, administered by the contract admins'
//! subs; and invitations in every status. Invitations are made, enrolled and revoked through
//! the functions' own handlers, with the claims of real id tokens (so counts, audit and mail
//! are real), some of them with a clock set in the past so that they have expired.

use crate::authorizer::{as_authorizer_claims, JwtAuthorizer};
use crate::gateway::{Claims, Functions};
use crate::sign_in::{LocalSignIn, LocalUser};
use crate::template::ApiRoute;
use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use chrono::{DateTime, Duration, Utc};
use invitations_core::domain::{
    ActivityId, Contract, ContractId, ContractKind, InvitationId, JoinLink, JoinLinkId, LinkKey,
    UserId, SYSTEM_ADMIN_GROUP,
};
use invitations_core::ports::Store;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub const DIRECTORY_SIZE: usize = 300;
/// Where seeded people's mail goes (the SES emulator keeps it all).
pub const DOMAIN: &str = "learners.example";
/// The id of the seeded join link, as the event files name it.
pub const SEEDED_JOIN_LINK: &str = "0f3c2a9e5b7d4e1f8a6c3b2d1e0f9a8b";

const FIRST: &[&str] = &[
    "Amara", "Bruno", "Chen", "Dalia", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jana", "Kofi",
    "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara",
];
const LAST: &[&str] = &[
    "Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor",
];

/// Someone the seed puts in the user pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedPerson {
    pub email: String,
    pub name: String,
    /// What they are for on the sign-in page: `system-admin`, `contract-admin` or `student`.
    pub role: &'static str,
}

/// The people the local sign-in offers first: one system administrator, two contract admins
/// and two students (directory users 1 and 2).
pub fn sign_in_people() -> Vec<SeedPerson> {
    let person = |local: &str, name: &str, role| SeedPerson {
        email: format!("{local}@{DOMAIN}"),
        name: name.into(),
        role,
    };
    let student = |n: usize| SeedPerson {
        email: directory_email(n),
        name: directory_name(n),
        role: "student",
    };
    vec![
        person("sam.sysadmin", "Sam Sysadmin", "system-admin"),
        person("ada.admin", "Ada Lovelace", "contract-admin"),
        person("grace.admin", "Grace Hopper", "contract-admin"),
        student(1),
        student(2),
    ]
}

pub fn directory_name(n: usize) -> String {
    format!(
        "{} {}",
        FIRST[n % FIRST.len()],
        LAST[(n / FIRST.len()) % LAST.len()]
    )
}

/// The address of directory user `n` (1..=DIRECTORY_SIZE).
pub fn directory_email(n: usize) -> String {
    let local = directory_name(n).to_lowercase().replace(' ', ".");
    format!("{local}.{n:03}@{DOMAIN}")
}

/// The seeded people with the subs the user pool gave them.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// The sign-in page's people, in the order of [`sign_in_people`].
    pub sign_in: Vec<LocalUser>,
    /// Directory user `n` -> their sub.
    pub directory: BTreeMap<usize, String>,
}

impl People {
    pub fn system_admin(&self) -> &LocalUser {
        &self.sign_in[0]
    }
    pub fn ada(&self) -> &LocalUser {
        &self.sign_in[1]
    }
    pub fn grace(&self) -> &LocalUser {
        &self.sign_in[2]
    }
    /// The sub of directory user `n`.
    pub fn directory_user(&self, n: usize) -> &str {
        &self.directory[&n]
    }
}

/// Puts the sign-in people (and with `directory`, the DIRECTORY_SIZE directory users) into the
/// user pool as an administrator would (AdminCreateUser, no invitation mail, a verified
/// address and a name), and the system administrator into `system-admins`. People already
/// there (an earlier run on the same emulator) are kept.
pub async fn create_people(
    cognito: &aws_sdk_cognitoidentityprovider::Client,
    pool_id: &str,
    directory: bool,
) -> Result<People, BoxError> {
    let mut people = People::default();
    for p in sign_in_people() {
        let sub = ensure_person(cognito, pool_id, &p.email, &p.name).await?;
        if p.role == "system-admin" {
            cognito
                .admin_add_user_to_group()
                .user_pool_id(pool_id)
                .username(&sub)
                .group_name(SYSTEM_ADMIN_GROUP)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
        }
        people.sign_in.push(LocalUser {
            user_id: sub,
            email: p.email,
            name: p.name,
            role: p.role.into(),
            groups: if p.role == "system-admin" {
                vec![SYSTEM_ADMIN_GROUP.to_owned()]
            } else {
                Vec::new()
            },
        });
    }
    for (n, student) in [(1, 3), (2, 4)] {
        people
            .directory
            .insert(n, people.sign_in[student].user_id.clone());
    }
    if directory {
        for n in 3..=DIRECTORY_SIZE {
            let sub =
                ensure_person(cognito, pool_id, &directory_email(n), &directory_name(n)).await?;
            people.directory.insert(n, sub);
        }
    }
    Ok(people)
}

/// The sub of the pool's account for `email`, made now if there is none.
async fn ensure_person(
    cognito: &aws_sdk_cognitoidentityprovider::Client,
    pool_id: &str,
    email: &str,
    name: &str,
) -> Result<String, BoxError> {
    let attribute = |name: &str, value: &str| {
        AttributeType::builder()
            .name(name)
            .value(value)
            .build()
            .expect("name is set")
    };
    let sub_of = |attributes: &[AttributeType]| {
        attributes
            .iter()
            .find(|a| a.name() == "sub")
            .and_then(|a| a.value())
            .map(str::to_owned)
            .ok_or_else(|| format!("the pool gave {email} no sub"))
    };
    let created = cognito
        .admin_create_user()
        .user_pool_id(pool_id)
        .username(email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email", email))
        .user_attributes(attribute("email_verified", "true"))
        .user_attributes(attribute("name", name))
        .send()
        .await;
    match created {
        Ok(out) => Ok(sub_of(
            out.user().map(|u| u.attributes()).unwrap_or_default(),
        )?),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_username_exists_exception()) =>
        {
            let user = cognito
                .admin_get_user()
                .user_pool_id(pool_id)
                .username(email)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            Ok(sub_of(user.user_attributes())?)
        }
        Err(e) => Err(DisplayErrorContext(e).to_string().into()),
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
    testkit::contract(id)
        .name(name)
        .kind(kind)
        .named_activities(activities)
        .admin(admin)
        .seat_limit(seat_limit)
        .starts_at(starts_at)
        .ends_at(ends_at)
        .build()
}

/// The demo contracts, administered by Ada (`ada`) and Grace (`grace`): their subs.
pub fn demo_contracts(now: DateTime<Utc>, ada: &str, grace: &str) -> Vec<Contract> {
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
            ada,
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
            ada,
            Some(200),
            now - day * 30,
            now + day * 335,
        ),
        contract(
            ONBOARDING,
            "Onboarding Voucher",
            ContractKind::Voucher,
            &[("welcome", "Welcome to the Company")],
            grace,
            None,
            now - day * 90,
            now + day * 275,
        ),
        contract(
            SPRING_COHORT,
            "Spring Cohort 2027",
            ContractKind::Subscription,
            &[("cohort-1", "Cohort Programme")],
            grace,
            Some(25),
            now + day * 120,
            now + day * 300,
        ),
        contract(
            COMPLIANCE,
            "Compliance Training 2025",
            ContractKind::Subscription,
            &[("gdpr", "Data Protection"), ("ethics", "Code of Conduct")],
            ada,
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
    /// Who is who: the people [`create_people`] put in the pool (and the sync in the directory).
    pub people: &'a People,
    /// Ada and Grace act through the admin API with the claims of their own id tokens.
    pub sign_in: &'a LocalSignIn,
    pub authorizer: &'a JwtAuthorizer,
    /// The table itself: the demo's due reminders are mail sent "days ago" (see `run`).
    pub dynamodb: &'a aws_sdk_dynamodb::Client,
    pub table: &'a str,
}

impl Seeder<'_> {
    /// The claims API Gateway would pass on for this person: a real sign-in, verified.
    async fn claims_of(&self, who: &LocalUser) -> Result<Claims, BoxError> {
        let signed = self.sign_in.sign_in(&who.user_id).await?;
        let claims = self
            .authorizer
            .verify(&signed.token)
            .map_err(|e| format!("the seed's own token was refused: {e}"))?;
        Ok(as_authorizer_claims(&claims))
    }

    pub async fn run(&self, now: DateTime<Utc>) -> Result<(), BoxError> {
        use contracts::*;
        let ada = &self.claims_of(self.people.ada()).await?;
        let grace = &self.claims_of(self.people.grace()).await?;
        for c in demo_contracts(
            now,
            &self.people.ada().user_id,
            &self.people.grace().user_id,
        ) {
            self.store.put_contract(&c).await?;
        }
        let users = |range: std::ops::RangeInclusive<usize>| -> Vec<String> {
            range
                .map(|n| self.people.directory_user(n).to_owned())
                .collect()
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

        // Spring cohort (Grace's, starts in four months): two groups invited today, mailed at
        // the contract's start (issue 31), one group in French.
        self.invite(
            self.now,
            grace,
            SPRING_COHORT,
            json!({"user_ids": users(120..=127), "group": "Cohort A"}),
        )
        .await?;
        self.invite(
            self.now,
            grace,
            SPRING_COHORT,
            json!({"user_ids": users(128..=131), "group": "Cohorte Lyon", "language": "fr"}),
        )
        .await?;

        // People enrol after their mail arrives: let the mailer catch up first, so the demo
        // shows enrolled invitations as sent, not as still queued.
        let mailed: Vec<String> = [&lead[..7], &data[..8], &onboarding[..3]].concat();
        self.wait_for_mail(&mailed).await?;
        self.enrol_some(self.now, &lead[..5]).await?;
        self.revoke_some(ada, LEADERSHIP, &lead[5..7]).await?;
        self.enrol_some(self.now, &data[..6]).await?;
        self.revoke_some(ada, DATA_SKILLS, &data[6..8]).await?;
        self.enrol_some(self.now, &onboarding[..1]).await?;
        // Two onboarding invitations were mailed four days ago: their first reminder (3 days
        // after the mail, the default plan) is due, so the reminder run mails them at once.
        self.mailed_days_ago(&onboarding[1..3], 4, now).await?;
        self.join_link(now, &self.people.ada().user_id).await?;
        Ok(())
    }

    /// The data skills voucher's join link for the data team (issue 30), with the id the
    /// event files name (functions/*/events/join*): a code to share, for learners.example
    /// addresses, 25 places, SQL Basics.
    async fn join_link(&self, now: DateTime<Utc>, ada: &str) -> Result<(), BoxError> {
        let link = JoinLink {
            id: JoinLinkId::parse(SEEDED_JOIN_LINK)?,
            contract_id: ContractId::parse(contracts::DATA_SKILLS)?,
            audience: "Data team, spring intake".into(),
            generation: 1,
            activities: vec![ActivityId::parse("sql-basics")?],
            max_uses: Some(25),
            uses: 0,
            opens_at: None,
            closes_at: Some(now + Duration::days(90)),
            allowed_domains: vec![DOMAIN.into()],
            needs_approval: false,
            enabled: true,
            created_by: UserId::parse(ada)?,
            created_at: now,
            version: 1,
        };
        let store = invitations_core::adapters::DynamoStore::new(self.dynamodb.clone(), self.table);
        Ok(invitations_core::ports::JoinLinkStore::create_join_link(&store, &link).await?)
    }

    /// Makes the last mail of each invitation `days` old, with the wake-up the mailer would
    /// have set then (the contract's plan); the invitation must have been mailed already.
    async fn mailed_days_ago(
        &self,
        ids: &[String],
        days: i64,
        now: DateTime<Utc>,
    ) -> Result<(), BoxError> {
        use invitations_core::adapters::dynamo::items::{invitation_pk, invite_sk, ms, s};
        for id in ids {
            let id = InvitationId::parse(id)?;
            let Some(invitation) = self.store.find_invitation(&id).await? else {
                continue;
            };
            let Some(contract) = self.store.get_contract(&invitation.contract_id).await? else {
                continue;
            };
            let sent = now - Duration::days(days);
            let Some(remind_at) = contract.reminders.next_due(sent, invitation.expires_at, 0)
            else {
                continue;
            };
            let result = self
                .dynamodb
                .update_item()
                .table_name(self.table)
                .key(
                    "pk",
                    s(invitation_pk(
                        &invitation.contract_id,
                        invitation.email.identity(),
                    )),
                )
                .key("sk", s(invite_sk(invitation.email.identity())))
                .update_expression("SET last_sent_at = :sent, remind_at = :at")
                .condition_expression("delivery = :delivered AND attribute_exists(remind_at)")
                .expression_attribute_values(":sent", ms(sent))
                .expression_attribute_values(":at", ms(remind_at))
                .expression_attribute_values(":delivered", s("sent"))
                .send()
                .await;
            if let Err(e) = result {
                tracing::warn!(invitation = %id, error = %DisplayErrorContext(&e), "a demo reminder could not be set up");
            }
        }
        Ok(())
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
        who: &Claims,
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
        who: &Claims,
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

    /// POSTs `body` to `path` as API Gateway would, with `who`'s claims (if anyone's).
    async fn call(
        &self,
        functions: &Functions,
        who: Option<&Claims>,
        path: &str,
        body: &Value,
    ) -> Result<Value, BoxError> {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("content-type", "application/json".parse()?);
        let response = functions
            .invoke(
                self.routes,
                "POST",
                path,
                &headers,
                body.to_string().as_bytes(),
                who,
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
