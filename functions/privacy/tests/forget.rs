//! Forgetting a person on moto (issue 32): no trace of the address in the table, the bucket
//! or the user pool; the contracts' counts as they were (a pending invitation withdrawn);
//! twice is once; an enrolment racing the erasure is caught; others untouched.

mod common;

use common::*;
use invitations_core::domain::privacy::{RequestKind, RequestStatus, TraceKind};
use invitations_core::domain::*;
use invitations_core::ports::*;

const FORGET_ALL: RequestKind = RequestKind::Forget {
    delete_account: true,
    do_not_invite: true,
};

#[tokio::test]
async fn a_forgotten_person_leaves_no_trace_and_the_counts_stay() {
    let world = World::new().await;
    world.files().await;
    world
        .env
        .account_in_pool(world.ann.identity(), Some("Ann Smith"), true)
        .await;
    // A bounce blocked the address; an admin corrected nothing; the contract's audit names her.
    world
        .env
        .store
        .block_address(&AddressBlock {
            identity: world.ann.identity().into(),
            kind: ReportKind::BouncedPermanent,
            detail: format!("{} does not exist", world.ann.as_entered()),
            at: now(),
        })
        .await
        .unwrap();
    let before = (world.counts(&world.c1).await, world.counts(&world.c2).await);
    assert!(!world.table_naming(&world.ann).await.is_empty());
    assert_eq!(world.bucket_naming(&world.ann).await.len(), 2);

    let request = world.run(FORGET_ALL).await;

    assert_eq!(request.status, RequestStatus::Done, "{:?}", request.failure);
    assert_eq!(world.table_naming(&world.ann).await, Vec::<String>::new());
    assert_eq!(world.bucket_naming(&world.ann).await, Vec::<String>::new());
    assert_eq!(world.accounts_at(&world.ann).await, 0);
    // Her names went where her address was.
    assert!(world
        .table_texts()
        .await
        .iter()
        .all(|(_, text)| !text.contains("Ann Smith")));
    // c1: she had enrolled, so nothing moves. c2: her pending invitation is withdrawn (counted
    // revoked, its seat freed); the contract still counts everyone it invited.
    let (c1, c2) = (world.counts(&world.c1).await, world.counts(&world.c2).await);
    assert_eq!(c1, before.0);
    assert_eq!(
        c2,
        (
            before.1 .0 - 1,
            before.1 .1,
            before.1 .2 + 1,
            before.1 .3 - 1
        )
    );
    assert_eq!(c2.0 + c2.1 + c2.2, before.1 .0 + before.1 .1 + before.1 .2);
    assert_eq!(request.traces.get(&TraceKind::Invitation), Some(&2));
    assert_eq!(request.traces.get(&TraceKind::Block), Some(&1));
    assert_eq!(request.traces.get(&TraceKind::File), Some(&2));
    assert_eq!(request.traces.get(&TraceKind::Account), Some(&1));
    assert!(request
        .traces
        .get(&TraceKind::Audit)
        .is_some_and(|n| *n >= 3));
    assert!(request.traces.contains_key(&TraceKind::DirectoryEntry));
    // The request keeps no address, and each contract's audit says a person was forgotten.
    assert!(world
        .env
        .store
        .privacy_request(&request.id)
        .await
        .unwrap()
        .is_some());
    for contract in [&world.c1, &world.c2] {
        let audit = world.env.store.list_audit(&contract.id, 100).await.unwrap();
        let forget: Vec<_> = audit
            .iter()
            .filter(|r| r.action == AuditAction::Forget)
            .collect();
        assert_eq!(forget.len(), 1, "{audit:?}");
        assert!(forget[0].subjects.is_empty());
        assert_eq!(forget[0].actor, Some(system_admin()));
    }
    // Ben is as he was: invitations, lines, name.
    for contract in [&world.c1, &world.c2] {
        let found = world
            .env
            .store
            .find_invitations_by_email(&contract.id, &[world.ben.identity()])
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name.as_deref(), Some("Ben Jones"));
    }
    // The upload naming her went (rewritten, it would be imported again); the report keeps
    // its lines in place.
    let files: Vec<String> = world
        .app
        .blobs
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(files, ["reports/c1/upload-1.csv"]);
}

