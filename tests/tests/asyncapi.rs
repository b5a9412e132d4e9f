//! functions/asyncapi.yaml, the AsyncAPI 3.0 document of the product's events (what the
//! `events` function puts on the stack's EventBridge bus), is made from the wire crate's
//! `events` module: one message per event type, each type's payload the JSON Schema (draft 7,
//! as AsyncAPI's schema format takes it) of `ProductEvent` with that type's `data`. The test
//! fails when the document and the types differ; `UPDATE_ASYNCAPI=1` rewrites the document.

use invitations_wire::events::{
    ContractEvent, DataKind, EventType, ImportEvent, InvitationEvent, JoinEvent, ProductEvent,
    EVENT_SOURCE,
};
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

fn path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions/asyncapi.yaml")
}

/// The document as the types make it.
fn from_the_types() -> Value {
    let mut settings = SchemaSettings::draft07().for_serialize();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    generator.subschema_for::<ProductEvent>();
    generator.subschema_for::<InvitationEvent>();
    generator.subschema_for::<ImportEvent>();
    generator.subschema_for::<ContractEvent>();
    generator.subschema_for::<JoinEvent>();
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    let mut messages = Map::new();
    for kind in EventType::ALL {
        let data = match kind.data_kind() {
            DataKind::Invitation => "InvitationEvent",
            DataKind::Import => "ImportEvent",
            DataKind::Contract => "ContractEvent",
            DataKind::Join => "JoinEvent",
        };
        messages.insert(
            kind.as_str().to_owned(),
            json!({
                "name": kind.as_str(),
                "title": kind.as_str(),
                "summary": format!("EventBridge detail-type `{}`; its `data` is {data}.", kind.as_str()),
                "contentType": "application/json",
                "payload": {
                    "allOf": [
                        { "$ref": "#/components/schemas/ProductEvent" },
                        {
                            "type": "object",
                            "properties": {
                                "type": { "const": kind.as_str() },
                                "data": { "$ref": format!("#/components/schemas/{data}") }
                            }
                        }
                    ]
                }
            }),
        );
    }
    let refs: Vec<Value> = EventType::ALL
        .iter()
        .map(|k| json!({ "$ref": format!("#/channels/productEvents/messages/{}", k.as_str()) }))
        .collect();
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "Learning Contract invitations: product events",
            "version": "1.0.0",
            "description": format!(
                "One event per change of state, on the stack's EventBridge bus (the template's \
                 `EventBus`, output `EventBusName`), with source `{EVENT_SOURCE}` and the event's \
                 type as its detail-type; the event itself is the EventBridge event's `detail`. \
                 Delivered at least once: `id` is the same however often a change is delivered, \
                 so consumers drop repeats by it. Thin: ids, the contract, the address, who \
                 acted, never a link or its token. Made from functions/wire/src/events.rs \
                 (tests/tests/asyncapi.rs)."
            )
        },
        "channels": {
            "productEvents": {
                "address": "the stack's EventBus",
                "description": "Every product event, detail-type = its type.",
                "messages": messages
            }
        },
        "operations": {
            "receiveProductEvents": {
                "action": "receive",
                "summary": "An EventBridge rule on the bus (source and detail-type) hands events to its targets.",
                "channel": { "$ref": "#/channels/productEvents" },
                "messages": refs
            }
        },
        "components": { "schemas": schemas }
    })
}

#[test]
fn the_asyncapi_document_is_what_the_event_types_make() {
    let made = from_the_types();
    if std::env::var_os("UPDATE_ASYNCAPI").is_some() {
        let text = serde_yaml_ng::to_string(&made).expect("YAML");
        std::fs::write(path(), format!("# Made by tests/tests/asyncapi.rs from functions/wire/src/events.rs: do not edit by hand\n# (UPDATE_ASYNCAPI=1 cargo test -p system-tests --test asyncapi rewrites it).\n{text}"))
            .expect("writing functions/asyncapi.yaml");
    }
    let text = std::fs::read_to_string(path()).expect("functions/asyncapi.yaml");
    let documented: Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
    assert!(
        documented == made,
        "functions/asyncapi.yaml differs from the event types: run \
         UPDATE_ASYNCAPI=1 cargo test -p system-tests --test asyncapi"
    );
}

#[test]
fn every_event_type_has_its_message_and_every_message_a_type() {
    let text = std::fs::read_to_string(path()).expect("functions/asyncapi.yaml");
    let documented: Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
    let messages: Vec<&String> = documented["channels"]["productEvents"]["messages"]
        .as_object()
        .expect("messages")
        .keys()
        .collect();
    let mut types: Vec<&str> = EventType::ALL.iter().map(|k| k.as_str()).collect();
    types.sort_unstable();
    let mut messages: Vec<&str> = messages.into_iter().map(String::as_str).collect();
    messages.sort_unstable();
    assert_eq!(messages, types);
    // Each type's data is the shape it says: an import's event is no invitation's.
    let data = |kind: &str| {
        documented["channels"]["productEvents"]["messages"][kind]["payload"]["allOf"][1]
            ["properties"]["data"]["$ref"]
            .clone()
    };
    assert_eq!(data("import.finished"), "#/components/schemas/ImportEvent");
    assert_eq!(
        data("enrolment.created"),
        "#/components/schemas/InvitationEvent"
    );
    assert_eq!(
        data("contract.seats_exhausted"),
        "#/components/schemas/ContractEvent"
    );
}
