//! Component tests: the views rendered natively with yew's ServerRenderer, asserting on the HTML
//! a person (or a screen reader) would get.
//!
//! One module a page or component, named after its file in src/pages/ or src/components/; the
//! rendering helpers and the wire fixtures they all build from are in `helpers`.

mod helpers;

// The bundles boot.js loads (src/bundles.rs).
mod bundles;

// Pages (src/pages/).
mod add;
mod admins;
mod audit;
mod contracts;
mod dates;
mod enrol;
mod filters;
mod groups;
mod imports;
mod integrations;
mod invitations;
mod join;
mod join_links;
mod mail;
mod notices;
mod people;
mod privacy;
mod schedule;
mod sign_in;

// Components (src/components/).
mod bulk_actions;
mod countdown;
mod error;
mod funnel;
mod import_report;
mod layout;
mod person_results;
mod seat_chart;
mod status;
