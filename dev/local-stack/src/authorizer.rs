//! The gateway's JWT authorizer: what API Gateway's Cognito JWT authorizer (infra/template.yaml,
//! `CognitoAuthorizer`) does before an admin function runs.
//!
//! - The token comes from the `Authorization` header, with or without `Bearer `.
//! - Its header must name `RS256` and a `kid` found in the user pool's JWKS, which is read
//!   once when the stack starts (API Gateway caches it too); the signature must verify
//!   against that key. No other algorithm is accepted, so `none` and HS256-with-the-public-key
//!   tokens are refused.
//! - `iss` must be the pool's issuer (`https://cognito-idp.{region}.amazonaws.com/{pool id}`),
//!   `aud` the app client's id, `exp` in the future, `nbf` (if present) and `iat` (if present)
//!   not in the future, and `token_use` must be `id`: the site sends id tokens.
//! - Anything else: 401 `{"message":"Unauthorized"}` without calling the function.
//!
//! The claims then go to the function the way the authorizer hands them over: every value a
//! string (numbers and booleans as their text, arrays as `[a b]`). See
//! [`as_authorizer_claims`].
//!
//! The emulator signs every pool's tokens with the same key (kid `dummy`), so the issuer and
//! audience checks are what tell one pool's tokens from another's here; in AWS each pool has
//! its own keys as well.

use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use std::collections::HashMap;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A token's claims as it carries them (before the authorizer turns them into strings).
pub type TokenClaims = Map<String, Value>;

/// Why a token was refused (logged; the caller only ever sees 401).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the token is not a JWT: {0}")]
    Malformed(String),
    #[error("the token is signed with {0:?}; only RS256 is accepted")]
    Algorithm(Algorithm),
    #[error("no key {0:?} in the user pool's JWKS")]
    UnknownKey(Option<String>),
    #[error("the token does not verify: {0}")]
    Invalid(#[from] jsonwebtoken::errors::Error),
    #[error("the token is an {0:?} token, not an id token")]
    NotAnIdToken(Option<String>),
    #[error("the token was issued in the future (iat {0})")]
    IssuedInTheFuture(i64),
}

/// Verifies tokens of one user pool and app client.
pub struct JwtAuthorizer {
    issuer: String,
    audience: String,
    keys: HashMap<String, DecodingKey>,
}

/// The issuer of a Cognito user pool's tokens (the pool id starts with its region).
pub fn issuer(pool_id: &str) -> String {
    let region = pool_id.split('_').next().unwrap_or(pool_id);
    format!("https://cognito-idp.{region}.amazonaws.com/{pool_id}")
}

impl JwtAuthorizer {
    /// Reads the pool's JWKS from the emulator (`{endpoint}/{pool id}/.well-known/jwks.json`,
    /// where AWS serves it under the issuer).
    pub async fn fetch(endpoint: &str, pool_id: &str, client_id: &str) -> Result<Self, BoxError> {
        let url = format!(
            "{}/{pool_id}/.well-known/jwks.json",
            endpoint.trim_end_matches('/')
        );
        let response = reqwest::get(&url).await?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()).into());
        }
        let jwks: JwkSet = response.json().await?;
        Self::from_jwks(&jwks, issuer(pool_id), client_id)
    }

    /// Keeps the RSA signing keys of the set, by kid.
    pub fn from_jwks(
        jwks: &JwkSet,
        issuer: impl Into<String>,
        audience: impl Into<String>,
    ) -> Result<Self, BoxError> {
        let mut keys = HashMap::new();
        for jwk in &jwks.keys {
            let rs256 = matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256));
            let signs = matches!(
                jwk.common.public_key_use,
                None | Some(PublicKeyUse::Signature)
            );
            let (AlgorithmParameters::RSA(_), Some(kid), true, true) =
                (&jwk.algorithm, &jwk.common.key_id, rs256, signs)
            else {
                continue;
            };
            keys.insert(kid.clone(), DecodingKey::from_jwk(jwk)?);
        }
        if keys.is_empty() {
            return Err("the user pool's JWKS holds no RS256 key".into());
        }
        Ok(Self {
            issuer: issuer.into(),
            audience: audience.into(),
            keys,
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The token's claims when API Gateway would let it through, else why not.
    pub fn verify(&self, token: &str) -> Result<TokenClaims, Refusal> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| Refusal::Malformed(e.to_string()))?;
        if header.alg != Algorithm::RS256 {
            return Err(Refusal::Algorithm(header.alg));
        }
        let key = header
            .kid
            .as_ref()
            .and_then(|kid| self.keys.get(kid))
            .ok_or_else(|| Refusal::UnknownKey(header.kid.clone()))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        // API Gateway documents no clock skew allowance; the emulator runs on this clock.
        validation.leeway = 0;
        let claims = jsonwebtoken::decode::<TokenClaims>(token, key, &validation)?.claims;
        match claims.get("token_use").and_then(Value::as_str) {
            Some("id") => {}
            other => return Err(Refusal::NotAnIdToken(other.map(str::to_owned))),
        }
        if let Some(iat) = claims.get("iat").and_then(Value::as_i64) {
            if iat > chrono::Utc::now().timestamp() {
                return Err(Refusal::IssuedInTheFuture(iat));
            }
        }
        Ok(claims)
    }
}

