#!/usr/bin/env bash
# Installs what the tests and the local stack need into ignored folders of the repo:
# the Rust components, moto server + cfn-lint + standardwebhooks + the SAM translator + cargo-lambda in .venv,
# aws-ses-v2-local and axe-core in .tools.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
CFN_LINT_VERSION=1.*
# The deploy rehearsal (scripts/rehearse.py) translates the SAM template offline, as `sam deploy` does.
SAM_TRANSLATOR_VERSION=1.115.0
SES_LOCAL_VERSION=2.10.2
# The browser test audits every page with axe-core (injected from .tools).
AXE_CORE_VERSION=4.14.1
# cargo-lambda from PyPI brings its own zig (the cross linker for `cargo lambda build --arm64`).
CARGO_LAMBDA_VERSION=1.9.2
# The webhooks tests verify our signatures with the Standard Webhooks project's own library.
STANDARDWEBHOOKS_VERSION=1.1.0

rustup component add rustfmt clippy >/dev/null 2>&1 || true

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import moto, cfnlint, standardwebhooks" 2>/dev/null; then
  echo "setup: installing moto server, cfn-lint and standardwebhooks into .venv"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}" "cfn-lint==${CFN_LINT_VERSION}" \
    "standardwebhooks==${STANDARDWEBHOOKS_VERSION}"
fi

if ! .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(m.version('aws-sam-translator') != '${SAM_TRANSLATOR_VERSION}')" 2>/dev/null; then
  echo "setup: installing aws-sam-translator ${SAM_TRANSLATOR_VERSION} into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check "aws-sam-translator==${SAM_TRANSLATOR_VERSION}"
fi

# scripts/bench-functions.sh builds the Lambda binaries with `cargo lambda build --release --arm64`
# (as `sam build` does); put .venv/bin on PATH to call it as `cargo lambda`.
if ! .venv/bin/cargo-lambda lambda --version 2>/dev/null | grep -qF "${CARGO_LAMBDA_VERSION}"; then
  echo "setup: installing cargo-lambda ${CARGO_LAMBDA_VERSION} into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check "cargo-lambda==${CARGO_LAMBDA_VERSION}"
fi

if [ ! -f .tools/node_modules/aws-ses-v2-local/dist/cli.js ]; then
  echo "setup: installing aws-ses-v2-local into .tools"
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools "aws-ses-v2-local@${SES_LOCAL_VERSION}"
fi

if ! grep -qF "\"version\": \"${AXE_CORE_VERSION}\"" .tools/node_modules/axe-core/package.json 2>/dev/null; then
  echo "setup: installing axe-core ${AXE_CORE_VERSION} into .tools"
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools "axe-core@${AXE_CORE_VERSION}"
fi

# The browser test (tests/tests/browser/) drives Debian's Chromium through chromedriver.
if [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing chromium and chromium-driver with apt-get"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver
fi
