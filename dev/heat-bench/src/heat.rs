//! Pure counting: item sizes, the index writes a change makes, tallies by partition and by
//! item. No AWS types here: `probe.rs` and `stream.rs` turn requests and stream records into
//! these values.

use std::collections::BTreeMap;

/// One write unit covers this much of an item (DynamoDB: 1 KB, rounded up per item).
pub const WRITE_UNIT_BYTES: usize = 1024;

/// An attribute as far as counting needs it: its scalar text (a key's value) and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub text: Option<String>,
    pub bytes: usize,
}

/// An item image: attribute name to attribute.
pub type Image = BTreeMap<String, Attr>;

/// DynamoDB's item size: every attribute's name and value.
pub fn item_size(image: &Image) -> usize {
    image.iter().map(|(name, a)| name.len() + a.bytes).sum()
}

/// Write units for an item of `bytes` (at least one).
pub fn units(bytes: usize) -> u64 {
    bytes.div_ceil(WRITE_UNIT_BYTES).max(1) as u64
}

/// The size DynamoDB gives a number: about one byte per two significant digits, plus one.
pub fn number_bytes(text: &str) -> usize {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits.div_ceil(2) + 1
}

/// What an index holds besides the table's and its own keys.
pub enum Projection {
    All,
    KeysOnly,
    Include(&'static [&'static str]),
}

pub struct Index {
    pub name: &'static str,
    pub hash: &'static str,
    pub range: Option<&'static str>,
    pub projection: Projection,
}

/// The table's global secondary indexes, as testkit::create_table and infra/template.yaml make
/// them (functions/core/src/adapters/dynamo/items.rs documents them).
pub const INDEXES: [Index; 4] = [
    Index {
        name: "gsi1",
        hash: "gsi1pk",
        range: Some("gsi1sk"),
        projection: Projection::All,
    },
    Index {
        name: "by_invitation_id",
        hash: "invitation_id",
        range: None,
        projection: Projection::KeysOnly,
    },
    Index {
        name: "by_send_due",
        hash: "send_shard",
        range: Some("send_due_at"),
        projection: Projection::Include(&["contract_id"]),
    },
    Index {
        name: "by_remind_at",
        hash: "remind_shard",
        range: Some("remind_at"),
        projection: Projection::Include(&["contract_id"]),
    },
];

pub const TABLE_KEYS: [&str; 2] = ["pk", "sk"];

impl Index {
    /// The entry's (partition, sort) key, when the item has every key attribute of the index.
    fn key(&self, image: &Image) -> Option<(String, String)> {
        let text = |name: &str| image.get(name).and_then(|a| a.text.clone());
        let hash = text(self.hash)?;
        let range = match self.range {
            Some(range) => text(range)?,
            None => String::new(),
        };
        Some((hash, range))
    }

    fn projected(&self, name: &str) -> bool {
        TABLE_KEYS.contains(&name)
            || name == self.hash
            || Some(name) == self.range
            || match self.projection {
                Projection::All => true,
                Projection::KeysOnly => false,
                Projection::Include(names) => names.contains(&name),
            }
    }

    /// The index entry's size: the table's keys, the index's keys and what it projects.
    fn entry_size(&self, image: &Image) -> usize {
        image
            .iter()
            .filter(|(name, _)| self.projected(name))
            .map(|(name, a)| name.len() + a.bytes)
            .sum()
    }

    fn entry_changed(&self, old: &Image, new: &Image) -> bool {
        let names = old.keys().chain(new.keys()).filter(|n| self.projected(n));
        names.into_iter().any(|n| old.get(n) != new.get(n))
    }
}

/// One write DynamoDB makes to an index to follow a change of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexWrite {
    pub index: &'static str,
    pub partition: String,
    /// The entry: the index's keys and the table item's.
    pub item: String,
    pub units: u64,
}

/// The index writes of one change (`old`/`new`: the item before and after; `None` when it did
/// not exist). A new key is a put, a key gone is a delete, a changed key is both, and an entry
/// whose key stays is written only when something it projects changed.
pub fn index_writes(old: Option<&Image>, new: Option<&Image>) -> Vec<IndexWrite> {
    let mut writes = Vec::new();
    for index in &INDEXES {
        let before = old.and_then(|i| index.key(i).map(|k| (k, i)));
        let after = new.and_then(|i| index.key(i).map(|k| (k, i)));
        let mut write = |(key, image): (&(String, String), &Image), bytes: usize| {
            writes.push(IndexWrite {
                index: index.name,
                partition: key.0.clone(),
                item: format!("{} {} | {}", key.0, key.1, table_item(image)),
                units: units(bytes),
            });
        };
        match (before, after) {
            (None, None) => {}
            (Some((k, i)), None) | (None, Some((k, i))) => write((&k, i), index.entry_size(i)),
            (Some((a, old)), Some((b, new))) if a == b => {
                if index.entry_changed(old, new) {
                    let bytes = index.entry_size(old).max(index.entry_size(new));
                    write((&b, new), bytes);
                }
            }
            (Some((a, old)), Some((b, new))) => {
                write((&a, old), index.entry_size(old));
                write((&b, new), index.entry_size(new));
            }
        }
    }
    writes
}

/// `pk sk` of a table item.
pub fn table_item(image: &Image) -> String {
    let text = |n: &str| {
        image
            .get(n)
            .and_then(|a| a.text.clone())
            .unwrap_or_default()
    };
    format!("{} {}", text("pk"), text("sk"))
}

/// Writes and write units.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub writes: u64,
    pub units: u64,
}

