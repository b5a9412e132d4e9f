//! A world with a person to forget, on moto (table, bucket, user pool), and looks at every
//! item and object afterwards.

#![allow(dead_code)]

use ::privacy::App;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, TimeZone, Utc};
use invitations_core::adapters::S3Blobs;
use invitations_core::domain::privacy::{PrivacyRequest, RequestKind};
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;
use testkit::TestEnv;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
}

pub fn admin() -> UserId {
    UserId::parse("admin-a").unwrap()
}

pub fn system_admin() -> UserId {
    UserId::parse("sysadmin-1").unwrap()
}

pub struct World {
    pub env: TestEnv,
    pub app: App,
    /// Ann is enrolled in `c1` and pending in `c2`; Ben is pending in both.
    pub ann: EmailAddress,
    pub ben: EmailAddress,
    pub c1: Contract,
    pub c2: Contract,
}

pub fn invitee(email: &EmailAddress, name: &str) -> Invitee {
    Invitee {
        email: email.clone(),
        user_id: None,
        name: Some(name.into()),
        source: Source::Manual,
        options: Default::default(),
    }
}

pub async fn invite(env: &TestEnv, contract: &Contract, people: &[Invitee]) -> Vec<InvitationId> {
    let outcomes = env
        .store
        .create_invitations(NewInvitations {
            contract,
            activities: &[ActivityId::parse("a1").unwrap()],
            invited_by: &admin(),
            now: now(),
            invitees: people,
        })
        .await
        .unwrap();
    outcomes
        .iter()
        .map(|o| match o {
            InviteOutcome::Invited { invitation_id } => invitation_id.clone(),
            other => panic!("not invited: {other:?}"),
        })
        .collect()
}

pub async fn enrol(env: &TestEnv, contract: &Contract, id: &InvitationId, name: &str) {
    let invitation = env
        .store
        .get_invitation(&contract.id, id)
        .await
        .unwrap()
        .unwrap();
    env.store
        .enrol(
            &LinkToken {
                invitation_id: invitation.id.clone(),
                version: invitation.token_version,
            },
            Enrolee::New {
                subject: UserId::random(),
                name: name.into(),
            },
            now(),
        )
        .await
        .unwrap();
}

impl World {
    pub async fn new() -> Self {
        let env = TestEnv::new().await;
        let app = App {
            // On its role's table permissions, as in AWS (testkit::leading_keys).
            store: Arc::new(env.store_as("privacy")),
            blobs: Arc::new(S3Blobs::new(env.s3.clone(), env.bucket.clone())),
            accounts: Arc::new(env.accounts.clone()),
            clock: Arc::new(now),
        };
        let ann = EmailAddress::parse(&env.email("Ann.Smith")).unwrap();
        let ben = EmailAddress::parse(&env.email("ben")).unwrap();
        let c1 = testkit::contract("c1")
            .seat_limit(Some(10))
            .around(now())
            .build();
        let c2 = testkit::contract("c2").around(now()).build();
        for c in [&c1, &c2] {
            env.store.put_contract(c).await.unwrap();
        }
        let ids = invite(
            &env,
            &c1,
            &[invitee(&ann, "Ann Smith"), invitee(&ben, "Ben Jones")],
        )
        .await;
        enrol(&env, &c1, &ids[0], "Ann Smith").await;
        invite(
            &env,
            &c2,
            &[invitee(&ann, "Ann Smith"), invitee(&ben, "Ben Jones")],
        )
        .await;
        Self {
            env,
            app,
            ann,
            ben,
            c1,
            c2,
        }
    }

    /// An uploaded file and its report naming both, as the import leaves them.
    pub async fn files(&self) {
        let upload = format!(
            "email,name\r\n{},Ben Jones\r\n{},Ann Smith\r\n",
            self.ben.as_entered(),
            self.ann.as_entered().to_uppercase()
        );
        let report = format!(
            "line,address,outcome\n3,{},duplicate of line 2\n",
            self.ann.as_entered()
        );
        let blobs = &self.app.blobs;
        blobs
            .put("imports/c1/upload-1.csv", upload.into_bytes(), "text/csv")
            .await
            .unwrap();
        blobs
            .put("reports/c1/upload-1.csv", report.into_bytes(), "text/csv")
            .await
            .unwrap();
    }

    /// Asks for `kind` and runs it as the function does.
    pub async fn run(
        &self,
        kind: RequestKind,
    ) -> invitations_core::domain::privacy::PrivacyRequest {
        let request = PrivacyRequest::new(kind, system_admin(), now());
        self.env
            .store
            .add_privacy_request(&request, &self.ann)
            .await
            .unwrap();
        ::privacy::run(&self.app, &request.id)
            .await
            .unwrap()
            .expect("the run took it")
    }

    /// Every string of every item of the table, with the item's key.
    pub async fn table_texts(&self) -> Vec<(String, String)> {
        let mut texts = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .env
                .dynamodb
                .scan()
                .table_name(&self.env.table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap();
            for item in out.items() {
                let key = format!("{:?}/{:?}", item.get("pk"), item.get("sk"));
                for value in item.values() {
                    strings(value, &mut |s| texts.push((key.clone(), s.to_owned())));
                }
            }
            match out.last_evaluated_key() {
                Some(last) => start = Some(last.clone()),
                None => return texts,
            }
        }
    }

    /// Where the table names `email` (any case): the items' keys.
    pub async fn table_naming(&self, email: &EmailAddress) -> Vec<String> {
        let needle = email.identity();
        self.table_texts()
            .await
            .into_iter()
            .filter(|(_, text)| text.to_lowercase().contains(needle))
            .map(|(key, _)| key)
            .collect()
    }

    /// The bucket's objects whose bytes name `email` (any case).
    pub async fn bucket_naming(&self, email: &EmailAddress) -> Vec<String> {
        let mut found = Vec::new();
        for (key, _) in self.app.blobs.list("").await.unwrap() {
            let body = self
                .env
                .s3
                .get_object()
                .bucket(&self.env.bucket)
                .key(&key)
                .send()
                .await
                .unwrap();
            let bytes = body.body.collect().await.unwrap().into_bytes();
            if String::from_utf8_lossy(&bytes)
                .to_lowercase()
                .contains(email.identity())
            {
                found.push(key);
            }
        }
        found
    }

    /// The accounts of the user pool at `email`.
    pub async fn accounts_at(&self, email: &EmailAddress) -> usize {
        self.env
            .cognito
            .list_users()
            .user_pool_id(&self.env.pool.id)
            .filter(format!("email = \"{}\"", email.identity()))
            .send()
            .await
            .unwrap()
            .users()
            .len()
    }

    /// A contract's counters: (pending, enrolled, revoked, seats used).
    pub async fn counts(&self, contract: &Contract) -> (u64, u64, u64, u64) {
        let c = self
            .env
            .store
            .get_contract(&contract.id)
            .await
            .unwrap()
            .unwrap();
        (
            c.counts.pending,
            c.counts.enrolled,
            c.counts.revoked,
            c.counts.seats_used(),
        )
    }
}

fn strings(value: &AttributeValue, each: &mut impl FnMut(&str)) {
    match value {
        AttributeValue::S(s) => each(s),
        AttributeValue::Ss(ss) => ss.iter().for_each(|s| each(s)),
        AttributeValue::L(values) => values.iter().for_each(|v| strings(v, each)),
        AttributeValue::M(values) => values.values().for_each(|v| strings(v, each)),
        _ => {}
    }
}
