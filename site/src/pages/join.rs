//! `/join`: the joiner's page (issue 30), public. With `#code=` (a join link an admin shared) it
//! shows the programme and asks for an address, to which a one-time link is mailed; with
//! `#proof=` (that mail's link) it confirms the address and goes on to the enrol page with the
//! invitation it got, or says what the joiner waits for (a seat, or an admin's approval). Both
//! stay in the fragment so that no server log sees them. A link that admits nobody says why in
//! words, with a way forward.

use crate::api::{Api, ApiError, JoinOutcome, JoinPage, JoinProofSent};
use crate::auth::query_param;
use crate::components::layout::use_title;
use crate::format;
use crate::pages::enrol::{current_hash, student_frame, use_hash};
use crate::pages::join_links::places_text;
use crate::AppContext;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Where the joiner's page stands.
#[derive(Debug, Clone, PartialEq)]
pub enum JoinState {
    /// Reading the link.
    Loading,
    /// The programme and the address field: `sending` while the mail is asked for; the last
    /// refusal of the address (its domain, too many mails), to fix and send again.
    Ready {
        page: JoinPage,
        sending: bool,
        refused: Option<ApiError>,
    },
    /// The mail is on its way.
    Sent(JoinPage, JoinProofSent),
    /// The mail's link is being checked; then the enrol page opens.
    Confirming,
    /// The programme is full: the joiner is on its waiting list, at this place (from 1).
    Waiting(u32),
    /// The link needs an admin's yes: the joiner's request waits, at this place among the
    /// requests (from 1), and a mail tells them what the admins decide.
    AwaitingApproval(Option<u32>),
    /// The link, or the mail's link, admits nobody: the problem says why.
    Refused(ApiError),
}

#[component]
pub fn JoinerPage() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let state = use_state(|| JoinState::Loading);
    let hash = use_hash();
    // Try again (after a failure of the network or the server) reads the link again.
    let tries = use_state(|| 0u32);
    {
        let (ctx, state) = (ctx.clone(), state.clone());
        use_effect_with((hash.clone(), *tries), move |(hash, _)| {
            let hash = hash.clone();
            let api = Api::new(&ctx.config.api_base, None);
            state.set(JoinState::Loading);
            yew::platform::spawn_local(async move {
                let Some(next) = open(api, &hash, &state).await else {
                    return; // gone on to the enrol page
                };
                if current_hash() == hash {
                    state.set(next); // else another link was opened meanwhile
                }
            });
        });
    }
    let on_send = {
        let (state, hash) = (state.clone(), hash.clone());
        Callback::from(move |email: String| {
            let JoinState::Ready { page, .. } = (*state).clone() else {
                return;
            };
            let code = query_param(&hash, "code").unwrap_or_default();
            let (api, state) = (Api::new(&ctx.config.api_base, None), state.clone());
            state.set(JoinState::Ready {
                page: page.clone(),
                sending: true,
                refused: None,
            });
            yew::platform::spawn_local(async move {
                state.set(match api.request_join(&code, &email).await {
                    Ok(sent) => JoinState::Sent(page, sent),
                    Err(e) if is_about_the_link(&e) => JoinState::Refused(e),
                    Err(e) => JoinState::Ready {
                        page,
                        sending: false,
                        refused: Some(e),
                    },
                });
            });
        })
    };
    let on_again = {
        let state = state.clone();
        Callback::from(move |()| {
            if let JoinState::Sent(page, _) = (*state).clone() {
                state.set(JoinState::Ready {
                    page,
                    sending: false,
                    refused: None,
                });
            }
        })
    };
    let on_retry = Callback::from(move |()| tries.set(*tries + 1));
    let email = use_node_ref();
    let (title, body) = JoinView {
        state: &state,
        email: &email,
        on_send: &on_send,
        on_again: &on_again,
        on_retry: &on_retry,
    }
    .html();
    use_title(title);
    student_frame(body)
}

/// What the fragment opens: the mail's proof, confirmed (`None`: gone on to the enrol page),
/// or the join link's page.
async fn open(api: Api, hash: &str, state: &UseStateHandle<JoinState>) -> Option<JoinState> {
    Some(
        match (query_param(hash, "proof"), query_param(hash, "code")) {
            (Some(proof), _) => {
                state.set(JoinState::Confirming);
                match api.confirm_join(&proof).await {
                    Ok(done) => match (done.outcome, done.token, done.waiting_position) {
                        (_, Some(token), _) => {
                            go_enrol(&token);
                            return None;
                        }
                        (JoinOutcome::AwaitingApproval, None, place) => {
                            JoinState::AwaitingApproval(place)
                        }
                        (_, None, Some(place)) => JoinState::Waiting(place),
                        (_, None, None) => JoinState::Refused(ApiError::unreadable()),
                    },
                    Err(e) => JoinState::Refused(e),
                }
            }
            (None, Some(code)) => match api.join_page(&code).await {
                Ok(page) => JoinState::Ready {
                    page,
                    sending: false,
                    refused: None,
                },
                Err(e) => JoinState::Refused(e),
            },
            (None, None) => JoinState::Refused(incomplete()),
        },
    )
}

