//! People (system administrators only): adding a person, who gets a sign-in account and the
//! sign-in service's invitation, and granting or withdrawing system administration. The user
//! pool decides (membership of `system-admins` is what the token's `cognito:groups` carries);
//! the directory record is written at once so the site shows the change without waiting for
//! the directory sync. Privacy requests (issue 32, `privacy.rs`): forget a person, or
//! export what is held about them; the `privacy` function runs them.

mod privacy;

use crate::functions::not_served;
use crate::{accept, views, App, Call};
use invitations_core::domain::*;
use invitations_core::http::{self, respond_with, Problem};
use invitations_core::ports::AccountsError;
use invitations_wire::{self as wire, routes};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Error, Request, Response};

pub const BINARY: &str = "people";

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Error> {
    respond_with(async {
        let call = accept(app, BINARY, &req).await?;
        match *call.route {
            routes::ADD_PERSON => add(app, &call).await,
            routes::GRANT_SYSTEM_ADMIN => set_system_admin(app, &call, true).await,
            routes::WITHDRAW_SYSTEM_ADMIN => set_system_admin(app, &call, false).await,
            routes::ADD_PRIVACY_REQUEST => privacy::add(app, &call).await,
            routes::LIST_PRIVACY_REQUESTS => privacy::list(app, &call).await,
            routes::PRIVACY_REQUEST => privacy::get(app, &call).await,
            _ => Err(not_served(call.route)),
        }
    })
    .await
}

/// `POST /users` with `{"email", "name"}`: 201 when this made the account, 200 when the
/// address already had one (answered as it is; nothing about it changes).
async fn add(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let caller = system_admins_only(call)?;
    let body: wire::NewPerson = http::body(call.req)?;
    // Sentences about the person being added (the domain's messages speak to the person).
    let email = EmailAddress::parse(&body.email)
        .map_err(|e| Problem::bad_request("invalid_email", e.sentence("the address")))?;
    let name = user::parse_name(&body.name).map_err(|e| {
        Problem::bad_request(
            "invalid_name",
            match e {
                user::NameError::Empty => "Give the person's name.".to_owned(),
                user::NameError::TooLong => "A name can be at most 200 characters.".to_owned(),
                user::NameError::Hidden => "A name cannot hold control characters, text-direction overrides or invisible spaces.".to_owned(),
            },
        )
    })?;
    let accounts = app.user_pool()?;
    let (account, created) = accounts
        .ensure_account(&email, &name)
        .await
        .map_err(account_problem)?;
    // An existing account that only claims the address is not the person at it (issue 26).
    if !account.email_verified {
        return Err(unverified());
    }
    let system_admin = !created
        && accounts
            .is_system_admin(&account.subject)
            .await
            .map_err(account_problem)?;
    let user = synced(app, account.to_user(system_admin)).await?;
    tracing::info!(actor = %caller.user_id, user = %user.id, created, "person added");
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(http::json(
        status,
        &wire::PersonAdded {
            user: views::user(&user),
            created,
        },
    ))
}

/// `POST /users/{userId}/system-admin` (`on`) and `.../system-admin/remove`. Idempotent. A
/// system administrator cannot withdraw their own, so the system cannot lose its last one
/// by a slip of the hand.
async fn set_system_admin(app: &App, call: &Call<'_>, on: bool) -> Result<Response<Body>, Problem> {
    let caller = system_admins_only(call)?;
    let id = UserId::parse(call.param("userId")).map_err(|_| user_not_found())?;
    if !on && id == caller.user_id {
        return Err(Problem::conflict(
            "own_system_admin",
            "You cannot withdraw your own system administration. Ask another system administrator.",
        ));
    }
    let accounts = app.user_pool()?;
    let account = accounts
        .get_account(&id)
        .await
        .map_err(account_problem)?
        .ok_or_else(user_not_found)?;
    if on && !account.email_verified {
        return Err(unverified());
    }
    accounts
        .set_system_admin(&id, on)
        .await
        .map_err(account_problem)?;
    let user = synced(app, account.to_user(on)).await?;
    tracing::info!(actor = %caller.user_id, user = %user.id, system_admin = on, "system administration changed");
    Ok(http::json(StatusCode::OK, &views::user(&user)))
}

/// Writes the person's directory record as their account has it, and reads it back.
async fn synced(app: &App, user: User) -> Result<User, Problem> {
    app.people.sync_user(&user).await?;
    Ok(app.people.get_user(&user.id).await?.unwrap_or(user))
}

pub(super) fn system_admins_only<'c>(call: &'c Call<'_>) -> Result<&'c Caller, Problem> {
    if call.caller.system_admin {
        Ok(&call.caller)
    } else {
        Err(Problem::forbidden(
            "Only system administrators add people and grant system administration.",
        ))
    }
}

fn unverified() -> Problem {
    Problem::conflict(
        "address_unverified",
        "This account has not confirmed its address, so the address may be someone else's. It \
         can be given nothing until the address is confirmed in the sign-in service.",
    )
}

fn account_problem(err: AccountsError) -> Problem {
    match err {
        AccountsError::NotFound => user_not_found(),
        // The provider's own words name its parameters; the person gets what to do.
        AccountsError::Refused(_) => Problem::bad_request(
            "account_refused",
            "The sign-in service does not accept this address or name. Check both, then try again.",
        ),
        other => Problem::internal(&other),
    }
}

fn user_not_found() -> Problem {
    Problem::not_found(
        "user_not_found",
        "There is no such person among those who can sign in.",
    )
}
