//! `/enrol#token=...`: the student's page from the invitation email. Shows the contract and its
//! activities and an Enrol button (with a name field for an address that has no account), or a
//! clear page when the link is revoked, superseded, expired or unknown. No sign-in: the link's
//! token is the credential, and it stays in the fragment so it never reaches a server log.

use crate::api::{ApiError, EnrolmentStatus, InvitationPage};
use crate::auth::query_param;
use crate::format;
use crate::AppContext;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Where the student's page stands.
#[derive(Debug, Clone, PartialEq)]
pub enum EnrolState {
    Loading,
    /// Ready to enrol (or already enrolled, when the page's status says so).
    Ready(InvitationPage),
    Enrolling(InvitationPage),
    /// Enrolling failed for a reason the student can fix or retry (e.g. a missing name).
    Refused(InvitationPage, ApiError),
    Enrolled(InvitationPage),
    /// The link does not work; the problem says why.
    BadLink(ApiError),
}

#[component]
pub fn EnrolPage() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let state = use_state(|| EnrolState::Loading);
    let token = use_state(String::new);
    let hash = use_hash();
    {
        let (ctx, state, token) = (ctx.clone(), state.clone(), token.clone());
        use_effect_with(hash, move |hash| {
            let hash = hash.clone();
            let t = query_param(&hash, "token").unwrap_or_default();
            token.set(t.clone());
            state.set(EnrolState::Loading);
            yew::platform::spawn_local(async move {
                if t.is_empty() {
                    // "Send me a test" mails `/enrol#test`: a link that enrols nobody.
                    let test = hash.trim_start_matches('#') == "test";
                    state.set(EnrolState::BadLink(ApiError {
                        status: 400,
                        code: if test { "test_link" } else { "malformed_link" }.into(),
                        title: String::new(),
                        detail: String::new(),
                    }));
                    return;
                }
                let api = crate::api::Api::new(&ctx.config.api_base, None);
                let answer = api.invitation_page(&t).await;
                if current_hash() != hash {
                    return; // another link was opened meanwhile
                }
                state.set(match answer {
                    Ok(page) if page.status == EnrolmentStatus::Enrolled => {
                        EnrolState::Enrolled(page)
                    }
                    Ok(page) => EnrolState::Ready(page),
                    Err(e) => EnrolState::BadLink(e),
                });
            });
        });
    }
    let on_enrol = {
        let (ctx, state, token) = (ctx.clone(), state.clone(), token.clone());
        Callback::from(move |name: Option<String>| {
            let page = match &*state {
                EnrolState::Ready(p) | EnrolState::Refused(p, _) => p.clone(),
                _ => return,
            };
            let (ctx, state, token) = (ctx.clone(), state.clone(), (*token).clone());
            state.set(EnrolState::Enrolling(page.clone()));
            yew::platform::spawn_local(async move {
                let api = crate::api::Api::new(&ctx.config.api_base, None);
                state.set(match api.enrol(&token, name.as_deref()).await {
                    Ok(done) => EnrolState::Enrolled(done),
                    Err(e) if e.status == 404 || e.status == 410 => EnrolState::BadLink(e),
                    Err(e) => EnrolState::Refused(page, e),
                });
            });
        })
    };
    html! { <EnrolView state={(*state).clone()} {on_enrol} /> }
}

/// The page's fragment (`#token=…`), followed as it changes: another link opened in the same
/// tab changes only the fragment (no page load).
#[hook]
pub fn use_hash() -> String {
    let hash = use_state(current_hash);
    {
        let hash = hash.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || hash.set(current_hash()));
            let window = web_sys::window();
            if let Some(w) = &window {
                w.set_onhashchange(Some(listener.as_ref().unchecked_ref()));
            }
            move || {
                if let Some(w) = &window {
                    w.set_onhashchange(None);
                }
                drop(listener);
            }
        });
    }
    (*hash).clone()
}

pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The heading and sentence for a link that does not work, by the problem's code.
pub fn bad_link_text(e: &ApiError) -> (&'static str, String) {
    let (title, fallback) = match e.code.as_str() {
        "revoked" => ("This invitation has been withdrawn", "The administrator withdrew this invitation, so the link no longer works."),
        "superseded" => ("This link has been replaced", "A newer invitation was sent to you. Please use the link in the most recent email."),
        "expired" => ("This invitation has expired", "The link in this email is too old to use."),
        "unknown_link" | "not_found" => ("We don't recognise this link", "This invitation link is not one we sent."),
        "test_link" => ("This is the link of a test mail", "An administrator sent this mail to themselves to see how the invitation looks. Its link enrols nobody."),
        "malformed_link" => ("This link is incomplete", "The link seems to be cut short. Please open it again from your email, or copy the whole link into the address bar."),
        _ => ("This invitation cannot be opened", "Something went wrong. Please try again in a moment."),
    };
    let detail = if e.detail.is_empty() || e.code == "malformed_link" || e.code == "test_link" {
        fallback.to_owned()
    } else {
        e.detail.clone()
    };
    (title, detail)
}

