//! Learning Contract invitations: the library every function shares.
//!
//! - [`domain`]: the product's rules in plain Rust (the `invitations-domain` crate).
//! - [`ports`]: what the functions need from outside (store, mailer, blobs), as traits.
//! - [`adapters`]: those ports on DynamoDB, SES v2 and S3.
//! - [`config`] and [`telemetry`]: environment and logs, set up once per cold start.
//! - [`keys`]: the secrets (link and sealing keys), read on first use.

pub mod adapters;
pub mod config;
pub mod do_not_invite;
pub mod http;
pub mod keys;
pub mod origin;
pub mod ports;
pub mod telemetry;
pub mod to_wire;

/// The product's rules, in their own crate (it builds for the browser too).
pub use invitations_domain as domain;
