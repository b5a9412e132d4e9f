//! The SAM template (infra/template.yaml) against the code: every function binary has exactly
//! one function resource, the HTTP API declares exactly the routes the handlers serve (with the
//! JWT authorizer on every admin route and on no student route), every environment variable a
//! function reads is set on it, the link key comes from Secrets Manager, and the table and the
//! administrators group are the ones the code expects.
//!
//! The template model (CloudFormation long form, SAM Globals merged) is the local stack's,
//! so the gateway and these checks read the template the same way.

use local_stack::template::Template;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

fn ref_to(value: &Value) -> Option<&str> {
    value.get("Ref").and_then(Value::as_str)
}

/// A function binary: a `[[bin]]` of a package under functions/ (its `path`), or the package
/// itself when it has src/main.rs.
struct Binary {
    package: PathBuf,
    main: PathBuf,
}

impl Binary {
    /// The sources that make this binary: its own main file and the package's library (src/
    /// without src/bin/ and without other binaries' files).
    fn sources(&self, all: &BTreeMap<String, Binary>) -> String {
        let mains: BTreeSet<&PathBuf> = all.values().map(|b| &b.main).collect();
        let mut text = std::fs::read_to_string(&self.main).expect("main source");
        for (path, source) in rust_files(&self.package.join("src")) {
            if !mains.contains(&path) {
                text.push_str(&source);
                text.push('\n');
            }
        }
        text
    }
}

/// Every function binary by name.
fn function_binaries() -> BTreeMap<String, Binary> {
    let mut binaries = BTreeMap::new();
    let dir = repo().join("functions");
    for entry in std::fs::read_dir(&dir).expect("functions/") {
        let path = entry.expect("entry").path();
        let manifest = path.join("Cargo.toml");
        if path.file_name().is_some_and(|n| n == "core") || !manifest.is_file() {
            continue;
        }
        let toml = std::fs::read_to_string(&manifest).expect("Cargo.toml");
        let mut section = String::new();
        let mut package_name = None;
        let mut bins: Vec<(String, Option<String>)> = Vec::new();
        for line in toml.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_owned();
                if section == "[[bin]]" {
                    bins.push((String::new(), None));
                }
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"').to_owned();
            match (section.as_str(), key.trim()) {
                ("[package]", "name") => package_name = Some(value),
                ("[[bin]]", "name") => bins.last_mut().expect("[[bin]]").0 = value,
                ("[[bin]]", "path") => bins.last_mut().expect("[[bin]]").1 = Some(value),
                _ => {}
            }
        }
        if bins.is_empty() && path.join("src/main.rs").is_file() {
            bins.push((package_name.expect("[package] name"), None));
        }
        for (name, main) in bins {
            let main = path.join(main.unwrap_or_else(|| "src/main.rs".to_owned()));
            assert!(main.is_file(), "{}", main.display());
            binaries.insert(
                name,
                Binary {
                    package: path.clone(),
                    main,
                },
            );
        }
    }
    binaries
}

#[test]
fn every_function_binary_has_exactly_one_function_resource() {
    let template = Template::load();
    let packages = function_binaries();
    assert!(
        packages.len() >= 8,
        "found only {:?}",
        packages.keys().collect::<Vec<_>>()
    );
    let mut declared: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in template.functions() {
        declared
            .entry(f.binary.clone())
            .or_default()
            .push(f.logical_id.clone());
        let p = &f.properties;
        assert_eq!(
            f.metadata["BuildMethod"], "rust-cargolambda",
            "{}",
            f.logical_id
        );
        // SAM's cargo-lambda builder runs `cargo lambda build --bin <Binary>` in CodeUri and
        // copies target/lambda/<Binary>/bootstrap, so CodeUri is the workspace root.
        assert_eq!(p["CodeUri"], "..", "{}", f.logical_id);
        assert_eq!(p["Runtime"], "provided.al2023", "{}", f.logical_id);
        assert_eq!(p["Architectures"], json!(["arm64"]), "{}", f.logical_id);
        assert_eq!(p["Handler"], "bootstrap", "{}", f.logical_id);
        assert_eq!(p["LoggingConfig"]["LogFormat"], "JSON", "{}", f.logical_id);
        assert!(
            p["Timeout"].is_u64() && p["MemorySize"].is_u64(),
            "{}",
            f.logical_id
        );
        // Its own role, not a shared one or SAM's generated role with broad managed policies.
        let role = p["Role"]["Fn::GetAtt"][0]
            .as_str()
            .expect("Role: !GetAtt X.Arn");
        assert_eq!(template.resources()[role]["Type"], "AWS::IAM::Role");
        let users = template
            .functions()
            .iter()
            .filter(|g| g.properties["Role"]["Fn::GetAtt"][0] == role)
            .count();
        assert_eq!(users, 1, "{role} is shared");
    }
    let workspace = std::fs::read_to_string(repo().join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        workspace.contains("[workspace]"),
        "CodeUri .. is the workspace root"
    );
    for (binary, b) in &packages {
        let ids = declared.get(binary).cloned().unwrap_or_default();
        assert_eq!(
            ids.len(),
            1,
            "{} (binary {binary}) needs exactly one AWS::Serverless::Function with \
             BuildProperties.Binary: {binary}, found {ids:?}",
            b.main.display()
        );
    }
    for binary in declared.keys() {
        assert!(
            packages.contains_key(binary),
            "the template builds binary {binary}, which no package under functions/ has"
        );
    }
}

/// `(method, path)` of every route of the route table (invitations_wire::routes), with the
/// binary that serves it and whether it is public. That each function's handler takes exactly
/// its table routes is the admin API's authorization matrix test and the enrol API's tests.
fn served_routes() -> BTreeMap<(String, String), (&'static str, bool)> {
    let mut routes = BTreeMap::new();
    for r in invitations_wire::routes::ROUTES {
        let previous = routes.insert(
            (r.method.to_owned(), r.path.to_owned()),
            (r.function, r.public),
        );
        assert!(previous.is_none(), "{} is in the table twice", r.key());
    }
    routes
}

/// Whether `binary` answers routes of the HTTP API.
fn served_by_http(binary: &str) -> bool {
    served_routes().values().any(|(b, _)| *b == binary)
}

