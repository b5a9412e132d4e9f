//! Times each start-up step in-process and prints one JSON line (microseconds); no Lambda loop.
//! Run it many times in fresh processes (BENCHMARKS.md) with the environment of the cold start
//! bench: AWS_REGION and credentials set, AWS_ENDPOINT_URL at a closed loopback port,
//! AWS_MAX_ATTEMPTS=1 (no retries of the refused calls).
//! PROBE_CONFIG=explicit times a loader given the region and the environment's credentials
//! (no default provider chains) instead of the functions' `config::aws()`; PROBE_CONFIG=default
//! times the SDK's own default HTTPS client, which trusts the system's roots (what `config::aws()`
//! was before issue 33: `aws_config::load_from_env()`);
//! PROBE_NATIVE_CERTS=1 also times loading the system's root certificates.
use std::time::Instant;

fn main() {
    let t = Instant::now();
    let mut steps: Vec<(&str, u128)> = Vec::new();
    let mut lap = |name, since: &mut Instant| {
        steps.push((name, since.elapsed().as_micros()));
        *since = Instant::now();
    };
    let mut at = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    lap("tokio_runtime", &mut at);
    invitations_core::telemetry::init();
    lap("telemetry_init", &mut at);
    let sdk = if std::env::var("PROBE_CONFIG").is_ok_and(|v| v == "explicit") {
        let region = std::env::var("AWS_REGION").expect("AWS_REGION");
        rt.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(region))
                .credentials_provider(
                    aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
                )
                .load(),
        )
    } else if std::env::var("PROBE_CONFIG").is_ok_and(|v| v == "default") {
        rt.block_on(aws_config::load_from_env())
    } else {
        rt.block_on(invitations_core::config::aws())
    };
    lap("aws_config_load", &mut at);
    let ddb = invitations_core::config::dynamodb(&sdk);
    let _s3 = invitations_core::config::s3(&sdk);
    lap("clients", &mut at);
    if std::env::var("PROBE_NATIVE_CERTS").is_ok() {
        let certs = rustls_native_certs::load_native_certs();
        lap("native_certs", &mut at);
        eprintln!("native certs: {}", certs.certs.len());
    }
    // The first call builds the HTTPS connector (TLS config, root certificates) and resolves
    // credentials; with the endpoint on a closed port it fails fast, after the set-up.
    let _ = rt.block_on(ddb.describe_limits().send());
    lap("first_call_refused", &mut at);
    let _ = rt.block_on(ddb.describe_limits().send());
    lap("second_call_refused", &mut at);
    let total = t.elapsed().as_micros();
    let fields: Vec<String> = steps
        .iter()
        .map(|(k, v)| format!("\"{k}\":{v}"))
        .chain([format!("\"total\":{total}")])
        .collect();
    println!("{{{}}}", fields.join(","));
}
