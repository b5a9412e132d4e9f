//! The table's item layout: keys, and conversion between items and domain values.
//!
//! | item        | pk                | sk                    | gsi1pk                     | gsi1sk          |
//! |-------------|-------------------|-----------------------|----------------------------|-----------------|
//! | contract    | `CONTRACT#<id>`   | `CONTRACT`            | `CONTRACTS`                | `<name>#<id>`   |
//! | invitation  | `CONTRACT#<id>#<k>` | `INVITE#<email id>` | `INVITES#<id>#<status>#<k>` | `<email id>`   |
//! | import      | `CONTRACT#<id>`   | `IMPORT#<import id>`  |                            |                 |
//! | audit       | `CONTRACT#<id>`   | `AUDIT#<ms>#<rand>`   |                            |                 |
//! | history     | `CONTRACT#<id>#<j>` | `HISTORY#<invitation id>#<ms>#<rand>` |          |                 |
//! | user        | `USER#<id>`       | `USER`                | `USERS`                    | `<email id>`    |
//! | user email  | `USEREMAIL#<eid>` | `USEREMAIL`           |                            |                 |
//! | mail block  | `BLOCK#<eid>`     | `BLOCK`               |                            |                 |
//! | test mail   | `CONTRACT#<id>`   | `TESTMAIL#<ms>#<id>`  |                            |                 |
//! | test count  | `TESTMAILS#<uid>` | `HOUR#<yyyy-mm-ddThh>`|                            |                 |
//! | notify      | `CONTRACT#<id>`   | `NOTIFY#<user id>`    |                            |                 |
//! | notice      | `CONTRACT#<id>`   | `NOTICE#<hash>`       |                            |                 |
//!
//! Issue 31: an invitation may carry `send_at` (`start` or a time, while `delivery =
//! scheduled`), `cohort` (its group) and `language` (its person's mail language); a contract
//! whose invitations wait for its start carries `start_sends` and sits on `by_remind_at` at its
//! start; admins' choices of mail and their notices are documented in `notices.rs`.
//!
//! A user email item points an address at its person only while the person has proved it
//! (`User::email_verified`) and is still in the user pool (a removed person's pointer goes,
//! issue 32). Items kept only a while carry `ttl` (epoch seconds, the table's time to live)
//! and are deleted by DynamoDB after it (up to days late, so reads that must not show them
//! filter on it): test mails and their counters, and audit and history items (their `at` plus
//! the store's audit period, `AUDIT_RETENTION_DAYS`, [`AUDIT_KEPT_DAYS`] by default).
//!
//! GSI `by_invitation_id` (hash key `invitation_id`, keys only) finds an invitation from a link.
//! GSI `by_send_due` (hash `send_shard`, range `send_due_at`) is sparse: only an invitation
//! whose mail is queued or being sent has the two attributes, `send_due_at` being when the send
//! counts as stuck; the send sweeper reads it instead of scanning the table.
//! A history item is the copy of an audit record that concerns one invitation, written in the
//! same transaction, so that one Query (newest first) reads that invitation's history. Its
//! `about_invitation` attribute (also on the audit record) names the invitation; it is not
//! `invitation_id`, which would put the record on `by_invitation_id`.
//! Times are epoch milliseconds.
//!
//! Shards (issue 33): a contract's invitations spread over [`INVITATION_SHARDS`] partitions,
//! `<k>` a stable hash of the address, and so does the status index's entry of each (same
//! `<k>`); an invitation's history items sit in shard `<j>`, a stable hash of the invitation's
//! id (their reads know the id, not always the address). One partition takes 1,000 write
//! units a second: a million rows imported in 15 minutes (~2.1 units a row on the table, 1 on
//! the index) or a thousand mails a second (5 units a mail) would overrun one key. Reads of a
//! whole contract gather every shard ([`invitation_pks`], [`invites_gsi1pks`]). The contract
//! item, its imports and its audit stay in `CONTRACT#<id>`.

use crate::domain::*;
use crate::ports::TestMail;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, TimeZone, Utc};
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

pub use super::shards::*;

