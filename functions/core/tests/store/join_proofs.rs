//! Joiners' proofs of address in the table (issue 30): a proof reads back as written, an
//! address gets at most its day's proof mails however many ask at once, and a proof is
//! claimed for mailing once.

use chrono::{Duration, TimeZone, Utc};
use invitations_core::domain::join_proof::PROOF_MAILS_PER_DAY;
use invitations_core::domain::*;
use invitations_core::ports::{DeliveryResult, JoinProofStore, ProofQueued};
use testkit::TestEnv;

fn link() -> JoinLink {
    let at = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
    JoinLink {
        audience: "Sales team".into(),
        generation: 3,
        ..testkit::join_link(&ContractId::parse("c1").unwrap(), at)
    }
}

fn proof(link: &JoinLink, email: &str, hour: u32) -> JoinProof {
    let at = Utc.with_ymd_and_hms(2027, 3, 2, hour, 0, 0).unwrap();
    JoinProof::new(link, EmailAddress::parse(email).unwrap(), at)
}

#[tokio::test]
async fn a_proof_reads_back_as_queued() {
    let env = TestEnv::new().await;
    let link = link();
    let p = proof(&link, "Ann@Corp.example", 9);
    assert_eq!(
        env.store.queue_join_proof(&p, 3).await.unwrap(),
        ProofQueued::Queued
    );
    let read = env.store.get_join_proof(&p.id).await.unwrap().unwrap();
    assert_eq!(read, p);
    assert_eq!(read.generation, 3);
    assert_eq!(read.email.as_entered(), "Ann@Corp.example");
    assert_eq!(read.expires_at - read.requested_at, Duration::hours(24));
    assert!(env
        .store
        .get_join_proof(&JoinProofId::random())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn an_address_gets_its_days_proof_mails_and_no_more_even_at_once() {
    let env = TestEnv::new().await;
    let link = link();
    // Eight asks at the same moment for one address (written as its case varies).
    let asks: Vec<JoinProof> = (0..8)
        .map(|i| {
            let email = if i % 2 == 0 {
                "bo@corp.example"
            } else {
                "BO@corp.example"
            };
            proof(&link, email, 10)
        })
        .collect();
    let outcomes =
        futures::future::join_all(asks.iter().map(|p| env.store.queue_join_proof(p, 3))).await;
    let queued = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(ProofQueued::Queued)))
        .count();
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(ProofQueued::TooMany)))
        .count();
    assert_eq!((queued, refused), (3, 5), "{outcomes:?}");
    // Only the queued ones were written.
    let mut written = 0;
    for p in &asks {
        if env.store.get_join_proof(&p.id).await.unwrap().is_some() {
            written += 1;
        }
    }
    assert_eq!(written, 3);
    // Another address is not held back by it, and the next day counts afresh.
    assert_eq!(
        env.store
            .queue_join_proof(&proof(&link, "cy@corp.example", 10), 3)
            .await
            .unwrap(),
        ProofQueued::Queued
    );
    let mut tomorrow = proof(&link, "bo@corp.example", 10);
    tomorrow.requested_at += Duration::days(1);
    assert_eq!(
        env.store.queue_join_proof(&tomorrow, 3).await.unwrap(),
        ProofQueued::Queued
    );
    assert_eq!(PROOF_MAILS_PER_DAY, 3);
}

#[tokio::test]
async fn a_proof_is_claimed_once_given_back_and_recorded() {
    let env = TestEnv::new().await;
    let p = proof(&link(), "di@corp.example", 11);
    env.store.queue_join_proof(&p, 3).await.unwrap();
    assert!(env.store.claim_join_proof(&p.id).await.unwrap());
    assert!(
        !env.store.claim_join_proof(&p.id).await.unwrap(),
        "claimed twice"
    );
    env.store.release_join_proof(&p.id).await.unwrap();
    assert!(
        env.store.claim_join_proof(&p.id).await.unwrap(),
        "given back"
    );
    env.store
        .record_join_proof(
            &p.id,
            &DeliveryResult::Sent {
                message_id: "m-1".into(),
                remind_at: None,
            },
        )
        .await
        .unwrap();
    assert!(!env.store.claim_join_proof(&p.id).await.unwrap(), "sent");
    // An unknown proof is claimed by nobody.
    assert!(!env
        .store
        .claim_join_proof(&JoinProofId::random())
        .await
        .unwrap());
}
