//! The event files kept for `cargo lambda invoke` (functions/*/events/*.json) are the shapes the
//! functions accept: API events reach a route of their function, the S3 and stream events
//! deserialize as the Lambda runtime would deserialize them.

use std::path::{Path, PathBuf};

fn functions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions")
}

/// The event files in `functions/<dir>`, at least one.
fn event_files(dir: &str) -> Vec<PathBuf> {
    let dir = functions_dir().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "{} keeps at least one event file",
        dir.display()
    );
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn api_events_reach_a_route_of_their_function() {
    use lambda_http::RequestExt;
    // The admin package keeps one folder per function binary.
    let admin = admin_api::FUNCTIONS.iter().filter_map(|f| {
        let dir = format!("admin-api/events/{}", f.binary);
        functions_dir()
            .join(&dir)
            .is_dir()
            .then_some((dir, f.binary, f.routes))
    });
    let student = [(
        "enrol-api/events".to_owned(),
        enrol_api::BINARY,
        enrol_api::ROUTES,
    )];
    for (dir, function, routes) in admin.chain(student) {
        for file in event_files(&dir) {
            let request = lambda_http::request::from_str(&read(&file))
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let path = request.raw_http_path().to_owned();
            assert!(
                routes
                    .iter()
                    .any(|r| r.matches(request.method(), &path).is_some()),
                "{}: {} {path} is not a route of {function}",
                file.display(),
                request.method()
            );
        }
    }
}

#[test]
fn s3_and_stream_events_deserialize_as_the_runtime_would() {
    for file in event_files("import/events") {
        let event: aws_lambda_events::event::s3::S3Event = serde_json::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!event.records.is_empty(), "{}", file.display());
    }
    for file in event_files("mailer/events") {
        let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!event.records.is_empty(), "{}", file.display());
    }
    // SES reports as EventBridge delivers them: each one a report of an invitation mail.
    for file in event_files("delivery-events/events") {
        let event: delivery_events::Envelope = serde_json::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            delivery_events::read(&event).is_some(),
            "{}",
            file.display()
        );
    }
    // Scheduled functions take any event; theirs are EventBridge's scheduled events.
    for dir in ["directory-sync/events", "send-sweeper/events"] {
        for file in event_files(dir) {
            let event: serde_json::Value = serde_json::from_str(&read(&file))
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_eq!(
                event["detail-type"],
                "Scheduled Event",
                "{}",
                file.display()
            );
        }
    }
}
