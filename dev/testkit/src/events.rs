//! The table's stream and S3's notifications, as a Lambda trigger receives them.

use super::*;

// ---- the table's stream, as a Lambda stream trigger receives it ----

/// Every record of `table`'s stream so far, oldest first: each shard read from TRIM_HORIZON to
/// its end (parents are listed before their children). Returns the stream ARN and the records.
pub async fn read_stream(
    sdk: &SdkConfig,
    table: &str,
) -> Result<
    (String, Vec<aws_sdk_dynamodbstreams::types::Record>),
    Box<dyn std::error::Error + Send + Sync>,
> {
    use aws_sdk_dynamodbstreams::types::ShardIteratorType;
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    let streams = aws_sdk_dynamodbstreams::Client::new(sdk);
    let described = dynamodb.describe_table().table_name(table).send().await?;
    let arn = described
        .table()
        .and_then(|t| t.latest_stream_arn())
        .ok_or_else(|| format!("table {table} has no stream"))?
        .to_owned();
    let mut shards = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let out = streams
            .describe_stream()
            .stream_arn(&arn)
            .set_exclusive_start_shard_id(start.clone())
            .send()
            .await?;
        let Some(description) = out.stream_description() else {
            break;
        };
        shards.extend(
            description
                .shards()
                .iter()
                .filter_map(|s| s.shard_id().map(str::to_owned)),
        );
        match description.last_evaluated_shard_id() {
            Some(last) if start.as_deref() != Some(last) => start = Some(last.to_owned()),
            _ => break,
        }
    }
    let mut records = Vec::new();
    for shard in shards {
        let mut iterator = streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await?
            .shard_iterator()
            .map(str::to_owned);
        // An open shard always hands back a next iterator; an empty page means "caught up".
        while let Some(current) = iterator {
            let page = streams.get_records().shard_iterator(current).send().await?;
            if page.records().is_empty() {
                break;
            }
            records.extend(page.records().iter().cloned());
            iterator = page.next_shard_iterator().map(str::to_owned);
        }
    }
    Ok((arn, records))
}

/// Stream records as the JSON event AWS Lambda delivers for a DynamoDB stream trigger
/// (`{"Records": [...]}`), ready to deserialize into `aws_lambda_events`' DynamoDB `Event`.
pub fn lambda_stream_event(
    stream_arn: &str,
    records: &[aws_sdk_dynamodbstreams::types::Record],
) -> serde_json::Value {
    serde_json::json!({
        "Records": records
            .iter()
            .map(|r| lambda_stream_record(stream_arn, r))
            .collect::<Vec<_>>()
    })
}

