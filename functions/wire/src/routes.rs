//! Every route of the HTTP API, once (issue 27): its method and path, the function that serves
//! it (the template's `BuildProperties.Binary`) and whether it is public. The functions dispatch
//! from this table, the site builds its requests from it (`Route::to`), and the checks of
//! infra/template.yaml, functions/openapi.yaml and the event files read it, so a route added
//! here and missing there (or the other way round) fails a test.
//!
//! Bodies: the request and response types of each route are named in its comment and in
//! functions/openapi.yaml.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// One route: `method path`, served by `function`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// The Lambda function (its binary) that serves it.
    pub function: &'static str,
    /// Public: no sign-in (the student pages; the link's token is the credential).
    pub public: bool,
}

/// Path parameters by name, decoded.
pub type PathParams = Vec<(&'static str, String)>;

/// What a path segment keeps as it is: RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Route {
    const fn admin(method: &'static str, path: &'static str, function: &'static str) -> Self {
        Self {
            method,
            path,
            function,
            public: false,
        }
    }

    const fn public(method: &'static str, path: &'static str, function: &'static str) -> Self {
        Self {
            method,
            path,
            function,
            public: true,
        }
    }

    /// `METHOD /path`, as API Gateway names a route.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The path with `params` in the places of its `{name}`s, in order, each percent-encoded.
    pub fn to(&self, params: &[&str]) -> String {
        let mut values = params.iter();
        let path: String = self
            .path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    let value = values
                        .next()
                        .unwrap_or_else(|| panic!("{}: too few parameters", self.key()));
                    utf8_percent_encode(value, SEGMENT).to_string()
                } else {
                    segment.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        assert!(
            values.next().is_none(),
            "{}: too many parameters",
            self.key()
        );
        path
    }

    /// Whether it acts on one contract (`/contracts/{id}...`): the admin functions check once,
    /// before its handler runs, that the caller manages that contract.
    pub fn names_a_contract(&self) -> bool {
        self.path.starts_with("/contracts/{id}")
    }

    /// The names of its path parameters, in order.
    pub fn param_names(&self) -> impl Iterator<Item = &'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
    }

    /// Its path parameters (decoded) when `method path` is this route.
    pub fn matches(&self, method: &str, path: &str) -> Option<PathParams> {
        if method != self.method {
            return None;
        }
        let want: Vec<&'static str> = self.path.trim_matches('/').split('/').collect();
        let got: Vec<&str> = path.trim_matches('/').split('/').collect();
        if want.len() != got.len() {
            return None;
        }
        let mut params = Vec::new();
        for (w, g) in want.into_iter().zip(got) {
            match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) if !g.is_empty() => {
                    let value = percent_decode_str(g).decode_utf8().ok()?;
                    params.push((name, value.into_owned()));
                }
                Some(_) => return None,
                None if w == g => {}
                None => return None,
            }
        }
        Some(params)
    }
}

// The admin site's reads (`admin-read`: its role allows no write).
/// `GET /contracts?q=`: `ContractList`.
pub const LIST_CONTRACTS: Route = Route::admin("GET", "/contracts", "admin-read");
/// `Contract`.
pub const GET_CONTRACT: Route = Route::admin("GET", "/contracts/{id}", "admin-read");
/// `GET /users?q=`: `UserList` (the directory).
pub const SEARCH_USERS: Route = Route::admin("GET", "/users", "admin-read");
/// `?q=&status=&cursor=&limit=`: `InvitationList`.
pub const LIST_INVITATIONS: Route =
    Route::admin("GET", "/contracts/{id}/invitations", "admin-read");
/// `?q=&status=`: a CSV file.
pub const EXPORT_INVITATIONS: Route =
    Route::admin("GET", "/contracts/{id}/invitations/export", "admin-read");
