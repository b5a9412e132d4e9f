//! What an import does with every row that does not say otherwise (issue 31): when the mails
//! go, the group, the mails' language. An announced upload has them from the upload route (and
//! "Invite these N" from its check); a file dropped straight into the bucket from its object
//! metadata, next to `activities` and `mode`.

use crate::person::{parse_language, parse_send_at_metadata, Defaults};
use crate::ImportFailure;
use chrono::{DateTime, Utc};
use invitations_core::domain::*;
use std::collections::HashMap;

/// Object metadata (`x-amz-meta-send-at`): `now`, `start` (the contract's start) or a time
/// (RFC 3339, or `YYYY-MM-DD HH:MM` in UTC), for the rows without a send time of their own.
pub const SEND_AT_METADATA: &str = "send-at";
/// Object metadata (`x-amz-meta-group`): the group of the rows that name none.
pub const GROUP_METADATA: &str = "group";
/// Object metadata (`x-amz-meta-language`): `en` or `fr`, the mails' language for the rows that
/// name none (left out: the contract's).
pub const LANGUAGE_METADATA: &str = "language";

/// Reads a dropped file's defaults from its metadata onto the import.
pub fn from_metadata(
    metadata: &HashMap<String, String>,
    import: &mut Import,
) -> Result<(), ImportFailure> {
    // S3 keeps metadata names in lower case; a name written with `_` is taken too.
    let get = |name: &str| {
        metadata
            .get(name)
            .or_else(|| metadata.get(&name.replace('-', "_")))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    import.send_at = get(SEND_AT_METADATA)
        .map(|v| parse_send_at_metadata(v).ok_or_else(|| ImportFailure::BadSendAt(v.to_owned())))
        .transpose()?;
    import.group = get(GROUP_METADATA)
        .map(|v| {
            Group::parse(v)
                .map_err(|e| ImportFailure::BadGroup(format!("\"{v}\" cannot be used. {e}")))
        })
        .transpose()?;
    import.language = get(LANGUAGE_METADATA)
        .map(|v| parse_language(v).ok_or_else(|| ImportFailure::BadLanguage(v.to_owned())))
        .transpose()?;
    Ok(())
}

/// The import's defaults resolved against its contract at `now`: no send time given is the
/// contract's default (at its start while it has not started), and one after its end refuses
/// the whole import.
pub fn defaults<'a>(
    import: &Import,
    contract: &'a Contract,
    now: DateTime<Utc>,
) -> Result<Defaults<'a>, ImportFailure> {
    let send_at = import
        .send_at
        .unwrap_or_else(|| SendAt::default_for(contract, now));
    Ok(Defaults {
        options: InviteOptions {
            schedule: send_at.resolve(contract, now)?,
            group: import.group.clone(),
            language: import.language,
        },
        contract,
        now,
    })
}