/// Issue 26: with ApiDomainName the API's domain is public DNS and HTTP APIs have no resource
/// policy, so CloudFront sends a secret header and every HTTP function checks it before any
/// work (functions/core/src/origin.rs, tested on moto in core's adapters tests). Here: the
/// secret exists only with a domain, CloudFront sends its `current` value, and every function
/// behind a route is given it, may read it, and runs behind the check.
#[test]
fn with_a_domain_only_cloudfront_reaches_the_api_functions() {
    use invitations_core::origin::HEADER;
    let template = Template::load();
    let resources = template.resources();
    let secret = &resources["OriginSecret"];
    assert_eq!(secret["Type"], "AWS::SecretsManager::Secret");
    assert_eq!(secret["Condition"], "HasApiDomain");
    let generate = &secret["Properties"]["GenerateSecretString"];
    assert_eq!(generate["GenerateStringKey"], "current");
    let shape: Value = serde_json::from_str(
        generate["SecretStringTemplate"]
            .as_str()
            .expect("a JSON template"),
    )
    .expect("JSON");
    assert_eq!(shape, json!({"previous": ""}), "the shape origin.rs reads");
    assert!(generate["PasswordLength"].as_u64().unwrap_or_default() >= 32);

    let config = &resources["SiteDistribution"]["Properties"]["DistributionConfig"];
    let api_origin = &config["Origins"][1]["Fn::If"][1];
    let headers = api_origin["OriginCustomHeaders"]
        .as_array()
        .expect("the API origin's custom headers");
    let verify = headers
        .iter()
        .find(|h| h["HeaderName"] == HEADER)
        .unwrap_or_else(|| panic!("CloudFront sends {HEADER}: {headers:?}"));
    assert_eq!(
        verify["HeaderValue"],
        json!({"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString:current}}"})
    );

    let binaries = function_binaries();
    let mut guarded = 0;
    for f in template.functions() {
        let vars = &f.properties["Environment"]["Variables"];
        let http = served_by_http(&f.binary);
        let reads_origin_secret = role_statements(&template, &f.binary)
            .iter()
            .any(|s| s["Resource"] == json!({"Ref": "OriginSecret"}));
        if !http {
            assert!(vars.get("ORIGIN_SECRET").is_none(), "{}", f.logical_id);
            assert!(!reads_origin_secret, "{}", f.logical_id);
            continue;
        }
        guarded += 1;
        assert_eq!(
            vars["ORIGIN_SECRET"],
            json!({"Fn::If": ["HasApiDomain", {"Ref": "OriginSecret"}, {"Ref": "AWS::NoValue"}]}),
            "{}",
            f.logical_id
        );
        assert!(
            reads_origin_secret,
            "{} may read the origin secret",
            f.logical_id
        );
        let main = std::fs::read_to_string(&binaries[&f.binary].main).expect("main");
        assert!(
            main.contains("origin::serve(") && !main.contains("lambda_http::run"),
            "{}: its main answers through origin::serve",
            f.binary
        );
    }
    assert_eq!(guarded, 10, "nine admin functions and enrol");
}

#[test]
fn the_http_api_declares_exactly_the_served_routes_with_the_right_authorizer() {
    let template = Template::load();
    let apis: Vec<_> = template.of_type("AWS::Serverless::HttpApi").collect();
    assert_eq!(apis.len(), 1, "one HTTP API");
    let (api_id, api) = apis[0];
    let auth = &api["Properties"]["Auth"];
    let default_authorizer = auth["DefaultAuthorizer"]
        .as_str()
        .expect("the HTTP API has a default authorizer, so a new route is never public");
    let jwt = &auth["Authorizers"][default_authorizer]["JwtConfiguration"];
    let issuer = jwt["issuer"]["Fn::Sub"].as_str().expect("issuer: !Sub");
    let pool = issuer
        .strip_prefix("https://cognito-idp.${AWS::Region}.amazonaws.com/${")
        .and_then(|rest| rest.strip_suffix('}'))
        .expect("a Cognito issuer");
    assert_eq!(template.resources()[pool]["Type"], "AWS::Cognito::UserPool");
    let client = ref_to(&jwt["audience"][0]).expect("audience: the app client");
    assert_eq!(
        template.resources()[client]["Type"],
        "AWS::Cognito::UserPoolClient"
    );

    let mut declared = BTreeMap::new();
    for f in template.functions() {
        let Some(events) = f.properties["Events"].as_object() else {
            continue;
        };
        for (name, event) in events {
            let kind = event["Type"].as_str().expect("event Type");
            assert_ne!(
                kind, "Api",
                "{name}: REST API events are not used, only HttpApi"
            );
            if kind != "HttpApi" {
                continue;
            }
            let p = &event["Properties"];
            assert_eq!(ref_to(&p["ApiId"]), Some(api_id.as_str()), "{name}: ApiId");
            let method = p["Method"].as_str().expect("Method").to_uppercase();
            let path = p["Path"].as_str().expect("Path").to_owned();
            let authorizer = p["Auth"]["Authorizer"]
                .as_str()
                .unwrap_or(default_authorizer);
            let previous = declared.insert(
                (method.clone(), path.clone()),
                (f.binary.clone(), authorizer.to_owned()),
            );
            assert!(previous.is_none(), "{method} {path} is declared twice");
        }
    }

    let served = served_routes();
    let declared_keys: BTreeSet<_> = declared.keys().cloned().collect();
    let served_keys: BTreeSet<_> = served.keys().cloned().collect();
    assert_eq!(
        declared_keys, served_keys,
        "HttpApi events (left) and the route table (right)"
    );
    for (route, (binary, public)) in &served {
        let (declared_binary, authorizer) = &declared[route];
        let key = format!("{} {}", route.0, route.1);
        assert_eq!(declared_binary, binary, "{key} goes to the wrong function");
        if *public {
            assert_eq!(authorizer, "NONE", "{key} is a public student route");
        } else {
            assert_eq!(authorizer, default_authorizer, "{key} needs the JWT");
        }
    }

    let props = &api["Properties"];
    if let Some(settings) = props["RouteSettings"].as_object() {
        for key in settings.keys() {
            let (method, path) = key.split_once(' ').expect("route key");
            assert!(
                served_keys.contains(&(method.to_owned(), path.to_owned())),
                "RouteSettings for {key}, which is not a route"
            );
        }
    }
    assert!(props["DefaultRouteSettings"]["ThrottlingRateLimit"].is_object());
    let origins = props["CorsConfiguration"]["AllowOrigins"]
        .as_array()
        .expect("CORS origins");
    assert!(!origins.is_empty() && origins.iter().all(|o| o != "*"));
}