#[tokio::test]
async fn forgetting_twice_is_once_and_the_address_is_refused_after() {
    let world = World::new().await;
    let first = world.run(FORGET_ALL).await;
    let counts = (world.counts(&world.c1).await, world.counts(&world.c2).await);
    let second = world.run(FORGET_ALL).await;

    assert_eq!(second.status, RequestStatus::Done, "{:?}", second.failure);
    assert_eq!(first.traces.get(&TraceKind::Invitation), Some(&2));
    assert_eq!(second.traces.get(&TraceKind::Invitation), None);
    assert_eq!(
        (world.counts(&world.c1).await, world.counts(&world.c2).await),
        counts
    );
    // One "forgotten" entry per contract: the second run found nothing to erase there.
    let audit = world.env.store.list_audit(&world.c2.id, 100).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.action == AuditAction::Forget)
            .count(),
        1
    );
    // The do-not-invite list holds a hash that recognises the address, in any case.
    let shouted = EmailAddress::parse(&world.ann.as_entered().to_uppercase()).unwrap();
    let listed = world
        .env
        .store
        .do_not_invite_among(&[&shouted, &world.ben])
        .await
        .unwrap();
    assert_eq!(
        listed.into_iter().collect::<Vec<_>>(),
        [world.ann.identity().to_owned()]
    );
}

#[tokio::test]
async fn a_request_delivered_twice_runs_once() {
    let world = World::new().await;
    let request =
        invitations_core::domain::privacy::PrivacyRequest::new(FORGET_ALL, system_admin(), now());
    world
        .env
        .store
        .add_privacy_request(&request, &world.ann)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        ::privacy::run(&world.app, &request.id),
        ::privacy::run(&world.app, &request.id)
    );
    let ran: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(ran.len(), 1);
    let stored = world
        .env
        .store
        .privacy_request(&request.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, RequestStatus::Done);
    assert_eq!(stored.traces, ran[0].traces);
}

#[tokio::test]
async fn an_enrolment_racing_the_erasure_is_caught_either_way() {
    for round in 0..4 {
        let world = World::new().await;
        let pending = world
            .env
            .store
            .find_invitations_by_email(&world.c2.id, &[world.ann.identity()])
            .await
            .unwrap()
            .remove(0);
        let before = world.counts(&world.c2).await;
        let link = LinkToken {
            invitation_id: pending.id.clone(),
            version: pending.token_version,
        };
        let enrolment = world.env.store.enrol(
            &link,
            Enrolee::New {
                subject: UserId::random(),
                name: "Ann Smith".into(),
            },
            now(),
        );
        let (enrolled, request) = tokio::join!(enrolment, world.run(FORGET_ALL));

        assert_eq!(request.status, RequestStatus::Done, "round {round}");
        assert_eq!(
            world.table_naming(&world.ann).await,
            Vec::<String>::new(),
            "round {round}"
        );
        let after = world.counts(&world.c2).await;
        // Everyone invited is still counted once: enrolled first (then forgotten as enrolled)
        // or withdrawn first (then the enrolment found no invitation).
        assert_eq!(after.0 + after.1 + after.2, before.0 + before.1 + before.2);
        match enrolled {
            Ok(_) => assert_eq!(after.1, before.1 + 1, "round {round}"),
            Err(_) => assert_eq!(after.2, before.2 + 1, "round {round}"),
        }
    }
}

#[tokio::test]
async fn keeping_the_account_keeps_the_directory_entry_and_nothing_else() {
    let world = World::new().await;
    let request = world
        .run(RequestKind::Forget {
            delete_account: false,
            do_not_invite: false,
        })
        .await;

    assert_eq!(request.status, RequestStatus::Done, "{:?}", request.failure);
    // The directory record and its address pointer stay (the account holds the same).
    let left = world.table_naming(&world.ann).await;
    assert!(!left.is_empty());
    assert!(
        left.iter().all(|key| key.contains("USER")),
        "only the directory names her: {left:?}"
    );
    assert_eq!(request.traces.get(&TraceKind::DirectoryEntry), Some(&2));
    let listed = world
        .env
        .store
        .do_not_invite_among(&[&world.ann])
        .await
        .unwrap();
    assert!(listed.is_empty());
}
