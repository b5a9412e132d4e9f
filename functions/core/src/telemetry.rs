//! Logs: JSON lines (CloudWatch reads them as structured records), level from `RUST_LOG`.
//!
//! The AWS SDK and the HTTP stack under it stay at `warn` whatever `RUST_LOG` says: at debug
//! they log every request and answer, and those hold addresses, names and link tokens (issue
//! 26). Our own logs name ids, never addresses.

use tracing_subscriber::EnvFilter;

/// Crates that log request and response bodies when asked for more than warnings.
const QUIET: &[&str] = &[
    "aws_config",
    "aws_runtime",
    "aws_sigv4",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_sdk_cognitoidentityprovider",
    "aws_sdk_dynamodb",
    "aws_sdk_s3",
    "aws_sdk_secretsmanager",
    "aws_sdk_sesv2",
    "aws_sdk_sqs",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
];

/// The filter for `RUST_LOG` (`None`: info), with the SDK held at warn.
pub fn filter(rust_log: Option<&str>) -> EnvFilter {
    let mut filter = rust_log
        .and_then(|s| EnvFilter::try_new(s).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    for target in QUIET {
        filter = filter.add_directive(format!("{target}=warn").parse().expect("a directive"));
    }
    filter
}

pub fn init() {
    let rust_log = std::env::var("RUST_LOG").ok();
    // A second init (tests, local stack hosting several handlers) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter(rust_log.as_deref()))
        .with_current_span(false)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged_with(rust_log: &str) -> String {
        let out = Captured::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter(Some(rust_log)))
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "aws_smithy_runtime::client::orchestrator", "request body: ann@example.org");
            tracing::warn!(target: "aws_smithy_runtime::client::retries", "sdk warning kept");
            tracing::debug!(target: "invitations_core::store", "our debug line");
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        text
    }

    /// Issue 26: raising the level for our code does not open the SDK's request logging.
    #[test]
    fn a_raised_level_keeps_the_sdk_at_warn() {
        for rust_log in ["debug", "trace", "aws_smithy_runtime=trace,debug"] {
            let text = logged_with(rust_log);
            assert!(!text.contains("ann@example.org"), "{rust_log}: {text}");
            assert!(text.contains("sdk warning kept"), "{rust_log}: {text}");
            assert!(text.contains("our debug line"), "{rust_log}: {text}");
        }
    }
}
