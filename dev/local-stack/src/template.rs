//! infra/template.yaml as data: the local gateway serves exactly the HTTP API routes the
//! template declares, and tests/tests/template/ checks the template against the code.
//!
//! The template is read with serde_yaml_ng and turned into CloudFormation's long form as JSON
//! (`!Ref X` -> `{"Ref": "X"}`, `!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` ->
//! `{"Fn::Sub": s}`, ...), with `Globals.Function` merged into every function the way SAM
//! merges it (maps key by key, the function's own value winning).

use serde_json::{json, Map, Value};
use serde_yaml_ng::Value as Yaml;

/// A YAML value in CloudFormation's long form, as JSON.
pub fn long_form(value: Yaml) -> Value {
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => serde_json::to_value(&n).expect("number"),
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(items.into_iter().map(long_form).collect()),
        Yaml::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) => s,
                        other => serde_yaml_ng::to_string(&other)
                            .expect("key")
                            .trim()
                            .to_owned(),
                    };
                    (key, long_form(v))
                })
                .collect(),
        ),
        Yaml::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let name = tag.trim_start_matches('!');
            let inner = long_form(tagged.value);
            match (name, inner) {
                ("Ref", inner) => json!({ "Ref": inner }),
                ("GetAtt", Value::String(s)) => {
                    let (resource, attribute) = s.split_once('.').expect("!GetAtt Resource.Attr");
                    json!({ "Fn::GetAtt": [resource, attribute] })
                }
                (other, inner) => json!({ format!("Fn::{other}"): inner }),
            }
        }
    }
}

