//! The table, its time to live, the failure queues and the SES reports.

use crate::helpers::role_actions;
use local_stack::template::Template;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

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
    assert_eq!(filters.len(), 4);
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
    // The deliveries disabled a webhook endpoint: the mail to its owner, queued.
    assert_eq!(
        pattern(2)["dynamodb"]["NewImage"],
        json!({"type": {"S": ["webhook_endpoint"]}, "owner_notice": {"S": ["queued"]}})
    );
    assert_eq!(pattern(2)["eventName"], json!(["MODIFY"]));
    // A joiner asked to prove their address, or an admin refused a request: a new mail item,
    // queued (issue 30); an admin's notice about their contract (issue 31).
    assert_eq!(
        pattern(3)["dynamodb"]["NewImage"],
        json!({"type": {"S": ["join_proof", "join_refusal", "admin_notice"]}, "delivery": {"S": ["queued"]}})
    );
    assert_eq!(pattern(3)["eventName"], json!(["INSERT"]));
    assert!(s["MaximumRetryAttempts"].is_u64());
    let queue = s["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
        .as_str()
        .expect("an on-failure destination");
    assert_eq!(template.resources()[queue]["Type"], "AWS::SQS::Queue");
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

/// Every failure queue has an alarm that tells the operators' topic, and the sweeper that
/// re-queues stuck sends runs on a schedule with only the index and item calls it makes.
#[test]
fn failure_queues_raise_alarms_and_the_send_sweeper_runs_on_a_schedule() {
    let template = Template::load();
    // Work queues start a function (issue 33: a large import's chunks); every other queue
    // holds what failed.
    let functions = template.functions();
    let work: BTreeSet<&str> = functions
        .iter()
        .flat_map(|f| f.properties["Events"].as_object().into_iter().flatten())
        .filter(|(_, event)| event["Type"] == "SQS")
        .filter_map(|(_, event)| event["Properties"]["Queue"]["Fn::GetAtt"][0].as_str())
        .collect();
    let queues: BTreeSet<&str> = template
        .of_type("AWS::SQS::Queue")
        .map(|(id, _)| id.as_str())
        .filter(|id| !work.contains(id))
        .collect();
    // A work queue's messages that keep failing go to an (alarmed) failure queue.
    for queue in &work {
        let target = &template.resources()[*queue]["Properties"]["RedrivePolicy"]
            ["deadLetterTargetArn"]["Fn::GetAtt"][0];
        assert!(
            target.as_str().is_some_and(|t| queues.contains(t)),
            "{queue} sends what fails to a failure queue"
        );
    }
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
    // (invitation, contract counter, audit and history items), Query on its index, and for the
    // funnel's one-time backfill on a contract's partition and the contracts' index; the names
    // of the people an admin's notice tells of (issue 31); the one-time move of invitations
    // from before the shards deletes each old copy (issue 33).
    assert_eq!(
        role_actions(&template, "reminders"),
        [
            "dynamodb:BatchGetItem",
            "dynamodb:DeleteItem",
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
    let statements = role.as_array().expect("statements");
    let query = statements
        .iter()
        .find(|st| st["Action"] == "dynamodb:Query")
        .expect("a Query statement on indexes");
    let indexes: Vec<&str> = query["Resource"]
        .as_array()
        .expect("index resources")
        .iter()
        .map(|r| r["Fn::Sub"].as_str().expect("an index"))
        .collect();
    assert_eq!(
        indexes,
        ["${Table.Arn}/index/by_remind_at", "${Table.Arn}/index/gsi1"]
    );
    // On the table, the contracts' partitions only.
    for st in statements
        .iter()
        .filter(|st| st["Resource"]["Fn::GetAtt"][0] == "Table")
    {
        assert_eq!(
            st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"],
            json!(["CONTRACT#*"]),
            "{st}"
        );
    }
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

/// Issue 32: every way in reads the do-not-invite list (by hash, `DONOTINVITE#`) and may take
/// back an invitation written as its person went onto it; only the privacy function writes
/// the list.
#[test]
fn every_way_in_reads_the_do_not_invite_list_and_only_the_privacy_function_writes_it() {
    let template = Template::load();
    let reads_list = |binary: &str| {
        crate::helpers::role_statements(&template, binary)
            .iter()
            .any(|st| {
                st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
                    == json!(["DONOTINVITE#*"])
                    && st["Action"] == "dynamodb:BatchGetItem"
            })
    };
    for binary in [
        "add-invitations",
        "correct-address",
        "join",
        "join-links",
        "import",
        "waiting-list",
        "mailer",
    ] {
        assert!(reads_list(binary), "{binary} does not read the list");
    }
    for f in template.functions() {
        for st in crate::helpers::role_statements(&template, &f.binary) {
            let actions = st["Action"].to_string();
            let keys =
                st["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"].to_string();
            if ["PutItem", "UpdateItem", "DeleteItem"]
                .iter()
                .any(|w| actions.contains(w))
                && keys.contains("DONOTINVITE#")
            {
                assert_eq!(f.binary, "privacy", "{st}");
            }
        }
    }
}
