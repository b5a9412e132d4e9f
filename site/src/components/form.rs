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
