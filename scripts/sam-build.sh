#!/usr/bin/env bash
# `sam build` of infra/template.yaml, no AWS account needed: installs the SAM CLI (pinned) into
# its own venv, .sam-venv/ (about 800 MB, so not part of scripts/setup.sh or CI), and builds
# every function with cargo-lambda (`cargo lambda build --release --arm64`, from .venv, with
# its own zig as the cross linker) into .aws-sam/build. `sam deploy` then uploads from there.
#
# Usage: bash scripts/sam-build.sh [extra `sam build` arguments]
# Compiled crates are shared with the tests' cache (CARGO_TARGET_DIR, as scripts/test.sh sets
# it), so a machine that has built the release binaries once (scripts/bench-functions.sh) builds
# again in seconds; from nothing it is a full arm64 release build (BENCHMARKS.md). Crates come
# from crates.io unless ~/.cargo already holds them (CARGO_NET_OFFLINE=true to forbid the network).
set -euo pipefail
cd "$(dirname "$0")/.."

SAM_CLI_VERSION=1.170.0

bash scripts/setup.sh  # .venv: cargo-lambda

if ! .sam-venv/bin/sam --version 2>/dev/null | grep -qF "${SAM_CLI_VERSION}"; then
  echo "sam-build: installing aws-sam-cli ${SAM_CLI_VERSION} into .sam-venv"
  python3 -m venv .sam-venv
  .sam-venv/bin/pip install --quiet --disable-pip-version-check "aws-sam-cli==${SAM_CLI_VERSION}"
fi

source scripts/cargo-env.sh
# `sam build` finds cargo-lambda on PATH; it needs no credentials, only a region for its output.
export PATH="$PWD/.venv/bin:$PATH" AWS_REGION="${AWS_REGION:-us-east-1}" SAM_CLI_TELEMETRY=0
# samconfig.toml names the template and turns on the cargo-lambda builder (a beta feature).
.sam-venv/bin/sam build "$@"
