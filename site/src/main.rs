//! The wasm entry point: mounts the site on the page's <body>.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<site::App>::new().render();
}

// Native builds (clippy, tests) have no page to mount on.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
