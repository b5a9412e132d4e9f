//! One delivery attempt, and what it means for the endpoint.
//!
//! The request connects only to the addresses the guard checked (the client has no other DNS),
//! follows no redirect (a 3xx could point anywhere the guard never saw, so it counts as a
//! failure), ignores proxy settings from the environment, and gives up after 15 s, the
//! convention's timeout. Only the first 256 bytes of the answer are read: enough to show the
//! endpoint's owner why it failed, never a receiver's whole page in our table.
//!
//! https runs on rustls with the SDK's own crypto (aws-lc-rs) and the system's root
//! certificates, loaded by a [`Sender`]'s first attempt, once per cold start; the certificate
//! must name the URL's host, whatever address the guard pinned it to.

use crate::guard::Target;
use http::header::{HeaderMap, RETRY_AFTER};
use reqwest::dns::{Name, Resolve, Resolving};
use reqwest::redirect;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// The Standard Webhooks timeout for one attempt, connection to last byte read.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// How much of the answer is kept for the delivery log.
pub const RESPONSE_START_BYTES: usize = 256;

/// What happened on one attempt, as the delivery log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The HTTP status, `None` when no answer came (refused, reset, timed out, TLS failed).
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// The first bytes of the answer's body, as text (invalid UTF-8 replaced).
    pub response_start: String,
    /// How long the receiver asked us to wait (`Retry-After`, seconds or an HTTP date).
    pub retry_after: Option<Duration>,
    /// What went wrong, in words, when there was no usable answer or a redirect.
    pub error: Option<String>,
}

/// What the caller does after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: done, the message is delivered.
    Delivered,
    /// 410 Gone: the receiver says the endpoint is no more; disable it, retry nothing.
    Gone,
    /// Anything else (3xx, 4xx, 5xx, no answer): try again on the schedule.
    Retry,
}

impl Attempt {
    pub fn verdict(&self) -> Verdict {
        match self.status {
            Some(200..=299) => Verdict::Delivered,
            Some(410) => Verdict::Gone,
            _ => Verdict::Retry,
        }
    }
}

/// What every attempt is made with: the roots https trusts and the time limit. Built once per
/// cold start; the system's roots are loaded by the first attempt (clones share them), not at
/// the start: reading and parsing them took 3-4 ms of every cold start of `webhooks`, whose
/// sweeps mostly find nothing to send (issue 33). Cloned into each attempt's client.
#[derive(Debug, Clone)]
pub struct Sender {
    tls: Arc<OnceCell<rustls::ClientConfig>>,
    timeout: Duration,
}

/// The system has no root certificate to trust: no https delivery could succeed.
#[derive(Debug, thiserror::Error)]
#[error("No root certificates could be loaded from this system ({0}); https deliveries need them.")]
pub struct NoRoots(String);

impl Sender {
    /// Trusts the system's root certificates (loaded by the first attempt), with the
    /// convention's 15 s limit.
    pub fn with_system_roots() -> Self {
        Sender {
            tls: Arc::new(OnceCell::new()),
            timeout: TIMEOUT,
        }
    }

    /// Trusts these roots only (the tests' own certificate authority).
    pub fn with_roots(roots: rustls::RootCertStore) -> Self {
        Sender {
            tls: Arc::new(OnceCell::new_with(Some(tls_trusting(roots)))),
            timeout: TIMEOUT,
        }
    }

    /// Whether the roots are loaded (or were given).
    pub fn roots_loaded(&self) -> bool {
        self.tls.initialized()
    }

    /// The TLS configuration, the system's roots loaded now if no attempt has yet. A failed
    /// load is not kept: the next attempt tries again.
    async fn tls(&self) -> Result<&rustls::ClientConfig, NoRoots> {
        self.tls
            .get_or_try_init(|| async { system_roots().map(tls_trusting) })
            .await
    }

