//! What is held about a person (issue 32): the export names every place the erasure
//! touches, and nothing about anyone else; the file goes into the bucket under `privacy/`.

mod common;

use common::*;
use invitations_core::domain::privacy::{RequestKind, RequestStatus, TraceKind};
use invitations_core::ports::PrivacyStore;
use serde_json::Value;

#[tokio::test]
async fn the_export_holds_what_the_erasure_then_erases() {
    let world = World::new().await;
    world.files().await;

    let export = world.run(RequestKind::Export).await;

    assert_eq!(export.status, RequestStatus::Done, "{:?}", export.failure);
    let key = export.export_key.clone().expect("an export key");
    assert!(key.starts_with("privacy/") && key.ends_with(".json"));
    let body = world
        .env
        .s3
        .get_object()
        .bucket(&world.env.bucket)
        .key(&key)
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    let document: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(document["about"], world.ann.as_entered());
    let table = document["table"].as_array().unwrap();
    let kinds: std::collections::BTreeMap<String, usize> =
        table.iter().fold(Default::default(), |mut kinds, held| {
            *kinds
                .entry(held["kind"].as_str().unwrap().to_owned())
                .or_default() += 1;
            kinds
        });
    assert_eq!(kinds.get("invitation"), Some(&2), "{kinds:?}");
    // The request counts what the file holds, by kind.
    assert_eq!(export.traces.get(&TraceKind::Invitation), Some(&2));
    assert_eq!(export.traces.get(&TraceKind::File), Some(&2));
    assert_eq!(
        export.traces.values().sum::<u64>(),
        table.len() as u64 + 2,
        "{:?}",
        export.traces
    );
    assert!(kinds.get("audit").is_some_and(|n| *n >= 3), "{kinds:?}");
    assert!(kinds.contains_key("directory_entry"), "{kinds:?}");
    // Her invitations as stored (name, status), no storage keys, nobody else's.
    let invitations: Vec<&Value> = table.iter().filter(|h| h["kind"] == "invitation").collect();
    assert!(invitations.iter().all(|h| h["data"]["name"] == "Ann Smith"));
    assert!(invitations.iter().all(|h| h["data"].get("pk").is_none()));
    assert!(!String::from_utf8_lossy(&body).contains(world.ben.identity()));
    // The files' lines about her, with their line numbers.
    let files = document["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{files:?}");
    let upload = files
        .iter()
        .find(|f| f["key"] == "imports/c1/upload-1.csv")
        .unwrap();
    assert_eq!(upload["lines"][0][0], 3);
    // The request keeps no address; the export changed nothing.
    assert!(world
        .env
        .store
        .privacy_request(&export.id)
        .await
        .unwrap()
        .is_some());
    assert_eq!(world.bucket_naming(&world.ann).await.len(), 3);

    // Forgetting her afterwards erases the same places, and her export with them.
    let forget = world
        .run(RequestKind::Forget {
            delete_account: true,
            do_not_invite: false,
        })
        .await;
    assert_eq!(forget.traces.get(&TraceKind::Invitation), Some(&2));
    assert_eq!(
        forget.traces.get(&TraceKind::Audit).copied(),
        kinds.get("audit").map(|n| *n as u64)
    );
    assert_eq!(forget.traces.get(&TraceKind::File), Some(&3));
    assert_eq!(world.bucket_naming(&world.ann).await, Vec::<String>::new());
    assert_eq!(world.table_naming(&world.ann).await, Vec::<String>::new());
}
