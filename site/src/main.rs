//! The wasm entry point of the `site` bundle (sign-in, contracts, a contract's Invitations and
//! Add tabs); the other bundles are in src/bin/ (see crate::bundles).

fn main() {
    site::bundles::start::<site::bundles::Site>();
}