/// SAM's Globals rule: maps merge key by key (the resource's value wins), anything else is
/// replaced by the resource's value.
pub fn merge(global: &Value, local: &Value) -> Value {
    match (global, local) {
        (Value::Object(g), Value::Object(l))
            if !g
                .keys()
                .chain(l.keys())
                .any(|k| k == "Ref" || k.starts_with("Fn::")) =>
        {
            let mut out = g.clone();
            for (k, v) in l {
                let merged = match g.get(k) {
                    Some(gv) => merge(gv, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        _ => local.clone(),
    }
}

pub struct Template {
    pub doc: Value,
}

/// One `AWS::Serverless::Function`, with the Globals merged into its properties.
pub struct Function {
    pub logical_id: String,
    pub binary: String,
    pub properties: Value,
    pub metadata: Value,
}

impl Template {
    pub fn load() -> Self {
        let path = testkit::repo_root().join("infra/template.yaml");
        let text = std::fs::read_to_string(&path).expect("infra/template.yaml");
        let yaml: Yaml = serde_yaml_ng::from_str(&text).expect("infra/template.yaml is YAML");
        Self {
            doc: long_form(yaml),
        }
    }

    pub fn resources(&self) -> &Map<String, Value> {
        self.doc["Resources"].as_object().expect("Resources")
    }

    pub fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.resources()
            .iter()
            .filter(move |(_, r)| r["Type"] == kind)
    }

    pub fn functions(&self) -> Vec<Function> {
        let globals = &self.doc["Globals"]["Function"];
        self.of_type("AWS::Serverless::Function")
            .map(|(id, resource)| {
                let binary = resource["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{id}: Metadata.BuildProperties.Binary"))
                    .to_owned();
                Function {
                    logical_id: id.clone(),
                    binary,
                    properties: merge(globals, &resource["Properties"]),
                    metadata: resource["Metadata"].clone(),
                }
            })
            .collect()
    }
}

/// One route of the HTTP API, as the template declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRoute {
    pub method: String,
    /// With `{name}` placeholders, e.g. `/contracts/{id}/invitations`.
    pub path: String,
    /// The function binary that serves it.
    pub binary: String,
    /// False when the route opts out of the JWT authorizer (`Auth.Authorizer: NONE`).
    pub needs_jwt: bool,
}

impl ApiRoute {
    /// The path parameters when `path` (without query) matches this route.
    pub fn matches(&self, method: &str, path: &str) -> Option<Vec<(String, String)>> {
        if !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        // API Gateway does not match an empty segment to a path parameter.
        invitations_core::http::path_segments(&self.path, path)?
            .into_iter()
            .map(|(name, value)| (!value.is_empty()).then(|| (name.to_owned(), value.to_owned())))
            .collect()
    }
}

impl Template {
    /// Every `HttpApi` event of every function. The API's default authorizer applies unless
    /// the event sets `Auth.Authorizer: NONE`.
    pub fn api_routes(&self) -> Vec<ApiRoute> {
        let mut routes = Vec::new();
        for f in self.functions() {
            let Some(events) = f.properties["Events"].as_object() else {
                continue;
            };
            for event in events.values().filter(|e| e["Type"] == "HttpApi") {
                let p = &event["Properties"];
                routes.push(ApiRoute {
                    method: p["Method"].as_str().unwrap_or("ANY").to_uppercase(),
                    path: p["Path"].as_str().unwrap_or("/").to_owned(),
                    binary: f.binary.clone(),
                    needs_jwt: p["Auth"]["Authorizer"] != "NONE",
                });
            }
        }
        routes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(path: &str) -> ApiRoute {
        ApiRoute {
            method: "POST".into(),
            path: path.into(),
            binary: "revoke".into(),
            needs_jwt: true,
        }
    }

    #[test]
    fn a_route_matches_its_own_shape_only() {
        let r = route("/contracts/{id}/invitations/{invitationId}/revoke");
        assert_eq!(
            r.matches("post", "/contracts/C1/invitations/I9/revoke"),
            Some(vec![
                ("id".into(), "C1".into()),
                ("invitationId".into(), "I9".into())
            ])
        );
        assert_eq!(
            r.matches("GET", "/contracts/C1/invitations/I9/revoke"),
            None
        );
        assert_eq!(r.matches("POST", "/contracts/C1/invitations/I9"), None);
        assert_eq!(r.matches("POST", "/contracts//invitations/I9/revoke"), None);
    }

    #[test]
    fn the_repository_template_declares_admin_and_student_routes() {
        let routes = Template::load().api_routes();
        let revoke = routes
            .iter()
            .find(|r| r.path.ends_with("/revoke"))
            .expect("a revoke route");
        assert!(revoke.needs_jwt);
        assert_eq!(revoke.binary, "revoke");
        let enrol = routes.iter().find(|r| r.path == "/enrol").expect("/enrol");
        assert!(!enrol.needs_jwt);
        assert_eq!(enrol.binary, "enrol");
    }
}

impl Template {
    /// The event patterns of the `FilterCriteria` on `binary`'s DynamoDB stream trigger: Lambda
    /// invokes it only with records that match one of them.
    pub fn stream_filters(&self, binary: &str) -> Vec<Value> {
        let Some(function) = self.functions().into_iter().find(|f| f.binary == binary) else {
            return Vec::new();
        };
        let Some(events) = function.properties["Events"].as_object() else {
            return Vec::new();
        };
        events
            .values()
            .filter(|e| e["Type"] == "DynamoDB")
            .flat_map(|e| {
                e["Properties"]["FilterCriteria"]["Filters"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|f| serde_json::from_str(f["Pattern"].as_str()?).ok())
            .collect()
    }
}

/// A lifecycle rule of a bucket that expires objects under a prefix (issue 32).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryRule {
    pub id: String,
    pub prefix: String,
    /// The parameter its `ExpirationInDays` refers to, if any.
    pub parameter: Option<String>,
    /// Its days as deployed with the parameters' defaults.
    pub days: i64,
}

impl Template {
    /// The default of a whole-number parameter (e.g. `AuditRetentionDays`).
    pub fn parameter_default(&self, name: &str) -> Option<i64> {
        let default = &self.doc["Parameters"][name]["Default"];
        default
            .as_i64()
            .or_else(|| default.as_str().and_then(|s| s.trim().parse().ok()))
    }

    /// The rules of `bucket`'s (a logical id) lifecycle that expire objects under a prefix,
    /// their days from the parameters' defaults (what S3 deletes, played by the local stack).
    pub fn expiry_rules(&self, bucket: &str) -> Vec<ExpiryRule> {
        let rules = &self.resources()[bucket]["Properties"]["LifecycleConfiguration"]["Rules"];
        rules
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["Status"] == "Enabled")
            .filter_map(|r| {
                let days = &r["ExpirationInDays"];
                let parameter = days["Ref"].as_str().map(str::to_owned);
                let days = match &parameter {
                    Some(name) => self.parameter_default(name)?,
                    None => days.as_i64()?,
                };
                let prefix = r["Prefix"]
                    .as_str()
                    .or_else(|| r["Filter"]["Prefix"].as_str())?;
                Some(ExpiryRule {
                    id: r["Id"].as_str().unwrap_or_default().to_owned(),
                    prefix: prefix.to_owned(),
                    parameter,
                    days,
                })
            })
            .collect()
    }
}

impl Template {
    /// The site's Content-Security-Policy as the template's CloudFront response headers policy
    /// makes it in `region`, with or without `ApiDomainName`; the stack's own names
    /// (`${HostedUiPrefix}`, `${ImportsBucketName}`) are left as they are written.
    pub fn site_content_security_policy_in_aws(
        &self,
        region: &str,
        has_api_domain: bool,
    ) -> String {
        let sub = &self.resources()["SiteHeadersPolicy"]["Properties"]
            ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
            ["ContentSecurityPolicy"]["Fn::Sub"];
        let text = sub[0].as_str().expect("a CSP text with its variables");
        let api_origin = &sub[1]["ApiOrigin"]["Fn::If"];
        assert_eq!(api_origin[0], "HasApiDomain", "ApiOrigin: {api_origin}");
        let branch = &api_origin[if has_api_domain { 1 } else { 2 }];
        let api_origin = branch
            .as_str()
            .or(branch["Fn::Sub"].as_str())
            .expect("ApiOrigin: a text");
        text.replace("${ApiOrigin}", api_origin)
            .replace("${AWS::Region}", region)
            .replace("${AWS::URLSuffix}", "amazonaws.com")
    }

    /// The site's Content-Security-Policy for a local run: as in AWS with the API on the
    /// site's own origin, the imports bucket at `bucket_origin`, no hosted UI (the local
    /// sign-in page is the gateway's own), and `local_origins` (the emulators the browser talks
    /// to) allowed to connect as well.
    pub fn site_content_security_policy(
        &self,
        region: &str,
        bucket_origin: &str,
        local_origins: &[&str],
    ) -> String {
        let hosted_ui = format!(" https://${{HostedUiPrefix}}.auth.{region}.amazoncognito.com");
        let mut csp = self
            .site_content_security_policy_in_aws(region, true)
            .replace(&hosted_ui, "")
            .replace(
                &format!("https://${{ImportsBucketName}}.s3.{region}.amazonaws.com"),
                bucket_origin,
            );
        let extra: String = local_origins.iter().map(|o| format!(" {o}")).collect();
        csp = csp.replacen(
            "connect-src 'self'",
            &format!("connect-src 'self'{extra}"),
            1,
        );
        csp
    }
}

/// Whether a record (as Lambda shapes it) matches an event pattern of the subset the template
/// uses: objects nest, and a list names the values a field may have.
pub fn pattern_matches(pattern: &Value, record: &Value) -> bool {
    match pattern {
        Value::Object(fields) => fields
            .iter()
            .all(|(name, p)| record.get(name).is_some_and(|r| pattern_matches(p, r))),
        Value::Array(allowed) => allowed.contains(record),
        _ => false,
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_local_site_gets_the_templates_content_security_policy() {
        let csp = Template::load().site_content_security_policy(
            "eu-west-1",
            "http://127.0.0.1:4566",
            &["http://127.0.0.1:4566"],
        );
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            csp.contains("connect-src 'self' http://127.0.0.1:4566 http://127.0.0.1:4566;"),
            "{csp}"
        );
        assert!(csp.contains("form-action 'self';"), "{csp}");
        assert!(!csp.contains("${"), "{csp}");
    }

    #[test]
    fn the_mailers_filter_passes_queued_invitation_writes_new_test_mails_owner_notices_and_proofs()
    {
        let filters = Template::load().stream_filters("mailer");
        assert_eq!(filters.len(), 4);
        let record = |event: &str, kind: &str, delivery: &str| {
            json!({"eventName": event, "dynamodb": {"NewImage": {
                "type": {"S": kind}, "delivery": {"S": delivery}, "pk": {"S": "CONTRACT#c"}}}})
        };
        let passes = |r: &Value| filters.iter().any(|f| pattern_matches(f, r));
        assert!(passes(&record("INSERT", "invitation", "queued")));
        assert!(passes(&record("MODIFY", "invitation", "queued")));
        assert!(!passes(&record("MODIFY", "invitation", "sent")));
        assert!(!passes(&record("INSERT", "audit", "queued")));
        assert!(!passes(&json!({"eventName": "REMOVE", "dynamodb": {}})));
        // "Send me a test": a new test mail item, not the mailer's own updates of it.
        assert!(passes(&record("INSERT", "test_mail", "queued")));
        assert!(!passes(&record("MODIFY", "test_mail", "queued")));
        assert!(!passes(&record("MODIFY", "test_mail", "sent")));
        // A webhook endpoint the deliveries disabled: its owner's notice, not the claim of it.
        let endpoint = |notice: &str| {
            json!({"eventName": "MODIFY", "dynamodb": {"NewImage": {
                "type": {"S": "webhook_endpoint"}, "owner_notice": {"S": notice}}}})
        };
        assert!(passes(&endpoint("queued")));
        assert!(!passes(&endpoint("sent")));
        // A joiner's proof of address: the new proof, not the mailer's claim of it.
        assert!(passes(&record("INSERT", "join_proof", "queued")));
        assert!(!passes(&record("MODIFY", "join_proof", "sending")));
        assert!(passes(&record("INSERT", "join_refusal", "queued")));
        assert!(!passes(&record("MODIFY", "join_refusal", "sent")));
    }

    #[test]
    fn the_waiting_list_filter_passes_marked_contracts_only() {
        let filters = Template::load().stream_filters("waiting-list");
        let contract = |marked: bool| {
            json!({"eventName": "MODIFY", "dynamodb": {"NewImage": {
                "type": {"S": "contract"}, "waiting_list": {"BOOL": marked}}}})
        };
        let passes = |r: &Value| filters.iter().any(|f| pattern_matches(f, r));
        assert!(passes(&contract(true)));
        assert!(!passes(&contract(false)));
        assert!(!passes(
            &json!({"eventName": "MODIFY", "dynamodb": {"NewImage": {
            "type": {"S": "contract"}}}})
        ));
        assert!(!passes(
            &json!({"eventName": "MODIFY", "dynamodb": {"NewImage": {
            "type": {"S": "invitation"}, "waiting_list": {"BOOL": true}}}})
        ));
    }
}
