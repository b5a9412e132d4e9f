//! The Learning Contract invitations site: admin screens (sign in, contracts, a contract's
//! invitations, adding invitations, imports, join links, admins, mail and reminders, integrations,
//! people, privacy), the student's enrol page and the joiner's page.
//!
//! Layout: `config` (config.json), `auth` (session, Cognito sign-in), `api` (the one HTTP client),
//! `pages/` (one file per screen: a component that loads data, and pure views it renders),
//! `components/` (pieces several pages share), `by_id` (the small maps a page keeps per row: a
//! `BTreeMap` per value type costs the wasm kilobytes), `bundles` (the four wasm files the site is
//! built into, and which pages each has). Views take plain data as props so that tests/views/ can
//! render them natively with yew's ServerRenderer.

pub mod api;
pub mod auth;
pub mod bundles;
pub mod by_id;
pub mod components;
pub mod config;
pub mod format;
pub mod pages;
pub mod upload;

use api::{Api, ApiError};
use auth::{Session, SessionAction, SessionState};
use config::{Config, SignIn};
use std::rc::Rc;
use yew::prelude::*;
use yew_router::prelude::*;

/// The site's routes. None start with `/api` or `/local`: those belong to the API and the local
/// stack on the same origin.
#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/contracts")]
    Contracts,
    #[at("/contracts/:id")]
    Invitations { id: String },
    #[at("/contracts/:id/add")]
    AddInvitations { id: String },
    #[at("/contracts/:id/imports")]
    Imports { id: String },
    /// The contract's join links (issue 30): links people use to join it themselves.
    #[at("/contracts/:id/join-links")]
    JoinLinks { id: String },
    #[at("/contracts/:id/admins")]
    Admins { id: String },
    /// The contract's invitation mail (language, text, live preview, test) and reminder plan.
    #[at("/contracts/:id/mail")]
    Mail { id: String },
    /// The contract's audit (issue 32): who did what, filtered, exported.
    #[at("/contracts/:id/audit")]
    Audit { id: String },
    /// The contract's webhook endpoints.
    #[at("/contracts/:id/integrations")]
    ContractIntegrations { id: String },
    /// The webhook endpoints that hear every contract (system administrators only).
    #[at("/integrations")]
    Integrations,
    /// The directory: adding people and system administration (system administrators only).
    #[at("/people")]
    People,
    /// Privacy requests: forget a person, or what is held about them (system administrators).
    #[at("/privacy")]
    Privacy,
    #[at("/enrol")]
    Enrol,
    /// A join link's page (`#code=`) and its mail's link (`#proof=`): public, like Enrol.
    #[at("/join")]
    Join,
    #[at("/signed-in")]
    SignedIn,
    #[not_found]
    #[at("/not-found")]
    NotFound,
}

/// What every page can reach: the settings and who is signed in.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub config: Rc<Config>,
    pub session: UseReducerHandle<SessionState>,
}

impl AppContext {
    /// The API, with the signed-in user's token.
    pub fn api(&self) -> Api {
        Api::new(
            &self.config.api_base,
            self.session.session.as_ref().map(|s| s.token.clone()),
        )
    }

    /// Whether the signed-in person administers every contract. Only for what the site offers:
    /// the API decides what each person may do.
    pub fn is_system_admin(&self) -> bool {
        self.session
            .session
            .as_ref()
            .is_some_and(|s| s.role == auth::Role::SystemAdmin)
    }

    pub fn sign_in(&self, session: Session) {
        session.save();
        self.session.dispatch(SessionAction::SignedIn(session));
    }

    pub fn sign_out(&self) {
        Session::forget();
        self.session.dispatch(SessionAction::SignedOut);
    }

    /// The "Sign out" button: the site's session, then Cognito's (when it is configured), so
    /// that the next person at this browser has to sign in again.
    pub fn sign_out_everywhere(&self) {
        self.sign_out();
        if let SignIn::Cognito(cognito) = &self.config.sign_in {
            if let (Some(url), Some(window)) = (auth::logout_url(cognito), web_sys::window()) {
                let _ = window.location().set_href(&url);
            }
        }
    }

    /// One call of the API, off the render: `call` gets the signed-in client, and `done` gets
    /// its answer, a failure first through [`AppContext::check`] (so a 401 signs out). The one
    /// way pages call the API; they dispatch what `done` gets to their reducer.
    pub fn call<T, F, Fut>(&self, call: F, done: impl FnOnce(Result<T, ApiError>) + 'static)
    where
        T: 'static,
        F: FnOnce(Api) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
    {
        let ctx = self.clone();
        yew::platform::spawn_local(async move {
            let result = call(ctx.api()).await.map_err(|e| ctx.check(e));
            done(result);
        });
    }

    /// Every failed admin call comes through here: a 401 ends the session, which sends the user
    /// back to sign-in; anything else is for the page to show.
    pub fn check(&self, err: ApiError) -> ApiError {
        if err.is_unauthenticated() {
            self.sign_out();
        }
        err
    }
}

/// Loads config.json, then runs the site: the pages of bundle `B` (see [`bundles`]).
#[component]
pub fn App<B: bundles::Pages>() -> Html {
    let config = use_state(|| None::<Result<Rc<Config>, String>>);
    {
        let config = config.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                config.set(Some(config::load().await.map(Rc::new)));
            });
        });
    }
    match &*config {
        None => {
            html! { <main class="page"><p class="loading" role="status">{"Loading…"}</p></main> }
        }
        Some(Err(message)) => html! {
            <main class="page">
                <h1>{"The site cannot start"}</h1>
                <p role="alert" class="error">{message.clone()}</p>
            </main>
        },
        Some(Ok(config)) => html! { <Shell<B> config={config.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct ShellProps {
    config: Rc<Config>,
}

#[component]
fn Shell<B: bundles::Pages>(props: &ShellProps) -> Html {
    let session = use_reducer(|| SessionState {
        session: Session::load(),
    });
    let context = AppContext {
        config: props.config.clone(),
        session,
    };
    html! {
        <ContextProvider<AppContext> context={context}>
            <BrowserRouter>
                <Switch<Route> render={bundles::switch::<B>} />
            </BrowserRouter>
        </ContextProvider<AppContext>>
    }
}

#[derive(Properties, PartialEq)]
pub struct AdminPageProps {
    pub children: Html,
}

/// An admin screen: the header, then the page, or back to sign-in when nobody is signed in.
#[component]
pub fn AdminPage(props: &AdminPageProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext is provided by Shell");
    let Some(session) = ctx.session.session.clone() else {
        return html! { <Redirect<Route> to={Route::Home} /> };
    };
    let on_sign_out = {
        let ctx = ctx.clone();
        Callback::from(move |_| ctx.sign_out_everywhere())
    };
    html! {
        <>
            <components::layout::Header
                name={session.name.clone()}
                role={session.role.label()}
                system_admin={ctx.is_system_admin()}
                {on_sign_out}
            />
            <main id="main" class="page" tabindex="-1">{props.children.clone()}</main>
        </>
    }
}
