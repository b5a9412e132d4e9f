//! The wasm entry point of the `site-system` bundle: Integrations (every contract's, and a
//! contract's tab), People and Privacy (see site::bundles).

fn main() {
    site::bundles::start::<site::bundles::System>();
}
