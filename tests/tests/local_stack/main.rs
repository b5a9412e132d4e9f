//! The local stack end to end, over HTTP only: each test starts one on free ports (with its own
//! table, bucket, queues and user pool on the shared emulators).
//!
//! - The seed's flows through the gateway as the site would walk them: sign in, invite, upload
//!   a CSV through the presigned URL, wait for the import, read the mail from the SES emulator,
//!   enrol through the mailed link, then revoke (refused once enrolled, allowed while pending);
//!   the local schedule's reminders (the seed's due ones, mailed once, in their histories).
//! - Identity as in AWS: someone created in the user pool reaches the directory through the
//!   sync and, made a contract admin, manages that contract and no other; an external person
//!   enrols and signs in with the account the enrolment made; two enrolments racing for one
//!   address make one account; the gateway refuses tampered, foreign, expired and access tokens;
//!   a system administrator adds a person (the people function), who signs in at once, and
//!   grants and withdraws their system administration (in force from their next token).
//! - Events: an enrolment reaches the stack's bus and the local targets (`/local/events`).
//! - Join links: a shared link lets a proved address join and enrol, refuses another domain in
//!   words, and gives a burst of joiners for its last place one place.

#[path = "../common/mod.rs"]
mod common;
mod events;
mod fan_out;
mod flows;
mod gateway;
mod helpers;
mod identity;
mod join;
mod mail;
mod privacy;
mod programmes;
