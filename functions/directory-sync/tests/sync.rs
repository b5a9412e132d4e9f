//! The sync against the emulators over the wire: a user pool on moto's cognito-idp, the
//! directory on its DynamoDB, each test with its own of both.

use aws_sdk_cognitoidentityprovider::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_cognitoidentityprovider::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cognitoidentityprovider::error::BoxError;
use aws_sdk_cognitoidentityprovider::types::AttributeType;
use directory_sync::{run, App};
use invitations_core::adapters::CognitoAccounts;
use invitations_core::domain::{EmailAddress, Standing, UserId, SYSTEM_ADMIN_GROUP};
use invitations_core::ports::PeopleStore;
use std::sync::Arc;
use testkit::TestEnv;

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

fn app(env: &TestEnv) -> App {
    App {
        accounts: Arc::new(env.accounts.clone()),
        store: Arc::new(env.store_as("directory-sync")),
    }
}

#[tokio::test]
async fn everyone_in_the_pool_is_in_the_directory_under_their_sub() {
    let env = TestEnv::new().await;
    // More than two ListUsers pages (60 each), so paging is part of what is proved.
    let mut people = Vec::new();
    for n in 0..130 {
        let email = env.email(&format!("person{n:03}"));
        let name = format!("Person {n:03}");
        // Some without a name attribute: the directory shows their address instead.
        let named = n % 10 != 0;
        let sub = env
            .account_in_pool(&email, named.then_some(name.as_str()), true)
            .await;
        people.push((sub, email, named.then_some(name)));
    }
    let boss = &people[7].0;
    env.cognito
        .admin_add_user_to_group()
        .user_pool_id(&env.pool.id)
        .username(boss.as_str())
        .group_name(SYSTEM_ADMIN_GROUP)
        .send()
        .await
        .unwrap();

    let report = run(&app(&env)).await.unwrap();
    assert_eq!(report.accounts, 130);
    assert_eq!(report.written, 130);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);

    for (sub, email, name) in &people {
        let user = env.store.get_user(sub).await.unwrap().expect("a record");
        assert_eq!(user.email.as_entered(), email);
        assert_eq!(&user.name, name.as_ref().unwrap_or(email));
        assert_eq!(user.system_admin, sub == boss, "{email}");
        // The address finds the same person (how enrolment matches an address to a person).
        let found = env.store.find_user_by_email(email).await.unwrap().unwrap();
        assert_eq!(&found.id, sub);
    }
    // "Select individual users" lists them.
    let listed = env.store.search_users("person", 200).await.unwrap();
    assert_eq!(listed.len(), 130);

    // A second pass over an unchanged pool writes nothing.
    let again = run(&app(&env)).await.unwrap();
    assert_eq!((again.written, again.unchanged), (0, 130));
}

#[tokio::test]
async fn changes_in_the_pool_reach_the_directory_and_old_addresses_stop_matching() {
    let env = TestEnv::new().await;
    let old = env.email("Mixed.Case");
    let sub = env.account_in_pool(&old, Some("Ann Old"), true).await;
    run(&app(&env)).await.unwrap();
    // The directory matches the address case-insensitively.
    let lower = EmailAddress::parse(&old).unwrap();
    let found = env
        .store
        .find_user_by_email(lower.identity())
        .await
        .unwrap();
    assert_eq!(found.map(|u| u.id), Some(sub.clone()));

    // Renamed, given a new address (proved: an administrator marks it so), and made a system
    // administrator in the pool.
    let new = env.email("ann.new");
    env.cognito
        .admin_update_user_attributes()
        .user_pool_id(&env.pool.id)
        .username(sub.as_str())
        .user_attributes(attr("name", "Ann New"))
        .user_attributes(attr("email", &new))
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    env.cognito
        .admin_add_user_to_group()
        .user_pool_id(&env.pool.id)
        .username(sub.as_str())
        .group_name(SYSTEM_ADMIN_GROUP)
        .send()
        .await
        .unwrap();
    let report = run(&app(&env)).await.unwrap();
    assert_eq!(report.written, 1);
    let user = env.store.get_user(&sub).await.unwrap().unwrap();
    assert_eq!((user.name.as_str(), user.system_admin), ("Ann New", true));
    assert_eq!(
        env.store
            .find_user_by_email(&new)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(sub.clone())
    );
    assert!(env
        .store
        .find_user_by_email(lower.identity())
        .await
        .unwrap()
        .is_none());

    // Withdrawn in the pool: withdrawn in the directory.
    env.cognito
        .admin_remove_user_from_group()
        .user_pool_id(&env.pool.id)
        .username(sub.as_str())
        .group_name(SYSTEM_ADMIN_GROUP)
        .send()
        .await
        .unwrap();
    run(&app(&env)).await.unwrap();
    assert!(
        !env.store
            .get_user(&sub)
            .await
            .unwrap()
            .unwrap()
            .system_admin
    );
}

