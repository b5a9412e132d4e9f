//! Accounts on a Cognito user pool whose users sign in with their email address
//! (`UsernameAttributes: [email]`, case-insensitive usernames): the pool generates each user's
//! username, which is also their `sub`, so a subject is accepted wherever Cognito asks for a
//! username, and so is the address.

use crate::domain::{user, EmailAddress, UserId, SYSTEM_ADMIN_GROUP};
use crate::ports::{Account, AccountPage, Accounts, AccountsError};
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType};
use aws_sdk_cognitoidentityprovider::Client;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// ListUsers answers at most 60 users a page.
const PAGE: i32 = 60;

#[derive(Clone, Debug)]
pub struct CognitoAccounts {
    client: Client,
    pool_id: String,
}

impl CognitoAccounts {
    pub fn new(client: Client, pool_id: impl Into<String>) -> Self {
        Self {
            client,
            pool_id: pool_id.into(),
        }
    }
}

fn provider_error<E, R>(err: SdkError<E, R>) -> AccountsError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    AccountsError::Provider(DisplayErrorContext(&err).to_string())
}

/// A call about one user: `NotFound` when the pool has no such user, else a provider error.
fn user_error<E, R>(err: SdkError<E, R>, not_found: impl Fn(&E) -> bool) -> AccountsError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if err.as_service_error().is_some_and(not_found) {
        AccountsError::NotFound
    } else {
        provider_error(err)
    }
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("name is set")
}

