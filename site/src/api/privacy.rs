//! The Privacy page's calls (issue 32; system administrators): forget a person or download
//! what is held about an address, follow the request, and list the latest ones. No answer
//! names the address.

use super::{Api, ApiError};
use invitations_wire::routes;
use invitations_wire::*;

impl Api {
    /// Starts a request (answered 202 with it, queued); refused with a sentence
    /// (`invalid_email`; 403 for anyone but a system administrator).
    pub async fn add_privacy_request(
        &self,
        request: &NewPrivacyRequest,
    ) -> Result<PrivacyRequest, ApiError> {
        self.call(&routes::ADD_PRIVACY_REQUEST, &[], "", Some(request))
            .await
    }

    /// The latest requests, newest first.
    pub async fn privacy_requests(&self) -> Result<Vec<PrivacyRequest>, ApiError> {
        let list: PrivacyRequestList = self
            .call(&routes::LIST_PRIVACY_REQUESTS, &[], "", None)
            .await?;
        Ok(list.requests)
    }

    /// One request as it is now (an export's link signed again).
    pub async fn privacy_request(&self, id: &str) -> Result<PrivacyRequest, ApiError> {
        self.call(&routes::PRIVACY_REQUEST, &[id], "", None).await
    }
}
