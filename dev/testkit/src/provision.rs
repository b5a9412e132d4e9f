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
        .global_secondary_indexes(index(items::GSI1, "gsi1pk", Some("gsi1sk"), Projected::All))
        .global_secondary_indexes(index(
            items::BY_INVITATION_ID,
            "invitation_id",
            None,
            Projected::KeysOnly,
        ))
        .global_secondary_indexes(index(
            items::BY_SEND_DUE,
            "send_shard",
            Some("send_due_at"),
            Projected::Include(&["contract_id"]),
        ))
        .global_secondary_indexes(index(
            items::BY_REMIND_AT,
            "remind_shard",
            Some("remind_at"),
            Projected::Include(&["contract_id"]),
        ))
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

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .expect("key schema is complete")
}

/// What an index holds besides its keys.
enum Projected {
    All,
    KeysOnly,
    Include(&'static [&'static str]),
}

/// A global secondary index on `pk` (and `sk`).
fn index(name: &str, pk: &str, sk: Option<&str>, projected: Projected) -> GlobalSecondaryIndex {
    let projection = match projected {
        Projected::All => Projection::builder().projection_type(ProjectionType::All),
        Projected::KeysOnly => Projection::builder().projection_type(ProjectionType::KeysOnly),
        Projected::Include(attributes) => attributes.iter().fold(
            Projection::builder().projection_type(ProjectionType::Include),
            |p, a| p.non_key_attributes(*a),
        ),
    };
    let mut index = GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(pk, KeyType::Hash))
        .projection(projection.build());
    if let Some(sk) = sk {
        index = index.key_schema(key(sk, KeyType::Range));
    }
    index.build().expect("index is complete")
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
