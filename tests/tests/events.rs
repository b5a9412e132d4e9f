//! The event files kept for `cargo lambda invoke` (functions/*/events/*.json) are the shapes the
//! functions accept: every route of every HTTP function has an event file, each API event
//! reaches a route of its function, the S3 and stream events deserialize as the Lambda runtime
//! would deserialize them. Their placeholders (local_stack::events) are known ones, filled here
//! with values of the right shape; tests/tests/cargo_lambda/ runs them against a stack.

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

/// The file's text, its placeholders filled with values of the right shape.
fn read(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    local_stack::events::substitute(&text, local_stack::events::sample)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_route_of_every_http_function_has_an_event_that_reaches_it() {
    use lambda_http::RequestExt;
    // The admin package keeps one folder per function binary.
    let admin = admin_api::FUNCTIONS.iter().map(|f| {
        (
            format!("admin-api/events/{}", f.binary),
            f.binary,
            f.routes(),
        )
    });
    let student = [
        (
            "enrol-api/events".to_owned(),
            enrol_api::BINARY,
            enrol_api::routes().collect::<Vec<_>>(),
        ),
        (
            "enrol-api/events/join".to_owned(),
            enrol_api::join::BINARY,
            enrol_api::join::routes().collect::<Vec<_>>(),
        ),
    ];
    for (dir, function, routes) in admin.chain(student) {
        let mut reached = vec![false; routes.len()];
        for file in event_files(&dir) {
            let request = lambda_http::request::from_str(&read(&file))
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let path = request.raw_http_path().to_owned();
            // The route API Gateway would pick: the most specific that matches.
            let route = invitations_wire::routes::find(
                routes.iter().copied(),
                request.method().as_str(),
                &path,
            )
            .ok()
            .and_then(|(found, _)| routes.iter().position(|r| *r == found))
            .unwrap_or_else(|| {
                panic!(
                    "{}: {} {path} is not a route of {function}",
                    file.display(),
                    request.method()
                )
            });
            reached[route] = true;
        }
        for (route, reached) in routes.iter().zip(reached) {
            assert!(
                reached,
                "{function}: no event file in functions/{dir} for {} {}",
                route.method, route.path
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
    // A contract with people waiting changed: the waiting-list function looks at its line.
    for file in event_files("waiting-list/events") {
        let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            event
                .records
                .iter()
                .all(|r| waiting_list::marked_contract(r).is_some()),
            "{}",
            file.display()
        );
    }
    // A privacy request saved: the privacy function runs it (issue 32).
    for file in event_files("privacy/events") {
        let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&read(&file))
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            event
                .records
                .iter()
                .all(|r| privacy::announced_request(r).is_some()),
            "{}",
            file.display()
        );
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
    for dir in [
        "directory-sync/events",
        "send-sweeper/events",
        "reminders/events",
    ] {
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