/// On to the enrol page with the invitation's own token, as from an invitation mail. Replaced,
/// not pushed: Back should not confirm the mail's link a second time.
fn go_enrol(token: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w
            .location()
            .replace(&format!("/enrol#token={}", urlencoding::encode(token)));
    }
}

/// A page opened without a code or a proof.
fn incomplete() -> ApiError {
    ApiError {
        status: 400,
        code: "malformed_join_link".into(),
        title: String::new(),
        detail: String::new(),
    }
}

/// The link (not the address) is what was refused: the page says so in place of the form.
fn is_about_the_link(e: &ApiError) -> bool {
    e.status == 404 || e.status == 410 || e.code == "malformed_join_link"
}

/// The heading, the sentence, and the way forward for a refused link, by the problem's code.
/// The sentence is the problem's own when it has one.
pub fn refused_text(e: &ApiError) -> (&'static str, String, &'static str) {
    const ASK: &str = "If you still want to join, ask the person who shared the link with you.";
    const AGAIN: &str = "Open the join link you were given again, and ask for a new mail.";
    let (title, fallback, advice) = match e.code.as_str() {
        "unknown_join_link" => ("We don't recognise this link", "This join link is not one we made.", ASK),
        "malformed_join_link" => ("This link is incomplete", "The link seems to be cut short. Open it again, or copy the whole link into the address bar.", ASK),
        "link_disabled" => ("This link is switched off", "Its administrators have switched it off for now.", ASK),
        "link_not_yet_open" => ("This link is not open yet", "It admits people from a later date.", ASK),
        "link_closed" => ("This link has closed", "It no longer admits people.", ASK),
        "link_used_up" => ("This link has no places left", "Everyone it admits has joined.", ASK),
        "contract_ended" => ("This programme has ended", "Its learning contract has ended.", ASK),
        "malformed_proof" => ("This link is incomplete", "The link from your mail seems to be cut short. Open it again from the mail, or copy the whole link into the address bar.", AGAIN),
        "unknown_proof" => ("We don't recognise this link", "This is not a link we mailed.", AGAIN),
        "proof_expired" => ("This link has expired", "The link in the mail is too old to use.", AGAIN),
        "contract_full" => ("No places are left", "Every seat of the programme is taken.", ASK),
        "place_withdrawn" => ("This place is no longer offered", "The place this link offered was withdrawn.", ASK),
        _ => ("This link cannot be opened", "Something went wrong. Please try again in a moment.", ""),
    };
    let detail = match e.detail.is_empty() || e.code.starts_with("malformed") {
        true => fallback.to_owned(),
        false => e.detail.clone(),
    };
    (title, detail, advice)
}

/// The page as its state has it: plain data, so that tests render it natively.
pub struct JoinView<'a> {
    pub state: &'a JoinState,
    /// The address field.
    pub email: &'a NodeRef,
    /// Send me a link, to the address typed.
    pub on_send: &'a Callback<String>,
    /// Back to the form from "Check your mail".
    pub on_again: &'a Callback<()>,
    /// Read the link again, after a failure that was not the link's.
    pub on_retry: &'a Callback<()>,
}

impl JoinView<'_> {
    /// The page's title, and what its main holds.
    pub fn html(&self) -> (String, Html) {
        match self.state {
            JoinState::Loading => (
                "Join a learning contract".to_owned(),
                html! { <p role="status">{"Opening the join link…"}</p> },
            ),
            JoinState::Confirming => (
                "Confirming your address".to_owned(),
                html! {
                    <section>
                        <h1>{"Confirming your address"}</h1>
                        <p role="status">{"Taking you to your place…"}</p>
                    </section>
                },
            ),
            JoinState::Waiting(position) => waiting(*position),
            JoinState::AwaitingApproval(position) => awaiting_approval(*position),
            JoinState::Refused(e) => refused(e, self.on_retry),
            JoinState::Sent(page, sent) => sent_view(page, sent, self.on_again),
            JoinState::Ready {
                page,
                sending,
                refused,
            } => ready(page, (*sending, refused.as_ref()), self.email, self.on_send),
        }
    }
}

fn refused(e: &ApiError, on_retry: &Callback<()>) -> (String, Html) {
    let (title, detail, advice) = refused_text(e);
    let code = if e.code.is_empty() { "error" } else { &e.code };
    let html = html! {
        <section class="bad-link" id={format!("join-{}", code.replace('_', "-"))}>
            <h1>{title}</h1>
            <p id="join-why">{detail}</p>
            if advice.is_empty() {
                <button type="button" id="join-retry" onclick={on_retry.reform(|_: MouseEvent| ())}>{"Try again"}</button>
            } else {
                <p class="hint">{advice}</p>
            }
        </section>
    };
    (title.to_owned(), html)
}

