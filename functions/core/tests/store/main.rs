//! The DynamoDB store against moto server, over the wire.

#[path = "../common/mod.rs"]
mod common;
mod delivery;
mod directory;
mod invite;
mod join_links;
mod join_proofs;
mod retention;
mod search;
mod transitions;
mod waiting;
mod webhooks;
