//! The wasm entry point of the `site-tabs` bundle: a contract's Imports, Join links, Admins, Mail
//! and Audit tabs (see site::bundles).

fn main() {
    site::bundles::start::<site::bundles::Tabs>();
}
