//! Programmes on dates and groups (issue 31): a contract's groups, its dates (system
//! administrators), and the caller's own notifications about it.

use super::{Api, ApiError};
use invitations_wire::routes;
use invitations_wire::*;

impl Api {
    /// The contract's groups (cohorts) by name, each with its figures, and those in none.
    pub async fn groups(&self, contract_id: &str) -> Result<GroupList, ApiError> {
        self.call(&routes::LIST_GROUPS, &[contract_id], "", None)
            .await
    }

    /// Moves the contract's dates (system administrators only); answers the contract. Mails
    /// waiting for its start follow the start; a contract that has ended cancels them.
    pub async fn set_dates(
        &self,
        contract_id: &str,
        dates: &ContractDates,
    ) -> Result<Contract, ApiError> {
        self.call(&routes::SET_DATES, &[contract_id], "", Some(dates))
            .await
    }

    /// The caller's own mail about this contract: read (`save` none), or saved and answered as
    /// it now is. One function for both: each is more code in the wasm.
    pub async fn notifications(
        &self,
        contract_id: &str,
        save: Option<&NotificationSettings>,
    ) -> Result<NotificationSettings, ApiError> {
        let (route, body) = match save {
            Some(settings) => (
                &routes::SET_NOTIFICATIONS,
                Some(settings as &dyn super::erased::Body),
            ),
            None => (&routes::GET_NOTIFICATIONS, None),
        };
        self.call(route, &[contract_id], "", body).await
    }
}