/// The directory's view of a Cognito user, or why it cannot have one.
fn account_from(
    username: Option<&str>,
    attributes: &[AttributeType],
    created: Option<&aws_smithy_types::DateTime>,
    enabled: bool,
) -> Result<Account, (String, String)> {
    let get = |name: &str| {
        attributes
            .iter()
            .find(|a| a.name() == name)
            .and_then(|a| a.value())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let who = username.unwrap_or("?").to_owned();
    let sub = get("sub").ok_or_else(|| (who.clone(), "the account has no sub".to_owned()))?;
    let subject =
        UserId::parse(sub).map_err(|e| (who.clone(), format!("its sub is not usable: {e}")))?;
    // From here on the account is named by its subject: the directory sync counts a skipped
    // account as still in the pool, so its record is not marked removed.
    let who = subject.to_string();
    let email = get("email").ok_or_else(|| (who.clone(), "the account has no email".to_owned()))?;
    let email = EmailAddress::parse(email)
        .map_err(|e| (who.clone(), format!("its email is not usable: {e}")))?;
    // People who signed up or were federated may have only given/family names, or none.
    let given = match (get("name"), get("given_name"), get("family_name")) {
        (Some(name), _, _) => Some(name.to_owned()),
        (None, Some(given), Some(family)) => Some(format!("{given} {family}")),
        (None, Some(one), None) | (None, None, Some(one)) => Some(one.to_owned()),
        (None, None, None) => None,
    };
    // The product's name rules hold for names from the pool too (NFC, no hidden characters,
    // bounded): a name that breaks them is not shown; the person is named by their address.
    let name = match given.as_deref().map(user::parse_name) {
        Some(Ok(name)) => name,
        Some(Err(e)) => {
            tracing::warn!(account = %who, reason = %e, "the account's name is not usable; named by address");
            email.as_entered().to_owned()
        }
        None => email.as_entered().to_owned(),
    };
    // Cognito keeps `email_verified` as the text "true" or "false"; absent means not proved.
    let email_verified = get("email_verified").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let created_at = created
        .and_then(|d| DateTime::<Utc>::from_timestamp_millis(d.to_millis().ok()?))
        .unwrap_or_else(Utc::now);
    Ok(Account {
        subject,
        email,
        name,
        created_at,
        enabled,
        email_verified,
    })
}

fn unusable((who, why): (String, String)) -> AccountsError {
    AccountsError::Provider(format!("account {who}: {why}"))
}

#[async_trait]
impl Accounts for CognitoAccounts {
    async fn ensure_account(
        &self,
        email: &EmailAddress,
        name: &str,
    ) -> Result<(Account, bool), AccountsError> {
        // Create first and fall back to the existing account: a lookup first would leave a
        // window in which two enrolments both create. The pool refuses a second user with
        // the address (case-insensitively), so exactly one call creates it.
        let created = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email.identity())
            .user_attributes(attribute("email", email.identity()))
            // The invitation link that led here proved the address.
            .user_attributes(attribute("email_verified", "true"))
            .user_attributes(attribute("name", name))
            // Cognito mails the person a temporary password to sign in with.
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .send()
            .await;
        match created {
            Ok(out) => {
                let user = out.user().ok_or_else(|| {
                    AccountsError::Provider("AdminCreateUser answered without a user".into())
                })?;
                let account = account_from(
                    user.username(),
                    user.attributes(),
                    user.user_create_date(),
                    user.enabled(),
                )
                .map_err(unusable)?;
                Ok((account, true))
            }
            Err(err) => {
                let service = err.as_service_error();
                if service.is_some_and(|e| e.is_username_exists_exception()) {
                    let account = self
                        .get_account_by_username(email.identity())
                        .await?
                        .ok_or_else(|| {
                            AccountsError::Provider(
                                "the address has an account that cannot be read".into(),
                            )
                        })?;
                    Ok((account, false))
                } else if service.is_some_and(|e| e.is_invalid_parameter_exception()) {
                    Err(AccountsError::Refused(format!(
                        "The sign-in service does not accept this person: {}",
                        service
                            .and_then(|e| e.meta().message())
                            .unwrap_or("invalid")
                    )))
                } else {
                    Err(provider_error(err))
                }
            }
        }
    }

    async fn get_account(&self, subject: &UserId) -> Result<Option<Account>, AccountsError> {
        self.get_account_by_username(subject.as_str()).await
    }

    async fn is_system_admin(&self, subject: &UserId) -> Result<bool, AccountsError> {
        let mut next = None;
        loop {
            let out = self
                .client
                .admin_list_groups_for_user()
                .user_pool_id(&self.pool_id)
                .username(subject.as_str())
                .set_next_token(next)
                .send()
                .await
                .map_err(|e| user_error(e, |e| e.is_user_not_found_exception()))?;
            if out
                .groups()
                .iter()
                .any(|g| g.group_name() == Some(SYSTEM_ADMIN_GROUP))
            {
                return Ok(true);
            }
            next = out.next_token().map(str::to_owned);
            if next.is_none() {
                return Ok(false);
            }
        }
    }

    async fn set_system_admin(&self, subject: &UserId, on: bool) -> Result<(), AccountsError> {
        if on {
            self.client
                .admin_add_user_to_group()
                .user_pool_id(&self.pool_id)
                .username(subject.as_str())
                .group_name(SYSTEM_ADMIN_GROUP)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| user_error(e, |e| e.is_user_not_found_exception()))
        } else {
            self.client
                .admin_remove_user_from_group()
                .user_pool_id(&self.pool_id)
                .username(subject.as_str())
                .group_name(SYSTEM_ADMIN_GROUP)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| user_error(e, |e| e.is_user_not_found_exception()))
        }
    }

    async fn list_accounts(&self, page: Option<String>) -> Result<AccountPage, AccountsError> {
        let out = self
            .client
            .list_users()
            .user_pool_id(&self.pool_id)
            .limit(PAGE)
            .set_pagination_token(page)
            .send()
            .await
            .map_err(provider_error)?;
        let mut result = AccountPage {
            next: out.pagination_token().map(str::to_owned),
            ..AccountPage::default()
        };
        for user in out.users() {
            match account_from(
                user.username(),
                user.attributes(),
                user.user_create_date(),
                user.enabled(),
            ) {
                Ok(account) => result.accounts.push(account),
                Err(skipped) => result.skipped.push(skipped),
            }
        }
        Ok(result)
    }

    async fn in_pool(&self, subject: &UserId) -> Result<bool, AccountsError> {
        // ListUsers filtered by `sub` (the sync's role has ListUsers, not AdminGetUser). A
        // subject is a UUID: no quote can end the filter's string early.
        let out = self
            .client
            .list_users()
            .user_pool_id(&self.pool_id)
            .filter(format!("sub = \"{}\"", subject.as_str().replace('"', "")))
            .limit(1)
            .send()
            .await
            .map_err(provider_error)?;
        Ok(!out.users().is_empty())
    }

    async fn delete_accounts_of(&self, email: &EmailAddress) -> Result<u64, AccountsError> {
        // ListUsers by address finds accounts made by any route (added, signed up,
        // federated), whatever their username. An identity holds no quote (the parser
        // refuses one), so the filter's string cannot end early.
        let out = self
            .client
            .list_users()
            .user_pool_id(&self.pool_id)
            .filter(format!("email = \"{}\"", email.identity().replace('"', "")))
            .send()
            .await
            .map_err(provider_error)?;
        let mut deleted = 0;
        for user in out.users() {
            let Some(username) = user.username() else {
                continue;
            };
            match self
                .client
                .admin_delete_user()
                .user_pool_id(&self.pool_id)
                .username(username)
                .send()
                .await
            {
                Ok(_) => deleted += 1,
                // Deleted meanwhile (a second run): the same outcome.
                Err(err)
                    if err
                        .as_service_error()
                        .is_some_and(|e| e.is_user_not_found_exception()) => {}
                Err(err) => return Err(provider_error(err)),
            }
        }
        Ok(deleted)
    }

    async fn system_admins(&self) -> Result<HashSet<UserId>, AccountsError> {
        let mut admins = HashSet::new();
        let mut next = None;
        loop {
            let out = self
                .client
                .list_users_in_group()
                .user_pool_id(&self.pool_id)
                .group_name(SYSTEM_ADMIN_GROUP)
                .limit(PAGE)
                .set_next_token(next)
                .send()
                .await
                .map_err(provider_error)?;
            for user in out.users() {
                if let Ok(account) = account_from(
                    user.username(),
                    user.attributes(),
                    user.user_create_date(),
                    user.enabled(),
                ) {
                    admins.insert(account.subject);
                }
            }
            next = out.next_token().map(str::to_owned);
            if next.is_none() {
                return Ok(admins);
            }
        }
    }
}

impl CognitoAccounts {
    /// A user by username, subject or address (the pool takes any of them).
    async fn get_account_by_username(
        &self,
        username: &str,
    ) -> Result<Option<Account>, AccountsError> {
        match self
            .client
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
        {
            Ok(out) => account_from(
                Some(out.username()),
                out.user_attributes(),
                out.user_create_date(),
                out.enabled(),
            )
            .map(Some)
            .map_err(unusable),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_user_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(provider_error(e)),
        }
    }
}