pub const GSI1: &str = "gsi1";
pub const BY_INVITATION_ID: &str = "by_invitation_id";
pub const BY_SEND_DUE: &str = "by_send_due";
/// GSI `by_remind_at` (hash `remind_shard`, range `remind_at`) is sparse: a pending
/// invitation's next look by the reminder run (its next reminder, or its link's expiry).
pub const BY_REMIND_AT: &str = "by_remind_at";

/// Every kind of partition the table holds, as IAM's `dynamodb:LeadingKeys` patterns name them
/// (infra/template.yaml limits each role to the kinds its function touches).
pub const PARTITION_KINDS: &[&str] = &[
    "CONTRACT#*",
    "USER#*",
    "USEREMAIL#*",
    "BLOCK#*",
    "TESTMAILS#*",
    "WEBHOOK#*",
    "JOINLINK#*",
    "JOINPROOF#*",
    "JOINMAILS#*",
    "WAITLIST#*",
    "JOINREQ#*",
    "JOINREFUSAL#*",
    // Issue 32: the do-not-invite list (one-way hashes) and the privacy requests.
    "DONOTINVITE#*",
    "PRIVACY",
];

pub fn contract_pk(id: &ContractId) -> String {
    format!("CONTRACT#{id}")
}

pub const CONTRACT_SK: &str = "CONTRACT";
pub const CONTRACTS_GSI1PK: &str = "CONTRACTS";
pub fn invite_sk(identity: &str) -> String {
    format!("INVITE#{identity}")
}
pub const INVITE_SK_PREFIX: &str = "INVITE#";
/// An admin's choice of mail about the contract (`notices.rs`).
pub const NOTIFY_SK_PREFIX: &str = "NOTIFY#";
/// The email identity of an invitation item (or an index entry of one), from its key.
pub fn invite_identity(item: &Item) -> Result<String, CorruptItem> {
    Reader(item)
        .s("sk")?
        .strip_prefix(INVITE_SK_PREFIX)
        .map(str::to_owned)
        .ok_or_else(|| CorruptItem("an index entry that is not an invitation".into()))
}
pub fn import_sk(id: &ImportId) -> String {
    format!("IMPORT#{id}")
}
pub const IMPORT_SK_PREFIX: &str = "IMPORT#";
/// A chunk of a large import (issue 33), beside its import in the contract's partition (not
/// under `IMPORT#`, which lists imports).
pub fn import_chunk_sk(id: &ImportId, index: u32) -> String {
    format!("{IMPORT_CHUNK_SK_PREFIX}{id}#{index:05}")
}
pub const IMPORT_CHUNK_SK_PREFIX: &str = "IMPORTCHUNK#";
pub fn audit_sk(at: DateTime<Utc>) -> String {
    let rand = &uuid::Uuid::new_v4().simple().to_string()[..8];
    format!("AUDIT#{:013}#{rand}", at.timestamp_millis())
}
pub const AUDIT_SK_PREFIX: &str = "AUDIT#";
/// The sort key of an audit record that must be written once however often its cause is
/// delivered (a mail report): its time and a stable hash of `what`.
pub fn audit_sk_once(at: DateTime<Utc>, what: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in what.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("AUDIT#{:013}#{:016x}", at.timestamp_millis(), hash)
}
/// Every history item of an invitation starts with this.
pub fn history_prefix(invitation: &InvitationId) -> String {
    format!("HISTORY#{invitation}#")
}
pub fn history_sk(invitation: &InvitationId, at: DateTime<Utc>) -> String {
    let rand = &uuid::Uuid::new_v4().simple().to_string()[..8];
    format!(
        "{}{:013}#{rand}",
        history_prefix(invitation),
        at.timestamp_millis()
    )
}
/// The history key of something written once however often its cause comes (a mail report):
/// the tail of the audit record's own once-key.
pub fn history_sk_once(invitation: &InvitationId, at: DateTime<Utc>, what: &str) -> String {
    let audit = audit_sk_once(at, what);
    format!(
        "{}{}",
        history_prefix(invitation),
        audit.trim_start_matches(AUDIT_SK_PREFIX)
    )
}
/// The history key of an invite: the invitation item is the record of its current invite,
/// and a revoke writes that invite into the history under this key (a re-invite replaces it).
pub fn history_sk_invite(invitation: &InvitationId, invited_at: DateTime<Utc>) -> String {
    format!(
        "{}{:013}#invite",
        history_prefix(invitation),
        invited_at.timestamp_millis()
    )
}
pub const USER_PK_PREFIX: &str = "USER#";
pub fn user_pk(id: &UserId) -> String {
    format!("{USER_PK_PREFIX}{id}")
}
pub const USER_SK: &str = "USER";
pub const USERS_GSI1PK: &str = "USERS";
pub fn user_email_pk(identity: &str) -> String {
    format!("USEREMAIL#{identity}")
}
pub const USER_EMAIL_SK: &str = "USEREMAIL";
pub const BLOCK_PK_PREFIX: &str = "BLOCK#";
pub fn block_pk(identity: &str) -> String {
    format!("{BLOCK_PK_PREFIX}{identity}")
}
pub const BLOCK_SK: &str = "BLOCK";