/// The claims as API Gateway's JWT authorizer hands them to the function in
/// `requestContext.authorizer.jwt.claims`: every value a string. Strings stay as they are,
/// numbers and booleans become their text, and arrays (`cognito:groups`) are written as Go
/// prints them, `[a b]` (objects as `map[k:v]`).
pub fn as_authorizer_claims(claims: &TokenClaims) -> Map<String, Value> {
    claims
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(as_text(value))))
        .collect()
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(as_text).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            format!(
                "map[{}]",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}:{}", as_text(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    use serde_json::json;

    #[test]
    fn claims_are_passed_on_as_strings() {
        let claims = json!({
            "sub": "4b1c-9e",
            "cognito:groups": ["system-admins", "other"],
            "exp": 1_800_000_000,
            "email_verified": true,
            "identities": [{"providerName": "Google", "userId": "1"}],
        });
        let passed = as_authorizer_claims(claims.as_object().unwrap());
        assert_eq!(passed["sub"], "4b1c-9e");
        assert_eq!(passed["cognito:groups"], "[system-admins other]");
        assert_eq!(passed["exp"], "1800000000");
        assert_eq!(passed["email_verified"], "true");
        assert_eq!(passed["identities"], "[map[providerName:Google userId:1]]");
    }

    fn authorizer() -> JwtAuthorizer {
        // A syntactically valid RSA key (the emulator's real one is checked over the wire in
        // tests/tests/local_stack/); these tokens never get as far as the signature.
        let jwks: JwkSet = serde_json::from_value(json!({"keys": [{
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": "dummy", "e": "AQAB",
            "n": "j1pT3xKbswmMySvCefmiD3mfDaRFpZ9Y3Jl4fF0hMaCRVAt_e0yR7BeueDfqmj_NhVSO0WB5ao5e8V-9RFQOtK8SrqKl3i01-CyWYPICwybaGKhbJJR0S_6cZ8n5kscF1MjpIlsJcCzm-yKgTc3Mxk6KtrLoNgRvMwGLeHUXPkhS9YHfDKRe864iMFOK4df69brIYEICG2VLduh0hXYa0i-J3drwm7vx"
        }]}))
        .unwrap();
        JwtAuthorizer::from_jwks(&jwks, issuer("us-east-1_abc"), "client").unwrap()
    }

    fn unsigned(header: Value, claims: Value) -> String {
        format!(
            "{}.{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string()),
            B64.encode(b"signature")
        )
    }

    #[test]
    fn only_rs256_tokens_with_a_known_key_get_as_far_as_the_signature() {
        let auth = authorizer();
        assert_eq!(
            auth.issuer(),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
        );
        let claims = json!({"sub": "x", "iss": auth.issuer(), "aud": "client", "token_use": "id", "exp": 9_999_999_999_i64});
        let none = unsigned(json!({"alg": "none"}), claims.clone());
        assert!(matches!(auth.verify(&none), Err(Refusal::Malformed(_))));
        let hs = unsigned(json!({"alg": "HS256", "kid": "dummy"}), claims.clone());
        assert!(matches!(
            auth.verify(&hs),
            Err(Refusal::Algorithm(Algorithm::HS256))
        ));
        let other_key = unsigned(json!({"alg": "RS256", "kid": "other"}), claims.clone());
        assert!(matches!(
            auth.verify(&other_key),
            Err(Refusal::UnknownKey(Some(_)))
        ));
        let no_kid = unsigned(json!({"alg": "RS256"}), claims.clone());
        assert!(matches!(
            auth.verify(&no_kid),
            Err(Refusal::UnknownKey(None))
        ));
        let forged = unsigned(json!({"alg": "RS256", "kid": "dummy"}), claims);
        assert!(matches!(auth.verify(&forged), Err(Refusal::Invalid(_))));
        assert!(matches!(
            auth.verify("not.a-token"),
            Err(Refusal::Malformed(_))
        ));
    }

    #[test]
    fn a_set_without_rsa_signing_keys_is_refused() {
        let jwks: JwkSet = serde_json::from_value(json!({"keys": [
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac", "alg": "HS256"}
        ]}))
        .unwrap();
        assert!(JwtAuthorizer::from_jwks(&jwks, "iss", "aud").is_err());
    }
}
