//! The results of adding people, one line a person.

use crate::helpers::*;
use site::api::*;
use site::components::person_results::PersonResults;
use yew::prelude::*;

#[test]
fn results_per_person_are_in_words() {
    let result: AddResult = serde_json::from_value(serde_json::json!({
        "results": [
            {"input": "u1", "email": "ann@example.com", "outcome": "invited", "invitation_id": "i1", "detail": "invited"},
            {"input": "not-an-email", "email": null, "outcome": "invalid_email", "invitation_id": null, "detail": "invalid email address: missing @"},
            {"input": "u3", "email": "cy@example.com", "outcome": "already_enrolled", "invitation_id": "i3", "detail": "already enrolled"}
        ],
        "summary": {"invited": 1, "invalid_email": 1, "already_enrolled": 1}
    }))
    .unwrap();
    let t = text(&render(move || html! { <PersonResults {result} /> }));
    assert!(t.contains("1 person invited, 2 not"));
    assert!(t.contains("Invalid email") && t.contains("invalid email address: missing @"));
    assert!(t.contains("cy@example.comAlready enrolled"));
}
