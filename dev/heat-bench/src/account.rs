//! A step's writes: the probe's log of write requests (the table's items, transactional or
//! not) and the stream's changes (the indexes' writes, every item's size), put together.

use crate::heat::{index_writes, item_size, table_item, units, Heat, TABLE};
use crate::model::{Rate, Stage};
use crate::probe::{Log, WriteKind};
use crate::stream::{change, Cursor};
use aws_sdk_dynamodbstreams::types::Record;
use std::collections::{BTreeMap, HashMap};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// What one step did, counted.
pub struct Step {
    pub name: String,
    /// The rate this step is judged at, in words ("1,000,000 rows in 15 minutes").
    pub target: String,
    pub rate: Rate,
    /// What ran, in words, with its scale when it is not the asked count.
    pub ran: String,
    pub heat: Heat,
    pub requests: BTreeMap<String, u64>,
    pub stages: Vec<Stage>,
    pub seconds: f64,
}

/// Accumulates a step's writes.
#[derive(Default)]
pub struct Account {
    pub heat: Heat,
    /// `pk sk` -> the largest image of the item the stream showed in this step.
    sizes: HashMap<String, usize>,
}

impl Account {
    /// Reads the stream from where `cursor` is to its end: every change's index writes, and
    /// the items' sizes for their table writes. `each` sees every record.
    pub async fn read_stream(
        &mut self,
        cursor: &mut Cursor,
        mut each: impl FnMut(&Record),
    ) -> Result<(), Error> {
        loop {
            let page = cursor.page().await?;
            if page.is_empty() {
                return Ok(());
            }
            for record in &page {
                each(record);
                let c = change(record);
                for w in index_writes(c.old.as_ref(), c.new.as_ref()) {
                    self.heat.add(w.index, &w.partition, &w.item, w.units);
                }
                for image in c.old.iter().chain(c.new.iter()) {
                    let size = self.sizes.entry(table_item(image)).or_default();
                    *size = (*size).max(item_size(image));
                }
            }
        }
    }

    /// The table's writes the probe logged: one per item a request names, whether it changed
    /// the item or not (a failed condition consumes units too), in units of the item's size
    /// (its largest image in the step, else a put's own size, else one unit), twice for an
    /// item of a transaction. A ConditionCheck is counted as a transactional write of its item.
    pub fn table_writes(&mut self, log: &Log) {
        for w in &log.writes {
            let item = format!("{} {}", w.pk, w.sk);
            let bytes = self.sizes.get(&item).copied().or(w.put_bytes).unwrap_or(1);
            let factor = if w.transactional || w.kind == WriteKind::ConditionCheck {
                2
            } else {
                1
            };
            self.heat.add(TABLE, &w.pk, &item, units(bytes) * factor);
        }
    }
}
