//! Who is calling an admin route, from the claims API Gateway's JWT authorizer verified.

use super::contract::Contract;
use super::ids::UserId;

/// The group whose members may manage every contract.
pub const SYSTEM_ADMIN_GROUP: &str = "system-admins";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    /// The sign-in address, only when the token says it is confirmed (`email_verified`).
    pub email: Option<String>,
    pub system_admin: bool,
}

impl Caller {
    /// System administrators manage every contract; contract admins only those they administer.
    pub fn may_manage(&self, contract: &Contract) -> bool {
        self.system_admin || contract.is_admin(&self.user_id)
    }
}
