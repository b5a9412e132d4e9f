//! A failed call, in words: the problem's detail, never its code.

use crate::api::ApiError;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorMessageProps {
    pub error: ApiError,
    /// What was being attempted, e.g. "Could not load the invitations".
    #[prop_or_default]
    pub context: Option<AttrValue>,
}

#[component]
pub fn ErrorMessage(props: &ErrorMessageProps) -> Html {
    html! {
        <div class="error" role="alert">
            if let Some(context) = &props.context {
                <strong>{context.clone()}{". "}</strong>
            }
            {props.error.to_string()}
        </div>
    }
}
