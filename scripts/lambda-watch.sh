#!/usr/bin/env bash
# Every function under `cargo lambda watch`, against the emulators of a running local stack
# (scripts/local-stack.sh, best with --no-triggers), with the stack's environment: infra/local.env
# with its endpoints, names and user pool id, which moto makes anew on every start (mint-event env).
# Builds into the same CARGO_TARGET_DIR as every script (scripts/cargo-env.sh) with the same
# features (dev/workspace-hack), so after scripts/test.sh or scripts/build.sh the functions'
# binaries and their dependencies are found built: cargo-lambda's `cargo run --bin <function>`
# compiles nothing. Ctrl-C stops it.
#
#   scripts/lambda-watch.sh                     # invoke on 127.0.0.1:9000, stack on its default ports
#   scripts/lambda-watch.sh --invoke-port 9100 --port 3411 --moto-port 4691 --ses-port 8121
#   scripts/lambda-watch.sh --no-build          # mint-event must be built (the test's choice)
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/.venv/bin:$PATH" # cargo-lambda, pinned by scripts/setup.sh
source scripts/cargo-env.sh

invoke_port=9000
stack=() # passed on to mint-event: the stack's ports and resource prefix
watch=()
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --invoke-port) invoke_port="$2"; shift 2 ;;
    --port | --moto-port | --ses-port | --prefix) stack+=("$1" "$2"); shift 2 ;;
    --ignore-changes) watch+=("$1"); shift ;; # no rebuild on edits (the test's choice)
    --no-build) build=0; shift ;;
    *) echo "unknown option $1; see the top of $0" >&2; exit 2 ;;
  esac
done
if ! command -v cargo-lambda >/dev/null; then
  echo "cargo-lambda is not installed: run scripts/setup.sh" >&2
  exit 1
fi

if [ "$build" = 1 ]; then
  cargo build --locked -p local-stack --bin mint-event >&2
elif [ ! -x "$CARGO_TARGET_DIR/debug/mint-event" ]; then
  echo "mint-event is not built in $CARGO_TARGET_DIR: run bash scripts/build.sh first" >&2
  exit 1
fi
# Beside the build, one per watch: the pool id in it changes with every start of the stack.
env_file="$CARGO_TARGET_DIR/lambda-watch/${invoke_port}.env"
mkdir -p "$(dirname "$env_file")"
"$CARGO_TARGET_DIR/debug/mint-event" "${stack[@]}" env >"$env_file"

# exec: Ctrl-C and SIGTERM reach cargo-lambda itself, which stops the functions it started.
exec cargo lambda watch --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
  --env-file "$env_file" "${watch[@]}"
