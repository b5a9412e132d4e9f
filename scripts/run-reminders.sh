#!/usr/bin/env bash
# Runs the reminders now against the running local stack (scripts/local-stack.sh), instead of
# waiting for its 30-second schedule, and prints the run's counts:
# {"reminded":N,"rescheduled":N,"expired":N,"skipped":N}. The stack's mailer sends the queued
# reminders (the inbox at http://127.0.0.1:8005).
#
#   scripts/run-reminders.sh                      now
#   scripts/run-reminders.sh --days 4             as if four days had passed (later reminders)
#   scripts/run-reminders.sh --moto-port 4691 --prefix mine
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/cargo-env.sh
cargo build --locked -p local-stack --bin run-reminders >&2
exec "$CARGO_TARGET_DIR/debug/run-reminders" "$@"
