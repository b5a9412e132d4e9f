//! Creates what infra/template.yaml would create, on the emulators: the table with its stream,
//! the imports bucket (CORS for browser uploads) whose ObjectCreated events go to an SQS queue
//! (moto cannot invoke a Lambda; the bridge reads the queue instead), and the queues where
//! events that keep failing end up, like the template's on-failure destinations; and the user
//! pool with its `system-admins` group and the site's app client.

use aws_sdk_s3::types::{
    CorsConfiguration, CorsRule, Event, FilterRule, FilterRuleName, NotificationConfiguration,
    NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter,
};
use aws_sdk_sqs::types::QueueAttributeName;

pub use testkit::UserPool;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Names of one stack's resources; a prefix keeps parallel stacks (tests) apart.
#[derive(Debug, Clone)]
pub struct Names {
    pub table: String,
    pub bucket: String,
    pub import_queue: String,
    /// A large import's chunks (the template's `ImportChunkQueue`).
    pub chunk_queue: String,
    pub failure_queue: String,
    pub user_pool: String,
    pub link_key_secret: String,
    /// The key material that seals webhook endpoints' secrets (the template's
    /// `WebhookSealingSecret`).
    pub webhook_sealing_secret: String,
    /// The product's events bus, and the queue a rule on it fills (the local target).
    pub event_bus: String,
    pub product_events_queue: String,
}

