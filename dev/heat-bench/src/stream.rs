//! The table's DynamoDB stream read from moto, page by page, from where the last read stopped:
//! the old and new image of every change, for the index writes and item sizes.

use crate::heat::{number_bytes, Attr, Image};
use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use std::collections::HashMap;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// A reader of the table's stream that remembers where it is.
pub struct Cursor {
    client: aws_sdk_dynamodbstreams::Client,
    pub arn: String,
    /// One iterator per shard (moto keeps one shard per table), `None` once a shard closed.
    iterators: Vec<Option<String>>,
    /// Records read so far.
    pub read: u64,
}

impl Cursor {
    /// A cursor at the start of `table`'s stream.
    pub async fn open(sdk: &aws_config::SdkConfig, table: &str) -> Result<Self, Error> {
        let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
        let client = aws_sdk_dynamodbstreams::Client::new(sdk);
        let described = dynamodb.describe_table().table_name(table).send().await?;
        let arn = described
            .table()
            .and_then(|t| t.latest_stream_arn())
            .ok_or("the table has no stream")?
            .to_owned();
        let stream = client.describe_stream().stream_arn(&arn).send().await?;
        let shards: Vec<String> = stream
            .stream_description()
            .map(|d| d.shards().iter().filter_map(|s| s.shard_id()))
            .into_iter()
            .flatten()
            .map(str::to_owned)
            .collect();
        let mut iterators = Vec::new();
        for shard in shards {
            let out = client
                .get_shard_iterator()
                .stream_arn(&arn)
                .shard_id(shard)
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await?;
            iterators.push(out.shard_iterator().map(str::to_owned));
        }
        Ok(Self {
            client,
            arn,
            iterators,
            read: 0,
        })
    }

    /// The next records (up to 1,000), or none when the cursor has caught up with the table.
    pub async fn page(&mut self) -> Result<Vec<Record>, Error> {
        for slot in &mut self.iterators {
            let Some(current) = slot.clone() else {
                continue;
            };
            let page = self
                .client
                .get_records()
                .shard_iterator(current)
                .send()
                .await?;
            *slot = page.next_shard_iterator().map(str::to_owned);
            if !page.records().is_empty() {
                self.read += page.records().len() as u64;
                return Ok(page.records().to_vec());
            }
        }
        Ok(Vec::new())
    }
}

/// One change of an item: its images before and after.
pub struct Change {
    pub old: Option<Image>,
    pub new: Option<Image>,
}

pub fn change(record: &Record) -> Change {
    let stream = record.dynamodb();
    Change {
        old: stream.and_then(|s| s.old_image()).map(image),
        new: stream.and_then(|s| s.new_image()).map(image),
    }
}

/// A string attribute of the record's new image.
pub fn new_text<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
    match record.dynamodb()?.new_image()?.get(name)? {
        AttributeValue::S(s) | AttributeValue::N(s) => Some(s.as_str()),
        _ => None,
    }
}

fn image(item: &HashMap<String, AttributeValue>) -> Image {
    item.iter()
        .map(|(name, value)| (name.clone(), attr(value)))
        .collect()
}

fn attr(value: &AttributeValue) -> Attr {
    let (text, bytes) = match value {
        AttributeValue::S(s) => (Some(s.clone()), s.len()),
        AttributeValue::N(n) => (Some(n.clone()), number_bytes(n)),
        AttributeValue::B(b) => (None, b.as_ref().len()),
        AttributeValue::Ss(v) => (None, v.iter().map(String::len).sum()),
        AttributeValue::Ns(v) => (None, v.iter().map(|n| number_bytes(n)).sum()),
        AttributeValue::L(v) => (None, 3 + v.iter().map(|e| attr(e).bytes + 1).sum::<usize>()),
        AttributeValue::M(m) => (None, 3 + crate::heat::item_size(&image(m)) + m.len()),
        _ => (None, 1),
    };
    Attr { text, bytes }
}
