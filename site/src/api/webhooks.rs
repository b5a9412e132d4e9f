//! The Integrations page's calls: webhook endpoints and their deliveries.

use super::{query_string, Api, ApiError};
use invitations_wire::routes;
use invitations_wire::*;

impl Api {
    /// Webhook endpoints: a contract's (`Some(contract id)`, for its admins), or those that hear
    /// every contract (`None`, system administrators only).
    pub async fn webhooks(&self, contract: Option<&str>) -> Result<Vec<WebhookEndpoint>, ApiError> {
        let route = match contract {
            Some(_) => &routes::LIST_CONTRACT_WEBHOOKS,
            None => &routes::LIST_WEBHOOKS,
        };
        let list: WebhookEndpointList = self.call(route, contract.as_slice(), "", None).await?;
        Ok(list.endpoints)
    }

    /// Adds an endpoint (scoped as [`Api::webhooks`]); the answer holds its secret, this once.
    /// Refused with a sentence: `invalid_url`, `invalid_description`, `invalid_event_type`.
    pub async fn add_webhook(
        &self,
        contract: Option<&str>,
        endpoint: &NewWebhookEndpoint,
    ) -> Result<WebhookSecretShown, ApiError> {
        let route = match contract {
            Some(_) => &routes::ADD_CONTRACT_WEBHOOK,
            None => &routes::ADD_WEBHOOK,
        };
        self.call(route, contract.as_slice(), "", Some(endpoint))
            .await
    }

    /// A new secret, shown this once; the current one keeps signing for a day.
    pub async fn rotate_webhook(&self, endpoint_id: &str) -> Result<WebhookSecretShown, ApiError> {
        self.call(&routes::ROTATE_WEBHOOK_SECRET, &[endpoint_id], "", None)
            .await
    }

    pub async fn set_webhook_enabled(
        &self,
        endpoint_id: &str,
        enabled: bool,
    ) -> Result<WebhookEndpoint, ApiError> {
        let route = match enabled {
            true => &routes::ENABLE_WEBHOOK,
            false => &routes::DISABLE_WEBHOOK,
        };
        self.call(route, &[endpoint_id], "", None).await
    }

    /// Queues a `webhook.test` event for the endpoint.
    pub async fn test_webhook(&self, endpoint_id: &str) -> Result<WebhookQueued, ApiError> {
        self.call(&routes::TEST_WEBHOOK, &[endpoint_id], "", None)
            .await
    }

    /// A page of the endpoint's deliveries, newest first, from `cursor` (the previous page's).
    pub async fn webhook_messages(
        &self,
        endpoint_id: &str,
        cursor: Option<&str>,
    ) -> Result<WebhookMessageList, ApiError> {
        let query = query_string(&[("cursor", cursor)]);
        self.call(&routes::WEBHOOK_MESSAGES, &[endpoint_id], &query, None)
            .await
    }

    /// Sends again every failed delivery since `since` (UTC, RFC 3339).
    pub async fn replay_webhook(
        &self,
        endpoint_id: &str,
        since: &str,
    ) -> Result<WebhookQueued, ApiError> {
        let body = WebhookReplay {
            since: since.to_owned(),
        };
        self.call(&routes::REPLAY_WEBHOOK, &[endpoint_id], "", Some(&body))
            .await
    }

    /// Sends one message again (delivered or failed), with the same event id.
    pub async fn replay_webhook_message(
        &self,
        endpoint_id: &str,
        message_id: &str,
    ) -> Result<WebhookMessage, ApiError> {
        self.call(
            &routes::REPLAY_WEBHOOK_MESSAGE,
            &[endpoint_id, message_id],
            "",
            None,
        )
        .await
    }
}