/// Every `X` in `marker"X"` in `source` (`marker` ends just before the quote).
fn quoted_after(source: &str, marker: &str) -> Vec<String> {
    let pattern = format!("{marker}\"");
    source
        .match_indices(&pattern)
        .filter(|(at, _)| {
            // `required("X")` but not `not_required("X")` or `.required("X")`.
            let before = source[..*at].chars().next_back();
            !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == '.')
                || marker.contains("::")
        })
        .filter_map(|(at, _)| {
            let rest = &source[at + pattern.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// Variables named literally: `required("X")`, `optional("X")` (bare or as `config::...`),
/// `env::var("X")`, `env::var_os("X")`.
fn literal_reads(source: &str) -> BTreeSet<String> {
    ["required(", "optional(", "env::var(", "env::var_os("]
        .iter()
        .flat_map(|m| quoted_after(source, m))
        .collect()
}

fn calls(source: &str, function: &str) -> bool {
    let pattern = format!("{function}(");
    source.match_indices(&pattern).any(|(at, _)| {
        let before = source[..at].chars().next_back();
        !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == '.')
            || source[..at].ends_with("config::")
    })
}

/// Every .rs file under `dir` with its text.
fn rust_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                files.push((path, text));
            }
        }
    }
    files
}

/// The public helpers of functions/core/src/config.rs and the variables each reads itself
/// (`link_key` -> LINK_SIGNING_SECRET, `s3` -> S3_FORCE_PATH_STYLE), from their bodies.
fn config_helpers() -> BTreeMap<String, BTreeSet<String>> {
    let source =
        std::fs::read_to_string(repo().join("functions/core/src/config.rs")).expect("config.rs");
    let mut helpers = BTreeMap::new();
    let mut starts: Vec<(usize, usize)> = ["pub fn ", "pub async fn "]
        .iter()
        .flat_map(|p| source.match_indices(p).map(|(at, m)| (at, m.len())))
        .collect();
    starts.sort();
    for (i, &(start, prefix)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|s| s.0).unwrap_or(source.len());
        let body = &source[start..end];
        let name: String = body[prefix..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        helpers.insert(name, literal_reads(body));
    }
    helpers
}

/// Read in the code, never to be set in AWS: `S3_FORCE_PATH_STYLE=true` is for emulators that
/// serve every bucket on one host name; in AWS the SDK's default (virtual-hosted) is right.
const EMULATOR_ONLY: &[&str] = &["S3_FORCE_PATH_STYLE"];

/// The rule: a function reads
/// - every variable its main file and its package's library (src/ but other binaries' mains) name in `required("X")`, `optional("X")`,
///   `env::var("X")` or `env::var_os("X")`;
/// - for each helper of core's config.rs it calls (`config::link_key()`, `config::s3(..)`, ...),
///   the variables that helper's body names the same way (core's other sources, such as the
///   testkit, are not part of a function);
/// - RUST_LOG when it calls `telemetry::init()` (tracing's EnvFilter reads it).
///
/// Every variable it reads is set on it in the template, except EMULATOR_ONLY ones, which
/// must not be; and everything set on it is read by it (no stale or misspelt names).
#[test]
fn every_environment_variable_a_function_reads_is_set_on_it() {
    let template = Template::load();
    let helpers = config_helpers();
    assert!(
        helpers
            .get("link_key")
            .is_some_and(|v| v.contains("LINK_SIGNING_SECRET")),
        "config::link_key reads LINK_SIGNING_SECRET: {helpers:?}"
    );
    let telemetry = std::fs::read_to_string(repo().join("functions/core/src/telemetry.rs"))
        .expect("telemetry.rs");
    assert!(
        telemetry.contains("env::var(\"RUST_LOG\")"),
        "telemetry::init reads RUST_LOG"
    );

    let functions = template.functions();
    let binaries = function_binaries();
    for (binary, b) in &binaries {
        let source = b.sources(&binaries);
        let mut reads = literal_reads(&source);
        for (helper, vars) in &helpers {
            if calls(&source, helper) {
                reads.extend(vars.iter().cloned());
            }
        }
        if source.contains("telemetry::init(") {
            reads.insert("RUST_LOG".to_owned());
        }
        // origin::serve reads what core's origin.rs names (ORIGIN_SECRET).
        if source.contains("origin::serve(") {
            let origin = std::fs::read_to_string(repo().join("functions/core/src/origin.rs"))
                .expect("origin.rs");
            reads.extend(literal_reads(&origin));
        }
        assert!(
            reads.contains("TABLE_NAME"),
            "{binary}: scan found {reads:?}"
        );

        let f = functions
            .iter()
            .find(|f| f.binary == *binary)
            .unwrap_or_else(|| panic!("no function resource builds {binary}"));
        let set: BTreeSet<String> = f.properties["Environment"]["Variables"]
            .as_object()
            .map(|vars| vars.keys().cloned().collect())
            .unwrap_or_default();
        for var in &reads {
            if EMULATOR_ONLY.contains(&var.as_str()) {
                assert!(!set.contains(var), "{binary}: {var} is for emulators only");
            } else {
                assert!(
                    set.contains(var),
                    "{binary} reads {var}, but {} does not set it (sets {set:?})",
                    f.logical_id
                );
            }
        }
        for var in &set {
            assert!(
                reads.contains(var),
                "{} sets {var}, which {binary} never reads (reads {reads:?})",
                f.logical_id
            );
        }
    }
}

#[test]
fn the_link_signing_key_comes_from_secrets_manager_in_a_shape_the_code_accepts() {
    let template = Template::load();
    let mut users = 0;
    for f in template.functions() {
        let vars = &f.properties["Environment"]["Variables"];
        // The key itself is never in a function's configuration.
        let text = vars.to_string();
        assert!(
            !text.contains("resolve:secretsmanager") && vars.get("LINK_SIGNING_KEY").is_none(),
            "{}: a secret in the environment: {text}",
            f.logical_id
        );
        let secret_reads = |binary: &str| -> Vec<Value> {
            role_statements(&template, binary)
                .into_iter()
                .filter(|s| s["Action"] == "secretsmanager:GetSecretValue")
                .filter(|s| s["Resource"] != json!({"Ref": "OriginSecret"}))
                .collect()
        };
        let Some(value) = vars.get("LINK_SIGNING_SECRET") else {
            assert!(secret_reads(&f.binary).is_empty(), "{}", f.binary);
            continue;
        };
        users += 1;
        let secret = value["Ref"]
            .as_str()
            .expect("LINK_SIGNING_SECRET: !Ref the secret");
        let resource = &template.resources()[secret];
        assert_eq!(resource["Type"], "AWS::SecretsManager::Secret");
        // The role reads that secret and no other (but the origin secret, below).
        let reads = secret_reads(&f.binary);
        assert_eq!(reads.len(), 1, "{}", f.logical_id);
        assert_eq!(reads[0]["Resource"], json!({"Ref": secret}));
        let generate = &resource["Properties"]["GenerateSecretString"];
        // Only [A-Za-z0-9] (all in the base64 alphabet), in a multiple of 4 characters: the
        // generated value is standard base64 without padding.
        assert_eq!(generate["ExcludePunctuation"], true);
        assert_ne!(generate["IncludeSpace"], true);
        assert!(
            generate.get("SecretStringTemplate").is_none(),
            "a bare string"
        );
        let length = generate["PasswordLength"].as_u64().expect("PasswordLength") as usize;
        assert_eq!(length % 4, 0);
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for shift in 0..alphabet.len() {
            let sample: String = alphabet.chars().cycle().skip(shift).take(length).collect();
            invitations_core::domain::LinkKey::from_base64(&sample).unwrap_or_else(|e| {
                panic!("a generated key like {sample} is refused: {e}");
            });
        }
    }
    assert!(users >= 2, "the enrol API and the mailer both use the key");
}