    /// The same roots with another time limit (tests, and the local stack's quick retries).
    pub fn within(self, timeout: Duration) -> Self {
        Sender { timeout, ..self }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// POSTs `body` with `headers` to the target's checked addresses, within the time limit.
    pub async fn deliver(&self, target: &Target, headers: &HeaderMap, body: &[u8]) -> Attempt {
        let tls = match self.tls().await {
            Ok(tls) => tls.clone(),
            // As an attempt that got no answer: retried on the schedule, the reason in the log.
            Err(no_roots) => {
                return Attempt {
                    status: None,
                    duration_ms: 0,
                    response_start: String::new(),
                    retry_after: None,
                    error: Some(no_roots.to_string()),
                }
            }
        };
        let started = Instant::now();
        let outcome = self.post(tls, target, headers, body).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match outcome {
            Ok((status, retry_after, response_start)) => Attempt {
                status: Some(status),
                duration_ms,
                response_start,
                retry_after,
                error: (300..400).contains(&status).then(|| {
                    format!(
                        "The endpoint answered {status}, a redirect; redirects are not \
                         followed, so register the final address."
                    )
                }),
            },
            Err(error) => Attempt {
                status: None,
                duration_ms,
                response_start: String::new(),
                retry_after: None,
                error: Some(describe(&error, self.timeout)),
            },
        }
    }

    async fn post(
        &self,
        tls: rustls::ClientConfig,
        target: &Target,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(u16, Option<Duration>, String), reqwest::Error> {
        let mut response = self
            .client(tls, target)?
            .post(target.url().clone())
            .headers(headers.clone())
            .body(body.to_vec())
            .send()
            .await?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
        let mut start = Vec::new();
        while start.len() < RESPONSE_START_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => start.extend_from_slice(&chunk),
                // The status is what counts: a body cut short or too slow leaves the start we have.
                Ok(None) | Err(_) => break,
            }
        }
        start.truncate(RESPONSE_START_BYTES);
        Ok((
            status,
            retry_after,
            String::from_utf8_lossy(&start).into_owned(),
        ))
    }

    /// A client for this target alone: its name pinned to the checked addresses, every other
    /// name unresolvable, no redirects, no proxy, no pooled connection reused for another target.
    fn client(
        &self,
        tls: rustls::ClientConfig,
        target: &Target,
    ) -> Result<reqwest::Client, reqwest::Error> {
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .redirect(redirect::Policy::none())
            .no_proxy()
            .timeout(self.timeout)
            .pool_max_idle_per_host(0)
            .dns_resolver(Arc::new(NoDns));
        if let Some(domain) = target.domain() {
            builder = builder.resolve_to_addrs(domain, target.addresses());
        }
        builder.build()
    }
}

/// The system's root certificates; none is an error (no https delivery could succeed).
fn system_roots() -> Result<rustls::RootCertStore, NoRoots> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _unparsable) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        let errors: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
        return Err(NoRoots(errors.join("; ")));
    }
    Ok(roots)
}

/// rustls on the SDK's crypto (aws-lc-rs), trusting `roots`.
fn tls_trusting(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("aws-lc-rs supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// The resolver behind the pinned name: any lookup that reaches it is a name the guard never
/// checked, so it fails instead of asking DNS.
struct NoDns;

impl Resolve for NoDns {
    fn resolve(&self, name: Name) -> Resolving {
        let refused = format!("{} was not checked by the guard", name.as_str());
        Box::pin(async move { Err(refused.into()) })
    }
}

/// `Retry-After` as seconds (`120`) or an HTTP date; a date in the past means now.
pub fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.to_utc() - now).to_std().unwrap_or(Duration::ZERO))
}

/// The error in words for the endpoint's owner, with its causes (reqwest's own text alone is
/// "error sending request").
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("No answer within {} s.", timeout.as_secs_f32());
    }
    let mut text = if error.is_connect() {
        "Could not connect".to_owned()
    } else {
        "The request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn verdicts() {
        let attempt = |status| Attempt {
            status,
            duration_ms: 0,
            response_start: String::new(),
            retry_after: None,
            error: None,
        };
        assert_eq!(attempt(Some(204)).verdict(), Verdict::Delivered);
        assert_eq!(attempt(Some(410)).verdict(), Verdict::Gone);
        for status in [Some(302), Some(404), Some(429), Some(500), None] {
            assert_eq!(attempt(status).verdict(), Verdict::Retry);
        }
    }
}
