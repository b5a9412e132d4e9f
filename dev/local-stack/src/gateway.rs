//! The local gateway: one port serving the built site, `/config.json`, the local sign-in, and
//! under `/api` every route infra/template.yaml declares, turned into the API Gateway HTTP API
//! (payload 2.0) event AWS would send, handled by the functions' own `handle`.
//!
//! Like API Gateway, it answers 404 `{"message":"Not Found"}` for a route the template does not
//! declare and 401 `{"message":"Unauthorized"}` when a JWT route has no valid token, without
//! calling the function. Tokens are the user pool's own id tokens, checked as the template's
//! JWT authorizer checks them (crate::authorizer).

use crate::authorizer::{as_authorizer_claims, JwtAuthorizer};
use crate::sign_in::{LocalSignIn, SignInError};
use crate::template::ApiRoute;
use axum::body::{to_bytes, Body as AxumBody, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tower_http::services::{ServeDir, ServeFile};

/// The claims a JWT authorizer passes to the function: names to string values.
pub type Claims = Map<String, Value>;

/// The largest request body passed on (API Gateway's limit).
const MAX_BODY: usize = 10 * 1024 * 1024;

/// The functions behind the HTTP API.
#[derive(Clone)]
pub struct Functions {
    pub admin: admin_api::App,
    pub enrol: enrol_api::App,
    pub join: enrol_api::join::App,
}

impl Functions {
    /// The same functions on a clock thirty days behind: the seed makes a month of history.
    pub fn thirty_days_ago(&self) -> Self {
        let clock = self.admin.clock.clone();
        let past: invitations_core::ports::Clock =
            std::sync::Arc::new(move || clock() - chrono::Duration::days(30));
        Self {
            admin: admin_api::App {
                clock: past.clone(),
                ..self.admin.clone()
            },
            enrol: enrol_api::App {
                clock: past.clone(),
                ..self.enrol.clone()
            },
            join: enrol_api::join::App {
                clock: past,
                ..self.join.clone()
            },
        }
    }
}

pub struct Gateway {
    pub routes: Vec<ApiRoute>,
    pub functions: Functions,
    pub authorizer: JwtAuthorizer,
    pub sign_in: LocalSignIn,
    /// Subs of the seeded sign-in people: listed first on the sign-in page.
    pub featured: Vec<String>,
    pub site_dir: PathBuf,
    /// The Content-Security-Policy the template's CloudFront puts on the site's responses.
    pub site_csp: String,
    /// What the local targets of the events bus received (`GET /local/events`).
    pub events_received: crate::bridge::Received,
}

#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("no route {0}")]
    NoRoute(String),
    #[error("the route needs a signed-in caller")]
    Unauthorized,
    #[error("function {0} is not served locally")]
    UnknownFunction(String),
    #[error("the function failed: {0}")]
    Function(String),
}

impl Functions {
    /// Calls the function behind `method path` as API Gateway would, with `claims` as the
    /// JWT authorizer's output. Used by the HTTP server and by the demo-data seed.
    pub async fn invoke(
        &self,
        routes: &[ApiRoute],
        method: &str,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
        claims: Option<&Claims>,
    ) -> Result<lambda_http::Response<lambda_http::Body>, InvokeError> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        // As API Gateway picks: the most specific route that matches (fewest parameters), so
        // `.../invitations/export` is not an invitation called "export".
        let (route, params) = routes
            .iter()
            .filter_map(|r| r.matches(method, path).map(|p| (r, p)))
            .min_by_key(|(_, params)| params.len())
            .ok_or_else(|| InvokeError::NoRoute(format!("{method} {path}")))?;
        if route.needs_jwt && claims.is_none() {
            return Err(InvokeError::Unauthorized);
        }
        let claims = if route.needs_jwt { claims } else { None };
        let event = api_gateway_event(route, method, path, query, &params, headers, body, claims);
        let request = lambda_http::request::from_str(&event.to_string())
            .map_err(|e| InvokeError::Function(format!("event: {e}")))?;
        // The template names the binary; each function package says which handler it is.
        let result = if let Some(function) = admin_api::functions::by_binary(&route.binary) {
            (function.handle)(&self.admin, request).await
        } else if route.binary == enrol_api::BINARY {
            enrol_api::handle(&self.enrol, request).await
        } else if route.binary == enrol_api::join::BINARY {
            enrol_api::join::handle(&self.join, request).await
        } else {
            return Err(InvokeError::UnknownFunction(route.binary.clone()));
        };
        result.map_err(|e| InvokeError::Function(e.to_string()))
    }
}

