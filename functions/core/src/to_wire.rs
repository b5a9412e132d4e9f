//! Domain -> wire conversions that every HTTP function needs (the admin functions' own views
//! are in functions/admin-api/src/views.rs).

use crate::domain::ContractKind;
use chrono::{DateTime, SecondsFormat, Utc};
use invitations_wire as wire;

/// RFC 3339 in UTC with a `Z`, as chrono's serde writes it.
pub fn timestamp(at: DateTime<Utc>) -> wire::Timestamp {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn kind(kind: ContractKind) -> wire::ContractKind {
    match kind {
        ContractKind::Subscription => wire::ContractKind::Subscription,
        ContractKind::Voucher => wire::ContractKind::Voucher,
    }
}
