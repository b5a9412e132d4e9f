//! HTTP helpers for the API functions (API Gateway HTTP API, payload v2): errors as
//! `application/problem+json`, the verified caller from the request context, bodies, routing.

use crate::domain::{
    Caller, ClearBlockRefused, CorrectRefused, ExtendRefused, InvitationsRefused, ResendRefused,
    RevokeRefused, UserId, SYSTEM_ADMIN_GROUP,
};
use lambda_http::http::{header, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An error answer (RFC 9457): a stable machine `code` and a sentence for people in `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub retry_after_seconds: Option<i64>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            retry_after_seconds: None,
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, detail)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Sign in to use this page.",
        )
    }

    pub fn invitation_not_found() -> Self {
        Self::not_found(
            "invitation_not_found",
            "There is no such invitation in this learning contract.",
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    /// For failures of the service itself; the cause is logged, never shown.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side. Please try again in a moment.",
        )
    }

    pub fn busy() -> Self {
        let mut p = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Many changes are being made to this contract right now. Please try again.",
        );
        p.retry_after_seconds = Some(1);
        p
    }

    pub fn into_response(self) -> Response<Body> {
        let body = invitations_wire::Problem {
            kind: format!("about:blank#{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            code: self.code.to_owned(),
            detail: self.detail,
        };
        let mut builder = Response::builder()
            .status(self.status)
            .header(header::CONTENT_TYPE, "application/problem+json");
        if let Some(seconds) = self.retry_after_seconds {
            builder = builder.header(header::RETRY_AFTER, seconds.max(1).to_string());
        }
        builder
            .body(Body::Text(
                serde_json::to_string(&body).expect("a problem serialises"),
            ))
            .expect("static response parts are valid")
    }
}

impl From<crate::ports::StoreError> for Problem {
    fn from(err: crate::ports::StoreError) -> Self {
        match err {
            crate::ports::StoreError::Contended => Problem::busy(),
            crate::ports::StoreError::BadCursor => Problem::bad_request(
                "invalid_cursor",
                "The page cursor is not valid; start again from the first page.",
            ),
            other => Problem::internal(&other),
        }
    }
}

/// A key that could not be read on first use (`crate::keys`): a 500, with the error the
/// function's start gave before issue 33 in the log.
impl From<crate::config::ConfigError> for Problem {
    fn from(err: crate::config::ConfigError) -> Self {
        Problem::internal(&err)
    }
}

pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::Text(
            serde_json::to_string(value).expect("response serialises"),
        ))
        .expect("static response parts are valid")
}

pub fn respond<T: Serialize>(result: Result<T, Problem>) -> Response<Body> {
    match result {
        Ok(value) => json(StatusCode::OK, &value),
        Err(problem) => problem.into_response(),
    }
}

/// A contract that takes no invitations as asked: 409 once it has expired (nothing the caller
/// can change), 400 for a choice of activities that does not suit it.
impl From<InvitationsRefused> for Problem {
    fn from(refused: InvitationsRefused) -> Self {
        match refused {
            InvitationsRefused::Expired => {
                Problem::conflict("contract_expired", refused.to_string())
            }
            _ => Problem::bad_request("invalid_activities", refused.to_string()),
        }
    }
}

/// The one way a refusal of the rules becomes an answer: each refusal says its status and
/// stable code, its `Display` is the sentence.
pub trait Refusal: std::fmt::Display {
    fn status_and_code(&self) -> (StatusCode, &'static str);

    /// When to try again, for refusals that pass with time.
    fn retry_after_seconds(&self) -> Option<i64> {
        None
    }
}

impl<R: Refusal> From<crate::ports::ChangeError<R>> for Problem {
    fn from(err: crate::ports::ChangeError<R>) -> Self {
        use crate::ports::ChangeError;
        match err {
            ChangeError::NotFound => Problem::invitation_not_found(),
            ChangeError::Store(e) => e.into(),
            ChangeError::Refused(r) => {
                let (status, code) = r.status_and_code();
                let mut problem = Problem::new(status, code, r.to_string());
                problem.retry_after_seconds = r.retry_after_seconds();
                problem
            }
        }
    }
}

impl Refusal for ResendRefused {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::AlreadyEnrolled(_) => (StatusCode::CONFLICT, "already_enrolled"),
            Self::Revoked(_) => (StatusCode::CONFLICT, "revoked"),
            Self::TooSoon { .. } => (StatusCode::TOO_MANY_REQUESTS, "resent_too_recently"),
        }
    }

    fn retry_after_seconds(&self) -> Option<i64> {
        match self {
            Self::TooSoon {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        }
    }
}

impl Refusal for RevokeRefused {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::AlreadyEnrolled(_) => (StatusCode::CONFLICT, "already_enrolled"),
        }
    }
}

impl Refusal for ExtendRefused {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::AlreadyEnrolled(_) => (StatusCode::CONFLICT, "already_enrolled"),
            Self::Revoked(_) => (StatusCode::CONFLICT, "revoked"),
        }
    }
}

impl Refusal for CorrectRefused {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        let code = match self {
            Self::AlreadyEnrolled(_) => "already_enrolled",
            Self::Revoked(_) => "revoked",
            Self::SameAddress => "same_address",
            Self::AlreadyInvited(_) => "already_invited",
            Self::MailNotFailed(_) => "mail_not_failed",
        };
        (StatusCode::CONFLICT, code)
    }
}

impl Refusal for ClearBlockRefused {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::NotPending(_) => (StatusCode::CONFLICT, "not_pending"),
            // A complaint's block is for system administrators to clear.
            Self::Complaint(_) => (StatusCode::FORBIDDEN, "forbidden"),
        }
    }
}

/// What a Lambda handler answers: the route's response, or its problem as
/// `application/problem+json`. Handlers never fail the invocation.
pub async fn respond_with(
    route: impl std::future::Future<Output = Result<Response<Body>, Problem>>,
) -> Result<Response<Body>, lambda_http::Error> {
    Ok(route.await.unwrap_or_else(Problem::into_response))
}

/// The caller, from the claims API Gateway's JWT authorizer verified and put in the request
/// context. No claims (or no subject) means the request is anonymous.
pub fn caller(req: &Request) -> Result<Caller, Problem> {
    let Some(RequestContext::ApiGatewayV2(ctx)) = req.request_context_ref() else {
        return Err(Problem::unauthenticated());
    };
    let claims = ctx
        .authorizer
        .as_ref()
        .and_then(|a| a.jwt.as_ref())
        .map(|jwt| &jwt.claims)
        .ok_or_else(Problem::unauthenticated)?;
    let user_id = claims
        .get("sub")
        .and_then(|sub| UserId::parse(sub).ok())
        .ok_or_else(Problem::unauthenticated)?;
    let groups = claims
        .get("cognito:groups")
        .map(String::as_str)
        .unwrap_or("");
    Ok(Caller {
        user_id,
        // An address the person never confirmed is not theirs to receive mail at (issue 26).
        email: claims
            .get("email")
            .filter(|_| claims.get("email_verified").is_some_and(|v| v == "true"))
            .cloned(),
        system_admin: parse_groups(groups).iter().any(|g| g == SYSTEM_ADMIN_GROUP),
    })
}

/// The groups of a `cognito:groups` claim as API Gateway's JWT authorizer passes it: an array
/// claim becomes `[a b]` (Cognito group names hold no whitespace, so a space separates them
/// and nothing else does; a comma or a quote is part of a name). A JSON array is read as one,
/// and any other text is a single group name.
pub fn parse_groups(raw: &str) -> Vec<String> {
    let raw = raw.trim();
    if raw.starts_with("[\"") {
        if let Ok(list) = serde_json::from_str::<Vec<String>>(raw) {
            return list;
        }
    }
    match raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        Some(inner) => inner
            .split(' ')
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect(),
        None if raw.is_empty() => Vec::new(),
        None => vec![raw.to_owned()],
    }
}

/// The JSON body, or a 400 that names what is wrong with it.
pub fn body<T: DeserializeOwned>(req: &Request) -> Result<T, Problem> {
    let bytes: &[u8] = match req.body() {
        Body::Empty => b"",
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => b"",
    };
    if bytes.is_empty() {
        return Err(Problem::bad_request(
            "invalid_body",
            "The request needs a JSON body.",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        Problem::bad_request("invalid_body", body_mistake(&path, e.inner()))
    })?;
    de.end()
        .map_err(|e| Problem::bad_request("invalid_body", body_mistake(".", &e)))?;
    Ok(value)
}

/// What is wrong with a body, as a sentence that names the field when serde tells it
/// (issue 26): never serde's own words ("invalid type: integer `5`, expected a string at line 1
/// column 12"), which name Rust types and positions nobody counts.
fn body_mistake(path: &str, err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match err.classify() {
        Category::Eof => "The body is not valid JSON: it ends before it is complete.".into(),
        Category::Syntax | Category::Io => {
            "The body is not valid JSON: check its quotes, commas and brackets.".into()
        }
        Category::Data => {
            let text = err.to_string();
            let message = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(m, _)| m);
            data_mistake(path, message)
        }
    }
}

/// A body that is JSON but not what the route takes: `path` is where serde was (`.` for the
/// body itself, `filter`, `emails[2]`), `message` serde's words without the position.
fn data_mistake(path: &str, message: &str) -> String {
    let at = (path != "." && path != "?").then_some(path);
    // Every body is an object, but serde reads an object's fields from a list too (in order):
    // whatever it then says about the list's items, the list is the mistake.
    if path.starts_with('[') {
        return "The body must be an object, not a list.".into();
    }
    // The field a message about one of an object's fields is about: the path is the object's
    // (a missing field) or already the field's own (an unknown one).
    let field_in = |name: &str| match at {
        Some(p) if p == name || p.ends_with(&format!(".{name}")) => p.to_owned(),
        Some(object) => format!("{object}.{name}"),
        None => name.to_owned(),
    };
    if let Some(rest) = message.strip_prefix("missing field ") {
        let name = quoted(rest).into_iter().next().unwrap_or_default();
        return format!("The field `{}` is missing.", field_in(name));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let mut names = quoted(rest).into_iter();
        let name = names.next().unwrap_or_default();
        let known: Vec<&str> = names.collect();
        return match known.is_empty() {
            true => format!(
                "The field `{}` is not one this request takes: remove it.",
                field_in(name)
            ),
            false => format!(
                "The field `{}` is not one this request takes: use {}.",
                field_in(name),
                listed(&known)
            ),
        };
    }
    let what = match at {
        None => "The body".to_owned(),
        Some(p) => match p.strip_suffix(']').and_then(|p| p.rsplit_once('[')) {
            Some((list, index)) => match index.parse::<usize>() {
                Ok(i) => format!("Item {} of `{list}`", i + 1),
                Err(_) => format!("The field `{p}`"),
            },
            None => format!("The field `{p}`"),
        },
    };
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let mut names = quoted(rest).into_iter();
        let given = names.next().unwrap_or_default();
        let known: Vec<&str> = names.collect();
        return format!("{what} cannot be `{given}`: use {}.", listed(&known));
    }
    let split = |rest: &'_ str| -> Option<(String, String)> {
        let (got, wanted) = rest.split_once(", expected ")?;
        Some((got.to_owned(), wanted.to_owned()))
    };
    if let Some((got, wanted)) = message.strip_prefix("invalid type: ").and_then(split) {
        return match kind_wanted(&wanted) {
            Some(wanted) => format!("{what} must be {wanted}, not {}.", kind_given(&got)),
            None => format!("{what} cannot be {}.", kind_given(&got)),
        };
    }
    if let Some((got, wanted)) = message.strip_prefix("invalid value: ").and_then(split) {
        return match kind_wanted(&wanted) {
            Some(wanted) => format!("{what} must be {wanted}, not {}.", kind_given(&got)),
            None => format!("{what} cannot be {}.", kind_given(&got)),
        };
    }
    if let Some((_, wanted)) = message.strip_prefix("invalid length ").and_then(split) {
        // A list where an object was wanted: serde reads a struct from a list too.
        return match wanted.starts_with("struct ") {
            true => format!("{what} must be an object, not a list."),
            false => format!("{what} does not have the number of items it must have."),
        };
    }
    // A rule of a type of ours (its own words), or something serde says rarely.
    let message = message.trim_end_matches('.');
    format!("{what} is not valid: {message}.")
}

/// The names between backticks in serde's words, in order.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// `a`, `b` or `c`.
fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => "another value".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// What serde says a value should be, in plain words; `None` when it is not one of these.
fn kind_wanted(wanted: &str) -> Option<&'static str> {
    Some(match wanted {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a sequence" => "a list",
        "a map" => "an object",
        w if w.contains("string") => "text",
        w if w.starts_with("struct ") => "an object",
        _ => return None,
    })
}

/// The value serde found, in plain words: `integer `5`` is "the number 5".
fn kind_given(got: &str) -> String {
    let literal = || {
        quoted(got)
            .into_iter()
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    if got.starts_with("integer ") || got.starts_with("floating point ") {
        format!("the number {}", literal())
    } else if got.starts_with("boolean ") {
        literal()
    } else if got.starts_with("string ") || got == "a string" {
        "text".into()
    } else {
        match got {
            "null" | "unit value" => "null".into(),
            "sequence" => "a list".into(),
            "map" => "an object".into(),
            other => other.to_owned(),
        }
    }
}

pub fn query(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name).map(str::to_owned))
}

/// Refuses a query parameter given more than once (`?status=a&status=b`) in words, instead of
/// silently reading the first (issue 26).
pub fn once(req: &Request, name: &str) -> Result<(), Problem> {
    let count = req
        .query_string_parameters_ref()
        .and_then(|q| q.all(name))
        .map_or(0, |all| all.len());
    if count > 1 {
        return Err(Problem::bad_request(
            "repeated_parameter",
            format!("Give {name} once: the list is filtered by one {name} at a time."),
        ));
    }
    Ok(())
}

/// Path parameters by name, e.g. `("id", "c1")`.
pub use invitations_wire::routes::PathParams;

/// The `limit` query parameter of a list: 1 to 200, 50 when absent.
pub fn page_limit(req: &Request) -> Result<usize, Problem> {
    match query(req, "limit") {
        None => Ok(50),
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=200).contains(l))
            .ok_or_else(|| {
                Problem::bad_request(
                    "invalid_limit",
                    "The limit must be a whole number from 1 to 200.",
                )
            }),
    }
}

/// The API's routes are the wire crate's table (`invitations_wire::routes`).
pub use invitations_wire::routes::Route;

/// When `path` has the shape of `pattern` (`/contracts/{id}`), each `{name}` with the path's
/// segment in its place, still percent-encoded.
pub fn path_segments<'p, 'a>(pattern: &'p str, path: &'a str) -> Option<Vec<(&'p str, &'a str)>> {
    let want: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let got: Vec<&str> = path.trim_matches('/').split('/').collect();
    if want.len() != got.len() {
        return None;
    }
    let mut params = Vec::new();
    for (w, g) in want.into_iter().zip(got) {
        if let Some(name) = w.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            params.push((name, g));
        } else if w != g {
            return None;
        }
    }
    Some(params)
}

/// Finds the route for a request among `routes`: the matched route and its path parameters,
/// 404 for an unknown path, 405 for a known path with another method.
pub fn route<'r>(
    routes: impl IntoIterator<Item = &'r Route>,
    req: &Request,
) -> Result<(&'r Route, PathParams), Problem> {
    let path = req.raw_http_path();
    let path = if path.is_empty() {
        req.uri().path()
    } else {
        path
    };
    invitations_wire::routes::find(routes, req.method().as_str(), path).map_err(|unrouted| {
        match unrouted {
            invitations_wire::routes::Unrouted::MethodNotAllowed => Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This address does not accept that method.",
            ),
            invitations_wire::routes::Unrouted::NotFound => {
                Problem::not_found("not_found", "There is nothing at this address.")
            }
        }
    })
}

pub fn param<'a>(params: &'a [(&'static str, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_read_exactly_as_the_authorizer_writes_them() {
        assert_eq!(parse_groups("[system-admins]"), ["system-admins"]);
        assert_eq!(parse_groups("[a system-admins]"), ["a", "system-admins"]);
        assert_eq!(parse_groups("system-admins"), ["system-admins"]);
        assert_eq!(
            parse_groups(r#"["a","system-admins"]"#),
            ["a", "system-admins"]
        );
        assert!(parse_groups("").is_empty());
        // A comma, a quote or a bracket is part of a group's name, never a separator.
        for sneaky in [
            "x,system-admins",
            "[x,system-admins]",
            "[\"system-admins]",
            "[system-admins\"]",
            "system-admins]",
        ] {
            assert!(
                !parse_groups(sneaky).iter().any(|g| g == SYSTEM_ADMIN_GROUP),
                "{sneaky}"
            );
        }
    }

    /// A body as the routes take them: named fields only, a list, a nested object, a choice.
    #[allow(dead_code)]
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        email: String,
        #[serde(default)]
        emails: Vec<String>,
        #[serde(default)]
        file_size: u64,
        #[serde(default)]
        filter: Option<SampleFilter>,
    }

    #[allow(dead_code)]
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SampleFilter {
        #[serde(default)]
        status: Option<SampleStatus>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum SampleStatus {
        Pending,
        Enrolled,
    }

    fn mistake(text: &str) -> String {
        let req = lambda_http::http::Request::builder()
            .body(Body::Text(text.to_owned()))
            .unwrap();
        match super::body::<Sample>(&Request::from(req)) {
            Ok(sample) => panic!("{text}: {sample:?}"),
            Err(problem) => problem.detail,
        }
    }

    /// Issue 26: a body's mistake is a sentence naming the field, in plain words.
    #[test]
    fn a_bodys_mistake_names_its_field_in_plain_words() {
        for (body, detail) in [
            ("{}", "The field `email` is missing."),
            (
                r#"{"email": "a", "filter": {"status": "pending", "q": 1}}"#,
                "The field `filter.q` is not one this request takes: use `status`.",
            ),
            (r#"{"email": 5}"#, "The field `email` must be text, not the number 5."),
            (r#"{"email": null}"#, "The field `email` must be text, not null."),
            (
                r#"{"email": "a", "emails": ["b", true]}"#,
                "Item 2 of `emails` must be text, not true.",
            ),
            (
                r#"{"email": "a", "file_size": -1}"#,
                "The field `file_size` must be a whole number, 0 or more, not the number -1.",
            ),
            (
                r#"{"email": "a", "file_size": "big"}"#,
                "The field `file_size` must be a whole number, 0 or more, not text.",
            ),
            (
                r#"{"email": "a", "extra": 1}"#,
                "The field `extra` is not one this request takes: use `email`, `emails`, `file_size` or `filter`.",
            ),
            (
                r#"{"email": "a", "filter": {"status": "gone"}}"#,
                "The field `filter.status` cannot be `gone`: use `pending` or `enrolled`.",
            ),
            (
                r#"{"email": "a", "filter": {"q": "x"}}"#,
                "The field `filter.q` is not one this request takes: use `status`.",
            ),
            (
                r#"{"email": "a", "filter": 5}"#,
                "The field `filter` must be an object, not the number 5.",
            ),
            ("[]", "The body must be an object, not a list."),
            (r#"["a", 1]"#, "The body must be an object, not a list."),
            ("\"text\"", "The body must be an object, not text."),
            (
                r#"{"email": "a""#,
                "The body is not valid JSON: it ends before it is complete.",
            ),
            (
                "{email: 1}",
                "The body is not valid JSON: check its quotes, commas and brackets.",
            ),
            (
                r#"{"email": "a"} {}"#,
                "The body is not valid JSON: check its quotes, commas and brackets.",
            ),
        ] {
            assert_eq!(mistake(body), detail, "{body}");
        }
    }

    #[test]
    fn a_longer_group_name_is_not_the_system_administrators_group() {
        assert!(!parse_groups("[system-admins-not]")
            .iter()
            .any(|g| g == "system-admins"));
    }
}
