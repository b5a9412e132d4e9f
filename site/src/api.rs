//! The one typed client for the HTTP API (functions/openapi.yaml), plus the local sign-in
//! endpoints of the development stack. Every failure becomes an [`ApiError`] that reads as words.
//!
//! What goes over the wire is described once, in the `invitations-wire` crate the server uses
//! too; it is re-exported here so that pages say `api::Contract`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use invitations_wire::*;

mod audit;
mod join_links;
mod privacy;
mod programmes;
mod webhooks;

pub use audit::*;
pub use join_links::join_url;

// ---------------------------------------------------------------------------------------------
// The local stack's sign-in (tests/local-stack): development only, not part of the API
// ---------------------------------------------------------------------------------------------

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

impl ApiError {
    pub fn network() -> Self {
        Self {
            status: 0,
            code: "network".into(),
            title: "No connection".into(),
            detail: "We could not reach the server. Check your connection and try again.".into(),
        }
    }

    /// From a response that was not a success; the body is used when it is a problem (not, for
    /// example, the gateway's own `{"message": ...}`).
    pub fn from_response(status: u16, body: &str) -> Self {
        match serde_json::from_str::<Problem>(body) {
            Ok(p) => Self {
                status,
                code: p.code,
                title: p.title,
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

use invitations_wire::routes::Route;

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
    /// The tab's filter: search, status, inviter, import, days.
    pub filter: InvitationFilter,
    /// Addresses z to a (else a to z).
    pub descending: bool,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// The `sort` parameter: only z to a is said (a to z is the API's own order).
fn sort_of(descending: bool) -> Option<&'static str> {
    descending.then_some("-email")
}

pub fn invitations_path(contract_id: &str, query: &InvitationQuery) -> String {
    let limit = query.limit.to_string();
    let mut pairs = query.filter.pairs().to_vec();
    pairs.extend([
        ("sort", sort_of(query.descending)),
        ("cursor", query.cursor.as_deref()),
        ("limit", (query.limit > 0).then_some(limit.as_str())),
    ]);
    format!(
        "{}{}",
        routes::LIST_INVITATIONS.to(&[contract_id]),
        query_string(&pairs)
    )
}

/// `GET /contracts/{id}/invitations/export`: the CSV of the invitations the tab's filter (not
/// the page) matches, in its order.
pub fn export_path(contract_id: &str, filter: &InvitationFilter, descending: bool) -> String {
    let mut pairs = filter.pairs().to_vec();
    pairs.push(("sort", sort_of(descending)));
    format!(
        "{}{}",
        routes::EXPORT_INVITATIONS.to(&[contract_id]),
        query_string(&pairs)
    )
}

/// The file name of a `Content-Disposition: attachment; filename="..."` header.
pub fn attachment_name(disposition: &str) -> Option<String> {
    let (_, rest) = disposition.split_once("filename=\"")?;
    let name = rest.split('"').next()?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// A downloaded file: its name and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    pub file_name: String,
    pub text: String,
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

    /// One request, answered as text when it succeeds. Not generic, so its code is in the wasm
    /// once rather than once per answer type.
    async fn send_text(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
    ) -> Result<String, ApiError> {
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
            Ok(text)
        } else {
            Err(ApiError::from_response(status, &text))
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        url: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let text = self.send_text(method, url, body).await?;
        serde_json::from_str(&text).map_err(|_| ApiError::unreadable())
    }

    /// A request to `route` (the wire crate's route table: its method, its path with
    /// `params` in place), with `query` after the path and a JSON body for a POST.
    async fn call<T: DeserializeOwned>(
        &self,
        route: &Route,
        params: &[&str],
        query: &str,
        body: Option<&dyn erased::Body>,
    ) -> Result<T, ApiError> {
        let url = self.url(&format!("{}{query}", route.to(params)));
        let body = match body {
            Some(b) => Some(b.json().ok_or_else(ApiError::unreadable)?),
            None if route.method == "POST" => Some("{}".to_owned()),
            None => None,
        };
        self.send(route.method, &url, body).await
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
        let query = query_string(&[("q", Some(q.trim()))]);
        let list: ContractList = self
            .call(&routes::LIST_CONTRACTS, &[], &query, None)
            .await?;
        Ok(list.contracts)
    }

    pub async fn contract(&self, id: &str) -> Result<Contract, ApiError> {
        self.call(&routes::GET_CONTRACT, &[id], "", None).await
    }

    pub async fn invitations(
        &self,
        contract_id: &str,
        query: &InvitationQuery,
    ) -> Result<InvitationList, ApiError> {
        self.get(&invitations_path(contract_id, query)).await
    }

    /// How many invitations the filter (the tab's search and status) matches over every page:
    /// what acting on all that match acts on.
    pub async fn count_invitations(
        &self,
        contract_id: &str,
        filter: &InvitationFilter,
    ) -> Result<InvitationCount, ApiError> {
        let query = query_string(&filter.pairs());
        self.call(&routes::COUNT_INVITATIONS, &[contract_id], &query, None)
            .await
    }

    /// One invitation as its row shows it: a row read again while its mail goes out.
    pub async fn invitation(
        &self,
        contract_id: &str,
        invitation_id: &str,
    ) -> Result<Invitation, ApiError> {
        let params = [contract_id, invitation_id];
        self.call(&routes::GET_INVITATION, &params, "", None).await
    }

    pub async fn history(
        &self,
        contract_id: &str,
        invitation_id: &str,
        cursor: Option<&str>,
    ) -> Result<InvitationHistory, ApiError> {
        let query = query_string(&[("cursor", cursor)]);
        self.call(
            &routes::INVITATION_HISTORY,
            &[contract_id, invitation_id],
            &query,
            None,
        )
        .await
    }

    /// The CSV export of the invitations the filter matches, in the list's order.
    pub async fn export(
        &self,
        contract_id: &str,
        filter: &InvitationFilter,
        descending: bool,
    ) -> Result<Download, ApiError> {
        let path = export_path(contract_id, filter, descending);
        self.download(&path, "text/csv", "invitations.csv").await
    }

    /// A file the API answers (`Content-Disposition` names it, else `fallback`).
    async fn download(
        &self,
        path: &str,
        accept: &str,
        fallback: &str,
    ) -> Result<Download, ApiError> {
        use gloo_net::http::Request;
        let mut req = Request::get(&self.url(path)).header("Accept", accept);
        if let Some(token) = &self.token {
            req = req.header("Authorization", &format!("Bearer {token}"));
        }
        let resp = req.send().await.map_err(|_| ApiError::network())?;
        let status = resp.status();
        let disposition = resp.headers().get("content-disposition");
        let text = resp.text().await.map_err(|_| ApiError::network())?;
        if !(200..300).contains(&status) {
            return Err(ApiError::from_response(status, &text));
        }
        Ok(Download {
            file_name: disposition
                .as_deref()
                .and_then(attachment_name)
                .unwrap_or_else(|| fallback.into()),
            text,
        })
    }

    pub async fn invite(
        &self,
        contract_id: &str,
        people: &AddInvitations,
    ) -> Result<AddResult, ApiError> {
        self.call(&routes::ADD_INVITATIONS, &[contract_id], "", Some(people))
            .await
    }

    pub async fn resend(
        &self,
        contract_id: &str,
        invitation_id: &str,
    ) -> Result<InvitationChange, ApiError> {
        self.call(&routes::RESEND, &[contract_id, invitation_id], "", None)
            .await
    }

    pub async fn revoke(
        &self,
        contract_id: &str,
        invitation_id: &str,
    ) -> Result<InvitationChange, ApiError> {
        self.call(&routes::REVOKE, &[contract_id, invitation_id], "", None)
            .await
    }

    /// One request of a bulk action (`route`: `RESEND_MANY`, `EXTEND_MANY` or `REVOKE_MANY`):
    /// at most a page of invitations; send the same request with the answer's continuation for
    /// the rest.
    pub async fn bulk(
        &self,
        contract_id: &str,
        route: &Route,
        request: &BulkRequest,
    ) -> Result<BulkResult, ApiError> {
        self.call(route, &[contract_id], "", Some(request)).await
    }

    /// Moves a pending invitation whose mail could not be delivered to the address it should
    /// have had: same invitation, a new link, a new mail; the old link stops working. Refused
    /// with a sentence (`invalid_email`, `same_address`, `already_invited`, `already_enrolled`,
    /// `revoked`).
    pub async fn correct_address(
        &self,
        contract_id: &str,
        invitation_id: &str,
        email: &str,
    ) -> Result<InvitationChange, ApiError> {
        let body = CorrectAddress {
            email: email.trim().to_owned(),
        };
        let params = [contract_id, invitation_id];
        self.call(&routes::CORRECT_ADDRESS, &params, "", Some(&body))
            .await
    }

    /// Lifts the block on the invitation's address (it bounced for good or was marked as spam),
    /// so it can be sent to again; `changed` is false when there was no block.
    pub async fn clear_block(
        &self,
        contract_id: &str,
        invitation_id: &str,
    ) -> Result<InvitationChange, ApiError> {
        let params = [contract_id, invitation_id];
        self.call(&routes::CLEAR_BLOCK, &params, "", None).await
    }

    /// Saves the contract's invitation mail (its language and text); answers the contract. A
    /// text the server refuses is a 422 `invalid_mail_template` whose detail names the field.
    pub async fn save_mail(
        &self,
        contract_id: &str,
        mail: &MailSettingsRequest,
    ) -> Result<Contract, ApiError> {
        self.call(&routes::SET_MAIL, &[contract_id], "", Some(mail))
            .await
    }

    /// Queues a test of the mail as drafted (not saved) to the caller's own address: marked
    /// "[Test]", with a link that enrols nobody.
    pub async fn test_mail(
        &self,
        contract_id: &str,
        mail: &MailSettingsRequest,
    ) -> Result<TestMailQueued, ApiError> {
        self.call(&routes::TEST_MAIL, &[contract_id], "", Some(mail))
            .await
    }

    /// Saves the contract's reminder plan; answers the contract (422 `invalid_reminder_plan`).
    pub async fn save_reminders(
        &self,
        contract_id: &str,
        plan: &ReminderPlan,
    ) -> Result<Contract, ApiError> {
        self.call(&routes::SET_REMINDERS, &[contract_id], "", Some(plan))
            .await
    }

    /// How the contract's invitations turn into enrolments, and its seats day by day.
    pub async fn funnel(&self, contract_id: &str) -> Result<Funnel, ApiError> {
        self.call(&routes::FUNNEL, &[contract_id], "", None).await
    }

    pub async fn users(&self, q: &str) -> Result<Vec<User>, ApiError> {
        Ok(self.users_page(q, None).await?.users)
    }

    /// A page of the directory (50 people), from `cursor` (the previous page's `next_cursor`).
    pub async fn users_page(&self, q: &str, cursor: Option<&str>) -> Result<UserList, ApiError> {
        let query = query_string(&[
            ("q", Some(q.trim())),
            ("limit", Some("50")),
            ("cursor", cursor),
        ]);
        self.call(&routes::SEARCH_USERS, &[], &query, None).await
    }

    /// Adds a person to the directory: the sign-in service mails them a temporary password
    /// (`created`), or the address already had an account (answered as it is). System
    /// administrators only.
    pub async fn add_person(&self, person: &NewPerson) -> Result<PersonAdded, ApiError> {
        self.call(&routes::ADD_PERSON, &[], "", Some(person)).await
    }

    /// Makes a person a system administrator (a member of `system-admins`); the answer is the
    /// person after the change. Granting it again changes nothing.
    pub async fn grant_system_admin(&self, user_id: &str) -> Result<User, ApiError> {
        self.call(&routes::GRANT_SYSTEM_ADMIN, &[user_id], "", None)
            .await
    }

    /// Withdraws a person's system administration; refused (409 `own_system_admin`) for the
    /// caller's own.
    pub async fn withdraw_system_admin(&self, user_id: &str) -> Result<User, ApiError> {
        self.call(&routes::WITHDRAW_SYSTEM_ADMIN, &[user_id], "", None)
            .await
    }

    pub async fn admins(&self, contract_id: &str) -> Result<Vec<Admin>, ApiError> {
        let list: AdminList = self
            .call(&routes::LIST_ADMINS, &[contract_id], "", None)
            .await?;
        Ok(list.admins)
    }

    /// Adding someone who is already an admin changes nothing. System administrators only.
    pub async fn add_admin(
        &self,
        contract_id: &str,
        user_id: &str,
    ) -> Result<Vec<Admin>, ApiError> {
        let body = NewAdmin {
            user_id: user_id.to_owned(),
        };
        let list: AdminList = self
            .call(&routes::ADD_ADMIN, &[contract_id], "", Some(&body))
            .await?;
        Ok(list.admins)
    }

    /// Removing someone who is not an admin changes nothing. System administrators only.
    pub async fn remove_admin(
        &self,
        contract_id: &str,
        user_id: &str,
    ) -> Result<Vec<Admin>, ApiError> {
        let list: AdminList = self
            .call(&routes::REMOVE_ADMIN, &[contract_id, user_id], "", None)
            .await?;
        Ok(list.admins)
    }

    /// A CSV upload to come (`import`: its activities, mode and the defaults for its rows; the
    /// file's name and size are `file`'s).
    pub async fn announce_import(
        &self,
        contract_id: &str,
        file_name: &str,
        file_size: u64,
        import: NewImport,
    ) -> Result<AnnouncedImport, ApiError> {
        let body = NewImport {
            file_name: Some(file_name.to_owned()),
            file_size,
            ..import
        };
        self.call(&routes::ANNOUNCE_IMPORT, &[contract_id], "", Some(&body))
            .await
    }

    pub async fn imports(&self, contract_id: &str) -> Result<Vec<Import>, ApiError> {
        let list: ImportList = self
            .call(&routes::LIST_IMPORTS, &[contract_id], "", None)
            .await?;
        Ok(list.imports)
    }

    /// "Invite these": a new import of a finished check's stored file, with its activities.
    pub async fn invite_checked(
        &self,
        contract_id: &str,
        check_id: &str,
    ) -> Result<Import, ApiError> {
        self.call(&routes::INVITE_CHECKED, &[contract_id, check_id], "", None)
            .await
    }

    pub async fn import(&self, contract_id: &str, import_id: &str) -> Result<Import, ApiError> {
        self.call(&routes::GET_IMPORT, &[contract_id, import_id], "", None)
            .await
    }

    /// What a student's link is for. No Authorization: the token is the credential.
    pub async fn invitation_page(&self, token: &str) -> Result<InvitationPage, ApiError> {
        let query = query_string(&[("token", Some(token))]);
        self.call(&routes::INVITATION, &[], &query, None).await
    }

    pub async fn enrol(&self, token: &str, name: Option<&str>) -> Result<InvitationPage, ApiError> {
        let body = EnrolRequest {
            token: token.to_owned(),
            name: name.map(str::to_owned),
        };
        self.call(&routes::ENROL, &[], "", Some(&body)).await
    }
}

/// A request body of any wire type, as JSON (a trait object, so that `Api::call` is in the wasm
/// once rather than once per body type).
mod erased {
    pub trait Body {
        fn json(&self) -> Option<String>;
    }

    impl<T: serde::Serialize> Body for T {
        fn json(&self) -> Option<String> {
            serde_json::to_string(self).ok()
        }
    }
}

/// The local stack's sign-in, at the root of the API's origin (not under api_base).
pub mod local {
    use super::*;

    pub async fn users(origin: &str) -> Result<Vec<LocalUser>, ApiError> {
        Api::new(origin, None).get("/local/users").await
    }

    pub async fn sign_in(origin: &str, user_id: &str) -> Result<SignedToken, ApiError> {
        // A struct, not `json!`: serde_json's Value and its map would add to the wasm.
        #[derive(Serialize)]
        struct SignIn<'a> {
            user_id: &'a str,
        }
        Api::new(origin, None)
            .post("/local/sign-in", &SignIn { user_id })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_paths_carry_only_the_filters_in_use() {
        let q = InvitationQuery {
            filter: InvitationFilter {
                q: Some(" Ann@Example ".into()),
                status: Some(InvitationStatus::Pending),
                ..InvitationFilter::default()
            },
            descending: false,
            cursor: Some("a+b/c".into()),
            limit: 50,
        };
        assert_eq!(
            invitations_path("c-1", &q),
            "/contracts/c-1/invitations?q=Ann%40Example&status=pending&cursor=a%2Bb%2Fc&limit=50"
        );
        let narrowed = InvitationQuery {
            filter: InvitationFilter {
                invited_by: Some("u-1".into()),
                import: Some("imp-1".into()),
                invited_from: Some("2026-03-01".into()),
                invited_to: Some("2026-03-31".into()),
                ..InvitationFilter::default()
            },
            descending: true,
            ..InvitationQuery::default()
        };
        assert_eq!(
            invitations_path("c-1", &narrowed),
            "/contracts/c-1/invitations?invited_by=u-1&import=imp-1&invited_from=2026-03-01\
             &invited_to=2026-03-31&sort=-email"
        );
        assert_eq!(
            invitations_path("c-1", &InvitationQuery::default()),
            "/contracts/c-1/invitations"
        );
    }

    #[test]
    fn paths_come_from_the_route_table_with_each_segment_encoded() {
        assert_eq!(
            routes::REMOVE_ADMIN.to(&["c-1", "ada/admin"]),
            "/contracts/c-1/admins/ada%2Fadmin/remove"
        );
        assert_eq!(
            routes::CORRECT_ADDRESS.to(&["c 1", "i/2"]),
            "/contracts/c%201/invitations/i%2F2/correct-address"
        );
        let filter = InvitationFilter {
            q: Some(" x ".into()),
            status: Some(InvitationStatus::Revoked),
            ..InvitationFilter::default()
        };
        assert_eq!(
            export_path("c 1", &filter, true),
            "/contracts/c%201/invitations/export?q=x&status=revoked&sort=-email"
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
        // API Gateway's own answer to a missing or expired token (issue 26): the same words
        // as a problem from a function.
        let gateway = ApiError::from_response(401, r#"{"message":"Unauthorized"}"#);
        let problem = ApiError::from_response(
            401,
            r#"{"type":"about:blank#unauthenticated","title":"Unauthorized","status":401,"code":"unauthenticated","detail":"Sign in first."}"#,
        );
        for e in [&gateway, &problem] {
            assert!(e.is_unauthenticated(), "{e:?}");
        }
        assert_eq!(
            gateway.to_string(),
            "Your session has ended. Please sign in again."
        );
    }
}
