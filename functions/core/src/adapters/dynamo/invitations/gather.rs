//! Reads of a whole contract's invitations, gathered from its shards (issue 33; see the
//! layout in `items.rs`): a page of the Invitations tab merged across the shards by address,
//! counts and group figures summed. The shards are read at once.

use super::{encode_cursor, DynamoStore};
use crate::adapters::dynamo::db_error;
use crate::adapters::dynamo::items::*;
use crate::domain::*;
use crate::ports::*;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::Select;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use futures::future::try_join_all;
use std::collections::BTreeMap;

/// Items a search reads per query page (its filter keeps few of them).
const SEARCH_STEP: usize = 1000;

/// Query pages read at most per shard and list call, so a sparse filter cannot run away
/// (16 shards: 32 pages a call at most, read at once).
const PAGES_PER_SHARD: usize = 2;

/// What one shard gave a page: its matches in the page's order, and how far it was read when
/// it stopped before its end (every match up to there is among `found`).
struct ShardRead {
    found: Vec<Invitation>,
    reached: Option<String>,
}

impl DynamoStore {
    /// The query of one shard of a contract's invitations by search text, shown status and
    /// narrowing, from its first item, addresses a to z (`descending`: z to a). Without a
    /// search: the shard's partition of the table, or of the status index (pending and expired are both stored pending,
    /// told apart by their expiry at `now`); both are keyed by address. With one: the contract
    /// partition, filtered to the invitations whose address holds the text anywhere or whose
    /// name does (issue 28; the index's own key cannot be filtered on). A name is matched in
    /// any case when the invitation was written with `name_lc`, as typed otherwise (written
    /// before the search by name). Who invited, the import and the days are filters on the
    /// item's own attributes (issue 28).
    fn invitation_query(
        &self,
        query: &InvitationQuery,
        contract: &ContractId,
        shard: u32,
        now: DateTime<Utc>,
    ) -> QueryFluentBuilder {
        let search = query.email_prefix.as_str();
        let mut q = self
            .client()
            .query()
            .table_name(self.table())
            .scan_index_forward(!query.descending);
        let mut filter: Vec<&str> = Vec::new();
        match query.status {
            Some(shown) if search.is_empty() => {
                q = q
                    .index_name(GSI1)
                    .key_condition_expression("gsi1pk = :g")
                    .expression_attribute_values(
                        ":g",
                        s(invites_shard_gsi1pk(contract, stored(shown), shard)),
                    );
            }
            _ => {
                q = q
                    .key_condition_expression("pk = :pk AND begins_with(sk, :invite)")
                    .expression_attribute_values(":pk", s(shard_pk(contract, shard)))
                    .expression_attribute_values(":invite", s(INVITE_SK_PREFIX));
                if let Some(shown) = query.status {
                    filter.push("#status = :st");
                    q = q
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_values(":st", s(stored(shown).as_str()));
                }
            }
        }
        if !search.is_empty() {
            filter.push("(contains(gsi1sk, :q) OR contains(name_lc, :q) OR contains(#name, :q))");
            q = q
                .expression_attribute_values(":q", s(search))
                .expression_attribute_names("#name", "name");
        }
        let by_expiry = match query.status {
            Some(ShownStatus::Pending) => Some("expires_at > :now"),
            Some(ShownStatus::Expired) => Some("expires_at <= :now"),
            _ => None,
        };
        if let Some(by_expiry) = by_expiry {
            filter.push(by_expiry);
            q = q.expression_attribute_values(":now", ms(now));
        }
        let narrow = &query.narrow;
        if let Some(by) = &narrow.invited_by {
            filter.push("invited_by = :by");
            q = q.expression_attribute_values(":by", s(by.as_str()));
        }
        if let Some(import) = &narrow.import {
            filter.push("import_id = :import");
            q = q.expression_attribute_values(":import", s(import.as_str()));
        }
        if let Some(from) = narrow.invited_from {
            filter.push("invited_at >= :from");
            q = q.expression_attribute_values(":from", ms(from));
        }
        if let Some(before) = narrow.invited_before {
            filter.push("invited_at < :before");
            q = q.expression_attribute_values(":before", ms(before));
        }
        if let Some(group) = &narrow.group {
            filter.push("cohort = :group");
            q = q.expression_attribute_values(":group", s(group.as_str()));
        }
        match filter.is_empty() {
            true => q,
            false => q.filter_expression(filter.join(" AND ")),
        }
    }

