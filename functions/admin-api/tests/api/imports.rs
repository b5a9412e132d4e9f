//! CSV uploads: announced with their size, watched until they finish (or say why they will
//! not), checked first, and "Invite these N" from a finished check, once.

use crate::helpers::*;
use chrono::Duration;
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::{json, Value};

/// The upload's size limit holds at upload time: the route refuses an empty or oversized file
/// before anything is stored, and the URL it gives signs the announced length, so S3 takes a
/// body of that size only (the import checks it again: tests in functions/import).
#[tokio::test]
async fn an_upload_announces_its_size_and_the_url_takes_that_size_only() {
    let w = World::new().await;
    let announce = |body: Value| w.announce("A", body, &ADMIN_A);

    let empty = announce(json!({"activities": ["a1"], "file_size": 0})).await;
    assert_eq!(empty.refusal(), (400, "file_empty"));
    let over = invitations_core::domain::import::MAX_FILE_BYTES + 1;
    let large = announce(json!({"activities": ["a1"], "file_size": over})).await;
    assert_eq!(large.refusal(), (413, "file_too_large"), "{large:?}");
    assert!(large.detail().contains(&over.to_string()));
    let no_size = announce(json!({"activities": ["a1"]})).await;
    assert_eq!(
        no_size.refusal().0,
        400,
        "the size is required: {no_size:?}"
    );
    let list = w.imports("A", &ADMIN_A).await.unwrap();
    assert_eq!(list.imports, [], "a refused announcement stores nothing");

    let created = announce(json!({"activities": ["a1"], "file_size": 1234})).await;
    let created = created.unwrap();
    let signed = created
        .upload
        .url
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("X-Amz-SignedHeaders="))
        .expect("a SigV4 presigned URL")
        .replace("%3B", ";");
    assert!(
        signed.split(';').any(|h| h == "content-length"),
        "the length is signed: {signed}"
    );
    let id = ImportId::parse(&created.import.id).unwrap();
    let stored = w
        .env
        .store
        .get_import(&ContractId::parse("A").unwrap(), &id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.announced_size, Some(1234));
}

#[tokio::test]
async fn an_import_that_will_not_finish_by_itself_says_why() {
    let w = World::new().await;
    let body = json!({"activities": ["a1"], "file_name": "list.csv", "file_size": 120});
    let id = w.announce("A", body, &ADMIN_A).await.unwrap().import.id;
    let stalled = || async { w.import("A", &id, &ADMIN_A).await.unwrap().stalled };

    w.advance(Duration::minutes(20));
    assert_eq!(stalled().await, None, "still within the upload's time");
    w.advance(Duration::minutes(1));
    assert_eq!(stalled().await, Some(wire::Stall::UploadNeverArrived));
    let list = w.imports("A", &ADMIN_A).await.unwrap();
    assert_eq!(
        list.imports[0].stalled,
        Some(wire::Stall::UploadNeverArrived)
    );

    // The file came and the import started, then stopped moving.
    let contract = ContractId::parse("A").unwrap();
    let mut import = w
        .env
        .store
        .get_import(&contract, &ImportId::parse(&id).unwrap())
        .await
        .unwrap()
        .unwrap();
    import.status = ImportStatus::Running;
    import.updated_at = w.now();
    w.env.store.save_import(&import).await.unwrap();
    assert_eq!(stalled().await, None);
    w.advance(Duration::minutes(21));
    assert_eq!(stalled().await, Some(wire::Stall::NoProgress));
}

/// "Invite these N" after a check: a new import of the same stored file (copied to the new
/// import's key, which starts it), with the check's activities; only from a finished check.
#[tokio::test]
async fn a_finished_check_is_invited_from_its_stored_file() {
    let w = World::new().await;
    let check_id = w.announce_check().await;
    let refused = w.invite_checked("A", &check_id, &ADMIN_A).await;
    assert_eq!(
        refused.refusal(),
        (409, "not_a_finished_check"),
        "not run yet"
    );

    // The import function ran the check on the uploaded file (a check from before checks
    // kept the file's ETag: nothing to hold the file to).
    let file = format!("{}\n{}\n", w.env.email("c1"), w.env.email("c2"));
    w.finish_check(&check_id, &file, false).await;

    let (status, import) = w.invite_checked("A", &check_id, &ADMIN_A).await.unwrap();
    assert_eq!(status, 201, "{import:?}");
    assert_eq!(import.mode, wire::ImportMode::Invite);
    assert_eq!(import.checked_by, Some(check_id.to_string()));
    assert_eq!(import.activities, ["a2"]);
    assert_eq!(import.file_name.as_deref(), Some("team.csv"));
    let copied = w
        .env
        .s3
        .get_object()
        .bucket(&w.env.bucket)
        .key(format!("imports/A/{}.csv", import.id))
        .send()
        .await
        .expect("the checked file, copied to the new import's key");
    let body = copied.body.collect().await.unwrap().into_bytes();
    assert_eq!(body.as_ref(), file.as_bytes());
    // Another contract's admin may not.
    let refused = w.invite_checked("A", &check_id, &ADMIN_B).await;
    assert_eq!(refused.refusal().0, 403);
}

