//! One module per resource; one error type per route where the route has its own refusals.

pub mod admins;
pub mod bulk;
pub mod contracts;
pub mod export;
pub mod history;
pub mod imports;
pub mod invitations;
pub mod people;
pub mod settings;
pub mod users;