impl Gateway {
    pub fn router(self: Arc<Self>) -> Router {
        Router::new()
            .route("/config.json", get(config))
            .route("/local/users", get(people))
            .route("/local/sign-in", post(sign_in))
            .route("/local/events", get(events_received))
            .route("/api", any(api))
            .route("/api/{*rest}", any(api))
            .fallback(site)
            // As CloudFront (`Compress: true` in the template): what the browser accepts,
            // gzip or brotli, so the site's first load is measured as people get it.
            .layer(tower_http::compression::CompressionLayer::new())
            .layer(axum::middleware::from_fn(log_request))
            .with_state(self)
    }
}

/// The API Gateway HTTP API payload 2.0 event for one request.
#[allow(clippy::too_many_arguments)]
pub fn api_gateway_event(
    route: &ApiRoute,
    method: &str,
    path: &str,
    query: &str,
    params: &[(String, String)],
    headers: &HeaderMap,
    body: &[u8],
    claims: Option<&Claims>,
) -> Value {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    // API Gateway joins repeated query parameters and headers with commas.
    let mut query_params: Map<String, Value> = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k), decode(v));
        match query_params.get_mut(&k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                query_params.insert(k, v.into());
            }
        }
    }
    let mut header_map: Map<String, Value> = Map::new();
    let mut cookies = Vec::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == "cookie" {
            cookies.extend(value.split("; ").map(|c| Value::String(c.to_owned())));
            continue;
        }
        match header_map.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            _ => {
                header_map.insert(name.as_str().to_owned(), value.into());
            }
        }
    }
    let now = chrono::Utc::now();
    let mut context = json!({
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": "localhost",
        "domainPrefix": "localhost",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": header_map.get("user-agent").cloned().unwrap_or_else(|| "".into()),
        },
        "requestId": uuid::Uuid::new_v4().to_string(),
        "routeKey": format!("{} {}", route.method, route.path),
        "stage": "$default",
        "time": now.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
        "timeEpoch": now.timestamp_millis(),
    });
    if let Some(claims) = claims {
        context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
    }
    let mut event = json!({
        "version": "2.0",
        "routeKey": format!("{} {}", route.method, route.path),
        "rawPath": path,
        "rawQueryString": query,
        "headers": header_map,
        "requestContext": context,
        "isBase64Encoded": false,
    });
    if !cookies.is_empty() {
        event["cookies"] = Value::Array(cookies);
    }
    if !query_params.is_empty() {
        event["queryStringParameters"] = Value::Object(query_params);
    }
    if !params.is_empty() {
        event["pathParameters"] = Value::Object(
            params
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(decode(v))))
                .collect(),
        );
    }
    if !body.is_empty() {
        match std::str::from_utf8(body) {
            Ok(text) => event["body"] = text.into(),
            Err(_) => {
                event["body"] = base64::engine::general_purpose::STANDARD
                    .encode(body)
                    .into();
                event["isBase64Encoded"] = true.into();
            }
        }
    }
    event
}

fn gateway_message(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "message": message }))).into_response()
}

async fn api(State(gw): State<Arc<Gateway>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let path_and_query = path_and_query
        .strip_prefix("/api")
        .unwrap_or(path_and_query);
    let path_and_query = if path_and_query.is_empty() || path_and_query.starts_with('?') {
        format!("/{path_and_query}")
    } else {
        path_and_query.to_owned()
    };
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return gateway_message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
    };
    let claims = bearer(&parts.headers).and_then(|token| {
        gw.authorizer
            .verify(token)
            .inspect_err(|e| tracing::info!(error = %e, "token refused"))
            .ok()
            .map(|claims| as_authorizer_claims(&claims))
    });
    match gw
        .functions
        .invoke(
            &gw.routes,
            parts.method.as_str(),
            &path_and_query,
            &parts.headers,
            &body,
            claims.as_ref(),
        )
        .await
    {
        Ok(response) => from_lambda(response),
        Err(InvokeError::NoRoute(_)) => gateway_message(StatusCode::NOT_FOUND, "Not Found"),
        Err(InvokeError::Unauthorized) => gateway_message(StatusCode::UNAUTHORIZED, "Unauthorized"),
        Err(e) => {
            tracing::error!(error = %e, "function error");
            gateway_message(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
    }
}

/// The token of the `Authorization` header; API Gateway takes it with or without `Bearer `.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    Some(value.strip_prefix("Bearer ").unwrap_or(value)).filter(|t| !t.is_empty())
}

