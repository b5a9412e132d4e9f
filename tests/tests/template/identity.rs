//! Who is who: the administrators group and proved addresses.

use local_stack::template::Template;
use serde_json::json;
use std::collections::BTreeSet;

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
