//! The contract's dates, for system administrators (issue 31): start and end as a day and time
//! in the admin's own zone, sent as UTC. Mails waiting for the start move with it; an end in
//! the past ends the contract and cancels the mails not yet sent.

use super::*;
use crate::api::{Contract, ContractDates};
use crate::format;

/// Where Change dates stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum DatesState {
    #[default]
    Idle,
    /// Refused before sending, in words.
    Invalid(String),
    Saving,
    Saved,
    Failed(ApiError),
}

/// The dates the form holds, in UTC, or why they cannot be the contract's.
pub fn dates_from(start: &str, end: &str) -> Result<ContractDates, String> {
    let (Some(starts_at), Some(ends_at)) = (format::local_to_utc(start), format::local_to_utc(end))
    else {
        return Err("Give both the start and the end as a day and a time.".into());
    };
    if ends_at <= starts_at {
        return Err("The end must come after the start.".into());
    }
    Ok(ContractDates { starts_at, ends_at })
}

/// What Change dates keeps on the page.
pub struct Dates {
    /// The contract as the change answered it.
    pub fresh: UseStateHandle<Option<Contract>>,
    pub state: UseStateHandle<DatesState>,
    /// The form's submit: the fields checked (refused in words), then sent.
    pub on_submit: Callback<(String, String)>,
}

/// Change dates for the contract `id`.
#[hook]
pub fn use_dates(id: &str) -> Dates {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let fresh = use_state(|| None::<Contract>);
    let dates = use_state(DatesState::default);
    let on_dates = {
        let (fresh, dates, id) = (fresh.clone(), dates.clone(), id.to_owned());
        Callback::from(move |(start, end): (String, String)| {
            let (fresh, dates, id) = (fresh.clone(), dates.clone(), id.clone());
            let asked = match dates_from(&start, &end) {
                Ok(asked) => asked,
                Err(why) => return dates.set(DatesState::Invalid(why)),
            };
            dates.set(DatesState::Saving);
            ctx.call(
                move |api| async move { api.set_dates(&id, &asked).await },
                move |result| match result {
                    Ok(contract) => {
                        fresh.set(Some(contract));
                        dates.set(DatesState::Saved);
                    }
                    Err(e) => dates.set(DatesState::Failed(e)),
                },
            );
        })
    };
    Dates {
        fresh,
        state: dates,
        on_submit: on_dates,
    }
}

/// The form: both dates in the admin's zone, what a change does, Change dates and its outcome;
/// nothing unless the person may change them (`can_change`: system administrators; the API
/// refuses anyone else). `on_submit` gets what the fields hold (start, end).
pub fn dates_form(
    can_change: bool,
    contract: &Contract,
    state: &DatesState,
    on_submit: &Callback<(String, String)>,
) -> Html {
    if !can_change {
        return html! {};
    }
    let onsubmit = on_submit.reform(|e: SubmitEvent| {
        e.prevent_default();
        let value = |id: &str| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .map(|i| {
                    wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlInputElement>(i).value()
                })
                .unwrap_or_default()
        };
        (value("dates-start"), value("dates-end"))
    });
    let zone = format::zone();
    let saving = *state == DatesState::Saving;
    let field = |id: &'static str, label: &str, at: &str| {
        html! {
            <div class="field">
                <label for={id}>{format!("{label} (your time zone, {zone})")}</label>
                <input {id} type="datetime-local" value={format::local_input(at)} readonly={saving}
                    aria-describedby="dates-effects" />
            </div>
        }
    };
    let runs = format!(
        "from {} to {}",
        format::date_time(&contract.starts_at),
        format::date_time(&contract.ends_at)
    );
    html! {
        <section class="step" aria-labelledby="dates-heading">
            <h2 id="dates-heading">{"The contract's dates"}</h2>
            <p id="dates-now">{format!("It runs {runs}.")}</p>
            <form id="dates-form" {onsubmit} novalidate=true>
                {field("dates-start", "Starts", &contract.starts_at)}
                {field("dates-end", "Ends", &contract.ends_at)}
                <p class="hint" id="dates-effects">
                    {"Invitation mails waiting for the contract's start move with it. An end in the past ends the contract: the mails not sent yet are cancelled."}
                </p>
                <button type="submit" id="dates-save" class="primary" disabled={saving}>
                    {if saving { "Saving…" } else { "Change dates" }}
                </button>
                {match state {
                    DatesState::Invalid(why) => html! { <p class="error" role="alert" id="dates-error">{why.clone()}</p> },
                    DatesState::Failed(e) => html! { <ErrorMessage error={e.clone()} context="Could not change the dates" /> },
                    DatesState::Saved => html! { <Outcome text={format!("Saved. The contract now runs {runs}.")} id="dates-saved" /> },
                    _ => html! {},
                }}
            </form>
        </section>
    }
}
