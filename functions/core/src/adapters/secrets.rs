//! The link signing key in Secrets Manager.

use crate::domain::LinkKey;
use aws_sdk_secretsmanager::error::DisplayErrorContext;
use aws_sdk_secretsmanager::Client;

/// The key of `secret` (base64 text, at least 32 bytes): its current version, which signs,
/// with its previous version, when there is one, still verifying.
pub async fn link_key(client: &Client, secret: &str) -> Result<LinkKey, String> {
    // Both versions asked at once: one round trip of the cold start, not two (issue 33).
    let (current, previous) = tokio::join!(
        version(client, secret, "AWSCURRENT"),
        version(client, secret, "AWSPREVIOUS")
    );
    let current = current?.ok_or_else(|| format!("secret {secret} has no current value"))?;
    let key = LinkKey::from_base64(&current).map_err(|e| format!("its current value: {e}"))?;
    match previous? {
        Some(previous) => match LinkKey::from_base64(&previous) {
            Ok(previous) => Ok(key.with_previous(previous)),
            Err(e) => {
                tracing::warn!(error = %e, "the previous link key is unusable; links signed with it no longer work");
                Ok(key)
            }
        },
        None => Ok(key),
    }
}

/// The key of `secret` that signs, its current version only: for the functions that make links
/// and codes and never check one (the mailer, join-links), one call at cold start (issue 33).
pub async fn signing_key(client: &Client, secret: &str) -> Result<LinkKey, String> {
    let current = version(client, secret, "AWSCURRENT")
        .await?
        .ok_or_else(|| format!("secret {secret} has no current value"))?;
    LinkKey::from_base64(&current).map_err(|e| format!("its current value: {e}"))
}

/// The secret's text at a staging label; `None` when no version has that label.
async fn version(client: &Client, secret: &str, stage: &str) -> Result<Option<String>, String> {
    match client
        .get_secret_value()
        .secret_id(secret)
        .version_stage(stage)
        .send()
        .await
    {
        Ok(out) => Ok(out.secret_string().map(str::to_owned)),
        Err(e)
            if stage != "AWSCURRENT"
                && e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(DisplayErrorContext(&e).to_string()),
    }
}

/// The webhook sealing key's material: the secret's current text (the template generates 64
/// letters and digits), which `webhooks::SealingKey` hashes to an AES-256 key. Not rotated:
/// a rotation would need every sealed secret sealed again (see README, "Webhooks").
pub async fn sealing_material(client: &Client, secret: &str) -> Result<String, String> {
    let current = version(client, secret, "AWSCURRENT")
        .await?
        .ok_or_else(|| format!("secret {secret} has no current value"))?;
    match current.len() >= 32 {
        true => Ok(current),
        false => Err(format!("secret {secret} is shorter than 32 characters")),
    }
}
