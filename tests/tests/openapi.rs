//! The OpenAPI document describes exactly the routes the handlers serve, with the right security,
//! and exactly the bodies of the wire crate (functions/wire), field by field.

use invitations_wire as wire;
use invitations_wire::routes;
use schemars::generate::SchemaSettings;
use serde_json::Value as Json;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/openapi.yaml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).expect("functions/openapi.yaml"))
        .expect("valid YAML")
}

fn served<'r>(
    routes: impl IntoIterator<Item = &'r invitations_wire::routes::Route>,
) -> BTreeSet<String> {
    routes.into_iter().map(|r| r.key()).collect()
}

#[test]
fn the_document_lists_exactly_the_served_routes() {
    let doc = document();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_mapping().expect("paths") {
        for (method, _) in item.as_mapping().expect("path item") {
            let method = method.as_str().unwrap().to_uppercase();
            documented.insert(format!("{method} {}", path.as_str().unwrap()));
        }
    }
    assert_eq!(documented, served(invitations_wire::routes::ROUTES));
}

#[test]
fn only_the_student_and_joiner_routes_are_public() {
    let doc = document();
    let public: BTreeSet<String> =
        served(invitations_wire::routes::ROUTES.iter().filter(|r| r.public));
    for route in invitations_wire::routes::ROUTES {
        let op = &doc["paths"][route.path][route.method.to_lowercase().as_str()];
        let open = op["security"].as_sequence().is_some_and(|s| s.is_empty());
        assert_eq!(open, public.contains(&route.key()), "{}", route.key());
        let responses = op["responses"].as_mapping().expect("responses");
        if !open {
            assert!(
                responses.contains_key("401"),
                "{} documents 401",
                route.key()
            );
        }
        assert!(
            ["200", "201", "202"]
                .iter()
                .any(|status| responses.contains_key(*status)),
            "{} documents its success",
            route.key()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The bodies: every schema of the document is a type of the wire crate, and says what it says
// ---------------------------------------------------------------------------------------------

/// The JSON Schemas of every body of the API, by type name (as the document names them):
/// responses as the server writes them, requests as it reads them. The bodies are those the
/// route table names (`routes::request_schemas`, `routes::response_schemas`), and the two
/// answers every route may give instead: a problem, and API Gateway's own message.
fn wire_schemas() -> BTreeMap<String, Json> {
    let mut responses = SchemaSettings::openapi3().for_serialize().into_generator();
    let mut requests = SchemaSettings::openapi3()
        .for_deserialize()
        .into_generator();
    responses.subschema_for::<wire::Problem>();
    responses.subschema_for::<wire::GatewayMessage>();
    for (_, schema) in routes::response_schemas() {
        schema(&mut responses);
    }
    for (name, schema) in routes::request_schemas() {
        // ReminderPlan (the body of POST .../reminders) is compared as Contract holds it:
        // schemars reads its `deserialize_with` fields as optional, but they are required both
        // ways.
        if name != "ReminderPlan" {
            schema(&mut requests);
        }
    }
    let mut all: BTreeMap<String, Json> = responses.take_definitions(true).into_iter().collect();
    // A type may be in both (an enum such as InvitationStatus), as long as it is one type.
    for (name, schema) in requests.take_definitions(true) {
        if let Some(before) = all.insert(name.clone(), schema.clone()) {
            assert_eq!(before, schema, "{name} is two different types");
        }
    }
    all
}

/// What a property holds, as far as this check looks: enum values are compared as sets, and
/// references to enums are replaced by their values (the document may inline them).
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    Scalar(String),
    Enum(BTreeSet<String>),
    Ref(String),
    Array(Box<Shape>),
    Map(Box<Shape>),
    Unknown(String),
}

fn ref_name(schema: &Json) -> Option<&str> {
    schema["$ref"]
        .as_str()
        .map(|r| r.trim_start_matches("#/components/schemas/"))
}

/// An alternative that only allows null: how schemars writes the `None` of an `Option<Enum>`.
fn is_null(schema: &Json) -> bool {
    schema["type"] == "null"
        || schema["enum"]
            .as_array()
            .is_some_and(|values| values.iter().all(Json::is_null))
}

fn enum_values(schema: &Json, defs: &BTreeMap<String, Json>) -> Option<BTreeSet<String>> {
    if let Some(name) = ref_name(schema) {
        return enum_values(&defs[name], defs);
    }
    if let Some(values) = schema["enum"].as_array() {
        return Some(
            values
                .iter()
                .filter_map(Json::as_str)
                .map(Into::into)
                .collect(),
        );
    }
    if let Some(value) = schema["const"].as_str() {
        return Some(BTreeSet::from([value.to_owned()]));
    }
    let alternatives = ["oneOf", "anyOf", "allOf"]
        .iter()
        .find_map(|k| schema[*k].as_array())?;
    let mut values = BTreeSet::new();
    for alternative in alternatives.iter().filter(|a| !is_null(a)) {
        values.extend(enum_values(alternative, defs)?);
    }
    Some(values)
}

fn shape(schema: &Json, defs: &BTreeMap<String, Json>) -> Shape {
    if let Some(values) = enum_values(schema, defs) {
        return Shape::Enum(values);
    }
    if let Some(name) = ref_name(schema) {
        return Shape::Ref(name.to_owned());
    }
    if let Some(alternatives) = ["oneOf", "anyOf", "allOf"]
        .iter()
        .find_map(|k| schema[*k].as_array())
    {
        let not_null: Vec<_> = alternatives.iter().filter(|a| !is_null(a)).collect();
        if let [only] = not_null[..] {
            return shape(only, defs);
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Json::String(t) => vec![t.as_str()],
        Json::Array(ts) => ts.iter().filter_map(Json::as_str).collect(),
        _ => vec![],
    };
    match types.into_iter().find(|t| *t != "null") {
        Some("array") => Shape::Array(Box::new(shape(&schema["items"], defs))),
        Some("object") if schema["additionalProperties"].is_object() => {
            Shape::Map(Box::new(shape(&schema["additionalProperties"], defs)))
        }
        Some(t) => Shape::Scalar(t.to_owned()),
        None => Shape::Unknown(schema.to_string()),
    }
}

fn nullable(schema: &Json) -> bool {
    schema["nullable"] == true
        || schema["type"]
            .as_array()
            .is_some_and(|ts| ts.iter().any(|t| t == "null"))
        || ["oneOf", "anyOf"]
            .iter()
            .filter_map(|k| schema[*k].as_array())
            .any(|alternatives| alternatives.iter().any(is_null))
}

fn names(list: &Json) -> BTreeSet<String> {
    list.as_array()
        .map(|l| l.iter().filter_map(Json::as_str).map(Into::into).collect())
        .unwrap_or_default()
}

fn documented_schemas() -> BTreeMap<String, Json> {
    let doc: Json = serde_json::to_value(document()).expect("YAML as JSON");
    serde_json::from_value(doc["components"]["schemas"].clone()).expect("schemas")
}

#[test]
fn every_documented_schema_is_a_wire_type_and_every_wire_type_is_documented() {
    let documented: BTreeSet<String> = documented_schemas().into_keys().collect();
    let wire: BTreeSet<String> = wire_schemas().into_keys().collect();
    assert_eq!(documented, wire);
}

#[test]
fn documented_schemas_have_the_wire_types_fields_required_fields_and_values() {
    let documented = documented_schemas();
    let wire = wire_schemas();
    let mut disagreements = Vec::new();
    for (name, ours) in &wire {
        let Some(theirs) = documented.get(name) else {
            continue; // reported by the test above
        };
        let mut differ = |what: &str, doc: String, wire: String| {
            if doc != wire {
                disagreements.push(format!("{name}{what}: document {doc}, type {wire}"));
            }
        };
        if let Some(values) = enum_values(ours, &wire) {
            let doc = enum_values(theirs, &documented);
            differ(" values", format!("{doc:?}"), format!("{:?}", Some(values)));
            continue;
        }
        let (doc_props, wire_props) = (&theirs["properties"], &ours["properties"]);
        let keys = |props: &Json| -> BTreeSet<String> {
            props
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        differ(
            " properties",
            format!("{:?}", keys(doc_props)),
            format!("{:?}", keys(wire_props)),
        );
        differ(
            " required",
            format!("{:?}", names(&theirs["required"])),
            format!("{:?}", names(&ours["required"])),
        );
        differ(
            " refuses unknown fields",
            format!("{}", theirs["additionalProperties"] == false),
            format!("{}", ours["additionalProperties"] == false),
        );
        for key in keys(doc_props).intersection(&keys(wire_props)) {
            let (doc, ty) = (&doc_props[key], &wire_props[key]);
            differ(
                &format!(".{key}"),
                format!("{:?}", shape(doc, &documented)),
                format!("{:?}", shape(ty, &wire)),
            );
            differ(
                &format!(".{key} nullable"),
                nullable(doc).to_string(),
                nullable(ty).to_string(),
            );
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn every_body_of_every_route_is_a_documented_wire_type() {
    let doc: Json = serde_json::to_value(document()).expect("YAML as JSON");
    let wire = wire_schemas();
    let body_type = |content: &Json, media: &str| -> Option<String> {
        ref_name(&content[media]["schema"]).map(Into::into)
    };
    for route in invitations_wire::routes::ROUTES {
        let op = &doc["paths"][route.path][route.method.to_lowercase().as_str()];
        // The document's request body is the route table's.
        let request = op["requestBody"]["content"]
            .is_object()
            .then(|| body_type(&op["requestBody"]["content"], "application/json"))
            .flatten();
        assert_eq!(
            request.as_deref(),
            route.request.map(|b| b.name),
            "{}: the document's request body is not the table's",
            route.key()
        );
        if let Some(body) = &request {
            assert!(
                wire.contains_key(body),
                "{}: {body} is not a wire type",
                route.key()
            );
        }
        for (status, response) in op["responses"].as_object().expect("responses") {
            // A shared response (`#/components/responses/Problem`) stands for its definition.
            let response = match response["$ref"].as_str() {
                Some(shared) => {
                    let name = shared.trim_start_matches("#/components/responses/");
                    &doc["components"]["responses"][name]
                }
                None => response,
            };
            // A file to download is text, not a wire type.
            if status.starts_with('2') && response["content"]["text/csv"].is_object() {
                assert_eq!(response["content"]["text/csv"]["schema"]["type"], "string");
                assert_eq!(
                    route.response,
                    None,
                    "{}: the table has a body",
                    route.key()
                );
                continue;
            }
            if status.starts_with('2') {
                assert_eq!(
                    body_type(&response["content"], "application/json").as_deref(),
                    route.response.map(|b| b.name),
                    "{} {status}: the document's body is not the table's",
                    route.key()
                );
            }
            let (media, expected) = if status.starts_with('2') {
                ("application/json", None)
            } else {
                ("application/problem+json", Some("Problem"))
            };
            let body = body_type(&response["content"], media);
            assert!(
                body.as_ref().is_some_and(|b| wire.contains_key(b))
                    && expected.is_none_or(|e| body.as_deref() == Some(e)),
                "{} {status}: body {body:?} is not a wire type",
                route.key()
            );
            // Issue 26: a route behind the JWT authorizer may also be refused by API Gateway
            // itself, with its own body, and the document says so.
            if status == "401" {
                assert_eq!(
                    body_type(&response["content"], "application/json").as_deref(),
                    Some("GatewayMessage"),
                    "{} 401: API Gateway's own answer is not documented",
                    route.key()
                );
            }
        }
    }
}
