#!/usr/bin/env bash
# Invokes one function under scripts/lambda-watch.sh with one of its event files, made ready
# for the running local stack first (mint-event fills in the subs, invitation ids, link tokens
# and message ids of this run), and prints the function's answer.
#
#   scripts/lambda-invoke.sh admin-read functions/admin-api/events/admin-read/list-contracts.json
#   scripts/lambda-invoke.sh --invoke-port 9100 --moto-port 4691 --ses-port 8121 FUNCTION FILE
#   scripts/lambda-invoke.sh --no-build ...    mint-event must be built (the test's choice)
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/.venv/bin:$PATH"
source scripts/cargo-env.sh

invoke_port=9000
stack=()
rest=()
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --invoke-port) invoke_port="$2"; shift 2 ;;
    --port | --moto-port | --ses-port | --prefix) stack+=("$1" "$2"); shift 2 ;;
    --no-build) build=0; shift ;;
    -*) echo "unknown option $1; see the top of $0" >&2; exit 2 ;;
    *) rest+=("$1"); shift ;;
  esac
done
if [ ${#rest[@]} -ne 2 ]; then
  echo "usage: $0 [--invoke-port 9000] [--moto-port N --ses-port N --port N] FUNCTION EVENT_FILE" >&2
  exit 2
fi

if [ "$build" = 1 ]; then
  cargo build --locked -p local-stack --bin mint-event >&2
elif [ ! -x "$CARGO_TARGET_DIR/debug/mint-event" ]; then
  echo "mint-event is not built in $CARGO_TARGET_DIR: run bash scripts/build.sh first" >&2
  exit 1
fi
event="$("$CARGO_TARGET_DIR/debug/mint-event" "${stack[@]}" "${rest[1]}")"
exec cargo lambda invoke --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
  --data-ascii "$event" "${rest[0]}"
