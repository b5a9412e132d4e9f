//! Retention (issue 32): the periods an operator sets are parameters with defaults, every
//! function that may write the audit is told the audit period, and the imports bucket's
//! lifecycle rules expire import files and reports by their parameters.

use crate::helpers::*;
use invitations_core::adapters::dynamo::items::AUDIT_KEPT_DAYS;
use local_stack::template::{ExpiryRule, Template};
use serde_json::{json, Value};

fn parameter<'a>(template: &'a Template, name: &str) -> &'a Value {
    let p = &template.doc["Parameters"][name];
    assert!(p.is_object(), "no parameter {name}");
    p
}

#[test]
fn the_retention_periods_are_parameters_with_defaults() {
    let template = Template::load();
    for (name, default) in [
        ("AuditRetentionDays", AUDIT_KEPT_DAYS),
        ("ImportRetentionDays", 30),
        ("ReportRetentionDays", 90),
    ] {
        let p = parameter(&template, name);
        assert_eq!(p["Type"], "Number", "{name}");
        assert_eq!(p["MinValue"], 1, "{name}: at least a day");
        assert_eq!(template.parameter_default(name), Some(default), "{name}");
        assert!(
            p["Description"].as_str().is_some_and(|d| d.len() > 40),
            "{name}: a description an operator can act on"
        );
    }
    // The code's default (a function without the variable) is the template's.
    assert_eq!(
        template.parameter_default("AuditRetentionDays"),
        Some(AUDIT_KEPT_DAYS)
    );
}

/// Whether `binary`'s role may put items into contracts' partitions, where the audit and the
/// history live (`CONTRACT#<id>`, `AUDIT#...` and `HISTORY#...`).
fn may_write_the_audit(template: &Template, binary: &str) -> bool {
    role_statements(template, binary).iter().any(|s| {
        let actions = match &s["Action"] {
            Value::String(a) => vec![a.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let partitions = &s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"];
        actions
            .iter()
            .any(|a| *a == "dynamodb:PutItem" || *a == "dynamodb:*")
            && (partitions.is_null()
                || partitions
                    .as_array()
                    .is_some_and(|p| p.contains(&json!("CONTRACT#*"))))
    })
}

/// Every function that may write audit records gets AUDIT_RETENTION_DAYS from the parameter
/// (and reads it: the environment check in functions.rs holds every variable set to a read);
/// no other function gets it.
#[test]
fn every_function_that_writes_the_audit_is_told_the_audit_period() {
    let template = Template::load();
    let mut told = Vec::new();
    for f in template.functions() {
        let set = &f.properties["Environment"]["Variables"]["AUDIT_RETENTION_DAYS"];
        if may_write_the_audit(&template, &f.binary) {
            assert_eq!(
                ref_to(set),
                Some("AuditRetentionDays"),
                "{} may write the audit but is not told how long to keep it",
                f.logical_id
            );
            told.push(f.binary.clone());
        } else {
            assert!(
                set.is_null(),
                "{} writes no audit, yet sets AUDIT_RETENTION_DAYS",
                f.logical_id
            );
        }
    }
    // The scan found the writers (the audit's own functions among them).
    for writer in [
        "add-invitations",
        "revoke",
        "enrol",
        "mailer",
        "import",
        "delivery-events",
        "reminders",
    ] {
        assert!(told.iter().any(|b| b == writer), "{writer}: {told:?}");
    }
}

/// The imports bucket's lifecycle: uploaded files and reports expire by their parameters (the
/// local stack's expiry reads the same rules).
#[test]
fn import_files_and_reports_expire_by_their_parameters() {
    let template = Template::load();
    let rules = template.expiry_rules("ImportsBucket");
    assert_eq!(
        rules,
        vec![
            ExpiryRule {
                id: "expire-imports".into(),
                prefix: "imports/".into(),
                parameter: Some("ImportRetentionDays".into()),
                days: 30,
            },
            ExpiryRule {
                id: "expire-reports".into(),
                prefix: "reports/".into(),
                parameter: Some("ReportRetentionDays".into()),
                days: 90,
            },
            // Subject access exports (issue 32): a day to download one, not a parameter.
            ExpiryRule {
                id: "expire-privacy-exports".into(),
                prefix: "privacy/".into(),
                parameter: None,
                days: 1,
            },
        ]
    );
}