/// `?cursor=`: `History`.
pub const INVITATION_HISTORY: Route = Route::admin(
    "GET",
    "/contracts/{id}/invitations/{invitationId}/history",
    "admin-read",
);
/// `ImportList`.
pub const LIST_IMPORTS: Route = Route::admin("GET", "/contracts/{id}/imports", "admin-read");
/// `Import`.
pub const GET_IMPORT: Route =
    Route::admin("GET", "/contracts/{id}/imports/{importId}", "admin-read");
/// `AdminList`.
pub const LIST_ADMINS: Route = Route::admin("GET", "/contracts/{id}/admins", "admin-read");
/// `Funnel`.
pub const FUNNEL: Route = Route::admin("GET", "/contracts/{id}/funnel", "admin-read");

// Inviting (`add-invitations`).
/// `AddInvitations` -> `AddInvitationsResult`.
pub const ADD_INVITATIONS: Route =
    Route::admin("POST", "/contracts/{id}/invitations", "add-invitations");
/// `AnnounceImport` -> `AnnouncedImport` (a presigned upload).
pub const ANNOUNCE_IMPORT: Route =
    Route::admin("POST", "/contracts/{id}/imports", "add-invitations");
/// "Invite these N" after a check: `Import`.
pub const INVITE_CHECKED: Route = Route::admin(
    "POST",
    "/contracts/{id}/imports/{importId}/invite",
    "add-invitations",
);

// One invitation, or many (`BulkRequest` -> `BulkResult`).
/// `Invitation`.
pub const RESEND: Route = Route::admin(
    "POST",
    "/contracts/{id}/invitations/{invitationId}/resend",
    "resend",
);
pub const RESEND_MANY: Route = Route::admin("POST", "/contracts/{id}/invitations/resend", "resend");
/// `Invitation`; refused once the student has enrolled.
pub const REVOKE: Route = Route::admin(
    "POST",
    "/contracts/{id}/invitations/{invitationId}/revoke",
    "revoke",
);
pub const REVOKE_MANY: Route = Route::admin("POST", "/contracts/{id}/invitations/revoke", "revoke");
/// `Invitation`.
pub const EXTEND: Route = Route::admin(
    "POST",
    "/contracts/{id}/invitations/{invitationId}/extend",
    "extend",
);
pub const EXTEND_MANY: Route = Route::admin("POST", "/contracts/{id}/invitations/extend", "extend");
/// `CorrectAddress` -> `Invitation`.
pub const CORRECT_ADDRESS: Route = Route::admin(
    "POST",
    "/contracts/{id}/invitations/{invitationId}/correct-address",
    "correct-address",
);
/// `Invitation`.
pub const CLEAR_BLOCK: Route = Route::admin(
    "POST",
    "/contracts/{id}/invitations/{invitationId}/clear-block",
    "correct-address",
);

// A contract's admins (`contract-admins`): `AddAdmin` -> `AdminList`.
pub const ADD_ADMIN: Route = Route::admin("POST", "/contracts/{id}/admins", "contract-admins");
pub const REMOVE_ADMIN: Route = Route::admin(
    "POST",
    "/contracts/{id}/admins/{userId}/remove",
    "contract-admins",
);

// A contract's mail and reminders (`contract-settings`).
/// `ContractMail` -> `Contract`.
pub const SET_MAIL: Route = Route::admin("POST", "/contracts/{id}/mail", "contract-settings");
/// `ContractMail` -> `TestMailSent`.
pub const TEST_MAIL: Route = Route::admin("POST", "/contracts/{id}/mail/test", "contract-settings");
/// `ReminderPlan` -> `Contract`.
pub const SET_REMINDERS: Route =
    Route::admin("POST", "/contracts/{id}/reminders", "contract-settings");

// People (`people`: the only function that changes the user pool).
/// `NewPerson` -> `PersonAdded`.
pub const ADD_PERSON: Route = Route::admin("POST", "/users", "people");
/// `User`.
pub const GRANT_SYSTEM_ADMIN: Route =
    Route::admin("POST", "/users/{userId}/system-admin", "people");
pub const WITHDRAW_SYSTEM_ADMIN: Route =
    Route::admin("POST", "/users/{userId}/system-admin/remove", "people");

