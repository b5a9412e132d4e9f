//! Who is signed in: the session (a bearer token kept in sessionStorage, so it ends with the
//! tab), and Cognito's hosted sign-in (authorization code with PKCE, S256).

use crate::config::Cognito;
use gloo_storage::{SessionStorage, Storage};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use yew::Reducible;

const SESSION_KEY: &str = "lc.session";
const PKCE_KEY: &str = "lc.pkce";
/// The Cognito group of system administrators.
pub const SYSTEM_ADMINS: &str = "system-admins";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    SystemAdmin,
    ContractAdmin,
    Student,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "system-admin" => Some(Self::SystemAdmin),
            "contract-admin" => Some(Self::ContractAdmin),
            "student" => Some(Self::Student),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SystemAdmin => "System administrator",
            Self::ContractAdmin => "Contract admin",
            Self::Student => "Student",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    /// Milliseconds since the epoch; the session is dropped once it passes.
    pub expires_at_ms: Option<f64>,
    pub name: String,
    pub role: Role,
    /// The signed-in person's directory id (the id token's `sub`), so that pages can tell their
    /// own row. Sessions saved before it existed have none.
    #[serde(default)]
    pub user_id: Option<String>,
}

impl Session {
    pub fn load() -> Option<Self> {
        let session: Self = SessionStorage::get(SESSION_KEY).ok()?;
        match session.expires_at_ms {
            Some(at) if at <= js_sys::Date::now() => {
                Self::forget();
                None
            }
            _ => Some(session),
        }
    }

    pub fn save(&self) {
        // A failure here only means the session will not survive a reload.
        let _ = SessionStorage::set(SESSION_KEY, self);
    }

    pub fn forget() {
        SessionStorage::delete(SESSION_KEY);
    }
}

/// The signed-in state the whole site shares (see `AppContext`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionState {
    pub session: Option<Session>,
}

pub enum SessionAction {
    SignedIn(Session),
    SignedOut,
}

impl Reducible for SessionState {
    type Action = SessionAction;

    fn reduce(self: Rc<Self>, action: SessionAction) -> Rc<Self> {
        Rc::new(match action {
            SessionAction::SignedIn(session) => Self {
                session: Some(session),
            },
            SessionAction::SignedOut => Self { session: None },
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/// The claims the site shows: whose session it is and whether they administer everything.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Claims {
    #[serde(default)]
    pub sub: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub exp: Option<f64>,
    #[serde(default, rename = "cognito:groups")]
    pub groups: Vec<String>,
}

impl Claims {
    /// The payload of a JWT, unverified: only for display; the API verifies the token.
    pub fn of_jwt(jwt: &str) -> Option<Self> {
        let payload = jwt.split('.').nth(1)?;
        // From a str, as every other answer is read: one reader's code in the wasm, not two.
        serde_json::from_str(std::str::from_utf8(&base64url_decode(payload)?).ok()?).ok()
    }

    pub fn role(&self) -> Role {
        if self.is_system_admin() {
            Role::SystemAdmin
        } else {
            Role::ContractAdmin
        }
    }

    pub fn is_system_admin(&self) -> bool {
        self.groups.iter().any(|g| g == SYSTEM_ADMINS)
    }
}

pub fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Cognito hosted sign-in (authorization code with PKCE). Not testable here without AWS; the
// pieces that are pure (URLs, form bodies, token parsing) have unit tests.
// ---------------------------------------------------------------------------------------------

/// What the sign-in page remembers across the redirect to Cognito.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PkceState {
    verifier: String,
    state: String,
}

pub fn authorize_url(cognito: &Cognito, challenge: &str, state: &str) -> String {
    let enc = |s: &str| urlencoding::encode(s).into_owned();
    format!(
        "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&code_challenge={}&code_challenge_method=S256",
        cognito.domain.trim_end_matches('/'),
        enc(&cognito.client_id),
        enc(&cognito.redirect_uri),
        enc(&cognito.scopes.join(" ")),
        enc(state),
        enc(challenge),
    )
}

/// Cognito's hosted sign-out: ends the Cognito session too, so the next sign-in asks again.
pub fn logout_url(cognito: &Cognito) -> Option<String> {
    let logout_uri = cognito.logout_uri.as_deref()?;
    let enc = |s: &str| urlencoding::encode(s).into_owned();
    Some(format!(
        "{}/logout?client_id={}&logout_uri={}",
        cognito.domain.trim_end_matches('/'),
        enc(&cognito.client_id),
        enc(logout_uri),
    ))
}

pub fn token_request_body(cognito: &Cognito, code: &str, verifier: &str) -> String {
    let enc = |s: &str| urlencoding::encode(s).into_owned();
    format!(
        "grant_type=authorization_code&client_id={}&code={}&redirect_uri={}&code_verifier={}",
        enc(&cognito.client_id),
        enc(code),
        enc(&cognito.redirect_uri),
        enc(verifier),
    )
}

/// A value of `?name=` in a query string such as `?code=...&state=...`.
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search
        .trim_start_matches(['?', '#'])
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| {
            urlencoding::decode(&v.replace('+', " "))
                .ok()
                .map(|v| v.into_owned())
        })
}

