//! Uploads through the bucket notification, and an announced upload's one file.

use crate::helpers::*;
use ::import::handle;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;

#[tokio::test]
async fn an_upload_through_the_bucket_notification_is_imported() {
    use aws_sdk_s3::types::{Event, NotificationConfiguration, QueueConfiguration};
    let w = World::new().await;
    let sqs = aws_sdk_sqs::Client::new(&w.env.sdk);
    let queue = sqs
        .create_queue()
        .queue_name(format!("imports-{}", w.env.tag))
        .send()
        .await
        .unwrap();
    let queue_url = queue.queue_url().unwrap().to_owned();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone();
    w.env
        .s3
        .put_bucket_notification_configuration()
        .bucket(&w.env.bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(
                    QueueConfiguration::builder()
                        .queue_arn(arn)
                        .events(Event::S3ObjectCreated)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let csv = format!("{}\n{}\n", w.env.email("n1"), w.env.email("n2"));
    w.put(
        "imports/V1/from the notification.csv",
        csv.into_bytes(),
        None,
    )
    .await;

    let mut event = None;
    for _ in 0..20 {
        let got = sqs
            .receive_message()
            .queue_url(&queue_url)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        if let Some(message) = got
            .messages()
            .iter()
            .find(|m| m.body().is_some_and(|b| b.contains("ObjectCreated")))
        {
            event = Some(
                serde_json::from_value::<aws_lambda_events::event::s3::S3Event>(
                    testkit::s3_event_as_aws_sends_it(message.body().unwrap()),
                )
                .unwrap(),
            );
            break;
        }
    }
    let event = event.expect("S3 sent a notification");
    assert!(
        event.records[0]
            .s3
            .object
            .key
            .as_deref()
            .unwrap()
            .contains('+'),
        "keys arrive URL-encoded"
    );
    handle(&w.app, event).await.unwrap();
    let import = &w.imports("V1").await[0];
    assert_eq!(
        (import.status.clone(), import.counts.invited),
        (ImportStatus::Done, 2)
    );
    assert_eq!(
        import.file_name.as_deref(),
        Some("from the notification.csv")
    );
}

/// An announced upload takes the first file put at its key, and only that one: a second PUT
/// with the same upload URL (other contents) is refused, noted on the import once however
/// often its event comes, and invites nobody.
#[tokio::test]
async fn an_announced_upload_takes_its_first_file_and_refuses_a_later_one() {
    let w = World::new().await;
    let contract = ContractId::parse("V1").unwrap();
    let id = ImportId::new(t0());
    let announced = Import {
        announced_size: None,
        ..announced_import(&id, &contract)
    };
    assert!(w.env.store.create_import(&announced).await.unwrap());
    let key = format!("imports/V1/{id}.csv");
    let first = format!("{}\n{}\n", w.env.email("first1"), w.env.email("first2"));
    w.put(&key, first.into_bytes(), None).await;
    handle(&w.app, w.event(&key, "0001").await).await.unwrap();

    // The same URL used again, with another list.
    let second = format!("{}\n", w.env.email("second"));
    w.put(&key, second.into_bytes(), None).await;
    for _ in 0..2 {
        handle(&w.app, w.event(&key, "0002").await).await.unwrap();
    }
    // The first file's event once more changes nothing either.
    handle(&w.app, w.event(&key, "0001").await).await.unwrap();

    let import = w
        .env
        .store
        .get_import(&contract, &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(import.status, ImportStatus::Done);
    assert_eq!(import.counts.invited, 2);
    assert_eq!(import.refused_uploads, 1);
    assert_eq!(import.upload.as_deref(), Some("0001"));
    // Who put the file (the event's principal) is on the import and in the audit, once.
    assert_eq!(import.put_by.as_deref(), Some("AWS:TEST"));
    let audit = w.env.store.list_audit(&contract, 50).await.unwrap();
    let imports: Vec<_> = audit
        .iter()
        .filter(|a| a.action == AuditAction::Import)
        .collect();
    assert_eq!(imports.len(), 1, "{audit:?}");
    assert!(imports[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("by AWS:TEST"));
    assert_eq!(imports[0].actor, Some(UserId::parse("admin-1").unwrap()));
    assert_eq!(w.pending("V1").await, 2, "nobody from the second file");

    // A subscription: the upload route stored all its activities (what resolving gives); the
    // import takes them as they are.
    let mut subscription = voucher("S", &["s1", "s2"], None);
    subscription.kind = ContractKind::Subscription;
    w.env.store.put_contract(&subscription).await.unwrap();
    let sid = ImportId::new(t0() + Duration::seconds(1));
    let for_subscription = Import {
        id: sid.clone(),
        contract_id: subscription.id.clone(),
        activities: subscription
            .activities
            .iter()
            .map(|a| a.id.clone())
            .collect(),
        ..announced
    };
    assert!(w.env.store.create_import(&for_subscription).await.unwrap());
    let key = format!("imports/S/{sid}.csv");
    w.put(&key, format!("{}\n", w.env.email("sub")).into_bytes(), None)
        .await;
    handle(&w.app, w.event(&key, "0003").await).await.unwrap();
    let done = w
        .env
        .store
        .get_import(&subscription.id, &sid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (done.status.clone(), done.counts.invited),
        (ImportStatus::Done, 1),
        "{done:?}"
    );
}
