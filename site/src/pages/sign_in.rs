//! `/`: sign in (or straight on to the contracts when already signed in). Which sign-in depends
//! on config.json: the local stack's seeded users, or Cognito's hosted sign-in.

use crate::api::{local, ApiError, LocalUser};
use crate::auth::{self, Role, Session};
use crate::components::error::ErrorMessage;
use crate::config::SignIn;
use crate::{AppContext, Route};
use yew::prelude::*;
use yew_router::prelude::*;

#[component]
pub fn Home() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    if ctx.session.session.is_some() {
        return html! { <Redirect<Route> to={Route::Contracts} /> };
    }
    crate::components::layout::use_title("Sign in".to_owned());
    let body = match &ctx.config.sign_in {
        SignIn::Local => html! { <LocalSignIn /> },
        SignIn::Cognito(_) => html! { <CognitoSignIn /> },
    };
    html! {
        <main id="main" class="page narrow">
            <h1>{"Learning Contracts"}</h1>
            {body}
        </main>
    }
}

/// The local stack: pick one of the seeded users.
#[component]
fn LocalSignIn() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let users = use_state(|| None::<Result<Vec<LocalUser>, ApiError>>);
    let busy = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);
    {
        let users = users.clone();
        let origin = ctx.config.api_origin().to_owned();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                users.set(Some(local::users(&origin).await));
            });
        });
    }
    let on_pick = {
        let (ctx, busy, error) = (ctx.clone(), busy.clone(), error.clone());
        Callback::from(move |user: LocalUser| {
            let (ctx, busy, error) = (ctx.clone(), busy.clone(), error.clone());
            busy.set(Some(user.user_id.clone()));
            yew::platform::spawn_local(async move {
                match local::sign_in(ctx.config.api_origin(), &user.user_id).await {
                    Ok(signed) => {
                        let claims = auth::Claims::of_jwt(&signed.token);
                        ctx.sign_in(Session {
                            expires_at_ms: signed
                                .expires_at
                                .as_deref()
                                .map(js_sys::Date::parse)
                                .filter(|ms| ms.is_finite()),
                            role: local_role(&user, claims.as_ref()),
                            user_id: claims
                                .and_then(|c| c.sub)
                                .or_else(|| Some(user.user_id.clone())),
                            token: signed.token,
                            name: user.name.clone(),
                        })
                    }
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(None);
                    }
                }
            });
        })
    };
    match &*users {
        None => html! { <p role="status">{"Loading the users…"}</p> },
        Some(Err(e)) => {
            html! { <ErrorMessage error={e.clone()} context="Could not load the local users" /> }
        }
        Some(Ok(list)) => html! {
            <LocalUserList users={list.clone()} busy={(*busy).clone()} error={(*error).clone()} {on_pick} />
        },
    }
}

/// The role a local sign-in shows: the token's groups decide system administration (as with
/// Cognito: someone made a system administrator in the People page has the group but may still
/// be listed under their first role); the list's role tells a contract admin from a student.
pub fn local_role(user: &LocalUser, claims: Option<&auth::Claims>) -> Role {
    let listed = Role::parse(&user.role);
    match claims {
        Some(c) if c.is_system_admin() => Role::SystemAdmin,
        Some(_) => match listed {
            Some(Role::Student) => Role::Student,
            _ => Role::ContractAdmin,
        },
        None => listed.unwrap_or(Role::ContractAdmin),
    }
}

#[derive(Properties, PartialEq)]
pub struct LocalUserListProps {
    pub users: Vec<LocalUser>,
    /// The user being signed in, while it happens.
    #[prop_or_default]
    pub busy: Option<String>,
    #[prop_or_default]
    pub error: Option<ApiError>,
    pub on_pick: Callback<LocalUser>,
}

/// The seeded users, grouped by role, each a button.
#[component]
pub fn LocalUserList(props: &LocalUserListProps) -> Html {
    let groups = [
        ("system-admin", "System administrators"),
        ("contract-admin", "Contract admins"),
        ("student", "Students"),
        ("", "Other people"),
    ];
    let button = |user: &LocalUser| {
        let on_click = {
            let (user, on_pick) = (user.clone(), props.on_pick.clone());
            Callback::from(move |_| on_pick.emit(user.clone()))
        };
        let busy = props.busy.as_deref() == Some(user.user_id.as_str());
        html! {
            <li>
                // Named by what it shows (with "Sign in as" for screen readers), so that voice
                // control users can say what they see.
                <button type="button" id={format!("sign-in-{}", user.user_id)} class="user"
                    disabled={props.busy.is_some()} onclick={on_click}>
                    <span class="visually-hidden">{"Sign in as "}</span>
                    <strong>{user.name.clone()}</strong>
                    <span>{user.email.clone()}</span>
                    if busy { <span role="status">{"Signing in…"}</span> }
                </button>
            </li>
        }
    };
    html! {
        <section aria-labelledby="local-sign-in">
            <h2 id="local-sign-in">{"Sign in as a test user"}</h2>
            <p class="hint">{"This is the local stack: choose who to be."}</p>
            if let Some(e) = &props.error {
                <ErrorMessage error={e.clone()} context="Could not sign in" />
            }
            { for groups.iter().map(|(role, title)| {
                // Anyone whose role the list does not name goes last, under "Other people".
                let users: Vec<&LocalUser> = props.users.iter().filter(|u| match *role {
                    "" => !groups.iter().any(|(r, _)| !r.is_empty() && *r == u.role),
                    role => u.role == role,
                }).collect();
                if users.is_empty() { return html! {}; }
                html! {
                    <>
                        <h3>{*title}</h3>
                        <ul class="users">{ for users.into_iter().map(button) }</ul>
                    </>
                }
            }) }
            if props.users.is_empty() {
                <p>{"The local stack has no users. Seed it, then reload this page."}</p>
            }
        </section>
    }
}

/// Production: Cognito's hosted sign-in.
#[component]
fn CognitoSignIn() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let error = use_state(|| None::<String>);
    let on_sign_in = {
        let error = error.clone();
        Callback::from(move |_| {
            let SignIn::Cognito(cognito) = ctx.config.sign_in.clone() else {
                return;
            };
            let error = error.clone();
            yew::platform::spawn_local(async move {
                if let Err(e) = auth::start_cognito_sign_in(&cognito).await {
                    error.set(Some(e));
                }
            });
        })
    };
    html! { <CognitoSignInView error={(*error).clone()} {on_sign_in} /> }
}

#[derive(Properties, PartialEq)]
pub struct CognitoSignInViewProps {
    #[prop_or_default]
    pub error: Option<String>,
    pub on_sign_in: Callback<()>,
}

#[component]
pub fn CognitoSignInView(props: &CognitoSignInViewProps) -> Html {
    let onclick = props.on_sign_in.reform(|_: MouseEvent| ());
    html! {
        <section>
            <p>{"Sign in with your organisation account to manage learning contract invitations."}</p>
            if let Some(e) = &props.error { <p class="error" role="alert">{e.clone()}</p> }
            <button id="sign-in" type="button" class="primary" {onclick}>{"Sign in"}</button>
        </section>
    }
}
