#!/usr/bin/env bash
# Benchmarks the Lambda functions' binaries against a bare lambda_http binary (dev/bare-lambda,
# same release profile), in two parts:
#   size:       `cargo lambda build --release --arm64` (what is deployed); each bootstrap's size
#               and gzipped size, in bytes and MB, against the aim of at most 5 MB.
#   cold start: native release builds, run by the cold start tool (a Lambda Runtime API on
#               loopback that execs each binary RUNS times, interleaved, and reports init, first
#               answer and peak RSS as in BENCHMARKS.md), with events that need no I/O.
# The binaries are the `Metadata.BuildProperties.Binary` of every AWS::Serverless::Function in
# infra/template.yaml; `cargo metadata` says which package holds each.
#
# Usage: scripts/bench-functions.sh [--runs N] [--coldstart PATH] [--size-only | --coldstart-only]
#                                   [--probe | --probe-only]
#   --runs N          cold starts per binary (default 15, or $BENCH_RUNS)
#   --coldstart PATH  the cold start tool, coldstart.py (default $COLDSTART_TOOL, else
#                     ../shared/tools/coldstart.py from the repo root). It is not part of this repo:
#                     without it the size part still runs and the cold start part says so.
#   --probe           also: where the init time goes (dev/init-probe): the cold start of the bare
#                     loop plus one start-up step each (logs, SDK config, both), and the in-process
#                     time of each step (probe-steps, medians of RUNS fresh processes);
#                     --probe-only runs just that
# Needs cargo-lambda (scripts/setup.sh puts it in .venv) for the size part.
# Events: dev/bench-events/<binary>.json, else <package>.json, else http.json (an API Gateway v2
# request without authorizer claims: the admin functions answer 401 without any I/O).
# AWS_ENDPOINT_URL points at a closed loopback port, so nothing waits on a network; only Secrets
# Manager answers, from a moto server this script starts (the link key is read at cold start, as
# in AWS: enrol and mailer make one GetSecretValue each on loopback during init).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Release builds, into the same target folder as every other script (its release/ and lambda/).
source scripts/cargo-env.sh

runs=${BENCH_RUNS:-15}
coldstart=${COLDSTART_TOOL:-../shared/tools/coldstart.py}
do_size=1
do_cold=1
do_probe=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --coldstart) coldstart=$2; shift 2 ;;
    --size-only) do_cold=0; shift ;;
    --coldstart-only) do_size=0; shift ;;
    --probe) do_probe=1; shift ;;
    --probe-only) do_size=0; do_cold=0; do_probe=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$coldstart" in /*) ;; *) coldstart="$root/$coldstart" ;; esac

BARE=bare-lambda
AIM_BYTES=5000000 # 5 MB

# "binary package" lines, the bare one first.
targets=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, re, sys
meta = json.load(sys.stdin)
owner = {}
for pkg in meta["packages"]:
    for t in pkg["targets"]:
        if "bin" in t["kind"]:
            owner[t["name"]] = pkg["name"]
# The template uses CloudFormation tags (!Ref, !GetAtt) that plain YAML loaders refuse; its
# layout is regular (two-space indents), so read the three lines that matter.
binaries, name, kind, in_resources = [], None, None, False
def flush():
    if kind == "AWS::Serverless::Function" and binary:
        binaries.append(binary)
binary = None
for line in open("infra/template.yaml"):
    if re.match(r"^\S", line):
        flush(); name = kind = binary = None
        in_resources = line.startswith("Resources:")
        continue
    if not in_resources:
        continue
    m = re.match(r"^  ([A-Za-z0-9]+):\s*$", line)
    if m:
        flush(); name, kind, binary = m.group(1), None, None
        continue
    m = re.match(r"^    Type:\s*(\S+)", line)
    if m:
        kind = m.group(1)
    m = re.match(r"^\s+Binary:\s*(\S+)", line)
    if m:
        binary = m.group(1).strip("\"'"'"'")
flush()
if not binaries:
    sys.exit("bench: no AWS::Serverless::Function with Metadata.BuildProperties.Binary in infra/template.yaml")
for b in ["'"$BARE"'"] + binaries:
    if b not in owner:
        sys.exit(f"bench: no package of the workspace has a binary named {b}")
    print(b, owner[b])
')
target_dir=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin_args=()
while read -r bin _pkg; do bin_args+=(--bin "$bin"); done <<<"$targets"
echo "bench: binaries (first is the baseline): $(awk '{printf "%s (%s) ", $1, $2}' <<<"$targets")"

tool_missing=0
if { [ "$do_cold" = 1 ] || [ "$do_probe" = 1 ]; } && [ ! -f "$coldstart" ]; then
  echo "bench: NO COLD START: the cold start tool is not at $coldstart" >&2
  echo "bench: give its path with --coldstart PATH or COLDSTART_TOOL=PATH (it is not part of this repo)" >&2
  tool_missing=1
  do_cold=0
  do_probe=0
  if [ "$do_size" = 0 ]; then exit 1; fi
fi

if [ "$do_size" = 1 ]; then
  if [ -d .venv/bin ]; then PATH="$root/.venv/bin:$PATH"; fi
  if ! cargo lambda --version >/dev/null 2>&1; then
    echo "bench: cargo-lambda is missing; run scripts/setup.sh (it installs it into .venv)" >&2
    exit 1
  fi
  echo "bench: cargo lambda build --release --arm64 ${bin_args[*]}"
  cargo lambda build --release --arm64 "${bin_args[@]}"
  echo
  echo "arm64 binaries (cargo lambda build --release --arm64), aim: at most 5 MB = $AIM_BYTES bytes"
  printf '%-18s %10s %7s %7s %10s %7s %8s  %s\n' binary bytes MB x-bare gzip-bytes gz-MB gz-x-bare aim
  bare_size=0
  bare_gz=0
  while read -r bin _pkg; do
    f="$target_dir/lambda/$bin/bootstrap"
    size=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    if [ "$bare_size" = 0 ]; then bare_size=$size; bare_gz=$gz; fi
    if [ "$size" -le "$AIM_BYTES" ]; then aim=ok; else aim="over by $(((size - AIM_BYTES) / 1000)) kB"; fi
    [ "$bin" = "$BARE" ] && aim="(baseline)"
    awk -v b="$bin" -v s="$size" -v g="$gz" -v bs="$bare_size" -v bg="$bare_gz" -v aim="$aim" 'BEGIN {
      printf "%-18s %10d %7.2f %7.2f %10d %7.2f %8.2f  %s\n", b, s, s / 1e6, s / bs, g, g / 1e6, g / bg, aim }'
  done <<<"$targets"
  echo
