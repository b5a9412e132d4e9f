//! Local testing through cargo-lambda, as the README's "Functions one by one" runs it: a seeded
//! local stack of this test's own without triggers, `scripts/lambda-watch.sh` on it (every
//! function under `cargo lambda watch`), and every event file of functions/*/events/ invoked
//! through `scripts/lambda-invoke.sh`. Each answer is checked, and its effect in the table,
//! the bucket or the user pool. At the end the watch's process group gets SIGTERM (cargo-lambda
//! then stops the functions, which it runs in sessions of their own), then SIGKILL.
//!
//! The test is a list of steps in the order they run, each in its topic's file: reads.rs
//! (admin-read), invitations.rs (adding, mailing, importing, changing and enrolling),
//! contracts.rs (a contract's admins and settings), people.rs (the user pool), schedules.rs
//! (the scheduled reports); helpers.rs has the watch, the scripts and the seeded invitations.

mod contracts;
mod helpers;
mod invitations;
mod people;
mod reads;
mod schedules;

use helpers::{port_of, Bench, Lambda};
use local_stack::{Options, Stack};
use std::time::Instant;
use testkit::Emulators;

#[tokio::test(flavor = "multi_thread")]
async fn every_function_answers_its_event_files_under_cargo_lambda_watch() {
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    let (emulators, stack, bench) = seeded_stack_without_triggers(&tag).await;
    let started = Instant::now();
    let watch = tokio::task::block_in_place(|| bench.start_watch());
    let lambda = Lambda {
        bench: &bench,
        watch: &watch,
    };

    reads::every_read(&lambda, &stack);
    invitations::add_then_mail(&lambda, &stack).await;
    let announced = invitations::announce_an_upload(&lambda);
    invitations::import_a_dropped_file(&lambda, &stack, &emulators, &announced).await;
    invitations::resend_then_revoke(&lambda, &stack).await;
    invitations::extend_then_many(&lambda, &stack).await;
    reads::history_and_export(&lambda);
    invitations::bounce_then_correct(&lambda, &stack).await;
    invitations::enrol(&lambda, &stack).await;
    contracts::admin_added_then_removed(&lambda, &stack).await;
    contracts::mail_and_reminder_settings(&lambda, &stack).await;
    people::added_then_system_admin(&lambda, &stack).await;
    people::directory_sync(&lambda, &stack, &tag).await;
    people::privacy_requests(&lambda, &stack).await;
    schedules::send_sweeper(&lambda);
    schedules::reminders(&lambda);

    eprintln!(
        "every function answered its event files under cargo lambda watch in {:.0?}",
        started.elapsed()
    );
    drop(watch);
}

/// A seeded local stack of this test's own (resources named after `tag`) without triggers, on
/// the shared emulators, and the bench that runs the scripts against it.
async fn seeded_stack_without_triggers(tag: &str) -> (Emulators, Stack, Bench) {
    let root = testkit::repo_root();
    assert!(
        root.join(".venv/bin/cargo-lambda").exists(),
        "cargo-lambda is not installed: run scripts/setup.sh"
    );
    let emulators = tokio::task::spawn_blocking(testkit::emulators)
        .await
        .unwrap()
        .clone();
    let prefix = format!("lambda-{tag}");
    let seeding = Instant::now();
    let mut options = Options::new(emulators.clone(), &prefix);
    options.triggers = false;
    let stack = Stack::start(options).await.expect("the local stack starts");
    let bench = Bench {
        root,
        stack_args: [
            ("--port", port_of(&stack.url)),
            ("--moto-port", port_of(&emulators.aws)),
            ("--ses-port", port_of(&emulators.ses)),
            ("--prefix", prefix.clone()),
        ]
        .into_iter()
        .flat_map(|(k, v)| [k.to_owned(), v])
        .collect(),
        invoke_port: testkit::free_port(),
    };
    eprintln!("the seeded stack started in {:.0?}", seeding.elapsed());
    (emulators, stack, bench)
}