// ---- attribute values ----

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}
pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}
pub fn ms(t: DateTime<Utc>) -> AttributeValue {
    n(t.timestamp_millis())
}
pub fn list_s<T: ToString>(values: &[T]) -> AttributeValue {
    AttributeValue::L(values.iter().map(|v| s(v.to_string())).collect())
}

pub use crate::ports::CorruptItem;

/// Typed reads of an item's attributes with errors that name the attribute.
pub struct Reader<'a>(pub &'a Item);

impl<'a> Reader<'a> {
    /// A boolean attribute: true only when present and true.
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.0.get(name), Some(AttributeValue::Bool(true)))
    }

    pub fn opt_s(&self, name: &str) -> Option<&'a str> {
        match self.0.get(name) {
            Some(AttributeValue::S(v)) => Some(v.as_str()),
            _ => None,
        }
    }
    pub fn s(&self, name: &str) -> Result<&'a str, CorruptItem> {
        self.opt_s(name)
            .ok_or_else(|| CorruptItem(format!("missing string {name}")))
    }
    pub fn opt_n<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, CorruptItem> {
        match self.0.get(name) {
            Some(AttributeValue::N(v)) => v
                .parse()
                .map(Some)
                .map_err(|_| CorruptItem(format!("bad number {name}"))),
            _ => Ok(None),
        }
    }
    pub fn n<T: std::str::FromStr>(&self, name: &str) -> Result<T, CorruptItem> {
        self.opt_n(name)?
            .ok_or_else(|| CorruptItem(format!("missing number {name}")))
    }
    pub fn opt_time(&self, name: &str) -> Result<Option<DateTime<Utc>>, CorruptItem> {
        match self.opt_n::<i64>(name)? {
            None => Ok(None),
            Some(v) => Utc
                .timestamp_millis_opt(v)
                .single()
                .map(Some)
                .ok_or_else(|| CorruptItem(format!("bad time {name}"))),
        }
    }
    pub fn time(&self, name: &str) -> Result<DateTime<Utc>, CorruptItem> {
        self.opt_time(name)?
            .ok_or_else(|| CorruptItem(format!("missing time {name}")))
    }
    pub fn strings(&self, name: &str) -> Vec<String> {
        match self.0.get(name) {
            Some(AttributeValue::L(values)) => values
                .iter()
                .filter_map(|v| v.as_s().ok().cloned())
                .collect(),
            Some(AttributeValue::Ss(values)) => values.clone(),
            _ => Vec::new(),
        }
    }
    pub fn id<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Result<T, InvalidId>,
    ) -> Result<T, CorruptItem> {
        parse(self.s(name)?).map_err(|e| CorruptItem(format!("{name}: {e}")))
    }
    pub fn opt_id<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Result<T, InvalidId>,
    ) -> Result<Option<T>, CorruptItem> {
        self.opt_s(name)
            .map(|v| parse(v).map_err(|e| CorruptItem(format!("{name}: {e}"))))
            .transpose()
    }
    pub fn ids<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Result<T, InvalidId>,
    ) -> Result<Vec<T>, CorruptItem> {
        self.strings(name)
            .iter()
            .map(|v| parse(v).map_err(|e| CorruptItem(format!("{name}: {e}"))))
            .collect()
    }
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, CorruptItem> {
        serde_json::from_str(self.s(name)?).map_err(|e| CorruptItem(format!("{name}: {e}")))
    }
}

