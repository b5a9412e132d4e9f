//! `local-stack`: runs the whole system on this machine until Ctrl-C. See the README.
//!
//! Options: `--port N` (gateway, default 3000), `--moto-port N` (default 4566), `--ses-port N`
//! (default 8005), `--no-seed` (only the sign-in people: no directory users, contracts or
//! invitations), `--no-triggers` (after seeding, no stream, S3, SES report or schedule reaches a
//! function: for the functions run one by one under `cargo lambda watch`), `--retention-minutes
//! N` (audit and history, import files and reports expire after N minutes instead of the
//! template's defaults, to watch retention work; the seed's month of history goes at once).
//! With MOTO_ENDPOINT and SES_ENDPOINT set, it uses those emulators instead of starting its own.

use local_stack::{Options, Stack};
use std::process::ExitCode;
use testkit::{start_emulators, Emulators};

struct Args {
    port: u16,
    moto_port: u16,
    ses_port: u16,
    seed: bool,
    triggers: bool,
    retention_minutes: Option<u32>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 3000,
        moto_port: 4566,
        ses_port: 8005,
        seed: true,
        triggers: true,
        retention_minutes: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u16, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a port number"))
        };
        match arg.as_str() {
            "--port" => args.port = number("--port")?,
            "--moto-port" => args.moto_port = number("--moto-port")?,
            "--ses-port" => args.ses_port = number("--ses-port")?,
            "--no-seed" => args.seed = false,
            "--no-triggers" => args.triggers = false,
            "--retention-minutes" => {
                args.retention_minutes = Some(
                    it.next()
                        .and_then(|v| v.parse().ok())
                        .filter(|m| *m > 0)
                        .ok_or("--retention-minutes needs a number of minutes above 0")?,
                )
            }
            "-h" | "--help" => return Err(
                "usage: local-stack [--port 3000] [--moto-port 4566] [--ses-port 8005] [--no-seed] [--no-triggers] [--retention-minutes N]"
                    .into(),
            ),
            other => return Err(format!("unknown option {other}; see --help")),
        }
    }
    Ok(args)
}

fn port_is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .compact()
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .init();
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let emulators = match (
        std::env::var("MOTO_ENDPOINT"),
        std::env::var("SES_ENDPOINT"),
    ) {
        (Ok(aws), Ok(ses)) => Emulators { aws, ses },
        _ => {
            for port in [args.port, args.moto_port, args.ses_port] {
                if !port_is_free(port) {
                    eprintln!(
                        "port {port} is in use (another local stack?); stop it or pass \
                         --port/--moto-port/--ses-port"
                    );
                    return ExitCode::FAILURE;
                }
            }
            let logs = std::env::temp_dir().join("local-stack");
            let _ = std::fs::create_dir_all(&logs);
            tracing::info!(
                "starting moto and aws-ses-v2-local (logs in {})",
                logs.display()
            );
            tokio::task::spawn_blocking(move || {
                start_emulators(args.moto_port, args.ses_port, &logs)
            })
            .await
            .expect("emulators start")
        }
    };
    let mut options = Options::new(emulators, "local");
    options.port = args.port;
    options.seed = args.seed;
    options.triggers = args.triggers;
    options.retention = args
        .retention_minutes
        .map(|m| chrono::Duration::minutes(i64::from(m)));
    let site_built = options.site_dir.join("index.html").exists();
    let stack = match Stack::start(options).await {
        Ok(stack) => stack,
        Err(e) => {
            eprintln!("the local stack did not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!();
    println!(
        "  Site and API   {}   (API under {}/api)",
        stack.url, stack.url
    );
    println!("  Mail inbox     {}", stack.inbox_url());
    println!(
        "  Events         {}/local/events   (what the events bus delivered)",
        stack.url
    );
    println!(
        "  Webhooks       {}   (the seeded endpoint's receiver: every event, signed and checked)",
        stack.webhook_receiver.url
    );
    println!(
        "  AWS emulator   {}   (table {}, bucket {})",
        stack.emulators.aws, stack.resources.names.table, stack.resources.names.bucket
    );
    if !site_built {
        println!("  (site not built: run scripts/build-site.sh; the API works without it)");
    }
    println!(
        "  User pool      {}   (app client {}; sign in on the site, or POST /local/sign-in {{\"user_id\": sub}})",
        stack.pool.id, stack.pool.client_id
    );
    println!("  Sign in as:");
    for p in &stack.people {
        println!(
            "    {:<14} {:<16} {:<36} {}",
            p.role, p.name, p.user_id, p.email
        );
    }
    match args.retention_minutes {
        Some(m) if args.triggers => println!(
            "  Retention      {m} minutes: audit and history, import files and reports expire (checked every {}s)",
            local_stack::expiry::EXPIRE_EVERY.as_secs()
        ),
        _ => println!(
            "  Retention      the template's defaults (audit {} days); --retention-minutes N to watch it",
            stack.retention.audit.num_days()
        ),
    }
    if !args.triggers {
        println!("  No triggers: run the functions one by one with scripts/lambda-watch.sh and scripts/lambda-invoke.sh (README).");
    }
    println!("  Drop a CSV: aws --endpoint-url {} s3 cp list.csv s3://{}/imports/data-skills-voucher/list.csv --metadata activities=sql-basics,dashboards", stack.emulators.aws, stack.resources.names.bucket);
    println!("  Ctrl-C stops everything.");
    println!();

    wait_for_stop().await;
    tracing::info!("stopping");
    stack.stop();
    ExitCode::SUCCESS
}

async fn wait_for_stop() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
