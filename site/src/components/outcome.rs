//! What the last change did, said once it is done.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutcomeProps {
    pub text: AttrValue,
    pub id: AttrValue,
    /// The change was refused or failed: said as an alert.
    #[prop_or_default]
    pub failed: bool,
}

/// The last change's outcome, as a status. Focus moves to it: the button that made the change
/// has often gone (a removed row, a person now marked as an admin), and a keyboard user hears
/// it and goes on from there.
#[component]
pub fn Outcome(props: &OutcomeProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.text.clone(), move |_| {
            if let Some(p) = node.cast::<web_sys::HtmlElement>() {
                let _ = p.focus();
            }
        });
    }
    let (class, role) = if props.failed {
        ("outcome error", "alert")
    } else {
        ("outcome ok", "status")
    };
    html! {
        <p {class} {role} id={props.id.clone()} tabindex="-1" ref={node}>{props.text.clone()}</p>
    }
}
