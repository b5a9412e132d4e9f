//! What the end-to-end tests (local_stack.rs, browser/) share: a local stack of their own on
//! the shared emulators, and the invitation mail the SES emulator received.

use local_stack::{Options, Stack};
use std::time::{Duration, Instant};
use testkit::{emulators, SentMail};

/// A local stack on a free port, with its own table, bucket and queues named `<prefix>-<tag>`.
/// The tag also makes the test's mail addresses its own (the SES emulator is shared).
pub async fn start_stack(prefix: &str) -> (Stack, String) {
    start_stack_with(prefix, true).await
}

/// A local stack as [`start_stack`], with the demo data (`seed`) or with only the seeded
/// sign-in people.
#[allow(dead_code)] // not every test binary that shares this module calls it
pub async fn start_stack_with(prefix: &str, seed: bool) -> (Stack, String) {
    let emulators = tokio::task::spawn_blocking(emulators)
        .await
        .unwrap()
        .clone();
    let tag = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    let mut options = Options::new(emulators, &format!("{prefix}-{tag}"));
    options.seed = seed;
    let stack = Stack::start(options).await.expect("the local stack starts");
    (stack, tag)
}

/// Mail the SES emulator holds for `address`, waiting up to a minute for at least `want`.
pub async fn mail_for(ses: &str, address: &str, want: usize) -> Vec<SentMail> {
    #[derive(serde::Deserialize)]
    struct Store {
        emails: Vec<SentMail>,
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let store: Store = reqwest::get(format!("{ses}/store"))
            .await
            .expect("the mail store answers")
            .json()
            .await
            .expect("mail store JSON");
        let mine: Vec<SentMail> = store
            .emails
            .into_iter()
            .filter(|m| {
                m.destination
                    .to
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(address))
            })
            .collect();
        if mine.len() >= want {
            return mine;
        }
        assert!(
            Instant::now() < deadline,
            "no mail for {address} within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The personal link in an invitation mail: `<site>/enrol#token=...`.
pub fn enrol_link(mail: &SentMail, site: &str) -> String {
    let text = mail.body.text.clone().unwrap_or_default();
    let start = text
        .find(&format!("{site}/enrol#token="))
        .unwrap_or_else(|| panic!("no link to {site}/enrol in: {text}"));
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}