// The student's pages (`enrol`), public.
/// `InvitationQuery` -> `InvitationPage`.
pub const INVITATION: Route = Route::public("GET", "/invitation", "enrol");
/// `EnrolRequest` -> `InvitationPage`.
pub const ENROL: Route = Route::public("POST", "/enrol", "enrol");

/// Every route.
pub const ROUTES: &[Route] = &[
    LIST_CONTRACTS,
    GET_CONTRACT,
    SEARCH_USERS,
    LIST_INVITATIONS,
    EXPORT_INVITATIONS,
    INVITATION_HISTORY,
    LIST_IMPORTS,
    GET_IMPORT,
    LIST_ADMINS,
    FUNNEL,
    ADD_INVITATIONS,
    ANNOUNCE_IMPORT,
    INVITE_CHECKED,
    RESEND,
    RESEND_MANY,
    REVOKE,
    REVOKE_MANY,
    EXTEND,
    EXTEND_MANY,
    CORRECT_ADDRESS,
    CLEAR_BLOCK,
    ADD_ADMIN,
    REMOVE_ADMIN,
    SET_MAIL,
    TEST_MAIL,
    SET_REMINDERS,
    ADD_PERSON,
    GRANT_SYSTEM_ADMIN,
    WITHDRAW_SYSTEM_ADMIN,
    INVITATION,
    ENROL,
];

/// The routes `function` serves.
pub fn of(function: &str) -> impl Iterator<Item = &'static Route> + '_ {
    ROUTES.iter().filter(move |r| r.function == function)
}

/// The route `method path` is, with its parameters; or, when none is, whether another method
/// has that path (405 rather than 404).
pub fn find<'r>(
    routes: impl IntoIterator<Item = &'r Route>,
    method: &str,
    path: &str,
) -> Result<(&'r Route, PathParams), Unrouted> {
    let mut other_method = false;
    for route in routes {
        if let Some(params) = route.matches(method, path) {
            return Ok((route, params));
        }
        other_method |= route.matches(route.method, path).is_some();
    }
    Err(if other_method {
        Unrouted::MethodNotAllowed
    } else {
        Unrouted::NotFound
    })
}

/// Why no route took a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unrouted {
    NotFound,
    MethodNotAllowed,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_route_is_in_the_table_once() {
        let keys: BTreeSet<String> = ROUTES.iter().map(Route::key).collect();
        assert_eq!(keys.len(), ROUTES.len());
    }

    #[test]
    fn a_path_is_built_and_read_back_with_its_parameters_encoded() {
        let path = REVOKE.to(&["A b", "x/y"]);
        assert_eq!(path, "/contracts/A%20b/invitations/x%2Fy/revoke");
        assert_eq!(
            REVOKE.matches("POST", &path),
            Some(vec![
                ("id", "A b".to_owned()),
                ("invitationId", "x/y".to_owned())
            ])
        );
        assert_eq!(REVOKE.matches("GET", &path), None);
        assert_eq!(REVOKE_MANY.matches("POST", &path), None);
        assert_eq!(LIST_CONTRACTS.to(&[]), "/contracts");
        assert_eq!(
            REMOVE_ADMIN.param_names().collect::<Vec<_>>(),
            ["id", "userId"]
        );
    }

    #[test]
    fn a_fixed_segment_is_not_a_parameter() {
        // `/invitations/export` is the export, not an invitation called "export".
        assert!(EXPORT_INVITATIONS
            .matches("GET", "/contracts/A/invitations/export")
            .is_some());
        assert_eq!(
            find(ROUTES, "GET", "/contracts/A/invitations/export").map(|(r, _)| *r),
            Ok(EXPORT_INVITATIONS)
        );
        assert_eq!(
            find(ROUTES, "DELETE", "/contracts/A").err(),
            Some(Unrouted::MethodNotAllowed)
        );
        assert_eq!(find(ROUTES, "GET", "/nope").err(), Some(Unrouted::NotFound));
    }
}
