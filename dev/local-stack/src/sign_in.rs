//! Local sign-in: real Cognito id tokens from the emulator, in one click.
//!
//! In AWS the site sends people to Cognito's hosted sign-in (authorization code with PKCE). The
//! emulator (moto) has no hosted UI, no `/oauth2/token` endpoint and no SRP, so the local
//! stack offers the people of the user pool instead (`GET /local/users`), and signing in as
//! one (`POST /local/sign-in {"user_id": sub}`) does what that person's own password sign-in
//! would: the stack sets them a password (AdminSetUserPassword, permanent; the person's mail
//! would have brought a temporary one, which the emulator never sends) and signs in with it
//! through the app client (InitiateAuth USER_PASSWORD_AUTH), answering the pool's id token.
//! The gateway then verifies that token as API Gateway would (crate::authorizer): what the
//! functions see is what they see in AWS.
//!
//! Passwords are derived from a key made fresh for every run (HMAC of the sub), so two
//! sign-ins of one person at once set the same password and both succeed.

use crate::provision::UserPool;
use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, UserType};
use aws_sdk_cognitoidentityprovider::Client;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use invitations_core::domain::{UserId, SYSTEM_ADMIN_GROUP};
use invitations_core::ports::Store;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashSet;
use std::sync::Arc;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Someone the sign-in page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalUser {
    /// The person's Cognito `sub`: their directory id.
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// `system-admin`, `contract-admin` or `student`.
    pub role: String,
    /// Cognito groups, e.g. `system-admins`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub groups: Vec<String>,
}

/// An id token from the user pool.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("no such person in the user pool")]
    NoSuchUser,
    #[error("the user pool refused the sign-in: {0}")]
    Refused(String),
    #[error("the user pool failed: {0}")]
    Provider(String),
}

/// Signs people of one user pool in through its app client.
#[derive(Clone)]
pub struct LocalSignIn {
    cognito: Client,
    pool: UserPool,
    store: Arc<dyn Store>,
    key: Vec<u8>,
}

impl LocalSignIn {
    pub fn new(cognito: Client, pool: UserPool, store: Arc<dyn Store>) -> Self {
        use rand::RngCore;
        let mut key = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        Self {
            cognito,
            pool,
            store,
            key,
        }
    }

