//! Files that cannot be imported, or not as announced.

use crate::helpers::*;
use ::import::{handle, App};
use invitations_core::domain::*;
use invitations_core::ports::*;

#[tokio::test]
async fn files_that_cannot_be_imported_fail_with_a_reason_and_invite_nobody() {
    let w = World::new().await;
    let one = format!("{}\n", w.env.email("x"));
    w.put("imports/NOPE/a.csv", one.clone().into_bytes(), None)
        .await;
    w.put("imports/V3/b.csv", one.clone().into_bytes(), None)
        .await;
    w.put("imports/V3/c.csv", one.clone().into_bytes(), Some("a1,zz"))
        .await;
    w.put(
        "imports/V1/d.csv",
        vec![
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R',
        ],
        None,
    )
    .await;
    w.put("imports/V1/e.csv", b"name,phone\nAnn,123\n".to_vec(), None)
        .await;
    w.put("imports/V1/f.csv", one.repeat(100).into_bytes(), None)
        .await;
    let small = App {
        max_file_bytes: 1000,
        fan_out: None,
        ..w.app.clone()
    };
    for (key, app) in [
        ("imports/NOPE/a.csv", &w.app),
        ("imports/V3/b.csv", &w.app),
        ("imports/V3/c.csv", &w.app),
        ("imports/V1/d.csv", &w.app),
        ("imports/V1/e.csv", &w.app),
        ("imports/V1/f.csv", &small),
    ] {
        handle(app, w.event(key, "0D").await).await.unwrap();
    }
    let reason = |i: &Import| match &i.status {
        ImportStatus::Failed { reason } => reason.clone(),
        other => panic!("{:?} is {other:?}", i.file_name),
    };
    let nope = &w
        .env
        .store
        .list_imports(&ContractId::parse("NOPE").unwrap())
        .await
        .unwrap()[0];
    assert_eq!(reason(nope), "There is no learning contract NOPE.");
    let mut v3: Vec<(String, String)> = w
        .imports("V3")
        .await
        .iter()
        .map(|i| (i.file_name.clone().unwrap(), reason(i)))
        .collect();
    v3.sort();
    assert_eq!(
        v3[0],
        (
            "b.csv".into(),
            "Choose at least one of the voucher's activities.".into()
        )
    );
    assert_eq!(
        v3[1],
        (
            "c.csv".into(),
            "The activity zz is not part of this contract: choose among its own activities.".into()
        )
    );
    let mut v1: Vec<(String, String)> = w
        .imports("V1")
        .await
        .iter()
        .map(|i| (i.file_name.clone().unwrap(), reason(i)))
        .collect();
    v1.sort();
    assert_eq!(
        v1[2],
        (
            "f.csv".into(),
            "The file is larger than the limit of 1000 bytes: split it into smaller files.".into()
        )
    );
    assert!(
        v1[0].1.contains("not") && v1[0].1.contains("text"),
        "{:?}",
        v1[0]
    );
    assert!(v1[1].1.contains("address"), "{:?}", v1[1]);
    assert_eq!(
        w.pending("V1").await + w.pending("V3").await,
        0,
        "nothing invited"
    );
    // Objects outside imports/<contract>/ are not imports at all.
    handle(&w.app, w.event("reports/V1/x.csv", "0E").await)
        .await
        .unwrap();
    handle(&w.app, w.event("imports/stray.csv", "0F").await)
        .await
        .unwrap();
}

/// An announced upload names its size, and the URL signs it, so in AWS S3 refuses a file of
/// another size; where nothing checks signatures the import refuses it instead, inviting nobody.
#[tokio::test]
async fn a_file_of_another_size_than_announced_fails_and_invites_nobody() {
    let w = World::new().await;
    let contract = ContractId::parse("V1").unwrap();
    let id = ImportId::new(t0());
    let list = format!("{}\n{}\n", w.env.email("one"), w.env.email("two"));
    let announced = Import {
        announced_size: Some(list.len() as u64 - 1),
        ..announced_import(&id, &contract)
    };
    assert!(w.env.store.create_import(&announced).await.unwrap());
    let key = format!("imports/V1/{id}.csv");
    w.put(&key, list.clone().into_bytes(), None).await;
    handle(&w.app, w.event(&key, "0001").await).await.unwrap();

    let import = w
        .env
        .store
        .get_import(&contract, &id)
        .await
        .unwrap()
        .unwrap();
    let ImportStatus::Failed { reason } = &import.status else {
        panic!("{import:?}");
    };
    assert_eq!(
        reason,
        &format!(
            "The file is {} bytes, but the upload announced {} bytes: upload it again.",
            list.len(),
            list.len() - 1
        )
    );
    assert_eq!(w.pending("V1").await, 0);
}

/// Issue 26: an import reads the file its event announced, never one put at the same key
/// after it (same length, other addresses): it fails in words and invites nobody.
#[tokio::test]
async fn a_file_replaced_after_its_event_is_not_read_in_its_place() {
    let w = World::new().await;
    let key = "imports/V1/swap.csv";
    let first = format!("{}\n", w.env.email("aaaa"));
    let second = format!("{}\n", w.env.email("bbbb"));
    assert_eq!(first.len(), second.len());
    w.put(key, first.into_bytes(), Some("a1")).await;
    let event = w.event(key, "0A1").await;
    w.put(key, second.into_bytes(), Some("a1")).await;
    handle(&w.app, event).await.unwrap();
    let import = w
        .imports("V1")
        .await
        .into_iter()
        .find(|i| i.file_key.as_deref() == Some(key))
        .expect("the import");
    let ImportStatus::Failed { reason } = &import.status else {
        panic!("{:?}", import.status)
    };
    assert!(reason.contains("replaced"), "{reason}");
    assert_eq!(w.pending("V1").await, 0, "nobody invited from either file");
}