#[test]
fn the_table_is_the_one_the_store_expects_and_feeds_the_mailer() {
    use invitations_core::adapters::dynamo::items::{
        BY_INVITATION_ID, BY_REMIND_AT, BY_SEND_DUE, GSI1,
    };
    let template = Template::load();
    let tables: Vec<_> = template.of_type("AWS::DynamoDB::Table").collect();
    assert_eq!(tables.len(), 1);
    let (table_id, table) = tables[0];
    let p = &table["Properties"];
    let key = |attr: &str, kind: &str| json!({ "AttributeName": attr, "KeyType": kind });
    assert_eq!(
        p["KeySchema"],
        json!([key("pk", "HASH"), key("sk", "RANGE")])
    );
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        p["StreamSpecification"]["StreamViewType"],
        "NEW_AND_OLD_IMAGES"
    );
    assert_eq!(
        p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    assert_eq!(p["SSESpecification"]["SSEEnabled"], true);
    let indexes: BTreeMap<&str, &Value> = p["GlobalSecondaryIndexes"]
        .as_array()
        .expect("indexes")
        .iter()
        .map(|i| (i["IndexName"].as_str().expect("IndexName"), i))
        .collect();
    assert_eq!(indexes.len(), 4);
    assert_eq!(
        indexes[BY_SEND_DUE]["KeySchema"],
        json!([key("send_shard", "HASH"), key("send_due_at", "RANGE")])
    );
    assert_eq!(
        indexes[BY_SEND_DUE]["Projection"],
        json!({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["contract_id"]})
    );
    assert_eq!(
        indexes[BY_REMIND_AT]["KeySchema"],
        json!([key("remind_shard", "HASH"), key("remind_at", "RANGE")])
    );
    assert_eq!(
        indexes[BY_REMIND_AT]["Projection"],
        json!({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["contract_id"]})
    );
    assert_eq!(
        indexes[GSI1]["KeySchema"],
        json!([key("gsi1pk", "HASH"), key("gsi1sk", "RANGE")])
    );
    assert_eq!(indexes[GSI1]["Projection"]["ProjectionType"], "ALL");
    assert_eq!(
        indexes[BY_INVITATION_ID]["KeySchema"],
        json!([key("invitation_id", "HASH")])
    );
    assert_eq!(
        indexes[BY_INVITATION_ID]["Projection"]["ProjectionType"],
        "KEYS_ONLY"
    );

    let mailer = template
        .functions()
        .into_iter()
        .find(|f| f.binary == "mailer")
        .expect("the mailer");
    let streams: Vec<&Value> = mailer.properties["Events"]
        .as_object()
        .expect("mailer events")
        .values()
        .filter(|e| e["Type"] == "DynamoDB")
        .collect();
    assert_eq!(streams.len(), 1);
    let s = &streams[0]["Properties"];
    assert_eq!(
        s["Stream"],
        json!({ "Fn::GetAtt": [table_id, "StreamArn"] })
    );
    assert_eq!(
        s["FunctionResponseTypes"],
        json!(["ReportBatchItemFailures"])
    );
    assert_eq!(s["BisectBatchOnFunctionError"], true);
    // Only writes that queue a mail invoke the mailer.
    let filters = s["FilterCriteria"]["Filters"]
        .as_array()
        .expect("a stream filter");
    assert_eq!(filters.len(), 2);
    let pattern = |i: usize| -> Value {
        serde_json::from_str(filters[i]["Pattern"].as_str().expect("a pattern")).expect("JSON")
    };
    assert_eq!(
        pattern(0)["dynamodb"]["NewImage"],
        json!({"type": {"S": ["invitation"]}, "delivery": {"S": ["queued"]}})
    );
    assert_eq!(pattern(0)["eventName"], json!(["INSERT", "MODIFY"]));
    // "Send me a test": a new test mail item, queued.
    assert_eq!(
        pattern(1)["dynamodb"]["NewImage"],
        json!({"type": {"S": ["test_mail"]}, "delivery": {"S": ["queued"]}})
    );
    assert_eq!(pattern(1)["eventName"], json!(["INSERT"]));
    assert!(s["MaximumRetryAttempts"].is_u64());
    let queue = s["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        .as_str()
        .expect("an on-failure destination");
    assert_eq!(template.resources()[queue]["Type"], "AWS::SQS::Queue");
}

#[test]
fn the_system_administrators_group_is_the_one_the_api_checks() {
    let template = Template::load();
    let groups: BTreeSet<&str> = template
        .of_type("AWS::Cognito::UserPoolGroup")
        .map(|(_, g)| g["Properties"]["GroupName"].as_str().expect("GroupName"))
        .collect();
    assert!(
        groups.contains(invitations_core::domain::SYSTEM_ADMIN_GROUP),
        "{groups:?}"
    );
}

#[test]
fn the_site_config_output_is_a_config_the_site_reads_and_its_redirect_is_a_callback() {
    let template = Template::load();
    let sub = &template.doc["Outputs"]["SiteConfig"]["Value"]["Fn::Sub"];
    let text = sub[0].as_str().expect("SiteConfig: !Sub [text, vars]");
    // Fill every ${...} the way CloudFormation would, with plausible values.
    let mut filled = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        filled.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("closing brace") + start;
        let name = &rest[start + 2..end];
        filled.push_str(match name {
            "ApiBase" => "https://abc.execute-api.eu-west-1.amazonaws.com/api",
            "SiteDistribution.DomainName" => "d123.cloudfront.net",
            _ => "x",
        });
        rest = &rest[end + 1..];
    }
    filled.push_str(rest);
    let config = site::config::Config::parse(&filled).expect("the site reads SiteConfig");
    let site::config::SignIn::Cognito(cognito) = config.sign_in else {
        panic!("production signs in with Cognito")
    };
    assert_eq!(
        cognito.redirect_uri,
        "https://d123.cloudfront.net/signed-in"
    );
    let callbacks =
        &template.resources()["UserPoolClient"]["Properties"]["CallbackURLs"][0]["Fn::Sub"];
    assert_eq!(
        callbacks.as_str(),
        Some("https://${SiteDistribution.DomainName}/signed-in"),
        "the app client accepts the site's redirect"
    );
    let logouts = &template.resources()["UserPoolClient"]["Properties"]["LogoutURLs"][0]["Fn::Sub"];
    assert_eq!(
        cognito.logout_uri.as_deref(),
        Some("https://d123.cloudfront.net/"),
        "signing out ends the Cognito session too"
    );
    assert_eq!(
        logouts.as_str(),
        Some("https://${SiteDistribution.DomainName}/"),
        "the app client accepts the site's sign-out address"
    );
    assert_eq!(
        template.resources()["UserPoolClient"]["Properties"]["GenerateSecret"],
        json!(false),
        "a browser app client has no secret (PKCE instead)"
    );
}

