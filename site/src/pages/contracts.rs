//! `/contracts`: the learning contracts the admin manages (all of them for a system
//! administrator), with search, Active / Future / Expired, type, seats and a seat chart each.

use crate::api::{ApiError, Contract, ContractKind, Phase};
use crate::components::error::ErrorMessage;
use crate::components::layout::use_title;
use crate::components::seat_chart::SeatChart;
use crate::format;
use crate::{AppContext, Route};
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

/// The filters applied in the browser (the search text goes to the API).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ContractFilter {
    pub phase: Option<Phase>,
    pub kind: Option<ContractKind>,
}

impl ContractFilter {
    pub fn keeps(&self, c: &Contract) -> bool {
        self.phase.is_none_or(|p| p == c.phase) && self.kind.is_none_or(|k| k == c.kind)
    }
}

#[component]
pub fn ContractsPage() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let query = use_state(String::new);
    let draft = use_state(String::new);
    let filter = use_state(ContractFilter::default);
    let contracts = use_state(|| None::<Result<Vec<Contract>, ApiError>>);
    {
        let (ctx, contracts) = (ctx.clone(), contracts.clone());
        use_effect_with((*query).clone(), move |q| {
            let q = q.clone();
            contracts.set(None);
            ctx.call(
                move |api| async move { api.contracts(&q).await },
                move |result| contracts.set(Some(result)),
            );
        });
    }
    let on_search = {
        let (query, draft) = (query.clone(), draft.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            query.set((*draft).clone());
        })
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |f: ContractFilter| filter.set(f))
    };
    use_title(String::new());
    html! {
        <>
            <h1>{"Learning Contracts"}</h1>
            <form class="toolbar" role="search" onsubmit={on_search}>
                <label for="contract-search">{"Search by name or id"}</label>
                <input id="contract-search" type="search" value={(*draft).clone()} oninput={on_input} />
                <button type="submit" id="contract-search-submit">{"Search"}</button>
            </form>
            <ContractFilters filter={*filter} on_change={on_filter} />
            {match &*contracts {
                None => html! { <p role="status">{"Loading the contracts…"}</p> },
                Some(Err(e)) => html! { <ErrorMessage error={e.clone()} context="Could not load the contracts" /> },
                Some(Ok(list)) => html! { <ContractList contracts={list.clone()} filter={*filter} /> },
            }}
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ContractFiltersProps {
    pub filter: ContractFilter,
    pub on_change: Callback<ContractFilter>,
}

#[component]
pub fn ContractFilters(props: &ContractFiltersProps) -> Html {
    let f = props.filter;
    let phase_options = [
        (None, "All"),
        (Some(Phase::Active), "Active"),
        (Some(Phase::Future), "Future"),
        (Some(Phase::Expired), "Expired"),
    ];
    let kind_options = [
        (None, "All types"),
        (Some(ContractKind::Subscription), "Subscription"),
        (Some(ContractKind::Voucher), "Voucher"),
    ];
    html! {
        <div class="filters">
            <fieldset class="segmented">
                <legend>{"Show"}</legend>
                { for phase_options.into_iter().map(|(phase, label)| {
                    let on_change = props.on_change.clone();
                    let onchange = Callback::from(move |_: Event| on_change.emit(ContractFilter { phase, ..f }));
                    let id = format!("phase-{}", label.to_lowercase());
                    html! {
                        <label for={id.clone()}>
                            <input type="radio" name="phase" id={id} checked={f.phase == phase} {onchange} />
                            {label}
                        </label>
                    }
                }) }
            </fieldset>
            <label for="contract-type">{"Type"}</label>
            <select id="contract-type" onchange={{
                let on_change = props.on_change.clone();
                Callback::from(move |e: Event| {
                    let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                    let kind = match value.as_str() {
                        "subscription" => Some(ContractKind::Subscription),
                        "voucher" => Some(ContractKind::Voucher),
                        _ => None,
                    };
                    on_change.emit(ContractFilter { kind, ..f });
                })
            }}>
                { for kind_options.into_iter().map(|(kind, label)| {
                    let value = kind.map(|k| k.label().to_lowercase()).unwrap_or_default();
                    html! { <option {value} selected={f.kind == kind}>{label}</option> }
                }) }
            </select>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ContractListProps {
    pub contracts: Vec<Contract>,
    #[prop_or_default]
    pub filter: ContractFilter,
}

#[component]
pub fn ContractList(props: &ContractListProps) -> Html {
    let shown: Vec<&Contract> = props
        .contracts
        .iter()
        .filter(|c| props.filter.keeps(c))
        .collect();
    if shown.is_empty() {
        return html! { <p class="empty" role="status">{"No learning contracts match."}</p> };
    }
    html! {
        <>
            <p class="hint" role="status">{format!("{} learning contracts", format::count(shown.len() as u64))}</p>
            <ul class="contracts">
                { for shown.into_iter().map(|c| html! { <li><ContractCard contract={c.clone()} /></li> }) }
            </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ContractCardProps {
    pub contract: Contract,
}

#[component]
pub fn ContractCard(props: &ContractCardProps) -> Html {
    let c = &props.contract;
    let seats = match c.seat_limit {
        Some(limit) => format!(
            "{} of {} seats used",
            format::count(c.seats_used),
            format::count(limit)
        ),
        None => format!("{} seats used (no limit)", format::count(c.seats_used)),
    };
    html! {
        <article class="contract" aria-labelledby={format!("contract-{}", c.id)}>
            <h2 id={format!("contract-{}", c.id)}>
                <Link<Route> to={Route::Invitations { id: c.id.clone() }}>{c.name.clone()}</Link<Route>>
            </h2>
            <p class="facts">
                <span class={classes!("phase", c.phase.label().to_lowercase())}>{c.phase.label()}</span>
                {" "}{c.kind.label()}{" · "}{format::date(&c.starts_at)}{" – "}{format::date(&c.ends_at)}
            </p>
            <p class="seats">{seats}</p>
            <SeatChart counts={c.counts} seat_limit={c.seat_limit} label={c.name.clone()} />
        </article>
    }
}
