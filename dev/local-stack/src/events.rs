//! The event files kept for `cargo lambda invoke` (functions/*/events/), made ready for one
//! running local stack. What differs from run to run (the people's subs, which the user pool
//! makes; invitation ids; link tokens, signed with a key made at start-up; SES message ids) is
//! written in the files as placeholders, and [`EventTarget::mint`] fills them in from the
//! stack's emulators:
//!
//! | Placeholder | Becomes |
//! |---|---|
//! | `{{sub:EMAIL}}` | the user pool's sub of the person signed in as EMAIL |
//! | `{{invitation:CONTRACT:EMAIL}}` | the id of EMAIL's invitation to CONTRACT |
//! | `{{link:CONTRACT:EMAIL}}` | the token of that invitation's current link |
//! | `{{message:CONTRACT:EMAIL}}` | SES's message id of that invitation's last mail |
//! | `"{{stream-image:CONTRACT:EMAIL}}"` | that invitation's item as a stream record's image |
//! | `{{join-code:LINK}}` | the code of join link LINK at its generation now |
//! | `{{join-proof:EMAIL}}` | the proof mailed for EMAIL's newest request to join |
//! | `{{import:CONTRACT}}` | the id of CONTRACT's newest import |
//! | `{{privacy-request}}` | the id of the newest privacy request |
//! | `{{etag:KEY}}` | the ETag of the object at KEY in the imports bucket (S3 events carry it; the import reads that version only) |
//! | `{{bucket}}`, `{{table}}` | the stack's imports bucket and table |
//!
//! `mint-event` (src/bin/mint-event.rs) is the command line for it, and
//! tests/tests/cargo_lambda/ mints the same files for a stack of its own.

use crate::provision::{BoxError, Names};
use aws_sdk_dynamodb::types::AttributeValue;
use invitations_core::adapters::dynamo::items::{invitation_pk, invite_sk};
use invitations_core::adapters::DynamoStore;
use invitations_core::domain::{
    ContractId, EmailAddress, InvitationId, JoinLinkId, JoinProofId, LinkKey,
};
use invitations_core::ports::{ImportStore, PrivacyStore};
use serde_json::{json, Value};
use std::collections::HashMap;
use testkit::{sdk_config, Emulators};

/// One running local stack, as the event files see it.
pub struct EventTarget {
    pub names: Names,
    pub user_pool_id: String,
    dynamodb: aws_sdk_dynamodb::Client,
    cognito: aws_sdk_cognitoidentityprovider::Client,
    s3: aws_sdk_s3::Client,
    link_key: LinkKey,
}