/// Every action a function's role allows, as `service:Action`.
/// The statements of `binary`'s role, with those made only under a condition (`!If [Cond,
/// statement, !Ref AWS::NoValue]`) taken as when the condition holds.
fn role_statements(template: &Template, binary: &str) -> Vec<Value> {
    let f = template
        .functions()
        .into_iter()
        .find(|f| f.binary == binary)
        .unwrap_or_else(|| panic!("no function builds {binary}"));
    let role = f.properties["Role"]["Fn::GetAtt"][0]
        .as_str()
        .expect("role");
    let mut statements = Vec::new();
    for policy in template.resources()[role]["Properties"]["Policies"]
        .as_array()
        .expect("inline policies")
    {
        for statement in policy["PolicyDocument"]["Statement"]
            .as_array()
            .expect("statements")
        {
            match statement.get("Fn::If") {
                Some(branches) => {
                    assert_eq!(branches[2], json!({"Ref": "AWS::NoValue"}), "{binary}");
                    statements.push(branches[1].clone());
                }
                None => statements.push(statement.clone()),
            }
        }
    }
    statements
}

fn role_actions(template: &Template, binary: &str) -> BTreeSet<String> {
    let mut actions = BTreeSet::new();
    for statement in role_statements(template, binary) {
        assert_eq!(statement["Effect"], "Allow", "{binary}: {statement}");
        match &statement["Action"] {
            Value::String(a) => {
                actions.insert(a.clone());
            }
            Value::Array(list) => {
                actions.extend(list.iter().map(|a| a.as_str().expect("action").to_owned()))
            }
            other => panic!("{binary}: Action {other}"),
        }
    }
    actions
}

/// Least privilege, as the functions split it: the read function can change nothing, the
/// functions that change invitations cannot touch the bucket or send mail, and no role
/// allows a whole service.
#[test]
fn each_role_allows_only_what_its_function_does() {
    let template = Template::load();
    let reads = [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "s3:GetObject",
        // Bulk views: the blocks of a page's addresses in one call.
        "dynamodb:BatchGetItem",
        // The origin secret (with ApiDomainName), as every HTTP function.
        "secretsmanager:GetSecretValue",
    ];
    let read = role_actions(&template, "admin-read");
    assert!(
        read.iter().all(|a| reads.contains(&a.as_str())),
        "admin-read may only read: {read:?}"
    );
    // Only `people` changes the user pool; `enrol` makes a student's account or finds it;
    // `directory-sync` only reads the pool.
    let pool_actions = |binary: &str| -> BTreeSet<String> {
        role_actions(&template, binary)
            .into_iter()
            .filter(|a| a.starts_with("cognito-idp:"))
            .collect()
    };
    let set = |list: &[&str]| -> BTreeSet<String> {
        list.iter().map(|a| format!("cognito-idp:{a}")).collect()
    };
    assert_eq!(
        pool_actions("enrol"),
        set(&["AdminCreateUser", "AdminGetUser"])
    );
    assert_eq!(
        pool_actions("directory-sync"),
        set(&["ListUsers", "ListUsersInGroup"])
    );
    assert_eq!(
        pool_actions("people"),
        set(&[
            "AdminCreateUser",
            "AdminGetUser",
            "AdminListGroupsForUser",
            "AdminAddUserToGroup",
            "AdminRemoveUserFromGroup"
        ])
    );
    for f in template.functions() {
        if !["enrol", "directory-sync", "people"].contains(&f.binary.as_str()) {
            assert!(pool_actions(&f.binary).is_empty(), "{}", f.binary);
        }
    }
    for binary in [
        "resend",
        "revoke",
        "extend",
        "contract-admins",
        "contract-settings",
        "enrol",
        "people",
        "directory-sync",
        "send-sweeper",
        "reminders",
    ] {
        let actions = role_actions(&template, binary);
        assert!(
            actions.iter().all(|a| a.starts_with("logs:")
                || a.starts_with("dynamodb:")
                || a.starts_with("cognito-idp:")
                || (a == "secretsmanager:GetSecretValue"
                    && (binary == "enrol" || served_by_http(binary)))),
            "{binary}: {actions:?}"
        );
        // Deleting is for the directory's address pointers (a person's address changed).
        let deletes = ["people", "directory-sync"].contains(&binary);
        assert!(
            (deletes || !actions.contains("dynamodb:DeleteItem"))
                && !actions.contains("dynamodb:Scan"),
            "{binary}: {actions:?}"
        );
    }
    for f in template.functions() {
        for action in role_actions(&template, &f.binary) {
            assert!(!action.ends_with(":*"), "{}: {action}", f.binary);
        }
    }
    // contract-settings changes the contract item and puts audit records and test mails: it
    // reads no index, sends no mail (the mailer sends the test) and deletes nothing.
    assert_eq!(
        role_actions(&template, "contract-settings"),
        BTreeSet::from(
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                // The origin secret only (with ApiDomainName), as every HTTP function.
                "secretsmanager:GetSecretValue"
            ]
            .map(String::from)
        )
    );
    // The mailer claims and records sends (UpdateItem) and puts each send's history item in
    // the same transaction (PutItem); it deletes nothing.
    let mailer_table: BTreeSet<String> = role_actions(&template, "mailer")
        .into_iter()
        .filter(|a| {
            a.starts_with("dynamodb:")
                && !a.contains("Stream")
                && a != "dynamodb:GetRecords"
                && a != "dynamodb:GetShardIterator"
        })
        .collect();
    assert_eq!(
        mailer_table,
        [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem"
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    );
}

