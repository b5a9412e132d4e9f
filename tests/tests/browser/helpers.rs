//! What the browser journey's steps share: headless Chromium through chromedriver, the page
//! driving (waits that poll, clicks, typing, keys, focus, rows found by searching), the axe-core
//! audit at a desktop and a phone width, and the session (the local stack, the driver, the page)
//! that one run keeps from the first step to the last.

use crate::common::start_stack;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use local_stack::Stack;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use testkit::{free_port, repo_root};

/// How long a step may take to show up on the page (the wasm app's first start included).
pub const WAIT: Duration = Duration::from_secs(20);
/// How long the mailer and the import may take.
pub const SLOW_WAIT: Duration = Duration::from_secs(60);
pub const POLL: Duration = Duration::from_millis(150);
/// The window sizes every page is audited at; the screenshots are at the desktop size.
const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);
/// The narrowest phone the layout is held to (an iPhone SE's first generation).
const SMALL_PHONE: (u32, u32) = (320, 640);
/// Text smaller than this (CSS px, as it is drawn: an SVG's scale counted) is too small to read.
const SMALLEST_TEXT_PX: f64 = 12.0;

/// What the layout check finds on the page at the window's width: the page or a box in it
/// scrolling sideways, an element past the window's right edge, text drawn under
/// SMALLEST_TEXT_PX. Elements hidden on purpose (visually-hidden, the skip link, a table's
/// head moved away on phones) and form fields' own contents are not held to it.
const LAYOUT_CHECK: &str = r#"
const min = arguments[0], width = document.documentElement.clientWidth, found = [];
const label = el => {
  const parts = [];
  for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
    let n = e.tagName.toLowerCase();
    if (e.id) n += '#' + e.id;
    else if (typeof e.className === 'string' && e.className.trim()) n += '.' + e.className.trim().split(/\s+/).join('.');
    parts.unshift(n);
  }
  return parts.join(' > ');
};
const hidden = el => el.closest('.visually-hidden, .skip:not(:focus), template, iframe');
if (document.documentElement.scrollWidth > width + 1)
  found.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + 'px of content in ' + width + 'px');
for (const el of document.body.querySelectorAll('*')) {
  if (hidden(el)) continue;
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility === 'hidden') continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  if (r.left >= 0 && r.left < width && r.right > width + 1)
    found.push(label(el) + ' reaches ' + Math.round(r.right) + 'px, past the window (' + width + 'px)');
  const field = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
  if (!field && ['auto', 'scroll'].includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1)
    found.push(label(el) + ' scrolls sideways (' + el.scrollWidth + 'px in ' + el.clientWidth + 'px)');
  const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
  if (!text || r.left < 0) continue;
  let size = parseFloat(cs.fontSize);
  if (el instanceof SVGElement && el.getScreenCTM()) {
    const m = el.getScreenCTM();
    size *= Math.hypot(m.a, m.b);
  }
  if (size < min - 0.05)
    found.push(label(el) + ' "' + text.slice(0, 30) + '" is drawn at ' + size.toFixed(1) + 'px');
}
return found.slice(0, 12);
"#;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A DevTools command as chromedriver takes it (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (lambda_http::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (lambda_http::http::Method::POST, Some(body.to_string()))
    }
}

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
pub struct Page {
    pub client: Client,
    base: String,
    shots: PathBuf,
    /// axe-core's script (scripts/setup.sh installs it into .tools).
    axe: String,
}

