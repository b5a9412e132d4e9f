//! The wasm entry point: replaces index.html's loading shell with the site.

#[cfg(target_arch = "wasm32")]
fn main() {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a page to run in");
    if let Some(shell) = document.get_element_by_id("shell") {
        shell.remove();
    }
    match document.get_element_by_id("app") {
        Some(root) => yew::Renderer::<site::App>::with_root(root).render(),
        None => yew::Renderer::<site::App>::new().render(),
    };
}

// Native builds (clippy, tests) have no page to mount on.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
