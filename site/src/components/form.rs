//! Small form helpers the pages share.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A search form's submit: the text of `input` to `on_search`, without reloading the page.
pub fn search_on_submit(input: &NodeRef, on_search: &Callback<String>) -> Callback<SubmitEvent> {
    let (input, on_search) = (input.clone(), on_search.clone());
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        on_search.emit(
            input
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default(),
        );
    })
}

/// `navigator.clipboard.writeText(text)`, through JavaScript's own names (no more web-sys);
/// false when the browser refuses (no clipboard, or not allowed): the page then says to copy
/// it by hand.
pub async fn copy_text(text: &str) -> bool {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let written = (|| {
        let navigator = Reflect::get(
            &JsValue::from(web_sys::window()?),
            &JsValue::from_str("navigator"),
        )
        .ok()?;
        let clipboard = Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
        let write: Function = Reflect::get(&clipboard, &JsValue::from_str("writeText"))
            .ok()?
            .dyn_into()
            .ok()?;
        write
            .call1(&clipboard, &JsValue::from_str(text))
            .ok()?
            .dyn_into::<Promise>()
            .ok()
    })();
    match written {
        Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
        None => false,
    }
}
