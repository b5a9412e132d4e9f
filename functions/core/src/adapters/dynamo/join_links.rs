//! Join links in the table (issue 30).
//!
//! | item | pk                   | sk     | gsi1pk                  | gsi1sk                   |
//! |------|----------------------|--------|-------------------------|--------------------------|
//! | link | `JOINLINK#<link id>` | `LINK` | `JOINLINKS#<contract>`  | `<created ms>#<link id>` |
//!
//! A link has a partition of its own, read by the id in its code; a contract lists its links on
//! gsi1. `uses` is written only by a join (`ADD`), never by an admin's save, which sets the
//! other fields under the version it read.

use super::items::{list_s, ms, n, s, Item, Reader};
use super::webhooks::written;
use super::DynamoStore;
use crate::domain::*;
use crate::ports::{CorruptItem, CreateError, JoinLinkStore, NewInvitations, StoreError};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;

const LINK_SK: &str = "LINK";
const PK_PREFIX: &str = "JOINLINK#";

pub fn join_link_pk(id: &JoinLinkId) -> String {
    format!("{PK_PREFIX}{id}")
}

pub fn join_link_key(id: &JoinLinkId) -> Item {
    Item::from([
        ("pk".into(), s(join_link_pk(id))),
        ("sk".into(), s(LINK_SK)),
    ])
}

fn contract_gsi1pk(contract: &ContractId) -> String {
    format!("JOINLINKS#{contract}")
}

/// The fields an admin sets, as `SET` values (absent ones removed).
fn admin_fields(l: &JoinLink) -> (Vec<(&'static str, AttributeValue)>, Vec<&'static str>) {
    let mut set = vec![
        ("audience", s(&l.audience)),
        ("generation", n(l.generation)),
        ("activities", list_s(&l.activities)),
        ("allowed_domains", list_s(&l.allowed_domains)),
        ("needs_approval", AttributeValue::Bool(l.needs_approval)),
        ("enabled", AttributeValue::Bool(l.enabled)),
    ];
    let mut remove = Vec::new();
    for (name, value) in [
        ("max_uses", l.max_uses.map(n)),
        ("opens_at", l.opens_at.map(ms)),
        ("closes_at", l.closes_at.map(ms)),
    ] {
        match value {
            Some(v) => set.push((name, v)),
            None => remove.push(name),
        }
    }
    (set, remove)
}

fn link_item(l: &JoinLink) -> Item {
    let (set, _) = admin_fields(l);
    let mut item = Item::from([
        ("pk".into(), s(join_link_pk(&l.id))),
        ("sk".into(), s(LINK_SK)),
        ("type".into(), s("join_link")),
        ("gsi1pk".into(), s(contract_gsi1pk(&l.contract_id))),
        (
            "gsi1sk".into(),
            s(format!("{:013}#{}", l.created_at.timestamp_millis(), l.id)),
        ),
        ("contract_id".into(), s(l.contract_id.as_str())),
        ("uses".into(), n(l.uses)),
        ("created_by".into(), s(l.created_by.as_str())),
        ("created_at".into(), ms(l.created_at)),
        ("version".into(), n(l.version)),
    ]);
    item.extend(set.into_iter().map(|(k, v)| (k.to_owned(), v)));
    item
}

fn link_from(item: &Item) -> Result<JoinLink, CorruptItem> {
    let r = Reader(item);
    let id = r.s("pk")?.trim_start_matches(PK_PREFIX);
    Ok(JoinLink {
        id: JoinLinkId::parse(id).map_err(|e| CorruptItem(format!("join link id: {e}")))?,
        contract_id: r.id("contract_id", ContractId::parse)?,
        audience: r.opt_s("audience").unwrap_or_default().to_owned(),
        generation: r.n("generation")?,
        activities: r.ids("activities", ActivityId::parse)?,
        max_uses: r.opt_n("max_uses")?,
        uses: r.n("uses")?,
        opens_at: r.opt_time("opens_at")?,
        closes_at: r.opt_time("closes_at")?,
        allowed_domains: r.strings("allowed_domains"),
        needs_approval: matches!(item.get("needs_approval"), Some(AttributeValue::Bool(true))),
        enabled: matches!(item.get("enabled"), Some(AttributeValue::Bool(true))),
        created_by: r.id("created_by", UserId::parse)?,
        created_at: r.time("created_at")?,
        version: r.n("version")?,
    })
}

#[async_trait]
impl JoinLinkStore for DynamoStore {
    async fn create_join_link(&self, link: &JoinLink) -> Result<(), StoreError> {
        self.put_new(link_item(link)).await
    }

    async fn get_join_link(&self, id: &JoinLinkId) -> Result<Option<JoinLink>, StoreError> {
        self.get(join_link_pk(id), LINK_SK)
            .await?
            .map(|item| link_from(&item).map_err(StoreError::from))
            .transpose()
    }

    async fn save_join_link(&self, link: &JoinLink) -> Result<bool, StoreError> {
        let (set, remove) = admin_fields(link);
        let mut expression = set
            .iter()
            .map(|(name, _)| format!("#{name} = :{name}"))
            .chain(["version = :next".to_owned()])
            .collect::<Vec<_>>()
            .join(", ");
        expression.insert_str(0, "SET ");
        if !remove.is_empty() {
            let names: Vec<String> = remove.iter().map(|name| format!("#{name}")).collect();
            expression.push_str(&format!(" REMOVE {}", names.join(", ")));
        }
        let mut update = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("pk", s(join_link_pk(&link.id)))
            .key("sk", s(LINK_SK))
            .update_expression(expression)
            .condition_expression("version = :read")
            .expression_attribute_values(":read", n(link.version))
            .expression_attribute_values(":next", n(link.version + 1));
        for (name, value) in set {
            update = update
                .expression_attribute_names(format!("#{name}"), name)
                .expression_attribute_values(format!(":{name}"), value);
        }
        for name in remove {
            update = update.expression_attribute_names(format!("#{name}"), name);
        }
        written(update.send().await)
    }

    async fn invite_via_link(
        &self,
        new: NewInvitations<'_>,
        link: &JoinLink,
    ) -> Result<Vec<InviteOutcome>, CreateError> {
        self.create_via_link(new, link).await
    }

    async fn join_links(&self, contract: &ContractId) -> Result<Vec<JoinLink>, StoreError> {
        let mut found = Vec::new();
        // Newest first. The index may lag a write by a moment; each link is read from the
        // table (its uses as they stand).
        for item in self
            .gsi1_all(&contract_gsi1pk(contract))
            .await?
            .iter()
            .rev()
        {
            let id = Reader(item).s("pk")?.trim_start_matches(PK_PREFIX);
            if let Ok(id) = JoinLinkId::parse(id) {
                if let Some(link) = self.get_join_link(&id).await? {
                    found.push(link);
                }
            }
        }
        Ok(found)
    }
}
