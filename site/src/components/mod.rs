//! Pieces several pages share. Each takes plain data as props.

pub mod bulk_actions;
pub mod confirm;
pub mod countdown;
pub mod error;
pub mod form;
pub mod funnel;
pub mod import_report;
pub mod layout;
pub mod outcome;
pub mod person_results;
pub mod seat_chart;
pub mod standing;
pub mod status;
pub mod unconfirmed;
