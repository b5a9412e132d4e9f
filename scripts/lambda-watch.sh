#!/usr/bin/env bash
# Every function under `cargo lambda watch`, against the emulators of a running local stack
# (scripts/local-stack.sh, best with --no-triggers), with the stack's environment: infra/local.env
# with its endpoints, names and user pool id, which moto makes anew on every start (mint-event env).
# Builds into the same CARGO_TARGET_DIR as scripts/test.sh and scripts/local-stack.sh, so the
# functions' dev binaries and their compiled dependencies are shared, not built again in ./target.
# Ctrl-C stops it.
#
#   scripts/lambda-watch.sh                     # invoke on 127.0.0.1:9000, stack on its default ports
#   scripts/lambda-watch.sh --invoke-port 9100 --port 3411 --moto-port 4691 --ses-port 8121
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/.venv/bin:$PATH" # cargo-lambda, pinned by scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/learning-contract-invitations/target}"

invoke_port=9000
stack=() # passed on to mint-event: the stack's ports and resource prefix
watch=()
while [ $# -gt 0 ]; do
  case "$1" in
    --invoke-port) invoke_port="$2"; shift 2 ;;
    --port | --moto-port | --ses-port | --prefix) stack+=("$1" "$2"); shift 2 ;;
    --ignore-changes) watch+=("$1"); shift ;; # no rebuild on edits (the test's choice)
    *) echo "unknown option $1; see the top of $0" >&2; exit 2 ;;
  esac
done
if ! command -v cargo-lambda >/dev/null; then
  echo "cargo-lambda is not installed: run scripts/setup.sh" >&2
  exit 1
fi

cargo build --locked --quiet -p local-stack --bin mint-event
# Beside the build, one per watch: the pool id in it changes with every start of the stack.
env_file="$CARGO_TARGET_DIR/lambda-watch/${invoke_port}.env"
mkdir -p "$(dirname "$env_file")"
"$CARGO_TARGET_DIR/debug/mint-event" "${stack[@]}" env >"$env_file"

# exec: Ctrl-C and SIGTERM reach cargo-lambda itself, which stops the functions it started.
exec cargo lambda watch --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
  --env-file "$env_file" "${watch[@]}"
