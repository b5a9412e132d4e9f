//! The links: one row each (who it is for, the link, where it stands and whether it needs
//! approval, how many used it, the addresses it admits, who made it, its actions), and under
//! it, when asked, its QR code.

use super::*;
use crate::components::form::copy_text;

pub fn links_table(list: &[JoinLink], props: &JoinLinksView) -> Html {
    html! {
        <table class="cards join-links">
            <thead>
                <tr>
                    <th scope="col">{"For"}</th>
                    <th scope="col">{"Link"}</th>
                    <th scope="col">{"State"}</th>
                    <th scope="col">{"Used"}</th>
                    <th scope="col">{"Addresses"}</th>
                    <th scope="col">{"Made"}</th>
                    <th scope="col">{"Actions"}</th>
                </tr>
            </thead>
            <tbody>
                { for list.iter().map(|l| link_rows(l, props)) }
            </tbody>
        </table>
    }
}

/// Where a link stands, in words, and its badge's class.
pub fn state_words(state: JoinLinkState) -> (&'static str, &'static str) {
    match state {
        JoinLinkState::Open => ("Open", "enabled"),
        JoinLinkState::NotYetOpen => ("Not open yet", "pending"),
        JoinLinkState::Closed => ("Closed", "revoked"),
        JoinLinkState::UsedUp => ("Used up", "expired"),
        JoinLinkState::Disabled => ("Disabled", "disabled"),
    }
}

/// `3 of 10 used`, or `3 used` for a link with no limit of its own.
pub fn uses_text(link: &JoinLink) -> String {
    match link.max_uses {
        Some(max) => format!("{} of {} used", link.uses, max),
        None => format!("{} used", link.uses),
    }
}

/// `7 places left` on a link with a limit of its own.
pub fn places_text(places_left: Option<u32>) -> Option<String> {
    places_left.map(|n| match n {
        0 => "No places left".to_owned(),
        1 => "1 place left".to_owned(),
        n => format!("{n} places left"),
    })
}

/// When the link admits people, in the admin's time.
pub fn window_text(link: &JoinLink) -> Vec<String> {
    let mut said = Vec::new();
    if let Some(at) = &link.opens_at {
        let verb = match link.state {
            JoinLinkState::NotYetOpen => "Opens",
            _ => "Opened",
        };
        said.push(format!("{verb} {}", format::date_time(at)));
    }
    match (&link.closes_at, link.state) {
        (Some(at), JoinLinkState::Closed) => said.push(format!("Closed {}", format::date_time(at))),
        (Some(at), _) => said.push(format!("Closes {}", format::date_time(at))),
        (None, _) => said.push("Until the contract ends".to_owned()),
    }
    said
}

fn link_rows(l: &JoinLink, props: &JoinLinksView) -> Html {
    let id = &l.id;
    let shown = props.state.shown(id).cloned().unwrap_or_default();
    let url = join_url(props.origin, &l.code);
    let (state, class) = state_words(l.state);
    let names: Vec<&str> = props
        .contract
        .activities
        .iter()
        .filter(|a| l.activities.contains(&a.id))
        .map(|a| a.name.as_str())
        .collect();
    html! {
        <>
            <tr id={format!("join-link-{id}")}>
                <td data-label="For">
                    <span class="audience" id={format!("join-link-audience-{id}")}>{l.audience.clone()}</span>
                    if props.contract.needs_activity_choice && !names.is_empty() {
                        <span class="note">{format!("Activities: {}", names.join(", "))}</span>
                    }
                </td>
                <td data-label="Link">
                    <input type="text" readonly=true class="join-url" id={format!("join-link-url-{id}")} value={url.clone()}
                        aria-label={format!("Join link for {}", l.audience)} spellcheck="false" />
                </td>
                <td data-label="State">
                    <span class={classes!("badge", class)}>{state}</span>
                    { for window_text(l).into_iter().map(|t| html! { <span class="note">{t}</span> }) }
                    if l.needs_approval {
                        <span class="note" id={format!("join-link-approval-{id}")}>{"Needs an administrator's approval"}</span>
                    }
                </td>
                <td data-label="Used">
                    <span id={format!("join-link-uses-{id}")}>{uses_text(l)}</span>
                    if let Some(places) = places_text(l.places_left) {
                        <span class="note">{places}</span>
                    }
                </td>
                <td data-label="Addresses">
                    {match l.allowed_domains.is_empty() {
                        true => "Any address".to_owned(),
                        false => format!("At {}", format::or_list(&l.allowed_domains)),
                    }}
                </td>
                <td data-label="Made">
                    <time datetime={l.created_at.clone()}>{format::date_time(&l.created_at)}</time>
                    if let Some(name) = &l.created_by_name {
                        {" by "}{name.clone()}
                    }
                </td>
                <td data-label="Actions" class="actions">{actions(l, &url, &shown, props)}</td>
            </tr>
            if shown.qr {
                <tr class="panel" id={format!("qr-panel-{id}")}>
                    <td colspan="7">{qr_figure(id, &url, &l.audience)}</td>
                </tr>
            }
        </>
    }
}

