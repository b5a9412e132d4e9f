//! `mint-event`: the event files of functions/*/events/ made ready for the running local stack
//! (see local_stack::events for the placeholders), and the functions' environment for
//! `cargo lambda watch`. scripts/lambda-watch.sh and scripts/lambda-invoke.sh call it.
//!
//!   mint-event FILE       the event, placeholders filled in, on stdout
//!   mint-event env        infra/local.env with this stack's endpoints and user pool
//!
//! Run from the repository root (the scripts do).
//!
//! Options: `--moto-port N` (default 4566), `--ses-port N` (default 8005), `--port N` (the
//! stack's gateway, for mailed links; default 3000), `--prefix P` (the stack's resource
//! names, default `local`): the same as the local stack was started with.

use local_stack::events::EventTarget;
use local_stack::provision::Names;
use std::process::ExitCode;
use testkit::Emulators;

const USAGE: &str = "usage: mint-event [--moto-port 4566] [--ses-port 8005] [--port 3000] \
                     [--prefix local] (env | EVENT_FILE)";

struct Args {
    moto_port: u16,
    ses_port: u16,
    port: u16,
    prefix: String,
    what: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        moto_port: 4566,
        ses_port: 8005,
        port: 3000,
        prefix: "local".into(),
        what: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        let port = |text: String, name: &str| {
            text.parse()
                .map_err(|_| format!("{name} needs a port number"))
        };
        match arg.as_str() {
            "--moto-port" => args.moto_port = port(value("--moto-port")?, "--moto-port")?,
            "--ses-port" => args.ses_port = port(value("--ses-port")?, "--ses-port")?,
            "--port" => args.port = port(value("--port")?, "--port")?,
            "--prefix" => args.prefix = value("--prefix")?,
            "-h" | "--help" => return Err(USAGE.into()),
            other if args.what.is_empty() && !other.starts_with('-') => args.what = other.into(),
            other => return Err(format!("unexpected {other}; {USAGE}")),
        }
    }
    if args.what.is_empty() {
        return Err(USAGE.into());
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let emulators = Emulators {
        aws: format!("http://127.0.0.1:{}", args.moto_port),
        ses: format!("http://127.0.0.1:{}", args.ses_port),
    };
    let target = match EventTarget::find(&emulators.aws, Names::with_prefix(&args.prefix)).await {
        Ok(target) => target,
        Err(e) => {
            eprintln!("mint-event: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = if args.what == "env" {
        // From the current directory, as the event files are: a binary in a CARGO_TARGET_DIR
        // shared by several checkouts knows no checkout of its own.
        std::fs::read_to_string("infra/local.env")
            .map_err(|e| format!("infra/local.env (run from the repository root): {e}").into())
            .map(|base| {
                target.env_file(
                    &base,
                    &emulators,
                    &format!("http://127.0.0.1:{}", args.port),
                )
            })
    } else {
        match std::fs::read_to_string(&args.what) {
            Ok(template) => target.mint(&template).await,
            Err(e) => Err(format!("{}: {e}", args.what).into()),
        }
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mint-event: {e}");
            ExitCode::FAILURE
        }
    }
}