/// Issue 26: each role reaches only the kinds of items its function touches, by partition key
/// (`dynamodb:LeadingKeys`), with writes narrower than reads. The function tests enforce each
/// role on the wire (testkit::leading_keys: every App there runs on `store_as(binary)`); here,
/// every table statement has the condition, names kinds the table holds, and the rules the
/// review asked for hold.
#[test]
fn each_role_reaches_only_the_item_kinds_its_function_touches() {
    use invitations_core::adapters::dynamo::items::PARTITION_KINDS;
    let template = Template::load();
    let writes = [
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    ];
    let mut written: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in template.functions() {
        for statement in role_statements(&template, &f.binary) {
            if statement["Resource"] != json!({"Fn::GetAtt": ["Table", "Arn"]}) {
                continue;
            }
            let keys: BTreeSet<String> = statement["Condition"]["ForAllValues:StringLike"]
                ["dynamodb:LeadingKeys"]
                .as_array()
                .unwrap_or_else(|| panic!("{}: {statement} has no LeadingKeys", f.binary))
                .iter()
                .map(|k| k.as_str().expect("a pattern").to_owned())
                .collect();
            for key in &keys {
                assert!(
                    PARTITION_KINDS.contains(&key.as_str()),
                    "{}: {key}",
                    f.binary
                );
            }
            let actions = statement["Action"].to_string();
            if writes.iter().any(|w| actions.contains(w)) {
                written.entry(f.binary.clone()).or_default().extend(keys);
            }
        }
    }
    let kinds =
        |list: &[&str]| -> BTreeSet<String> { list.iter().map(|k| format!("{k}#*")).collect() };
    // Enrolment writes invitations, people and their address pointers, never blocks.
    assert_eq!(written["enrol"], kinds(&["CONTRACT", "USER", "USEREMAIL"]));
    // Only the SES reports set blocks, and only correct-address (clear block) lifts them.
    for (binary, keys) in &written {
        if keys.contains("BLOCK#*") {
            assert!(
                ["delivery-events", "correct-address"].contains(&binary.as_str()),
                "{binary} may write blocks"
            );
        }
        if keys.contains("USER#*") || keys.contains("USEREMAIL#*") {
            assert!(
                ["enrol", "people", "directory-sync"].contains(&binary.as_str()),
                "{binary} may write people"
            );
        }
    }
    assert!(
        !written.contains_key("admin-read"),
        "admin-read writes nothing"
    );
}

/// Every failure queue has an alarm that tells the operators' topic, and the sweeper that
/// re-queues stuck sends runs on a schedule with only the index and item calls it makes.
#[test]
fn failure_queues_raise_alarms_and_the_send_sweeper_runs_on_a_schedule() {
    let template = Template::load();
    let queues: BTreeSet<&str> = template
        .of_type("AWS::SQS::Queue")
        .map(|(id, _)| id.as_str())
        .collect();
    let alarmed: BTreeSet<&str> = template
        .of_type("AWS::CloudWatch::Alarm")
        .map(|(_, alarm)| {
            let p = &alarm["Properties"];
            assert_eq!(p["MetricName"], "ApproximateNumberOfMessagesVisible");
            assert_eq!(p["Threshold"], 0);
            let topic = p["AlarmActions"][0]["Ref"]
                .as_str()
                .expect("an alarm action");
            assert_eq!(template.resources()[topic]["Type"], "AWS::SNS::Topic");
            p["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
                .as_str()
                .expect("a queue")
        })
        .collect();
    assert_eq!(alarmed, queues);

    for binary in ["send-sweeper", "reminders"] {
        let function = template
            .functions()
            .into_iter()
            .find(|f| f.binary == binary)
            .expect(binary);
        let schedules: Vec<&Value> = function.properties["Events"]
            .as_object()
            .expect("events")
            .values()
            .filter(|e| e["Type"] == "Schedule")
            .collect();
        assert_eq!(schedules.len(), 1, "{binary}");
        assert_eq!(schedules[0]["Properties"]["Schedule"], "rate(5 minutes)");
    }
    assert_eq!(
        role_actions(&template, "send-sweeper"),
        [
            "dynamodb:GetItem",
            // A send given up on goes into the invitation's history, in one transaction.
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "logs:CreateLogStream",
            "logs:PutLogEvents"
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    );
    // The reminder run: the contract and invitation reads, the conditional transactions
    // (invitation, contract counter, audit and history items), and Query on its index only.
    assert_eq!(
        role_actions(&template, "reminders"),
        [
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "logs:CreateLogStream",
            "logs:PutLogEvents"
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    );
    let role = &template.resources()["RemindersRole"]["Properties"]["Policies"][0]
        ["PolicyDocument"]["Statement"];
    let query = role
        .as_array()
        .expect("statements")
        .iter()
        .find(|st| st["Action"] == "dynamodb:Query")
        .expect("a Query statement");
    assert_eq!(
        query["Resource"]["Fn::Sub"],
        "${Table.Arn}/index/by_remind_at"
    );
}

/// SES's reports reach the delivery-events function: the configuration set the mailer sends
/// with publishes them to EventBridge, and the function's rule takes that set's events.
#[test]
fn ses_reports_of_the_mailers_configuration_set_reach_the_delivery_events_function() {
    let template = Template::load();
    let destinations: Vec<_> = template
        .of_type("AWS::SES::ConfigurationSetEventDestination")
        .collect();
    assert_eq!(destinations.len(), 1);
    let p = &destinations[0].1["Properties"];
    assert_eq!(p["ConfigurationSetName"]["Ref"], "MailConfigurationSet");
    let types: BTreeSet<&str> = p["EventDestination"]["MatchingEventTypes"]
        .as_array()
        .expect("event types")
        .iter()
        .map(|v| v.as_str().expect("a type"))
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "SEND",
            "DELIVERY",
            "BOUNCE",
            "COMPLAINT",
            "REJECT",
            "DELIVERY_DELAY"
        ])
    );
    let mailer = template
        .functions()
        .into_iter()
        .find(|f| f.binary == "mailer")
        .expect("the mailer");
    assert_eq!(
        mailer.properties["Environment"]["Variables"]["SES_CONFIGURATION_SET"]["Ref"],
        "MailConfigurationSet"
    );
    let reports = template
        .functions()
        .into_iter()
        .find(|f| f.binary == "delivery-events")
        .expect("the delivery-events function");
    let rule = reports.properties["Events"]
        .as_object()
        .expect("events")
        .values()
        .find(|e| e["Type"] == "EventBridgeRule")
        .expect("an EventBridge rule");
    let pattern = &rule["Properties"]["Pattern"];
    assert_eq!(pattern["source"], json!(["aws.ses"]));
    assert_eq!(
        pattern["detail"]["mail"]["tags"]["ses:configuration-set"],
        json!([{"Ref": "MailConfigurationSet"}])
    );
    let actions = role_actions(&template, "delivery-events");
    assert!(
        actions.iter().all(|a| [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:Query",
            "sqs:SendMessage"
        ]
        .contains(&a.as_str())),
        "{actions:?}"
    );
}

