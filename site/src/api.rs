//! The one typed client for the HTTP API (functions/openapi.yaml), plus the local sign-in
//! endpoints of the development stack. Every failure becomes an [`ApiError`] that reads as words.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// What the API answers with
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Activity {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StatusCounts {
    pub pending: u64,
    pub enrolled: u64,
    pub revoked: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractKind {
    Subscription,
    Voucher,
}

impl ContractKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Subscription => "Subscription",
            Self::Voucher => "Voucher",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Active,
    Future,
    Expired,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Future => "Future",
            Self::Expired => "Expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Contract {
    pub id: String,
    pub name: String,
    pub kind: ContractKind,
    pub phase: Phase,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub needs_activity_choice: bool,
    pub starts_at: String,
    pub ends_at: String,
    pub seat_limit: Option<u64>,
    #[serde(default)]
    pub seats_used: u64,
    pub seats_left: Option<u64>,
    #[serde(default)]
    pub counts: StatusCounts,
    #[serde(default)]
    pub invitation_lifetime_days: u32,
}

impl Contract {
    /// A voucher with several activities: the inviter picks some ("Step 2 of 2").
    pub fn asks_for_activities(&self) -> bool {
        self.needs_activity_choice
            || (self.kind == ContractKind::Voucher && self.activities.len() > 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Expired,
    Enrolled,
    Revoked,
}

impl InvitationStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Expired, Self::Enrolled, Self::Revoked];

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Expired => "Expired",
            Self::Enrolled => "Enrolled",
            Self::Revoked => "Revoked",
        }
    }

    /// The value of the API's `status` query parameter.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Expired => "expired",
            Self::Enrolled => "enrolled",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Queued,
    Sending,
    Sent,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Delivery {
    pub state: DeliveryState,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub registered: bool,
    pub status: InvitationStatus,
    #[serde(default)]
    pub activities: Vec<Activity>,
    pub invited_by: String,
    pub invited_at: String,
    pub expires_at: String,
    pub delivery: Delivery,
    #[serde(default)]
    pub send_count: u32,
    #[serde(default)]
    pub last_sent_at: Option<String>,
    #[serde(default)]
    pub enrolled_at: Option<String>,
    #[serde(default)]
    pub revoked_at: Option<String>,
    #[serde(default)]
    pub can_resend: bool,
    #[serde(default)]
    pub can_revoke: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InvitationList {
    pub invitations: Vec<Invitation>,
    #[serde(default)]
    pub next_cursor: Option<String>,
    #[serde(default)]
    pub counts: StatusCounts,
}

/// The answer to Resend and Revoke; `changed` is false when nothing needed doing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InvitationChange {
    pub invitation: Invitation,
    #[serde(default)]
    pub changed: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct UserList {
    users: Vec<User>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct ContractList {
    contracts: Vec<Contract>,
}

/// Someone who administers a contract. `name` and `email` are missing when the user is not (or no
/// longer) in the directory.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Admin {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A contract's admins; also the answer to adding or removing one (the list after the change).
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct AdminList {
    admins: Vec<Admin>,
}

/// What happened for one person of an invite request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PersonResult {
    pub input: String,
    #[serde(default)]
    pub email: Option<String>,
    pub outcome: String,
    #[serde(default)]
    pub detail: String,
}

impl PersonResult {
    /// Whether this person now has a new pending invitation.
    pub fn is_invited(&self) -> bool {
        matches!(self.outcome.as_str(), "invited" | "reinvited")
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AddResult {
    pub results: Vec<PersonResult>,
    #[serde(default)]
    pub summary: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewInvitations {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_ids: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    Queued,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportStatus {
    pub state: ImportState,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ImportCounts {
    pub invited: u64,
    pub reinvited: u64,
    pub already_invited: u64,
    pub already_enrolled: u64,
    pub invalid_email: u64,
    pub duplicate: u64,
    pub over_seat_limit: u64,
}

impl ImportCounts {
    /// Each count with its label, in the order a report lists them.
    pub fn labelled(&self) -> [(&'static str, u64); 7] {
        [
            ("Invited", self.invited),
            ("Invited again", self.reinvited),
            ("Already invited", self.already_invited),
            ("Already enrolled", self.already_enrolled),
            ("Invalid email", self.invalid_email),
            ("Duplicate", self.duplicate),
            ("Over the seat limit", self.over_seat_limit),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BadRow {
    pub line: u64,
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Import {
    pub id: String,
    pub status: ImportStatus,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub rows_read: u64,
    #[serde(default)]
    pub counts: ImportCounts,
    #[serde(default)]
    pub first_bad_rows: Vec<BadRow>,
    /// Only on `GET .../imports/{importId}`, once the report exists.
    #[serde(default)]
    pub report_url: Option<String>,
    /// Set when the import will not finish by itself.
    #[serde(default)]
    pub stalled: Option<Stall>,
}

/// Why an import that is not finished will not finish by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stall {
    /// Announced, but the file never arrived (its upload link has expired).
    UploadNeverArrived,
    /// Started, then no progress for over 20 minutes.
    NoProgress,
}

impl Import {
    /// Done, failed, or stalled: nothing more will happen to it by itself.
    pub fn is_finished(&self) -> bool {
        matches!(self.status.state, ImportState::Done | ImportState::Failed)
            || self.stalled.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct ImportList {
    imports: Vec<Import>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UploadTarget {
    #[serde(default = "put")]
    pub method: String,
    pub url: String,
    pub content_type: String,
}

fn put() -> String {
    "PUT".into()
}

/// The answer to announcing a CSV upload.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AnnouncedImport {
    pub import: Import,
    pub upload: UploadTarget,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ContractSummary {
    pub name: String,
    pub kind: ContractKind,
    pub starts_at: String,
    pub ends_at: String,
}

/// What a student's link is for (`GET /invitation`, `POST /enrol`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InvitationPage {
    pub email: String,
    pub registered: bool,
    /// `pending` (ready to enrol) or `enrolled`.
    pub status: String,
    pub contract: ContractSummary,
    #[serde(default)]
    pub activities: Vec<String>,
    pub invited_by: String,
    pub expires_at: String,
}

/// A seeded user of the local stack's sign-in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LocalUser {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SignedToken {
    pub token: String,
    #[serde(default)]
    pub expires_at: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A failed call, from the API's problem+json body where there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status; 0 when the server could not be reached.
    pub status: u16,
    pub code: String,
    pub title: String,
    pub detail: String,
}

#[derive(Deserialize)]
struct ProblemBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    detail: String,
}

impl ApiError {
    pub fn network() -> Self {
        Self {
            status: 0,
            code: "network".into(),
            title: "No connection".into(),
            detail: "We could not reach the server. Check your connection and try again.".into(),
        }
    }

    /// From a response that was not a success; the body is used when it is a problem.
    pub fn from_response(status: u16, body: &str) -> Self {
        match serde_json::from_str::<ProblemBody>(body) {
            Ok(p) if !p.detail.is_empty() || !p.title.is_empty() => Self {
                status,
                code: p.code,
                title: if p.title.is_empty() {
                    generic_title(status).into()
                } else {
                    p.title
                },
                detail: p.detail,
            },
            _ => Self {
                status,
                code: String::new(),
                title: generic_title(status).into(),
                detail: generic_detail(status).into(),
            },
        }
    }

    pub fn unreadable() -> Self {
        Self {
            status: 0,
            code: "unreadable".into(),
            title: "Unexpected answer".into(),
            detail: "The server's answer could not be read. Please reload the page.".into(),
        }
    }

    /// The session has ended (or never started): the user signs in again.
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }
}

fn generic_title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        429 => "Too Many Requests",
        500..=599 => "Server error",
        _ => "Request failed",
    }
}

fn generic_detail(status: u16) -> &'static str {
    match status {
        401 => "Your session has ended. Please sign in again.",
        403 => "You are not allowed to do this.",
        404 => "We could not find what you asked for.",
        429 => "Too many requests. Please wait a moment and try again.",
        500..=599 => "Something went wrong on our side. Please try again in a moment.",
        _ => "The request could not be completed.",
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            f.write_str(&self.title)
        } else {
            f.write_str(&self.detail)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Paths (kept apart from the client so they can be tested natively)
// ---------------------------------------------------------------------------------------------

fn enc(s: &str) -> String {
    urlencoding::encode(s).into_owned()
}

/// `?a=b&c=d` from the non-empty pairs, or "" when there are none.
pub fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", enc(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// One page of a contract's invitations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvitationQuery {
    pub q: String,
    pub status: Option<InvitationStatus>,
    pub cursor: Option<String>,
    pub limit: u32,
}

pub fn invitations_path(contract_id: &str, query: &InvitationQuery) -> String {
    let limit = query.limit.to_string();
    format!(
        "/contracts/{}/invitations{}",
        enc(contract_id),
        query_string(&[
            ("q", Some(query.q.trim())),
            ("status", query.status.map(InvitationStatus::code)),
            ("cursor", query.cursor.as_deref()),
            ("limit", (query.limit > 0).then_some(limit.as_str())),
        ])
    )
}

pub fn admins_path(contract_id: &str) -> String {
    format!("/contracts/{}/admins", enc(contract_id))
}

pub fn remove_admin_path(contract_id: &str, user_id: &str) -> String {
    format!(
        "/contracts/{}/admins/{}/remove",
        enc(contract_id),
        enc(user_id)
    )
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// The API at `base` (config.json's api_base), signed in with `token` when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub base: String,
    pub token: Option<String>,
}

impl Api {
    pub fn new(base: &str, token: Option<String>) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            token,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        use gloo_net::http::RequestBuilder;
        let mut req = RequestBuilder::new(url)
            .method(method.parse().unwrap_or(gloo_net::http::Method::GET))
            .header("Accept", "application/json");
        if let Some(token) = &self.token {
            req = req.header("Authorization", &format!("Bearer {token}"));
        }
        let req = match body {
            Some(body) => req
                .header("Content-Type", "application/json")
                .body(body)
                .map_err(|_| ApiError::unreadable())?,
            None => req.build().map_err(|_| ApiError::unreadable())?,
        };
        let resp = req.send().await.map_err(|_| ApiError::network())?;
        let status = resp.status();
        let text = resp.text().await.map_err(|_| ApiError::network())?;
        if (200..300).contains(&status) {
            serde_json::from_str(&text).map_err(|_| ApiError::unreadable())
        } else {
            Err(ApiError::from_response(status, &text))
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send("GET", &self.url(path), None).await
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_string(body).map_err(|_| ApiError::unreadable())?;
        self.send("POST", &self.url(path), Some(body)).await
    }

    pub async fn contracts(&self, q: &str) -> Result<Vec<Contract>, ApiError> {
        let path = format!("/contracts{}", query_string(&[("q", Some(q.trim()))]));
        Ok(self.get::<ContractList>(&path).await?.contracts)
    }

    pub async fn contract(&self, id: &str) -> Result<Contract, ApiError> {
        self.get(&format!("/contracts/{}", enc(id))).await
    }

    pub async fn invitations(
        &self,
        contract_id: &str,
        query: &InvitationQuery,
    ) -> Result<InvitationList, ApiError> {
        self.get(&invitations_path(contract_id, query)).await
    }

    pub async fn invite(
        &self,
        contract_id: &str,
        people: &NewInvitations,
    ) -> Result<AddResult, ApiError> {
        self.post(
            &format!("/contracts/{}/invitations", enc(contract_id)),
            people,
        )
        .await
    }

    pub async fn resend(
        &self,
        contract_id: &str,
        invitation_id: &str,
    ) -> Result<InvitationChange, ApiError> {
        let path = format!(
            "/contracts/{}/invitations/{}/resend",
            enc(contract_id),
            enc(invitation_id)
        );
        self.post(&path, &serde_json::json!({})).await
    }

    pub async fn revoke(
        &self,
        contract_id: &str,
        invitation_id: &str,
    ) -> Result<InvitationChange, ApiError> {
        let path = format!(
            "/contracts/{}/invitations/{}/revoke",
            enc(contract_id),
            enc(invitation_id)
        );
        self.post(&path, &serde_json::json!({})).await
    }

    pub async fn users(&self, q: &str) -> Result<Vec<User>, ApiError> {
        let path = format!(
            "/users{}",
            query_string(&[("q", Some(q.trim())), ("limit", Some("50"))])
        );
        Ok(self.get::<UserList>(&path).await?.users)
    }

    pub async fn admins(&self, contract_id: &str) -> Result<Vec<Admin>, ApiError> {
        Ok(self
            .get::<AdminList>(&admins_path(contract_id))
            .await?
            .admins)
    }

    /// Adding someone who is already an admin changes nothing. System administrators only.
    pub async fn add_admin(
        &self,
        contract_id: &str,
        user_id: &str,
    ) -> Result<Vec<Admin>, ApiError> {
        let body = serde_json::json!({ "user_id": user_id });
        Ok(self
            .post::<AdminList>(&admins_path(contract_id), &body)
            .await?
            .admins)
    }

    /// Removing someone who is not an admin changes nothing. System administrators only.
    pub async fn remove_admin(
        &self,
        contract_id: &str,
        user_id: &str,
    ) -> Result<Vec<Admin>, ApiError> {
        let path = remove_admin_path(contract_id, user_id);
        Ok(self
            .post::<AdminList>(&path, &serde_json::json!({}))
            .await?
            .admins)
    }

    pub async fn announce_import(
        &self,
        contract_id: &str,
        file_name: &str,
        activities: &[String],
    ) -> Result<AnnouncedImport, ApiError> {
        let body = serde_json::json!({ "file_name": file_name, "activities": activities });
        self.post(&format!("/contracts/{}/imports", enc(contract_id)), &body)
            .await
    }

    pub async fn imports(&self, contract_id: &str) -> Result<Vec<Import>, ApiError> {
        let path = format!("/contracts/{}/imports", enc(contract_id));
        Ok(self.get::<ImportList>(&path).await?.imports)
    }

    pub async fn import(&self, contract_id: &str, import_id: &str) -> Result<Import, ApiError> {
        self.get(&format!(
            "/contracts/{}/imports/{}",
            enc(contract_id),
            enc(import_id)
        ))
        .await
    }

    /// What a student's link is for. No Authorization: the token is the credential.
    pub async fn invitation_page(&self, token: &str) -> Result<InvitationPage, ApiError> {
        self.get(&format!(
            "/invitation{}",
            query_string(&[("token", Some(token))])
        ))
        .await
    }

    pub async fn enrol(&self, token: &str, name: Option<&str>) -> Result<InvitationPage, ApiError> {
        let body = serde_json::json!({ "token": token, "name": name });
        self.post("/enrol", &body).await
    }
}

/// The local stack's sign-in, at the root of the API's origin (not under api_base).
pub mod local {
    use super::*;

    pub async fn users(origin: &str) -> Result<Vec<LocalUser>, ApiError> {
        Api::new(origin, None).get("/local/users").await
    }

    pub async fn sign_in(origin: &str, user_id: &str) -> Result<SignedToken, ApiError> {
        Api::new(origin, None)
            .post("/local/sign-in", &serde_json::json!({ "user_id": user_id }))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_paths_carry_only_the_filters_in_use() {
        let q = InvitationQuery {
            q: " Ann@Example ".into(),
            status: Some(InvitationStatus::Pending),
            cursor: Some("a+b/c".into()),
            limit: 50,
        };
        assert_eq!(
            invitations_path("c-1", &q),
            "/contracts/c-1/invitations?q=Ann%40Example&status=pending&cursor=a%2Bb%2Fc&limit=50"
        );
        assert_eq!(
            invitations_path("c-1", &InvitationQuery::default()),
            "/contracts/c-1/invitations"
        );
    }

    #[test]
    fn admin_paths_encode_each_segment() {
        assert_eq!(admins_path("c 1"), "/contracts/c%201/admins");
        assert_eq!(
            remove_admin_path("c-1", "ada/admin"),
            "/contracts/c-1/admins/ada%2Fadmin/remove"
        );
    }

    #[test]
    fn admins_read_with_or_without_a_directory_entry() {
        let list: AdminList = serde_json::from_str(
            r#"{"admins":[{"id":"ada-admin","name":"Ada Lovelace","email":"ada@example.com"},
                          {"id":"gone","name":null,"email":null}]}"#,
        )
        .unwrap();
        assert_eq!(list.admins[0].email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            list.admins[1],
            Admin {
                id: "gone".into(),
                name: None,
                email: None
            }
        );
    }

    #[test]
    fn problems_keep_their_words_and_other_failures_get_some() {
        let e = ApiError::from_response(
            429,
            r#"{"type":"about:blank#resent_too_recently","title":"Too Many Requests","status":429,"code":"resent_too_recently","detail":"This invitation was sent less than a minute ago."}"#,
        );
        assert_eq!(e.code, "resent_too_recently");
        assert_eq!(
            e.to_string(),
            "This invitation was sent less than a minute ago."
        );
        let e = ApiError::from_response(502, "<html>Bad gateway</html>");
        assert_eq!(
            e.to_string(),
            "Something went wrong on our side. Please try again in a moment."
        );
        assert!(ApiError::from_response(401, "").is_unauthenticated());
    }

    #[test]
    fn contracts_and_invitations_read_as_the_api_writes_them() {
        let c: Contract = serde_json::from_str(
            r#"{"id":"c1","name":"Nursing 2025","kind":"voucher","phase":"active",
                "activities":[{"id":"a1","name":"Anatomy"},{"id":"a2","name":"Ethics"}],
                "needs_activity_choice":true,"starts_at":"2025-01-01T00:00:00Z",
                "ends_at":"2025-12-31T00:00:00Z","seat_limit":10,"seats_used":3,"seats_left":7,
                "counts":{"pending":2,"enrolled":1,"revoked":4},"invitation_lifetime_days":14}"#,
        )
        .unwrap();
        assert!(c.asks_for_activities());
        let i: Invitation = serde_json::from_str(
            r#"{"id":"i1","email":"a@b.c","name":null,"registered":false,"status":"enrolled",
                "activities":[],"invited_by":"u1","invited_at":"2025-01-01T00:00:00Z",
                "expires_at":"2025-01-15T00:00:00Z","delivery":{"state":"failed","reason":"bounced"},
                "send_count":1,"last_sent_at":null,"can_resend":false,"can_revoke":false}"#,
        )
        .unwrap();
        assert_eq!(i.status, InvitationStatus::Enrolled);
        assert_eq!(i.delivery.reason.as_deref(), Some("bounced"));
    }
}