/// Issue 26: an account that changes its address to someone else's without proving it is
/// listed with that address, marked unproved, and found by nothing: not by the address it
/// claims, nor by the one it gave up. Once the address is proved it leads to the account.
#[tokio::test]
async fn an_address_nobody_proved_leads_to_nobody() {
    let env = TestEnv::new().await;
    let student = env.email("student");
    let sub = env
        .account_in_pool(&student, Some("Sly Student"), true)
        .await;
    run(&app(&env)).await.unwrap();
    assert_eq!(
        env.store
            .find_user_by_email(&student)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(sub.clone())
    );

    let new_hire = env.email("new.hire");
    env.claim_address(&sub, &new_hire).await;
    let report = run(&app(&env)).await.unwrap();
    assert_eq!(report.written, 1);
    let user = env.store.get_user(&sub).await.unwrap().unwrap();
    assert_eq!(user.email.as_entered(), new_hire);
    assert!(!user.email_verified, "listed as unproved");
    for address in [&new_hire, &student] {
        assert!(
            env.store
                .find_user_by_email(address)
                .await
                .unwrap()
                .is_none(),
            "{address} leads to nobody"
        );
    }
    let listed = env.store.search_users("new.hire", 20).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].email_verified);
    // A second pass changes nothing (the flag is part of the comparison).
    let again = run(&app(&env)).await.unwrap();
    assert_eq!((again.written, again.unchanged), (0, 1));

    // Proved at last (the code Cognito mails was entered): now it leads to the account.
    env.cognito
        .admin_update_user_attributes()
        .user_pool_id(&env.pool.id)
        .username(sub.as_str())
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    run(&app(&env)).await.unwrap();
    assert_eq!(
        env.store
            .find_user_by_email(&new_hire)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(sub)
    );
}

/// Names from the pool follow the product's name rules: NFC, and a name with hidden
/// characters (a text-direction override makes "Ann" pass for another name) is not shown;
/// the person is named by their address.
#[tokio::test]
async fn names_from_the_pool_follow_the_name_rules() {
    let env = TestEnv::new().await;
    let (rene, sneaky) = (env.email("rene"), env.email("sneaky"));
    let a = env
        .account_in_pool(&rene, Some("  Rene\u{301}e "), true)
        .await;
    let b = env
        .account_in_pool(&sneaky, Some("Ann\u{202E}nhoJ"), true)
        .await;
    run(&app(&env)).await.unwrap();
    assert_eq!(
        env.store.get_user(&a).await.unwrap().unwrap().name,
        "Ren\u{e9}e"
    );
    assert_eq!(env.store.get_user(&b).await.unwrap().unwrap().name, sneaky);
}

/// Fails every request of the client it is in whose body holds a pagination token: the
/// pool's listing breaks after its first page.
#[derive(Debug)]
struct SecondPageFails;

impl Intercept for SecondPageFails {
    fn name(&self) -> &'static str {
        "SecondPageFails"
    }
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let needle = b"PaginationToken";
        let paging = context
            .request()
            .body()
            .bytes()
            .is_some_and(|body| body.windows(needle.len()).any(|w| w == needle));
        if paging {
            Err("the user pool did not answer (a test's outage)".into())
        } else {
            Ok(())
        }
    }
}

async fn standing(env: &TestEnv, sub: &UserId) -> Standing {
    env.store.get_user(sub).await.unwrap().unwrap().standing
}

/// Issue 32: a person disabled in the pool is marked disabled, a person deleted from it is
/// marked removed (with when it was noticed; the record stays and their address leads to
/// nobody), and both are active again when they come back. A second pass writes nothing.
#[tokio::test]
async fn disabled_and_removed_people_are_marked_and_come_back() {
    let env = TestEnv::new().await;
    let (a, b, c) = (env.email("dora"), env.email("remy"), env.email("stay"));
    let dora = env.account_in_pool(&a, Some("Dora Disabled"), true).await;
    let remy = env.account_in_pool(&b, Some("Remy Removed"), true).await;
    let stay = env.account_in_pool(&c, Some("Stay Active"), true).await;
    let first = run(&app(&env)).await.unwrap();
    assert_eq!((first.written, first.removed, first.disabled), (3, 0, 0));
    for sub in [&dora, &remy, &stay] {
        assert_eq!(standing(&env, sub).await, Standing::Active);
    }

    env.cognito
        .admin_disable_user()
        .user_pool_id(&env.pool.id)
        .username(dora.as_str())
        .send()
        .await
        .unwrap();
    env.cognito
        .admin_delete_user()
        .user_pool_id(&env.pool.id)
        .username(remy.as_str())
        .send()
        .await
        .unwrap();
    let before = invitations_core::ports::system_clock()();
    let report = run(&app(&env)).await.unwrap();
    assert_eq!(
        (
            report.accounts,
            report.disabled,
            report.written,
            report.removed
        ),
        (2, 1, 1, 1),
        "{report:?}"
    );
    assert_eq!(standing(&env, &dora).await, Standing::Disabled);
    assert_eq!(standing(&env, &stay).await, Standing::Active);
    let gone = env
        .store
        .get_user(&remy)
        .await
        .unwrap()
        .expect("the record stays");
    assert_eq!(gone.name, "Remy Removed");
    match gone.standing {
        Standing::Removed { noticed_at } => assert!(noticed_at >= before),
        other => panic!("{other:?}"),
    }
    // A removed person's address leads to nobody; a disabled one's still leads to them.
    assert!(env.store.find_user_by_email(&b).await.unwrap().is_none());
    assert_eq!(
        env.store
            .find_user_by_email(&a)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(dora.clone())
    );
    // The directory search still lists both, marked.
    let listed = env.store.search_users("", 200).await.unwrap();
    assert_eq!(listed.len(), 3);

    // A second pass writes nothing (the removal is not noticed again).
    let again = run(&app(&env)).await.unwrap();
    assert_eq!(
        (again.written, again.unchanged, again.removed),
        (0, 2, 0),
        "{again:?}"
    );
    assert_eq!(env.store.get_user(&remy).await.unwrap().unwrap(), gone);

    // Enabled again: active again.
    env.cognito
        .admin_enable_user()
        .user_pool_id(&env.pool.id)
        .username(dora.as_str())
        .send()
        .await
        .unwrap();
    let back = run(&app(&env)).await.unwrap();
    assert_eq!((back.written, back.disabled), (1, 0));
    assert_eq!(standing(&env, &dora).await, Standing::Active);
}