impl Page {
    /// Polls `check` until it answers `Some`, for at most `timeout`; then fails, saying what
    /// was awaited and what the page showed.
    pub async fn until<T>(
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

    pub async fn body_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// A Chrome DevTools Protocol command (say, `Network.setBlockedURLs`), through
    /// chromedriver's `goog/cdp/execute`.
    pub async fn devtools(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(DevTools { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"))
    }

    pub async fn goto(&self, path: &str) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        self.client.goto(&url).await.expect("navigation");
    }

    /// The element with this id, once it is shown.
    pub async fn id(&self, id: &str) -> fantoccini::elements::Element {
        self.css(&format!("#{id}")).await
    }

    pub async fn css(&self, css: &str) -> fantoccini::elements::Element {
        let client = &self.client;
        self.until(&format!("`{css}` to be shown"), WAIT, async || {
            let e = client.find(Locator::Css(css)).await.ok()?;
            e.is_displayed().await.ok()?.then_some(e)
        })
        .await
    }

    /// Whether an element matches now (no waiting: call it once the page has settled).
    pub async fn present(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
            .is_empty()
    }

    /// Clicks the first element `css` finds (for elements without an id, such as a summary).
    pub async fn click_css(&self, css: &str) {
        self.css(css).await.click().await.expect("click");
    }

    /// Clicks the element with this id once it is shown and enabled.
    pub async fn click(&self, id: &str) {
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
    pub async fn set_checked(&self, id: &str, on: bool) {
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
    pub async fn text_with(&self, css: &str, needle: &str) -> String {
        let client = &self.client;
        self.until(&format!("`{css}` to read \"{needle}\""), WAIT, async || {
            let e = client.find(Locator::Css(css)).await.ok()?;
            let text = e.text().await.ok()?;
            text.contains(needle).then_some(text)
        })
        .await
    }

    pub async fn type_into(&self, id: &str, text: &str) {
        let input = self.id(id).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("typing");
    }

    /// Runs a script and answers what it returns.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(name), png).expect("saving the screenshot");
    }

    /// A step's screenshot, then the page as it is audited with axe-core.
    pub async fn snapshot(&self, name: &str) {
        self.screenshot(name).await;
        self.audit(name.trim_end_matches(".png")).await;
    }

    /// Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now, at a desktop and a
    /// phone width (where tables become cards), and the layout check at those and the smallest
    /// phone's width, and fails naming every violation and where.
    pub async fn audit(&self, what: &str) {
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
        for (width, height) in [SMALL_PHONE, PHONE, DESKTOP] {
            self.client
                .set_window_size(width, height)
                .await
                .expect("resizing the window");
            found.extend(self.layout_problems(width).await);
            if (width, height) == SMALL_PHONE {
                continue;
            }
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
            "axe-core or the layout check finds problems on {what}:\n{}",
            found.join("\n")
        );
    }

    /// LAYOUT_CHECK at the window's width, each finding prefixed by the width asked for (the
    /// window's own width is checked too: a window that would not shrink is a finding).
    async fn layout_problems(&self, width: u32) -> Vec<String> {
        let inner = self
            .js("return document.documentElement.clientWidth;")
            .await
            .as_u64()
            .unwrap_or_default();
        let mut found = Vec::new();
        if inner + 20 < u64::from(width) || inner > u64::from(width) {
            found.push(format!("at {width}px: the window is {inner}px wide inside"));
        }
        let answer = self
            .client
            .execute(LAYOUT_CHECK, vec![json!(SMALLEST_TEXT_PX)])
            .await
            .expect("running the layout check");
        for problem in answer.as_array().expect("the layout check's findings") {
            found.push(format!(
                "at {width}px: {}",
                problem.as_str().unwrap_or_default()
            ));
        }
        if std::env::var_os("LAYOUT_REPORT_ONLY").is_some() {
            for problem in found.drain(..) {
                eprintln!("LAYOUT: {problem}");
            }
        }
        found
    }

    /// The row (its invitation id and text) of `email`, after searching for it: the list shows
    /// only what matches, so the tab's search is set for what follows (bulk actions, export).
    pub async fn invitation_row(&self, email: &str) -> (String, String) {
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

    /// How many invitations the tab lists for the search `q` (any status), once every row shown
    /// holds it; 0 once it says none match. Fewer than a page (50): the tests' own addresses.
    pub async fn invitations_matching(&self, q: &str) -> usize {
        let needle = q.to_lowercase();
        for _ in 0..5 {
            self.type_into("invitation-search", q).await;
            self.click("invitation-search-submit").await;
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                let shown = self
                    .js(
                        "const i = document.getElementById('invitation-search');
                         const rows = [...document.querySelectorAll(\"tr[id^='invitation-']\")];
                         return { searched: i ? i.value : '',
                                  none: !!document.querySelector('section[aria-label=Invitations] .empty'),
                                  rows: rows.map(r => r.textContent.toLowerCase()) };",
                    )
                    .await;
                if shown["searched"] != q {
                    break;
                }
                if shown["none"] == true {
                    return 0;
                }
                let rows = shown["rows"].as_array().cloned().unwrap_or_default();
                if !rows.is_empty()
                    && rows
                        .iter()
                        .all(|r| r.as_str().is_some_and(|r| r.contains(&needle)))
                {
                    return rows.len();
                }
                tokio::time::sleep(POLL).await;
            }
        }
        let body = self.body_text().await;
        panic!("the invitation list never settled on {q}; the page shows:\n{body}");
    }

    /// The People page's row (its user id and text) showing `email`, after searching for it.
    pub async fn person_row(&self, email: &str) -> (String, String) {
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

/// The driving that steps repeat: keys, focus, attributes, sign-in, the CSV upload and the
/// import's report.
impl Page {
    /// Presses `key` on the element with this id (a keyboard user's Enter or Escape).
    pub async fn press(&self, id: &str, key: Key) {
        self.id(id)
            .await
            .send_keys(&key.to_string())
            .await
            .unwrap_or_else(|e| panic!("pressing {key:?} on #{id}: {e}"));
    }

    /// Waits for the element with this id to have focus.
    pub async fn until_focused(&self, what: &str, id: &str) {
        self.until(what, WAIT, async || {
            (self
                .js("return document.activeElement && document.activeElement.id;")
                .await
                == id)
                .then_some(())
        })
        .await
    }

    /// What an invitation's row says it did (its outcome line), once it holds `needle`.
    pub async fn outcome(&self, invitation_id: &str, needle: &str) -> String {
        self.text_with(&format!("#outcome-{invitation_id}"), needle)
            .await
    }

    /// An attribute of the element with this id, once it is shown.
    pub async fn attr(&self, id: &str, name: &str) -> Option<String> {
        self.id(id)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("#{id}'s {name}: {e}"))
    }

    /// The value of the form field with this id, once it is shown.
    pub async fn value(&self, id: &str) -> Option<String> {
        self.id(id).await.prop("value").await.expect("value")
    }

    /// Signs in on the local sign-in page as the seeded person with this user id, and waits for
    /// the header to name them.
    pub async fn sign_in_as(&self, user_id: &str, name: &str) {
        self.click(&format!("sign-in-{user_id}")).await;
        self.text_with("header.top", name).await;
    }

    /// Signs out and in again as someone else.
    pub async fn switch_to(&self, user_id: &str, name: &str) {
        self.click("sign-out").await;
        self.sign_in_as(user_id, name).await;
    }

    /// A contract's page, on its Invitations tab.
    pub async fn open_contract(&self, contract: &str) {
        self.goto(&format!("/contracts/{contract}")).await;
    }

    /// Add Invitations -> Upload CSV, with a file of these lines chosen; the file lives as long
    /// as the answer.
    pub async fn choose_csv(&self, name: &str, contents: &str) -> TempCsv {
        self.click("add-invitations").await;
        self.click("method-csv").await;
        let csv = TempCsv::new(name, contents);
        self.id("csv-file")
            .await
            .send_keys(&csv.path.display().to_string())
            .await
            .expect("choosing the file");
        csv
    }

    /// Waits (as long as an import may take) for the import report's heading to read `heading`.
    pub async fn until_import(&self, what: &str, heading: &str) {
        let client = &self.client;
        self.until(what, SLOW_WAIT, async || {
            let found = client.find(Locator::Id("import-heading")).await.ok()?;
            (found.text().await.ok()? == heading).then_some(())
        })
        .await
    }

    /// The import report's counts, by their labels: `{"Invited": "2", ...}`.
    pub async fn import_counts(&self) -> Value {
        self.js(
            "return Object.fromEntries([...document.querySelectorAll('.import-report dl.counts > div')]
                .map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]));",
        )
        .await
    }

    /// The cells' texts of the table rows `rows` finds, row by row.
    pub async fn cells(&self, rows: &str) -> Value {
        self.js(&format!(
            "return [...document.querySelectorAll({})]
                .map(r => [...r.querySelectorAll('td')].map(td => td.textContent));",
            json!(rows)
        ))
        .await
    }
}

/// A CSV file in a folder of its own, removed on drop.
pub struct TempCsv {
    dir: PathBuf,
    path: PathBuf,
}

impl TempCsv {
    pub fn new(name: &str, contents: &str) -> Self {
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

/// A test address of the run's own (the SES emulator is shared with other tests).
pub fn address(name: &str, tag: &str) -> String {
    format!("{name}.{tag}@browser-e2e.example")
}

/// One run: the local stack on the shared emulators, chromedriver and the one browser session
/// every step drives, from the first step to the last (later steps read what earlier ones made).
pub struct Session {
    pub page: Page,
    pub stack: Stack,
    /// The run's tag, in its addresses and file names.
    pub tag: String,
    driver: Driver,
}

impl Session {
    /// Needs the built site and axe-core; starts the local stack (`prefix`-`tag`) and Chromium.
    pub async fn start(prefix: &str) -> Self {
        let dist = repo_root().join("site/dist/index.html");
        assert!(
            dist.exists(),
            "{} is missing: build the site first with scripts/build-site.sh",
            dist.display()
        );
        let shots = repo_root().join("tests/artifacts/browser");
        std::fs::create_dir_all(&shots).expect("the screenshot folder");

        let (stack, tag) = start_stack(prefix).await;
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
        Self {
            page,
            stack,
            tag,
            driver,
        }
    }

    /// Ends the run: a `failure.png` when a step failed, then the browser, the driver and the
    /// stack stopped, and the step's panic passed on.
    pub async fn finish(self, outcome: std::thread::Result<()>, started: Instant) {
        let Self {
            page,
            stack,
            driver,
            ..
        } = self;
        if outcome.is_err() {
            let _ =
                tokio::time::timeout(Duration::from_secs(10), page.screenshot("failure.png")).await;
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), page.client.clone().close()).await;
        drop(driver);
        stack.stop();
        match outcome {
            Ok(()) => eprintln!("browser flow passed in {:.1?}", started.elapsed()),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}
