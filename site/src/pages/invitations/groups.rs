//! The contract's groups (cohorts, issue 31): each with its figures, in a table under a
//! disclosure; a group's name applies the group filter (pressed again, takes it off).

use super::*;
use crate::api::{GroupFigures, GroupList};

/// The groups' figures, or nothing when the contract has no groups.
pub fn groups_view(groups: &GroupList, search: &Search, on_search: &Callback<Search>) -> Html {
    if groups.groups.is_empty() {
        return html! {};
    }
    let figures = |g: &GroupFigures| {
        let cell =
            |label: &'static str, n: u64| html! { <td data-label={label}>{format::count(n)}</td> };
        html! {
            <>
                {cell("Pending", g.pending)}
                {cell("Scheduled", g.scheduled)}
                {cell("Expired", g.expired)}
                {cell("Enrolled", g.enrolled)}
                {cell("Revoked", g.revoked)}
            </>
        }
    };
    let row = |(i, g): (usize, &GroupFigures)| {
        let chosen = search.group.as_ref() == Some(&g.name);
        let onclick = {
            let (search, on_search, name) = (search.clone(), on_search.clone(), g.name.clone());
            Callback::from(move |_: MouseEvent| {
                on_search.emit(Search {
                    group: (!chosen).then(|| name.clone()),
                    ..search.clone()
                })
            })
        };
        html! {
            <tr>
                <th scope="row">
                    <button type="button" class="link" id={format!("group-{i}")} aria-pressed={chosen.to_string()}
                        aria-describedby="groups-how" {onclick}>{g.name.clone()}</button>
                </th>
                {figures(g)}
            </tr>
        }
    };
    html! {
        <details class="groups" id="groups">
            <summary>{format!("Groups ({})", format::count(groups.groups.len() as u64))}</summary>
            <p class="hint" id="groups-how">{"A group's name lists only its invitations; pressed again, all of them. Scheduled ones are pending, their mail not sent yet."}</p>
            <table class="cards group-figures">
                <caption>{"Invitations by group"}</caption>
                <thead>
                    <tr>
                        <th scope="col">{"Group"}</th>
                        <th scope="col">{"Pending"}</th>
                        <th scope="col">{"Scheduled"}</th>
                        <th scope="col">{"Expired"}</th>
                        <th scope="col">{"Enrolled"}</th>
                        <th scope="col">{"Revoked"}</th>
                    </tr>
                </thead>
                <tbody>
                    { for groups.groups.iter().enumerate().map(row) }
                    <tr><th scope="row">{"In no group"}</th>{figures(&groups.ungrouped)}</tr>
                </tbody>
            </table>
        </details>
    }
}