fi

# Runs a command with what the functions read at start-up (the template sets it in AWS); the values
# never reach a service. Extra variables in this environment reach the binaries too.
closed_port=""
bench_env() {
  if [ -z "$closed_port" ]; then
    # A loopback port nobody listens on: every AWS call would be refused at once.
    closed_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  fi
  # Lambda sets no SSL_CERT_FILE / SSL_CERT_DIR: the TLS roots come from the system's bundle.
  env -u SSL_CERT_FILE -u SSL_CERT_DIR AWS_ENDPOINT_URL="http://127.0.0.1:$closed_port" \
    AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 \
    AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_SESSION_TOKEN=bench \
    TABLE_NAME="${TABLE_NAME:-bench}" IMPORTS_BUCKET="${IMPORTS_BUCKET:-bench}" \
    MAIL_FROM="${MAIL_FROM:-bench@example.com}" SITE_URL="${SITE_URL:-https://bench.example}" \
    USER_POOL_ID="${USER_POOL_ID:-eu-west-1_bench}" \
    ${secrets_endpoint:+AWS_ENDPOINT_URL_SECRETS_MANAGER="$secrets_endpoint"} \
    LINK_SIGNING_SECRET="${LINK_SIGNING_SECRET:-bench-link-key}" \
    "$@"
}

# The link key's secret in a moto server of its own (stopped on exit), for the cold starts.
secrets_endpoint=""
start_secrets() {
  if [ ! -x .venv/bin/python ]; then
    echo "bench: .venv is missing (scripts/setup.sh): enrol and mailer cannot read their key" >&2
    return
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  .venv/bin/python dev/moto_serial.py -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
  secrets_pid=$!
  trap 'kill "$secrets_pid" 2>/dev/null || true' EXIT
  secrets_endpoint="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -s -o /dev/null "$secrets_endpoint/moto-api/" && break; sleep 0.1; done
  AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench .venv/bin/python -c '
import base64, boto3, os, sys
boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="eu-west-1").create_secret(
    Name="bench-link-key", SecretString=base64.b64encode(os.urandom(48)).decode())
' "$secrets_endpoint"
}

if [ "$do_cold" = 1 ]; then
  echo "bench: cargo build --release ${bin_args[*]}"
  cargo build --release "${bin_args[@]}"
  specs=()
  while read -r bin pkg; do
    event=""
    for candidate in "$bin" "$pkg" http; do
      if [ -f "dev/bench-events/$candidate.json" ]; then event="dev/bench-events/$candidate.json"; break; fi
    done
    specs+=("$bin=$target_dir/release/$bin:$event")
  done <<<"$targets"
  start_secrets
  echo "bench: $coldstart, $runs runs each, interleaved; AWS_ENDPOINT_URL at a closed loopback port, Secrets Manager at $secrets_endpoint"
  bench_env python3 "$coldstart" "$runs" "${specs[@]}"
fi

if [ "$do_probe" = 1 ]; then
  probes=(probe-telemetry probe-aws probe-full probe-steps)
  first_http=$(awk '$2 != "'"$BARE"'" { print $1; exit }' <<<"$targets")
  probe_args=(--bin "$BARE" --bin "$first_http")
  for probe in "${probes[@]}"; do probe_args+=(--bin "$probe"); done
  echo "bench: cargo build --release ${probe_args[*]}"
  cargo build --release "${probe_args[@]}"
  rel="$target_dir/release"
  http_event=dev/bench-events/http.json
  echo
  echo "bench: cold start of the bare loop plus one start-up step each, $runs runs each"
  bench_env python3 "$coldstart" "$runs" "$BARE=$rel/$BARE:$http_event" \
    "+logs=$rel/probe-telemetry:$http_event" "+sdk=$rel/probe-aws:$http_event" \
    "+logs+sdk=$rel/probe-full:$http_event" "$first_http=$rel/$first_http:$http_event"
  echo
  echo "bench: start-up steps in-process (probe-steps), median of $runs fresh processes, microseconds"
  for config in functions explicit; do
    echo "SDK config: $config"
    for _ in $(seq "$runs"); do
      bench_env AWS_MAX_ATTEMPTS=1 PROBE_CONFIG=$config PROBE_NATIVE_CERTS=1 "$rel/probe-steps" 2>/dev/null
    done | python3 -c '
import json, statistics, sys
rows = [json.loads(line) for line in sys.stdin if line.strip()]
for key in rows[0]:
    values = sorted(r[key] for r in rows)
    print(f"  {key:22} median {statistics.median(values):8.0f}   min {values[0]:8.0f}   max {values[-1]:8.0f}")
'
  done
fi

if [ "$tool_missing" = 1 ]; then
  echo "bench: sizes only; the cold start was skipped: no cold start tool at $coldstart" >&2
  exit 1
fi
