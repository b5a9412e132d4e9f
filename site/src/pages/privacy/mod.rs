//! `/privacy`: privacy requests, for system administrators (issue 32). Forget a person by
//! address (erased or pseudonymised everywhere, counts and seats kept; their sign-in account and
//! a "do not invite" list on their word), after a question in words, or prepare the file of
//! everything held about an address. A request runs in the background: the page reads it again
//! every few seconds until it is done, then says what was found by kind. The latest requests
//! follow; they keep no address.

mod state;
mod view;

pub use state::*;
pub use view::*;

use crate::api::{NewPrivacyRequest, PrivacyRequest};
use crate::components::layout::use_title;
use crate::pages::add::use_alive;
use crate::AppContext;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

#[component]
pub fn PrivacyPage() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    use_title("Privacy".to_owned());
    let state = use_reducer(PrivacyState::default);
    let alive = use_alive();
    let system_admin = ctx.is_system_admin();
    {
        let (ctx, state) = (ctx.clone(), state.clone());
        use_effect_with(system_admin, move |system_admin| {
            if *system_admin {
                list(&ctx, state);
            }
        });
    }
    // Once sent, the focus goes to the request's heading (the question that had it is gone);
    // after a refusal, to the address it is about.
    use_effect_with(state.sent.as_ref().map(|(_, r)| r.id.clone()), |id| {
        if id.is_some() {
            focus("privacy-sent-heading");
        }
    });
    use_effect_with(state.error.is_some(), |refused| {
        if *refused {
            focus("privacy-email");
        }
    });
    let dispatch = {
        let state = state.clone();
        Callback::from(move |m: PrivacyMsg| state.dispatch(m))
    };
    let on_send = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |request: NewPrivacyRequest| {
            let (ctx, state, alive) = (ctx.clone(), state.clone(), alive.clone());
            state.dispatch(PrivacyMsg::Sending);
            let follower = ctx.clone();
            ctx.call(
                move |api| async move { api.add_privacy_request(&request).await },
                move |result| {
                    let sent = result.as_ref().ok().cloned();
                    state.dispatch(PrivacyMsg::Sent(result));
                    if let Some(sent) = sent {
                        list(&follower, state.clone());
                        follow(follower, state, sent, alive);
                    }
                },
            );
        })
    };
    if !system_admin {
        return html! {
            <>
                <h1>{"Privacy"}</h1>
                <p class="error" role="alert" id="privacy-forbidden">
                    {"Only system administrators can handle privacy requests."}
                </p>
            </>
        };
    }
    html! {
        <>
            <h1>{"Privacy"}</h1>
            <p class="hint">{"When a person asks to be forgotten, or what the product holds about them: every invitation, history and audit entry, import line, block, join request, webhook message and test mail about their address."}</p>
            {privacy_form(&state, &dispatch, &on_send)}
            {privacy_sent(&state)}
            {privacy_list(&state)}
        </>
    }
}

/// Moves the focus to the element with this id, when it is shown.
fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Reads the latest requests.
fn list(ctx: &AppContext, state: UseReducerHandle<PrivacyState>) {
    ctx.call(
        |api| async move { api.privacy_requests().await },
        move |result| state.dispatch(PrivacyMsg::Listed(result)),
    );
}

/// Reads the request again every 2 s while the page is shown, until it is done or failed (a
/// read that fails is tried again, a few times); then the list once more.
fn follow(
    ctx: AppContext,
    state: UseReducerHandle<PrivacyState>,
    mut request: PrivacyRequest,
    alive: Rc<Cell<bool>>,
) {
    yew::platform::spawn_local(async move {
        let mut failures = 0;
        while !finished(&request) {
            gloo_timers::future::TimeoutFuture::new(2_000).await;
            if !alive.get() {
                return;
            }
            match ctx.api().privacy_request(&request.id).await {
                Ok(read) => {
                    request = read.clone();
                    state.dispatch(PrivacyMsg::Read(read));
                }
                Err(e) if failures < 3 && !e.is_unauthenticated() => failures += 1,
                Err(e) => {
                    state.dispatch(PrivacyMsg::FollowFailed(ctx.check(e)));
                    return;
                }
            }
        }
        list(&ctx, state);
    });
}
