//! The Standard Webhooks 1.0 headers of one attempt.
//!
//! The HMAC is computed by the convention's own crate (`standardwebhooks`), not by code of ours,
//! so a receiver using any of the project's libraries verifies what we send. `webhook-id` is the
//! product event's id, the same on every retry, so receivers drop repeats by it;
//! `webhook-timestamp` is the attempt's own time, because receivers refuse signatures older
//! than a few minutes and a retry may come hours later.

use crate::secret::Secret;
use http::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, USER_AGENT as UA};
use standardwebhooks::HEADER_WEBHOOK_TIMESTAMP;
use standardwebhooks::{Webhook, HEADER_WEBHOOK_ID, HEADER_WEBHOOK_SIGNATURE};

/// Who is calling, so a receiver's logs and firewalls can tell our deliveries apart.
pub const USER_AGENT: &str = concat!(
    "LearningContractInvitations-Webhooks/",
    env!("CARGO_PKG_VERSION")
);

/// Why an attempt could not be signed. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("The endpoint has no active secret to sign with.")]
    NoSecret,
    #[error("The body is not UTF-8 text; webhooks carry JSON.")]
    NotUtf8,
    #[error("The message id must be printable ASCII without spaces.")]
    BadId,
    #[error("A stored secret is not a valid webhook secret.")]
    BadSecret,
}

/// `v1,<base64>` for each active secret, joined by a space: during a rotation both the old and
/// the new secret sign, and a receiver accepts the message if any one of them verifies.
pub fn signature(
    secrets: &[Secret],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SignError> {
    if secrets.is_empty() {
        return Err(SignError::NoSecret);
    }
    std::str::from_utf8(body).map_err(|_| SignError::NotUtf8)?;
    let mut signed = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let hook = Webhook::new(secret.expose()).map_err(|_| SignError::BadSecret)?;
        let one = hook
            .sign(msg_id, timestamp, body)
            .map_err(|_| SignError::NotUtf8)?;
        signed.push(one);
    }
    Ok(signed.join(" "))
}

/// Every header of one attempt: `webhook-id`, `webhook-timestamp` (unix seconds),
/// `webhook-signature`, `content-type: application/json` and our `user-agent`.
pub fn headers(
    secrets: &[Secret],
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<HeaderMap, SignError> {
    if msg_id.is_empty() || !msg_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SignError::BadId);
    }
    let signed = signature(secrets, msg_id, timestamp, body)?;
    let value = |text: &str| HeaderValue::from_str(text).map_err(|_| SignError::BadId);
    let mut map = HeaderMap::new();
    map.insert(HeaderName::from_static(HEADER_WEBHOOK_ID), value(msg_id)?);
    map.insert(
        HeaderName::from_static(HEADER_WEBHOOK_TIMESTAMP),
        HeaderValue::from(timestamp),
    );
    map.insert(
        HeaderName::from_static(HEADER_WEBHOOK_SIGNATURE),
        value(&signed)?,
    );
    map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    map.insert(UA, HeaderValue::from_static(USER_AGENT));
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::new_secret;

    #[test]
    fn one_signature_per_secret_each_verifying_alone() {
        let (old, new) = (new_secret(), new_secret());
        let body = br#"{"type":"invitation.created"}"#;
        let now = chrono::Utc::now().timestamp();
        let map = headers(&[old.clone(), new.clone()], "evt_1", now, body).unwrap();
        let signed = map[HEADER_WEBHOOK_SIGNATURE].to_str().unwrap();
        assert_eq!(signed.split(' ').count(), 2);
        assert!(signed.split(' ').all(|s| s.starts_with("v1,")));
        for secret in [old, new] {
            Webhook::new(secret.expose())
                .unwrap()
                .verify(body, &map)
                .unwrap();
        }
        assert_eq!(map[CONTENT_TYPE], "application/json");
        assert_eq!(map[HEADER_WEBHOOK_TIMESTAMP], now.to_string().as_str());
    }

    #[test]
    fn refuses_no_secret_a_binary_body_and_a_bad_id() {
        let secret = [new_secret()];
        assert_eq!(headers(&[], "a", 1, b"{}"), Err(SignError::NoSecret));
        assert_eq!(headers(&secret, "a", 1, &[0xff]), Err(SignError::NotUtf8));
        assert_eq!(headers(&secret, "a b", 1, b"{}"), Err(SignError::BadId));
        assert_eq!(headers(&secret, "", 1, b"{}"), Err(SignError::BadId));
    }
}
