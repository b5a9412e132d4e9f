//! One invitation's history, opened under its row.

use super::*;

#[derive(Properties, PartialEq)]
pub struct HistoryViewProps {
    pub id: AttrValue,
    pub email: AttrValue,
    pub panel: HistoryPanel,
    /// Reads the next (older) page: (invitation id, cursor).
    pub on_more: Callback<(String, Option<String>)>,
}

/// One invitation's history, newest first: when, what, who, and more in words.
#[component]
pub fn HistoryView(props: &HistoryViewProps) -> Html {
    let p = &props.panel;
    let id = props.id.to_string();
    let list = use_node_ref();
    {
        let list = list.clone();
        use_effect_with(p.focus_entry, move |first| {
            let entry = first.and_then(|n| {
                list.cast::<web_sys::Element>()?
                    .children()
                    .item(u32::try_from(n).ok()?)
            });
            if let Some(entry) = entry.and_then(|e| {
                use wasm_bindgen::JsCast;
                e.dyn_into::<web_sys::HtmlElement>().ok()
            }) {
                let _ = entry.focus();
            }
        });
    }
    let more = {
        let (on_more, id, cursor) = (props.on_more.clone(), id.clone(), p.next_cursor.clone());
        Callback::from(move |_: MouseEvent| on_more.emit((id.clone(), cursor.clone())))
    };
    html! {
        <section class="history" aria-labelledby={format!("history-title-{id}")}>
            <h3 id={format!("history-title-{id}")}>{format!("History of the invitation to {}", props.email)}</h3>
            if !p.entries.is_empty() {
                <ol class="history-entries" id={format!("history-entries-{id}")} ref={list}>
                    { for p.entries.iter().map(|e| {
                        let who = match (&e.actor_name, &e.actor) {
                            (Some(name), _) => format!("by {name}"),
                            (None, Some(actor)) => format!("by {actor}"),
                            (None, None) => match e.action {
                                crate::api::HistoryAction::MailReport => "by the mail service",
                                crate::api::HistoryAction::Reminded => "by the reminder plan",
                                // A link runs out by itself.
                                crate::api::HistoryAction::Expired => "",
                                _ => "by the mailer",
                            }
                            .to_owned(),
                        };
                        html! {
                            <li class={classes!("history-entry", format!("{:?}", e.action).to_lowercase())} tabindex="-1">
                                <time datetime={e.at.clone()}>{format::date_time(&e.at)}</time>
                                {" "}<strong>{e.action.label()}</strong>
                                if let Some(detail) = &e.detail {
                                    {" — "}{detail.clone()}
                                }
                                if !who.is_empty() {
                                    {" "}<span class="hint">{who}</span>
                                }
                            </li>
                        }
                    }) }
                </ol>
            }
            <div role="status">
                if p.loading {
                    <p>{"Loading the history…"}</p>
                } else if p.entries.is_empty() && p.error.is_none() {
                    <p>{"Nothing recorded yet."}</p>
                }
            </div>
            if let Some(error) = &p.error {
                <p class="outcome error" role="alert">{error.clone()}</p>
            }
            if p.next_cursor.is_some() {
                <button type="button" id={format!("history-more-{id}")} disabled={p.loading} onclick={more}>
                    {"Show older entries"}
                </button>
            }
        </section>
    }
}
