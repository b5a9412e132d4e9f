use crate::Route;
use yew::prelude::*;
use yew_router::prelude::*;

#[component]
pub fn NotFound() -> Html {
    crate::components::layout::use_title("There is no page here".to_owned());
    html! {
        <main id="main" class="page narrow">
            <h1>{"There is no page here"}</h1>
            <p>{"The address may be mistyped, or the page has moved."}</p>
            <p><Link<Route> to={Route::Home}>{"Go to the start"}</Link<Route>></p>
        </main>
    }
}