    /// One page of a contract's invitations. Each shard is read from the cursor on until it
    /// has one more match than the page needs, its end, or its page budget; the merge keeps
    /// what every shard has read up to (the least far shard's position), so no invitation is
    /// skipped or shown twice across pages.
    pub(super) async fn gather_page(
        &self,
        contract: &ContractId,
        query: &InvitationQuery,
        now: DateTime<Utc>,
    ) -> Result<InvitationPage, StoreError> {
        let limit = query.limit.clamp(1, 500);
        let query = &InvitationQuery {
            email_prefix: query.email_prefix.trim().to_lowercase(),
            ..query.clone()
        };
        // A cursor only ever names a position inside this contract's own key range.
        let after = match &query.cursor {
            Some(c) => Some(decode_cursor(c).ok_or(StoreError::BadCursor)?),
            None => None,
        };
        let reads =
            try_join_all((0..INVITATION_SHARDS).map(|shard| {
                self.read_shard(contract, shard, query, after.as_deref(), limit, now)
            }))
            .await?;
        // In the page's order, `a` comes before `b`.
        let before = |a: &str, b: &str| match query.descending {
            false => a < b,
            true => a > b,
        };
        let boundary = reads
            .iter()
            .filter_map(|r| r.reached.clone())
            .reduce(|a, b| if before(&a, &b) { a } else { b });
        let mut invitations: Vec<Invitation> = reads
            .into_iter()
            .flat_map(|r| r.found)
            .filter(|inv| match &boundary {
                Some(edge) => !before(edge, inv.email.identity()),
                None => true,
            })
            .collect();
        invitations.sort_by(|a, b| {
            let order = a.email.identity().cmp(b.email.identity());
            match query.descending {
                false => order,
                true => order.reverse(),
            }
        });
        let next_cursor = if invitations.len() > limit {
            invitations.truncate(limit);
            invitations
                .last()
                .map(|inv| encode_cursor(inv.email.identity()))
        } else {
            // Read as far as one call may: hand back where to go on from.
            boundary.as_deref().map(encode_cursor)
        };
        Ok(InvitationPage {
            invitations,
            next_cursor,
        })
    }