fn random_url_safe(bytes: usize) -> Result<String, String> {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or("This browser cannot sign in securely (no Web Crypto).")?;
    let mut buf = vec![0u8; bytes];
    crypto
        .get_random_values_with_u8_array(&mut buf)
        .map_err(|_| "This browser cannot sign in securely (no Web Crypto).")?;
    Ok(base64url_encode(&buf))
}

async fn sha256(text: &str) -> Result<Vec<u8>, String> {
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or("This browser cannot sign in securely (no Web Crypto).")?;
    let data = js_sys::Uint8Array::from(text.as_bytes());
    let promise = subtle
        .digest_with_str_and_buffer_source("SHA-256", &data)
        .map_err(|_| "This browser cannot sign in securely (no SHA-256).")?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| "This browser cannot sign in securely (no SHA-256).")?;
    Ok(js_sys::Uint8Array::new(&digest).to_vec())
}

/// Sends the browser to Cognito's hosted sign-in.
pub async fn start_cognito_sign_in(cognito: &Cognito) -> Result<(), String> {
    let verifier = random_url_safe(48)?;
    let state = random_url_safe(16)?;
    let challenge = base64url_encode(&sha256(&verifier).await?);
    SessionStorage::set(
        PKCE_KEY,
        PkceState {
            verifier,
            state: state.clone(),
        },
    )
    .map_err(|_| "This browser does not allow the site to keep a session.".to_owned())?;
    let url = authorize_url(cognito, &challenge, &state);
    web_sys::window()
        .ok_or("No browser window.")?
        .location()
        .set_href(&url)
        .map_err(|_| "Could not open the sign-in page.".to_owned())
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
    #[serde(default)]
    expires_in: Option<f64>,
}

