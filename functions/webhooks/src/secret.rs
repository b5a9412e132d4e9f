//! Endpoint secrets and how they are kept.
//!
//! A secret is `whsec_` + base64 of 24 to 64 random bytes (the Standard Webhooks format); we make
//! 32. The table stores it sealed with AES-256-GCM under a key from Secrets Manager, so reading
//! the table (a backup, an export, a leaked scan) gives nothing that signs in our name. Neither
//! [`Secret`] nor [`SealingKey`] prints its bytes through `Debug`, so a `tracing` field or a
//! panic message cannot leak one.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use std::fmt;

/// What every Standard Webhooks secret starts with.
pub const PREFIX: &str = "whsec_";
/// The convention's bounds on a secret's key, in bytes.
pub const MIN_KEY_BYTES: usize = 24;
pub const MAX_KEY_BYTES: usize = 64;
/// What [`new_secret`] makes: 256 bits, the HMAC-SHA256 block's worth of strength.
pub const NEW_KEY_BYTES: usize = 32;

/// The version tag of the sealed form, so a later change of scheme or key can tell old from new.
const SEALED_V1: &str = "v1:";
const NONCE_BYTES: usize = 12;

/// A signing secret, `whsec_<base64>`. Only [`Secret::expose`] gives the text, and only the
/// signer and the one answer that shows it to the endpoint's owner should call it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Accepts a secret given to us (an owner bringing their own): `whsec_` + base64 of 24 to
    /// 64 bytes, so a short or mistyped key is refused before anything is signed with it.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let encoded = text.strip_prefix(PREFIX).ok_or(SecretError::Prefix)?;
        let key = B64.decode(encoded).map_err(|_| SecretError::NotBase64)?;
        if !(MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&key.len()) {
            return Err(SecretError::Length(key.len()));
        }
        Ok(Secret(text.to_owned()))
    }

    /// The secret's text, for signing and for showing it once to the endpoint's owner.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(whsec_[redacted])")
    }
}

/// A fresh secret from the operating system's random source.
pub fn new_secret() -> Secret {
    let mut key = [0u8; NEW_KEY_BYTES];
    OsRng.fill_bytes(&mut key);
    Secret(format!("{PREFIX}{}", B64.encode(key)))
}

/// Why a secret's text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("A webhook secret starts with whsec_.")]
    Prefix,
    #[error("A webhook secret is whsec_ followed by base64; this one is not base64.")]
    NotBase64,
    #[error("A webhook secret holds 24 to 64 bytes; this one holds {0}.")]
    Length(usize),
}

/// The AES-256-GCM key that seals secrets for the table. In AWS it comes from Secrets Manager
/// (32 random bytes, base64); locally, from any 32 bytes.
#[derive(Clone)]
pub struct SealingKey(Aes256Gcm);

impl SealingKey {
    /// The key's length in bytes (AES-256).
    pub const LEN: usize = 32;

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SealError> {
        Aes256Gcm::new_from_slice(bytes)
            .map(SealingKey)
            .map_err(|_| SealError::KeyLength(bytes.len()))
    }

    /// The key the functions seal with: SHA-256 of the sealing secret's text (the template
    /// generates 64 letters and digits), so any text makes a 32-byte key.
    pub fn from_material(material: &str) -> Self {
        use sha2::Digest;
        Self::from_bytes(&sha2::Sha256::digest(material.as_bytes()))
            .expect("SHA-256 is 32 bytes, an AES-256 key")
    }

    /// The key as Secrets Manager keeps it: base64 text (surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, SealError> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| SealError::KeyNotBase64)?;
        Self::from_bytes(&bytes)
    }

    /// `v1:` + base64(nonce ‖ ciphertext ‖ tag). A fresh random 96-bit nonce per seal, so
    /// sealing the same secret twice gives two different texts and nonces never repeat in
    /// practice (2^-32 collision odds only after 2^32 seals under one key).
    pub fn seal(&self, secret: &Secret) -> String {
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), secret.0.as_bytes())
            .expect("AES-GCM encrypts any input shorter than 64 GiB");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{SEALED_V1}{}", B64.encode(out))
    }

    /// The secret back from [`SealingKey::seal`]'s text; fails on another key, on any altered
    /// byte (GCM's tag) and on anything that was not a sealed secret.
    pub fn unseal(&self, sealed: &str) -> Result<Secret, SealError> {
        let encoded = sealed.strip_prefix(SEALED_V1).ok_or(SealError::Malformed)?;
        let bytes = B64.decode(encoded).map_err(|_| SealError::Malformed)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let plain = self
            .0
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SealError::Undecryptable)?;
        let text = String::from_utf8(plain).map_err(|_| SealError::Undecryptable)?;
        Secret::parse(&text).map_err(SealError::NotASecret)
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey([redacted])")
    }
}

