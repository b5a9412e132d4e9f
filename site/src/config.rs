//! `/config.json`, served beside index.html: where the API is and how people sign in. The same
//! build runs locally and in production; only this file differs.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Config {
    /// Prefix for every API path of openapi.yaml, e.g. `/api` or `https://abc.execute-api...`.
    pub api_base: String,
    pub sign_in: SignIn,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "SignInFile")]
pub enum SignIn {
    /// The local stack: pick a seeded user.
    Local,
    /// Cognito's hosted sign-in, authorization code with PKCE.
    Cognito(Cognito),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cognito {
    /// e.g. `https://xyz.auth.eu-west-1.amazoncognito.com`
    pub domain: String,
    pub client_id: String,
    /// The site's `/signed-in` page, exactly as registered with the app client.
    pub redirect_uri: String,
    /// Where Cognito sends the browser after signing out, one of the app client's LogoutURLs.
    /// Without it, signing out ends only the site's session.
    pub logout_uri: Option<String>,
    pub scopes: Vec<String>,
}

/// `sign_in` as the file writes it: `{"kind": "local"}` or `{"kind": "cognito", "domain": …}`.
/// Read flat and then checked, rather than as a tagged enum: serde's tagged enums buffer their
/// input, which costs the wasm some 10 KB.
#[derive(Deserialize)]
struct SignInFile {
    kind: String,
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    logout_uri: Option<String>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
}

impl TryFrom<SignInFile> for SignIn {
    type Error = String;

    fn try_from(f: SignInFile) -> Result<Self, String> {
        match f.kind.as_str() {
            "local" => Ok(Self::Local),
            "cognito" => match (f.domain, f.client_id, f.redirect_uri) {
                (Some(domain), Some(client_id), Some(redirect_uri)) => Ok(Self::Cognito(Cognito {
                    domain,
                    client_id,
                    redirect_uri,
                    logout_uri: f.logout_uri,
                    scopes: f.scopes.unwrap_or_else(default_scopes),
                })),
                _ => Err("a cognito sign_in needs domain, client_id and redirect_uri".into()),
            },
            other => Err(format!(
                "unknown sign_in kind `{other}`, expected `local` or `cognito`"
            )),
        }
    }
}

fn default_scopes() -> Vec<String> {
    ["openid", "email", "profile"].map(String::from).to_vec()
}

impl Config {
    pub fn parse(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("config.json is not valid: {e}"))
    }

    /// The origin of api_base ("" when api_base is a path on this site). The local sign-in
    /// endpoints live at its root, not under api_base.
    pub fn api_origin(&self) -> &str {
        origin_of(&self.api_base)
    }
}

fn origin_of(url: &str) -> &str {
    let Some(scheme_end) = url.find("://") else {
        return "";
    };
    let rest = &url[scheme_end + 3..];
    match rest.find('/') {
        Some(i) => &url[..scheme_end + 3 + i],
        None => url,
    }
}

/// Fetches `/config.json` from the site's own origin.
pub async fn load() -> Result<Config, String> {
    let resp = gloo_net::http::Request::get("/config.json")
        .send()
        .await
        .map_err(|_| "The site's settings (config.json) could not be loaded.".to_owned())?;
    if !resp.ok() {
        return Err(format!(
            "The site's settings (config.json) could not be loaded: the server answered {}.",
            resp.status()
        ));
    }
    let text = resp
        .text()
        .await
        .map_err(|_| "The site's settings (config.json) could not be read.".to_owned())?;
    Config::parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_production_files_parse() {
        let local = Config::parse(r#"{"api_base": "/api", "sign_in": {"kind": "local"}}"#).unwrap();
        assert_eq!(local.sign_in, SignIn::Local);
        assert_eq!(local.api_origin(), "");
        let prod = Config::parse(
            r#"{"api_base": "https://abc.execute-api.eu-west-1.amazonaws.com",
                "sign_in": {"kind": "cognito", "domain": "https://xyz.auth.eu-west-1.amazoncognito.com",
                "client_id": "cid", "redirect_uri": "https://site.example/signed-in",
                "scopes": ["openid", "email", "profile"]}}"#,
        )
        .unwrap();
        assert_eq!(
            prod.api_origin(),
            "https://abc.execute-api.eu-west-1.amazonaws.com"
        );
        assert!(matches!(prod.sign_in, SignIn::Cognito(c) if c.client_id == "cid"));
        let with_path = Config::parse(
            r#"{"api_base": "http://127.0.0.1:8080/api", "sign_in": {"kind": "local"}}"#,
        )
        .unwrap();
        assert_eq!(with_path.api_origin(), "http://127.0.0.1:8080");
        // What is missing or unknown is named.
        for (file, says) in [
            (
                r#"{"kind": "cognito", "domain": "https://x"}"#,
                "needs domain, client_id",
            ),
            (r#"{"kind": "saml"}"#, "unknown sign_in kind `saml`"),
        ] {
            let json = format!(r#"{{"api_base": "/api", "sign_in": {file}}}"#);
            let err = Config::parse(&json).unwrap_err();
            assert!(err.contains(says), "{err}");
        }
        let cognito = Config::parse(
            r#"{"api_base": "/api", "sign_in": {"kind": "cognito", "domain": "d",
                "client_id": "c", "redirect_uri": "r", "logout_uri": "l"}}"#,
        )
        .unwrap();
        let SignIn::Cognito(c) = cognito.sign_in else {
            panic!("cognito")
        };
        assert_eq!(c.scopes, ["openid", "email", "profile"]);
        assert_eq!(c.logout_uri.as_deref(), Some("l"));
    }
}
