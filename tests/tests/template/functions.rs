//! Every function binary has one function resource, the HTTP API declares exactly the route
//! table, and every environment variable a function reads is set on it.

use crate::helpers::{
    calls, config_helpers, function_binaries, literal_reads, ref_to, repo, served_routes,
    EMULATOR_ONLY,
};
use local_stack::template::Template;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

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
        // The scan works: a function that builds the store reads the table's name (the events
        // function reads only the stream, which its trigger hands it).
        assert!(
            reads.contains("TABLE_NAME") || !source.contains("DynamoStore"),
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