// ---- contracts ----

pub fn contract_item(c: &Contract) -> Item {
    let mut item = Item::from([
        ("pk".into(), s(contract_pk(&c.id))),
        ("sk".into(), s(CONTRACT_SK)),
        ("gsi1pk".into(), s(CONTRACTS_GSI1PK)),
        (
            "gsi1sk".into(),
            s(format!("{}#{}", c.name.to_lowercase(), c.id)),
        ),
        ("type".into(), s("contract")),
        ("id".into(), s(c.id.as_str())),
        ("name".into(), s(&c.name)),
        (
            "kind".into(),
            s(match c.kind {
                ContractKind::Subscription => "subscription",
                ContractKind::Voucher => "voucher",
            }),
        ),
        (
            "activities".into(),
            s(serde_json::to_string(&c.activities).expect("activities serialise")),
        ),
        ("admins".into(), list_s(&c.admins)),
        ("starts_at".into(), ms(c.starts_at)),
        ("ends_at".into(), ms(c.ends_at)),
        (
            "invitation_lifetime_days".into(),
            n(c.invitation_lifetime_days),
        ),
        ("pending".into(), n(c.counts.pending)),
        ("enrolled".into(), n(c.counts.enrolled)),
        ("revoked".into(), n(c.counts.revoked)),
        ("seats_used".into(), n(c.counts.seats_used())),
    ]);
    if let Some(limit) = c.seat_limit {
        item.insert("seat_limit".into(), n(limit));
    }
    if c.waiting.anyone {
        item.insert(WAITING_LIST.into(), AttributeValue::Bool(true));
    }
    item.insert(WAITING_JOINS.into(), n(c.waiting.joins));
    item.extend(contract_settings(c));
    item
}

/// The contract's settings an admin edits (mail, reminders), as attributes: what
/// `put_contract` writes and what the settings routes update (the counters stay as they are).
pub fn contract_settings(c: &Contract) -> Item {
    let mut item = Item::from([
        ("mail_language".into(), s(c.mail.language.code())),
        (
            "reminders".into(),
            s(serde_json::to_string(&c.reminders).expect("a plan serialises")),
        ),
    ]);
    if let Some(custom) = &c.mail.custom {
        item.insert("mail_subject".into(), s(custom.subject()));
        item.insert("mail_message".into(), s(custom.message()));
    }
    item
}

fn mail_from(r: &Reader<'_>) -> Result<ContractMail, CorruptItem> {
    let language = match r.opt_s("mail_language") {
        None => Language::default(),
        Some(code) => {
            Language::parse(code).ok_or_else(|| CorruptItem(format!("mail_language {code}")))?
        }
    };
    let custom = match (r.opt_s("mail_subject"), r.opt_s("mail_message")) {
        (Some(subject), Some(message)) => Some(
            MailTemplate::from_stored(subject, message)
                .map_err(|e| CorruptItem(format!("mail template: {e}")))?,
        ),
        _ => None,
    };
    Ok(ContractMail { language, custom })
}

/// The attribute prefixes of the funnel's counters on the contract item.
pub const ENROL_AFTER_PREFIX: &str = "enrol_after_";
pub const SEATS_ON_PREFIX: &str = "seats_on_";
pub const ENROLLED_ON_PREFIX: &str = "enrolled_on_";

/// The contract item's mark of its funnel's one-time backfill (epoch ms; issue 28): the
/// reminder run backfills the contracts without it.
pub const FUNNEL_BACKFILLED: &str = "funnel_backfilled";

