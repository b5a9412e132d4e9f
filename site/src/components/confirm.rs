//! The question before a change that cannot be undone from here (Revoke, Remove an admin), or
//! that acts on many (the bulk actions), in place of the button that asked for it.

use wasm_bindgen::JsCast;
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
    /// The Yes button's look: `danger` for what cannot be undone, `primary` for the rest.
    #[prop_or(AttrValue::Static("danger"))]
    pub yes_class: AttrValue,
    /// Yes waits (for the number typed to match, say).
    #[prop_or_default]
    pub yes_disabled: bool,
    /// False when there is nothing to do: only Cancel is offered.
    #[prop_or(true)]
    pub offer_yes: bool,
    /// The id of the control that asked, when the question replaced it: focus goes back to it
    /// on Cancel. Without it, the control that had the focus when the question opened.
    #[prop_or_default]
    pub opener: Option<AttrValue>,
    /// More of the question, between its text and its buttons (a field to fill before Yes).
    #[prop_or_default]
    pub children: Html,
}

/// Focus moves to Cancel, the safe choice, so a keyboard user lands on it; Escape cancels, and
/// focus goes back to the control that asked.
#[component]
pub fn Confirm(props: &ConfirmProps) -> Html {
    let safe = use_node_ref();
    let opener = use_mut_ref(|| props.opener.clone());
    {
        let (safe, opener) = (safe.clone(), opener.clone());
        use_effect_with((), move |_| {
            if opener.borrow().is_none() {
                *opener.borrow_mut() = focused_id().map(AttrValue::from);
            }
            if let Some(button) = safe.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let cancel = {
        let cancel = props.cancel.clone();
        Callback::from(move |_: ()| {
            cancel.emit(());
            if let Some(id) = opener.borrow().clone() {
                focus_when_shown(id);
            }
        })
    };
    let onkeydown = {
        let cancel = cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cancel.emit(());
            }
        })
    };
    html! {
        <div class="confirm" role="group" aria-labelledby={props.id.clone()} {onkeydown}>
            <p id={props.id.clone()}>{props.question.clone()}</p>
            {props.children.clone()}
            if props.offer_yes {
                <button type="button" class={props.yes_class.clone()} id={props.yes_id.clone()} disabled={props.yes_disabled}
                    onclick={props.confirm.reform(|_: MouseEvent| ())}>{props.yes_label.clone()}</button>
            }
            <button type="button" id={props.cancel_id.clone()} ref={safe}
                onclick={cancel.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
        </div>
    }
}

/// The id of the element that has the focus, if it has one.
fn focused_id() -> Option<String> {
    let id = web_sys::window()?.document()?.active_element()?.id();
    (!id.is_empty()).then_some(id)
}

/// Focuses the element with this id once the page has drawn what Cancel changed (the control
/// that asked may only now be back).
fn focus_when_shown(id: AttrValue) {
    gloo_timers::callback::Timeout::new(0, move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    })
    .forget();
}
