#!/usr/bin/env bash
# The whole system on this machine: installs what it needs (scripts/setup.sh), builds the site
# and the local stack, then runs moto + aws-ses-v2-local, the gateway (site + API), the event
# bridge and the demo data until Ctrl-C, which stops everything it started.
#
#   scripts/local-stack.sh                 # site and API on http://127.0.0.1:3000
#   scripts/local-stack.sh --port 3100     # other ports: --moto-port, --ses-port; --no-seed
#   scripts/local-stack.sh --no-triggers   # for scripts/lambda-watch.sh: no trigger after the seed
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
source scripts/cargo-env.sh

echo "== building the site"
bash scripts/build-site.sh
# The same artifacts as scripts/test.sh builds (dev/workspace-hack): after the tests, nothing to do.
echo "== building the local stack"
cargo build --locked -p local-stack

# exec: Ctrl-C and SIGTERM reach the stack itself, whose emulators stop with it.
exec "$CARGO_TARGET_DIR/debug/local-stack" "$@"
