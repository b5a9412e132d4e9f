//! What more than one admin function needs: an invitation as its row shows it, the Invitations
//! tab's filter, a contract's admin list, and the problems several routes answer alike.

use crate::views::{self, Names};
use crate::{App, Call};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use futures::StreamExt;
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::ports::{BlobError, InvitationQuery, Narrowing};
use invitations_wire as wire;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};

/// How long the browser has to start an upload, and to fetch a report.
pub const URL_LIFETIME: Duration = Duration::minutes(15);

/// One invitation as the caller's row shows it (what it offers depends on its address's block
/// and on who asks).
pub async fn shown(
    app: &App,
    caller: &Caller,
    contract: &Contract,
    inv: &Invitation,
    now: DateTime<Utc>,
) -> Result<wire::Invitation, Problem> {
    let block = app.blocks.address_block(inv.email.identity()).await?;
    let access = views::RowAccess {
        block: block.map(|b| b.kind),
        system_admin: caller.system_admin,
    };
    let names = names_of(app, [&inv.invited_by]).await?;
    Ok(views::invitation(inv, contract, now, access, &names))
}

/// The directory's names of these people, each looked up once, a few at a time (a page names
/// a handful of inviters; someone no longer in the directory has none).
pub async fn names_of<'a>(
    app: &App,
    ids: impl IntoIterator<Item = &'a UserId>,
) -> Result<Names, Problem> {
    let mut wanted: Vec<UserId> = ids.into_iter().cloned().collect();
    wanted.sort();
    wanted.dedup();
    let found: Vec<Option<User>> = futures::stream::iter(wanted)
        .map(|id| {
            let people = app.people.clone();
            async move { people.get_user(&id).await }
        })
        .buffered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    Ok(found
        .into_iter()
        .flatten()
        .map(|user| (user.id, user.name))
        .collect())
}

/// The invitation `id` of the call's contract as it is now, as its row shows it.
pub async fn shown_now(
    app: &App,
    call: &Call<'_>,
    id: &InvitationId,
) -> Result<wire::Invitation, Problem> {
    let contract = call.contract()?;
    let inv = app
        .invitations
        .get_invitation(&contract.id, id)
        .await?
        .ok_or_else(Problem::invitation_not_found)?;
    shown(app, &call.caller, contract, &inv, (app.clock)()).await
}

/// The invitation id a path names; one that cannot be an id is not found.
pub fn invitation_id(call: &Call<'_>) -> Result<InvitationId, Problem> {
    InvitationId::parse(call.param("invitationId")).map_err(|_| Problem::invitation_not_found())
}

/// The filter of the Invitations tab (issue 28): the search (lower-cased), the status, and who
/// invited, the import and the days. The list, its count and the export read it from the
/// query alike; a bulk action from its body's `filter`, with the same words.
#[derive(Debug, Clone, Default)]
pub struct TabFilter {
    pub q: String,
    pub status: Option<ShownStatus>,
    pub narrow: Narrowing,
}

impl TabFilter {
    /// The store's query of this filter, a page of `limit` from `cursor`, addresses in key
    /// order (`descending`: z to a).
    pub fn query(&self, descending: bool, cursor: Option<String>, limit: usize) -> InvitationQuery {
        InvitationQuery {
            email_prefix: self.q.clone(),
            status: self.status,
            narrow: self.narrow.clone(),
            descending,
            cursor,
            limit,
        }
    }
}

/// The query parameters a filter reads, each given once at most.
const FILTER_PARAMETERS: [&str; 7] = [
    "q",
    "status",
    "invited_by",
    "import",
    "invited_from",
    "invited_to",
    "group",
];

/// The Invitations tab's filter from the query (`q`, `status`, `invited_by`, `import`,
/// `invited_from`, `invited_to`, `group`), each refused in words when it cannot be read.
pub fn filter(req: &Request) -> Result<TabFilter, Problem> {
    for name in FILTER_PARAMETERS {
        http::once(req, name)?;
    }
    let given = |name: &str| http::query(req, name).filter(|v| !v.trim().is_empty());
    let status = match given("status") {
        None => None,
        Some(s) => Some(status(&s)?),
    };
    Ok(TabFilter {
        q: search(&http::query(req, "q").unwrap_or_default())?,
        status,
        narrow: narrowing(
            given("invited_by").as_deref(),
            given("import").as_deref(),
            given("invited_from").as_deref(),
            given("invited_to").as_deref(),
            given("group").as_deref(),
        )?,
    })
}

/// The Invitations tab's filter as a bulk action's body gives it.
pub fn body_filter(f: &wire::InvitationFilter) -> Result<TabFilter, Problem> {
    let given = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    Ok(TabFilter {
        q: search(f.q.as_deref().unwrap_or_default())?,
        status: f
            .status
            .map(|s| ShownStatus::parse(s.code()).expect("the wire's statuses")),
        narrow: narrowing(
            given(&f.invited_by).as_deref(),
            given(&f.import).as_deref(),
            given(&f.invited_from).as_deref(),
            given(&f.invited_to).as_deref(),
            given(&f.group).as_deref(),
        )?,
    })
}

