//! The link signing key and the webhook sealing key in Secrets Manager.

use crate::domain::LinkKey;
use aws_sdk_secretsmanager::error::DisplayErrorContext;
use aws_sdk_secretsmanager::Client;

/// The key of `secret` (base64 text, at least 32 bytes): its current version, which signs,
/// with its previous version, when there is one, still verifying. Both read at once, for a
/// host that wants the whole key in hand (the local stack); the functions read each version
/// when they first need it instead ([`crate::keys::LinkKeys`], issue 33).
pub async fn link_key(client: &Client, secret: &str) -> Result<LinkKey, String> {
    let (current, previous) =
        tokio::join!(signing_key(client, secret), previous_key(client, secret));
    let current = current?;
    Ok(match previous? {
        Some(previous) => current.with_previous(previous),
        None => current,
    })
}

/// The key of `secret` that signs, its current version only (one call).
pub async fn signing_key(client: &Client, secret: &str) -> Result<LinkKey, String> {
    let current = version(client, secret, "AWSCURRENT")
        .await?
        .ok_or_else(|| format!("secret {secret} has no current value"))?;
    LinkKey::from_base64(&current).map_err(|e| format!("its current value: {e}"))
}

/// The key the last rotation replaced (`AWSPREVIOUS`), which still verifies; `None` when the
/// secret was never rotated, or when that version is not a usable key (logged: links signed
/// with it no longer work, and reading it again would not mend it).
pub async fn previous_key(client: &Client, secret: &str) -> Result<Option<LinkKey>, String> {
    let Some(previous) = version(client, secret, "AWSPREVIOUS").await? else {
        return Ok(None);
    };
    match LinkKey::from_base64(&previous) {
        Ok(previous) => Ok(Some(previous)),
        Err(e) => {
            tracing::warn!(error = %e, "the previous link key is unusable; links signed with it no longer work");
            Ok(None)
        }
    }
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
