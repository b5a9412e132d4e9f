//! The admin API in-process, with real API Gateway v2 events, against the emulators: one
//! module a topic, all on the World of `helpers`.

mod audit;
mod authorization;
mod bulk;
mod correct_address;
mod do_not_invite;
mod export_history;
mod filters;
mod helpers;
mod imports;
mod invite;
mod join_links;
mod lifecycle;
mod mail_settings;
mod people_directory;
mod privacy;
mod problems;
mod programmes;
mod waiting;
mod webhooks;