fn waiting(place: u32) -> (String, Html) {
    let html = html! {
        <section id="join-waiting">
            <h1>{"You are on the waiting list"}</h1>
            <p role="status">{format!(
                "Your address is confirmed. All places in this programme are taken, and you are \
                 number {place} in line."
            )}</p>
            <p>{"When a place frees, you will get an invitation by mail: its link enrols you. Nothing else to do until then."}</p>
        </section>
    };
    ("You are on the waiting list".to_owned(), html)
}

fn awaiting_approval(place: Option<u32>) -> (String, Html) {
    const TITLE: &str = "Your request is with the administrators";
    let place = place.map(|n| format!(" Yours is number {n} among the requests."));
    let html = html! {
        <section id="join-awaiting-approval">
            <h1>{TITLE}</h1>
            <p role="status">
                {"Your address is confirmed. Your request is with the programme's administrators: they approve each person who joins through this link."}
                {place.unwrap_or_default()}
            </p>
            <p>{"You will get a mail when they decide: if they approve, it is your invitation, and its link enrols you. Nothing else to do until then."}</p>
        </section>
    };
    (TITLE.to_owned(), html)
}

fn sent_view(page: &JoinPage, sent: &JoinProofSent, on_again: &Callback<()>) -> (String, Html) {
    let hours = match sent.valid_hours {
        1 => "1 hour".to_owned(),
        n => format!("{n} hours"),
    };
    let html = html! {
        <section>
            <h1>{"Check your mail"}</h1>
            <p role="status" id="join-sent">{format!("We sent a link to {}. It works for {hours}.", sent.email)}</p>
            <p>{format!("Open it to confirm the address is yours and {} {}.",
                if page.needs_approval { "ask for a place in" } else { "take your place in" }, page.contract.name)}</p>
            <p class="hint">{"No mail within a few minutes? Look in your spam folder, or send it again."}</p>
            <button type="button" id="join-again" onclick={on_again.reform(|_: MouseEvent| ())}>
                {"Send it again, or to another address"}
            </button>
        </section>
    };
    ("Check your mail".to_owned(), html)
}

/// The programme, what the link admits, and the address field.
fn ready(
    page: &JoinPage,
    (sending, refused): (bool, Option<&ApiError>),
    email: &NodeRef,
    on_send: &Callback<String>,
) -> (String, Html) {
    let title = format!("Join {}", page.contract.name);
    let onsubmit = {
        let (on_send, email) = (on_send.clone(), email.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = email.cast::<HtmlInputElement>() {
                on_send.emit(input.value().trim().to_owned());
            }
        })
    };
    let c = &page.contract;
    let described = match refused {
        Some(_) => "join-email-hint join-email-error",
        None => "join-email-hint",
    };
    let html = html! {
        <section>
            <h1>{title.clone()}</h1>
            <p id="join-audience">{format!("This link is for {}.", page.audience)}</p>
            <div class="contract-facts">
                <p class="facts">{c.kind.label()}{" · "}{format::date(&c.starts_at)}{" – "}{format::date(&c.ends_at)}</p>
                if !page.activities.is_empty() {
                    <h2>{"Activities"}</h2>
                    <ul>{ for page.activities.iter().map(|a| html! { <li>{a.clone()}</li> }) }</ul>
                }
                <ul class="join-facts" id="join-facts">
                    if let Some(places) = places_text(page.places_left) {
                        <li>{places}</li>
                    }
                    if let Some(at) = &page.closes_at {
                        <li>{format!("Open until {}", format::date_time(at))}</li>
                    }
                    if !page.allowed_domains.is_empty() {
                        <li>{format!("Open to addresses at {}", format::or_list(&page.allowed_domains))}</li>
                    }
                    if page.needs_approval {
                        <li>{"An administrator approves each person who joins"}</li>
                    }
                </ul>
            </div>
            <form class="enrol join" {onsubmit} novalidate=true>
                <label for="join-email">{"Your email address"}</label>
                <input id="join-email" type="email" ref={email.clone()} required=true autocomplete="email"
                    aria-describedby={described} aria-invalid={refused.is_some().then_some("true")} />
                <p id="join-email-hint" class="hint">{"We mail you a link to confirm the address is yours. Opening it gives you your place."}</p>
                if let Some(e) = refused {
                    <p class="error" role="alert" id="join-email-error">{e.to_string()}</p>
                }
                <button type="submit" id="join-send" class="primary" disabled={sending}>
                    {if sending { "Sending…" } else { "Send me a link" }}
                </button>
            </form>
        </section>
    };
    (title, html)
}
