//! The mark of a directory account whose address was never confirmed (issue 26): it only
//! claims the address, so the address may be someone else's. Shown wherever a person is
//! picked by address.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct UnconfirmedProps {
    /// The account's `email_verified`.
    pub confirmed: bool,
    /// What picking this account does here, in words (empty: say nothing more).
    #[prop_or_default]
    pub consequence: AttrValue,
}

#[function_component]
pub fn Unconfirmed(props: &UnconfirmedProps) -> Html {
    if props.confirmed {
        return html! {};
    }
    html! {
        <span class="unconfirmed">
            {"Address not confirmed"}
            if !props.consequence.is_empty() {
                {format!(": {}", props.consequence)}
            }
        </span>
    }
}
