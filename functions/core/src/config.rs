//! Configuration, from environment variables only. Endpoints come from the SDK's own
//! `AWS_ENDPOINT_URL*` variables, so nothing here knows whether it runs locally.

use crate::domain::LinkKey;
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

/// The key that signs invitation links, base64 in `LINK_SIGNING_KEY`. In AWS the template
/// fills it from Secrets Manager at deploy time; it is never in the repo or the template.
pub fn link_key() -> Result<LinkKey, ConfigError> {
    LinkKey::from_base64(&required("LINK_SIGNING_KEY")?).map_err(|e| ConfigError::Invalid {
        name: "LINK_SIGNING_KEY",
        reason: e.to_string(),
    })
}

/// The shared SDK configuration: region, credentials and endpoints from the environment.
pub async fn aws() -> SdkConfig {
    aws_config::load_from_env().await
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