/// Someone deleted from the pool and made again with the same address gets a new subject:
/// the old record stays, marked removed, and the address leads to the new account from the
/// same pass on.
#[tokio::test]
async fn an_address_made_again_leads_to_the_new_account() {
    let env = TestEnv::new().await;
    let address = env.email("again");
    let old = env.account_in_pool(&address, Some("Ann Again"), true).await;
    run(&app(&env)).await.unwrap();
    env.cognito
        .admin_delete_user()
        .user_pool_id(&env.pool.id)
        .username(old.as_str())
        .send()
        .await
        .unwrap();
    let new = env.account_in_pool(&address, Some("Ann Again"), true).await;
    assert_ne!(old, new);
    let report = run(&app(&env)).await.unwrap();
    assert_eq!((report.removed, report.written), (1, 1), "{report:?}");
    assert!(matches!(
        standing(&env, &old).await,
        Standing::Removed { .. }
    ));
    assert_eq!(standing(&env, &new).await, Standing::Active);
    assert_eq!(
        env.store
            .find_user_by_email(&address)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(new)
    );
    let again = run(&app(&env)).await.unwrap();
    assert_eq!((again.written, again.removed), (0, 0));
}

/// A record marked removed whose subject the pool has again (an operator restored it, or
/// the listing that missed it was wrong) is active again, with its address pointer back.
#[tokio::test]
async fn a_removed_record_whose_subject_is_back_is_active_again() {
    let env = TestEnv::new().await;
    let address = env.email("back");
    let sub = env.account_in_pool(&address, Some("Bo Back"), true).await;
    run(&app(&env)).await.unwrap();
    // The record as a pass that no longer found the subject left it.
    let mut user = env.store.get_user(&sub).await.unwrap().unwrap();
    user.standing = Standing::Removed {
        noticed_at: invitations_core::ports::system_clock()(),
    };
    env.store.sync_user(&user).await.unwrap();
    assert!(env
        .store
        .find_user_by_email(&address)
        .await
        .unwrap()
        .is_none());

    let report = run(&app(&env)).await.unwrap();
    assert_eq!((report.written, report.removed), (1, 0));
    assert_eq!(standing(&env, &sub).await, Standing::Active);
    assert_eq!(
        env.store
            .find_user_by_email(&address)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(sub)
    );
}

/// A listing that fails after its first page (more than 60 accounts, one deleted: still two pages) ends the pass
/// in the error: nobody is marked removed, nothing is written.
#[tokio::test]
async fn a_failed_listing_marks_nobody_removed() {
    let env = TestEnv::new().await;
    let mut subs = Vec::new();
    for n in 0..62 {
        let email = env.email(&format!("kept{n:02}"));
        subs.push(env.account_in_pool(&email, None, true).await);
    }
    run(&app(&env)).await.unwrap();
    let broken = aws_sdk_cognitoidentityprovider::Client::from_conf(
        env.cognito
            .config()
            .to_builder()
            .interceptor(SecondPageFails)
            .build(),
    );
    let app = App {
        accounts: Arc::new(CognitoAccounts::new(broken, &env.pool.id)),
        store: Arc::new(env.store_as("directory-sync")),
    };
    // One person gone meanwhile: not noticed by a pass that could not read the whole pool.
    env.cognito
        .admin_delete_user()
        .user_pool_id(&env.pool.id)
        .username(subs[0].as_str())
        .send()
        .await
        .unwrap();
    let outcome = run(&app).await;
    assert!(outcome.is_err(), "{outcome:?}");
    for sub in &subs {
        assert_eq!(standing(&env, sub).await, Standing::Active);
    }
    // The next complete pass notices it.
    let report = run(&self::app(&env)).await.unwrap();
    assert_eq!((report.removed, report.written), (1, 0), "{report:?}");
    assert!(matches!(
        standing(&env, &subs[0]).await,
        Standing::Removed { .. }
    ));
}
