#!/usr/bin/env bash
# Every test: formatting, lints, unit tests and the integration tests against the emulators.
# Installs what it needs first (scripts/setup.sh). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# Compiled dependencies live outside the clone so that repeated runs on one machine reuse them.
source scripts/cargo-env.sh
export RUST_BACKTRACE=0

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cfn-lint infra/template.yaml"
bash scripts/lint-template.sh

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# The browser test drives the built site (this also installs the wasm target).
echo "== building the site"
bash scripts/build-site.sh
cargo clippy -p site --target wasm32-unknown-unknown --locked -- -D warnings
# The rules build for the browser too (no server crate may creep into them).
cargo clippy -p invitations-domain --target wasm32-unknown-unknown --locked -- -D warnings

# Every binary and test, built once before anything runs: no test compiles (a test that needs a
# binary finds it here). --check proves that the scripts' narrower builds (the local stack,
# cargo lambda watch) reuse this build instead of compiling the dependencies a second way.
echo "== building every binary and test (scripts/build.sh --check)"
bash scripts/build.sh --check

# One moto server and one SES emulator for all test binaries; every test makes its own table,
# bucket and mail addresses, so they share them safely. Stopped on exit.
source scripts/emulators.sh
start_emulators
trap stop_emulators EXIT

# Among them the deploy rehearsal (tests/tests/rehearsal.rs, scripts/rehearse.py): the SAM
# template translated, linted and created as a stack on this moto server, then read back.
echo "== cargo test"
cargo test --workspace --locked --no-fail-fast
