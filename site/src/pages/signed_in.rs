//! `/signed-in`: Cognito sends the browser back here with a code; trade it for tokens.

use crate::auth;
use crate::config::SignIn;
use crate::{AppContext, Route};
use yew::prelude::*;
use yew_router::prelude::*;

#[component]
pub fn SignedIn() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let error = use_state(|| None::<String>);
    {
        let (ctx, error) = (ctx.clone(), error.clone());
        use_effect_with((), move |_| {
            let SignIn::Cognito(cognito) = ctx.config.sign_in.clone() else {
                error.set(Some("This site does not use Cognito sign-in.".into()));
                return;
            };
            let search = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .unwrap_or_default();
            yew::platform::spawn_local(async move {
                match auth::finish_cognito_sign_in(&cognito, &search).await {
                    Ok(session) => ctx.sign_in(session),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    if ctx.session.session.is_some() {
        return html! { <Redirect<Route> to={Route::Contracts} /> };
    }
    html! {
        <main id="main" class="page narrow">
            <h1>{"Signing in"}</h1>
            if let Some(e) = &*error {
                <p class="error" role="alert">{e.clone()}</p>
                <p><Link<Route> to={Route::Home}>{"Sign in again"}</Link<Route>></p>
            } else {
                <p role="status">{"Finishing sign-in…"}</p>
            }
        </main>
    }
}
