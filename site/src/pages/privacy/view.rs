//! The Privacy page's views: the form (with a forget's question), the request sent and what it
//! found, and the latest requests. Plain functions: the page draws them again whenever its
//! state changes.

use super::state::{PrivacyMsg, PrivacyState};
use crate::api::{
    ApiError, NewPrivacyRequest, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus,
    PrivacyTraceKind,
};
use crate::components::confirm::Confirm;
use crate::components::error::ErrorMessage;
use crate::format;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A kind of trace, as the tables name it.
pub fn trace_label(kind: PrivacyTraceKind) -> &'static str {
    use PrivacyTraceKind::*;
    match kind {
        Invitation => "Invitations",
        History => "History entries",
        Audit => "Audit entries",
        DirectoryEntry => "Directory records",
        Account => "Sign-in accounts",
        Block => "Blocked addresses",
        Waiting => "Waiting list places and join requests",
        JoinProof => "Proofs of address for joining",
        WebhookMessage => "Webhook messages kept for replay",
        AdminMail => "Test mails and mail choices",
        Import => "Imports",
        File => "Files and import reports",
        Other => "Other records",
    }
}

pub fn status_label(status: PrivacyRequestStatus) -> &'static str {
    match status {
        PrivacyRequestStatus::Queued => "Waiting to start",
        PrivacyRequestStatus::Running => "Running",
        PrivacyRequestStatus::Done => "Done",
        PrivacyRequestStatus::Failed => "Failed",
    }
}

/// What a request did, in words ("Forget, and the sign-in account").
pub fn what(r: &PrivacyRequest) -> String {
    let mut text = String::from(match r.kind {
        PrivacyRequestKind::Forget => "Forget",
        PrivacyRequestKind::Export => "Download what we hold",
    });
    if r.delete_account {
        text.push_str(", and the sign-in account");
    }
    if r.do_not_invite {
        text.push_str(", not to be invited again");
    }
    text
}

