//! The question before a change that cannot be undone from here (Revoke, Remove an admin), in
//! place of the button that asked for it.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    /// The id of the question's text, which names the group for screen readers.
    pub id: AttrValue,
    pub question: AttrValue,
    pub yes_label: AttrValue,
    pub yes_id: AttrValue,
    pub cancel_id: AttrValue,
    pub confirm: Callback<()>,
    pub cancel: Callback<()>,
}

/// Focus moves to the Yes button so a keyboard user lands on the choice; Escape cancels.
#[component]
pub fn Confirm(props: &ConfirmProps) -> Html {
    let yes = use_node_ref();
    {
        let yes = yes.clone();
        use_effect_with((), move |_| {
            if let Some(button) = yes.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let onkeydown = {
        let cancel = props.cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cancel.emit(());
            }
        })
    };
    html! {
        <div class="confirm" role="group" aria-labelledby={props.id.clone()} {onkeydown}>
            <p id={props.id.clone()}>{props.question.clone()}</p>
            <button type="button" class="danger" ref={yes} id={props.yes_id.clone()}
                onclick={props.confirm.reform(|_: MouseEvent| ())}>{props.yes_label.clone()}</button>
            <button type="button" id={props.cancel_id.clone()}
                onclick={props.cancel.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
        </div>
    }
}
