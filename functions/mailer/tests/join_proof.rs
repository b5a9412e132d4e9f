//! The mail that proves a joiner's address (issue 30): sent once however often the stream
//! delivers the record, with a link whose proof verifies, in the contract's language; given
//! back when the mail service is busy; never sent to a blocked address.

mod common;

use common::*;
use invitations_core::domain::join_proof::PROOF_MAILS_PER_DAY;
use invitations_core::domain::*;
use invitations_core::ports::{BlockStore, JoinLinkStore, JoinProofStore};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use testkit::TestEnv;

fn link(c: &Contract) -> JoinLink {
    JoinLink {
        audience: "Sales team".into(),
        ..testkit::join_link(&c.id, now())
    }
}

/// A proof queued for `local`'s address, as the `join` function queues it.
async fn queued(env: &TestEnv, c: &Contract, local: &str) -> JoinProof {
    let proof = JoinProof::new(
        &link(c),
        EmailAddress::parse(&env.email(local)).unwrap(),
        now(),
    );
    env.store
        .queue_join_proof(&proof, PROOF_MAILS_PER_DAY)
        .await
        .unwrap();
    proof
}

/// The proof in the mail's link.
fn proof_in(text: &str) -> String {
    let prefix = format!("{SITE_URL}/join#proof=");
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no link in {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn the_joiner_gets_one_mail_whose_link_proves_the_address() {
    let (env, c) = setup().await;
    let proof = queued(&env, &c, "joiner").await;
    let app = Arc::new(app(&env, ses(&env), &TestClock::at(now())));
    let event = stream_event(&env).await;
    // Delivered twice at once: one mail.
    let (a, b) = tokio::join!(app.handle(event.clone()), app.handle(event.clone()));
    assert!(a.unwrap().batch_item_failures.is_empty());
    assert!(b.unwrap().batch_item_failures.is_empty());
    // The claim's own writes come through the stream too: nothing more.
    app.handle(stream_event(&env).await).await.unwrap();

    let mail = mail_to(&env, &env.email("joiner"));
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(
        mail[0].subject,
        format!("Confirm your address to join {}", c.name)
    );
    let text = mail[0].body.text.as_deref().unwrap();
    assert_eq!(
        env.link_key.verify_join_proof(&proof_in(text)),
        Ok(proof.id.clone())
    );
    // The proof is never stored: no attribute of the item holds it.
    let item = env
        .dynamodb
        .get_item()
        .table_name(&env.table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("JOINPROOF#{}", proof.id)),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("PROOF".into()),
        )
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert!(!format!("{item:?}").contains(&proof_in(text)));
    assert_eq!(item["delivery"].as_s().unwrap(), "sent");
}

#[tokio::test]
async fn a_busy_mail_service_gives_the_record_back_and_the_next_delivery_mails() {
    let (env, c) = setup().await;
    queued(&env, &c, "joiner").await;
    let busy = Arc::new(Busy {
        busy: AtomicU32::new(4),
        calls: AtomicU32::new(0),
        inner: ses(&env),
    });
    let app = app(&env, busy.clone(), &TestClock::at(now()));
    let event = stream_event(&env).await;
    let first = app.handle(event.clone()).await.unwrap();
    assert_eq!(
        first.batch_item_failures.len(),
        1,
        "given back to the stream"
    );
    assert!(mail_to(&env, &env.email("joiner")).is_empty());
    let again = app.handle(event).await.unwrap();
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(mail_to(&env, &env.email("joiner")).len(), 1);
    assert_eq!(
        busy.calls.load(Ordering::SeqCst),
        5,
        "three tries, then two"
    );
}

#[tokio::test]
async fn a_blocked_address_gets_no_proof_mail() {
    let (env, c) = setup().await;
    let address = env.email("bounced");
    env.store
        .block_address(&AddressBlock {
            identity: EmailAddress::parse(&address).unwrap().identity().to_owned(),
            kind: ReportKind::BouncedPermanent,
            detail: "The mailbox does not exist.".into(),
            at: now(),
        })
        .await
        .unwrap();
    queued(&env, &c, "bounced").await;
    let app = app(&env, ses(&env), &TestClock::at(now()));
    app.handle(stream_event(&env).await).await.unwrap();
    assert!(mail_to(&env, &address).is_empty());
}

#[tokio::test]
async fn a_refused_request_is_mailed_once_in_the_contracts_language() {
    use invitations_core::ports::WaitingListStore;
    let (env, c) = setup().await;
    let link = link(&c);
    let request = WaitingEntry::request(
        &link,
        EmailAddress::parse(&env.email("refused")).unwrap(),
        now(),
    );
    env.store.create_join_link(&link).await.unwrap();
    assert!(env.store.wait_via_link(&request, &link).await.unwrap());
    assert!(env.store.refuse_request(&request, now()).await.unwrap());
    assert!(
        !env.store.refuse_request(&request, now()).await.unwrap(),
        "once"
    );
    let app = Arc::new(app(&env, ses(&env), &TestClock::at(now())));
    let event = stream_event(&env).await;
    let (a, b) = tokio::join!(app.handle(event.clone()), app.handle(event.clone()));
    assert!(a.unwrap().batch_item_failures.is_empty());
    assert!(b.unwrap().batch_item_failures.is_empty());
    app.handle(stream_event(&env).await).await.unwrap();
    let mail = mail_to(&env, &env.email("refused"));
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].subject, format!("Your request to join {}", c.name));
    let text = mail[0].body.text.as_deref().unwrap();
    assert!(text.contains("did not accept your request"), "{text}");
}