/// Finishes the sign-in on `/signed-in?code=...&state=...`: trades the code for tokens.
pub async fn finish_cognito_sign_in(cognito: &Cognito, search: &str) -> Result<Session, String> {
    if let Some(error) = query_param(search, "error") {
        let detail = query_param(search, "error_description").unwrap_or(error);
        return Err(format!("Sign-in was not completed: {detail}."));
    }
    let code = query_param(search, "code").ok_or("This page was opened without a sign-in code.")?;
    let returned_state = query_param(search, "state").unwrap_or_default();
    let saved: PkceState = SessionStorage::get(PKCE_KEY).map_err(|_| {
        "This sign-in was started in another tab or has already been used. Please sign in again."
    })?;
    SessionStorage::delete(PKCE_KEY);
    if saved.state != returned_state {
        return Err(
            "This sign-in does not match the one this tab started. Please sign in again.".into(),
        );
    }
    let resp = gloo_net::http::Request::post(&format!(
        "{}/oauth2/token",
        cognito.domain.trim_end_matches('/')
    ))
    .header("Content-Type", "application/x-www-form-urlencoded")
    .body(token_request_body(cognito, &code, &saved.verifier))
    .map_err(|_| "Could not prepare the sign-in request.")?
    .send()
    .await
    .map_err(|_| "Could not reach the sign-in service. Please try again.")?;
    if !resp.ok() {
        return Err(format!(
            "The sign-in service refused the sign-in (status {}). Please sign in again.",
            resp.status()
        ));
    }
    let unreadable = "The sign-in service's answer could not be read.";
    let text = resp.text().await.map_err(|_| unreadable)?;
    let tokens: TokenResponse = serde_json::from_str(&text).map_err(|_| unreadable)?;
    let claims = Claims::of_jwt(&tokens.id_token).unwrap_or_default();
    let expires_at_ms = claims
        .exp
        .map(|s| s * 1000.0)
        .or_else(|| tokens.expires_in.map(|s| js_sys::Date::now() + s * 1000.0));
    Ok(Session {
        name: claims
            .name
            .clone()
            .or(claims.email.clone())
            .unwrap_or_else(|| "Administrator".into()),
        role: claims.role(),
        user_id: claims.sub.clone(),
        token: tokens.id_token,
        expires_at_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cognito() -> Cognito {
        Cognito {
            domain: "https://xyz.auth.eu-west-1.amazoncognito.com/".into(),
            client_id: "abc".into(),
            redirect_uri: "https://site.example/signed-in".into(),
            logout_uri: Some("https://site.example/".into()),
            scopes: vec!["openid".into(), "email".into()],
        }
    }

    #[test]
    fn signing_out_goes_through_cognito_when_a_logout_uri_is_set() {
        assert_eq!(
            logout_url(&cognito()).as_deref(),
            Some("https://xyz.auth.eu-west-1.amazoncognito.com/logout?client_id=abc&logout_uri=https%3A%2F%2Fsite.example%2F")
        );
        let without = Cognito {
            logout_uri: None,
            ..cognito()
        };
        assert_eq!(logout_url(&without), None);
    }

    #[test]
    fn base64url_round_trips_and_matches_the_rfc_7636_example() {
        for len in 0..10 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 200) as u8).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)).unwrap(), bytes);
        }
        // RFC 7636 appendix B: the S256 challenge of its verifier, as bytes, encodes to this.
        let digest = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46, 8, 118, 168, 120,
            173, 109, 241, 68, 86, 110, 225, 137, 74, 203, 112, 249, 195,
        ];
        assert_eq!(
            base64url_encode(&digest),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn the_authorize_url_and_token_body_carry_pkce() {
        let url = authorize_url(&cognito(), "CHAL", "ST");
        assert_eq!(
            url,
            "https://xyz.auth.eu-west-1.amazoncognito.com/oauth2/authorize?response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Fsite.example%2Fsigned-in&scope=openid%20email&state=ST&code_challenge=CHAL&code_challenge_method=S256"
        );
        assert_eq!(
            token_request_body(&cognito(), "c/1", "v"),
            "grant_type=authorization_code&client_id=abc&code=c%2F1&redirect_uri=https%3A%2F%2Fsite.example%2Fsigned-in&code_verifier=v"
        );
        assert_eq!(
            query_param("?code=a%2Fb&state=x", "code").as_deref(),
            Some("a/b")
        );
        assert_eq!(query_param("#token=t1", "token").as_deref(), Some("t1"));
        assert_eq!(query_param("?state=x", "code"), None);
    }

    #[test]
    fn id_token_claims_name_the_person_and_their_role() {
        let payload = base64url_encode(
            br#"{"email":"ann@example.com","cognito:groups":["system-admins"],"exp":1700000000}"#,
        );
        let claims = Claims::of_jwt(&format!("h.{payload}.s")).unwrap();
        assert_eq!(claims.email.as_deref(), Some("ann@example.com"));
        assert_eq!(claims.sub, None);
        assert_eq!(claims.role(), Role::SystemAdmin);
        assert_eq!(Claims::default().role(), Role::ContractAdmin);
        let payload = base64url_encode(br#"{"sub":"4f1c","email":"b@example.com"}"#);
        let claims = Claims::of_jwt(&format!("h.{payload}.s")).unwrap();
        assert_eq!(claims.sub.as_deref(), Some("4f1c"));
        assert!(!claims.is_system_admin());
    }

    #[test]
    fn a_session_saved_before_user_ids_still_loads() {
        let old = r#"{"token":"t","expires_at_ms":null,"name":"Ann","role":"system-admin"}"#;
        let session: Session = serde_json::from_str(old).unwrap();
        assert_eq!(session.user_id, None);
        assert_eq!(session.role, Role::SystemAdmin);
    }
}
