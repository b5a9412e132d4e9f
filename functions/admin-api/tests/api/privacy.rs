//! Privacy requests over the admin API (issue 32): a system administrator asks, the privacy
//! function runs it (on its role's permissions), the request tells what was done and never
//! the address; an export's link downloads the file; refusals in words.

use crate::helpers::*;
use invitations_core::adapters::S3Blobs;
use invitations_wire as wire;
use serde_json::json;
use std::sync::Arc;
use testkit::As;

impl World {
    async fn ask_privacy(&self, body: serde_json::Value, who: &As) -> Answer<wire::PrivacyRequest> {
        Ok(self
            .request("POST", "/privacy/requests", Some(body), who)
            .await?
            .1)
    }

    async fn privacy_request(&self, id: &str) -> wire::PrivacyRequest {
        self.request("GET", &format!("/privacy/requests/{id}"), None, &SYSADMIN)
            .await
            .unwrap()
            .1
    }

    /// Runs the request as the privacy function does, on its role's permissions.
    async fn run_privacy(&self, id: &str) {
        let app = ::privacy::App {
            store: Arc::new(self.env.store_as("privacy")),
            blobs: Arc::new(S3Blobs::new(self.env.s3.clone(), &self.env.bucket)),
            accounts: Arc::new(self.env.accounts.clone()),
            clock: Arc::new(t0),
        };
        ::privacy::run(&app, id).await.unwrap().expect("queued");
    }
}

#[tokio::test]
async fn a_system_administrator_has_a_person_forgotten_and_sees_what_went() {
    let w = World::new().await;
    let ann = w.env.email("Ann.Forget");
    w.invite("A", std::slice::from_ref(&ann), &["a1"], &ADMIN_A)
        .await;
    w.invite("B", std::slice::from_ref(&ann), &[], &ADMIN_B)
        .await;

    let queued = w
        .ask_privacy(
            json!({"email": ann, "kind": "forget", "delete_account": false, "do_not_invite": true}),
            &SYSADMIN,
        )
        .await
        .unwrap();
    assert_eq!(queued.status, wire::PrivacyRequestStatus::Queued);
    assert!(queued.do_not_invite && !queued.delete_account);
    w.run_privacy(&queued.id).await;

    let done = w.privacy_request(&queued.id).await;
    assert_eq!(
        done.status,
        wire::PrivacyRequestStatus::Done,
        "{:?}",
        done.failure
    );
    assert!(done.finished_at.is_some());
    assert!(done.traces.contains(&wire::PrivacyTraceCount {
        kind: wire::PrivacyTraceKind::Invitation,
        count: 2
    }));
    let (_, list) = w.call("GET", "/privacy/requests", None, &SYSADMIN).await;
    assert_eq!(list["requests"][0]["id"], queued.id.as_str());
    // No answer ever names the address.
    let text = format!("{list}{}", serde_json::to_string(&done).unwrap());
    assert!(!text.to_lowercase().contains(&ann.to_lowercase()));
    // The contracts' invitation lists no longer hold her; their audit says a person was
    // forgotten, naming nobody.
    let (_, page) = w
        .call("GET", "/contracts/A/invitations", None, &ADMIN_A)
        .await;
    assert_eq!(page["invitations"].as_array().unwrap().len(), 0, "{page}");
    let (_, audit) = w
        .call("GET", "/contracts/A/audit?action=forget", None, &ADMIN_A)
        .await;
    assert_eq!(audit["entries"][0]["action"], "forget", "{audit}");
    assert_eq!(audit["entries"][0]["subjects"], json!([]));
}

#[tokio::test]
async fn an_export_is_downloaded_through_its_link() {
    let w = World::new().await;
    let bo = w.env.email("bo.export");
    w.invite("A", std::slice::from_ref(&bo), &["a1"], &ADMIN_A)
        .await;
    let queued = w
        .ask_privacy(
            json!({"email": bo, "kind": "export", "delete_account": false, "do_not_invite": false}),
            &SYSADMIN,
        )
        .await
        .unwrap();
    assert_eq!(queued.download_url, None);
    w.run_privacy(&queued.id).await;

    let done = w.privacy_request(&queued.id).await;
    let url = done.download_url.expect("a download link");
    // moto's presigned URL: http://host:port/bucket/key?signature
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let (status, body) = testkit::http("GET", &format!("http://{host}"), path, None).unwrap();
    assert_eq!(status, 200, "{body}");
    let file: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(file["about"], bo.as_str());
    assert!(file["table"]
        .as_array()
        .unwrap()
        .iter()
        .any(|held| held["kind"] == "invitation" && held["place"] == "contract A"));
}

#[tokio::test]
async fn privacy_requests_are_refused_in_words() {
    let w = World::new().await;
    let cases = [
        (
            json!({"email": "not an address", "kind": "forget", "delete_account": false, "do_not_invite": false}),
            &SYSADMIN,
            (400, "invalid_email"),
        ),
        (
            json!({"email": "a@example.com", "kind": "export", "delete_account": true, "do_not_invite": false}),
            &SYSADMIN,
            (400, "export_only"),
        ),
        (
            json!({"email": "a@example.com", "kind": "forget", "delete_account": false, "do_not_invite": false}),
            &ADMIN_A,
            (403, "forbidden"),
        ),
    ];
    for (body, who, expected) in cases {
        let answer = w.ask_privacy(body.clone(), who).await;
        assert_eq!(answer.refusal(), expected, "{body}");
        assert!(!answer.detail().is_empty());
    }
    let (status, problem) = w
        .call("GET", "/privacy/requests/..%2F..%2Fetc", None, &SYSADMIN)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("privacy_request_not_found"))
    );
    let (_, list) = w.call("GET", "/privacy/requests", None, &SYSADMIN).await;
    assert_eq!(list["requests"], json!([]), "nothing refused was saved");
}
