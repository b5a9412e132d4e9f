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
    let etag = info.etag.clone().expect("an ETag");
    let chunks: Vec<bytes::Bytes> = blobs
        .read("imports/c1/list.csv", Some(&etag))
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
        blobs.read("imports/c1/missing.csv", None).await,
        Err(BlobError::NotFound)
    ));
    // Issue 26: read as a named version only. Replaced by a file of the same length, the
    // object is no longer the one its ETag (with or without quotes, as events give it) names.
    let mut other = body.clone();
    other[0] ^= 1;
    blobs
        .put("imports/c1/list.csv", other, "text/csv")
        .await
        .unwrap();
    for pinned in [etag.clone(), etag.trim_matches('"').to_owned()] {
        assert!(
            matches!(
                blobs.read("imports/c1/list.csv", Some(&pinned)).await,
                Err(BlobError::Changed)
            ),
            "{pinned}"
        );
    }
    let now = blobs.head("imports/c1/list.csv").await.unwrap().etag;
    assert!(now.is_some() && now != Some(etag));

    let url = blobs
        .presigned_put(
            "imports/c1/upload.csv",
            "text/csv",
            11,
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
    // The announced length is one of the signed headers (S3 refuses a body of another size;
    // the emulator does not check signatures, so the import checks the size again).
    assert!(url.contains("content-length"), "{url}");
    let put = reqwest::Client::new()
        .put(&url)
        .header("content-type", "text/csv")
        .body("a@b.example")
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    assert_eq!(blobs.head("imports/c1/upload.csv").await.unwrap().size, 11);
}

/// The link key as the functions read it at a cold start: from Secrets Manager (moto), with the
/// key a rotation replaced still verifying links.
#[tokio::test]
async fn the_link_key_comes_from_secrets_manager_and_survives_one_rotation() {
    use base64::Engine;
    let env = TestEnv::new().await;
    let client = aws_sdk_secretsmanager::Client::new(&env.sdk);
    let name = format!("link-key-{}", env.tag);
    let b64 = |byte: u8| base64::engine::general_purpose::STANDARD.encode([byte; 48]);
    client
        .create_secret()
        .name(&name)
        .secret_string(b64(1))
        .send()
        .await
        .unwrap();
    let first = invitations_core::adapters::secrets::link_key(&client, &name)
        .await
        .unwrap();
    let id = invitations_core::domain::InvitationId::random();
    let old_link = first.sign(&id, 1).unwrap();

    // Rotated: the new value signs, the old one still verifies.
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string(b64(2))
        .send()
        .await
        .unwrap();
    let rotated = invitations_core::adapters::secrets::link_key(&client, &name)
        .await
        .unwrap();
    assert!(rotated.verify(&old_link).is_ok());
    let new_link = rotated.sign(&id, 2).unwrap();
    assert!(first.verify(&new_link).is_err(), "signed with the new key");
    // The signing functions' key (one call): the current version, signing as `rotated` does.
    let signing = invitations_core::adapters::secrets::signing_key(&client, &name)
        .await
        .unwrap();
    assert_eq!(signing.sign(&id, 2).unwrap(), new_link);
    assert!(
        signing.verify(&old_link).is_err(),
        "it holds the current version only"
    );

    // Rotated again: the first key's links stop working.
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string(b64(3))
        .send()
        .await
        .unwrap();
    let again = invitations_core::adapters::secrets::link_key(&client, &name)
        .await
        .unwrap();
    assert!(again.verify(&old_link).is_err());
    assert!(again.verify(&new_link).is_ok());

    // A secret that is not a key is refused with a reason, not taken.
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string("not base64!")
        .send()
        .await
        .unwrap();
    let refused = invitations_core::adapters::secrets::link_key(&client, &name).await;
    assert!(refused.is_err());
}