/// The site runs its own code only and is never framed: CloudFront adds the policy the local
/// gateway also serves (so the browser test runs the site under it).
#[test]
fn the_site_is_served_with_a_strict_content_security_policy() {
    let template = Template::load();
    let distribution = template
        .of_type("AWS::CloudFront::Distribution")
        .next()
        .expect("the site's distribution")
        .1;
    assert_eq!(
        distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
            ["ResponseHeadersPolicyId"]["Ref"],
        "SiteHeadersPolicy"
    );
    let csp = template.site_content_security_policy("eu-west-1", "https://b", &[]);
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval';",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // Styles: the site's own files, and the mail's inline style attributes by their hashes
    // (the Mail and reminders tab previews the mail's HTML, and CSP covers its frame too).
    let style_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("style-src "))
        .expect("a style-src");
    let mut allowed: Vec<String> = invitations_core::domain::mail::STYLES
        .iter()
        .map(|style| {
            use base64::Engine;
            use sha2::Digest;
            let hash = sha2::Sha256::digest(style.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(hash)
            )
        })
        .collect();
    allowed.insert(0, "'unsafe-hashes'".into());
    allowed.insert(0, "'self'".into());
    assert_eq!(style_src, format!("style-src {}", allowed.join(" ")));
    let security = &template.resources()["SiteHeadersPolicy"]["Properties"]
        ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];
    assert_eq!(security["FrameOptions"]["FrameOption"], "DENY");
    assert_eq!(security["ReferrerPolicy"]["ReferrerPolicy"], "same-origin");
    assert!(
        security["StrictTransportSecurity"]["AccessControlMaxAgeSec"].as_u64() >= Some(31_536_000)
    );
    // Issue 26: the site connects to its own hosts only: its own hosted UI and imports
    // bucket by name, and the API on its own origin when it has a domain; without one, the
    // execute-api address by pattern, in this region only (naming it would close a cycle).
    let directive = |csp: &str, name: &str| -> String {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in {csp}"))
            .to_owned()
    };
    let own = "https://${HostedUiPrefix}.auth.eu-west-1.amazoncognito.com \
        https://${ImportsBucketName}.s3.eu-west-1.amazonaws.com";
    let with_domain = template.site_content_security_policy_in_aws("eu-west-1", true);
    assert_eq!(
        directive(&with_domain, "connect-src"),
        format!("connect-src 'self' {own}")
    );
    let without = template.site_content_security_policy_in_aws("eu-west-1", false);
    assert_eq!(
        directive(&without, "connect-src"),
        format!("connect-src 'self' https://*.execute-api.eu-west-1.amazonaws.com {own}")
    );
    for csp in [&with_domain, &without] {
        assert_eq!(
            directive(csp, "form-action"),
            "form-action 'self' https://${HostedUiPrefix}.auth.eu-west-1.amazoncognito.com"
        );
    }
    // ${HostedUiPrefix} is the hosted UI's own prefix, written the same way.
    let variables = &template.resources()["SiteHeadersPolicy"]["Properties"]
        ["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
        ["ContentSecurityPolicy"]["Fn::Sub"][1];
    assert_eq!(
        variables["HostedUiPrefix"],
        template.resources()["UserPoolDomain"]["Properties"]["Domain"]
    );
    // No inline script in the page: the policy would block it.
    let index = std::fs::read_to_string(repo().join("site/static/index.html")).expect("index.html");
    assert!(!index.contains("<script>") && !index.contains("<script type=\"module\">"));
}

/// Only the upload path (URLs the add-invitations function presigns) and the operators' role
/// put files under imports/: anyone else with s3:PutObject could invite into any contract.
#[test]
fn only_the_upload_path_and_the_operators_role_put_files_under_imports() {
    let template = Template::load();
    let policy = template
        .of_type("AWS::S3::BucketPolicy")
        .find(|(_, p)| p["Properties"]["Bucket"]["Ref"] == "ImportsBucket")
        .expect("the imports bucket's policy")
        .1;
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements");
    let deny = statements
        .iter()
        .find(|s| s["Effect"] == "Deny" && s["Action"] == "s3:PutObject")
        .expect("a Deny on PutObject");
    assert_eq!(deny["Principal"], "*");
    assert_eq!(
        deny["Resource"]["Fn::Sub"],
        "${ImportsBucket.Arn}/imports/*"
    );
    let allowed = &deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"]["Fn::If"];
    assert_eq!(allowed[0], "HasOperatorsRole");
    let add_invitations = template
        .functions()
        .into_iter()
        .find(|f| f.binary == "add-invitations")
        .expect("add-invitations")
        .properties["Role"]
        .clone();
    assert_eq!(allowed[1][0], add_invitations);
    assert_eq!(allowed[1][1], json!({"Ref": "OperatorsRoleArn"}));
    assert_eq!(allowed[2], json!([add_invitations]));
    assert_eq!(
        template.doc["Parameters"]["OperatorsRoleArn"]["Default"],
        ""
    );
}