/// What a finished request found, in one line ("Invitations 2, History entries 5").
pub fn found(r: &PrivacyRequest) -> String {
    match r.status {
        // An export's file says what it holds.
        PrivacyRequestStatus::Done
            if r.traces.is_empty() && r.kind == PrivacyRequestKind::Forget =>
        {
            "Nothing".into()
        }
        PrivacyRequestStatus::Done => r
            .traces
            .iter()
            .map(|t| format!("{} {}", trace_label(t.kind), format::count(t.count)))
            .collect::<Vec<_>>()
            .join(", "),
        PrivacyRequestStatus::Failed => r.failure.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// The address, what to do, a forget's two wishes; Send (a forget asks first, in words).
pub fn privacy_form(
    state: &PrivacyState,
    dispatch: &Callback<PrivacyMsg>,
    on_send: &Callback<NewPrivacyRequest>,
) -> Html {
    let forget = state.kind == PrivacyRequestKind::Forget;
    let busy = state.sending;
    let onsubmit = {
        let (dispatch, on_send, request) = (dispatch.clone(), on_send.clone(), state.request());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if request.email.is_empty() {
                dispatch.emit(PrivacyMsg::Refused(ApiError {
                    status: 400,
                    code: "invalid_email".into(),
                    title: String::new(),
                    detail: "Type the person's email address.".into(),
                }));
            } else if forget {
                dispatch.emit(PrivacyMsg::Ask);
            } else {
                on_send.emit(request.clone());
            }
        })
    };
    let kind = |k: PrivacyRequestKind, id: &'static str, label: &'static str| {
        html! {
            <p>
                <input type="radio" name="privacy-kind" {id} checked={state.kind == k} disabled={busy}
                    onchange={dispatch.reform(move |_: Event| PrivacyMsg::Kind(k))} />
                <label for={id}>{label}</label>
            </p>
        }
    };
    let wish = |id: &'static str, on: bool, msg: fn(bool) -> PrivacyMsg, label: &'static str| {
        html! {
            <p>
                <input type="checkbox" {id} checked={on} disabled={busy}
                    onchange={dispatch.reform(move |e: Event| msg(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                <label for={id}>{label}</label>
            </p>
        }
    };
    let email = state.email.trim();
    let question = format!(
        "This erases everything the product holds about {email}: their invitations, history and audit entries, import lines, blocks, join requests, webhook messages and test mails{}{}. It cannot be undone. Counts and seats stay as they are (a pending invitation is withdrawn, which frees its seat).",
        if state.delete_account { ", and their sign-in account" } else { "" },
        if state.do_not_invite { "; their address is kept only as a one-way hash, and nobody can invite them again" } else { "" },
    );
    let confirm = {
        let (on_send, request) = (on_send.clone(), state.request());
        Callback::from(move |_: ()| on_send.emit(request.clone()))
    };
    let invalid = state
        .error
        .as_ref()
        .is_some_and(|e| e.code == "invalid_email");
    html! {
        <form class="privacy-form" {onsubmit} novalidate=true aria-labelledby="privacy-form-heading">
            <h2 id="privacy-form-heading">{"A person's request"}</h2>
            <div class="field">
                <label for="privacy-email">{"The person's email address"}</label>
                <input id="privacy-email" type="email" value={state.email.clone()} disabled={busy || state.asking}
                    autocomplete="off" required=true aria-invalid={invalid.then_some("true")}
                    aria-describedby={invalid.then_some("privacy-error")}
                    oninput={dispatch.reform(|e: InputEvent| PrivacyMsg::Email(e.target_unchecked_into::<HtmlInputElement>().value()))} />
            </div>
            <fieldset>
                <legend>{"What to do"}</legend>
                {kind(PrivacyRequestKind::Forget, "privacy-forget", "Forget this person")}
                {kind(PrivacyRequestKind::Export, "privacy-export", "Download what we hold about them")}
            </fieldset>
            if forget {
                <fieldset>
                    <legend>{"What else they asked for"}</legend>
                    {wish("privacy-delete-account", state.delete_account, PrivacyMsg::DeleteAccount,
                        "They asked for their sign-in account to be deleted")}
                    {wish("privacy-do-not-invite", state.do_not_invite, PrivacyMsg::DoNotInvite,
                        "They asked not to be invited again (their address is kept only as a one-way hash, and every invitation, import and join link refuses it)")}
                </fieldset>
            }
            <div role="alert" id="privacy-alert">
                if let Some(e) = &state.error {
                    <p class="error" id="privacy-error"><strong>{"Could not send the request. "}</strong>{e.to_string()}</p>
                }
            </div>
            if state.asking {
                <Confirm id="privacy-question" question={question} yes_label="Forget them" yes_id="privacy-confirm"
                    cancel_id="privacy-cancel" opener={AttrValue::Static("privacy-send")} {confirm} yes_disabled={busy}
                    cancel={dispatch.reform(|_: ()| PrivacyMsg::Cancel)} />
            } else {
                <button type="submit" class="primary" id="privacy-send" disabled={busy}>
                    {match (busy, forget) {
                        (true, _) => "Sending…",
                        (_, true) => "Forget this person…",
                        _ => "Prepare the file",
                    }}
                </button>
            }
        </form>
    }
}

/// The request sent from this page: where it is, read again every few seconds until it is done,
/// then what it found (and, for an export, the file's link); why it failed.
pub fn privacy_sent(state: &PrivacyState) -> Html {
    let Some((email, r)) = &state.sent else {
        return html! {};
    };
    let forget = r.kind == PrivacyRequestKind::Forget;
    let heading = if forget {
        format!("Forgetting {email}")
    } else {
        format!("What we hold about {email}")
    };
    let status = match r.status {
        PrivacyRequestStatus::Done if forget => {
            "Everything found about this address was erased; counted skeletons keep the contracts' figures."
        }
        PrivacyRequestStatus::Done => "The file is ready.",
        PrivacyRequestStatus::Failed => "It stopped before the end, for the reason below.",
        _ => "This page reads it again every few seconds until it is done.",
    };
    let caption = if forget {
        "What was found and erased"
    } else {
        "What the file holds"
    };
    html! {
        <section class="privacy-sent" aria-labelledby="privacy-sent-heading">
            <h2 id="privacy-sent-heading" tabindex="-1">{heading}</h2>
            <p role="status" id="privacy-status"><strong>{status_label(r.status)}</strong>{". "}{status}</p>
            if r.status == PrivacyRequestStatus::Done {
                if r.traces.is_empty() {
                    if forget {
                        <p id="privacy-nothing">{"Nothing was found about this address."}</p>
                    }
                } else {
                    <table id="privacy-traces" class="traces">
                        <caption>{caption}</caption>
                        <tbody>
                            { for r.traces.iter().map(|t| html! {
                                <tr><th scope="row">{trace_label(t.kind)}</th><td>{format::count(t.count)}</td></tr>
                            }) }
                        </tbody>
                    </table>
                }
            }
            if let Some(url) = &r.download_url {
                <p>
                    <a id="privacy-download" href={url.clone()} aria-describedby="privacy-download-hint">{"Download the file"}</a>
                    {" "}<span class="hint" id="privacy-download-hint">{"(JSON; the link works for 15 minutes)"}</span>
                </p>
            }
            if let Some(why) = &r.failure {
                <p class="error" role="alert" id="privacy-failure">{why.clone()}</p>
            }
            if let Some(e) = &state.follow_error {
                <ErrorMessage error={e.clone()} context="Could not follow the request; it goes on, and the list below shows it" />
            }
        </section>
    }
}

/// The latest requests, newest first: what, where it is, who asked, when, what was found.
pub fn privacy_list(state: &PrivacyState) -> Html {
    let row = |r: &PrivacyRequest| {
        html! {
            <tr>
                <td data-label="Asked"><time datetime={r.requested_at.clone()}>{format::date_time(&r.requested_at)}</time></td>
                <td data-label="What">{what(r)}</td>
                <td data-label="Status">{status_label(r.status)}</td>
                <td data-label="Asked by">{r.requested_by.clone()}</td>
                <td data-label="Found">{found(r)}
                    if let Some(url) = &r.download_url {
                        {" "}<a href={url.clone()}>{"Download the file"}</a>
                    }
                </td>
            </tr>
        }
    };
    html! {
        <section aria-labelledby="privacy-list-heading">
            <h2 id="privacy-list-heading">{"Latest requests"}</h2>
            <p class="hint">{"Requests keep no address: this list says what was done and who asked, not about whom. A download's link works for 15 minutes (opening this page again gives new ones); its file is deleted after a day."}</p>
            {match &state.list {
                None => html! { <p role="status">{"Loading the requests…"}</p> },
                Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the requests" /> },
                Some(Ok(list)) if list.is_empty() => html! { <p id="privacy-none">{"No privacy requests yet."}</p> },
                Some(Ok(list)) => html! {
                    <table class="cards" id="privacy-requests">
                        <caption>{"The latest privacy requests, newest first"}</caption>
                        <thead><tr>
                            <th scope="col">{"Asked"}</th><th scope="col">{"What"}</th><th scope="col">{"Status"}</th>
                            <th scope="col">{"Asked by"}</th><th scope="col">{"Found"}</th>
                        </tr></thead>
                        <tbody>{ for list.iter().map(row) }</tbody>
                    </table>
                },
            }}
        </section>
    }
}