#[derive(Properties, PartialEq)]
pub struct EnrolViewProps {
    pub state: EnrolState,
    /// Enrol, with the name typed for an unregistered address.
    pub on_enrol: Callback<Option<String>>,
}

#[component]
pub fn EnrolView(props: &EnrolViewProps) -> Html {
    let name = use_node_ref();
    let body = match &props.state {
        EnrolState::Loading => html! { <p role="status">{"Opening your invitation…"}</p> },
        EnrolState::BadLink(e) => {
            let (title, detail) = bad_link_text(e);
            html! {
                <section class="bad-link" id={format!("link-{}", if e.code.is_empty() { "error" } else { e.code.as_str() })}>
                    <h1>{title}</h1>
                    <p>{detail}</p>
                    <p class="hint">{"If you still need access, ask the person who invited you to send a new invitation."}</p>
                </section>
            }
        }
        EnrolState::Enrolled(page) => html! {
            <section>
                <h1>{"You are enrolled"}</h1>
                <p role="status" id="enrolled">{format!("{} is enrolled in {}.", page.email, page.contract.name)}</p>
                <ContractFacts page={page.clone()} />
                <WhatNext page={page.clone()} />
            </section>
        },
        EnrolState::Ready(page) | EnrolState::Enrolling(page) | EnrolState::Refused(page, _) => {
            let enrolling = matches!(props.state, EnrolState::Enrolling(_));
            let needs_name = !page.registered;
            let onsubmit = {
                let (on_enrol, name) = (props.on_enrol.clone(), name.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    let typed = name
                        .cast::<HtmlInputElement>()
                        .map(|i| i.value().trim().to_owned());
                    on_enrol.emit(if needs_name { typed } else { None });
                })
            };
            let error = match &props.state {
                EnrolState::Refused(_, e) => Some(e.to_string()),
                _ => None,
            };
            html! {
                <section>
                    <h1>{"You are invited"}</h1>
                    <p>{format!("{} invited {} to the learning contract {}.", page.invited_by, page.email, page.contract.name)}</p>
                    <ContractFacts page={page.clone()} />
                    <form class="enrol" {onsubmit}>
                        if needs_name {
                            <label for="enrol-name">{"Your name"}</label>
                            <input id="enrol-name" type="text" ref={name} required=true autocomplete="name"
                                aria-describedby="enrol-name-help" aria-invalid={error.is_some().then_some("true")} />
                            <p id="enrol-name-help" class="hint">{"You don't have an account yet; enrolling creates one with this name."}</p>
                        }
                        if let Some(error) = error {
                            <p class="error" role="alert" id="enrol-error">{error}</p>
                        }
                        <button type="submit" id="enrol" class="primary" disabled={enrolling}>
                            {if enrolling { "Enrolling…" } else { "Enrol" }}
                        </button>
                        <p class="hint">{format!("This invitation expires on {}.", format::date_time(&page.expires_at))}</p>
                    </form>
                </section>
            }
        }
    };
    let title = match &props.state {
        EnrolState::Loading => "Your invitation",
        EnrolState::BadLink(e) => bad_link_text(e).0,
        EnrolState::Enrolled(_) => "You are enrolled",
        _ => "You are invited",
    };
    crate::components::layout::use_title(title.to_owned());
    student_frame(body)
}

/// The product's header on the student's and joiner's pages too (issue 28): where they are.
pub fn student_frame(body: Html) -> Html {
    html! {
        <>
            <header class="top student-top">
                <a class="skip" href="#main">{"Skip to content"}</a>
                <span class="brand">{"Learning Contracts"}</span>
            </header>
            <main id="main" class="page narrow student">{body}</main>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ContractFactsProps {
    page: InvitationPage,
}

#[component]
fn ContractFacts(props: &ContractFactsProps) -> Html {
    let p = &props.page;
    html! {
        <div class="contract-facts">
            <h2>{p.contract.name.clone()}</h2>
            <p class="facts">
                {p.contract.kind.label()}{" · "}{format::date(&p.contract.starts_at)}{" – "}{format::date(&p.contract.ends_at)}
            </p>
            if !p.activities.is_empty() {
                <h3>{"Activities"}</h3>
                <ul>{ for p.activities.iter().map(|a| html! { <li>{a.clone()}</li> }) }</ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct WhatNextProps {
    page: InvitationPage,
}

/// After enrolling: what happens now, so the page is not a dead end (issue 28).
#[component]
fn WhatNext(props: &WhatNextProps) -> Html {
    let page = &props.page;
    html! {
        <section aria-labelledby="next-heading" id="what-next">
            <h2 id="next-heading">{"What comes next"}</h2>
            <ul>
                if page.activities.is_empty() {
                    <li>{format!("Your place in {} is kept: its learning activities are open to you.", page.contract.name)}</li>
                } else {
                    <li>{format!("These learning activities are open to you: {}.", page.activities.join(", "))}</li>
                }
                <li>{format!("You sign in to them with {}. If you have not signed in before, the sign-in service mails you how to, at this address.", page.email)}</li>
                <li>{format!("Questions about the programme go to {}, who invited you.", page.invited_by)}</li>
            </ul>
        </section>
    }
}