/// The funnel counters of a contract item (see `funnel.rs` in the domain). "Invited" is the
/// people invited: the status counters' sum, kept since the first version (the funnel's own
/// `invited_total`, written from its version on and counting a re-invite again, is not read).
pub fn funnel_from(item: &Item) -> Result<Funnel, CorruptItem> {
    let r = Reader(item);
    let status = |name: &str| -> Result<u64, CorruptItem> { Ok(r.opt_n(name)?.unwrap_or(0)) };
    let mut funnel = Funnel {
        invited: status("pending")? + status("enrolled")? + status("revoked")?,
        delivered: r.opt_n("delivered_total")?.unwrap_or(0),
        bounced: r.opt_n("bounced_total")?.unwrap_or(0),
        expired: r.opt_n("expired_total")?.unwrap_or(0),
        joined: r.opt_n("joined_total")?.unwrap_or(0),
        ..Funnel::default()
    };
    let mut days: std::collections::BTreeMap<chrono::NaiveDate, SeatsOnDay> = Default::default();
    for name in item.keys() {
        if let Some(key) = name.strip_prefix(ENROL_AFTER_PREFIX) {
            if let Some(bucket) = EnrolAfter::parse(key) {
                funnel.enrol_after.push((bucket, r.n(name)?));
            }
        } else if let Some((day, seats)) = name
            .strip_prefix(SEATS_ON_PREFIX)
            .map(|d| (d, true))
            .or_else(|| name.strip_prefix(ENROLLED_ON_PREFIX).map(|d| (d, false)))
        {
            let Some(date) = crate::domain::funnel::parse_day_key(day) else {
                continue;
            };
            let entry = days.entry(date).or_insert(SeatsOnDay {
                day: date,
                seats_used: 0,
                enrolled: 0,
            });
            if seats {
                entry.seats_used = r.n(name)?;
            } else {
                entry.enrolled = r.n(name)?;
            }
        }
    }
    funnel.enrol_after.sort();
    funnel.seats = days.into_values().collect();
    Ok(funnel)
}

pub fn contract_from(item: &Item) -> Result<Contract, CorruptItem> {
    let r = Reader(item);
    Ok(Contract {
        id: r.id("id", ContractId::parse)?,
        name: r.s("name")?.to_owned(),
        kind: match r.s("kind")? {
            "subscription" => ContractKind::Subscription,
            "voucher" => ContractKind::Voucher,
            other => return Err(CorruptItem(format!("kind {other}"))),
        },
        activities: r.json("activities")?,
        admins: r.ids("admins", UserId::parse)?,
        seat_limit: r.opt_n("seat_limit")?,
        starts_at: r.time("starts_at")?,
        ends_at: r.time("ends_at")?,
        invitation_lifetime_days: r.n("invitation_lifetime_days")?,
        counts: StatusCounts {
            pending: r.opt_n("pending")?.unwrap_or(0),
            enrolled: r.opt_n("enrolled")?.unwrap_or(0),
            revoked: r.opt_n("revoked")?.unwrap_or(0),
        },
        mail: mail_from(&r)?,
        reminders: match r.opt_s("reminders") {
            Some(_) => r.json("reminders")?,
            None => ReminderPlan::default(),
        },
        waiting: WaitingMark {
            anyone: matches!(item.get(WAITING_LIST), Some(AttributeValue::Bool(true))),
            joins: r.opt_n(WAITING_JOINS)?.unwrap_or(0),
        },
    })
}

/// The contract item's mark that its waiting list may not be empty (the waiting-list
/// function's stream filter, infra/template.yaml), and the count of joins to the list.
pub const WAITING_LIST: &str = "waiting_list";
pub const WAITING_JOINS: &str = "waiting_joins";

// ---- test mails ----

pub const TEST_MAIL_SK_PREFIX: &str = "TESTMAIL#";

/// The table's time-to-live attribute (infra/template.yaml): epoch seconds after which
/// DynamoDB deletes the item.
pub const TTL: &str = "ttl";
/// A test mail is kept this long (its record in the contract's audit stays).
pub const TEST_MAIL_KEPT_DAYS: i64 = 30;

pub fn ttl_at(at: DateTime<Utc>) -> AttributeValue {
    AttributeValue::N(at.timestamp().to_string())
}

/// How many tests of the contract mail one admin asked for in one clock hour (UTC), for the
/// limit (issue 26). One item per person and hour, expired by the table after two.
pub fn test_mail_counter_key(who: &UserId, at: DateTime<Utc>) -> Item {
    Item::from([
        ("pk".into(), s(format!("TESTMAILS#{}", who.as_str()))),
        ("sk".into(), s(at.format("HOUR#%Y-%m-%dT%H").to_string())),
    ])
}

