//! The site end to end in headless Chromium, driven over WebDriver (fantoccini + Debian's
//! chromedriver) against the local stack on free ports. It walks the issue's flow as a person
//! would: sign in as a contract admin, open the voucher, upload a CSV with bad rows for two of
//! its three activities and read the import report, invite two directory users, revoke a pending
//! invitation, enrol an external person through the mailed link, see them Enrolled without a
//! Revoke button, and check that another contract admin cannot open the contract. Then the
//! system administrator manages a contract's admins, adds a person on the People page, makes
//! them a system administrator and withdraws it, makes them an admin of one contract, and that
//! person signs in and sees that contract only. On the way, the admin opens an invitation's
//! history and exports the invitations the tab's search matches. Last, an invitation to an address SES's mailbox
//! simulator bounces shows Bounced and offers no Resend; the admin clears the block by keyboard and
//! corrects the address in the row. Then the admin writes the contract's own invitation mail
//! (a wrong merge field named, the live preview, save, a test to herself), changes the reminder
//! plan, and reads the contract's funnel pictures.
//!
//! Needs the built site (`scripts/build-site.sh` writes site/dist) and /usr/bin/chromium +
//! /usr/bin/chromedriver (`scripts/setup.sh` installs them). Each step leaves a screenshot in
//! tests/artifacts/browser/ (and `failure.png` when a step fails), and every page it shows is
//! audited with axe-core (WCAG 2.1 A and AA) at a desktop and a phone width; the audit fails the
//! test on any violation. axe-core comes from .tools (`scripts/setup.sh`).

mod common;

use common::{enrol_link, mail_for, start_stack};
use fantoccini::{Client, ClientBuilder, Locator};
use futures::FutureExt;
use local_stack::seed::contracts::{DATA_SKILLS, ONBOARDING, SPRING_COHORT};
use local_stack::Stack;
use serde_json::{json, Value};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use testkit::{free_port, repo_root};

/// How long a step may take to show up on the page (the wasm app's first start included).
const WAIT: Duration = Duration::from_secs(20);
/// How long the mailer and the import may take.
const SLOW_WAIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(150);
/// The window sizes every page is audited at; the screenshots are at the desktop size.
const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver (and the Chromium it starts) in a process group of their own, with a fresh
/// profile: killed and removed on drop, also when the test fails.
struct Driver {
    child: Child,
    url: String,
    profile: PathBuf,
}

