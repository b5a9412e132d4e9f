//! Local testing through cargo-lambda, as the README's "Functions one by one" runs it: a seeded
//! local stack of this test's own without triggers, `scripts/lambda-watch.sh` on it (every
//! function under `cargo lambda watch`), and every event file of functions/*/events/ invoked
//! through `scripts/lambda-invoke.sh`. Each answer is checked, and its effect in the table,
//! the bucket or the user pool. At the end the watch's process group gets SIGTERM (cargo-lambda
//! then stops the functions, which it runs in sessions of their own), then SIGKILL.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use invitations_core::domain::{
    ContractId, Delivery, ImportId, InvitationStatus, ReportKind, UserId,
};
use invitations_core::ports::{DeliveryStore, DirectoryStore, ImportStore, InvitationStore};
use invitations_wire as wire;
use local_stack::seed::contracts::{DATA_SKILLS, LEADERSHIP, ONBOARDING};
use local_stack::{Options, Stack};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `cargo lambda watch` (lambda-watch.sh execs it) leading its own process group; stopped when
/// dropped, pass or fail.
struct Watch {
    child: Child,
    log: PathBuf,
}

impl Watch {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Fails at once when cargo-lambda's `cargo run --bin <function>` compiles: the functions
    /// must be found built, with the workspace's one feature set (dev/workspace-hack).
    fn refuse_compiling(&self) {
        let log = self.log();
        if let Some(line) = log
            .lines()
            .find(|l| l.trim_start().starts_with("Compiling "))
        {
            panic!(
                "cargo lambda watch is compiling ({}): the functions were not built, or not \
                 with the workspace's features. Run `bash scripts/build.sh --check` (scripts/test.sh \
                 does) before this test.\n{log}",
                line.trim()
            );
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(100));
        }
        // Whatever of the group did not stop by itself (cargo, a build).
        signal("-KILL");
        let _ = self.child.wait();
    }
}

/// Where this test binary was built (`<target>/debug/deps/`): the watch builds the functions
/// there too, so it finds the dev binaries and dependencies `cargo test` already built.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("<target>/<profile>/deps/<test>")
        .to_path_buf()
}

fn port_of(url: &str) -> String {
    url.rsplit(':').next().expect("a port").to_owned()
}

struct Bench {
    root: PathBuf,
    /// The stack's ports and resource prefix, for both scripts.
    stack_args: Vec<String>,
    invoke_port: u16,
}

