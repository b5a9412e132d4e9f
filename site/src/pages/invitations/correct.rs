//! Correct address: the in-row form for a pending invitation whose mail could not be delivered.

use super::*;

#[derive(Properties, PartialEq)]
pub struct CorrectAddressFormProps {
    /// The invitation's id, which names the form's parts.
    pub id: AttrValue,
    /// The address the mail could not reach.
    pub old: AttrValue,
    /// What the input holds when the form opens (the old address, or the one last refused).
    pub value: AttrValue,
    pub working: bool,
    /// Why the last address was refused, in words.
    pub refusal: Option<String>,
    pub on_save: Callback<String>,
    pub on_cancel: Callback<()>,
}

/// The in-row form that moves an invitation to the address it should have had. Focus goes to
/// the address; Escape cancels; a refusal is announced and stays under the field.
#[component]
pub fn CorrectAddressForm(props: &CorrectAddressFormProps) -> Html {
    let input = use_node_ref();
    {
        let input = input.clone();
        // Again after a refusal, so the address can be fixed at once.
        use_effect_with(props.refusal.clone(), move |_| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }
    let id = &props.id;
    let onsubmit = {
        let (input, on_save) = (input.clone(), props.on_save.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(i) = input.cast::<HtmlInputElement>() {
                on_save.emit(i.value());
            }
        })
    };
    let onkeydown = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_cancel.emit(());
            }
        })
    };
    let input_id = format!("correct-email-{id}");
    let refusal_id = format!("correct-refusal-{id}");
    html! {
        <form class="correct-address" id={format!("correct-form-{id}")} {onsubmit} {onkeydown} novalidate=true>
            <label for={input_id.clone()}>{format!("Correct address for {}", props.old)}</label>
            <input id={input_id} type="email" ref={input} value={props.value.clone()} required=true
                autocomplete="off" spellcheck="false" readonly={props.working}
                aria-invalid={props.refusal.is_some().then_some("true")}
                aria-describedby={props.refusal.is_some().then(|| refusal_id.clone())} />
            <div role="alert">
                if let Some(refusal) = &props.refusal {
                    <p class="error" id={refusal_id.clone()}>{refusal.clone()}</p>
                }
            </div>
            <button type="submit" class="primary" id={format!("correct-save-{id}")} disabled={props.working}>
                {if props.working { "Saving…" } else { "Save" }}
            </button>
            <button type="button" id={format!("correct-cancel-{id}")}
                onclick={props.on_cancel.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
        </form>
    }
}
