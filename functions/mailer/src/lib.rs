//! The mailer function: in progress.