fn from_lambda(response: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = response.into_parts();
    let body = match body {
        lambda_http::Body::Text(t) => AxumBody::from(t),
        lambda_http::Body::Binary(b) => AxumBody::from(b),
        _ => AxumBody::empty(),
    };
    let mut out = Response::new(body);
    *out.status_mut() = parts.status;
    *out.headers_mut() = parts.headers;
    out
}

async fn config() -> Json<Value> {
    Json(json!({ "api_base": "/api", "sign_in": { "kind": "local" } }))
}

/// Everyone in the user pool, the seeded sign-in people first.
async fn people(State(gw): State<Arc<Gateway>>) -> Response {
    match gw.sign_in.people(&gw.featured).await {
        Ok(people) => Json(people).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "listing the user pool failed");
            gateway_message(StatusCode::BAD_GATEWAY, "The user pool did not answer")
        }
    }
}

/// The product events the bus delivered to the local targets, newest first, as EventBridge
/// delivered them (`detail` is the event); `?type=` keeps one type. Local only: no such route
/// exists in AWS, where a rule's targets are the operator's own.
async fn events_received(
    State(gw): State<Arc<Gateway>>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let received = gw
        .events_received
        .lock()
        .expect("the received events")
        .clone();
    let wanted = query.get("type");
    let events: Vec<&serde_json::Value> = received
        .iter()
        .rev()
        .filter(|e| wanted.is_none_or(|t| e["detail-type"] == t.as_str()))
        .collect();
    Json(events).into_response()
}

#[derive(serde::Deserialize)]
struct SignIn {
    user_id: String,
}

/// Signs the person in through the user pool and answers its id token.
async fn sign_in(State(gw): State<Arc<Gateway>>, body: Bytes) -> Response {
    let Ok(SignIn { user_id }) = serde_json::from_slice(&body) else {
        return gateway_message(StatusCode::BAD_REQUEST, "Send {\"user_id\": \"...\"}");
    };
    match gw.sign_in.sign_in(&user_id).await {
        Ok(signed) => {
            tracing::info!(user = %user_id, "signed in");
            Json(json!({ "token": signed.token, "expires_at": signed.expires_at.to_rfc3339() }))
                .into_response()
        }
        Err(SignInError::NoSuchUser) => {
            gateway_message(StatusCode::NOT_FOUND, "No such local user")
        }
        Err(SignInError::Refused(why)) => {
            tracing::info!(user = %user_id, reason = %why, "sign-in refused");
            gateway_message(StatusCode::FORBIDDEN, &why)
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            gateway_message(StatusCode::BAD_GATEWAY, "The user pool did not answer")
        }
    }
}

/// The built site; unknown paths are the single-page app's routes and get index.html. Looked
/// up per request, so a site built after the stack started is served at once.
async fn site(State(gw): State<Arc<Gateway>>, request: Request) -> Response {
    use tower::ServiceExt;
    let index = gw.site_dir.join("index.html");
    let mut response = if !index.exists() {
        no_site()
    } else {
        match ServeDir::new(&gw.site_dir)
            .fallback(ServeFile::new(index))
            .oneshot(request)
            .await
        {
            Ok(response) => response.into_response(),
            Err(e) => match e {},
        }
    };
    // The security headers CloudFront adds in AWS (infra/template.yaml, SiteHeadersPolicy).
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&gw.site_csp) {
        headers.insert("content-security-policy", csp);
    }
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    response
}

fn no_site() -> Response {
    let mut response = axum::response::Html(
        "<!doctype html><title>Site not built</title><p>The site is not built yet: run \
         <code>scripts/build-site.sh</code>, then reload. The API is at <code>/api</code>.</p>",
    )
    .into_response();
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// One readable log line per request.
async fn log_request(request: Request, next: axum::middleware::Next) -> Response {
    let method: Method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let mut response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis();
    if path.starts_with("/api") || path.starts_with("/local") {
        tracing::info!("{method} {path} -> {status} ({ms} ms)");
    } else {
        tracing::debug!("{method} {path} -> {status} ({ms} ms)");
    }
    // The site and config change between builds: never serve them stale.
    response
        .headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    response
}
