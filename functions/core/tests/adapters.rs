//! The SES v2 and S3 adapters against their emulators, over the wire.

use futures::TryStreamExt;
use invitations_core::adapters::{S3Blobs, SesMailer};
use invitations_core::ports::*;
use testkit::TestEnv;

#[tokio::test]
async fn ses_delivers_subject_and_both_bodies() {
    let env = TestEnv::new().await;
    let mailer = SesMailer::new(env.sesv2.clone(), "invitations@training.example.com", None);
    let to = env.email("kim");
    mailer
        .send(&OutgoingMail {
            to: to.clone(),
            subject: "You are invited".into(),
            html: "<p>Hello</p>".into(),
            text: "Hello".into(),
            tags: vec![("invitation".into(), "0123abcd".into())],
        })
        .await
        .unwrap();
    let mail = env.sent_mail();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].destination.to, vec![to]);
    assert_eq!(mail[0].subject, "You are invited");
    assert_eq!(mail[0].body.text.as_deref(), Some("Hello"));
    assert_eq!(mail[0].body.html.as_deref(), Some("<p>Hello</p>"));
    assert_eq!(mail[0].from, "invitations@training.example.com");
}

#[tokio::test]
async fn s3_streams_objects_reports_metadata_and_presigns_puts() {
    let env = TestEnv::new().await;
    let blobs = S3Blobs::new(env.s3.clone(), &env.bucket);
    let body: Vec<u8> = (0..200_000u32)
        .flat_map(|i| format!("user{i}@example.com\n").into_bytes())
        .collect();
    blobs
        .put("imports/c1/list.csv", body.clone(), "text/csv")
        .await
        .unwrap();

    let info = blobs.head("imports/c1/list.csv").await.unwrap();
    assert_eq!(info.size, body.len() as u64);
    let chunks: Vec<bytes::Bytes> = blobs
        .read("imports/c1/list.csv")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(chunks.len() > 1, "a large object arrives in several chunks");
    assert_eq!(chunks.concat(), body);

    assert!(matches!(
        blobs.head("imports/c1/missing.csv").await,
        Err(BlobError::NotFound)
    ));
    assert!(matches!(
        blobs.read("imports/c1/missing.csv").await,
        Err(BlobError::NotFound)
    ));

    let url = blobs
        .presigned_put(
            "imports/c1/upload.csv",
            "text/csv",
            std::time::Duration::from_secs(900),
        )
        .await
        .unwrap();
    assert!(
        url.contains(&format!("/{}/imports/c1/upload.csv?", env.bucket)),
        "{url}"
    );
    assert!(url.contains("X-Amz-Signature="), "{url}");
    assert!(url.contains("X-Amz-Expires=900"), "{url}");
}