impl EventTarget {
    /// Finds the stack whose resources are `names` on the emulator at `aws_endpoint`: its user
    /// pool (by name) and its link key (in Secrets Manager). Fails when the stack is not there.
    pub async fn find(aws_endpoint: &str, names: Names) -> Result<Self, BoxError> {
        let sdk = sdk_config(aws_endpoint);
        let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
        let user_pool_id = find_user_pool(&cognito, &names.user_pool).await?;
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
        let link_key =
            invitations_core::adapters::secrets::link_key(&secrets, &names.link_key_secret)
                .await
                .map_err(|e| format!("the link key {}: {e}", names.link_key_secret))?;
        Ok(Self {
            names,
            user_pool_id,
            dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
            cognito,
            // moto serves every bucket on one host: path-style addresses.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(&sdk)
                    .force_path_style(true)
                    .build(),
            ),
            link_key,
        })
    }

    /// The functions' environment for `cargo lambda watch --env-file`: `base` (infra/local.env,
    /// written for the default ports and names) with this stack's emulators, names and pool.
    pub fn env_file(&self, base: &str, emulators: &Emulators, site_url: &str) -> String {
        let own = [
            ("AWS_ENDPOINT_URL", emulators.aws.as_str()),
            ("AWS_ENDPOINT_URL_SESV2", emulators.ses.as_str()),
            ("TABLE_NAME", self.names.table.as_str()),
            ("IMPORTS_BUCKET", self.names.bucket.as_str()),
            ("LINK_SIGNING_SECRET", self.names.link_key_secret.as_str()),
            ("USER_POOL_ID", self.user_pool_id.as_str()),
            ("SITE_URL", site_url),
        ];
        let mut out: String = base
            .lines()
            .filter(|line| {
                let name = line.split('=').next().unwrap_or_default().trim();
                !own.iter().any(|(own, _)| *own == name)
            })
            .map(|line| format!("{line}\n"))
            .collect();
        for (name, value) in own {
            out.push_str(&format!("{name}={value}\n"));
        }
        out
    }

    /// `template` (an event file's text) with every placeholder filled in.
    pub async fn mint(&self, template: &str) -> Result<String, BoxError> {
        let mut found = Vec::new();
        substitute(template, |p| {
            found.push(p.to_owned());
            Ok(Filled::Text(String::new()))
        })?;
        let mut filled = HashMap::new();
        for placeholder in found {
            let value = self.fill(&placeholder).await?;
            filled.insert(placeholder, value);
        }
        substitute(template, |p| Ok(filled[p].clone()))
    }

    async fn fill(&self, placeholder: &str) -> Result<Filled, BoxError> {
        let parts: Vec<&str> = placeholder.split(':').collect();
        Ok(match parts.as_slice() {
            ["table"] => Filled::Text(self.names.table.clone()),
            ["bucket"] => Filled::Text(self.names.bucket.clone()),
            ["sub", email] => Filled::Text(self.sub(email).await?),
            ["invitation", contract, email] => Filled::Text(text(
                &self.invitation(contract, email).await?,
                "invitation_id",
            )?),
            ["link", contract, email] => {
                let item = self.invitation(contract, email).await?;
                let id = InvitationId::parse(&text(&item, "invitation_id")?)?;
                let version: u32 = number(&item, "token_version")?;
                Filled::Text(
                    self.link_key
                        .sign(&id, version)
                        .ok_or("cannot sign a link")?,
                )
            }
            ["join-code", link] => {
                let id = JoinLinkId::parse(link)?;
                let item = self.item(&format!("JOINLINK#{id}"), "LINK").await?;
                let generation: u32 = number(&item, "generation")?;
                Filled::Text(
                    self.link_key
                        .sign_join(&id, generation)
                        .ok_or("cannot sign a join code")?,
                )
            }
            ["join-proof", email] => Filled::Text(self.join_proof(email).await?),
            ["message", contract, email] => {
                let item = self.invitation(contract, email).await?;
                Filled::Text(text(&item, "message_id").map_err(|_| {
                    format!("{email}'s invitation to {contract} has not been mailed yet")
                })?)
            }
            ["stream-image", contract, email] => {
                let item = self.invitation(contract, email).await?;
                Filled::Json(Value::Object(
                    item.iter()
                        .map(|(k, v)| (k.clone(), stream_json(v)))
                        .collect(),
                ))
            }
            ["import", contract] => {
                let store = DynamoStore::new(self.dynamodb.clone(), &self.names.table);
                let imports = store.list_imports(&ContractId::parse(contract)?).await?;
                let newest = imports
                    .iter()
                    .max_by_key(|i| i.created_at)
                    .ok_or_else(|| format!("{contract} has no import yet"))?;
                Filled::Text(newest.id.to_string())
            }
            ["privacy-request"] => {
                let store = DynamoStore::new(self.dynamodb.clone(), &self.names.table);
                let newest = store.privacy_requests(1).await?;
                let newest = newest.first().ok_or("no privacy request yet")?;
                Filled::Text(newest.id.clone())
            }
            ["etag", key] => {
                let head = self
                    .s3
                    .head_object()
                    .bucket(&self.names.bucket)
                    .key(*key)
                    .send()
                    .await
                    .map_err(|e| {
                        format!("{key} in the imports bucket: {}", e.into_service_error())
                    })?;
                Filled::Text(
                    head.e_tag()
                        .ok_or_else(|| format!("{key} has no ETag"))?
                        .trim_matches('"')
                        .to_owned(),
                )
            }
            _ => return Err(format!("unknown placeholder {{{{{placeholder}}}}}").into()),
        })
    }

    async fn sub(&self, email: &str) -> Result<String, BoxError> {
        let user = self
            .cognito
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(email)
            .send()
            .await
            .map_err(|e| format!("{email} in the user pool: {}", e.into_service_error()))?;
        user.user_attributes()
            .iter()
            .find(|a| a.name() == "sub")
            .and_then(|a| a.value())
            .map(str::to_owned)
            .ok_or_else(|| format!("the user pool gave {email} no sub").into())
    }

    /// The invitation's item as the table holds it.
    async fn invitation(
        &self,
        contract: &str,
        email: &str,
    ) -> Result<HashMap<String, AttributeValue>, BoxError> {
        let identity = EmailAddress::parse(email)?.identity().to_owned();
        let pk = invitation_pk(&ContractId::parse(contract)?, &identity);
        self.item(&pk, &invite_sk(&identity))
            .await
            .map_err(|_| format!("{contract} has no invitation for {email}").into())
    }

    /// The item at `pk`, `sk`, read consistently.
    async fn item(&self, pk: &str, sk: &str) -> Result<HashMap<String, AttributeValue>, BoxError> {
        let item = self
            .dynamodb
            .get_item()
            .table_name(&self.names.table)
            .key("pk", AttributeValue::S(pk.to_owned()))
            .key("sk", AttributeValue::S(sk.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| format!("reading {pk} {sk}: {}", e.into_service_error()))?;
        item.item
            .ok_or_else(|| format!("the table has no item {pk} {sk}").into())
    }

    /// The proof of EMAIL's newest join request, signed as its mail's link carries it.
    async fn join_proof(&self, email: &str) -> Result<String, BoxError> {
        let items = self
            .dynamodb
            .scan()
            .table_name(&self.names.table)
            .filter_expression("#type = :type AND email = :email")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":type", AttributeValue::S("join_proof".into()))
            .expression_attribute_values(":email", AttributeValue::S(email.into()))
            .send()
            .await
            .map_err(|e| {
                format!(
                    "looking for {email}'s join proof: {}",
                    e.into_service_error()
                )
            })?
            .items
            .unwrap_or_default();
        let newest = items
            .iter()
            .max_by_key(|item| number::<i64>(item, "requested_at").unwrap_or(0))
            .ok_or_else(|| format!("nobody asked to join with {email}"))?;
        let id = text(newest, "pk")?;
        let id = JoinProofId::parse(id.trim_start_matches("JOINPROOF#"))?;
        Ok(self
            .link_key
            .sign_join_proof(&id)
            .ok_or("cannot sign a join proof")?)
    }
}

