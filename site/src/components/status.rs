//! An invitation's status and delivery, as words (colour only repeats them).

use crate::api::{Delivery, DeliveryState, InvitationStatus};
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

/// The delivery in words: what the mail service reported once the mail left, else where the
/// mail is.
pub fn delivery_text(delivery: &Delivery) -> String {
    if let (DeliveryState::Sent, Some(report)) = (delivery.state, &delivery.report) {
        return if report.detail.is_empty() {
            report.kind.label().to_owned()
        } else {
            format!("{}: {}", report.kind.label(), report.detail)
        };
    }
    match (delivery.state, &delivery.reason) {
        (DeliveryState::Queued, _) => "Queued".into(),
        (DeliveryState::Sending, _) => "Sending".into(),
        (DeliveryState::Sent, _) => "Sent".into(),
        (DeliveryState::Failed, Some(reason)) if !reason.is_empty() => format!("Failed: {reason}"),
        (DeliveryState::Failed, _) => "Failed".into(),
    }
}
