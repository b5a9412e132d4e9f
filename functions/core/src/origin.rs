//! Only CloudFront reaches the API (issue 26). With `ApiDomainName` the API's own domain is
//! public DNS, so a client could call it directly, around the distribution's web ACL. HTTP APIs
//! have no resource policy, so CloudFront adds a header whose value only it and the functions
//! know (a Secrets Manager secret, named to each HTTP function by `ORIGIN_SECRET`), and each
//! function refuses a request without it before any other work.
//!
//! The secret holds `{"current": "...", "previous": "..."}`: CloudFront sends `current`, and
//! both are accepted, so a rotation (README, "Rotate the origin secret") needs no outage. A
//! function reads the secret at cold start, and again on a request that matches neither value
//! (at most once a minute), so a rotation reaches warm functions without a restart.
//! Without `ORIGIN_SECRET` (no custom domain, cargo-lambda, the local stack) every request is
//! admitted: the execute-api address is then the API's public face anyway.

use crate::config::{ConfigError, SdkConfig};
use crate::http::Problem;
use aws_sdk_secretsmanager::error::DisplayErrorContext;
use lambda_http::{Body, Request, Response};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use tokio::sync::RwLock;

/// The header CloudFront adds to every request it sends to the API.
pub const HEADER: &str = "x-origin-verify";

/// How long a function waits before reading the secret again on a mismatch.
pub const REFRESH_AFTER: Duration = Duration::from_secs(60);

/// Whether a request came through CloudFront.
pub struct OriginGuard {
    secret: Option<Secret>,
}

struct Secret {
    client: aws_sdk_secretsmanager::Client,
    id: String,
    refresh_after: Duration,
    values: RwLock<Values>,
}

/// SHA-256 digests of the accepted values, compared in constant time.
struct Values {
    accepted: Vec<[u8; 32]>,
    read_at: Instant,
}

impl OriginGuard {
    /// Admits every request (no `ORIGIN_SECRET`).
    pub fn open() -> Self {
        Self { secret: None }
    }

    /// The guard the environment asks for: checking against the secret `ORIGIN_SECRET` names
    /// (read now, once per cold start), or open when it is not set.
    pub async fn from_env(sdk: &SdkConfig) -> Result<Self, ConfigError> {
        match crate::config::optional("ORIGIN_SECRET") {
            Some(id) => Self::checking(aws_sdk_secretsmanager::Client::new(sdk), id, REFRESH_AFTER)
                .await
                .map_err(|reason| ConfigError::Invalid {
                    name: "ORIGIN_SECRET",
                    reason,
                }),
            None => Ok(Self::open()),
        }
    }

    /// A guard that checks against secret `id`, reading it again on a mismatch once
    /// `refresh_after` has passed since the last read.
    pub async fn checking(
        client: aws_sdk_secretsmanager::Client,
        id: String,
        refresh_after: Duration,
    ) -> Result<Self, String> {
        let values = read(&client, &id).await?;
        Ok(Self {
            secret: Some(Secret {
                client,
                id,
                refresh_after,
                values: RwLock::new(values),
            }),
        })
    }

    /// Whether `req` carries a value of the secret (always, for an open guard).
    pub async fn admits(&self, req: &Request) -> bool {
        let Some(secret) = &self.secret else {
            return true;
        };
        let Some(presented) = req.headers().get(HEADER).map(|v| digest(v.as_bytes())) else {
            return false;
        };
        if secret.values.read().await.accepts(&presented) {
            return true;
        }
        // Perhaps rotated since the last read: read again, at most once per `refresh_after`
        // (a flood of bad headers costs one Secrets Manager call a minute, not one each).
        let mut values = secret.values.write().await;
        if values.read_at.elapsed() >= secret.refresh_after {
            match read(&secret.client, &secret.id).await {
                Ok(fresh) => *values = fresh,
                Err(error) => {
                    tracing::error!(%error, "the origin secret could not be read again");
                    values.read_at = Instant::now();
                }
            }
        }
        values.accepts(&presented)
    }

    /// Answers `req` with `handler`, or with 403 when it did not come through CloudFront.
    pub async fn guard<F, Fut>(
        &self,
        req: Request,
        handler: F,
    ) -> Result<Response<Body>, lambda_http::Error>
    where
        F: FnOnce(Request) -> Fut,
        Fut: Future<Output = Result<Response<Body>, lambda_http::Error>>,
    {
        if self.admits(&req).await {
            handler(req).await
        } else {
            tracing::warn!("a request without the origin header was refused");
            Ok(Problem::forbidden(
                "This address of the API is not public. Use the site's address instead.",
            )
            .into_response())
        }
    }
}

impl Values {
    fn accepts(&self, presented: &[u8; 32]) -> bool {
        // Every value is compared, so timing says nothing of which one matched.
        self.accepted
            .iter()
            .fold(subtle::Choice::from(0), |any, v| any | v.ct_eq(presented))
            .into()
    }
}

fn digest(value: &[u8]) -> [u8; 32] {
    Sha256::digest(value).into()
}

/// The secret's accepted values: `current`, and `previous` when it is not empty.
async fn read(client: &aws_sdk_secretsmanager::Client, id: &str) -> Result<Values, String> {
    #[derive(serde::Deserialize)]
    struct Stored {
        current: String,
        #[serde(default)]
        previous: String,
    }
    let text = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| DisplayErrorContext(&e).to_string())?
        .secret_string
        .ok_or_else(|| format!("secret {id} has no text"))?;
    let stored: Stored = serde_json::from_str(&text)
        .map_err(|_| format!("secret {id} is not {{\"current\": ..., \"previous\": ...}}"))?;
    if stored.current.len() < 32 {
        return Err(format!(
            "secret {id}: `current` is shorter than 32 characters"
        ));
    }
    let accepted = [stored.current, stored.previous]
        .into_iter()
        .filter(|v| !v.is_empty())
        .map(|v| digest(v.as_bytes()))
        .collect();
    Ok(Values {
        accepted,
        read_at: Instant::now(),
    })
}

/// Runs an HTTP function: `handler` answers each request that passes the origin guard the
/// environment asks for. Every HTTP function's `main` ends here.
pub async fn serve<F, Fut>(sdk: &SdkConfig, handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Request) -> Fut + Sync,
    Fut: Future<Output = Result<Response<Body>, lambda_http::Error>> + Send,
{
    let guard = OriginGuard::from_env(sdk).await?;
    let guard = &guard;
    let handler = &handler;
    lambda_http::run(lambda_http::service_fn(move |req| async move {
        guard.guard(req, handler).await
    }))
    .await
}
