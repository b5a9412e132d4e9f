//! The secrets a function reads on first use, once per cold start (issue 33).
//!
//! Read in `main`, a secret held up the cold start by a Secrets Manager call: the six functions
//! that hold one started 2.5-3.6x slower than a bare binary (BENCHMARKS.md). `main` now builds
//! only the client and the secret's name (a missing variable still stops the start), and the
//! first request that needs the secret reads it, for the rest of the cold start. A request that
//! needs none (a damaged link, a record with nothing to send) never waits for it. A failed read
//! is not kept: that request fails with the error the start gave before, the next reads again.

use crate::adapters::secrets;
use crate::config::ConfigError;
use crate::domain::token::well_formed;
use crate::domain::{LinkKey, TokenError};
use futures::future::BoxFuture;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// A value read on its first use, then kept (clones share it). Concurrent first uses wait for
/// one read.
pub struct OnFirstUse<T>(Arc<Inner<T>>);

type Read<T> = Box<dyn Fn() -> BoxFuture<'static, Result<T, ConfigError>> + Send + Sync>;

struct Inner<T> {
    value: OnceCell<T>,
    /// `None` for a value given in hand ([`OnFirstUse::ready`]): nothing to read.
    read: Option<Read<T>>,
}

impl<T> Clone for OnFirstUse<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Send + Sync + 'static> OnFirstUse<T> {
    /// Reads with `read` on the first [`get`](Self::get), and again on the next after a failure.
    pub fn new<F, Fut>(read: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T, ConfigError>> + Send + 'static,
    {
        Self(Arc::new(Inner {
            value: OnceCell::new(),
            read: Some(Box::new(move || Box::pin(read()))),
        }))
    }

    /// A value in hand (tests, the local stack): nothing is ever read.
    pub fn ready(value: T) -> Self {
        Self(Arc::new(Inner {
            value: OnceCell::new_with(Some(value)),
            read: None,
        }))
    }

    /// The value, read now if no use has read it yet.
    pub async fn get(&self) -> Result<&T, ConfigError> {
        let Inner { value, read } = &*self.0;
        value
            .get_or_try_init(|| async {
                match read {
                    Some(read) => read().await,
                    None => unreachable!("a value in hand is set from the start"),
                }
            })
            .await
    }

    /// Whether the value has been read (or was given in hand).
    pub fn is_read(&self) -> bool {
        self.0.value.initialized()
    }
}

impl<T: Send + Sync + 'static> From<T> for OnFirstUse<T> {
    fn from(value: T) -> Self {
        Self::ready(value)
    }
}

/// The link signing key as the functions hold it: its current version (`AWSCURRENT`), which
/// signs and verifies first, and its previous one (`AWSPREVIOUS`, what the last rotation
/// replaced), each read on first use. The previous version is read only when a link fails
/// with the current one (a link mailed before a rotation, or a forgery), so a function that
/// only signs, or meets only current links, makes one Secrets Manager call per cold start.
#[derive(Clone)]
pub struct LinkKeys {
    current: OnFirstUse<LinkKey>,
    previous: OnFirstUse<Option<LinkKey>>,
}

/// The variable that names the link key's secret, as its errors name it.
const LINK_SIGNING_SECRET: &str = "LINK_SIGNING_SECRET";

fn invalid(reason: String) -> ConfigError {
    ConfigError::Invalid {
        name: LINK_SIGNING_SECRET,
        reason,
    }
}

impl LinkKeys {
    pub fn new(current: OnFirstUse<LinkKey>, previous: OnFirstUse<Option<LinkKey>>) -> Self {
        Self { current, previous }
    }

    /// The key of Secrets Manager's `secret` (its ARN or name), read through `client`.
    pub fn from_secret(client: aws_sdk_secretsmanager::Client, secret: String) -> Self {
        let (c, s) = (client.clone(), secret.clone());
        let current = OnFirstUse::new(move || {
            let (client, secret) = (c.clone(), s.clone());
            async move {
                secrets::signing_key(&client, &secret)
                    .await
                    .map_err(invalid)
            }
        });
        let previous = OnFirstUse::new(move || {
            let (client, secret) = (client.clone(), secret.clone());
            async move {
                secrets::previous_key(&client, &secret)
                    .await
                    .map_err(invalid)
            }
        });
        Self::new(current, previous)
    }

    /// The key that signs: the current version.
    pub async fn signing(&self) -> Result<&LinkKey, ConfigError> {
        self.current.get().await
    }

    /// What `verify` (`LinkKey::verify`, `verify_join` or `verify_join_proof`) makes of
    /// `token` with the current version, or else with the previous one. The outer error is the
    /// key's (it could not be read), the inner one the token's.
    pub async fn verify<T>(
        &self,
        token: &str,
        verify: impl Fn(&LinkKey, &str) -> Result<T, TokenError>,
    ) -> Result<Result<T, TokenError>, ConfigError> {
        // Damaged under any key: answered without reading one.
        if let Err(malformed) = well_formed(token) {
            return Ok(Err(malformed));
        }
        match verify(self.current.get().await?, token) {
            Err(TokenError::Unknown) => {}
            checked => return Ok(checked),
        }
        Ok(match self.previous.get().await? {
            Some(previous) => verify(previous, token),
            None => Err(TokenError::Unknown),
        })
    }

    /// Which versions have been read so far: (current, previous).
    pub fn read(&self) -> (bool, bool) {
        (self.current.is_read(), self.previous.is_read())
    }
}

