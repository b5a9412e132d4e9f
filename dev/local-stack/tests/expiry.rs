//! Retention on the emulators (issue 32): with a short period, the local stack's expiry task
//! deletes an audit record and its history once past their `ttl`, and an import file once
//! older than its lifecycle rule, as DynamoDB's TTL and S3's lifecycle do in AWS; what has no
//! `ttl`, or a rule not yet due, stays.

use chrono::{Duration, Utc};
use invitations_core::adapters::DynamoStore;
use invitations_core::domain::{EmailAddress, InviteOutcome, RevokeDecision, Source, UserId};
use invitations_core::ports::{
    ContractStore, InvitationStore, Invitee, NewInvitations, TransitionStore,
};
use local_stack::expiry::{Expiry, Retention};
use local_stack::provision::{self, Names};
use local_stack::template::Template;
use testkit::{emulators, sdk_config};

/// The template's periods: what a deploy with the defaults keeps.
#[test]
fn the_local_stack_keeps_things_as_long_as_the_template_s_defaults_or_one_short_period() {
    let template = Template::load();
    let defaults = Retention::template_defaults(&template);
    assert_eq!(defaults.audit, Duration::days(730));
    for rule in [
        ("imports/".to_owned(), Duration::days(30)),
        ("reports/".to_owned(), Duration::days(90)),
    ] {
        assert!(defaults.objects.contains(&rule), "{rule:?}: {defaults:?}");
    }
    let short = Retention::every(&template, Duration::minutes(10));
    assert_eq!(short.audit, Duration::minutes(10));
    assert_eq!(short.objects.len(), defaults.objects.len());
    assert!(short
        .objects
        .iter()
        .all(|(_, p)| *p == Duration::minutes(10)));
}

#[tokio::test]
async fn with_a_short_period_an_audit_record_and_an_import_file_go() {
    let emulators = tokio::task::spawn_blocking(emulators)
        .await
        .unwrap()
        .clone();
    let sdk = sdk_config(&emulators.aws);
    let dynamodb = aws_sdk_dynamodb::Client::new(&sdk);
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let bus = aws_sdk_eventbridge::Client::new(&sdk);
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    let names = Names::with_prefix(&format!("expiry-{tag}"));
    provision::create(&dynamodb, &s3, &sqs, &bus, &names, "http://127.0.0.1:1")
        .await
        .expect("resources");
    let period = Duration::seconds(2);
    let store = DynamoStore::new(dynamodb.clone(), &names.table).with_audit_retention(period);

    // An invitation, revoked: two audit records and two history items, each kept two seconds.
    let now = Utc::now();
    let contract = local_stack::seed::demo_contracts(now, "ada-admin", "grace-admin").remove(0);
    store.put_contract(&contract).await.unwrap();
    let ada = UserId::parse("ada-admin").unwrap();
    let outcomes = store
        .create_invitations(NewInvitations {
            contract: &contract,
            activities: &[],
            invited_by: &ada,
            now,
            invitees: &[Invitee {
                email: EmailAddress::parse("robin@expiry.example").unwrap(),
                user_id: None,
                name: None,
                source: Source::Manual,
                options: Default::default(),
            }],
        })
        .await
        .unwrap();
    let id = match &outcomes[0] {
        InviteOutcome::Invited { invitation_id } => invitation_id.clone(),
        other => panic!("not invited: {other:?}"),
    };
    assert_eq!(
        store.revoke(&contract.id, &id, &ada, now).await.unwrap(),
        RevokeDecision::Revoke
    );
    // The audit is in the contract's partition, the invitation's history in its shard.
    let kept = |pk: String, prefix: &'static str| {
        let dynamodb = dynamodb.clone();
        let table = names.table.clone();
        async move {
            dynamodb
                .query()
                .table_name(table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(pk))
                .expression_attribute_values(
                    ":p",
                    aws_sdk_dynamodb::types::AttributeValue::S(prefix.into()),
                )
                .consistent_read(true)
                .send()
                .await
                .unwrap()
                .count()
        }
    };
    use invitations_core::adapters::dynamo::items::{contract_pk, history_pk};
    let audits = || kept(contract_pk(&contract.id), "AUDIT#");
    let histories = || kept(history_pk(&contract.id, &id), "HISTORY#");
    assert_eq!(audits().await, 2);
    assert_eq!(histories().await, 2);

    // An import file under the short rule, a report under a rule not yet due.
    for key in ["imports/voucher/list.csv", "reports/voucher/report.csv"] {
        s3.put_object()
            .bucket(&names.bucket)
            .key(key)
            .body(b"email\nrobin@expiry.example\n".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let expiry = Expiry {
        dynamodb: dynamodb.clone(),
        table: names.table.clone(),
        s3: s3.clone(),
        bucket: names.bucket.clone(),
        objects: vec![
            ("imports/".to_owned(), period),
            ("reports/".to_owned(), Duration::hours(1)),
        ],
    };
    // Nothing is due yet.
    let first = expiry.pass(Utc::now()).await.unwrap();
    assert_eq!(first.objects, 0);
    assert_eq!(audits().await, 2);

    let task = tokio::spawn(expiry.clone().run(std::time::Duration::from_millis(500)));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let objects = || async {
        s3.list_objects_v2()
            .bucket(&names.bucket)
            .send()
            .await
            .unwrap()
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    loop {
        let gone = audits().await == 0
            && histories().await == 0
            && !objects()
                .await
                .contains(&"imports/voucher/list.csv".to_owned());
        if gone {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still there after 30 s: audit {}, history {}, objects {:?}",
            audits().await,
            histories().await,
            objects().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    task.abort();

    // The audit reads empty; the invitation (no ttl) and the report (its rule not due) stay.
    assert!(store.list_audit(&contract.id, 10).await.unwrap().is_empty());
    assert!(store
        .get_invitation(&contract.id, &id)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        objects().await,
        vec!["reports/voucher/report.csv".to_owned()]
    );
}
