//! https deliveries (AWS allows nothing else): a receiver whose certificate a trusted authority
//! issued gets the signed event; one the client does not trust, or whose certificate names
//! another host, gets nothing, and the attempt says why in words and is retried.

mod common;

use common::{reference_verifies, Receiver, Reply};
use webhooks::{check, headers, new_secret, Sender, Verdict};

const BODY: &[u8] = br#"{"id":"evt_tls","type":"enrolment.created","data":{}}"#;

fn signed(secret: &webhooks::Secret) -> http::HeaderMap {
    let now = chrono::Utc::now().timestamp();
    headers(std::slice::from_ref(secret), "evt_tls", now, BODY).unwrap()
}

#[tokio::test]
async fn a_receiver_with_a_trusted_certificate_gets_the_signed_event() {
    let (receiver, authority) = Receiver::start_https(vec![Reply::status(200).body("ok")]).await;
    assert!(receiver.url().starts_with("https://localhost:"));
    let target = receiver.target().await;
    let secret = new_secret();
    let attempt = Sender::with_roots(authority)
        .deliver(&target, &signed(&secret), BODY)
        .await;
    assert_eq!(attempt.verdict(), Verdict::Delivered, "{attempt:?}");
    assert_eq!(attempt.response_start, "ok");
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, BODY);
    assert!(reference_verifies(&secret, &got[0]));
}

#[tokio::test]
async fn a_certificate_from_an_authority_not_trusted_is_refused_and_retried() {
    let (receiver, _authority) = Receiver::start_https(vec![Reply::status(200)]).await;
    let refused_before = receiver.refused_handshakes();
    // The function's own trust: the system's roots, which never issued this certificate.
    let attempt = common::sender()
        .deliver(&receiver.target().await, &signed(&new_secret()), BODY)
        .await;
    assert_eq!(attempt.status, None);
    assert_eq!(attempt.verdict(), Verdict::Retry);
    let error = attempt.error.unwrap();
    assert!(error.starts_with("Could not connect"), "{error}");
    assert!(error.contains("certificate"), "{error}");
    assert!(receiver.received().is_empty(), "nothing may be sent");
    // The server notes the refused handshake once the client's alert reaches it.
    for _ in 0..50 {
        if receiver.refused_handshakes() > refused_before {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the receiver saw no refused handshake");
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused() {
    let (receiver, authority) = Receiver::start_https(vec![Reply::status(200)]).await;
    // The same receiver reached by its address: its certificate names localhost only.
    let url = format!("https://127.0.0.1:{}/hook", receiver.addr.port());
    let target = check(&url, &common::LOCAL).await.unwrap();
    let attempt = Sender::with_roots(authority)
        .deliver(&target, &signed(&new_secret()), BODY)
        .await;
    assert_eq!(attempt.status, None);
    let error = attempt.error.unwrap();
    assert!(error.contains("certificate"), "{error}");
    assert!(receiver.received().is_empty());
}