/// A test of a contract's mail: what the mailer sends and records (`delivery`), under the
/// contract. The draft's text goes with it, as the admin had it when they asked.
pub fn test_mail_key(t: &TestMail) -> Item {
    Item::from([
        ("pk".into(), s(contract_pk(&t.contract))),
        (
            "sk".into(),
            s(format!(
                "{TEST_MAIL_SK_PREFIX}{:013}#{}",
                t.queued_at.timestamp_millis(),
                t.id
            )),
        ),
    ])
}

pub fn test_mail_item(t: &TestMail) -> Item {
    let mut item = test_mail_key(t);
    item.extend([
        ("type".into(), s("test_mail")),
        ("id".into(), s(&t.id)),
        ("contract_id".into(), s(t.contract.as_str())),
        ("email".into(), s(t.to.as_entered())),
        ("requested_by".into(), s(t.requested_by.as_str())),
        ("queued_at".into(), ms(t.queued_at)),
        ("mail_language".into(), s(t.mail.language.code())),
        (
            TTL.into(),
            ttl_at(t.queued_at + chrono::Duration::days(TEST_MAIL_KEPT_DAYS)),
        ),
    ]);
    if let Some(name) = &t.name {
        item.insert("name".into(), s(name));
    }
    if let Some(custom) = &t.mail.custom {
        item.insert("mail_subject".into(), s(custom.subject()));
        item.insert("mail_message".into(), s(custom.message()));
    }
    item
}

pub fn test_mail_from(item: &Item) -> Result<TestMail, CorruptItem> {
    let r = Reader(item);
    Ok(TestMail {
        id: r.s("id")?.to_owned(),
        contract: r.id("contract_id", ContractId::parse)?,
        to: EmailAddress::parse(r.s("email")?).map_err(|e| CorruptItem(format!("email: {e}")))?,
        name: r.opt_s("name").map(str::to_owned),
        requested_by: r.id("requested_by", UserId::parse)?,
        mail: mail_from(&r)?,
        queued_at: r.time("queued_at")?,
    })
}

// ---- users ----

pub fn user_item(u: &User) -> Item {
    let mut item = Item::from([
        ("pk".into(), s(user_pk(&u.id))),
        ("sk".into(), s(USER_SK)),
        ("gsi1pk".into(), s(USERS_GSI1PK)),
        ("gsi1sk".into(), s(u.email.identity())),
        ("type".into(), s("user")),
        ("id".into(), s(u.id.as_str())),
        ("email".into(), s(u.email.as_entered())),
        ("name".into(), s(&u.name)),
        ("name_lc".into(), s(u.name.to_lowercase())),
        ("created_at".into(), ms(u.created_at)),
        ("system_admin".into(), AttributeValue::Bool(u.system_admin)),
        (
            "email_verified".into(),
            AttributeValue::Bool(u.email_verified),
        ),
        // Issue 32: whether the pool still lets them sign in (see `Standing`).
        ("standing".into(), s(u.standing.as_str())),
    ]);
    if let Standing::Removed { noticed_at } = u.standing {
        item.insert("removed_at".into(), ms(noticed_at));
    }
    item
}

pub fn user_email_item(u: &User) -> Item {
    Item::from([
        ("pk".into(), s(user_email_pk(u.email.identity()))),
        ("sk".into(), s(USER_EMAIL_SK)),
        ("type".into(), s("user_email")),
        ("user_id".into(), s(u.id.as_str())),
    ])
}

pub fn user_from(item: &Item) -> Result<User, CorruptItem> {
    let r = Reader(item);
    Ok(User {
        id: r.id("id", UserId::parse)?,
        email: EmailAddress::parse(r.s("email")?)
            .map_err(|e| CorruptItem(format!("email: {e}")))?,
        name: r.s("name")?.to_owned(),
        created_at: r.time("created_at")?,
        system_admin: matches!(item.get("system_admin"), Some(AttributeValue::Bool(true))),
        // Records written before the flag existed count as unproved until the directory sync
        // (every 5 minutes) writes what the pool says.
        email_verified: matches!(item.get("email_verified"), Some(AttributeValue::Bool(true))),
        // Records written before issue 32 have no standing: active until the sync says not.
        standing: match r.opt_s("standing") {
            None | Some("active") => Standing::Active,
            Some("disabled") => Standing::Disabled,
            Some("removed") => Standing::Removed {
                noticed_at: r.time("removed_at")?,
            },
            Some(other) => return Err(CorruptItem(format!("standing: {other}"))),
        },
    })
}