    async fn read_shard(
        &self,
        contract: &ContractId,
        shard: u32,
        query: &InvitationQuery,
        after: Option<&str>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<ShardRead, StoreError> {
        let by_index = query.status.is_some() && query.email_prefix.is_empty();
        let mut start_after = after.map(str::to_owned);
        let mut found = Vec::new();
        for _ in 0..PAGES_PER_SHARD {
            let mut q = self.invitation_query(query, contract, shard, now);
            if let Some(after) = &start_after {
                let mut k = Item::from([
                    ("pk".into(), s(shard_pk(contract, shard))),
                    ("sk".into(), s(invite_sk(after))),
                ]);
                if let (true, Some(shown)) = (by_index, query.status) {
                    k.insert(
                        "gsi1pk".into(),
                        s(invites_shard_gsi1pk(contract, stored(shown), shard)),
                    );
                    k.insert("gsi1sk".into(), s(after));
                }
                q = q.set_exclusive_start_key(Some(k));
            }
            // One more than the page, to know whether another page exists; a search or a
            // narrowing reads on in bigger steps, as most items it reads are filtered out.
            let step = match query.email_prefix.is_empty() && query.narrow.is_empty() {
                true => limit + 1 - found.len(),
                false => SEARCH_STEP,
            };
            let out = q.limit(step as i32).send().await.map_err(db_error)?;
            for item in out.items() {
                found.push(invitation_from(item)?);
                if found.len() > limit {
                    let reached = found.last().map(|inv| inv.email.identity().to_owned());
                    return Ok(ShardRead { found, reached });
                }
            }
            start_after = match out.last_evaluated_key() {
                Some(last) => Some(invite_identity(last)?),
                None => {
                    return Ok(ShardRead {
                        found,
                        reached: None,
                    })
                }
            };
        }
        Ok(ShardRead {
            found,
            reached: start_after,
        })
    }

    /// How many of a contract's invitations a query finds: every shard's count (DynamoDB
    /// counts, with Select COUNT: the items are read, not sent here).
    pub(super) async fn gather_count(
        &self,
        contract: &ContractId,
        query: &InvitationQuery,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let query = &InvitationQuery {
            email_prefix: query.email_prefix.trim().to_lowercase(),
            ..query.clone()
        };
        let counts = try_join_all((0..INVITATION_SHARDS).map(|shard| async move {
            let mut count = 0u64;
            let mut start = None;
            loop {
                let out = self
                    .invitation_query(query, contract, shard, now)
                    .select(Select::Count)
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .map_err(db_error)?;
                count += out.count() as u64;
                match out.last_evaluated_key() {
                    Some(last) => start = Some(last.clone()),
                    None => return Ok::<_, StoreError>(count),
                }
            }
        }))
        .await?;
        Ok(counts.into_iter().sum())
    }

    /// A contract's invitations counted by group and shown status, over every shard.
    pub(super) async fn gather_groups(
        &self,
        contract: &ContractId,
        now: DateTime<Utc>,
    ) -> Result<BTreeMap<Option<Group>, GroupCounts>, StoreError> {
        let shards = try_join_all(
            invitation_pks(contract)
                .into_iter()
                .map(|pk| self.groups_of_shard(pk, now)),
        )
        .await?;
        let mut groups: BTreeMap<Option<Group>, GroupCounts> = BTreeMap::new();
        for shard in shards {
            for (group, counts) in shard {
                let sum = groups.entry(group).or_default();
                sum.pending += counts.pending;
                sum.scheduled += counts.scheduled;
                sum.enrolled += counts.enrolled;
                sum.revoked += counts.revoked;
                sum.expired += counts.expired;
            }
        }
        Ok(groups)
    }

    async fn groups_of_shard(
        &self,
        pk: String,
        now: DateTime<Utc>,
    ) -> Result<BTreeMap<Option<Group>, GroupCounts>, StoreError> {
        let mut groups: BTreeMap<Option<Group>, GroupCounts> = BTreeMap::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":p", s(INVITE_SK_PREFIX))
                .projection_expression("cohort, #status, delivery, expires_at")
                .expression_attribute_names("#status", "status")
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(db_error)?;
            for item in out.items() {
                let r = Reader(item);
                let group = r.opt_s("cohort").and_then(|g| Group::parse(g).ok());
                let counts = groups.entry(group).or_default();
                match InvitationStatus::parse(r.s("status")?) {
                    Some(InvitationStatus::Enrolled) => counts.enrolled += 1,
                    Some(InvitationStatus::Revoked) => counts.revoked += 1,
                    _ if r.time("expires_at")? <= now => counts.expired += 1,
                    _ => {
                        counts.pending += 1;
                        if r.opt_s("delivery") == Some("scheduled") {
                            counts.scheduled += 1;
                        }
                    }
                }
            }
            match out.last_evaluated_key() {
                Some(last) => start = Some(last.clone()),
                None => return Ok(groups),
            }
        }
    }
}

/// The stored status of a shown one: expired invitations are stored pending.
fn stored(shown: ShownStatus) -> InvitationStatus {
    match shown {
        ShownStatus::Pending | ShownStatus::Expired => InvitationStatus::Pending,
        ShownStatus::Enrolled => InvitationStatus::Enrolled,
        ShownStatus::Revoked => InvitationStatus::Revoked,
    }
}

fn decode_cursor(cursor: &str) -> Option<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|s| EmailAddress::parse(s).is_ok())
}
