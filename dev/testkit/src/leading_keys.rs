//! A function's table permissions as IAM applies them, played on the wire in tests (issue 26).
//!
//! Each role in infra/template.yaml limits its table calls to the actions and item kinds its function
//! touches, by partition key (`dynamodb:LeadingKeys`, e.g. `CONTRACT#*`, `USER#*`). moto does
//! not evaluate IAM, so a test's store built with [`TestEnv::store_as`] checks every request
//! against that function's role before it is sent, and fails the test (a panic naming the
//! function, the call and the key) where AWS would answer AccessDenied. Queries of an index are
//! not checked: the roles allow them without the condition (their partition keys are not the
//! table's).
//!
//! With `LEADING_KEYS_LOG=<file>` a request outside the role is written to that file instead
//! (one `binary operation key` line each), to see what a new function needs.

use crate::TestEnv;
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use invitations_core::adapters::DynamoStore;
use serde_json::Value;
use serde_yaml_ng::Value as Yaml;

/// What `binary`'s role allows on the table (not its indexes): each statement's actions and
/// the partition key patterns its `dynamodb:LeadingKeys` condition names.
#[derive(Debug, Clone)]
pub struct LeadingKeys {
    binary: String,
    statements: Vec<(Vec<String>, Vec<String>)>,
}

impl LeadingKeys {
    /// The role of the function that builds `binary`, as infra/template.yaml writes it.
    pub fn of(binary: &str) -> Self {
        let path = crate::repo_root().join("infra/template.yaml");
        let text = std::fs::read_to_string(&path).expect("infra/template.yaml");
        let doc: Yaml = serde_yaml_ng::from_str(&text).expect("YAML");
        let resources = doc["Resources"].as_mapping().expect("Resources");
        let function = resources
            .values()
            .find(|r| r["Metadata"]["BuildProperties"]["Binary"].as_str() == Some(binary))
            .unwrap_or_else(|| panic!("no function resource builds {binary}"));
        let role = match &function["Properties"]["Role"] {
            Yaml::Tagged(t) => t.value.as_str().expect("!GetAtt Role.Arn").to_owned(),
            other => panic!("{binary}: Role {other:?}"),
        };
        let role = role.trim_end_matches(".Arn");
        let mut statements = Vec::new();
        for policy in resources[role]["Properties"]["Policies"]
            .as_sequence()
            .expect("policies")
        {
            for statement in policy["PolicyDocument"]["Statement"]
                .as_sequence()
                .expect("statements")
            {
                let on_table = matches!(&statement["Resource"],
                    Yaml::Tagged(t) if t.value.as_str() == Some("Table.Arn"));
                if !on_table {
                    continue;
                }
                let actions = match &statement["Action"] {
                    Yaml::String(a) => vec![a.clone()],
                    Yaml::Sequence(list) => list
                        .iter()
                        .map(|a| a.as_str().expect("an action").to_owned())
                        .collect(),
                    other => panic!("{role}: Action {other:?}"),
                };
                // A Scan has no partition key to condition on (only the privacy function's
                // role has one, tests/tests/template/roles.rs): it stands for every key, `*`.
                if actions == ["dynamodb:Scan"] {
                    statements.push((actions, vec!["*".to_owned()]));
                    continue;
                }
                let keys = statement["Condition"]["ForAllValues:StringLike"]
                    ["dynamodb:LeadingKeys"]
                    .as_sequence()
                    .unwrap_or_else(|| {
                        panic!("{role}: a table statement without a dynamodb:LeadingKeys condition")
                    })
                    .iter()
                    .map(|k| k.as_str().expect("a pattern").to_owned())
                    .collect();
                statements.push((actions, keys));
            }
        }
        assert!(!statements.is_empty(), "{role}: no statement on the table");
        Self {
            binary: binary.to_owned(),
            statements,
        }
    }

    /// Whether a statement allows `action` (e.g. `dynamodb:PutItem`) on partition `key`.
    pub fn allows(&self, action: &str, key: &str) -> bool {
        self.statements.iter().any(|(actions, keys)| {
            actions.iter().any(|a| a == action) && keys.iter().any(|p| like(p, key))
        })
    }
}