/// The search text, trimmed and lower-cased; no longer than an address.
fn search(q: &str) -> Result<String, Problem> {
    if q.chars().count() > email::MAX_LENGTH {
        return Err(search_too_long());
    }
    Ok(q.trim().to_lowercase())
}

fn status(s: &str) -> Result<ShownStatus, Problem> {
    ShownStatus::parse(s).ok_or_else(|| {
        Problem::bad_request(
            "invalid_status",
            "The status must be one of pending, expired, enrolled or revoked.",
        )
    })
}

/// Who invited, the import, the days (`YYYY-MM-DD`, UTC, both included) and the group.
pub fn narrowing(
    invited_by: Option<&str>,
    import: Option<&str>,
    invited_from: Option<&str>,
    invited_to: Option<&str>,
    group: Option<&str>,
) -> Result<Narrowing, Problem> {
    let group = group
        .map(|g| {
            Group::parse(g).map_err(|e| {
                Problem::bad_request("invalid_group", format!("The group (group): {e}"))
            })
        })
        .transpose()?;
    let invited_by = invited_by
        .map(|v| {
            UserId::parse(v.trim()).map_err(|_| {
                Problem::bad_request(
                    "invalid_invited_by",
                    "The inviter (invited_by) must be a person's user id, as the list's \
                     invited_by gives it: 1 to 64 letters, digits, '-' or '_'.",
                )
            })
        })
        .transpose()?;
    let import = import
        .map(|v| {
            ImportId::parse(v.trim()).map_err(|_| {
                Problem::bad_request(
                    "invalid_import",
                    "The import must be the id of one of this learning contract's imports, as \
                     the imports list gives it: 1 to 64 letters, digits, '-' or '_'.",
                )
            })
        })
        .transpose()?;
    let from = invited_from
        .map(|v| day("The first day (invited_from)", v))
        .transpose()?;
    let to = invited_to
        .map(|v| day("The last day (invited_to)", v))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(Problem::bad_request(
                "invalid_date_range",
                format!(
                    "The first day (invited_from, {from}) is after the last (invited_to, \
                     {to}): give them the other way round, or only one of them."
                ),
            ));
        }
    }
    let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    Ok(Narrowing {
        invited_by,
        import,
        invited_from: from.map(midnight),
        // The last day is included: up to the next midnight.
        invited_before: to.and_then(|d| d.succ_opt()).map(midnight),
        group,
    })
}

/// A day written `YYYY-MM-DD` (`name`: the field, as a sentence starts with it).
pub fn day(name: &str, value: &str) -> Result<NaiveDate, Problem> {
    let value = value.trim();
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid_date",
                format!("{name} must be written YYYY-MM-DD, such as 2026-03-01 (a day in UTC)."),
            )
        })
}

/// The order of the list (`sort`): `email`, addresses a to z (the default), or `-email`, z to
/// a; whether it is z to a. Only the address: it is the key both the contract's partition and
/// the status index are read in, so it holds across pages; the table has no index by date.
pub fn descending(req: &Request) -> Result<bool, Problem> {
    let given = req
        .query_string_parameters_ref()
        .and_then(|q| q.all("sort"))
        .map_or(0, |all| all.len());
    if given > 1 {
        return Err(Problem::bad_request(
            "repeated_parameter",
            "Give sort once: the list is in one order at a time.",
        ));
    }
    match http::query(req, "sort").as_deref().map(str::trim) {
        None | Some("") | Some("email") => Ok(false),
        Some("-email") => Ok(true),
        Some(_) => Err(Problem::bad_request(
            "invalid_sort",
            "The order (sort) must be email, addresses a to z, or -email, z to a: the list is \
             kept in address order, the only order that holds across its pages.",
        )),
    }
}

/// The search text of the Invitations tab or the directory is longer than any address.
pub fn search_too_long() -> Problem {
    Problem::bad_request(
        "invalid_query",
        format!(
            "The search text is too long: an address has at most {} characters.",
            email::MAX_LENGTH
        ),
    )
}

/// A contract's admins, each by name from the directory.
pub async fn admin_list(app: &App, contract: &Contract) -> Result<Response<Body>, Problem> {
    let mut admins = Vec::with_capacity(contract.admins.len());
    for id in &contract.admins {
        let user = app.people.get_user(id).await?;
        admins.push(views::admin(id, user.as_ref()));
    }
    Ok(http::json(StatusCode::OK, &wire::AdminList { admins }))
}

pub fn user_not_found() -> Problem {
    Problem::not_found(
        "user_not_found",
        "There is no such person in the directory.",
    )
}

pub fn import_not_found() -> Problem {
    Problem::not_found(
        "import_not_found",
        "There is no such import for this learning contract.",
    )
}

/// The import id a path names; one that cannot be an id is not found.
pub fn import_id(call: &Call<'_>, name: &str) -> Result<ImportId, Problem> {
    ImportId::parse(call.param(name)).map_err(|_| import_not_found())
}

pub fn storage_problem(err: BlobError) -> Problem {
    Problem::internal(&err)
}
