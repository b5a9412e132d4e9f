//! Requests as API Gateway delivers them to a function, and reading its answers.

/// Who signs a test request: the claims API Gateway's JWT authorizer would pass on.
#[derive(Debug, Clone)]
pub enum As {
    Anonymous,
    User(&'static str),
    SystemAdmin(&'static str),
    /// A user whose token's address is not confirmed (`email_verified` false).
    UnconfirmedUser(&'static str),
}

/// The API Gateway HTTP API (payload 2.0) event for a request, as AWS delivers it.
pub fn api_event(
    method: &str,
    path_and_query: &str,
    body: Option<&serde_json::Value>,
    who: &As,
) -> serde_json::Value {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut params = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        params.insert(decode(k), serde_json::Value::String(decode(v)));
    }
    let mut context = serde_json::json!({
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": "api.example.com",
        "domainPrefix": "api",
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "testkit"},
        "requestId": uuid::Uuid::new_v4().to_string(),
        "routeKey": "$default",
        "stage": "$default",
        "time": "02/Mar/2026:09:00:00 +0000",
        "timeEpoch": 1_772_442_000_000_i64,
    });
    let claims = match who {
        As::Anonymous => None,
        // Claims as API Gateway's JWT authorizer passes them: every value a string.
        As::User(sub) => Some(
            serde_json::json!({"sub": sub, "email": format!("{sub}@example.com"), "email_verified": "true"}),
        ),
        As::SystemAdmin(sub) => Some(
            serde_json::json!({"sub": sub, "email": format!("{sub}@example.com"), "email_verified": "true", "cognito:groups": "[system-admins]"}),
        ),
        As::UnconfirmedUser(sub) => Some(
            serde_json::json!({"sub": sub, "email": format!("{sub}@example.com"), "email_verified": "false"}),
        ),
    };
    if let Some(claims) = claims {
        context["authorizer"] = serde_json::json!({"jwt": {"claims": claims, "scopes": null}});
    }
    let mut event = serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "api.example.com", "content-type": "application/json"},
        "requestContext": context,
        "isBase64Encoded": false,
    });
    if !params.is_empty() {
        event["queryStringParameters"] = serde_json::Value::Object(params);
    }
    if let Some(body) = body {
        event["body"] = serde_json::Value::String(body.to_string());
    }
    event
}

pub fn api_request(
    method: &str,
    path_and_query: &str,
    body: Option<&serde_json::Value>,
    who: &As,
) -> lambda_http::Request {
    lambda_http::request::from_str(&api_event(method, path_and_query, body, who).to_string())
        .expect("a valid API Gateway event")
}

/// Issue 26: a problem's `detail` is a sentence a person can act on. It starts with a capital
/// letter, ends as a sentence does, has at least three words, and holds none of serde's or
/// Rust's words ("invalid type: string, expected u64 at line 1 column 5") nor a bare fragment
/// of a rule ("missing @").
pub fn assert_sentence(detail: &str) {
    let starts_upper = detail.chars().next().is_some_and(char::is_uppercase);
    let ends = detail.ends_with(['.', '!', '?']);
    let words = detail.split_whitespace().count();
    assert!(
        starts_upper && ends && words >= 3,
        "not a sentence (a capital letter first, a full stop last, three words or more): {detail:?}"
    );
    let lower = detail.to_lowercase();
    for jargon in [
        "line 1 column",
        " at line ",
        "invalid type",
        "invalid value",
        "invalid length",
        "expected",
        "missing field",
        "unknown field",
        "unknown variant",
        "missing @",
        "struct ",
        "u64",
        "usize",
        "i64",
        "sequence",
        "error(",
        "..",
    ] {
        assert!(
            !lower.contains(jargon),
            "{jargon:?} in the detail {detail:?}"
        );
    }
}

/// A response header's value as text (empty when there is none).
pub fn header(response: &lambda_http::Response<lambda_http::Body>, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A handler's response as (status, JSON body, content type).
pub async fn read_response(
    response: lambda_http::Response<lambda_http::Body>,
) -> (u16, serde_json::Value, String) {
    let status = response.status().as_u16();
    let content_type = header(&response, "content-type");
    let body = match response.body() {
        lambda_http::Body::Text(t) => {
            serde_json::from_str(t).unwrap_or(serde_json::Value::String(t.clone()))
        }
        lambda_http::Body::Binary(b) => {
            serde_json::from_slice(b).unwrap_or(serde_json::Value::Null)
        }
        _ => serde_json::Value::Null,
    };
    (status, body, content_type)
}
