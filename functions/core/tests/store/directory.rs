//! Users, contracts, imports and a contract's admins.

use crate::common::*;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::collections::HashSet;
use std::sync::Arc;

#[tokio::test]
async fn users_are_unique_by_address_and_searchable() {
    let env = testkit::TestEnv::new().await;
    let make = testkit::user;
    assert!(env
        .store
        .put_user(&make("u1", &env.email("Ivy.Stone"), "Ivy Stone"))
        .await
        .unwrap());
    assert!(env
        .store
        .put_user(&make("u2", &env.email("jack"), "Jack Frost"))
        .await
        .unwrap());
    assert!(!env
        .store
        .put_user(&make("u3", &env.email("IVY.STONE"), "Someone Else"))
        .await
        .unwrap());
    let ivy = env
        .store
        .find_user_by_email(&env.email("ivy.stone"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ivy.id.as_str(), "u1");
    let by_name = env.store.search_users("frost", 10).await.unwrap();
    assert_eq!(
        by_name.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["u2"]
    );
    let by_email = env.store.search_users("IVY", 10).await.unwrap();
    assert_eq!(
        by_email.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["u1"]
    );
    assert_eq!(env.store.search_users("", 10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn contracts_and_imports_round_trip() {
    let (env, c) = setup(Some(10)).await;
    let mut other = contract("c2", None);
    other.name = "Another".into();
    env.store.put_contract(&other).await.unwrap();
    assert_eq!(env.store.get_contract(&c.id).await.unwrap().unwrap(), c);
    let names: Vec<String> = env
        .store
        .list_contracts()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Another", "Contract c1"]);

    let import = Import {
        id: ImportId::new(now()),
        contract_id: c.id.clone(),
        status: ImportStatus::Queued,
        activities: vec![ActivityId::parse("a1").unwrap()],
        created_by: Some(admin()),
        created_at: now(),
        updated_at: now(),
        file_name: Some("list.csv".into()),
        rows_read: 0,
        counts: ImportCounts::default(),
        first_bad_rows: vec![],
        report_key: None,
        upload: None,
        refused_uploads: 0,
        put_by: None,
        announced_size: None,
        mode: ImportMode::Invite,
        checked_by: None,
        file_key: None,
        file_etag: None,
        send_at: None,
        group: None,
        language: None,
        columns: vec![],
        ignored_columns: vec![],
        chunks: 0,
    };
    assert!(env.store.create_import(&import).await.unwrap());
    assert!(!env.store.create_import(&import).await.unwrap());
    let mut running = import.clone();
    running.status = ImportStatus::Running;
    running.rows_read = 7;
    env.store.save_import(&running).await.unwrap();
    assert_eq!(
        env.store
            .get_import(&c.id, &import.id)
            .await
            .unwrap()
            .unwrap(),
        running
    );
    assert_eq!(env.store.list_imports(&c.id).await.unwrap(), vec![running]);
}

#[tokio::test]
async fn admins_are_added_once_removed_once_and_audited() {
    let (env, c) = setup(None).await;
    let store = &env.store;
    let (ann, bob) = (UserId::parse("ann").unwrap(), UserId::parse("bob").unwrap());
    let sysadmin = UserId::parse("sysadmin").unwrap();
    let admins = |c: Option<Contract>| -> Vec<String> {
        c.expect("the contract exists")
            .admins
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let added = store.add_contract_admin(&c.id, &ann, &sysadmin, now());
    assert_eq!(admins(added.await.unwrap()), ["admin-a", "ann"]);
    // Again: nothing changes and nothing is audited.
    let again = store.add_contract_admin(&c.id, &ann, &sysadmin, now());
    assert_eq!(admins(again.await.unwrap()), ["admin-a", "ann"]);
    let first = admin();
    let removed = store.remove_contract_admin(&c.id, &first, &sysadmin, now());
    assert_eq!(admins(removed.await.unwrap()), ["ann"]);
    let not_one = store.remove_contract_admin(&c.id, &bob, &sysadmin, now());
    assert_eq!(admins(not_one.await.unwrap()), ["ann"]);

    let audit = store.list_audit(&c.id, 10).await.unwrap();
    let mut seen: Vec<(AuditAction, Vec<String>)> = audit
        .iter()
        .map(|a| (a.action, a.subjects.clone()))
        .collect();
    seen.sort_by_key(|(action, _)| *action as u8);
    assert_eq!(
        seen,
        [
            (AuditAction::AddAdmin, vec!["ann".to_owned()]),
            (AuditAction::RemoveAdmin, vec!["admin-a".to_owned()]),
        ]
    );
    assert!(audit.iter().all(|a| a.actor.as_ref() == Some(&sysadmin)));

    let nowhere = ContractId::parse("no-such-contract").unwrap();
    let add = store.add_contract_admin(&nowhere, &ann, &sysadmin, now());
    assert!(add.await.unwrap().is_none());
    let remove = store.remove_contract_admin(&nowhere, &ann, &sysadmin, now());
    assert!(remove.await.unwrap().is_none());
    assert!(store.get_contract(&nowhere).await.unwrap().is_none());
}

#[tokio::test]
async fn admins_changed_at_the_same_time_all_land_and_none_is_lost() {
    let (env, c) = setup(None).await;
    let store = Arc::new(env.store.clone());
    let sysadmin = UserId::parse("sysadmin").unwrap();
    // Twelve people added at once (each twice), while the first admin is removed.
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (store, id, by) = (store.clone(), c.id.clone(), sysadmin.clone());
        tasks.push(tokio::spawn(async move {
            let admin = UserId::parse(&format!("person-{}", i % 12)).unwrap();
            store.add_contract_admin(&id, &admin, &by, now()).await
        }));
    }
    let (remover, id) = (store.clone(), c.id.clone());
    tasks.push(tokio::spawn(async move {
        remover
            .remove_contract_admin(&id, &admin(), &sysadmin, now())
            .await
    }));
    for task in tasks {
        task.await.unwrap().unwrap().unwrap();
    }
    let after = store.get_contract(&c.id).await.unwrap().unwrap();
    let got: HashSet<String> = after.admins.iter().map(ToString::to_string).collect();
    let expected: HashSet<String> = (0..12).map(|i| format!("person-{i}")).collect();
    assert_eq!(got, expected);
    assert_eq!(after.admins.len(), 12, "nobody is listed twice");
    let audit = store.list_audit(&c.id, 100).await.unwrap();
    assert_eq!(audit.len(), 13, "one record per change that happened");
}
