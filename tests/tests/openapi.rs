//! The OpenAPI document describes exactly the routes the handlers serve, with the right security.

use serde_yaml_ng::Value;
use std::collections::BTreeSet;

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../functions/openapi.yaml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).expect("functions/openapi.yaml"))
        .expect("valid YAML")
}

fn served(routes: &[invitations_core::http::Route]) -> BTreeSet<String> {
    routes.iter().map(|r| r.key()).collect()
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
    let admin: Vec<_> = admin_api::functions::all_routes().copied().collect();
    let served: BTreeSet<String> = served(&admin)
        .union(&served(enrol_api::ROUTES))
        .cloned()
        .collect();
    assert_eq!(documented, served);
}

#[test]
fn only_the_student_routes_are_public() {
    let doc = document();
    let public: BTreeSet<String> = served(enrol_api::ROUTES);
    for route in admin_api::functions::all_routes().chain(enrol_api::ROUTES) {
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
            responses.contains_key("200") || responses.contains_key("201"),
            "{} documents its success",
            route.key()
        );
    }
}