impl Driver {
    async fn start() -> Self {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: run scripts/setup.sh (it installs chromium and chromium-driver with apt-get)"
            );
        }
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let profile = std::env::temp_dir().join(format!(
            "browser-test-profile-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&profile).expect("a profile folder");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile,
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = match http.get(format!("{}/status", driver.url)).send().await {
                Ok(r) => r
                    .json::<Value>()
                    .await
                    .is_ok_and(|s| s["value"]["ready"] == true),
                Err(_) => false,
            };
            if ready {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not get ready on {} within {WAIT:?}",
                driver.url
            );
            tokio::time::sleep(POLL).await;
        }
    }

    async fn browser(&self) -> Client {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!("--user-data-dir={}", self.profile.display())])
        .collect::<Vec<_>>();
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("chromedriver opens a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any Chromium it left behind.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The browser plus where its screenshots go, with waits that poll instead of sleeping.
struct Page {
    client: Client,
    base: String,
    shots: PathBuf,
    /// axe-core's script (scripts/setup.sh installs it into .tools).
    axe: String,
}

impl Page {
    /// Polls `check` until it answers `Some`, for at most `timeout`; then fails, saying what
    /// was awaited and what the page showed.
    async fn until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl AsyncFnMut() -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = check().await {
                return value;
            }
            if Instant::now() >= deadline {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let body = self.body_text().await;
                panic!("waited {timeout:?} for {what}; at {url} the page shows:\n{body}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn body_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    async fn goto(&self, path: &str) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        self.client.goto(&url).await.expect("navigation");
    }

    /// The element with this id, once it is shown.
    async fn id(&self, id: &str) -> fantoccini::elements::Element {
        self.css(&format!("#{id}")).await
    }

    async fn css(&self, css: &str) -> fantoccini::elements::Element {
        let client = &self.client;
        self.until(&format!("`{css}` to be shown"), WAIT, async || {
            let e = client.find(Locator::Css(css)).await.ok()?;
            e.is_displayed().await.ok()?.then_some(e)
        })
        .await
    }

    /// Whether an element matches now (no waiting: call it once the page has settled).
    async fn present(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
            .is_empty()
    }

    /// Clicks the element with this id once it is shown and enabled.
    /// Clicks the first element `css` finds (for elements without an id, such as a summary).
    async fn click_css(&self, css: &str) {
        self.css(css).await.click().await.expect("click");
    }

    async fn click(&self, id: &str) {
        let css = format!("#{id}");
        let client = &self.client;
        let element = self
            .until(&format!("`{css}` to be enabled"), WAIT, async || {
                let e = client.find(Locator::Css(&css)).await.ok()?;
                (e.is_displayed().await.ok()? && e.is_enabled().await.ok()?).then_some(e)
            })
            .await;
        element.click().await.expect("click");
    }

    /// Ticks or unticks a checkbox, whatever its state was.
    async fn set_checked(&self, id: &str, on: bool) {
        let element = self.id(id).await;
        if element.is_selected().await.expect("checkbox state") != on {
            element.click().await.expect("click");
        }
        let client = &self.client;
        let css = format!("#{id}");
        self.until(&format!("`{css}` to be {on}"), WAIT, async || {
            let e = client.find(Locator::Css(&css)).await.ok()?;
            (e.is_selected().await.ok()? == on).then_some(())
        })
        .await;
    }

    /// Waits for the element to hold `needle` in its text, and answers the text.
    async fn text_with(&self, css: &str, needle: &str) -> String {
        let client = &self.client;
        self.until(&format!("`{css}` to read \"{needle}\""), WAIT, async || {
            let e = client.find(Locator::Css(css)).await.ok()?;
            let text = e.text().await.ok()?;
            text.contains(needle).then_some(text)
        })
        .await
    }

    async fn type_into(&self, id: &str, text: &str) {
        let input = self.id(id).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("typing");
    }

    /// Runs a script and answers what it returns.
    async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(name), png).expect("saving the screenshot");
    }

    /// A step's screenshot, then the page as it is audited with axe-core.
    async fn snapshot(&self, name: &str) {
        self.screenshot(name).await;
        self.audit(name.trim_end_matches(".png")).await;
    }

    /// Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now, at a desktop and a
    /// phone width (where tables become cards), and fails naming every violation and where.
    async fn audit(&self, what: &str) {
        let loaded = self
            .client
            .execute(
                "if (!window.axe) { (0, eval)(arguments[0]); } return typeof window.axe;",
                vec![Value::String(self.axe.clone())],
            )
            .await
            .expect("injecting axe-core");
        assert_eq!(loaded, "object", "axe-core did not load");
        let mut found = Vec::new();
        for (width, height) in [PHONE, DESKTOP] {
            self.client
                .set_window_size(width, height)
                .await
                .expect("resizing the window");
            let answer = self
                .client
                .execute_async(
                    r#"const done = arguments[arguments.length - 1];
                     axe.run(document, { runOnly: { type: 'tag',
                         values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                       .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help
                           + v.nodes.map(n => '\n    ' + n.target.join(' ') + ': '
                               + (n.failureSummary || '').replace(/\s+/g, ' ')).join(''))))
                       .catch(e => done(['axe failed: ' + e]));"#,
                    vec![],
                )
                .await
                .expect("running axe-core");
            for violation in answer.as_array().expect("axe's violations") {
                found.push(format!(
                    "at {width}px: {}",
                    violation.as_str().unwrap_or_default()
                ));
            }
        }
        assert!(
            found.is_empty(),
            "axe-core finds accessibility violations on {what}:\n{}",
            found.join("\n")
        );
    }

    /// The invitation row (its id and text) showing `email`, after searching for it.
    /// The row (its invitation id and text) of `email`, after searching for it: the list shows
    /// only what matches, so the tab's search is set for what follows (bulk actions, export).
    async fn invitation_row(&self, email: &str) -> (String, String) {
        let client = &self.client;
        // A search typed while the page is still settling can be lost: it is typed again until
        // the box and the list both show it.
        for _ in 0..5 {
            self.type_into("invitation-search", email).await;
            self.click("invitation-search-submit").await;
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                let searched = self
                    .js("const i = document.getElementById('invitation-search'); return i ? i.value : '';")
                    .await;
                if searched != email {
                    break;
                }
                if let Ok(rows) = client.find_all(Locator::Css("tr[id^='invitation-']")).await {
                    let mut found = None;
                    let mut all_match = !rows.is_empty();
                    for row in rows {
                        let text = row.text().await.unwrap_or_default();
                        if text.contains(email) {
                            let id = row.attr("id").await.ok().flatten().unwrap_or_default();
                            found = Some((id.trim_start_matches("invitation-").to_owned(), text));
                        } else {
                            all_match = false;
                        }
                    }
                    if let (true, Some(row)) = (all_match, found) {
                        return row;
                    }
                }
                tokio::time::sleep(POLL).await;
            }
        }
        let body = self.body_text().await;
        panic!("the invitation list never showed only {email}; the page shows:\n{body}");
    }

    /// The People page's row (its user id and text) showing `email`, after searching for it.
    async fn person_row(&self, email: &str) -> (String, String) {
        self.type_into("people-search", email).await;
        self.click("people-search-submit").await;
        let client = &self.client;
        self.until(&format!("a person row for {email}"), WAIT, async || {
            let rows = client
                .find_all(Locator::Css("tr[id^='person-']"))
                .await
                .ok()?;
            for row in rows {
                let text = row.text().await.ok()?;
                if text.contains(email) {
                    let id = row.attr("id").await.ok()??;
                    return Some((id.trim_start_matches("person-").to_owned(), text));
                }
            }
            None
        })
        .await
    }
}

/// A CSV file in a folder of its own, removed on drop.
struct TempCsv {
    dir: PathBuf,
    path: PathBuf,
}

impl TempCsv {
    fn new(name: &str, contents: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "browser-test-csv-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("a temp folder");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("writing the CSV");
        Self { dir, path }
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_admin_invites_revokes_and_a_student_enrols_in_the_browser() {
    let dist = repo_root().join("site/dist/index.html");
    assert!(
        dist.exists(),
        "{} is missing: build the site first with scripts/build-site.sh",
        dist.display()
    );
    let shots = repo_root().join("tests/artifacts/browser");
    std::fs::create_dir_all(&shots).expect("the screenshot folder");

    let (stack, tag) = start_stack("web").await;
    let driver = Driver::start().await;
    let axe = repo_root().join(".tools/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run scripts/setup.sh (it installs axe-core with npm)",
            axe.display()
        )
    });
    let page = Page {
        client: driver.browser().await,
        base: stack.url.clone(),
        shots,
        axe,
    };

