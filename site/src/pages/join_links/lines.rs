//! The join requests and the waiting list: each a table under its heading while anyone is in
//! it, or once a change emptied it (what the change did stays said, over a line saying the list
//! is empty). A row names the person, the link they came through and since when; its buttons
//! are described by the person's address.

use super::*;

pub fn queue_section(queue: Queue, props: &JoinLinksView) -> Html {
    let q = props.state.queue(queue);
    let (title, hint, empty) = match queue {
        Queue::Requests => (
            "Join requests",
            "People who confirmed their address through a link that needs approval, oldest first. Approve gives them a place (or a place on the waiting list when every seat is taken); Refuse tells them by mail.",
            "Nobody waits for approval now.",
        ),
        Queue::Waiting => (
            "Waiting list",
            "Every seat was taken when these people joined. As seats free, they are invited in this order, by mail.",
            "Nobody is on the waiting list now.",
        ),
    };
    let shown = match &q.entries {
        None => false,
        Some(Ok(list)) => !list.is_empty() || q.said.is_some(),
        Some(Err(_)) => true,
    };
    if !shown {
        return Html::default();
    }
    let (heading, key) = (queue.heading_id(), queue.key());
    let ok = q.said.as_ref().filter(|(_, failed)| !failed);
    let failed = q.said.as_ref().filter(|(_, failed)| *failed);
    html! {
        <section class="join-queue" aria-labelledby={heading}>
            <h2 id={heading} tabindex="-1">{title}</h2>
            <p class="hint">{hint}</p>
            <div role="status" id={format!("{key}-outcome")}>
                if let Some((text, _)) = ok {
                    <p class="outcome ok">{text.clone()}</p>
                }
            </div>
            if let Some((text, _)) = failed {
                <p class="outcome error" role="alert" id={format!("{key}-failed")}>{text.clone()}</p>
            }
            {match &q.entries {
                Some(Err(e)) => html! {
                    <ErrorMessage error={e.clone()} context={format!("Could not load the {}", title.to_lowercase())} />
                },
                _ if q.list().is_empty() => html! { <p class="empty" id={format!("{key}-empty")}>{empty}</p> },
                _ => queue_table(queue, q.list(), props),
            }}
        </section>
    }
}

fn queue_table(queue: Queue, list: &[WaitingEntry], props: &JoinLinksView) -> Html {
    let waiting = queue == Queue::Waiting;
    html! {
        <table class="cards join-queue" aria-labelledby={queue.heading_id()}>
            <thead>
                <tr>
                    if waiting {
                        <th scope="col">{"Place"}</th>
                    }
                    <th scope="col">{"Who"}</th>
                    <th scope="col">{"Through the link"}</th>
                    <th scope="col">{if waiting { "Waiting since" } else { "Asked" }}</th>
                    <th scope="col">{"Actions"}</th>
                </tr>
            </thead>
            <tbody>
                { for list.iter().map(|e| entry_row(queue, e, list.len(), props)) }
            </tbody>
        </table>
    }
}

fn entry_row(queue: Queue, e: &WaitingEntry, count: usize, props: &JoinLinksView) -> Html {
    let key = queue.key();
    let who = format!("{key}-who-{}", e.id);
    let waiting = queue == Queue::Waiting;
    html! {
        <tr id={format!("{key}-{}", e.id)}>
            if waiting {
                <td data-label="Place">{e.position.to_string()}</td>
            }
            <td data-label="Who"><span id={who.clone()}>{e.email.clone()}</span></td>
            <td data-label="Through the link">
                {match (&e.link_id, &e.link_audience) {
                    (None, _) => "Invited by an administrator over the seat limit".to_owned(),
                    (Some(_), Some(audience)) => audience.clone(),
                    (Some(_), None) => "A link since removed".to_owned(),
                }}
            </td>
            <td data-label={if waiting { "Waiting since" } else { "Asked" }}>
                <time datetime={e.joined_at.clone()}>{format::date_time(&e.joined_at)}</time>
            </td>
            <td data-label="Actions" class="actions">{entry_actions(queue, e, count, &who, props)}</td>
        </tr>
    }
}

/// Approve and Refuse; or Move to front, Up, Down (where they move someone) and Remove. Refuse
/// and Remove ask first, in place of the buttons.
fn entry_actions(
    queue: Queue,
    e: &WaitingEntry,
    count: usize,
    who: &str,
    props: &JoinLinksView,
) -> Html {
    use QueueAct::*;
    let (q, id) = (props.state.queue(queue), e.id.clone());
    let row = q.row.as_ref().filter(|(of, _)| *of == id).map(|(_, r)| *r);
    if let Some(QueueRow::Asking(act)) = row {
        let (question, yes_label) = act.question(&e.email);
        let button = act.button_id(&id);
        let confirm = props
            .run
            .reform(move |_: ()| Command::Queue(id.clone(), act));
        let cancel = props
            .dispatch
            .reform(move |_: ()| JoinLinksAction::QueueCancel(queue));
        return html! {
            <Confirm id={format!("question-{button}")} yes_id={format!("confirm-{button}")}
                cancel_id={format!("cancel-{button}")} {yes_label} opener={AttrValue::from(button)}
                {confirm} {cancel} {question} />
        };
    }
    let busy = matches!(q.row, Some((_, QueueRow::Working(_))));
    let at = e.position as usize;
    let acts: Vec<QueueAct> = match queue {
        Queue::Requests => vec![Approve, Refuse],
        Queue::Waiting => [
            (First, at > 2),
            (Up, at > 1),
            (Down, at < count),
            (Remove, true),
        ]
        .into_iter()
        .filter_map(|(act, offered)| offered.then_some(act))
        .collect(),
    };
    html! {
        <>{ for acts.into_iter().map(|act| {
            let id = id.clone();
            let onclick = match act.asks() {
                true => props.dispatch.reform(move |_: MouseEvent| JoinLinksAction::QueueAsk(id.clone(), act)),
                false => props.run.reform(move |_: MouseEvent| Command::Queue(id.clone(), act)),
            };
            let label = match row == Some(QueueRow::Working(act)) {
                true => act.working(),
                false => act.label(),
            };
            html! {
                <button type="button" id={act.button_id(&e.id)} disabled={busy} {onclick}
                    aria-describedby={who.to_owned()}>{label}</button>
            }
        }) }</>
    }
}