/// The link key as the functions hold it since issue 33: nothing read when it is made, the
/// current version on first use, the previous one only for a link the current one refuses, and
/// a failed read answered as the start answered it before, then read again on the next use.
#[tokio::test]
async fn the_link_key_is_read_on_first_use_and_a_failed_read_is_tried_again() {
    use invitations_core::domain::{InvitationId, LinkKey};
    let env = TestEnv::new().await;
    let keys = env.link_keys();
    assert_eq!(keys.read(), (false, false), "nothing read when made");

    // No secret yet: the error the function's start gave before, and nothing kept.
    let error = keys.signing().await.unwrap_err().to_string();
    assert!(
        error.starts_with("environment variable LINK_SIGNING_SECRET is not valid: "),
        "{error}"
    );
    assert_eq!(keys.read(), (false, false));

    let old = env.put_link_key(&[1; 48]).await;
    let new = env.put_link_key(&[2; 48]).await;
    let id = InvitationId::random();
    let signed = keys.signing().await.unwrap().sign(&id, 2).unwrap();
    assert_eq!(
        signed,
        new.sign(&id, 2).unwrap(),
        "the current version signs"
    );
    assert!(keys.verify(&signed, LinkKey::verify).await.unwrap().is_ok());
    assert_eq!(
        keys.read(),
        (true, false),
        "a current link needs no other version"
    );

    // A link mailed before the rotation: the previous version is read for it.
    let old_link = old.sign(&id, 1).unwrap();
    let token = keys.verify(&old_link, LinkKey::verify).await.unwrap();
    assert_eq!(token.unwrap().version, 1);
    assert_eq!(keys.read(), (true, true));

    // The sealing key the same way: its text made into the key by the caller's function.
    let sealing = env.sealing_key(|text| text.len());
    assert!(sealing.get().await.is_err());
    env.put_sealing_material(&"k".repeat(64)).await;
    assert_eq!(*sealing.get().await.unwrap(), 64);
}

/// Only CloudFront reaches the API (issue 26): with the origin secret (moto's Secrets Manager)
/// a request passes only with its current or previous value in `x-origin-verify`, and a
/// rotation reaches a warm function on the next request that presents the new value.
#[tokio::test]
async fn only_requests_with_the_origin_secret_reach_a_function() {
    use invitations_core::origin::{OriginGuard, HEADER};
    use std::time::Duration;
    let env = TestEnv::new().await;
    let client = aws_sdk_secretsmanager::Client::new(&env.sdk);
    let name = format!("origin-{}", env.tag);
    let (first, second, third) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
    let value = |current: &str, previous: &str| {
        serde_json::json!({"current": current, "previous": previous}).to_string()
    };
    client
        .create_secret()
        .name(&name)
        .secret_string(value(&first, ""))
        .send()
        .await
        .unwrap();
    let guard = OriginGuard::checking(client.clone(), name.clone(), Duration::ZERO)
        .await
        .unwrap();
    let request = |header: Option<&str>| {
        let mut req = testkit::api_request("GET", "/invitation", None, &testkit::As::Anonymous);
        if let Some(h) = header {
            req.headers_mut().insert(HEADER, h.parse().unwrap());
        }
        req
    };
    assert!(guard.admits(&request(Some(&first))).await);
    assert!(!guard.admits(&request(None)).await, "no header");
    assert!(
        !guard.admits(&request(Some(&second))).await,
        "a wrong value"
    );
    assert!(!guard.admits(&request(Some(""))).await, "an empty value");

    // The answer to a refused request: 403, as problem+json, and the handler never runs.
    let ran = std::sync::atomic::AtomicBool::new(false);
    let answer = guard
        .guard(request(Some("guess")), |_| async {
            ran.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(lambda_http::Response::new(lambda_http::Body::Empty))
        })
        .await
        .unwrap();
    let (status, body, content_type) = testkit::read_response(answer).await;
    assert_eq!(
        (status, content_type.as_str()),
        (403, "application/problem+json")
    );
    assert_eq!(body["code"], "forbidden");
    assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));

    // Rotation, step 1: both values accepted while CloudFront moves to the new one.
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string(value(&second, &first))
        .send()
        .await
        .unwrap();
    assert!(
        guard.admits(&request(Some(&second))).await,
        "read again on a miss"
    );
    assert!(
        guard.admits(&request(Some(&first))).await,
        "the previous value still passes"
    );
    // Step 2: the previous value dropped.
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string(value(&third, &second))
        .send()
        .await
        .unwrap();
    assert!(guard.admits(&request(Some(&third))).await);
    assert!(
        !guard.admits(&request(Some(&first))).await,
        "two rotations old"
    );

    // A function reads again at most once per interval: with an hour, a new value waits.
    let patient = OriginGuard::checking(client.clone(), name.clone(), Duration::from_secs(3600))
        .await
        .unwrap();
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string(value(&first, &third))
        .send()
        .await
        .unwrap();
    assert!(!patient.admits(&request(Some(&first))).await);
    assert!(patient.admits(&request(Some(&third))).await);

    // No secret configured: every request passes (local runs, no custom domain).
    assert!(OriginGuard::open().admits(&request(None)).await);

    // A secret that is not the expected JSON is refused at start, with a reason.
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string("plain text")
        .send()
        .await
        .unwrap();
    let refused = OriginGuard::checking(client, name, Duration::ZERO).await;
    assert!(refused.is_err());
}