impl Names {
    pub fn with_prefix(prefix: &str) -> Self {
        Self {
            table: format!("{prefix}-invitations"),
            bucket: format!("{prefix}-imports"),
            import_queue: format!("{prefix}-import-events"),
            chunk_queue: format!("{prefix}-import-chunks"),
            failure_queue: format!("{prefix}-failed-events"),
            user_pool: format!("{prefix}-people"),
            link_key_secret: format!("{prefix}-link-signing-key"),
            webhook_sealing_secret: format!("{prefix}-webhook-sealing-key"),
            event_bus: format!("{prefix}-events"),
            product_events_queue: format!("{prefix}-product-events"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Resources {
    pub names: Names,
    pub import_queue_url: String,
    pub chunk_queue_url: String,
    pub failure_queue_url: String,
    /// What the rule on the events bus delivered, for the local targets (the bridge reads it).
    pub product_events_queue_url: String,
}

/// Creates the resources, or finds them when they already exist.
pub async fn create(
    dynamodb: &aws_sdk_dynamodb::Client,
    s3: &aws_sdk_s3::Client,
    sqs: &aws_sdk_sqs::Client,
    bus: &aws_sdk_eventbridge::Client,
    names: &Names,
    site_origin: &str,
) -> Result<Resources, BoxError> {
    let existing = dynamodb.list_tables().send().await?;
    if !existing.table_names().contains(&names.table) {
        testkit::create_table(dynamodb, &names.table).await?;
    }

    // A retry of a failed import arrives after this many seconds, as Lambda's async retries do.
    let import_queue_url = sqs
        .create_queue()
        .queue_name(&names.import_queue)
        .attributes(QueueAttributeName::VisibilityTimeout, "3")
        .send()
        .await?
        .queue_url()
        .ok_or("no queue url")?
        .to_owned();
    // A failed chunk comes back after this many seconds (the template's visibility timeout,
    // shortened as the import queue's is).
    let chunk_queue_url = sqs
        .create_queue()
        .queue_name(&names.chunk_queue)
        .attributes(QueueAttributeName::VisibilityTimeout, "3")
        .send()
        .await?
        .queue_url()
        .ok_or("no queue url")?
        .to_owned();
    let failure_queue_url = sqs
        .create_queue()
        .queue_name(&names.failure_queue)
        .send()
        .await?
        .queue_url()
        .ok_or("no queue url")?
        .to_owned();
    let import_queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&import_queue_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .ok_or("the queue has no ARN")?;

    if s3.head_bucket().bucket(&names.bucket).send().await.is_err() {
        s3.create_bucket().bucket(&names.bucket).send().await?;
    }
    // The site PUTs files straight to the presigned URL, so the bucket must allow its origin.
    s3.put_bucket_cors()
        .bucket(&names.bucket)
        .cors_configuration(
            CorsConfiguration::builder()
                .cors_rules(
                    CorsRule::builder()
                        .allowed_origins(site_origin)
                        .allowed_origins(site_origin.replace("127.0.0.1", "localhost"))
                        .allowed_methods("PUT")
                        .allowed_methods("GET")
                        .allowed_headers("*")
                        .max_age_seconds(600)
                        .build()?,
                )
                .build()?,
        )
        .send()
        .await?;
    s3.put_bucket_notification_configuration()
        .bucket(&names.bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(
                    QueueConfiguration::builder()
                        .queue_arn(import_queue_arn)
                        .events(Event::S3ObjectCreated)
                        .filter(
                            NotificationConfigurationFilter::builder()
                                .key(
                                    S3KeyFilter::builder()
                                        .filter_rules(
                                            FilterRule::builder()
                                                .name(FilterRuleName::Prefix)
                                                .value(import::IMPORTS_PREFIX)
                                                .build(),
                                        )
                                        .build(),
                                )
                                .build(),
                        )
                        .build()?,
                )
                .build(),
        )
        .send()
        .await?;
    let product_events_queue_url = product_events(sqs, bus, names).await?;
    Ok(Resources {
        names: names.clone(),
        import_queue_url,
        chunk_queue_url,
        failure_queue_url,
        product_events_queue_url,
    })
}

/// The stack's events bus (the template's `EventBus`) with one rule for the product's events,
/// whose target is a queue: the bridge reads it and hands each event to the local targets, as
/// EventBridge hands them to a rule's targets in AWS. Answers the queue's URL.
async fn product_events(
    sqs: &aws_sdk_sqs::Client,
    bus: &aws_sdk_eventbridge::Client,
    names: &Names,
) -> Result<String, BoxError> {
    let queue_url = sqs
        .create_queue()
        .queue_name(&names.product_events_queue)
        .send()
        .await?
        .queue_url()
        .ok_or("no queue url")?
        .to_owned();
    let queue_arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await?
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .ok_or("the queue has no ARN")?;
    let buses = bus
        .list_event_buses()
        .name_prefix(&names.event_bus)
        .send()
        .await?;
    if !buses
        .event_buses()
        .iter()
        .any(|b| b.name() == Some(names.event_bus.as_str()))
    {
        bus.create_event_bus().name(&names.event_bus).send().await?;
    }
    let pattern = serde_json::json!({ "source": [invitations_wire::events::EVENT_SOURCE] });
    bus.put_rule()
        .name("product-events")
        .event_bus_name(&names.event_bus)
        .event_pattern(pattern.to_string())
        .send()
        .await?;
    bus.put_targets()
        .rule("product-events")
        .event_bus_name(&names.event_bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("local-targets")
                .arn(queue_arn)
                .build()?,
        )
        .send()
        .await?;
    Ok(queue_url)
}

/// The user pool as infra/template.yaml makes it (testkit::create_user_pool: sign-in by email
/// address, the `system-admins` group, the site's app client), or the one of that name made by
/// an earlier run on the same emulator.
pub async fn user_pool(
    cognito: &aws_sdk_cognitoidentityprovider::Client,
    name: &str,
) -> Result<UserPool, BoxError> {
    let mut next = None;
    loop {
        let page = cognito
            .list_user_pools()
            .max_results(60)
            .set_next_token(next)
            .send()
            .await?;
        if let Some(id) = page
            .user_pools()
            .iter()
            .find(|p| p.name() == Some(name))
            .and_then(|p| p.id())
        {
            let clients = cognito
                .list_user_pool_clients()
                .user_pool_id(id)
                .max_results(60)
                .send()
                .await?;
            if let Some(client_id) = clients
                .user_pool_clients()
                .iter()
                .find(|c| c.client_name() == Some("site"))
                .and_then(|c| c.client_id())
            {
                return Ok(UserPool {
                    id: id.to_owned(),
                    client_id: client_id.to_owned(),
                });
            }
        }
        next = page.next_token().map(str::to_owned);
        if next.is_none() {
            break;
        }
    }
    Ok(testkit::create_user_pool(cognito, name).await?)
}

/// The link signing key's secret, as the template's `LinkSigningSecret` (base64 text): made
/// with `key`, or, when it exists from an earlier run on the same emulator, given `key` as its
/// new value (a rotation: the earlier key stays valid as AWSPREVIOUS). Answers the secret's id.
pub async fn link_key_secret(
    client: &aws_sdk_secretsmanager::Client,
    name: &str,
    key: &[u8],
) -> Result<String, BoxError> {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(key);
    match client
        .create_secret()
        .name(name)
        .secret_string(&text)
        .send()
        .await
    {
        Ok(_) => Ok(name.to_owned()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_exists_exception()) =>
        {
            client
                .put_secret_value()
                .secret_id(name)
                .secret_string(&text)
                .send()
                .await?;
            Ok(name.to_owned())
        }
        Err(e) => Err(e.into()),
    }
}

/// The webhook sealing key's secret, made once with 64 random letters and digits as the
/// template's `GenerateSecretString` makes it; kept on a restart (sealed secrets must still
/// open). Answers its name.
pub async fn webhook_sealing_secret(
    client: &aws_sdk_secretsmanager::Client,
    name: &str,
    material: &str,
) -> Result<String, BoxError> {
    match client
        .create_secret()
        .name(name)
        .secret_string(material)
        .send()
        .await
    {
        Ok(_) => Ok(name.to_owned()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_exists_exception()) =>
        {
            Ok(name.to_owned())
        }
        Err(e) => Err(e.into()),
    }
}
