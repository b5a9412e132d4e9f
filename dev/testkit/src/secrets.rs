//! This test's own secrets in Secrets Manager (moto), read by the functions on first use
//! (issue 33), as `infra/template.yaml` makes them: the link key as base64 text, rotated by
//! putting a new version (the one before becomes `AWSPREVIOUS`), and the webhook sealing text.

use super::*;
use base64::Engine;
use invitations_core::keys::{self, LinkKeys, OnFirstUse};

impl TestEnv {
    /// The name of this test's link key secret; nothing is made until [`Self::put_link_key`].
    pub fn link_key_secret(&self) -> String {
        format!("link-key-{}", self.tag)
    }

    /// Puts `key` (at least 32 bytes) as the link key secret's current version: the first
    /// makes the secret, each later one is a rotation. Returns the key, as it signs.
    pub async fn put_link_key(&self, key: &[u8]) -> LinkKey {
        let text = base64::engine::general_purpose::STANDARD.encode(key);
        self.put_secret(&self.link_key_secret(), &text).await;
        LinkKey::from_bytes(key.to_vec()).expect("a key of at least 32 bytes")
    }

    /// The link key as a function holds it: read from this test's secret on first use.
    pub fn link_keys(&self) -> LinkKeys {
        LinkKeys::from_secret(self.secrets(), self.link_key_secret())
    }

    /// The name of this test's webhook sealing secret; made by [`Self::put_sealing_material`].
    pub fn sealing_secret(&self) -> String {
        format!("sealing-{}", self.tag)
    }

    pub async fn put_sealing_material(&self, text: &str) {
        self.put_secret(&self.sealing_secret(), text).await;
    }

    /// The webhook sealing key as a function holds it, made by `key_of` on first use.
    pub fn sealing_key<K: Send + Sync + 'static>(&self, key_of: fn(&str) -> K) -> OnFirstUse<K> {
        keys::sealing_key(self.secrets(), self.sealing_secret(), key_of)
    }

    fn secrets(&self) -> aws_sdk_secretsmanager::Client {
        aws_sdk_secretsmanager::Client::new(&self.sdk)
    }

    async fn put_secret(&self, name: &str, text: &str) {
        let client = self.secrets();
        let put = client
            .put_secret_value()
            .secret_id(name)
            .secret_string(text)
            .send()
            .await;
        match put {
            Ok(_) => {}
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                client
                    .create_secret()
                    .name(name)
                    .secret_string(text)
                    .send()
                    .await
                    .expect("create the secret");
            }
            Err(e) => panic!("put the secret {name}: {}", DisplayErrorContext(&e)),
        }
    }
}
