//! The mailer's side of an invitation: claim a queued send, record what SES answered, or give
//! the claim back.

use super::invitation_key;
use crate::adapters::dynamo::items::*;
use crate::adapters::dynamo::{db_error, DynamoStore};
use crate::domain::*;
use crate::ports::*;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// A mailer claim older than this is taken to be from a mailer that died mid-send.
pub const STALE_CLAIM: Duration = Duration::minutes(5);

#[async_trait]
impl DeliveryStore for DynamoStore {
    async fn claim_send(
        &self,
        contract: &ContractId,
        identity: &str,
        token_version: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(contract, identity)))
            .update_expression("SET delivery = :sending, delivery_since = :now")
            .condition_expression(
                "#status = :pending AND token_version = :ver AND \
                 (delivery = :queued OR (delivery = :sending AND delivery_since < :stale))",
            )
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(HashMap::from([
                (":sending".into(), s("sending")),
                (":queued".into(), s("queued")),
                (":pending".into(), s(InvitationStatus::Pending.as_str())),
                (":ver".into(), n(token_version)),
                (":now".into(), ms(now)),
                (":stale".into(), ms(now - STALE_CLAIM)),
            ])))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.attributes().map(invitation_from).transpose()?),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(None)
            }
            Err(err) => Err(db_error(err)),
        }
    }

    async fn record_delivery(
        &self,
        invitation: &Invitation,
        result: DeliveryResult,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut values = HashMap::from([
            (":ver".to_owned(), n(invitation.token_version)),
            (":sending".to_owned(), s("sending")),
            (":now".to_owned(), ms(now)),
        ]);
        let expression = match result {
            DeliveryResult::Sent => {
                values.insert(":sent".into(), s("sent"));
                "SET delivery = :sent, last_sent_at = :now REMOVE delivery_since, delivery_error"
            }
            DeliveryResult::Failed { reason } => {
                values.insert(":failed".into(), s("failed"));
                values.insert(":reason".into(), s(import::shorten(&reason, 500)));
                "SET delivery = :failed, delivery_error = :reason, delivery_since = :now"
            }
        };
        self.update_claimed_send(invitation, expression, values)
            .await
    }

    async fn release_claim(&self, invitation: &Invitation) -> Result<(), StoreError> {
        let values = HashMap::from([
            (":ver".to_owned(), n(invitation.token_version)),
            (":sending".to_owned(), s("sending")),
            (":queued".to_owned(), s("queued")),
        ]);
        self.update_claimed_send(
            invitation,
            "SET delivery = :queued REMOVE delivery_since",
            values,
        )
        .await
    }
}

impl DynamoStore {
    /// Changes the delivery of the send this mailer claimed. `values` must bind `:ver` and
    /// `:sending`. A failed condition means a resend superseded the send while it was in
    /// flight: the newer send's own record stands, so that is not an error.
    async fn update_claimed_send(
        &self,
        invitation: &Invitation,
        expression: &str,
        values: HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(invitation_key(
                &invitation.contract_id,
                invitation.email.identity(),
            )))
            .update_expression(expression)
            .condition_expression("token_version = :ver AND delivery = :sending")
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(())
            }
            Err(err) => Err(db_error(err)),
        }
    }
}