fn actions(l: &JoinLink, url: &str, shown: &Shown, props: &JoinLinksView) -> Html {
    let (id, dispatch, run) = (l.id.clone(), props.dispatch, props.run);
    let on = |action: fn(String) -> JoinLinksAction| {
        let id = id.clone();
        dispatch.reform(move |_: MouseEvent| action(id.clone()))
    };
    if shown.row == Some(RowState::Asking) {
        let confirm = {
            let (run, id) = (run.clone(), id.clone());
            Callback::from(move |_| run.emit(Command::Act(id.clone(), Act::Regenerate)))
        };
        let cancel = {
            let id = id.clone();
            dispatch.reform(move |_: ()| JoinLinksAction::Cancel(id.clone()))
        };
        return html! {
            <Confirm id={format!("regenerate-question-{id}")} yes_id={format!("confirm-regenerate-{id}")}
                cancel_id={format!("cancel-regenerate-{id}")} yes_label="Yes, make a new link"
                opener={AttrValue::from(format!("regenerate-{id}"))} {confirm} {cancel}
                question={format!("Make a new link for {}? The old link stops working at once.", l.audience)} />
        };
    }
    let working = match &shown.row {
        Some(RowState::Working(act)) => Some(*act),
        _ => None,
    };
    let about = format!("join-link-audience-{id}");
    let button = |act: Act, onclick: Callback<MouseEvent>| {
        let label = match working == Some(act) {
            true => act.working(),
            false => act.label(),
        };
        let id = format!("{}-{id}", act.label().to_lowercase());
        row_button((id, label), onclick, &about, (working.is_some(), None))
    };
    let act = |act: Act| {
        let (run, id) = (run.clone(), id.clone());
        Callback::from(move |_: MouseEvent| run.emit(Command::Act(id.clone(), act)))
    };
    let on_copy = {
        let (dispatch, id, url) = (dispatch.clone(), id.clone(), url.to_owned());
        Callback::from(move |_: MouseEvent| {
            let (dispatch, id, url) = (dispatch.clone(), id.clone(), url.clone());
            yew::platform::spawn_local(async move {
                let copied = copy_text(&url).await;
                dispatch.emit(JoinLinksAction::Copied(id, copied));
            });
        })
    };
    html! {
        <>
            {row_button((format!("copy-join-link-{id}"), "Copy link"), on_copy, &about, (false, None))}
            {row_button(
                (format!("qr-{id}"), if shown.qr { "Hide QR code" } else { "Show QR code" }),
                on(JoinLinksAction::Qr), &about, (false, Some((shown.qr, format!("qr-panel-{id}")))),
            )}
            {button(Act::Regenerate, on(JoinLinksAction::Ask))}
            {match l.enabled {
                true => button(Act::Disable, act(Act::Disable)),
                false => button(Act::Enable, act(Act::Enable)),
            }}
            <p role="status" class="hint copied" id={format!("copied-{id}")}>
                {match shown.copied {
                    Some(true) => "Copied.",
                    Some(false) => "Could not copy: select the link and copy it yourself.",
                    None => "",
                }}
            </p>
            if let Some((text, failed)) = shown.row.as_ref().and_then(RowState::outcome) {
                <Outcome {text} id={format!("join-link-outcome-{id}")} {failed} />
            }
        </>
    }
}

/// A button of a link's row, named with the link's audience (`about`); `expanded`: whether
/// what it shows is open, and its id.
fn row_button(
    (id, label): (String, &'static str),
    onclick: Callback<MouseEvent>,
    about: &str,
    (disabled, expanded): (bool, Option<(bool, String)>),
) -> Html {
    let (expanded, controls) = match expanded {
        Some((open, panel)) => (
            Some(if open { "true" } else { "false" }),
            open.then_some(panel),
        ),
        None => (None, None),
    };
    html! {
        <button type="button" {id} {disabled} {onclick} aria-describedby={about.to_owned()}
            aria-expanded={expanded} aria-controls={controls}>{label}</button>
    }
}
