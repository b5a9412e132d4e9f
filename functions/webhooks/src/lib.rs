//! The webhook delivery engine (issue 29, part 2), as a library the Lambda functions and the
//! admin routes build on. Each module is one decision of the Standard Webhooks 1.0 convention:
//!
//! - [`secret`]: the `whsec_` secrets, made here and sealed with AES-256-GCM before they reach
//!   the table, so a copy of the table never holds a key that signs in our name;
//! - [`sign`]: the three `webhook-*` headers, signed by the convention's own crate for every
//!   active secret (two during a rotation, so receivers can switch at their own pace);
//! - [`guard`]: the SSRF guard, run at registration and again before every delivery, which pins
//!   the addresses it checked so DNS cannot change them between the check and the connection;
//! - [`attempt`]: one POST (https on the SDK's crypto and the system's roots, held by a
//!   [`Sender`] built once per cold start, the roots loaded by its first attempt) with a 15 s
//!   limit, no redirects and no proxy, and what it means ([`Verdict`]): delivered, gone (410:
//!   disable the endpoint) or retry;
//! - [`schedule`]: when the next attempt happens, with jitter and the receiver's `Retry-After`.
//!
//! Storage, the admin routes and the Lambda entry points live elsewhere; nothing here touches
//! AWS, so every rule is tested over loopback.

pub mod attempt;
pub mod guard;
pub mod run;
pub mod schedule;
pub mod secret;
pub mod sign;

pub use attempt::{Attempt, NoRoots, Sender, Verdict};
pub use guard::{check, check_with, Policy, Refused, Resolver, SystemResolver, Target};
pub use schedule::{next_attempt_at, random_jitter, FAILING_DISABLE_AFTER, SCHEDULE};
pub use secret::{new_secret, SealError, SealingKey, Secret, SecretError};
pub use sign::{headers, signature, SignError, USER_AGENT};