/// Where a write lands: the table or one of its indexes.
pub const TABLE: &str = "table";

/// Every write of a step, by partition and by item, for the table and each index.
#[derive(Debug, Default, Clone)]
pub struct Heat {
    /// (table or index, partition key) -> tally.
    pub partitions: BTreeMap<(String, String), Tally>,
    /// (table or index, item) -> tally.
    pub items: BTreeMap<(String, String), Tally>,
}

impl Heat {
    pub fn add(&mut self, place: &str, partition: &str, item: &str, units: u64) {
        for (map, key) in [(&mut self.partitions, partition), (&mut self.items, item)] {
            let t = map.entry((place.to_owned(), key.to_owned())).or_default();
            t.writes += 1;
            t.units += units;
        }
    }

    /// Every write in `place` ("table", an index name, or all when `None`).
    pub fn total(&self, place: Option<&str>) -> Tally {
        let mut total = Tally::default();
        for ((p, _), t) in &self.partitions {
            if place.is_none_or(|want| want == p) {
                total.writes += t.writes;
                total.units += t.units;
            }
        }
        total
    }

    /// The `n` hottest partitions of `place`, most write units first.
    pub fn hottest_partitions(&self, place: &str, n: usize) -> Vec<(String, Tally)> {
        hottest(&self.partitions, place, n)
    }

    /// The `n` hottest items of the table and every index, most write units first.
    pub fn hottest_items(&self, n: usize) -> Vec<(String, String, Tally)> {
        let mut all: Vec<_> = self
            .items
            .iter()
            .map(|((p, k), t)| (p.clone(), k.clone(), *t))
            .collect();
        all.sort_by(|a, b| b.2.units.cmp(&a.2.units).then(a.1.cmp(&b.1)));
        all.truncate(n);
        all
    }
}

fn hottest(map: &BTreeMap<(String, String), Tally>, place: &str, n: usize) -> Vec<(String, Tally)> {
    let mut rows: Vec<_> = map
        .iter()
        .filter(|((p, _), _)| p == place)
        .map(|((_, k), t)| (k.clone(), *t))
        .collect();
    rows.sort_by(|a, b| b.1.units.cmp(&a.1.units).then(a.0.cmp(&b.0)));
    rows.truncate(n);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(attrs: &[(&str, &str)]) -> Image {
        attrs
            .iter()
            .map(|(n, v)| {
                let attr = Attr {
                    text: Some((*v).to_owned()),
                    bytes: v.len(),
                };
                ((*n).to_owned(), attr)
            })
            .collect()
    }

    fn invitation(status: &str, extra: &[(&str, &str)]) -> Image {
        let mut i = image(&[
            ("pk", "CONTRACT#c"),
            ("sk", "INVITE#a@x"),
            ("gsi1pk", status),
            ("gsi1sk", "a@x"),
            ("invitation_id", "id1"),
        ]);
        i.extend(image(extra));
        i
    }

    #[test]
    fn a_new_item_puts_every_index_it_has_keys_for() {
        let new = invitation("INVITES#c#pending", &[("send_shard", "SEND#3")]);
        let writes = index_writes(None, Some(&new));
        let places: Vec<_> = writes
            .iter()
            .map(|w| (w.index, w.partition.as_str()))
            .collect();
        // by_send_due needs send_due_at too: no entry without it.
        assert_eq!(
            places,
            [("gsi1", "INVITES#c#pending"), ("by_invitation_id", "id1")]
        );
        assert!(writes.iter().all(|w| w.units == 1));
    }

    #[test]
    fn a_changed_key_is_a_delete_and_a_put_and_a_kept_key_writes_only_on_a_projected_change() {
        let old = invitation("INVITES#c#pending", &[("delivery", "queued")]);
        let new = invitation("INVITES#c#enrolled", &[("delivery", "sent")]);
        let writes = index_writes(Some(&old), Some(&new));
        let places: Vec<_> = writes
            .iter()
            .map(|w| (w.index, w.partition.as_str()))
            .collect();
        // gsi1 moves partitions; by_invitation_id keeps its key and projects keys only.
        assert_eq!(
            places,
            [
                ("gsi1", "INVITES#c#pending"),
                ("gsi1", "INVITES#c#enrolled")
            ]
        );
        let same_key = invitation("INVITES#c#pending", &[("delivery", "sent")]);
        let writes = index_writes(Some(&old), Some(&same_key));
        assert_eq!(writes.len(), 1, "gsi1 projects everything: {writes:?}");
        assert!(index_writes(Some(&old), Some(&old)).is_empty());
    }

    #[test]
    fn sizes_round_up_to_whole_units_and_tallies_rank_by_units() {
        assert_eq!(units(0), 1);
        assert_eq!(units(1024), 1);
        assert_eq!(units(1025), 2);
        assert_eq!(number_bytes("1765432100000"), 8);
        let mut heat = Heat::default();
        heat.add(TABLE, "CONTRACT#c", "CONTRACT#c CONTRACT", 2);
        heat.add(TABLE, "CONTRACT#c", "CONTRACT#c INVITE#a", 2);
        heat.add(TABLE, "USER#u", "USER#u USER", 1);
        let hot = heat.hottest_partitions(TABLE, 1);
        assert_eq!(hot[0].0, "CONTRACT#c");
        assert_eq!(
            hot[0].1,
            Tally {
                writes: 2,
                units: 4
            }
        );
        assert_eq!(
            heat.total(None),
            Tally {
                writes: 3,
                units: 5
            }
        );
    }
}
