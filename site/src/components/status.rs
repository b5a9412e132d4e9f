//! An invitation's status and delivery, as words (colour only repeats them).

use crate::api::{Delivery, InvitationStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusBadgeProps {
    pub status: InvitationStatus,
}

#[component]
pub fn StatusBadge(props: &StatusBadgeProps) -> Html {
    html! {
        <span class={classes!("badge", props.status.code())}>{props.status.label()}</span>
    }
}

/// The delivery in words (the export writes the same words).
pub fn delivery_text(delivery: &Delivery) -> String {
    delivery.in_words()
}