/// Why a sealing key or a sealed secret was refused. None of them carries secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("The sealing key must be 32 bytes; it is {0}.")]
    KeyLength(usize),
    #[error("The sealing key must be base64 text.")]
    KeyNotBase64,
    #[error("This is not a sealed webhook secret (v1:<base64>).")]
    Malformed,
    #[error("The sealed secret does not open with this key (another key, or altered).")]
    Undecryptable,
    #[error("The sealed text opened but is not a webhook secret: {0}")]
    NotASecret(SecretError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_secrets_are_whsec_with_32_random_bytes() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(Secret::parse(a.expose()), Ok(a.clone()));
        let key = B64.decode(&a.expose()[PREFIX.len()..]).unwrap();
        assert_eq!(key.len(), NEW_KEY_BYTES);
    }

    #[test]
    fn parse_refuses_what_is_not_a_secret() {
        assert_eq!(Secret::parse("abc"), Err(SecretError::Prefix));
        assert_eq!(Secret::parse("whsec_!!"), Err(SecretError::NotBase64));
        let short = format!("whsec_{}", B64.encode([1u8; 23]));
        assert_eq!(Secret::parse(&short), Err(SecretError::Length(23)));
        let long = format!("whsec_{}", B64.encode([1u8; 65]));
        assert_eq!(Secret::parse(&long), Err(SecretError::Length(65)));
    }

    #[test]
    fn seal_round_trips_and_never_repeats_or_shows_the_secret() {
        let key = SealingKey::from_bytes(&[7u8; 32]).unwrap();
        let secret = new_secret();
        let (one, two) = (key.seal(&secret), key.seal(&secret));
        assert_ne!(one, two, "a fresh nonce each time");
        assert!(!one.contains(&secret.expose()[PREFIX.len()..]));
        assert_eq!(key.unseal(&one), Ok(secret.clone()));
        assert_eq!(key.unseal(&two), Ok(secret));
    }

    #[test]
    fn unseal_refuses_another_key_an_altered_text_and_junk() {
        let key = SealingKey::from_bytes(&[7u8; 32]).unwrap();
        let other = SealingKey::from_base64(&B64.encode([8u8; 32])).unwrap();
        let sealed = key.seal(&new_secret());
        assert_eq!(other.unseal(&sealed), Err(SealError::Undecryptable));
        let mut bytes = B64.decode(&sealed[3..]).unwrap();
        bytes[20] ^= 1;
        let altered = format!("v1:{}", B64.encode(bytes));
        assert_eq!(key.unseal(&altered), Err(SealError::Undecryptable));
        assert_eq!(key.unseal("whsec_abc"), Err(SealError::Malformed));
        assert_eq!(key.unseal("v1:AAAA"), Err(SealError::Malformed));
    }

    #[test]
    fn keys_must_be_32_bytes_and_debug_shows_nothing() {
        assert_eq!(
            SealingKey::from_bytes(&[0u8; 16]).err(),
            Some(SealError::KeyLength(16))
        );
        assert_eq!(
            SealingKey::from_base64("not base64!").err(),
            Some(SealError::KeyNotBase64)
        );
        let secret = new_secret();
        let shown = format!(
            "{secret:?} {:?}",
            SealingKey::from_bytes(&[7u8; 32]).unwrap()
        );
        assert!(!shown.contains(&secret.expose()[PREFIX.len()..]));
        assert_eq!(shown, "Secret(whsec_[redacted]) SealingKey([redacted])");
    }
}