    let started = Instant::now();
    let outcome = AssertUnwindSafe(flow(&page, &stack, &tag))
        .catch_unwind()
        .await;
    if outcome.is_err() {
        let _ = tokio::time::timeout(Duration::from_secs(10), page.screenshot("failure.png")).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), page.client.clone().close()).await;
    drop(driver);
    stack.stop();
    match outcome {
        Ok(()) => eprintln!("browser flow passed in {:.1?}", started.elapsed()),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

async fn flow(page: &Page, stack: &Stack, tag: &str) {
    // Addresses carry the test's tag: the SES emulator is shared with other tests.
    let robin = format!("robin.{tag}@browser-e2e.example");
    let kim = format!("kim.{tag}@browser-e2e.example");

    // The seeded people are known by their subs, which the pool chose.
    let ada = stack.person("contract-admin", 0).user_id.as_str();
    let grace = stack.person("contract-admin", 1).user_id.as_str();
    let sam = stack.person("system-admin", 0).user_id.as_str();
    let (u201, u202) = (
        stack.directory[&201].as_str(),
        stack.directory[&202].as_str(),
    );

    // 1. Sign in as a contract admin.
    page.goto("/").await;
    page.id(&format!("sign-in-{ada}")).await;
    page.snapshot("01-sign-in.png").await;
    page.click(&format!("sign-in-{ada}")).await;
    page.text_with("header.top", "Ada Lovelace").await;
    // Ada's contracts are listed (her voucher among them), not Grace's onboarding voucher.
    page.id(&format!("contract-{DATA_SKILLS}")).await;
    assert!(
        !page.present(&format!("#contract-{ONBOARDING}")).await,
        "Ada's list shows Grace's contract"
    );
    page.audit("the contracts").await;

    // 2. Open the voucher contract.
    page.css(&format!("#contract-{DATA_SKILLS} a"))
        .await
        .click()
        .await
        .expect("click");
    page.text_with("h1", "Data Skills Voucher").await;
    page.id("add-invitations").await;
    page.text_with("section[aria-label='Invitations']", "pending")
        .await;
    page.snapshot("02-contract.png").await;

    // 3. Add Invitations → Upload CSV with bad rows, for two of the three activities.
    page.click("add-invitations").await;
    page.click("method-csv").await;
    let csv = TempCsv::new(
        &format!("team-{tag}.csv"),
        &format!(
            "{robin}\nnot-an-address\n{kim}\n{}\n\nada@@broken\n",
            robin.to_uppercase()
        ),
    );
    page.id("csv-file")
        .await
        .send_keys(&csv.path.display().to_string())
        .await
        .expect("choosing the file");
    page.text_with(".drop .chosen", &format!("team-{tag}.csv"))
        .await;
    page.text_with("#step-2", "Step 2 of 2").await;
    assert!(
        !page.id("add-users").await.is_enabled().await.unwrap(),
        "Add Users waits for an activity"
    );
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("activity-python-data", true).await;
    page.set_checked("activity-dashboards", false).await;
    page.snapshot("03-csv-step-2.png").await;
    page.click("add-users").await;
    let client = &page.client;
    page.until("the import to finish", SLOW_WAIT, async || {
        let heading = client.find(Locator::Id("import-heading")).await.ok()?;
        (heading.text().await.ok()? == "Import finished").then_some(())
    })
    .await;
    let state = page.text_with(".import-report .import-state", "Done").await;
    let counts = page
        .js(
            "return [...document.querySelectorAll('.import-report dl.counts > div')]
                .map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]);",
        )
        .await;
    let count = |label: &str| -> String {
        counts
            .as_array()
            .expect("counts")
            .iter()
            .find(|pair| pair[0] == label)
            .unwrap_or_else(|| panic!("no count {label} in {counts}"))[1]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        (count("Invited"), count("Invalid email"), count("Duplicate")),
        ("2".into(), "2".into(), "1".into()),
        "{state}: {counts}"
    );
    let bad_rows = page
        .js(
            "return [...document.querySelectorAll('.import-report table.bad-rows tbody tr')]
                .map(r => [...r.querySelectorAll('td')].map(td => td.textContent));",
        )
        .await;
    let bad: Vec<(String, String)> = bad_rows
        .as_array()
        .expect("bad rows")
        .iter()
        .map(|r| (r[0].as_str().unwrap().into(), r[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        bad,
        vec![
            ("2".into(), "not-an-address".into()),
            ("4".into(), robin.to_uppercase()),
            ("6".into(), "ada@@broken".into()),
        ],
        "the first bad rows, with line numbers: {bad_rows}"
    );
    page.snapshot("04-import-report.png").await;

    // 4. Select two users individually: search the directory, tick, Submit, Add Users.
    page.click("add-more").await;
    page.click("method-users").await;
    page.type_into("user-search", "bruno kowalski").await;
    page.click("user-search-submit").await;
    page.set_checked(&format!("user-{u201}"), true).await;
    page.type_into("user-search", "chen kowalski").await;
    page.click("user-search-submit").await;
    page.text_with(".user-picker", "Chen Kowalski").await;
    page.set_checked(&format!("user-{u202}"), true).await;
    // The first pick stays listed (and ticked) under "Also selected".
    assert!(page
        .id(&format!("user-{u201}"))
        .await
        .is_selected()
        .await
        .unwrap());
    page.text_with(".user-picker .selection", "2 people selected")
        .await;
    page.click("submit-users").await;
    page.text_with("#step-2", "Step 2 of 2").await;
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("activity-python-data", false).await;
    page.set_checked("activity-dashboards", true).await;
    page.snapshot("05-users-selected.png").await;
    page.click("add-users").await;
    let results = page.text_with("#results-heading", "invited").await;
    assert!(results.starts_with("2 people invited, 0 not"), "{results}");
    let people = page
        .js(
            "return [...document.querySelectorAll('section.results tbody tr')]
                .map(r => [...r.querySelectorAll('td')].map(td => td.textContent));",
        )
        .await;
    let people = people.as_array().expect("results").clone();
    assert_eq!(people.len(), 2, "{people:?}");
    for (user, row) in ["bruno.kowalski.201@", "chen.kowalski.202@"]
        .iter()
        .zip(&people)
    {
        assert!(
            row[0].as_str().unwrap().starts_with(user) && row[1] == "Invited",
            "{user}: {row}"
        );
    }
    page.snapshot("06-user-results.png").await;

    // 5. Revoke one pending invitation (Kim's, from the file), confirming first.
    page.click("tab-invitations").await;
    let (robin_id, robin_row) = page.invitation_row(&robin).await;
    assert!(robin_row.contains("Pending"), "{robin_row}");
    assert!(
        page.present(&format!("#revoke-{robin_id}")).await,
        "a pending invitation offers Revoke"
    );
    let (kim_id, kim_row) = page.invitation_row(&kim).await;
    assert!(kim_row.contains("Pending"), "{kim_row}");
    assert!(
        kim_row.contains("SQL Basics") && kim_row.contains("Python for Data"),
        "the file's two activities: {kim_row}"
    );
    page.click(&format!("revoke-{kim_id}")).await;
    page.text_with(
        &format!("#invitation-{kim_id} .confirm"),
        &format!("Revoke the invitation to {kim}?"),
    )
    .await;
    page.snapshot("07-revoke-confirm.png").await;
    page.click(&format!("confirm-revoke-{kim_id}")).await;
    let outcome = page
        .text_with(&format!("#outcome-{kim_id}"), "Revoked")
        .await;
    assert_eq!(
        outcome,
        format!("Revoked: the link sent to {kim} no longer works.")
    );
    page.text_with(&format!("#invitation-{kim_id}"), "Revoked")
        .await;
    assert!(
        !page.present(&format!("#revoke-{kim_id}")).await,
        "no Revoke once revoked"
    );
    page.snapshot("08-revoke-outcome.png").await;

    // 6. The mailed links: Kim's now says it was withdrawn; Robin's enrols an external person.
    let kim_link = enrol_link(
        &mail_for(&stack.emulators.ses, &kim, 1).await[0],
        &stack.url,
    );
    page.goto(&kim_link).await;
    page.text_with("#link-revoked h1", "withdrawn").await;
    page.audit("a revoked link's page").await;
    let robin_mail = mail_for(&stack.emulators.ses, &robin, 1).await;
    assert_eq!(robin_mail.len(), 1, "one mail per invitation");
    let robin_link = enrol_link(&robin_mail[0], &stack.url);
    page.goto(&robin_link).await;
    page.text_with("main.student", "Data Skills Voucher").await;
    page.type_into("enrol-name", "Robin External").await;
    page.snapshot("09-enrol.png").await;
    page.click("enrol").await;
    let enrolled = page.text_with("#enrolled", "is enrolled").await;
    assert_eq!(
        enrolled,
        format!("{robin} is enrolled in Data Skills Voucher.")
    );
    page.snapshot("10-enrolled.png").await;

    // 7. Back as the admin: Robin is Enrolled, by name, and Revoke is gone.
    page.goto(&format!("/contracts/{DATA_SKILLS}")).await;
    page.text_with("header.top", "Ada Lovelace").await;
    let (id, row) = page.invitation_row(&robin).await;
    assert_eq!(id, robin_id);
    assert!(
        row.contains("Enrolled") && row.contains("Robin External"),
        "{row}"
    );
    assert!(
        !page.present(&format!("#revoke-{robin_id}")).await,
        "an enrolled invitation offers no Revoke"
    );
    page.snapshot("11-admin-sees-enrolled.png").await;

    // 7b. Robin's history, opened by keyboard from the row: enrolled (by Robin, named from the
    // directory), the mail sent, the invite from the file's first line by Ada; newest first.
    let history = page.id(&format!("history-{robin_id}")).await;
    assert_eq!(
        history.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );
    history
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .expect("Enter on History");
    let entries_css = format!("#history-entries-{robin_id}");
    page.text_with(&entries_css, "Enrolled").await;
    let entries = page
        .js(&format!(
            "return [...document.querySelectorAll('{entries_css} li')].map(li => li.textContent);"
        ))
        .await;
    let entries: Vec<String> = entries
        .as_array()
        .expect("history entries")
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(
        entries[0].contains("Enrolled") && entries[0].contains("by Robin External"),
        "{entries:?}"
    );
    assert!(
        entries[1].contains("Mail sent") && entries[1].contains(&format!("to {robin}")),
        "{entries:?}"
    );
    assert!(
        entries[2].contains("Invited")
            && entries[2].contains("line 1")
            && entries[2].contains("by Ada Lovelace"),
        "{entries:?}"
    );
    assert_eq!(
        page.id(&format!("history-{robin_id}"))
            .await
            .attr("aria-expanded")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    page.snapshot("11b-invitation-history.png").await;

    // 7c. Export what the tab shows (the search for Robin): the button hands the browser a CSV
    // file, caught here as the page makes its link.
    page.js(
        "window.exported = [];
         const make = URL.createObjectURL;
         URL.createObjectURL = blob => { blob.text().then(t => window.exported.push(t)); return make(blob); };
         return true;",
    )
    .await;
    page.id("export-invitations")
        .await
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .expect("Enter on Export");
    let said = page.text_with("#export-outcome", "Downloaded").await;
    assert!(
        said.contains(&format!("invitations-{DATA_SKILLS}-")) && said.ends_with(": 1 invitation."),
        "{said}"
    );
    let client = &page.client;
    let file = page
        .until("the exported file", WAIT, async || {
            let v = client
                .execute("return window.exported[0] || null;", vec![])
                .await
                .ok()?;
            v.as_str().map(str::to_owned)
        })
        .await;
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(
        lines[0],
        "status,email,name,delivery,invited at,last sent,enrolled at,revoked at,expires at,activities,inviter,import,line"
    );
    assert_eq!(lines.len(), 2, "{file}");
    assert!(
        lines[1].starts_with(&format!("Enrolled,{robin},Robin External,Sent,"))
            && lines[1].contains("SQL Basics")
            && lines[1].contains("Python for Data")
            && lines[1].contains("Ada Lovelace")
            && lines[1].ends_with(",1"),
        "{file}"
    );
    page.snapshot("11c-export.png").await;

    // 8. Another contract admin cannot open Ada's contract, nor sees it listed.
    page.click("sign-out").await;
    page.click(&format!("sign-in-{grace}")).await;
    page.text_with("header.top", "Grace Hopper").await;
    page.id(&format!("contract-{ONBOARDING}")).await;
    assert!(
        !page.present(&format!("#contract-{DATA_SKILLS}")).await,
        "Grace's list shows Ada's contract"
    );
    page.snapshot("12-other-admin-contracts.png").await;
    page.goto(&format!("/contracts/{DATA_SKILLS}")).await;
    let error = page
        .text_with(
            "main .error[role='alert']",
            "Could not load the learning contract",
        )
        .await;
    assert!(
        error.contains("You are not an administrator of this learning contract."),
        "{error}"
    );
    // Only the refusal: no tools, none of Ada's invitations.
    assert!(
        !page.present("#add-invitations").await && !page.present("tr[id^='invitation-']").await,
        "Grace is offered Ada's invitations: {}",
        page.body_text().await
    );
    page.snapshot("13-other-admin-refused.png").await;

    // 9. Grace sees who administers her own contract, but cannot change it.
    page.goto(&format!("/contracts/{ONBOARDING}/admins")).await;
    page.id(&format!("admin-{grace}")).await;
    assert!(
        !page.present("[id^='remove-admin-']").await && !page.present("#admin-search").await,
        "a contract admin is offered to change the admins"
    );

    // 10. The system administrator makes Ada an admin of Grace's contract, then removes her.
    page.click("sign-out").await;
    page.click(&format!("sign-in-{sam}")).await;
    page.text_with("header.top", "Sam Sysadmin").await;
    page.goto(&format!("/contracts/{ONBOARDING}/admins")).await;
    page.id(&format!("admin-{grace}")).await;
    page.type_into("admin-search", "ada").await;
    page.click("admin-search-submit").await;
    page.click(&format!("add-admin-{ada}")).await;
    page.text_with(&format!("#admin-{ada}"), "Ada Lovelace")
        .await;
    page.id("admins-outcome").await;
    page.snapshot("14-admin-added.png").await;
    page.click(&format!("remove-admin-{ada}")).await;
    page.click(&format!("confirm-remove-{ada}")).await;
    page.until("Ada's row to go", WAIT, async || {
        (!page.present(&format!("#admin-{ada}")).await).then_some(())
    })
    .await;
    page.id(&format!("admin-{grace}")).await;
    page.snapshot("15-admin-removed.png").await;

    // 11. People, from the main navigation: the system administrator's own row offers no
    //     Withdraw (found by searching the directory).
    page.click("nav-people").await;
    page.text_with("h1", "People").await;
    page.id("people-count").await;
    page.type_into("people-search", "sam").await;
    page.click("people-search-submit").await;
    let own = page
        .until("the signed-in person's own row", WAIT, async || {
            let own = page
                .js(
                    "const you = document.querySelector('tr[id^=\"person-\"] .you');
                     return you ? you.closest('tr').id : null;",
                )
                .await;
            own.as_str()
                .map(|id| id.trim_start_matches("person-").to_owned())
        })
        .await;
    assert_eq!(own, sam, "Sam's own row is the one marked (you)");
    assert!(
        page.present(&format!("#own-sysadmin-{own}")).await
            && !page.present(&format!("#withdraw-sysadmin-{own}")).await,
        "a system administrator is offered to withdraw their own: {}",
        page.text_with(&format!("#person-{own}"), "").await
    );
    page.snapshot("16-people.png").await;

    // 12. Add a person: the sign-in service mails them a temporary password.
    let pat = format!("pat.{tag}@browser-e2e.example");
    let pat_name = "Pat Newcomer";
    page.type_into("person-name", pat_name).await;
    page.type_into("person-email", &pat).await;
    page.click("add-person").await;
    let added = page
        .text_with("#add-person-outcome", "Added Pat Newcomer")
        .await;
    assert_eq!(
        added,
        "Added Pat Newcomer. They will get an email from the sign-in service with a temporary password."
    );
    let (pat_id, row) = page.person_row(&pat).await;
    assert!(row.contains(pat_name), "{row}");
    page.snapshot("17-person-added.png").await;
    // The same address again: it already has an account.
    page.type_into("person-name", pat_name).await;
    page.type_into("person-email", &pat.to_uppercase()).await;
    page.click("add-person").await;
    page.text_with("#add-person-outcome", "already has an account")
        .await;
    // A bad address is refused at its field, in words.
    page.type_into("person-name", pat_name).await;
    page.type_into("person-email", "pat@@nowhere").await;
    page.click("add-person").await;
    page.id("person-email-error").await;
    assert_eq!(
        page.id("person-email")
            .await
            .attr("aria-invalid")
            .await
            .expect("aria-invalid"),
        Some("true".into())
    );
    page.snapshot("18-person-refused.png").await;

    // 13. Make Pat a system administrator, then withdraw it again (asked first each time).
    page.click(&format!("grant-sysadmin-{pat_id}")).await;
    page.text_with(
        &format!("#person-{pat_id} .confirm"),
        "Make Pat Newcomer a system administrator?",
    )
    .await;
    page.snapshot("19-grant-confirm.png").await;
    page.click(&format!("confirm-sysadmin-{pat_id}")).await;
    page.text_with(
        &format!("#person-outcome-{pat_id}"),
        "Pat Newcomer is now a system administrator.",
    )
    .await;
    page.text_with(&format!("#person-{pat_id}"), "System administrator")
        .await;
    page.click(&format!("withdraw-sysadmin-{pat_id}")).await;
    page.click(&format!("confirm-sysadmin-{pat_id}")).await;
    page.text_with(
        &format!("#person-outcome-{pat_id}"),
        "Pat Newcomer is no longer a system administrator.",
    )
    .await;
    page.id(&format!("grant-sysadmin-{pat_id}")).await;
    page.snapshot("20-sysadmin-withdrawn.png").await;

    // 14. Pat becomes an admin of one contract, on its Admins tab.
    page.goto(&format!("/contracts/{SPRING_COHORT}/admins"))
        .await;
    page.type_into("admin-search", &pat).await;
    page.click("admin-search-submit").await;
    page.click(&format!("add-admin-{pat_id}")).await;
    page.text_with(&format!("#admin-{pat_id}"), pat_name).await;
    page.snapshot("21-new-person-admin.png").await;

    // 15. Pat signs in on the local sign-in page (everyone in the user pool is listed there) and
    //     sees that contract, and only that one; no People for them.
    page.click("sign-out").await;
    let sign_in = page
        .until(&format!("{pat} on the sign-in page"), WAIT, async || {
            let script = format!(
                "const b = [...document.querySelectorAll('ul.users button')]
                     .find(b => b.textContent.includes({}));
                 return b ? b.id : null;",
                json!(pat)
            );
            page.js(&script).await.as_str().map(str::to_owned)
        })
        .await;
    page.click(&sign_in).await;
    page.text_with("header.top", pat_name).await;
    page.id(&format!("contract-{SPRING_COHORT}")).await;
    let listed = page
        .js("return [...document.querySelectorAll('.contracts h2[id^=\"contract-\"]')].map(h => h.id);")
        .await;
    assert_eq!(
        listed,
        json!([format!("contract-{SPRING_COHORT}")]),
        "Pat administers one contract"
    );
    assert!(
        !page.present("#nav-people").await,
        "People is offered to someone who is not a system administrator"
    );
    page.snapshot("22-new-person-contracts.png").await;

    // 16. A mail that bounced: Ada invites an address SES's mailbox simulator bounces (the local
    //     stack turns the mail into SES's bounce event), sees the row say Bounced, and corrects
    //     the address in the row; the invitation moves there and its mail goes out.
    let bounce = format!("bounce+{tag}@simulator.amazonses.com");
    let fixed = format!("fixed.{tag}@browser-e2e.example");
    page.click("sign-out").await;
    page.click(&format!("sign-in-{ada}")).await;
    page.text_with("header.top", "Ada Lovelace").await;
    page.goto(&format!("/contracts/{DATA_SKILLS}")).await;
    page.click("add-invitations").await;
    page.click("method-csv").await;
    let csv = TempCsv::new(&format!("bounce-{tag}.csv"), &format!("{bounce}\n"));
    page.id("csv-file")
        .await
        .send_keys(&csv.path.display().to_string())
        .await
        .expect("choosing the file");
    page.text_with("#step-2", "Step 2 of 2").await;
    page.set_checked("activity-sql-basics", true).await;
    page.click("add-users").await;
    let client = &page.client;
    page.until("the import to finish", SLOW_WAIT, async || {
        let heading = client.find(Locator::Id("import-heading")).await.ok()?;
        (heading.text().await.ok()? == "Import finished").then_some(())
    })
    .await;
    page.text_with(".import-report .import-state", "Done").await;
    page.click("tab-invitations").await;
    let (bounced_id, row) = page
        .until(
            &format!("{bounce} to show Bounced"),
            SLOW_WAIT,
            async || {
                let (id, row) = page.invitation_row(&bounce).await;
                if row.contains("Bounced") {
                    return Some((id, row));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                None
            },
        )
        .await;
    assert!(row.contains("Pending"), "{row}");
    page.id(&format!("clear-block-{bounced_id}")).await;
    page.id(&format!("correct-address-{bounced_id}")).await;
    page.snapshot("23-bounced-row.png").await;
    // No Resend while the address is blocked: the row offers only what the API allows
    // (issue 26), and says why in its delivery column.
    assert!(
        !page.present(&format!("#resend-{bounced_id}")).await,
        "{row}"
    );
    assert!(row.contains("Bounced"), "{row}");
    page.audit("a bounced row without Resend").await;
    // Clear block, by keyboard: the question takes focus on its Yes, Enter answers it, and
    // focus moves to the outcome.
    page.id(&format!("clear-block-{bounced_id}"))
        .await
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .expect("Enter on Clear block");
    page.text_with(
        &format!("#invitation-{bounced_id} .confirm"),
        &format!("Clear the block on {bounce}? Mail to it bounced or was marked as spam"),
    )
    .await;
    let yes = format!("confirm-clear-block-{bounced_id}");
    page.until("Yes to have focus", WAIT, async || {
        (page
            .js("return document.activeElement && document.activeElement.id;")
            .await
            == yes)
            .then_some(())
    })
    .await;
    page.snapshot("24-clear-block-confirm.png").await;
    page.id(&yes)
        .await
        .send_keys(&fantoccini::key::Key::Enter.to_string())
        .await
        .expect("Enter on Yes");
    let cleared = page
        .text_with(&format!("#outcome-{bounced_id}"), "The block on")
        .await;
    assert_eq!(
        cleared,
        format!("The block on {bounce} is cleared: Resend sends the invitation again.")
    );
    // Cleared: Resend is offered again.
    page.id(&format!("resend-{bounced_id}")).await;
    let outcome_id = format!("outcome-{bounced_id}");
    page.until("the outcome to have focus", WAIT, async || {
        (page
            .js("return document.activeElement && document.activeElement.id;")
            .await
            == outcome_id)
            .then_some(())
    })
    .await;
    // The form takes focus, and Escape puts the buttons back.
    let input_id = format!("correct-email-{bounced_id}");
    page.click(&format!("correct-address-{bounced_id}")).await;
    page.until("the address field to have focus", WAIT, async || {
        (page
            .js("return document.activeElement && document.activeElement.id;")
            .await
            == input_id)
            .then_some(())
    })
    .await;
    page.id(&input_id)
        .await
        .send_keys(&fantoccini::key::Key::Escape.to_string())
        .await
        .expect("Escape");
    page.id(&format!("correct-address-{bounced_id}")).await;
    page.click(&format!("correct-address-{bounced_id}")).await;
    let value = page.id(&input_id).await.prop("value").await.expect("value");
    assert_eq!(
        value.as_deref(),
        Some(bounce.as_str()),
        "prefilled with the old address"
    );
    page.text_with(
        &format!("#correct-form-{bounced_id}"),
        &format!("Correct address for {bounce}"),
    )
    .await;
    // Saving the old address is refused, in words, at the field.
    page.click(&format!("correct-save-{bounced_id}")).await;
    let refusal = page.id(&format!("correct-refusal-{bounced_id}")).await;
    let refusal = refusal.text().await.expect("the refusal");
    assert!(!refusal.is_empty(), "a refusal in words");
    assert_eq!(
        page.id(&input_id)
            .await
            .attr("aria-invalid")
            .await
            .expect("aria-invalid"),
        Some("true".into()),
        "{refusal}"
    );
    page.audit("a correction refused at its field").await;
    page.type_into(&input_id, &fixed).await;
    page.snapshot("25-correct-address-form.png").await;
    page.click(&format!("correct-save-{bounced_id}")).await;
    let outcome = page
        .text_with(&format!("#outcome-{bounced_id}"), "Moved to")
        .await;
    assert_eq!(
        outcome,
        format!("Moved to {fixed}; a new invitation mail is on its way.")
    );
    let row = page
        .text_with(&format!("#invitation-{bounced_id}"), &fixed)
        .await;
    let delivery = page
        .css(&format!("#invitation-{bounced_id} td.delivery"))
        .await
        .text()
        .await
        .expect("the delivery");
    assert!(
        ["Queued", "Sending", "Sent"]
            .iter()
            .any(|d| delivery.ends_with(d)),
        "{row}"
    );
    assert!(
        !page
            .present(&format!("#correct-address-{bounced_id}"))
            .await,
        "nothing to correct once moved"
    );
    page.snapshot("26-address-corrected.png").await;
    let mail = mail_for(&stack.emulators.ses, &fixed, 1).await;
    assert_eq!(
        mail.len(),
        1,
        "one invitation mail to the corrected address"
    );
    assert!(enrol_link(&mail[0], &stack.url).contains("/enrol#token="));

    // 14. Bulk actions: Robin (enrolled) selected and revoked in bulk is refused in its row;
    // revoke by email address revokes the corrected invitation and reports an unknown one.
    page.goto(&format!("/contracts/{DATA_SKILLS}")).await;
    let (robin_id, _) = page.invitation_row(&robin).await;
    page.set_checked(&format!("select-{robin_id}"), true).await;
    page.text_with("#bulk-scope", "the 1 selected").await;
    page.click("bulk-revoke").await;
    page.text_with("#bulk-question", "Revoke the selected invitation?")
        .await;
    page.snapshot("27-bulk-revoke-confirm.png").await;
    page.click("bulk-confirm").await;
    let result = page.text_with("#bulk-result", "Revoked: 0").await;
    assert!(
        result.contains("refused for 1") && result.contains("has already enrolled"),
        "{result}"
    );
    page.until("the outcome to have focus", WAIT, async || {
        (page
            .js("return document.activeElement && document.activeElement.id;")
            .await
            == "bulk-outcome")
            .then_some(())
    })
    .await;
    page.text_with(&format!("#invitation-{robin_id}"), "Enrolled")
        .await;
    page.snapshot("28-bulk-refused-in-its-row.png").await;
    let nobody = format!("nobody.{tag}@browser-e2e.example");
    page.click_css(".bulk summary").await;
    page.type_into("revoke-emails", &format!("{fixed}\n{nobody}"))
        .await;
    page.click("revoke-by-email").await;
    page.text_with("#bulk-question", "Revoke the invitations of 2 addresses?")
        .await;
    page.click("bulk-confirm").await;
    let result = page.text_with("#bulk-result", "Revoked: 1").await;
    assert!(
        result.contains("not found: 1") && result.contains(&nobody),
        "{result}"
    );
    let (_, fixed_row) = page.invitation_row(&fixed).await;
    assert!(fixed_row.contains("Revoked"), "{fixed_row}");
    page.snapshot("29-revoked-by-email.png").await;

    // 15. Check a file first: every row classified, nobody invited until "Invite these".
    page.goto(&format!("/contracts/{DATA_SKILLS}")).await;
    page.click("add-invitations").await;
    page.click("method-csv").await;
    let nova = format!("nova.{tag}@browser-e2e.example");
    let checked = TempCsv::new(
        &format!("check-{tag}.csv"),
        &format!("{nova}\n{robin}\nnot-an-address\n"),
    );
    page.id("csv-file")
        .await
        .send_keys(&checked.path.display().to_string())
        .await
        .expect("choosing the file");
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("csv-check-first", true).await;
    page.snapshot("30-check-first.png").await;
    page.click("add-users").await;
    let client = &page.client;
    page.until("the check to finish", SLOW_WAIT, async || {
        let heading = client.find(Locator::Id("import-heading")).await.ok()?;
        (heading.text().await.ok()? == "Check finished").then_some(())
    })
    .await;
    let report = page
        .text_with(".import-report .import-state", "nothing was sent")
        .await;
    let counts = page
        .js(
            "return Object.fromEntries([...document.querySelectorAll('.import-report dl.counts > div')]
                .map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]));",
        )
        .await;
    assert_eq!(
        (
            &counts["Would be invited"],
            &counts["Already enrolled"],
            &counts["Invalid email"]
        ),
        (&json!("1"), &json!("1"), &json!("1")),
        "{report}: {counts}"
    );
    let invite = page.text_with("#invite-checked", "Invite").await;
    assert_eq!(invite, "Invite this person");
    page.snapshot("31-check-finished.png").await;
    page.click("invite-checked").await;
    page.until(
        "the import of the checked file to finish",
        SLOW_WAIT,
        async || {
            let heading = client.find(Locator::Id("import-heading")).await.ok()?;
            (heading.text().await.ok()? == "Import finished").then_some(())
        },
    )
    .await;
    page.text_with(".import-report .import-state", "Done").await;
    page.snapshot("32-checked-file-invited.png").await;
    let mail = mail_for(&stack.emulators.ses, &nova, 1).await;
    assert_eq!(
        mail.len(),
        1,
        "one mail, from the import, none from the check"
    );

    mail_and_reminders(page, stack, tag).await;
}

