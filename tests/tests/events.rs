//! The event files kept for `cargo lambda invoke` (functions/*/events/*.json) are the shapes the
//! functions accept: API events reach a route of their function, the S3 and stream events
//! deserialize as the Lambda runtime would deserialize them.

use std::path::{Path, PathBuf};

fn event_files(function: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../functions")
        .join(function)
        .join("events");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "{function} keeps at least one event file"
    );
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn api_events_reach_a_route_of_their_function() {
    use lambda_http::RequestExt;
    for (function, routes) in [
        ("admin-api", admin_api::ROUTES),
        ("enrol-api", enrol_api::ROUTES),
    ] {
        for file in event_files(function) {
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
    for file in event_files("import") {
        let event: aws_lambda_events::event::s3::S3Event = serde_json::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!event.records.is_empty(), "{}", file.display());
    }
    for file in event_files("mailer") {
        let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!event.records.is_empty(), "{}", file.display());
    }
}