/// Per-client limits (issue 15, item 4): with its own domain the API is reachable only through
/// the site's distribution at /api/ (its execute-api address off), the distribution carries the
/// web ACL of infra/waf.yaml, whose rate rules count per client address and single out the
/// student routes, and the stage throttles stay behind it.
#[test]
fn with_a_domain_the_api_is_reached_only_through_cloudfront_and_its_per_client_limits() {
    let template = Template::load();
    let resources = template.resources();
    let api = &resources["HttpApi"]["Properties"];
    assert_eq!(
        api["StageName"], "api",
        "CloudFront's /api/ paths map to the stage as they are"
    );
    assert_eq!(
        api["DisableExecuteApiEndpoint"],
        json!({"Fn::If": ["HasApiDomain", true, false]})
    );
    assert_eq!(
        resources["ApiDomainMapping"]["Properties"]["ApiMappingKey"],
        "api"
    );
    assert_eq!(resources["ApiDomainMapping"]["Condition"], "HasApiDomain");

    let config = &resources["SiteDistribution"]["Properties"]["DistributionConfig"];
    assert_eq!(
        config["WebACLId"],
        json!({"Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]})
    );
    // Issue 26: WAF's rate-based rules cannot group IPv6 clients by /64, so with a web ACL the
    // distribution takes IPv4 only.
    assert_eq!(
        config["IPV6Enabled"],
        json!({"Fn::If": ["HasWebAcl", false, true]})
    );
    // The stage throttles are flood guards, shared by everyone: not low enough for one client
    // to shut out the others.
    let parameters = &template.doc["Parameters"];
    for name in ["PublicApiRateLimit", "PublicApiBurstLimit"] {
        assert!(
            parameters[name]["Default"].as_u64().unwrap_or_default() >= 200,
            "{name}: {}",
            parameters[name]["Default"]
        );
    }
    let api_origin = &config["Origins"][1]["Fn::If"];
    assert_eq!(api_origin[0], "HasApiDomain");
    assert_eq!(api_origin[1]["DomainName"], json!({"Ref": "ApiDomainName"}));
    let behaviour = &config["CacheBehaviors"]["Fn::If"][1][0];
    assert_eq!(behaviour["PathPattern"], "/api/*");
    assert_eq!(behaviour["TargetOriginId"], api_origin[1]["Id"]);
    // Managed policies: CachingDisabled (nobody gets another's answer) and
    // AllViewerExceptHostHeader (the Authorization header reaches the authorizer).
    assert_eq!(
        behaviour["CachePolicyId"],
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    );
    assert_eq!(
        behaviour["OriginRequestPolicyId"],
        "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    );
    let methods: BTreeSet<&str> = behaviour["AllowedMethods"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        methods.contains("POST") && methods.contains("OPTIONS"),
        "{methods:?}"
    );
    // Error pages would turn the API's own 403 and 404 into the app's index.html.
    assert!(config.get("CustomErrorResponses").is_none());
    let site = template.doc["Outputs"]["SiteConfig"]["Value"]["Fn::Sub"][0]
        .as_str()
        .expect("SiteConfig text");
    assert!(site.contains("\"api_base\":\"${ApiBase}\""), "{site}");

    // The web ACL's template.
    let waf: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(repo().join("infra/waf.yaml")).expect("infra/waf.yaml"),
    )
    .expect("YAML");
    let acl = &waf["Resources"]["WebAcl"]["Properties"];
    assert_eq!(acl["Scope"].as_str(), Some("CLOUDFRONT"));
    let rules = acl["Rules"].as_sequence().expect("rules");
    let rate_rules: Vec<_> = rules
        .iter()
        .filter(|r| !r["Statement"]["RateBasedStatement"].is_null())
        .collect();
    assert_eq!(
        rate_rules.len(),
        2,
        "one for the student routes, one for everything"
    );
    for rule in &rate_rules {
        let rate = &rule["Statement"]["RateBasedStatement"];
        assert_eq!(rate["AggregateKeyType"].as_str(), Some("IP"));
        assert_eq!(
            rule["Action"]["Block"]["CustomResponse"]["ResponseCode"].as_u64(),
            Some(429)
        );
    }
    let scoped: BTreeSet<String> = rate_rules[0]["Statement"]["RateBasedStatement"]
        ["ScopeDownStatement"]["OrStatement"]["Statements"]
        .as_sequence()
        .expect("the student rule names its paths")
        .iter()
        .map(|s| {
            s["ByteMatchStatement"]["SearchString"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let public: BTreeSet<String> = invitations_wire::routes::ROUTES
        .iter()
        .filter(|r| r.public)
        .map(|r| format!("/api{}", r.path))
        .collect();
    assert_eq!(
        scoped, public,
        "the student rule covers exactly the public routes"
    );
    // The backstop: the public routes keep their own stage throttle.
    let settings = api["RouteSettings"].as_object().expect("route settings");
    for route in invitations_wire::routes::ROUTES.iter().filter(|r| r.public) {
        assert!(settings.contains_key(&route.key()), "{}", route.key());
    }
}

/// The site's pages are the app wherever they are opened (a mailed /enrol link, a bookmarked
/// /contracts/...), while its own files are served as they are.
#[test]
fn the_site_pages_function_sends_app_paths_to_index_html_and_files_through() {
    let template = Template::load();
    let code = template.resources()["SitePagesFunction"]["Properties"]["FunctionCode"]
        .as_str()
        .expect("inline code");
    let start = code.find("\\.(").expect("the file pattern") + 3;
    let end = code[start..].find(")$").expect("end of the pattern") + start;
    let extensions: Vec<&str> = code[start..end].split('|').collect();
    let is_file = |path: &str| {
        let last = path.rsplit('/').next().unwrap_or("");
        last.rsplit_once('.')
            .is_some_and(|(_, ext)| extensions.contains(&ext))
    };
    let site = repo().join("site");
    let mut files: Vec<String> = std::fs::read_dir(site.join("static"))
        .expect("site/static")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // What scripts/build-site.sh adds beside them: the app's JavaScript and wasm.
    files.extend(["site.js".to_owned(), "site_bg.wasm".to_owned()]);
    for file in &files {
        assert!(is_file(&format!("/{file}")), "{file} is served as a file");
    }
    for page in [
        "/",
        "/enrol",
        "/contracts/DATA-SKILLS/imports",
        "/people",
        "/signed-in",
    ] {
        assert!(!is_file(page), "{page} is a page of the app");
    }
}

/// Issue 26: nobody can make the directory believe an address they never proved. The pool
/// keeps an account's proved address until the new one is confirmed; the site's app client
/// cannot write the address or the name, and offers no SRP sign-in (whose access token is what
/// a person would rewrite their own attributes with). moto does not enforce these settings,
/// so the code does not rely on them either: it believes `email_verified` only (tests in
/// functions/directory-sync, enrol-api and admin-api).
#[test]
fn no_account_can_claim_an_address_it_never_proved() {
    let template = Template::load();
    let pool = &template.resources()["UserPool"]["Properties"];
    assert_eq!(
        pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"],
        json!(["email"]),
        "a new address takes effect only once proved"
    );
    let client = &template.resources()["UserPoolClient"]["Properties"];
    let flows = client["ExplicitAuthFlows"]
        .as_array()
        .expect("explicit auth flows are listed (unlisted, Cognito allows SRP)");
    assert!(
        !flows.contains(&json!("ALLOW_USER_SRP_AUTH"))
            && !flows.contains(&json!("ALLOW_USER_PASSWORD_AUTH"))
            && !flows.contains(&json!("ALLOW_USER_AUTH")),
        "the site signs in through the hosted UI only: {flows:?}"
    );
    let writable = client["WriteAttributes"]
        .as_array()
        .expect("writable attributes are listed (unlisted, every one is writable)");
    assert!(!writable.is_empty(), "an empty list means every attribute");
    for held in [
        "email",
        "email_verified",
        "name",
        "given_name",
        "family_name",
    ] {
        assert!(
            !writable.contains(&json!(held)),
            "people may not write their own {held}"
        );
    }
    let scopes = client["AllowedOAuthScopes"].as_array().expect("scopes");
    assert!(
        !scopes.contains(&json!("aws.cognito.signin.user.admin")),
        "the hosted UI's access token cannot change attributes"
    );
}

/// Issue 26: test mails and their counters expire. The table's time to live reads the
/// attribute the store writes (`items::TTL`), as the test tables on moto do.
#[test]
fn short_lived_items_expire_by_the_table_s_time_to_live() {
    let template = Template::load();
    let ttl = &template.resources()["Table"]["Properties"]["TimeToLiveSpecification"];
    assert_eq!(
        ttl,
        &json!({"AttributeName": invitations_core::adapters::dynamo::items::TTL, "Enabled": true})
    );
}