/// Mail and reminders, as Ada on the voucher: an unknown merge field is named at its field and
/// Save waits; fixed, the preview (the mailer's own renderer) shows the merged text; saved by
/// Enter; "Send me a test" puts a mail marked [Test] in her inbox; the reminder plan changes and
/// is said in words. Then the contract's funnel and seats pictures on its Invitations tab.
async fn mail_and_reminders(page: &Page, stack: &Stack, tag: &str) {
    use fantoccini::key::Key;
    let ada = stack.person("contract-admin", 0);
    page.goto(&format!("/contracts/{DATA_SKILLS}")).await;
    page.click("tab-mail").await;
    page.id("mail-subject").await;
    page.text_with("#preview-text", "Hello Alex Example,").await;
    page.snapshot("33-mail-and-reminders.png").await;

    // An unknown merge field: named at the field, the field marked, Save and the test wait.
    page.type_into(
        "mail-subject",
        &format!("{{first_name}}, your place in {{contract}} {tag}"),
    )
    .await;
    let error = page.text_with("#mail-subject-error", "{first_name}").await;
    assert!(
        error.starts_with("The subject uses {first_name}, which is not a merge field."),
        "{error}"
    );
    let subject = page.id("mail-subject").await;
    assert_eq!(
        subject.attr("aria-invalid").await.expect("aria-invalid"),
        Some("true".into())
    );
    assert_eq!(
        subject.attr("aria-describedby").await.expect("described"),
        Some("mail-subject-error".into())
    );
    for button in ["mail-save", "mail-test"] {
        assert!(
            !page.id(button).await.is_enabled().await.expect("enabled?"),
            "{button} waits for the fix"
        );
    }
    page.id("preview-waiting").await;
    page.snapshot("34-unknown-merge-field.png").await;

    // Fixed: the preview merges the text as the mailer will.
    page.type_into(
        "mail-subject",
        &format!("{{name}}, your place in {{contract}} {tag}"),
    )
    .await;
    page.type_into(
        "mail-message",
        "{inviter} has kept you a place in {activities}.\n\nSee you there.",
    )
    .await;
    let preview_subject = page.text_with("#preview-subject", tag).await;
    assert!(
        preview_subject.starts_with("Alex Example, your place in "),
        "{preview_subject}"
    );
    let text = page
        .text_with("#preview-text", "Ada Lovelace has kept you a place in")
        .await;
    assert!(text.contains("/enrol#preview"), "{text}");
    assert!(!page.present("#mail-subject-error").await);
    page.id("preview-html").await;
    // The mail's own inline styles apply in the preview: the site's CSP allows exactly them by
    // their hashes, so the button looks as it will in the mail.
    let mut button = Value::Null;
    for _ in 0..50 {
        button = page
            .js(
                "const d = document.getElementById('preview-html').contentDocument; \
                 const a = d && d.querySelector('a[style]'); \
                 return a ? getComputedStyle(a).backgroundColor : null;",
            )
            .await;
        if !button.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        button,
        json!("rgb(29, 78, 216)"),
        "the preview's button is styled"
    );
    page.snapshot("35-mail-preview.png").await;

    // Saved with Enter in the subject field.
    page.id("mail-subject")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter");
    page.text_with("#mail-saved", "Saved.").await;
    page.text_with("#mail-uses", "its own text").await;

    // A test of the draft to Ada herself.
    page.click("mail-test").await;
    let outcome = page.text_with("#mail-test-outcome", "on its way").await;
    assert_eq!(
        outcome,
        format!(
            "A test of this mail is on its way to {}. Its link enrols nobody.",
            ada.email
        )
    );
    let deadline = Instant::now() + SLOW_WAIT;
    let test = loop {
        let mails = mail_for(&stack.emulators.ses, &ada.email, 1).await;
        if let Some(m) = mails.into_iter().find(|m| m.subject.contains(tag)) {
            break m;
        }
        assert!(Instant::now() < deadline, "no test mail for {}", ada.email);
        tokio::time::sleep(POLL).await;
    };
    assert!(test.subject.starts_with("[Test] "), "{}", test.subject);
    let body = test.body.text.clone().unwrap_or_default();
    assert!(body.contains("has kept you a place in"), "{body}");

    // The reminder plan: only 1 day before the link expires, at most one, saved by keyboard.
    page.id("reminder-after")
        .await
        .clear()
        .await
        .expect("clear");
    page.type_into("reminder-before", "1").await;
    page.id("reminder-at-most")
        .await
        .select_by_value("1")
        .await
        .expect("choosing at most 1");
    page.text_with(
        "#reminder-plan-words",
        "A reminder 1 day before the link expires; at most 1 per person.",
    )
    .await;
    page.id("reminders-save")
        .await
        .send_keys(&Key::Enter.to_string())
        .await
        .expect("Enter");
    page.text_with("#reminders-saved", "Saved.").await;
    page.snapshot("36-reminder-plan-saved.png").await;
    // Read back: the contract keeps the plan.
    page.goto(&format!("/contracts/{DATA_SKILLS}/mail")).await;
    page.text_with(
        "#reminder-plan-words",
        "A reminder 1 day before the link expires; at most 1 per person.",
    )
    .await;
    let subject = page
        .id("mail-subject")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(
        subject,
        Some(format!("{{name}}, your place in {{contract}} {tag}"))
    );

    // The funnel and the seats over time on the contract's Invitations tab, in words too.
    page.click("tab-invitations").await;
    let funnel = page
        .id("funnel-chart")
        .await
        .attr("aria-label")
        .await
        .expect("the funnel's words")
        .unwrap_or_default();
    assert!(
        funnel.starts_with("Invitation funnel: ") && funnel.contains(" enrolled"),
        "{funnel}"
    );
    page.text_with(
        "#funnel-median",
        "Median time from invitation to enrolment:",
    )
    .await;
    let seats = page
        .id("seats-chart")
        .await
        .attr("aria-label")
        .await
        .expect("the seats' words")
        .unwrap_or_default();
    assert!(
        seats.starts_with("Seats used and enrolments per day"),
        "{seats}"
    );
    page.snapshot("37-funnel.png").await;
}
