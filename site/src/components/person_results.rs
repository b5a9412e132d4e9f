//! What happened for each person of an invite request.

use crate::api::AddResult;
use crate::format;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PersonResultsProps {
    pub result: AddResult,
}

#[component]
pub fn PersonResults(props: &PersonResultsProps) -> Html {
    let results = &props.result.results;
    let invited = results.iter().filter(|r| r.is_invited()).count() as u64;
    let heading = format!(
        "{} invited, {} not",
        format::people(invited),
        format::count(results.len() as u64 - invited)
    );
    html! {
        <section class="results" aria-labelledby="results-heading">
            <h2 id="results-heading" tabindex="-1">{heading}</h2>
            <table class="cards">
                <thead><tr><th scope="col">{"Person"}</th><th scope="col">{"Result"}</th><th scope="col">{"Details"}</th></tr></thead>
                <tbody>
                    { for results.iter().map(|r| {
                        let who = r.email.clone().unwrap_or_else(|| r.input.clone());
                        html! {
                            <tr class={classes!(if r.is_invited() { "ok" } else { "not-ok" })}>
                                <td data-label="Person">{who}</td>
                                <td data-label="Result">{r.outcome.label()}</td>
                                <td data-label="Details">{r.detail.clone()}</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </section>
    }
}
