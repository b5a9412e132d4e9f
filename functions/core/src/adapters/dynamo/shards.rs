//! Sharded partition keys (issue 33; the layout is in `items.rs`): the send and reminder
//! indexes' partitions, and a contract's invitations, their status index entries and their
//! histories over 16 shards. Every shard is a stable hash (FNV-1a: the same across builds and
//! platforms, unlike std's hasher), so a key is found again from what it was made of.

use crate::domain::*;

/// The `by_remind_at` partition of an invitation (the same hash as its send shard).
pub fn remind_shard(contract: &ContractId, identity: &str) -> String {
    send_shard(contract, identity).replacen("SEND#", "REMIND#", 1)
}

/// Every partition of `by_remind_at`.
pub fn remind_shards() -> impl Iterator<Item = String> {
    (0..SEND_SHARDS).map(|n| format!("REMIND#{n}"))
}

/// Partitions of `by_send_due`, so that a large import's queued sends spread their index writes.
pub const SEND_SHARDS: u32 = 8;

/// The `by_send_due` partition of an invitation: a stable hash of its key.
pub fn send_shard(contract: &ContractId, identity: &str) -> String {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in contract.as_str().bytes().chain(identity.bytes()) {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    format!("SEND#{}", hash % SEND_SHARDS)
}

/// Every partition of `by_send_due`.
pub fn send_shards() -> impl Iterator<Item = String> {
    (0..SEND_SHARDS).map(|n| format!("SEND#{n}"))
}

/// How many partitions a contract's invitations (and their status index entries, and their
/// histories) spread over. Changing it moves every invitation: it is part of the layout.
pub const INVITATION_SHARDS: u32 = 16;

/// The shard of a key within a contract: FNV-1a, stable across builds and platforms.
pub fn invitation_shard(key: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    hash % INVITATION_SHARDS
}

/// The partition of shard `shard` of a contract's invitations.
pub fn shard_pk(contract: &ContractId, shard: u32) -> String {
    format!("CONTRACT#{contract}#{shard:02}")
}

/// The partition of the invitation of `identity` (its email identity).
pub fn invitation_pk(contract: &ContractId, identity: &str) -> String {
    shard_pk(contract, invitation_shard(identity))
}

/// Every partition of a contract's invitations and histories, in shard order.
pub fn invitation_pks(contract: &ContractId) -> Vec<String> {
    (0..INVITATION_SHARDS)
        .map(|k| shard_pk(contract, k))
        .collect()
}

/// The partition of an invitation's history items.
pub fn history_pk(contract: &ContractId, invitation: &InvitationId) -> String {
    shard_pk(contract, invitation_shard(invitation.as_str()))
}

/// The contract a partition of `CONTRACT#` belongs to (its own, or one of its shards).
pub fn contract_of_pk(pk: &str) -> Option<&str> {
    let rest = pk.strip_prefix("CONTRACT#")?;
    Some(match rest.rsplit_once('#') {
        Some((contract, shard))
            if shard.len() == 2 && shard.bytes().all(|b| b.is_ascii_digit()) =>
        {
            contract
        }
        _ => rest,
    })
}

/// The status index partition of the invitation of `identity` in `status`.
pub fn invites_gsi1pk(id: &ContractId, status: InvitationStatus, identity: &str) -> String {
    invites_shard_gsi1pk(id, status, invitation_shard(identity))
}
/// The status index partition of shard `shard`.
pub fn invites_shard_gsi1pk(id: &ContractId, status: InvitationStatus, shard: u32) -> String {
    format!("INVITES#{id}#{}#{shard:02}", status.as_str())
}
/// Every status index partition of a contract's invitations in `status`, in shard order.
pub fn invites_gsi1pks(id: &ContractId, status: InvitationStatus) -> Vec<String> {
    (0..INVITATION_SHARDS)
        .map(|k| invites_shard_gsi1pk(id, status, k))
        .collect()
}
