//! An invitation's status and delivery, as words (colour only repeats them).

use crate::api::{Delivery, DeliveryState, InvitationStatus, ScheduledSend};
use crate::format;
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

/// The delivery in words (the export writes the same words), and when a scheduled mail goes,
/// in the admin's zone: "Scheduled for 1 Mar 2027, 09:00 UTC+1, at the contract's start".
pub fn delivery_text(delivery: &Delivery, schedule: Option<&ScheduledSend>) -> String {
    match (delivery.state, schedule) {
        (DeliveryState::Scheduled, Some(s)) => format!(
            "Scheduled for {}{}",
            format::date_time(&s.at),
            if s.at_contract_start {
                ", at the contract's start"
            } else {
                ""
            }
        ),
        _ => delivery.in_words(),
    }
}
