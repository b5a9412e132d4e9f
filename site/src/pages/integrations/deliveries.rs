//! An endpoint's Deliveries: its messages, newest first, each with every attempt; Show more by
//! the API's cursor; and Replay of the failed ones since a time the admin gives in their own.

use super::*;

pub fn state_label(state: WebhookMessageState) -> &'static str {
    match state {
        WebhookMessageState::Pending => "Pending",
        WebhookMessageState::Delivered => "Delivered",
        WebhookMessageState::Failed => "Failed",
    }
}

pub fn deliveries_panel(
    e: &WebhookEndpoint,
    d: &Deliveries,
    dispatch: &Callback<IntegrationsAction>,
    run: &Callback<Command>,
) -> Html {
    let id = e.id.clone();
    let more = {
        let (run, id, cursor) = (run.clone(), id.clone(), d.next_cursor.clone());
        Callback::from(move |_: MouseEvent| run.emit(Command::Messages(id.clone(), cursor.clone())))
    };
    let loading_more = d.more == Request::Working;
    html! {
        <section class="deliveries" id={format!("deliveries-panel-{id}")} aria-labelledby={format!("deliveries-title-{id}")}>
            <h3 id={format!("deliveries-title-{id}")}>{"Deliveries to "}{e.url.clone()}</h3>
            {match &d.messages {
                None => html! { <p role="status">{"Loading the deliveries…"}</p> },
                Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the deliveries" /> },
                Some(Ok(list)) if list.is_empty() => html! {
                    <p class="empty" id={format!("no-deliveries-{id}")}>{"Nothing has been sent to this endpoint yet."}</p>
                },
                Some(Ok(list)) => messages_table(&id, list, d, run),
            }}
            {match &d.resent {
                Request::Done(event) => html! { <Outcome text={format!("{event} is sent again: it arrives within a minute.")} id={format!("resent-{id}")} /> },
                Request::Failed(e) => html! { <Outcome text={format!("Could not send it again. {e}")} id={format!("resent-{id}")} failed=true /> },
                _ => html! {},
            }}
            if d.next_cursor.is_some() {
                <p class="more">
                    <button type="button" id={format!("deliveries-more-{id}")} disabled={loading_more} onclick={more}>
                        {if loading_more { "Loading more…" } else { "Show more" }}
                    </button>
                </p>
            }
            if let Request::Failed(e) = &d.more {
                <ErrorMessage error={e.clone()} context="Could not load more deliveries" />
            }
            {replay_form(&id, d, dispatch, run)}
        </section>
    }
}

fn messages_table(
    id: &str,
    list: &[WebhookMessage],
    d: &Deliveries,
    run: &Callback<Command>,
) -> Html {
    let working = d.resent == Request::Working;
    let again = |m: &WebhookMessage| {
        let (run, command) = (run.clone(), Command::ReplayOne(id.to_owned(), m.id.clone()));
        let onclick = Callback::from(move |_: MouseEvent| run.emit(command.clone()));
        html! {
            <button type="button" class="link" id={format!("resend-{id}-{}", m.event_id)} disabled={working} {onclick}
                aria-label={format!("Send again: {}", m.event_id)}>{"Send again"}</button>
        }
    };
    html! {
        <table class="cards messages" id={format!("messages-{id}")}>
            <thead>
                <tr>
                    <th scope="col">{"Event"}</th>
                    <th scope="col">{"Event id"}</th>
                    <th scope="col">{"Time"}</th>
                    <th scope="col">{"State"}</th>
                    <th scope="col">{"Attempts"}</th>
                </tr>
            </thead>
            <tbody>
                { for list.iter().map(|m| html! {
                    <tr class={classes!("message", state_label(m.state).to_lowercase())}>
                        <td data-label="Event">{m.event_type.clone()}</td>
                        <td data-label="Event id" class="event-id">{m.event_id.clone()}</td>
                        <td data-label="Time"><time datetime={m.created_at.clone()}>{format::date_time(&m.created_at)}</time></td>
                        <td data-label="State">
                            <span class="message-state">{state_label(m.state)}</span>
                            if let Some(next) = &m.next_attempt_at {
                                <span class="note">{"Next try "}{format::date_time(next)}</span>
                            }
                            if m.state != WebhookMessageState::Pending {
                                {again(m)}
                            }
                        </td>
                        <td data-label="Attempts">{attempts(m)}</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn attempts(m: &WebhookMessage) -> Html {
    if m.attempts.is_empty() {
        return html! { {"Not tried yet"} };
    }
    html! {
        <ol class="attempts">
            { for m.attempts.iter().map(|a| {
                let answer = match (a.status, &a.error) {
                    (Some(status), _) => format!("HTTP {status}"),
                    (None, Some(error)) => error.clone(),
                    (None, None) => "No answer".to_owned(),
                };
                html! {
                    <li>
                        <time datetime={a.at.clone()}>{format::date_time(&a.at)}</time>
                        {" · "}<strong>{answer}</strong>{format!(" · {} ms", format::count(a.duration_ms))}
                        if !a.response_start.is_empty() {
                            {" · "}<code>{a.response_start.clone()}</code>
                        }
                    </li>
                }
            }) }
        </ol>
    }
}

fn replay_form(
    id: &str,
    d: &Deliveries,
    dispatch: &Callback<IntegrationsAction>,
    run: &Callback<Command>,
) -> Html {
    let field = format!("replay-since-{id}");
    let hint = format!("replay-hint-{id}");
    let onsubmit = {
        let (run, dispatch, id, since) = (
            run.clone(),
            dispatch.clone(),
            id.to_owned(),
            d.since.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match format::local_to_utc(&since) {
                Some(utc) => run.emit(Command::Replay(id.clone(), utc)),
                None => dispatch.emit(IntegrationsAction::ReplayRefused(
                    id.clone(),
                    ApiError {
                        status: 400,
                        code: "invalid_since".into(),
                        title: "Bad Request".into(),
                        detail: "Give the date and time to replay from.".into(),
                    },
                )),
            }
        })
    };
    let oninput = {
        let id = id.to_owned();
        dispatch.reform(move |e: InputEvent| {
            IntegrationsAction::Since(
                id.clone(),
                e.target_unchecked_into::<HtmlInputElement>().value(),
            )
        })
    };
    let outcome_id = format!("replay-outcome-{id}");
    let working = d.replay == Request::Working;
    html! {
        <form class="replay" {onsubmit} novalidate=true>
            <label for={field.clone()}>{"Replay failed deliveries since"}</label>
            <input id={field} type="datetime-local" value={d.since.clone()} {oninput} aria-describedby={hint.clone()} />
            <button type="submit" id={format!("replay-{id}")} disabled={working}>
                {if working { "Replaying…" } else { "Replay failed" }}
            </button>
            <p class="hint" id={hint}>
                {format!("In your time ({}). Each failed delivery since then is sent again, with the same event id.", format::zone())}
            </p>
            {match &d.replay {
                Request::Done(0) => html! { <Outcome text="No failed deliveries since then: nothing to send again." id={outcome_id} /> },
                Request::Done(n) => html! {
                    <Outcome text={format!("{} sent again: {} within a minute.",
                        if *n == 1 { "1 failed delivery is".to_owned() } else { format!("{} failed deliveries are", format::count(*n)) },
                        if *n == 1 { "it arrives" } else { "they arrive" })} id={outcome_id} />
                },
                Request::Failed(e) => html! { <Outcome text={format!("Could not replay. {e}")} id={outcome_id} failed=true /> },
                _ => html! {},
            }}
        </form>
    }
}
