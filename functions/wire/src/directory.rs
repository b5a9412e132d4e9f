//! The directory (`GET /users`) and a contract's admins.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// `GET /users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserList {
    pub users: Vec<User>,
}

/// Someone who administers a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Admin {
    pub id: String,
    /// From the directory; `None` for an admin who is not (or no longer) in it.
    pub name: Option<String>,
    pub email: Option<String>,
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