/// IAM's `StringLike`: `*` any run of characters, `?` one.
fn like(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The IAM action and table partition key of each item a request touches (none for a
/// query of an index). A transaction is authorised item by item, each as its own action.
pub fn partition_keys(operation: &str, body: &Value) -> Vec<(String, String)> {
    let pk = |key: &Value| key["pk"]["S"].as_str().map(str::to_owned);
    let each = |action: &str, keys: Vec<String>| -> Vec<(String, String)> {
        keys.into_iter()
            .map(|k| (format!("dynamodb:{action}"), k))
            .collect()
    };
    match operation {
        "GetItem" | "DeleteItem" | "UpdateItem" => {
            each(operation, pk(&body["Key"]).into_iter().collect())
        }
        "PutItem" => each(operation, pk(&body["Item"]).into_iter().collect()),
        // The whole table: allowed only by a Scan statement (`*`).
        "Scan" => each(operation, vec!["*".to_owned()]),
        "Query" if body.get("IndexName").is_none() => {
            each(operation, query_key(body).into_iter().collect())
        }
        "TransactWriteItems" | "TransactGetItems" => body["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let (kind, inner) = item.as_object()?.iter().next()?;
                let action = match kind.as_str() {
                    "Put" => "PutItem",
                    "Update" => "UpdateItem",
                    "Delete" => "DeleteItem",
                    "ConditionCheck" => "ConditionCheckItem",
                    _ => "GetItem",
                };
                let key = pk(inner.get("Key").or(inner.get("Item"))?)?;
                Some((format!("dynamodb:{action}"), key))
            })
            .collect(),
        "BatchGetItem" => each(
            operation,
            body["RequestItems"]
                .as_object()
                .into_iter()
                .flat_map(|tables| tables.values())
                .flat_map(|t| t["Keys"].as_array().into_iter().flatten())
                .filter_map(pk)
                .collect(),
        ),
        "BatchWriteItem" => each(
            operation,
            body["RequestItems"]
                .as_object()
                .into_iter()
                .flat_map(|tables| tables.values())
                .flat_map(|t| t.as_array().into_iter().flatten())
                .filter_map(|w| {
                    pk(&w["PutRequest"]["Item"]).or_else(|| pk(&w["DeleteRequest"]["Key"]))
                })
                .collect(),
        ),
        _ => Vec::new(),
    }
}

/// The `pk` value of a table query's key condition (`pk = :v` or `#n = :v`).
fn query_key(body: &Value) -> Option<String> {
    let condition = body["KeyConditionExpression"].as_str()?;
    let first = condition.split(" AND ").next()?.trim();
    let (name, value) = first.split_once('=')?;
    let name = name.trim();
    let name = if name.starts_with('#') {
        body["ExpressionAttributeNames"][name].as_str()?
    } else {
        name
    };
    (name == "pk")
        .then(|| body["ExpressionAttributeValues"][value.trim()]["S"].as_str())
        .flatten()
        .map(str::to_owned)
}

impl Intercept for LeadingKeys {
    fn name(&self) -> &'static str {
        "LeadingKeys"
    }
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let request = context.request();
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or("unknown")
            .to_owned();
        let body: Value = request
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        for (action, key) in partition_keys(&operation, &body) {
            if self.allows(&action, &key) {
                continue;
            }
            let line = format!("{} {action} {key}", self.binary);
            match std::env::var("LEADING_KEYS_LOG") {
                Ok(path) => {
                    use std::io::Write;
                    let mut file = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)
                        .expect("LEADING_KEYS_LOG");
                    writeln!(file, "{line}").expect("write");
                }
                Err(_) => panic!(
                    "AccessDenied: {} needs {action} on {key} (in {operation}), which its role \
                     does not allow: {:?} (actions, dynamodb:LeadingKeys; infra/template.yaml)",
                    self.binary, self.statements
                ),
            }
        }
        Ok(())
    }
}

impl TestEnv {
    /// A store on this test's table with `binary`'s table permissions (its role's
    /// `dynamodb:LeadingKeys`) enforced: build a function's `App` with it.
    pub fn store_as(&self, binary: &str) -> DynamoStore {
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&self.sdk)
                .interceptor(LeadingKeys::of(binary))
                .build(),
        );
        DynamoStore::new(client, &self.table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_like_matches_as_iam_does() {
        assert!(like("CONTRACT#*", "CONTRACT#c1"));
        assert!(like("CONTRACT#*", "CONTRACT#"));
        assert!(!like("CONTRACT#*", "BLOCK#x"));
        assert!(!like("USER#*", "USEREMAIL#x"));
        assert!(like("USER?MAIL#*", "USEREMAIL#x"));
        assert!(like("*", "anything"));
    }

    #[test]
    fn enrol_may_not_write_blocks_nor_admin_read_write_anything() {
        let enrol = LeadingKeys::of("enrol");
        assert!(enrol.allows("dynamodb:PutItem", "CONTRACT#c"));
        assert!(enrol.allows("dynamodb:UpdateItem", "USEREMAIL#e"));
        assert!(!enrol.allows("dynamodb:PutItem", "BLOCK#e"));
        assert!(!enrol.allows("dynamodb:DeleteItem", "CONTRACT#c"));
        let read = LeadingKeys::of("admin-read");
        assert!(read.allows("dynamodb:BatchGetItem", "BLOCK#e"));
        assert!(!read.allows("dynamodb:PutItem", "CONTRACT#c"));
    }

    #[test]
    fn the_keys_of_each_kind_of_request_are_found() {
        let s = |v: &str| json!({"S": v});
        assert_eq!(
            partition_keys(
                "PutItem",
                &json!({"Item": {"pk": s("BLOCK#a"), "sk": s("BLOCK")}})
            ),
            [("dynamodb:PutItem".to_owned(), "BLOCK#a".to_owned())]
        );
        assert_eq!(
            partition_keys(
                "TransactWriteItems",
                &json!({"TransactItems": [
                    {"Put": {"Item": {"pk": s("CONTRACT#c")}}},
                    {"Update": {"Key": {"pk": s("USER#u")}}},
                    {"ConditionCheck": {"Key": {"pk": s("USEREMAIL#e")}}}
                ]})
            ),
            [
                ("dynamodb:PutItem".to_owned(), "CONTRACT#c".to_owned()),
                ("dynamodb:UpdateItem".to_owned(), "USER#u".to_owned()),
                (
                    "dynamodb:ConditionCheckItem".to_owned(),
                    "USEREMAIL#e".to_owned()
                )
            ]
        );
        assert_eq!(
            partition_keys(
                "Query",
                &json!({"KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
                        "ExpressionAttributeValues": {":pk": s("CONTRACT#c"), ":p": s("INVITE#")}})
            ),
            [("dynamodb:Query".to_owned(), "CONTRACT#c".to_owned())]
        );
        assert!(partition_keys(
            "Query",
            &json!({"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :p",
                    "ExpressionAttributeValues": {":p": s("USERS")}})
        )
        .is_empty());
    }
}