/// Issue 26: a check is invited from once. Asked again while that import is still queued
/// (the first call may have stopped before its copy), the same import answers and no second
/// one is made, however many ask at once; once it runs, asking again is refused in words.
#[tokio::test]
async fn a_check_is_invited_from_once() {
    let w = World::new().await;
    let contract = ContractId::parse("A").unwrap();
    let (check_id, _) = w.finished_check(true).await;
    let (status, import) = w.invite_checked("A", &check_id, &ADMIN_A).await.unwrap();
    assert_eq!(status, 201, "{import:?}");

    let again =
        futures::future::join_all((0..3).map(|_| w.invite_checked("A", &check_id, &ADMIN_A))).await;
    for answer in again {
        let (status, same) = answer.unwrap();
        assert_eq!((status, &same.id), (200, &import.id));
    }
    let made = w.env.store.list_imports(&contract).await.unwrap();
    assert_eq!(
        made.iter()
            .filter(|i| i.checked_by.as_ref() == Some(&check_id))
            .count(),
        1
    );
    let mut running = w
        .env
        .store
        .get_import(&contract, &ImportId::parse(&import.id).unwrap())
        .await
        .unwrap()
        .unwrap();
    running.status = ImportStatus::Running;
    w.env.store.save_import(&running).await.unwrap();
    let refused = w.invite_checked("A", &check_id, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "already_invited"), "{refused:?}");
    // Named by when it started, as the Imports page shows it (not by an id nobody typed).
    assert_eq!(
        refused.detail(),
        "The addresses of this check were invited already, by the import started on 2026-03-02 \
         at 09:00 (UTC): see it on the Imports page."
    );
}

/// Issue 26: a check holds its file to the version it read (its ETag): replaced by a file of
/// the same length with other addresses, it is not invited.
#[tokio::test]
async fn a_checked_file_replaced_after_the_check_is_not_invited() {
    let w = World::new().await;
    let contract = ContractId::parse("A").unwrap();
    let (check_id, file) = w.finished_check(true).await;
    let other = format!("{}\n{}\n", w.env.email("x1"), w.env.email("x2"));
    assert_eq!(other.len(), file.len());
    w.put_file(&format!("imports/A/{check_id}.csv"), &other)
        .await;

    let refused = w.invite_checked("A", &check_id, &ADMIN_A).await;
    assert_eq!(refused.refusal(), (409, "file_changed"), "{refused:?}");
    let made = w.env.store.list_imports(&contract).await.unwrap();
    assert!(
        made.iter()
            .all(|i| i.checked_by.as_ref() != Some(&check_id)),
        "nothing invited from the replaced file"
    );
}

/// Issue 31: an upload names the defaults of its file's rows (send time, group, language): kept
/// on the import, refused in words when they do not suit the contract, and carried from a check
/// to the import "Invite these N" makes.
#[tokio::test]
async fn an_upload_names_its_rows_defaults_and_invite_these_keeps_them() {
    let w = World::new().await;
    let contract = ContractId::parse("A").unwrap();
    let check = |defaults: Value| {
        let mut body = json!({"activities": ["a2"], "file_name": "team.csv", "file_size": 30, "mode": "check"});
        body.as_object_mut()
            .unwrap()
            .extend(defaults.as_object().unwrap().clone());
        w.announce("A", body, &ADMIN_A)
    };
    let long = check(json!({"group": "x".repeat(61)})).await;
    assert_eq!(long.refusal(), (400, "invalid_group"), "{long:?}");
    assert_eq!(
        long.detail(),
        "The group: A group name is at most 60 characters."
    );
    let after_end = (w.now() + Duration::days(400)).to_rfc3339();
    let late = check(json!({"send_at": {"when": "at", "at": after_end}})).await;
    assert_eq!(late.refusal(), (422, "invalid_send_at"), "{late:?}");
    assert!(late.detail().contains("after the learning contract ends"));

    let at = w.now() + Duration::days(5);
    let asked = json!({
        "send_at": {"when": "at", "at": at.to_rfc3339()},
        "group": "  Spring   2026 ",
        "language": "fr",
    });
    let check_id = ImportId::parse(&check(asked).await.unwrap().import.id).unwrap();
    let stored = |id: ImportId| {
        let contract = contract.clone();
        let store = &w.env.store;
        async move { store.get_import(&contract, &id).await.unwrap().unwrap() }
    };
    let checked = stored(check_id.clone()).await;
    assert_eq!(checked.send_at, Some(SendAt::At(at)));
    assert_eq!(
        checked.group.as_ref().map(Group::as_str),
        Some("Spring 2026")
    );
    assert_eq!(checked.language, Some(Language::Fr));

    let file = format!("{}\n", w.env.email("d1"));
    w.finish_check(&check_id, &file, true).await;
    let (status, import) = w.invite_checked("A", &check_id, &ADMIN_A).await.unwrap();
    assert_eq!(status, 201, "{import:?}");
    let invite = stored(ImportId::parse(&import.id).unwrap()).await;
    assert_eq!(
        (invite.send_at, invite.group, invite.language),
        (checked.send_at, checked.group, checked.language),
        "the check's defaults, carried over"
    );

    // Left out: nothing stored, so the import takes the contract's default when it runs.
    let plain = ImportId::parse(&check(json!({})).await.unwrap().import.id).unwrap();
    let plain = stored(plain).await;
    assert_eq!(
        (plain.send_at, plain.group, plain.language),
        (None, None, None)
    );
}