// ---- invitations ----

pub fn invitation_from(item: &Item) -> Result<Invitation, CorruptItem> {
    let r = Reader(item);
    let status =
        InvitationStatus::parse(r.s("status")?).ok_or_else(|| CorruptItem("status".into()))?;
    let source = match (r.opt_s("import_id"), r.opt_s("join_link")) {
        (Some(import), _) => Source::Import {
            import_id: ImportId::parse(import).map_err(|e| CorruptItem(e.to_string()))?,
            line: r.opt_n("import_line")?.unwrap_or(0),
        },
        (None, Some(link)) => Source::JoinLink {
            link_id: JoinLinkId::parse(link).map_err(|e| CorruptItem(e.to_string()))?,
        },
        (None, None) => Source::Manual,
    };
    let delivery = match r.s("delivery")? {
        "queued" => Delivery::Queued,
        "sending" => Delivery::Sending {
            since: r.time("delivery_since")?,
        },
        "sent" => Delivery::Sent {
            at: r.time("last_sent_at")?,
        },
        "failed" => Delivery::Failed {
            reason: r.opt_s("delivery_error").unwrap_or("unknown").to_owned(),
        },
        "scheduled" => Delivery::Scheduled,
        other => return Err(CorruptItem(format!("delivery {other}"))),
    };
    let delivery_report = match r.opt_s("report_kind") {
        None => None,
        Some(kind) => Some(DeliveryReport {
            kind: ReportKind::parse(kind)
                .ok_or_else(|| CorruptItem(format!("report_kind {kind}")))?,
            at: r.time("report_at")?,
            detail: r.opt_s("report_detail").unwrap_or_default().to_owned(),
        }),
    };
    Ok(Invitation {
        delivery_report,
        id: r.id("invitation_id", InvitationId::parse)?,
        contract_id: r.id("contract_id", ContractId::parse)?,
        email: EmailAddress::parse(r.s("email")?)
            .map_err(|e| CorruptItem(format!("email: {e}")))?,
        status,
        activities: r.ids("activities", ActivityId::parse)?,
        user_id: r.opt_id("user_id", UserId::parse)?,
        name: r.opt_s("name").map(str::to_owned),
        invited_by: r.id("invited_by", UserId::parse)?,
        invited_at: r.time("invited_at")?,
        source,
        token_version: r.n("token_version")?,
        expires_at: r.time("expires_at")?,
        send_count: r.n("send_count")?,
        last_queued_at: r.time("last_queued_at")?,
        last_sent_at: r.opt_time("last_sent_at")?,
        delivery,
        enrolled_at: r.opt_time("enrolled_at")?,
        revoked_by: r.opt_id("revoked_by", UserId::parse)?,
        revoked_at: r.opt_time("revoked_at")?,
        reinvited: matches!(item.get("reinvited"), Some(AttributeValue::Bool(true))),
        reminders_sent: r.opt_n("reminders_sent")?.unwrap_or(0),
        // A reminder marker of an older link (a resend came before the mailer) is no reminder.
        reminder: match (
            r.opt_n::<u32>("send_reminder")?,
            r.opt_n::<u32>("reminder_version")?,
        ) {
            (Some(n), Some(v)) if Some(v) == r.opt_n("token_version")? => Some(n),
            _ => None,
        },
        remind_at: r.opt_time("remind_at")?,
        expiry_counted: matches!(item.get("expiry_counted"), Some(AttributeValue::Bool(true))),
        options: invite_options_from(&r)?,
    })
}