/// The webhook sealing key of Secrets Manager's `secret`, made by `key_of` from the secret's
/// text (`config::webhook_sealing_key`), read on first use.
pub fn sealing_key<K: Send + Sync + 'static>(
    client: aws_sdk_secretsmanager::Client,
    secret: String,
    key_of: fn(&str) -> K,
) -> OnFirstUse<K> {
    OnFirstUse::new(move || {
        let (client, secret) = (client.clone(), secret.clone());
        async move {
            secrets::sealing_material(&client, &secret)
                .await
                .map(|material| key_of(&material))
                .map_err(|reason| ConfigError::Invalid {
                    name: "WEBHOOK_SEALING_SECRET",
                    reason,
                })
        }
    })
}

impl From<LinkKey> for LinkKeys {
    /// A key in hand (tests, the local stack, the heat benchmark): it verifies with its own
    /// previous key, if it has one; nothing is read.
    fn from(key: LinkKey) -> Self {
        Self::new(OnFirstUse::ready(key), OnFirstUse::ready(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InvitationId;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    fn key(byte: u8) -> LinkKey {
        LinkKey::from_bytes(vec![byte; 32]).unwrap()
    }

    /// A holder whose reads are counted and answer what `answers` holds next (the last one
    /// again when it runs out).
    fn scripted<T: Clone + Send + Sync + 'static>(
        answers: Vec<Result<T, &'static str>>,
    ) -> (OnFirstUse<T>, Arc<AtomicUsize>) {
        let reads = Arc::new(AtomicUsize::new(0));
        let answers = Arc::new(Mutex::new(answers));
        let counted = reads.clone();
        let holder = OnFirstUse::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let answers = answers.lock().unwrap();
            let answer = answers[n.min(answers.len() - 1)].clone();
            async move { answer.map_err(|e| invalid(e.to_owned())) }
        });
        (holder, reads)
    }

    #[tokio::test]
    async fn nothing_is_read_until_first_use_then_once() {
        let (holder, reads) = scripted(vec![Ok(7u32)]);
        let copy = holder.clone();
        assert_eq!(reads.load(Ordering::SeqCst), 0, "built, not read");
        assert!(!holder.is_read());
        assert_eq!(*holder.get().await.unwrap(), 7);
        assert_eq!(*copy.get().await.unwrap(), 7);
        assert_eq!(reads.load(Ordering::SeqCst), 1, "a clone shares the value");
    }

    #[tokio::test]
    async fn a_failed_read_is_not_kept_and_the_next_use_reads_again() {
        let (holder, reads) = scripted(vec![Err("throttled"), Ok(7u32)]);
        let error = holder.get().await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable LINK_SIGNING_SECRET is not valid: throttled",
            "the error the start gave before"
        );
        assert!(!holder.is_read());
        assert_eq!(*holder.get().await.unwrap(), 7);
        holder.get().await.unwrap();
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn concurrent_first_uses_wait_for_one_read() {
        let (holder, reads) = scripted(vec![Ok(7u32)]);
        let all = futures::future::join_all((0..8).map(|_| holder.get())).await;
        assert!(all.iter().all(|v| matches!(v, Ok(7))));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_previous_version_is_read_only_for_a_link_the_current_one_refuses() {
        let (current, current_reads) = scripted(vec![Ok(key(2))]);
        let (previous, previous_reads) = scripted(vec![Ok(Some(key(1)))]);
        let keys = LinkKeys::new(current, previous);
        let id = InvitationId::random();

        // A damaged link: no key read at all.
        assert_eq!(
            keys.verify("not-a-token", LinkKey::verify).await.unwrap(),
            Err(TokenError::Malformed)
        );
        assert_eq!(keys.read(), (false, false));

        // Signing and a current link: the current version only.
        let new_link = keys.signing().await.unwrap().sign(&id, 2).unwrap();
        assert!(keys
            .verify(&new_link, LinkKey::verify)
            .await
            .unwrap()
            .is_ok());
        assert_eq!(keys.read(), (true, false));

        // A link mailed before the rotation: the previous version, read once.
        let old_link = key(1).sign(&id, 1).unwrap();
        for _ in 0..2 {
            let token = keys.verify(&old_link, LinkKey::verify).await.unwrap();
            assert_eq!(token.unwrap().version, 1);
        }
        let forged = key(3).sign(&id, 1).unwrap();
        assert_eq!(
            keys.verify(&forged, LinkKey::verify).await.unwrap(),
            Err(TokenError::Unknown)
        );
        assert_eq!(current_reads.load(Ordering::SeqCst), 1);
        assert_eq!(previous_reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_read_of_the_previous_version_is_retried_too() {
        let (current, _) = scripted(vec![Ok(key(2))]);
        let (previous, reads) = scripted(vec![Err("unreachable"), Ok(Some(key(1)))]);
        let keys = LinkKeys::new(current, previous);
        let old_link = key(1).sign(&InvitationId::random(), 1).unwrap();
        assert!(keys.verify(&old_link, LinkKey::verify).await.is_err());
        assert!(keys
            .verify(&old_link, LinkKey::verify)
            .await
            .unwrap()
            .is_ok());
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_key_in_hand_verifies_with_its_own_previous_key() {
        let keys = LinkKeys::from(key(2).with_previous(key(1)));
        let old_link = key(1).sign(&InvitationId::random(), 1).unwrap();
        assert!(keys
            .verify(&old_link, LinkKey::verify)
            .await
            .unwrap()
            .is_ok());
        assert_eq!(keys.read(), (true, true), "nothing left to read");
    }
}
