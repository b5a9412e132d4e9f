//! Configuration, from environment variables only. Endpoints come from the SDK's own
//! `AWS_ENDPOINT_URL*` variables, so nothing here knows whether it runs locally.

use crate::keys::{LinkKeys, OnFirstUse};
pub use aws_config::SdkConfig;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    #[error("environment variable {name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

pub fn required(name: &'static str) -> Result<String, ConfigError> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ConfigError::Missing(name)),
    }
}

pub fn optional(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// How long audit records and history items are kept (issue 32): `AUDIT_RETENTION_DAYS`, whole
/// days, at least 1 (the template's `AuditRetentionDays`); unset, the two years of
/// `items::AUDIT_KEPT_DAYS`. Read once at a cold start and handed to the store
/// (`DynamoStore::with_audit_retention`) by every function that writes the audit.
pub fn audit_retention() -> Result<chrono::Duration, ConfigError> {
    let Some(text) = optional("AUDIT_RETENTION_DAYS") else {
        return Ok(chrono::Duration::days(
            crate::adapters::dynamo::items::AUDIT_KEPT_DAYS,
        ));
    };
    match text.trim().parse::<i64>() {
        // Below 100 years: DynamoDB's TTL is epoch seconds, and the time stays representable.
        Ok(days) if (1..=36_500).contains(&days) => Ok(chrono::Duration::days(days)),
        _ => Err(ConfigError::Invalid {
            name: "AUDIT_RETENTION_DAYS",
            reason: format!("{text:?} is not a whole number of days from 1 to 36500"),
        }),
    }
}

/// The key that signs invitation links, from the Secrets Manager secret named by
/// `LINK_SIGNING_SECRET` (its ARN or name): the `AWSCURRENT` version signs, and the
/// `AWSPREVIOUS` one (what the last rotation replaced) still verifies. The key itself is never
/// in the environment, where `GetFunctionConfiguration` would show it. Only the variable is
/// read here; each version is read on its first use, once per cold start ([`LinkKeys`]): a
/// call at start made the functions that hold the key start 2.5-3.3x slower than bare (issue 33).
pub fn link_key(sdk: &SdkConfig) -> Result<LinkKeys, ConfigError> {
    let secret = required("LINK_SIGNING_SECRET")?;
    Ok(LinkKeys::from_secret(
        aws_sdk_secretsmanager::Client::new(sdk),
        secret,
    ))
}

/// The webhook endpoints' sealing key, made by `key_of` from the text of the secret named by
/// `WEBHOOK_SEALING_SECRET` (never the key itself in the environment). Read on first use,
/// once per cold start, as [`link_key`] is.
pub fn webhook_sealing_key<K: Send + Sync + 'static>(
    sdk: &SdkConfig,
    key_of: fn(&str) -> K,
) -> Result<OnFirstUse<K>, ConfigError> {
    let secret = required("WEBHOOK_SEALING_SECRET")?;
    Ok(crate::keys::sealing_key(
        aws_sdk_secretsmanager::Client::new(sdk),
        secret,
        key_of,
    ))
}

/// The shared SDK configuration: region, credentials and endpoints from the environment, and
/// the SDK's own HTTPS client (hyper, rustls on aws-lc) trusting the roots of AWS's endpoints.
pub async fn aws() -> SdkConfig {
    aws_config::from_env()
        .http_client(https_client())
        .load()
        .await
}

/// The roots that sign every AWS service endpoint: Amazon Trust Services' four roots and the
/// Starfield root that cross-signs them (`aws-roots.pem`, copied from Debian's ca-certificates,
/// with their SHA-256 fingerprints). The SDK's default client reads and parses the system's
/// whole bundle instead (about 145 roots, one file per root here) when the first client is made:
/// 3.2 ms of every cold start (BENCHMARKS.md, issue 33), for roots no AWS endpoint uses.
/// The webhooks' own client (functions/webhooks) still trusts the system's roots: it calls
/// anyone's endpoint.
pub const AWS_ROOTS: &str = include_str!("aws-roots.pem");

/// The SDK's default HTTPS client, with [`AWS_ROOTS`] as its trust store. (Every SDK crate
/// names the runtime's `SharedHttpClient` in its `config`; DynamoDB's is as good as any.)
pub fn https_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
    let roots = TrustStore::empty().with_pem_certificate(AWS_ROOTS.as_bytes());
    let context = TlsContext::builder()
        .with_trust_store(roots)
        .build()
        .expect("a trust store of PEM roots is a valid TLS context");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(context)
        .build_https()
}

pub fn dynamodb(sdk: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(sdk)
}

pub fn cognito(sdk: &SdkConfig) -> aws_sdk_cognitoidentityprovider::Client {
    aws_sdk_cognitoidentityprovider::Client::new(sdk)
}

pub fn sesv2(sdk: &SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::new(sdk)
}

/// Path-style addressing when `S3_FORCE_PATH_STYLE=true` (emulators serve one host name).
pub fn s3(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    let path_style = optional("S3_FORCE_PATH_STYLE").is_some_and(|v| v == "true");
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(path_style)
            .build(),
    )
}
