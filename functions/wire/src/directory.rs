//! The directory (`GET /users`): everyone who can sign in; adding a person and granting system
//! administration (`POST /users`, `.../system-admin`); a contract's admins.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct User {
    /// The identity provider's subject (Cognito `sub`).
    pub id: String,
    pub email: String,
    pub name: String,
    /// A member of the `system-admins` group: manages every contract and the directory. Told
    /// to system administrators only; absent for anyone else (issue 26).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_admin: Option<bool>,
    /// The person proved they receive mail at `email`. When false the account only claims
    /// the address: picking it invites the address, never this account, and it cannot be
    /// given system administration.
    pub email_verified: bool,
    /// Whether the person can still sign in (issue 32). Only `active` people are picked for an
    /// invitation bound to their account or made a contract's admin in the site.
    pub standing: Standing,
    /// When the directory noticed the person was removed from the sign-in service (RFC 3339);
    /// absent unless `standing` is `removed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<String>,
}

/// A directory record's standing in the sign-in service (the user pool), as the directory
/// sync last saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    /// In the pool and enabled.
    Active,
    /// Disabled in the pool: cannot sign in while disabled.
    Disabled,
    /// No longer in the pool: can no longer sign in. The record stays, so invitations and
    /// admin lists still name the person.
    Removed,
}

impl User {
    /// Whether the answer says this person is a system administrator.
    pub fn is_system_admin(&self) -> bool {
        self.system_admin == Some(true)
    }
}

/// `POST /users`: a system administrator adds a person, who gets the sign-in service's
/// invitation (a temporary password) by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub email: String,
    pub name: String,
}

/// The answer to `POST /users`: the person's directory entry, and whether this request made
/// their account (`false`: the address already had one, which is answered as it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonAdded {
    pub user: User,
    pub created: bool,
}

/// `GET /users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserList {
    pub users: Vec<User>,
    /// `?cursor=` for the next page (system administrators); `None` on the last one.
    pub next_cursor: Option<String>,
}

/// Someone who administers a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Admin {
    pub id: String,
    /// From the directory; `None` for an admin who is not (or no longer) in it.
    pub name: Option<String>,
    pub email: Option<String>,
    /// From the directory (issue 32); `None` for an admin who is not in it. Being an admin
    /// does not depend on it: a disabled or removed admin stays listed until removed.
    pub standing: Option<Standing>,
}

/// A contract's admins; also the answer to adding or removing one (the list after the change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AdminList {
    pub admins: Vec<Admin>,
}

/// `POST /contracts/{id}/admins`: someone from the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAdmin {
    pub user_id: String,
}