/// What a placeholder stands for: text within its string, or a JSON value instead of it.
#[derive(Debug, Clone)]
pub enum Filled {
    Text(String),
    Json(Value),
}

/// `template` with each placeholder replaced by what `fill` gives for it.
pub fn substitute(
    template: &str,
    mut fill: impl FnMut(&str) -> Result<Filled, BoxError>,
) -> Result<String, BoxError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..]
            .find("}}")
            .map(|e| start + e)
            .ok_or_else(|| format!("an unclosed {{{{ in: {}", &rest[start..]))?;
        let placeholder = &rest[start + 2..end];
        match fill(placeholder)? {
            Filled::Text(text) => {
                out.push_str(&rest[..start]);
                out.push_str(&text);
                rest = &rest[end + 2..];
            }
            // A JSON value takes the place of the whole string the placeholder is.
            Filled::Json(value) => {
                let (before, after) = (&rest[..start], &rest[end + 2..]);
                let (Some(before), Some(after)) =
                    (before.strip_suffix('"'), after.strip_prefix('"'))
                else {
                    return Err(format!("{{{{{placeholder}}}}} must be a whole string").into());
                };
                out.push_str(before);
                out.push_str(&value.to_string());
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// A value of the right shape for `placeholder`, for checking an event file without a stack
/// (tests/tests/events.rs); an unknown placeholder is an error.
pub fn sample(placeholder: &str) -> Result<Filled, BoxError> {
    let parts: Vec<&str> = placeholder.split(':').collect();
    let hex = "0123456789abcdef0123456789abcdef".to_owned();
    Ok(match parts.as_slice() {
        ["table"] => Filled::Text("local-invitations".into()),
        ["bucket"] => Filled::Text("local-imports".into()),
        ["sub", email] => {
            EmailAddress::parse(email)?;
            Filled::Text("4f6b2c1e-8d3a-4b5c-9e7f-0a1b2c3d4e5f".into())
        }
        ["invitation", contract, email]
        | ["link", contract, email]
        | ["message", contract, email] => {
            ContractId::parse(contract)?;
            EmailAddress::parse(email)?;
            Filled::Text(hex)
        }
        ["join-code", link] => {
            JoinLinkId::parse(link)?;
            Filled::Text("DzwqnltH1J-KbDsi0eD5qLAAAAAB6Z3Bd9kZkXa7pmLr1Q".into())
        }
        ["join-proof", email] => {
            EmailAddress::parse(email)?;
            Filled::Text("m2hV3Bq1TnSLaJ8Kk0yXhwAAAAAbUfYq0vWbH6T3aRk_pQ".into())
        }
        ["stream-image", contract, email] => {
            ContractId::parse(contract)?;
            EmailAddress::parse(email)?;
            Filled::Json(json!({}))
        }
        ["import", contract] => {
            ContractId::parse(contract)?;
            Filled::Text(hex)
        }
        ["etag", key] if key.starts_with("imports/") => Filled::Text(hex),
        ["privacy-request"] => Filled::Text("20270301T090000-5d1c0bd3a0e5".into()),
        _ => return Err(format!("unknown placeholder {{{{{placeholder}}}}}").into()),
    })
}

async fn find_user_pool(
    cognito: &aws_sdk_cognitoidentityprovider::Client,
    name: &str,
) -> Result<String, BoxError> {
    let mut next = None;
    loop {
        let page = cognito
            .list_user_pools()
            .max_results(60)
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| format!("listing user pools: {}", e.into_service_error()))?;
        if let Some(id) = page
            .user_pools()
            .iter()
            .find(|p| p.name() == Some(name))
            .and_then(|p| p.id())
        {
            return Ok(id.to_owned());
        }
        next = page.next_token().map(str::to_owned);
        if next.is_none() {
            return Err(format!(
                "no user pool {name} on the emulator: is scripts/local-stack.sh running?"
            )
            .into());
        }
    }
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Result<String, BoxError> {
    match item.get(name) {
        Some(AttributeValue::S(s)) => Ok(s.clone()),
        _ => Err(format!("the item has no {name}").into()),
    }
}

fn number<T: std::str::FromStr>(
    item: &HashMap<String, AttributeValue>,
    name: &str,
) -> Result<T, BoxError> {
    match item.get(name) {
        Some(AttributeValue::N(n)) => n.parse().map_err(|_| format!("{name} {n}").into()),
        _ => Err(format!("the item has no {name}").into()),
    }
}

/// An attribute in the JSON form a stream record carries (`{"S": "..."}`, `{"N": "1"}`, ...).
fn stream_json(value: &AttributeValue) -> Value {
    use base64::Engine;
    let b64 = |b: &aws_sdk_dynamodb::primitives::Blob| {
        base64::engine::general_purpose::STANDARD.encode(b.as_ref())
    };
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": b64(b) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(b) => json!({ "NULL": b }),
        AttributeValue::Ss(v) => json!({ "SS": v }),
        AttributeValue::Ns(v) => json!({ "NS": v }),
        AttributeValue::Bs(v) => json!({ "BS": v.iter().map(b64).collect::<Vec<_>>() }),
        AttributeValue::L(v) => json!({ "L": v.iter().map(stream_json).collect::<Vec<_>>() }),
        AttributeValue::M(m) => json!({
            "M": m.iter().map(|(k, v)| (k.clone(), stream_json(v))).collect::<serde_json::Map<_, _>>()
        }),
        _ => Value::Null,
    }
}
