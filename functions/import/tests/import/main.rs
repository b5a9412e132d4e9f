//! The import function against the emulators: real objects in a moto bucket, real S3 event
//! JSON, the real table; mail counted by running the mailer over the table's stream.

mod check;
mod chunks;
mod columns;
mod do_not_invite;
mod files;
mod helpers;
mod runs;
mod uploads;