/// One stream record in the Lambda event shape.
pub fn lambda_stream_record(
    stream_arn: &str,
    record: &aws_sdk_dynamodbstreams::types::Record,
) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let image = |m: Option<
        &std::collections::HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>,
    >| {
        m.map(|m| {
            Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), stream_attribute_json(v)))
                    .collect(),
            )
        })
    };
    let mut change = Map::new();
    if let Some(sr) = record.dynamodb() {
        if let Some(t) = sr.approximate_creation_date_time() {
            change.insert("ApproximateCreationDateTime".into(), json!(t.secs()));
        }
        if let Some(keys) = image(sr.keys()) {
            change.insert("Keys".into(), keys);
        }
        if let Some(new) = image(sr.new_image()) {
            change.insert("NewImage".into(), new);
        }
        if let Some(old) = image(sr.old_image()) {
            change.insert("OldImage".into(), old);
        }
        if let Some(seq) = sr.sequence_number() {
            change.insert("SequenceNumber".into(), json!(seq));
        }
        change.insert("SizeBytes".into(), json!(sr.size_bytes().unwrap_or(0)));
        if let Some(view) = sr.stream_view_type() {
            change.insert("StreamViewType".into(), json!(view.as_str()));
        }
    }
    let mut out = Map::new();
    out.insert(
        "eventID".into(),
        json!(record.event_id().unwrap_or_default()),
    );
    out.insert(
        "eventName".into(),
        json!(record.event_name().map(|n| n.as_str()).unwrap_or_default()),
    );
    out.insert(
        "eventVersion".into(),
        json!(record.event_version().unwrap_or("1.1")),
    );
    out.insert(
        "eventSource".into(),
        json!(record.event_source().unwrap_or("aws:dynamodb")),
    );
    out.insert(
        "awsRegion".into(),
        json!(record.aws_region().unwrap_or_default()),
    );
    out.insert("dynamodb".into(), Value::Object(change));
    out.insert("eventSourceARN".into(), json!(stream_arn));
    if let Some(who) = record.user_identity() {
        out.insert(
            "userIdentity".into(),
            json!({ "type": who.r#type().unwrap_or_default(), "principalId": who.principal_id().unwrap_or_default() }),
        );
    }
    Value::Object(out)
}

/// An attribute value in DynamoDB's JSON form (`{"S": "..."}`, `{"N": "1"}`, binary as base64).
pub fn stream_attribute_json(
    value: &aws_sdk_dynamodbstreams::types::AttributeValue,
) -> serde_json::Value {
    use aws_sdk_dynamodbstreams::types::AttributeValue as A;
    use base64::Engine;
    use serde_json::{json, Value};
    let b64 =
        |b: &aws_smithy_types::Blob| base64::engine::general_purpose::STANDARD.encode(b.as_ref());
    match value {
        A::S(s) => json!({ "S": s }),
        A::N(n) => json!({ "N": n }),
        A::B(b) => json!({ "B": b64(b) }),
        A::Bool(b) => json!({ "BOOL": b }),
        A::Null(b) => json!({ "NULL": b }),
        A::Ss(v) => json!({ "SS": v }),
        A::Ns(v) => json!({ "NS": v }),
        A::Bs(v) => json!({ "BS": v.iter().map(b64).collect::<Vec<_>>() }),
        A::L(v) => json!({ "L": v.iter().map(stream_attribute_json).collect::<Vec<_>>() }),
        A::M(m) => json!({
            "M": m.iter().map(|(k, v)| (k.clone(), stream_attribute_json(v))).collect::<serde_json::Map<_, _>>()
        }),
        _ => Value::Null,
    }
}

impl TestEnv {
    /// This test's table stream so far, as the JSON event a Lambda stream trigger would receive.
    pub async fn stream_event(&self) -> serde_json::Value {
        let (arn, records) = read_stream(&self.sdk, &self.table)
            .await
            .expect("read the table's stream");
        lambda_stream_event(&arn, &records)
    }
}

/// moto's S3 notification leaves out fields AWS always sends (and `aws_lambda_events` requires);
/// this fills them in, so handlers see the event as AWS delivers it.
pub fn s3_event_as_aws_sends_it(body: &str) -> serde_json::Value {
    let mut event: serde_json::Value = serde_json::from_str(body).expect("an S3 notification");
    if let Some(records) = event["Records"].as_array_mut() {
        for record in records {
            let defaults = [
                ("eventVersion", serde_json::json!("2.1")),
                ("eventSource", serde_json::json!("aws:s3")),
                ("eventTime", serde_json::json!("2026-01-01T00:00:00.000Z")),
                ("userIdentity", serde_json::json!({"principalId": "local"})),
                (
                    "requestParameters",
                    serde_json::json!({"sourceIPAddress": "127.0.0.1"}),
                ),
                (
                    "responseElements",
                    serde_json::json!({"x-amz-request-id": "local", "x-amz-id-2": "local"}),
                ),
            ];
            for (name, value) in defaults {
                if record.get(name).is_none() {
                    record[name] = value;
                }
            }
            let s3 = &mut record["s3"];
            if s3.get("s3SchemaVersion").is_none() {
                s3["s3SchemaVersion"] = serde_json::json!("1.0");
            }
            if s3["bucket"].get("ownerIdentity").is_none() {
                s3["bucket"]["ownerIdentity"] = serde_json::json!({"principalId": "local"});
            }
        }
    }
    event
}
