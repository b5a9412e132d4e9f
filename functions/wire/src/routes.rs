//! Every route of the HTTP API, once (issue 27): its method and path, the function that serves
//! it (the template's `BuildProperties.Binary`), whether it is public, and the wire types of its
//! request and response bodies. The functions dispatch from this table, the site builds its
//! requests from it (`Route::to`), and the checks of infra/template.yaml, functions/openapi.yaml
//! (paths and bodies, field by field) and the event files read it, so a route added here and
//! missing there (or the other way round) fails a test.

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
    /// The JSON body it reads, if any.
    pub request: Option<Body>,
    /// The JSON body of its success, if any (none: a file to download).
    pub response: Option<Body>,
}

/// A JSON body: a type of this crate, by the name the OpenAPI document gives its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Body {
    pub name: &'static str,
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

/// The route table: each route as `NAME = admin|public METHOD PATH by FUNCTION`, then the body
/// it `takes` and the one it `answers` (none: no JSON body). It makes a constant per route,
/// [`ROUTES`], and (with the `schema` feature) the JSON Schemas of the bodies it names.
macro_rules! routes {
    ($(
        $(#[$doc:meta])*
        $name:ident = $access:ident $method:literal $path:literal by $function:literal
            $(takes $request:ident)? $(answers $response:ident)?;
    )*) => {
        $(
            $(#[$doc])*
            pub const $name: Route = Route {
                method: $method,
                path: $path,
                function: $function,
                public: routes!(@public $access),
                request: routes!(@body $($request)?),
                response: routes!(@body $($response)?),
            };
        )*

        /// Every route.
        pub const ROUTES: &[Route] = &[$($name),*];

        /// The JSON Schema of every body the routes read, by name (tests/tests/openapi.rs
        /// compares them with functions/openapi.yaml).
        #[cfg(feature = "schema")]
        pub fn request_schemas() -> Vec<(&'static str, SchemaFn)> {
            vec![$($((stringify!($request), |g| g.subschema_for::<crate::$request>()),)?)*]
        }

        /// The JSON Schema of every body the routes answer, by name.
        #[cfg(feature = "schema")]
        pub fn response_schemas() -> Vec<(&'static str, SchemaFn)> {
            vec![$($((stringify!($response), |g| g.subschema_for::<crate::$response>()),)?)*]
        }
    };
    (@public admin) => { false };
    (@public public) => { true };
    (@body) => { None };
    (@body $type:ident) => { Some(Body { name: stringify!($type) }) };
}

/// Adds a body type's JSON Schema to a generator's definitions (answering its reference).
#[cfg(feature = "schema")]
pub type SchemaFn = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

routes! {
    // The admin site's reads (`admin-read`: its role allows no write).
    /// `?q=`.
    LIST_CONTRACTS = admin "GET" "/contracts" by "admin-read" answers ContractList;
    GET_CONTRACT = admin "GET" "/contracts/{id}" by "admin-read" answers Contract;
    /// `?q=`: the directory.
    SEARCH_USERS = admin "GET" "/users" by "admin-read" answers UserList;
    /// `?q=&status=&invited_by=&import=&invited_from=&invited_to=&sort=&cursor=&limit=`.
    LIST_INVITATIONS = admin "GET" "/contracts/{id}/invitations" by "admin-read"
        answers InvitationList;
    /// The list's filter (`?q=&status=&invited_by=...`): how many `LIST_INVITATIONS` would
    /// list, over every page.
    COUNT_INVITATIONS = admin "GET" "/contracts/{id}/invitations/count" by "admin-read"
        answers InvitationCount;
    /// One invitation as its row shows it: what a row reads again after a change, until its
    /// mail is sent.
    GET_INVITATION = admin "GET" "/contracts/{id}/invitations/{invitationId}" by "admin-read"
        answers Invitation;
    /// The list's filter and `sort`: a CSV file.
    EXPORT_INVITATIONS = admin "GET" "/contracts/{id}/invitations/export" by "admin-read";
    /// `?cursor=`.
    INVITATION_HISTORY = admin "GET" "/contracts/{id}/invitations/{invitationId}/history"
        by "admin-read" answers InvitationHistory;
    LIST_IMPORTS = admin "GET" "/contracts/{id}/imports" by "admin-read" answers ImportList;
    GET_IMPORT = admin "GET" "/contracts/{id}/imports/{importId}" by "admin-read" answers Import;
    LIST_ADMINS = admin "GET" "/contracts/{id}/admins" by "admin-read" answers AdminList;
    FUNNEL = admin "GET" "/contracts/{id}/funnel" by "admin-read" answers Funnel;
    /// `?actor=&action=&from=&to=&cursor=&limit=`: the contract's audit, newest first (issue 32).
    CONTRACT_AUDIT = admin "GET" "/contracts/{id}/audit" by "admin-read" answers AuditPage;
    /// The audit's filter and `format=csv|json`: a file.
    EXPORT_AUDIT = admin "GET" "/contracts/{id}/audit/export" by "admin-read";
    /// The contract's groups (cohorts), each with its figures (issue 31).
    LIST_GROUPS = admin "GET" "/contracts/{id}/groups" by "admin-read" answers GroupList;

    // Inviting (`add-invitations`).
    ADD_INVITATIONS = admin "POST" "/contracts/{id}/invitations" by "add-invitations"
        takes AddInvitations answers AddResult;
    /// A presigned upload of a CSV file.
    ANNOUNCE_IMPORT = admin "POST" "/contracts/{id}/imports" by "add-invitations"
        takes NewImport answers AnnouncedImport;
    /// "Invite these N" after a check.
    INVITE_CHECKED = admin "POST" "/contracts/{id}/imports/{importId}/invite"
        by "add-invitations" answers Import;

    // One invitation, or many.
    RESEND = admin "POST" "/contracts/{id}/invitations/{invitationId}/resend" by "resend"
        answers InvitationChange;
    RESEND_MANY = admin "POST" "/contracts/{id}/invitations/resend" by "resend"
        takes BulkRequest answers BulkResult;
    /// Refused once the student has enrolled.
    REVOKE = admin "POST" "/contracts/{id}/invitations/{invitationId}/revoke" by "revoke"
        answers InvitationChange;
    REVOKE_MANY = admin "POST" "/contracts/{id}/invitations/revoke" by "revoke"
        takes BulkRequest answers BulkResult;
    EXTEND = admin "POST" "/contracts/{id}/invitations/{invitationId}/extend" by "extend"
        answers InvitationChange;
    EXTEND_MANY = admin "POST" "/contracts/{id}/invitations/extend" by "extend"
        takes BulkRequest answers BulkResult;
    CORRECT_ADDRESS = admin "POST" "/contracts/{id}/invitations/{invitationId}/correct-address"
        by "correct-address" takes CorrectAddress answers InvitationChange;
    CLEAR_BLOCK = admin "POST" "/contracts/{id}/invitations/{invitationId}/clear-block"
        by "correct-address" answers InvitationChange;

    // A contract's admins (`contract-admins`).
    ADD_ADMIN = admin "POST" "/contracts/{id}/admins" by "contract-admins"
        takes NewAdmin answers AdminList;
    REMOVE_ADMIN = admin "POST" "/contracts/{id}/admins/{userId}/remove" by "contract-admins"
        answers AdminList;

    // A contract's mail and reminders (`contract-settings`).
    SET_MAIL = admin "POST" "/contracts/{id}/mail" by "contract-settings"
        takes MailSettingsRequest answers Contract;
    TEST_MAIL = admin "POST" "/contracts/{id}/mail/test" by "contract-settings"
        takes MailSettingsRequest answers TestMailQueued;
    SET_REMINDERS = admin "POST" "/contracts/{id}/reminders" by "contract-settings"
        takes ReminderPlan answers Contract;
    /// System administrators: the contract's dates (scheduled mails follow its start).
    SET_DATES = admin "POST" "/contracts/{id}/dates" by "contract-settings"
        takes ContractDates answers Contract;
    /// The caller's own mail about this contract: enrolments (each, daily, off), seat alerts.
    GET_NOTIFICATIONS = admin "GET" "/contracts/{id}/notifications" by "contract-settings"
        answers NotificationSettings;
    SET_NOTIFICATIONS = admin "POST" "/contracts/{id}/notifications" by "contract-settings"
        takes NotificationSettings answers NotificationSettings;

    // A contract's join links (`join-links`, issue 30).
    LIST_JOIN_LINKS = admin "GET" "/contracts/{id}/join-links" by "join-links"
        answers JoinLinkList;
    ADD_JOIN_LINK = admin "POST" "/contracts/{id}/join-links" by "join-links"
        takes NewJoinLink answers JoinLink;
    /// A new code: the old one stops at once.
    REGENERATE_JOIN_LINK = admin "POST" "/contracts/{id}/join-links/{linkId}/regenerate"
        by "join-links" answers JoinLink;
    DISABLE_JOIN_LINK = admin "POST" "/contracts/{id}/join-links/{linkId}/disable"
        by "join-links" answers JoinLink;
    ENABLE_JOIN_LINK = admin "POST" "/contracts/{id}/join-links/{linkId}/enable"
        by "join-links" answers JoinLink;
    /// The contract's waiting list, first first (issue 30).
    LIST_WAITING = admin "GET" "/contracts/{id}/waiting-list" by "join-links"
        answers WaitingList;
    /// Moves someone to the front, up or down; answers the list as it is then.
    MOVE_WAITING = admin "POST" "/contracts/{id}/waiting-list/{entryId}/move" by "join-links"
        takes WaitingMove answers WaitingList;
    REMOVE_WAITING = admin "POST" "/contracts/{id}/waiting-list/{entryId}/remove"
        by "join-links" answers WaitingList;
    /// Joiners through links that need approval, waiting for an admin's yes (oldest first).
    LIST_JOIN_REQUESTS = admin "GET" "/contracts/{id}/join-requests" by "join-links"
        answers WaitingList;
    /// A place (or the waiting list when the contract is full); answers the requests left.
    APPROVE_JOIN_REQUEST = admin "POST" "/contracts/{id}/join-requests/{entryId}/approve"
        by "join-links" answers WaitingList;
    /// Off the requests, and a mail tells the person; answers the requests left.
    REFUSE_JOIN_REQUEST = admin "POST" "/contracts/{id}/join-requests/{entryId}/refuse"
        by "join-links" answers WaitingList;

    // People (`people`: the only function that changes the user pool).
    ADD_PERSON = admin "POST" "/users" by "people" takes NewPerson answers PersonAdded;
    GRANT_SYSTEM_ADMIN = admin "POST" "/users/{userId}/system-admin" by "people" answers User;
    WITHDRAW_SYSTEM_ADMIN = admin "POST" "/users/{userId}/system-admin/remove" by "people"
        answers User;
    /// System administrators (issue 32): forget a person, or everything held about an
    /// address as one file. Answers 202 with the request; it runs in the background.
    ADD_PRIVACY_REQUEST = admin "POST" "/privacy/requests" by "people"
        takes NewPrivacyRequest answers PrivacyRequest;
    LIST_PRIVACY_REQUESTS = admin "GET" "/privacy/requests" by "people"
        answers PrivacyRequestList;
    PRIVACY_REQUEST = admin "GET" "/privacy/requests/{requestId}" by "people"
        answers PrivacyRequest;

    // Webhook endpoints (`webhook-endpoints`): every contract's for system administrators,
    // one contract's for its admins.
    LIST_WEBHOOKS = admin "GET" "/webhooks" by "webhook-endpoints" answers WebhookEndpointList;
    ADD_WEBHOOK = admin "POST" "/webhooks" by "webhook-endpoints"
        takes NewWebhookEndpoint answers WebhookSecretShown;
    LIST_CONTRACT_WEBHOOKS = admin "GET" "/contracts/{id}/webhooks" by "webhook-endpoints"
        answers WebhookEndpointList;
    ADD_CONTRACT_WEBHOOK = admin "POST" "/contracts/{id}/webhooks" by "webhook-endpoints"
        takes NewWebhookEndpoint answers WebhookSecretShown;
    /// A new secret, shown once; the previous one signs too for a day.
    ROTATE_WEBHOOK_SECRET = admin "POST" "/webhooks/{endpointId}/rotate" by "webhook-endpoints"
        answers WebhookSecretShown;
    DISABLE_WEBHOOK = admin "POST" "/webhooks/{endpointId}/disable" by "webhook-endpoints"
        answers WebhookEndpoint;
    ENABLE_WEBHOOK = admin "POST" "/webhooks/{endpointId}/enable" by "webhook-endpoints"
        answers WebhookEndpoint;
    /// A `webhook.test` event, queued for the next delivery round.
    TEST_WEBHOOK = admin "POST" "/webhooks/{endpointId}/test" by "webhook-endpoints"
        answers WebhookQueued;
    /// `?cursor=`: newest first, each with its attempts.
    WEBHOOK_MESSAGES = admin "GET" "/webhooks/{endpointId}/messages" by "webhook-endpoints"
        answers WebhookMessageList;
    /// Every failed message since a time, again.
    REPLAY_WEBHOOK = admin "POST" "/webhooks/{endpointId}/replay" by "webhook-endpoints"
        takes WebhookReplay answers WebhookQueued;
    /// One message again, delivered or failed (the same id), from the start of the schedule.
    REPLAY_WEBHOOK_MESSAGE = admin "POST" "/webhooks/{endpointId}/messages/{messageId}/replay"
        by "webhook-endpoints" answers WebhookMessage;

    // The student's pages (`enrol`), public.
    /// `?token=`.
    INVITATION = public "GET" "/invitation" by "enrol" answers InvitationPage;
    ENROL = public "POST" "/enrol" by "enrol" takes EnrolRequest answers InvitationPage;

    // The joiner's pages (`join`, issue 30), public: the code is their credential.
    /// `?code=`.
    JOIN_PAGE = public "GET" "/join" by "join" answers JoinPage;
    /// Mails the address a one-time link that proves it (202).
    REQUEST_JOIN = public "POST" "/join" by "join" takes JoinRequest answers JoinProofSent;
    /// The proof from that mail: a place, and the invitation's token to enrol with.
    CONFIRM_JOIN = public "POST" "/join/confirm" by "join" takes JoinConfirm answers JoinConfirmed;
}

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
    let mut best: Option<(&'r Route, PathParams)> = None;
    for route in routes {
        if let Some(params) = route.matches(method, path) {
            // As API Gateway picks: the most specific route, the one with fewer parameters
            // (`.../invitations/count` before `.../invitations/{invitationId}`), whatever the
            // table's order.
            if best.as_ref().is_none_or(|(_, b)| params.len() < b.len()) {
                best = Some((route, params));
            }
        }
        other_method |= route.matches(route.method, path).is_some();
    }
    if let Some(found) = best {
        return Ok(found);
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
        // Whatever the order of the routes looked through: the most specific wins, as in API
        // Gateway.
        for path in ["export", "count"] {
            let path = format!("/contracts/A/invitations/{path}");
            let reversed: Vec<Route> = ROUTES.iter().rev().copied().collect();
            let found = find(&reversed, "GET", &path).map(|(r, _)| *r).unwrap();
            assert_ne!(found, GET_INVITATION, "{path}");
        }
        assert_eq!(
            find(ROUTES, "GET", "/contracts/A/invitations/i-1").map(|(r, _)| *r),
            Ok(GET_INVITATION)
        );
        assert_eq!(
            find(ROUTES, "DELETE", "/contracts/A").err(),
            Some(Unrouted::MethodNotAllowed)
        );
        assert_eq!(find(ROUTES, "GET", "/nope").err(), Some(Unrouted::NotFound));
    }
}
