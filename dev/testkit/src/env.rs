//! A fresh world for one test: its own table (with stream), bucket and user pool on the shared
//! emulators, and the mail the SES emulator stored.

use super::*;

/// One mail as the SES emulator stored it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentMail {
    pub from: String,
    pub destination: SentTo,
    pub subject: String,
    pub body: SentBody,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentTo {
    pub to: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SentBody {
    pub text: Option<String>,
    pub html: Option<String>,
}

/// A fresh world for one test: its own table (with stream) and bucket on the shared emulators.
pub struct TestEnv {
    pub emulators: Emulators,
    pub sdk: SdkConfig,
    pub table: String,
    pub bucket: String,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub sesv2: aws_sdk_sesv2::Client,
    pub store: DynamoStore,
    pub link_key: LinkKey,
    /// This test's own user pool, made as infra/template.yaml makes it.
    pub pool: UserPool,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    pub accounts: CognitoAccounts,
    /// Unique per test: mail addresses built with it are this test's alone.
    pub tag: String,
}

impl TestEnv {
    pub async fn new() -> Self {
        let emulators = tokio::task::spawn_blocking(emulators)
            .await
            .expect("emulators start")
            .clone();
        let sdk = sdk_config(&emulators.aws);
        let tag = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        let table = format!("invitations-{tag}");
        let bucket = format!("imports-{tag}");
        let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        let sesv2 = aws_sdk_sesv2::Client::from_conf(
            aws_sdk_sesv2::config::Builder::from(&sdk)
                .endpoint_url(&emulators.ses)
                .build(),
        );
        create_table(&dynamodb, &table).await.expect("create table");
        s3.create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .expect("create bucket");
        let store = DynamoStore::new(dynamodb.clone(), &table);
        let link_key = LinkKey::from_bytes(tag.as_bytes().repeat(3)).expect("36-byte key");
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
        let pool = create_user_pool(&cognito, &format!("people-{tag}"))
            .await
            .expect("create user pool");
        let accounts = CognitoAccounts::new(cognito.clone(), &pool.id);
        Self {
            pool,
            cognito,
            accounts,
            emulators,
            sdk,
            table,
            bucket,
            dynamodb,
            s3,
            sesv2,
            store,
            link_key,
            tag,
        }
    }

    /// An address unique to this test.
    pub fn email(&self, local: &str) -> String {
        format!("{local}@t{}.example.com", self.tag)
    }

    /// Someone made straight in this test's user pool (the console, an import, a federation),
    /// not by the product; returns their sub. `proved`: the address is marked verified, as an
    /// administrator does when they know it is the person's (or a federation that vouches for
    /// it); else the account only claims it.
    pub async fn account_in_pool(&self, email: &str, name: Option<&str>, proved: bool) -> UserId {
        use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
        let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
        let mut request = self
            .cognito
            .admin_create_user()
            .user_pool_id(&self.pool.id)
            .username(email)
            .user_attributes(attr("email", email))
            .user_attributes(attr(
                "email_verified",
                if proved { "true" } else { "false" },
            ))
            .message_action(MessageActionType::Suppress);
        if let Some(name) = name {
            request = request.user_attributes(attr("name", name));
        }
        let out = request.send().await.expect("AdminCreateUser");
        let sub = out
            .user()
            .and_then(|u| u.attributes().iter().find(|a| a.name() == "sub"))
            .and_then(|a| a.value())
            .expect("a sub");
        UserId::parse(sub).expect("a usable sub")
    }

    /// The account's address changed without being proved: what Cognito holds after a change
    /// made where the pool does not require verification first (the template's pool does; an
    /// account changed before, or in another pool setup, keeps it). moto changes `email` but
    /// leaves `email_verified` as it was, so both are set here, as Cognito would have them.
    pub async fn claim_address(&self, account: &UserId, email: &str) {
        use aws_sdk_cognitoidentityprovider::types::AttributeType;
        let attr = |n: &str, v: &str| AttributeType::builder().name(n).value(v).build().unwrap();
        self.cognito
            .admin_update_user_attributes()
            .user_pool_id(&self.pool.id)
            .username(account.as_str())
            .user_attributes(attr("email", email))
            .user_attributes(attr("email_verified", "false"))
            .send()
            .await
            .expect("AdminUpdateUserAttributes");
    }

    /// The contract as this test's table holds it.
    pub async fn stored_contract(&self, id: &str) -> invitations_core::domain::Contract {
        use invitations_core::ports::ContractStore;
        let id = invitations_core::domain::ContractId::parse(id).expect("a contract id");
        let found = self
            .store
            .get_contract(&id)
            .await
            .expect("the table answers");
        found.expect("the contract is in the table")
    }

    /// Every mail the SES emulator holds for this test's addresses.
    pub fn sent_mail(&self) -> Vec<SentMail> {
        #[derive(serde::Deserialize)]
        struct Store {
            emails: Vec<SentMail>,
        }
        let (status, body) = http("GET", &self.emulators.ses, "/store", None).expect("mail store");
        assert_eq!(status, 200, "mail store answered {status}: {body}");
        let store: Store = serde_json::from_str(&body).expect("mail store JSON");
        let needle = format!("@t{}.", self.tag);
        store
            .emails
            .into_iter()
            .filter(|m| {
                m.destination
                    .to
                    .iter()
                    .any(|to| to.to_lowercase().contains(&needle))
            })
            .collect()
    }
}
