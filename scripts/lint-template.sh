#!/usr/bin/env bash
# Lints the SAM template and the web ACL's template (infra/waf.yaml) with cfn-lint (installed into .venv by scripts/setup.sh).
# Exits non-zero on any error or warning cfn-lint reports.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/cfn-lint ]; then
  echo "lint-template: .venv/bin/cfn-lint is missing; run scripts/setup.sh first" >&2
  exit 1
fi

.venv/bin/cfn-lint infra/template.yaml infra/waf.yaml
echo "lint-template: infra/template.yaml and infra/waf.yaml pass cfn-lint ($(.venv/bin/cfn-lint --version))"