impl Bench {
    fn command(&self, script: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .arg(self.root.join("scripts").join(script))
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target_dir())
            .args(["--invoke-port", &self.invoke_port.to_string()])
            // mint-event is built by scripts/build.sh; the scripts fail at once if it is not.
            .arg("--no-build")
            .args(&self.stack_args)
            .stdin(Stdio::null());
        command
    }

    fn start_watch(&self) -> Watch {
        let log = std::env::temp_dir().join(format!("lambda-watch-{}.log", self.invoke_port));
        let out = std::fs::File::create(&log).expect("a log file");
        let child = {
            use std::os::unix::process::CommandExt;
            self.command("lambda-watch.sh")
                // Other tests may touch the checkout meanwhile: no reloads.
                .arg("--ignore-changes")
                .stdout(out.try_clone().expect("log"))
                .stderr(out)
                .process_group(0)
                .spawn()
                .expect("scripts/lambda-watch.sh starts")
        };
        let mut watch = Watch { child, log };
        // Nothing is compiled here (scripts/test.sh built every binary first): cargo lambda
        // watch listens at once, so this deadline is for a busy machine, not for a build.
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", self.invoke_port)).is_err() {
            if let Ok(Some(status)) = watch.child.try_wait() {
                panic!("lambda-watch.sh ended ({status}):\n{}", watch.log());
            }
            watch.refuse_compiling();
            assert!(
                Instant::now() < deadline,
                "cargo lambda watch did not listen within 60 s:\n{}",
                watch.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        watch
    }

    /// The function's answer to the event file (relative to functions/), as the README runs it.
    fn invoke(&self, watch: &Watch, function: &str, file: &str) -> Value {
        let file = Path::new("functions").join(file);
        // Into files, polled: a function's first invoke is where cargo-lambda would compile,
        // and that must fail at once, not after the build.
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let (out_path, err_path) = (
            std::env::temp_dir().join(format!("lambda-invoke-{tag}.out")),
            std::env::temp_dir().join(format!("lambda-invoke-{tag}.err")),
        );
        let mut child = self
            .command("lambda-invoke.sh")
            .args([function, &file.to_string_lossy()])
            .stdout(std::fs::File::create(&out_path).expect("an output file"))
            .stderr(std::fs::File::create(&err_path).expect("an error file"))
            .spawn()
            .expect("scripts/lambda-invoke.sh runs");
        let status = loop {
            if let Some(status) = child.try_wait().expect("lambda-invoke.sh") {
                break status;
            }
            if let Err(e) = std::panic::catch_unwind(|| watch.refuse_compiling()) {
                let _ = child.kill();
                std::panic::resume_unwind(e);
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        let _ = (
            std::fs::remove_file(&out_path),
            std::fs::remove_file(&err_path),
        );
        assert!(
            status.success(),
            "{function} {}: {status}\n{stdout}{stderr}\n-- cargo lambda watch:\n{}",
            file.display(),
            watch.log()
        );
        serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{function} {}: not JSON ({e}): {stdout}", file.display()))
    }

    /// An HTTP function's answer: its status and its body as `T`.
    fn call<T: DeserializeOwned>(
        &self,
        watch: &Watch,
        function: &str,
        file: &str,
        status: u16,
    ) -> T {
        let answer = self.invoke(watch, function, file);
        assert_eq!(answer["statusCode"], status, "{function} {file}: {answer}");
        let body = answer["body"].as_str().unwrap_or_default();
        serde_json::from_str(body).unwrap_or_else(|e| {
            panic!("{function} {file}: the body is not the wire type: {e}: {body}")
        })
    }
}

/// A seeded directory user's address (seed::directory_email).
fn learner(local: &str) -> String {
    format!("{local}@learners.example")
}

async fn invitation(
    stack: &Stack,
    contract: &str,
    email: &str,
) -> invitations_core::domain::Invitation {
    let contract = ContractId::parse(contract).unwrap();
    let found = stack
        .store
        .find_invitations_by_email(&contract, &[email])
        .await
        .unwrap();
    found
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{contract} has no invitation for {email}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_function_answers_its_event_files_under_cargo_lambda_watch() {
    let root = testkit::repo_root();
    assert!(
        root.join(".venv/bin/cargo-lambda").exists(),
        "cargo-lambda is not installed: run scripts/setup.sh"
    );
    let emulators = tokio::task::spawn_blocking(testkit::emulators)
        .await
        .unwrap()
        .clone();
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
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
    let started = Instant::now();
    let watch = {
        let bench = &bench;
        tokio::task::block_in_place(|| bench.start_watch())
    };
    // The scripts block; this test's own tokio threads stay free for the store checks.
    let run = |function: &'static str, file: &'static str| {
        tokio::task::block_in_place(|| bench.invoke(&watch, function, file))
    };
    macro_rules! call {
        ($t:ty, $function:expr, $file:expr, $status:expr) => {
            tokio::task::block_in_place(|| bench.call::<$t>(&watch, $function, $file, $status))
        };
    }
    let data_skills = ContractId::parse(DATA_SKILLS).unwrap();
    let ada = stack.person("contract-admin", 0).user_id.clone();

    // admin-read: every read, as Ada (her three contracts).
    let list: wire::ContractList = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/list-contracts.json",
        200
    );
    let ids: Vec<&str> = list.contracts.iter().map(|c| c.id.as_str()).collect();
    assert!(
        ids.contains(&DATA_SKILLS) && !ids.contains(&ONBOARDING),
        "{ids:?}"
    );
    let contract: wire::Contract = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/get-contract.json",
        200
    );
    assert_eq!(contract.id, DATA_SKILLS);
    let users: wire::UserList = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/search-users.json",
        200
    );
    assert!(!users.users.is_empty());
    assert!(
        users.users.iter().all(|u| u.email.contains("costa")),
        "{:?}",
        users.users
    );
    let page: wire::InvitationList = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/list-invitations.json",
        200
    );
    assert!(!page.invitations.is_empty());
    assert!(page
        .invitations
        .iter()
        .all(|i| i.status == wire::InvitationStatus::Pending));
    let admins: wire::AdminList = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/list-admins.json",
        200
    );
    assert_eq!(
        admins.admins.iter().map(|a| &a.id).collect::<Vec<_>>(),
        [&ada]
    );
    let funnel: wire::Funnel = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/get-funnel.json",
        200
    );
    assert!(
        funnel.invited >= funnel.pending + funnel.enrolled,
        "{funnel:?}"
    );
    assert!(
        !funnel.seats.is_empty(),
        "the seed's invitations are on a day"
    );

    // add-invitations: an address and a directory user, then the mailer mails the new one.
    let added: wire::AddResult = call!(
        _,
        "add-invitations",
        "admin-api/events/add-invitations/invite.json",
        200
    );
    assert!(
        added
            .results
            .iter()
            .all(|r| r.outcome == wire::InviteOutcome::Invited),
        "{:?}",
        added.results
    );
    assert_eq!(added.results.len(), 2);
    let new_person = invitation(&stack, DATA_SKILLS, "new.person@partner.example").await;
    assert!(matches!(new_person.delivery, Delivery::Queued));
    let mailed = run("mailer", "mailer/events/stream.json");
    assert_eq!(mailed, serde_json::json!({"batchItemFailures": []}));
    let new_person = invitation(&stack, DATA_SKILLS, "new.person@partner.example").await;
    assert!(
        matches!(new_person.delivery, Delivery::Sent { .. }),
        "{:?}",
        new_person.delivery
    );

    // add-invitations announces an upload; admin-read lists it and reads it.
    let announced: wire::AnnouncedImport = call!(
        _,
        "add-invitations",
        "admin-api/events/add-invitations/announce-import.json",
        201
    );
    assert_eq!(announced.upload.method, "PUT");
    let imports: wire::ImportList = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/list-imports.json",
        200
    );
    assert_eq!(imports.imports.len(), 1);
    let one: wire::Import = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/get-import.json",
        200
    );
    assert_eq!(one.id, announced.import.id);

    // import: the README's file dropped into the bucket, then its S3 event.
    let csv = std::fs::read(bench.root.join("functions/import/events/new-starters.csv")).unwrap();
    let put = reqwest::Client::new()
        .put(format!(
            "{}/{}/imports/{DATA_SKILLS}/new-starters.csv",
            emulators.aws, stack.resources.names.bucket
        ))
        .header("content-type", "text/csv")
        .header("x-amz-meta-activities", "sql-basics")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{put:?}");
    assert_eq!(run("import", "import/events/s3-put.json"), Value::Null);
    // "Invite these" is only for a finished check; the newest import is the dropped file's.
    let answer = run(
        "add-invitations",
        "admin-api/events/add-invitations/invite-checked.json",
    );
    assert_eq!(answer["statusCode"], 409, "{answer}");
    assert!(answer["body"]
        .as_str()
        .unwrap()
        .contains("not_a_finished_check"));
    let dropped = stack
        .store
        .list_imports(&data_skills)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.id != ImportId::parse(&announced.import.id).unwrap())
        .expect("the dropped file's import");
    assert_eq!(
        (dropped.counts.invited, dropped.counts.invalid_email),
        (2, 1)
    );
    invitation(&stack, DATA_SKILLS, "ruth.new@partner.example").await;

    // resend: a seeded invitation whose link expired gets a new one; revoke, correct-address:
    // seeded pending invitations.
    let kofi = invitation(&stack, LEADERSHIP, &learner("kofi.berg.030")).await;
    assert!(kofi.expires_at < chrono::Utc::now());
    let resent: wire::InvitationChange =
        call!(_, "resend", "admin-api/events/resend/resend.json", 200);
    assert!(resent.changed);
    let after = invitation(&stack, LEADERSHIP, &learner("kofi.berg.030")).await;
    assert_eq!(after.token_version, kofi.token_version + 1);
    assert!(after.expires_at > chrono::Utc::now());
    assert!(matches!(after.delivery, Delivery::Queued));
    let revoked: wire::InvitationChange =
        call!(_, "revoke", "admin-api/events/revoke/revoke.json", 200);
    assert_eq!(revoked.invitation.status, wire::InvitationStatus::Revoked);
    let lena = invitation(&stack, DATA_SKILLS, &learner("lena.costa.051")).await;
    assert_eq!(lena.status, InvitationStatus::Revoked);

    // extend (one, then the expired of a contract), resend and revoke many (revoke by address).
    let amara = invitation(&stack, DATA_SKILLS, &learner("amara.dubois.060")).await;
    let extended: wire::InvitationChange =
        call!(_, "extend", "admin-api/events/extend/extend.json", 200);
    assert!(extended.changed);
    let after = invitation(&stack, DATA_SKILLS, &learner("amara.dubois.060")).await;
    assert!(after.expires_at > amara.expires_at);
    assert_eq!(after.token_version, amara.token_version, "the same link");
    // Lena's seeded invitation expired long ago: resent by id (a new link); then the other
    // expired ones of the contract extended (the same links).
    let lena = invitation(&stack, LEADERSHIP, &learner("lena.berg.031")).await;
    let resent: wire::BulkResult =
        call!(_, "resend", "admin-api/events/resend/resend-many.json", 200);
    assert_eq!(resent.done, 1, "{resent:?}");
    let after = invitation(&stack, LEADERSHIP, &learner("lena.berg.031")).await;
    assert_eq!(after.token_version, lena.token_version + 1);
    let mateo = invitation(&stack, LEADERSHIP, &learner("mateo.berg.032")).await;
    assert!(mateo.expires_at < chrono::Utc::now());
    let many: wire::BulkResult =
        call!(_, "extend", "admin-api/events/extend/extend-many.json", 200);
    assert_eq!(
        (many.refused, many.not_found, &many.continuation),
        (0, 0, &None),
        "{many:?}"
    );
    assert!(many.done >= 1, "{many:?}");
    let after = invitation(&stack, LEADERSHIP, &learner("mateo.berg.032")).await;
    assert!(after.expires_at > chrono::Utc::now());
    assert_eq!(after.token_version, mateo.token_version, "the same link");
    let revoked: wire::BulkResult =
        call!(_, "revoke", "admin-api/events/revoke/revoke-many.json", 200);
    assert_eq!((revoked.done, revoked.not_found), (1, 1), "{revoked:?}");
    let after = invitation(&stack, DATA_SKILLS, &learner("bruno.dubois.061")).await;
    assert_eq!(after.status, InvitationStatus::Revoked);
    // admin-read: Amara's history (invited, extended) and the export of the contract.
    let history: wire::InvitationHistory = call!(
        _,
        "admin-read",
        "admin-api/events/admin-read/invitation-history.json",
        200
    );
    assert!(
        history
            .entries
            .iter()
            .any(|e| e.action == wire::HistoryAction::Extended),
        "{history:?}"
    );
    let export = run(
        "admin-read",
        "admin-api/events/admin-read/export-invitations.json",
    );
    assert_eq!(export["statusCode"], 200, "{export}");
    assert!(
        export["body"]
            .as_str()
            .unwrap_or_default()
            .contains("amara.dubois.060"),
        "{export}"
    );
    // delivery-events: SES's bounce of a seeded mail blocks the address; clear-block lifts it,
    // and correct-address (allowed only after a failed mail, issue 26) moves the invitation.
    let nia = learner("nia.costa.053");
    assert_eq!(
        run("delivery-events", "delivery-events/events/bounce.json"),
        Value::Null
    );
    let bounced = invitation(&stack, DATA_SKILLS, &nia).await;
    assert_eq!(
        bounced.delivery_report.map(|r| r.kind),
        Some(ReportKind::BouncedPermanent)
    );
    assert!(stack.store.address_block(&nia).await.unwrap().is_some());
    let cleared: wire::InvitationChange = call!(
        _,
        "correct-address",
        "admin-api/events/correct-address/clear-block.json",
        200
    );
    assert!(cleared.changed);
    assert!(cleared.invitation.can_resend, "{cleared:?}");
    assert!(stack.store.address_block(&nia).await.unwrap().is_none());
    let corrected: wire::InvitationChange = call!(
        _,
        "correct-address",
        "admin-api/events/correct-address/correct-address.json",
        200
    );
    assert_eq!(corrected.invitation.email, "nia.costa@partner.example");
    let moved = stack
        .store
        .find_invitation(&bounced.id)
        .await
        .unwrap()
        .expect("the corrected invitation");
    assert_eq!(moved.email.identity(), "nia.costa@partner.example");
    assert_eq!(
        moved.user_id, None,
        "no longer the directory person at the old address"
    );

    // enrol: the link verifies with the stack's key (from its Secrets Manager).
    let shown: wire::InvitationPage =
        call!(_, "enrol", "enrol-api/events/show-invitation.json", 200);
    assert_eq!(shown.email, learner("omar.costa.054"));
    assert_eq!(shown.contract.name, "Data Skills Voucher");
    let enrolled: wire::InvitationPage = call!(_, "enrol", "enrol-api/events/enrol.json", 200);
    assert_eq!(enrolled.status, wire::EnrolmentStatus::Enrolled);
    let priya = invitation(&stack, DATA_SKILLS, &learner("priya.costa.055")).await;
    assert_eq!(priya.status, InvitationStatus::Enrolled);

    // contract-admins: Sam makes a directory user an admin of Grace's contract, then not.
    let onboarding = ContractId::parse(ONBOARDING).unwrap();
    let farah = UserId::parse(&stack.directory[&5]).unwrap();
    let _: wire::AdminList = call!(
        _,
        "contract-admins",
        "admin-api/events/contract-admins/add-admin.json",
        200
    );
    let admins = stack
        .store
        .get_contract(&onboarding)
        .await
        .unwrap()
        .unwrap()
        .admins;
    assert!(admins.contains(&farah), "{admins:?}");
    let _: wire::AdminList = call!(
        _,
        "contract-admins",
        "admin-api/events/contract-admins/remove-admin.json",
        200
    );
    let admins = stack
        .store
        .get_contract(&onboarding)
        .await
        .unwrap()
        .unwrap()
        .admins;
    assert!(!admins.contains(&farah), "{admins:?}");

    // contract-settings: Sam gives the contract its own mail in French, tests a draft, and
    // changes its reminder plan.
    let changed: wire::Contract = call!(
        _,
        "contract-settings",
        "admin-api/events/contract-settings/set-mail.json",
        200
    );
    assert_eq!(changed.mail.language, wire::MailLanguage::Fr);
    assert!(changed.mail.custom);
    let stored = stack
        .store
        .get_contract(&onboarding)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.mail.custom.as_ref().map(|t| t.subject().to_owned()),
        Some("{name}, une place vous attend : {contract}".to_owned())
    );
    let queued: wire::TestMailQueued = call!(
        _,
        "contract-settings",
        "admin-api/events/contract-settings/test-mail.json",
        202
    );
    assert_eq!(queued.to, "sam.sysadmin@learners.example");
    let changed: wire::Contract = call!(
        _,
        "contract-settings",
        "admin-api/events/contract-settings/set-reminders.json",
        200
    );
    assert_eq!(
        (changed.reminders.days_after_send, changed.reminders.at_most),
        (Some(4), 3)
    );

    // people: an account in the pool, and system administration granted and withdrawn.
    let added: wire::PersonAdded =
        call!(_, "people", "admin-api/events/people/add-person.json", 201);
    assert!(added.created);
    assert!(stack
        .store
        .find_user_by_email("new.person@learners.example")
        .await
        .unwrap()
        .is_some());
    let grace = stack.person("contract-admin", 1).user_id.clone();
    let groups = || async {
        stack
            .cognito
            .admin_list_groups_for_user()
            .user_pool_id(&stack.pool.id)
            .username(&grace)
            .send()
            .await
            .unwrap()
            .groups()
            .iter()
            .filter_map(|g| g.group_name().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let granted: wire::User = call!(
        _,
        "people",
        "admin-api/events/people/grant-system-admin.json",
        200
    );
    assert!(granted.is_system_admin());
    assert_eq!(groups().await, ["system-admins"]);
    let withdrawn: wire::User = call!(
        _,
        "people",
        "admin-api/events/people/withdraw-system-admin.json",
        200
    );
    assert!(!withdrawn.is_system_admin());
    assert!(groups().await.is_empty());

    // directory-sync: someone put into the pool by hand reaches the directory.
    let ines = format!("ines.{tag}@learners.example");
    let attribute = |name: &str, value: &str| {
        AttributeType::builder()
            .name(name)
            .value(value)
            .build()
            .unwrap()
    };
    stack
        .cognito
        .admin_create_user()
        .user_pool_id(&stack.pool.id)
        .username(&ines)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email", &ines))
        // Marked verified, as an administrator does who knows the address is hers: only a
        // proved address leads to its person (issue 26).
        .user_attributes(attribute("email_verified", "true"))
        .user_attributes(attribute("name", "Ines Pool"))
        .send()
        .await
        .unwrap();
    let synced = run("directory-sync", "directory-sync/events/schedule.json");
    assert_eq!(synced["written"], 1, "{synced}");
    assert!(synced["accounts"].as_u64() > Some(300), "{synced}");
    assert!(stack
        .store
        .find_user_by_email(&ines)
        .await
        .unwrap()
        .is_some());

    // send-sweeper: nothing has been stuck for ten minutes here; it answers its report.
    let swept = run("send-sweeper", "send-sweeper/events/schedule.json");
    let mut keys: Vec<&String> = swept.as_object().expect("a report").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["cleared", "due", "gave_up", "moved", "requeued"],
        "{swept}"
    );
    assert_eq!(swept["due"], 0, "{swept}");

    // reminders: the seed's due reminders are queued (no mailer runs here); it answers its counts.
    let reminded = run("reminders", "reminders/events/schedule.json");
    let mut keys: Vec<&String> = reminded.as_object().expect("counts").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["expired", "reminded", "rescheduled", "skipped"],
        "{reminded}"
    );

    eprintln!(
        "every function answered its event files under cargo lambda watch in {:.0?}",
        started.elapsed()
    );
    drop(watch);
}
