//! The table and the user pool, made as infra/template.yaml makes them.

use super::*;

/// Creates the table with the keys, indexes and stream the store relies on. Production gets
/// the same shape from infra/template.yaml (tests/tests/template/ compares the two); tests
/// and the local stack call this. It lives here so that no function ships table creation.
pub async fn create_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("attribute definition is complete")
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("key schema is complete")
    };
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk"))
        .attribute_definitions(attr("sk"))
        .attribute_definitions(attr("gsi1pk"))
        .attribute_definitions(attr("gsi1sk"))
        .attribute_definitions(attr("invitation_id"))
        .attribute_definitions(attr("send_shard"))
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("send_due_at")
                .attribute_type(ScalarAttributeType::N)
                .build()
                .expect("attribute definition is complete"),
        )
        .attribute_definitions(attr("remind_shard"))
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("remind_at")
                .attribute_type(ScalarAttributeType::N)
                .build()
                .expect("attribute definition is complete"),
        )
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::GSI1)
                .key_schema(key("gsi1pk", KeyType::Hash))
                .key_schema(key("gsi1sk", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::BY_INVITATION_ID)
                .key_schema(key("invitation_id", KeyType::Hash))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::KeysOnly)
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::BY_SEND_DUE)
                .key_schema(key("send_shard", KeyType::Hash))
                .key_schema(key("send_due_at", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .non_key_attributes("contract_id")
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(items::BY_REMIND_AT)
                .key_schema(key("remind_shard", KeyType::Hash))
                .key_schema(key("remind_at", KeyType::Range))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::Include)
                        .non_key_attributes("contract_id")
                        .build(),
                )
                .build()
                .expect("index is complete"),
        )
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream specification is complete"),
        )
        .send()
        .await
        .map_err(|e| StoreError::Database(DisplayErrorContext(e).to_string()))?;
    // The template's time to live: items with `ttl` (epoch seconds) expire. moto records the
    // setting but deletes nothing; tests read the attribute.
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
                .attribute_name(items::TTL)
                .enabled(true)
                .build()
                .expect("time to live is complete"),
        )
        .send()
        .await
        .map_err(|e| StoreError::Database(DisplayErrorContext(e).to_string()))?;
    Ok(())
}

/// A user pool and the site's app client on the Cognito emulator.
#[derive(Debug, Clone)]
pub struct UserPool {
    pub id: String,
    pub client_id: String,
}

/// A user pool as infra/template.yaml makes it: people sign in with their email address
/// (case-insensitive), the template's password policy, and a `system-admins` group. The app
/// client differs where the emulator needs it to: it allows USER_PASSWORD_AUTH (the template's
/// client signs in through the hosted UI, code + PKCE, and allows SRP; the emulator has no
/// hosted UI and does not check SRP proofs), and it lists the attributes its id tokens carry
/// (Cognito puts every readable one in; the emulator only those listed).
pub async fn create_user_pool(
    client: &aws_sdk_cognitoidentityprovider::Client,
    name: &str,
) -> Result<UserPool, String> {
    use aws_sdk_cognitoidentityprovider::types::{
        ExplicitAuthFlowsType, PasswordPolicyType, UserPoolPolicyType, UsernameAttributeType,
        UsernameConfigurationType,
    };
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let pool = client
        .create_user_pool()
        .pool_name(name)
        .username_attributes(UsernameAttributeType::Email)
        .username_configuration(
            UsernameConfigurationType::builder()
                .case_sensitive(false)
                .build()
                .map_err(|e| err(&e))?,
        )
        // The template's password policy (the emulator checks passwords against it too).
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(12)
                        .require_lowercase(true)
                        .require_uppercase(true)
                        .require_numbers(true)
                        .require_symbols(false)
                        .temporary_password_validity_days(7)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .map_err(|e| err(&DisplayErrorContext(&e)))?;
    let id = pool
        .user_pool()
        .and_then(|p| p.id())
        .ok_or("no pool id")?
        .to_owned();
    client
        .create_group()
        .user_pool_id(&id)
        .group_name(invitations_core::domain::SYSTEM_ADMIN_GROUP)
        .send()
        .await
        .map_err(|e| err(&DisplayErrorContext(&e)))?;
    let app = client
        .create_user_pool_client()
        .user_pool_id(&id)
        .client_name("site")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        // Cognito puts every readable attribute in the id token, and the template's client
        // leaves them all readable; the emulator puts only those listed here.
        .read_attributes("email")
        .read_attributes("email_verified")
        .read_attributes("name")
        .send()
        .await
        .map_err(|e| err(&DisplayErrorContext(&e)))?;
    let client_id = app
        .user_pool_client()
        .and_then(|c| c.client_id())
        .ok_or("no client id")?
        .to_owned();
    Ok(UserPool { id, client_id })
}
