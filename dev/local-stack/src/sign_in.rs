//! Local sign-in: the stand-in for Cognito. A person picks a seeded user; the gateway hands out
//! a short-lived HS256 JWT and, on every admin route, verifies it and passes its claims on the
//! way API Gateway's JWT authorizer does. The key is random per run and never leaves memory.
//!
//! HS256 is a few lines over `hmac`/`sha2` (already dependencies); a JWT crate would pull in a
//! whole crypto backend for a token that never leaves this machine.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a local sign-in lasts (Cognito's default id token lifetime).
pub const TOKEN_LIFETIME: Duration = Duration::hours(1);
pub const ISSUER: &str = "local-stack";

/// Someone the sign-in page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalUser {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// `system-admin`, `contract-admin` or `student`.
    pub role: String,
    /// Cognito groups, e.g. `system-admins`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub groups: Vec<String>,
}

/// The claims of a local id token, named as Cognito names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub email: String,
    pub name: String,
    #[serde(
        rename = "cognito:groups",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub groups: Vec<String>,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    /// The claims as API Gateway's JWT authorizer hands them to the function: every value a
    /// string, arrays written as `[a b]`.
    pub fn as_authorizer_claims(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        out.insert("sub".into(), self.sub.clone().into());
        out.insert("email".into(), self.email.clone().into());
        out.insert("name".into(), self.name.clone().into());
        out.insert("iss".into(), self.iss.clone().into());
        out.insert("iat".into(), self.iat.to_string().into());
        out.insert("exp".into(), self.exp.to_string().into());
        if !self.groups.is_empty() {
            out.insert(
                "cognito:groups".into(),
                format!("[{}]", self.groups.join(" ")).into(),
            );
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not a JWT")]
    Malformed,
    #[error("the token's signature does not match")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
}

/// Signs and verifies local id tokens.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    pub fn random() -> Self {
        use rand::RngCore;
        let mut key = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        Self { key }
    }

    fn mac(&self, input: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(input.as_bytes());
        mac
    }

    pub fn issue(&self, user: &LocalUser, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let expires = now + TOKEN_LIFETIME;
        let claims = Claims {
            sub: user.user_id.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
            groups: user.groups.clone(),
            iss: ISSUER.into(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
        };
        let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = B64.encode(serde_json::to_vec(&claims).expect("claims serialise"));
        let signing_input = format!("{header}.{payload}");
        let signature = B64.encode(self.mac(&signing_input).finalize().into_bytes());
        (format!("{signing_input}.{signature}"), expires)
    }

    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header_b64), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let header: serde_json::Value = B64
            .decode(header_b64)
            .ok()
            .and_then(|h| serde_json::from_slice(&h).ok())
            .ok_or(TokenError::Malformed)?;
        // Only HS256: never let the token choose `none` or another algorithm.
        if header["alg"] != "HS256" {
            return Err(TokenError::Malformed);
        }
        let signature = B64.decode(signature).map_err(|_| TokenError::Malformed)?;
        self.mac(&format!("{header_b64}.{payload}"))
            .verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        let claims: Claims = B64
            .decode(payload)
            .ok()
            .and_then(|p| serde_json::from_slice(&p).ok())
            .ok_or(TokenError::Malformed)?;
        if claims.iss != ISSUER {
            return Err(TokenError::Malformed);
        }
        if now.timestamp() >= claims.exp {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> LocalUser {
        LocalUser {
            user_id: "admin-ada".into(),
            email: "ada@example.org".into(),
            name: "Ada".into(),
            role: "system-admin".into(),
            groups: vec!["system-admins".into()],
        }
    }

    #[test]
    fn an_issued_token_verifies_into_authorizer_claims() {
        let signer = Signer::random();
        let now = Utc::now();
        let (token, _) = signer.issue(&ada(), now);
        let claims = signer.verify(&token, now).unwrap();
        let passed = claims.as_authorizer_claims();
        assert_eq!(passed["sub"], "admin-ada");
        assert_eq!(passed["cognito:groups"], "[system-admins]");
    }

    #[test]
    fn tampered_foreign_and_expired_tokens_are_refused() {
        let signer = Signer::random();
        let now = Utc::now();
        let (token, _) = signer.issue(&ada(), now);
        let (header, rest) = token.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let forged = B64.encode(
            br#"{"sub":"admin-ada","email":"x","name":"x","cognito:groups":["system-admins"],"iss":"local-stack","iat":0,"exp":99999999999}"#,
        );
        assert_eq!(
            signer.verify(&format!("{header}.{forged}.{signature}"), now),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            Signer::random().verify(&token, now),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            signer.verify(&token, now + TOKEN_LIFETIME),
            Err(TokenError::Expired)
        );
        let none = format!("{}.{}.", B64.encode(br#"{"alg":"none"}"#), forged);
        assert_eq!(signer.verify(&none, now), Err(TokenError::Malformed));
        assert_eq!(signer.verify("abc", now), Err(TokenError::Malformed));
    }
}