/// An invitation's schedule (`send_at`), group (`cohort`) and mail language (`language`).
fn invite_options_from(r: &Reader<'_>) -> Result<InviteOptions, CorruptItem> {
    Ok(InviteOptions {
        schedule: match r.opt_s("send_at") {
            None => None,
            Some(text) => Some(
                Schedule::from_stored(text)
                    .ok_or_else(|| CorruptItem(format!("send_at {text}")))?,
            ),
        },
        group: match r.opt_s("cohort") {
            None => None,
            Some(text) => {
                Some(Group::parse(text).map_err(|e| CorruptItem(format!("cohort: {e}")))?)
            }
        },
        language: match r.opt_s("language") {
            None => None,
            Some(code) => {
                Some(Language::parse(code).ok_or_else(|| CorruptItem(format!("language {code}")))?)
            }
        },
    })
}

// ---- imports ----

pub fn import_item(i: &Import) -> Item {
    let mut item = Item::from([
        ("pk".into(), s(contract_pk(&i.contract_id))),
        ("sk".into(), s(import_sk(&i.id))),
        ("type".into(), s("import")),
        (
            "import".into(),
            s(serde_json::to_string(i).expect("import serialises")),
        ),
    ]);
    item.insert("updated_at".into(), ms(i.updated_at));
    item
}

pub fn import_from(item: &Item) -> Result<Import, CorruptItem> {
    let mut import: Import = Reader(item).json("import")?;
    // Kept beside the record, so that the run saving its progress never overwrites them.
    if let Some(AttributeValue::Ss(refused)) = item.get("refused_uploads") {
        import.refused_uploads = u32::try_from(refused.len()).unwrap_or(u32::MAX);
    }
    Ok(import)
}

// ---- audit ----

/// How long audit records and their history copies are kept when the operator says nothing
/// (the template's `AuditRetentionDays` default): two years.
pub const AUDIT_KEPT_DAYS: i64 = 730;

/// An audit record, kept `kept` after its time (its `ttl`; the store's audit period).
pub fn audit_item(contract: &ContractId, record: &AuditRecord, kept: chrono::Duration) -> Item {
    let mut item = Item::from([
        ("pk".into(), s(contract_pk(contract))),
        ("sk".into(), s(audit_sk(record.at))),
        ("type".into(), s("audit")),
        ("at".into(), ms(record.at)),
        (TTL.into(), ttl_at(record.at + kept)),
        (
            "action".into(),
            s(serde_json::to_value(record.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()),
        ),
        ("subjects".into(), list_s(&record.subjects)),
    ]);
    if let Some(actor) = &record.actor {
        item.insert("actor".into(), s(actor.as_str()));
    }
    if let Some(detail) = &record.detail {
        item.insert("detail".into(), s(detail));
    }
    if let Some(id) = &record.invitation_id {
        item.insert("about_invitation".into(), s(id.as_str()));
    }
    if !record.activities.is_empty() {
        let ids: Vec<&str> = record.activities.iter().map(|a| a.as_str()).collect();
        item.insert("activities".into(), list_s(&ids));
    }
    item
}

/// The history item of an audit record about one invitation, under `sk` (one of the
/// `history_sk*` keys), kept as long as the record.
pub fn history_item(
    contract: &ContractId,
    record: &AuditRecord,
    sk: String,
    kept: chrono::Duration,
) -> Item {
    let mut item = audit_item(contract, record, kept);
    let id = record
        .invitation_id
        .as_ref()
        .expect("a history item is about one invitation");
    item.insert("pk".into(), s(history_pk(contract, id)));
    item.insert("sk".into(), s(sk));
    item.insert("type".into(), s("history"));
    item
}

pub fn audit_from(item: &Item) -> Result<AuditRecord, CorruptItem> {
    let r = Reader(item);
    Ok(AuditRecord {
        at: r.time("at")?,
        actor: r.opt_id("actor", UserId::parse)?,
        action: serde_json::from_value(serde_json::Value::String(r.s("action")?.to_owned()))
            .map_err(|e| CorruptItem(format!("action: {e}")))?,
        subjects: r.strings("subjects"),
        detail: r.opt_s("detail").map(str::to_owned),
        invitation_id: r.opt_id("about_invitation", InvitationId::parse)?,
        activities: r.ids("activities", ActivityId::parse)?,
    })
}