    /// Everyone in the pool who can sign in: `first` (the seeded sign-in people, by sub) in
    /// that order, then the rest by name. Roles as the product sees them: in `system-admins`,
    /// else an admin of some contract, else a student.
    pub async fn people(&self, first: &[String]) -> Result<Vec<LocalUser>, BoxError> {
        let admins = self.system_admins().await?;
        let contract_admins: HashSet<UserId> = self
            .store
            .list_contracts()
            .await?
            .into_iter()
            .flat_map(|c| c.admins)
            .collect();
        let mut people = Vec::new();
        let mut next = None;
        loop {
            let page = self
                .cognito
                .list_users()
                .user_pool_id(&self.pool.id)
                .limit(60)
                .set_pagination_token(next)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            for user in page.users() {
                let Some(person) = local_user(user, &admins, &contract_admins) else {
                    continue;
                };
                people.push(person);
            }
            next = page.pagination_token().map(str::to_owned);
            if next.is_none() {
                break;
            }
        }
        let rank = |p: &LocalUser| {
            first
                .iter()
                .position(|id| *id == p.user_id)
                .unwrap_or(first.len())
        };
        people.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.email.cmp(&b.email))
        });
        Ok(people)
    }

    async fn system_admins(&self) -> Result<HashSet<String>, BoxError> {
        let mut subs = HashSet::new();
        let mut next = None;
        loop {
            let page = self
                .cognito
                .list_users_in_group()
                .user_pool_id(&self.pool.id)
                .group_name(SYSTEM_ADMIN_GROUP)
                .limit(60)
                .set_next_token(next)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            subs.extend(
                page.users()
                    .iter()
                    .filter_map(|u| attribute(u.attributes(), "sub")),
            );
            next = page.next_token().map(str::to_owned);
            if next.is_none() {
                return Ok(subs);
            }
        }
    }

    /// The person's password for this run.
    fn password(&self, sub: &str) -> String {
        use base64::Engine;
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(sub.as_bytes());
        let derived =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        // Meets any password policy: upper and lower case, a digit and a symbol.
        format!("Aa1!{derived}")
    }

    /// Signs the person with this sub in: sets their password for this run, then signs in with
    /// it by their email address, as they would on a sign-in form.
    pub async fn sign_in(&self, sub: &str) -> Result<SignedIn, SignInError> {
        let provider = |e: String| SignInError::Provider(e);
        let user = match self
            .cognito
            .admin_get_user()
            .user_pool_id(&self.pool.id)
            .username(sub)
            .send()
            .await
        {
            Ok(user) => user,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_user_not_found_exception()) =>
            {
                return Err(SignInError::NoSuchUser)
            }
            Err(e) => return Err(provider(DisplayErrorContext(e).to_string())),
        };
        // Only a pool user's own sub signs in here (not an address, which the pool also takes).
        if attribute(user.user_attributes(), "sub").as_deref() != Some(sub) {
            return Err(SignInError::NoSuchUser);
        }
        let email = attribute(user.user_attributes(), "email").ok_or_else(|| {
            SignInError::Refused("the person has no email address to sign in with".into())
        })?;
        let password = self.password(sub);
        self.cognito
            .admin_set_user_password()
            .user_pool_id(&self.pool.id)
            .username(sub)
            .password(&password)
            .permanent(true)
            .send()
            .await
            .map_err(|e| provider(DisplayErrorContext(e).to_string()))?;
        let now = Utc::now();
        let answer = self
            .cognito
            .initiate_auth()
            .client_id(&self.pool.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &email)
            .auth_parameters("PASSWORD", &password)
            .send()
            .await
            .map_err(|e| {
                if e.as_service_error()
                    .is_some_and(|e| e.is_not_authorized_exception())
                {
                    SignInError::Refused(DisplayErrorContext(e).to_string())
                } else {
                    provider(DisplayErrorContext(e).to_string())
                }
            })?;
        if let Some(challenge) = answer.challenge_name() {
            return Err(SignInError::Refused(format!(
                "the pool asks for {}",
                challenge.as_str()
            )));
        }
        let result = answer
            .authentication_result()
            .ok_or_else(|| provider("InitiateAuth answered without tokens".into()))?;
        let token = result
            .id_token()
            .ok_or_else(|| provider("InitiateAuth answered without an id token".into()))?
            .to_owned();
        Ok(SignedIn {
            token,
            expires_at: now + Duration::seconds(i64::from(result.expires_in())),
        })
    }
}

fn attribute(
    attributes: &[aws_sdk_cognitoidentityprovider::types::AttributeType],
    name: &str,
) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
        .map(str::to_owned)
}

fn local_user(
    user: &UserType,
    system_admins: &HashSet<String>,
    contract_admins: &HashSet<UserId>,
) -> Option<LocalUser> {
    if !user.enabled() {
        return None;
    }
    let sub = attribute(user.attributes(), "sub")?;
    let email = attribute(user.attributes(), "email")?;
    let name = attribute(user.attributes(), "name").unwrap_or_else(|| email.clone());
    let admin = system_admins.contains(&sub);
    let role = if admin {
        "system-admin"
    } else if UserId::parse(&sub).is_ok_and(|id| contract_admins.contains(&id)) {
        "contract-admin"
    } else {
        "student"
    };
    Some(LocalUser {
        user_id: sub,
        email,
        name,
        role: role.into(),
        groups: if admin {
            vec![SYSTEM_ADMIN_GROUP.to_owned()]
        } else {
            Vec::new()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_strong_and_stable_per_person_and_run() {
        let sdk = testkit::sdk_config("http://127.0.0.1:1");
        let store: Arc<dyn Store> = Arc::new(invitations_core::adapters::DynamoStore::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            "unused",
        ));
        let pool = UserPool {
            id: "us-east-1_x".into(),
            client_id: "c".into(),
        };
        let a = LocalSignIn::new(Client::new(&sdk), pool.clone(), store.clone());
        let b = LocalSignIn::new(Client::new(&sdk), pool, store);
        assert_eq!(a.password("sub-1"), a.password("sub-1"));
        assert_ne!(a.password("sub-1"), a.password("sub-2"));
        assert_ne!(a.password("sub-1"), b.password("sub-1"));
        assert!(a.password("sub-1").len() >= 40);
    }
}
