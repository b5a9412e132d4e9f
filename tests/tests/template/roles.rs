//! Each role allows only what its function does: actions, item kinds (LeadingKeys), the link
//! key, the imports bucket.

use crate::helpers::{role_actions, role_statements, served_by_http};
use local_stack::template::Template;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

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
    // Forgetting a person (issue 32) deletes their accounts, found by address; nothing else.
    assert_eq!(
        pool_actions("privacy"),
        set(&["ListUsers", "AdminDeleteUser"])
    );
    for f in template.functions() {
        if !["enrol", "directory-sync", "people", "privacy"].contains(&f.binary.as_str()) {
            assert!(pool_actions(&f.binary).is_empty(), "{}", f.binary);
        }
    }
    // Only the privacy function scans the table: finding a person everywhere has no key to
    // ask by. Every other role reads by key or index.
    for f in template.functions() {
        let scans = role_actions(&template, &f.binary).contains("dynamodb:Scan");
        assert_eq!(scans, f.binary == "privacy", "{}", f.binary);
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
                    && (binary == "enrol" || served_by_http(binary)))
                // people presigns the download links of privacy exports (issue 32).
                || (a == "s3:GetObject" && binary == "people")),
            "{binary}: {actions:?}"
        );
        // Deleting is for the directory's address pointers (a person's address changed), and
        // for the reminder run's one-time move of invitations to their shards (issue 33).
        let deletes = ["people", "directory-sync", "reminders"].contains(&binary);
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
    // the same transaction (PutItem); it reads the do-not-invite list before sending
    // (BatchGetItem, issue 32); it deletes nothing.
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
            "dynamodb:BatchGetItem",
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
            // The privacy function's scan (checked above: its role alone has one).
            if statement["Resource"] != json!({"Fn::GetAtt": ["Table", "Arn"]})
                || statement["Action"] == "dynamodb:Scan"
            {
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
                // privacy: a forgotten person's block goes with them.
                ["delivery-events", "correct-address", "privacy"].contains(&binary.as_str()),
                "{binary} may write blocks"
            );
        }
        if keys.contains("USER#*") || keys.contains("USEREMAIL#*") {
            assert!(
                ["enrol", "people", "directory-sync", "privacy"].contains(&binary.as_str()),
                "{binary} may write people"
            );
        }
    }
    assert!(
        !written.contains_key("admin-read"),
        "admin-read writes nothing"
    );
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
        // The webhook sealing key is read by the functions that set its variable (and that
        // secret only); the test below holds the link key to the same rule.
        let sealing = vars.get("WEBHOOK_SEALING_SECRET").cloned();
        if let Some(sealing) = &sealing {
            assert_eq!(
                sealing,
                &json!({"Ref": "WebhookSealingSecret"}),
                "{}",
                f.logical_id
            );
        }
        let secret_reads = |binary: &str| -> Vec<Value> {
            role_statements(&template, binary)
                .into_iter()
                .filter(|s| s["Action"] == "secretsmanager:GetSecretValue")
                .filter(|s| s["Resource"] != json!({"Ref": "OriginSecret"}))
                .filter(|s| Some(&s["Resource"]) != sealing.as_ref())
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
