#!/usr/bin/env bash
# Builds every binary and every test of the workspace once, into the shared CARGO_TARGET_DIR
# (scripts/cargo-env.sh). dev/workspace-hack (cargo-hakari) gives every package one feature set
# on this platform, so the narrower builds of the other scripts find all of it built:
# `cargo build -p local-stack` (local-stack.sh, lambda-watch.sh, run-reminders.sh) and
# `cargo run --bin <function>` (what `cargo lambda watch` runs on a function's first invoke).
#
#   scripts/build.sh           build everything (scripts/test.sh runs it before the tests)
#   scripts/build.sh --check   then prove it: each package's own build compiles nothing more
#
# When --check fails, a dependency or feature changed without the workspace-hack: run
# `cargo install cargo-hakari --locked` once, then `cargo hakari generate`, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "unknown option $1; see the top of $0" >&2; exit 2 ;;
esac

cargo build --workspace --bins --locked
cargo test --workspace --no-run --locked

if [ "$check" = 1 ]; then
  # Every package with a binary, built alone as the scripts and cargo-lambda build it. Not the
  # site: alone it is built for wasm32 only (scripts/build-site.sh), without the wire's schemas.
  packages=$(cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] != "site" and any("bin" in t["kind"] for t in p["targets"]):
        print(p["name"])')
  rebuilt=""
  for package in $packages; do
    out=$(cargo build --locked -p "$package" --bins 2>&1) || { echo "$out" >&2; exit 1; }
    compiled=$(echo "$out" | grep -E '^\s*Compiling ' || true)
    if [ -n "$compiled" ]; then
      rebuilt+="cargo build -p $package compiled again:"$'\n'"$compiled"$'\n'
    fi
  done
  if [ -n "$rebuilt" ]; then
    echo "$rebuilt" >&2
    echo "build: a package built alone compiled what the workspace build had built: its features" \
      "differ. Run \`cargo hakari generate\` (cargo install cargo-hakari --locked) and commit" \
      "dev/workspace-hack; see README, \"Builds\"." >&2
    exit 1
  fi
  echo "build: every package built alone reuses the workspace's build ($(echo $packages | wc -w) packages checked)"
fi
