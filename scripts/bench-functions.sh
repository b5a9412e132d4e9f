#!/usr/bin/env bash
# Benchmarks the Lambda functions' binaries against a bare lambda_http binary (dev/bare-lambda,
# same release profile and flags), in one run:
#   size:       `cargo lambda build --release --arm64` (what is deployed; its rustflags are in
#               .cargo/config.toml); each bootstrap's size and gzipped size, in bytes and MB,
#               against the aim of at most 5 MB.
#   cold start: native builds (`--target x86_64-unknown-linux-gnu`, the release profile without
#               cross-crate LTO, the arm64 build's flags but its target CPU: no unwind tables, not
#               position-independent; see native_build below), run
#               by the cold start tool (a Lambda Runtime API on loopback that execs each binary
#               RUNS times, interleaved, and reports init, first answer and peak RSS as in
#               BENCHMARKS.md), each binary with its own event; then what each one answered.
#   summary:    one table of both, every ratio against the bare binary, with the aims (5 MB,
#               init at most 2x bare).
# The binaries are the `Metadata.BuildProperties.Binary` of every AWS::Serverless::Function in
# infra/template.yaml; `cargo metadata` says which package holds each. Every build goes to the
# shared CARGO_TARGET_DIR of scripts/cargo-env.sh (cargo-lambda's too): nothing compiles twice
# for the tests, the local stack, `sam build` and this script.
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
# Events: dev/bench-events/<binary>.json, one per binary (the script stops naming any that is
# missing): an API Gateway v2 request of one of the function's own routes (with the authorizer's
# claims of a contract admin or a system admin where the route needs a caller), or an event of
# the kind that triggers it (stream record, S3 notification, schedule tick, SES event). Where the
# function's own work can answer without I/O it does (a malformed link 400, a refused body 400,
# a record it skips); otherwise its first AWS call is refused at once and the answer says so.
# AWS_ENDPOINT_URL points at a closed loopback port and AWS_MAX_ATTEMPTS=1, so nothing waits on a
# network or on retries; only Secrets Manager answers, from a moto server this script starts (the
# link key and the webhook sealing key; the functions read them on first use since issue 33, and
# none of these events needs one).
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
echo "bench: every build into $target_dir (CARGO_TARGET_DIR, scripts/cargo-env.sh)"

# Each binary's own event, checked before anything is built.
if [ "$do_cold" = 1 ]; then
  missing=$(while read -r bin _pkg; do [ -f "dev/bench-events/$bin.json" ] || echo "dev/bench-events/$bin.json"; done <<<"$targets")
  if [ -n "$missing" ]; then
    echo "bench: no event for:" $missing "(one per binary: see the header of this script)" >&2
    exit 1
  fi
fi
# What the size and cold start parts found, for the summary of both at the end.
report=$(mktemp -d)

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
  printf '%s\t%s\t%s\n' "$bin" "$size" "$gz" >>"$report/sizes.tsv"
  done <<<"$targets"
  echo
fi

# The native builds of the cold start and the probe: the release profile and the arm64 build's
# flags (.cargo/config.toml) but its target CPU, so that what starts here is built as what is
# deployed, except for LTO: the profile `coldstart` (given here, not in Cargo.toml) is release
# without cross-crate LTO, because 24 thin-LTO links take over an hour on 2 cores beside other
# builds, for a native stand-in of the arm64 binaries anyway (their sizes are measured above,
# from the real release build). Its own profile directory and `--target` keep these artifacts
# apart from every other build (and its cargo lock apart from the arm64 build's, so both can
# build at once), and keep the flags off build scripts: $CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/coldstart.
native_target=x86_64-unknown-linux-gnu
native_dir="$target_dir/$native_target/coldstart"
# (`-Wl,--no-pie` to the linker itself, not `-no-pie` to cc as on arm64: gcc's driver reads a
# `-no-pie` after `-shared` as "link an executable", and crc-fast's cdylib then fails.)
native_flags="-C force-unwind-tables=no -C link-arg=-Wl,--no-pie"
native_build() {
  echo "bench: cargo build --profile coldstart (release, no cross-crate LTO) --target $native_target $* (its rustflags: $native_flags)"
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="$native_flags" \
    cargo build --config 'profile.coldstart.inherits="release"' --config 'profile.coldstart.lto=false' \
    --profile coldstart --target "$native_target" "$@"
}

# Runs a command with what the functions read at start-up (the template sets it in AWS); the values
# never reach a service. Extra variables in this environment reach the binaries too.
closed_port=""
bench_env() {
  if [ -z "$closed_port" ]; then
    # A loopback port nobody listens on: every AWS call is refused at once, and with one attempt
  # (AWS_MAX_ATTEMPTS=1) the SDK answers the refusal without its retries' back-off.
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
    WEBHOOK_SEALING_SECRET="${WEBHOOK_SEALING_SECRET:-bench-sealing-key}" \
    EVENT_BUS_NAME="${EVENT_BUS_NAME:-bench}" \
    AWS_MAX_ATTEMPTS="${AWS_MAX_ATTEMPTS:-1}" \
    "$@"
}

# The link key's secret in a moto server of its own (stopped on exit), for the cold starts.
secrets_endpoint=""
start_secrets() {
  if [ ! -x .venv/bin/python ]; then
    echo "bench: .venv is missing (scripts/setup.sh): no Secrets Manager, so an event that needs a key fails" >&2
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
sm = boto3.client("secretsmanager", endpoint_url=sys.argv[1], region_name="eu-west-1")
sm.create_secret(Name="bench-link-key", SecretString=base64.b64encode(os.urandom(48)).decode())
sm.create_secret(Name="bench-sealing-key", SecretString=os.urandom(32).hex())
' "$secrets_endpoint"
}

if [ "$do_cold" = 1 ]; then
  native_build "${bin_args[@]}"
  specs=()
  while read -r bin _pkg; do
    specs+=("$bin=$native_dir/$bin:dev/bench-events/$bin.json")
  done <<<"$targets"
  start_secrets
  echo "bench: $coldstart, $runs runs each, interleaved; AWS_ENDPOINT_URL at a closed loopback port, Secrets Manager at $secrets_endpoint"
  bench_env python3 - "$coldstart" "$runs" "$report" "${specs[@]}" <<'PY'
# The cold start tool as it is (its table printed as it prints it), plus what each binary
# answered to its first event: the tool keeps only "response" or "error", not the body.
import contextlib, io, json, sys
tool, runs, report, specs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
# The tool calls main() when loaded: load it without that last call, patch, then call it.
import types
source = open(tool).read().rstrip()
if source.endswith("main()"):
    source = source[: -len("main()")]
cs = types.ModuleType("coldstart")
cs.__file__ = tool
exec(compile(source, tool, "exec"), cs.__dict__)
answers, current = {}, [None]
post = cs.Runtime.do_POST
def do_POST(self):
    post(self)
    st = self.server.state
    answers.setdefault(current[0], (st["kind"], st["response"]))
cs.Runtime.do_POST = do_POST
once = cs.once
def once_noting(binary, event):
    current[0] = binary
    return once(binary, event)
cs.once = once_noting
sys.argv = [tool, runs, *specs]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    cs.main()
print(out.getvalue(), end="")
def answer(kind, body):
    try:
        value = json.loads(body)
    except Exception:
        return f"{kind}: {body[:80]!r}"
    if kind == "error":
        # The runtime's error type of a boxed error says nothing; its message says what failed.
        kind_of = value.get("errorType", "?")
        kind_of = "" if "Box<dyn" in kind_of else f"{kind_of}: "
        return f"error: {kind_of}{str(value.get('errorMessage', '')).split(' (DispatchFailure')[0][:120]}"
    if isinstance(value, dict) and "statusCode" in value:
        text = value.get("body") or ""
        try:
            problem = json.loads(text)
            text = f"{problem.get('code', '')}: {problem.get('detail', '')}" if isinstance(problem, dict) and "code" in problem else text
        except Exception:
            pass
        return f"{value['statusCode']} {text[:140]}"
    return f"response {json.dumps(value)[:140]}"
rows = {}
for line in out.getvalue().splitlines()[1:]:
    f = line.split()
    if len(f) >= 6 and f[1] != "no":
        rows[f[0]] = {"init": float(f[2]), "first": float(f[3]), "rss": float(f[4])}
with open(f"{report}/cold.json", "w") as fh:
    json.dump({name: dict(rows.get(name, {}), answer=answer(*answers[binary]) if binary in answers else "no answer")
               for name, binary in ((s.split("=", 1)[0], s.split("=", 1)[1].split(":", 1)[0]) for s in specs)}, fh)
print()
print("first answers (each binary's own event, dev/bench-events/<binary>.json):")
for name, row in json.load(open(f"{report}/cold.json")).items():
    print(f"  {name:18} {row['answer']}")
PY
fi

if [ "$do_probe" = 1 ]; then
  probes=(probe-telemetry probe-aws probe-full probe-steps)
  first_http=$(awk '$2 != "'"$BARE"'" { print $1; exit }' <<<"$targets")
  probe_args=(--bin "$BARE" --bin "$first_http")
  for probe in "${probes[@]}"; do probe_args+=(--bin "$probe"); done
  native_build "${probe_args[@]}"
  rel="$native_dir"
  http_event=dev/bench-events/http.json
  echo
  echo "bench: cold start of the bare loop plus one start-up step each, $runs runs each"
  bench_env python3 "$coldstart" "$runs" "$BARE=$rel/$BARE:$http_event" \
    "+logs=$rel/probe-telemetry:$http_event" "+sdk=$rel/probe-aws:$http_event" \
    "+logs+sdk=$rel/probe-full:$http_event" "$first_http=$rel/$first_http:dev/bench-events/$first_http.json"
  echo
  echo "bench: start-up steps in-process (probe-steps), median of $runs fresh processes, microseconds"
  # functions: config::aws() (AWS's roots only); default: the SDK's default client (the system's
  # roots, as before issue 33); explicit: the default client, region and credentials given.
  for config in functions default explicit; do
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

# Both parts of this run in one table: arm64 size against 5 MB, init against 2x bare.
if [ -f "$report/sizes.tsv" ] || [ -f "$report/cold.json" ]; then
  python3 - "$report" "$AIM_BYTES" <<'PY'
import json, os, sys
report, aim = sys.argv[1], int(sys.argv[2])
sizes = {}
if os.path.exists(f"{report}/sizes.tsv"):
    for line in open(f"{report}/sizes.tsv"):
        b, s, g = line.split()
        sizes[b] = (int(s), int(g))
cold = json.load(open(f"{report}/cold.json")) if os.path.exists(f"{report}/cold.json") else {}
names = list(sizes) or list(cold)
bare = names[0]
bare_init = cold.get(bare, {}).get("init")
print()
print("summary: arm64 size (aim at most 5 MB), native init (aim at most 2x bare), first answer")
print("| binary | arm64 bytes | arm64 MB | size aim | init ms | init / bare | init aim | first ms | peak RSS MB | first answer |")
print("|---|---|---|---|---|---|---|---|---|---|")
for b in names:
    size = sizes.get(b, (None, None))[0]
    c = cold.get(b, {})
    init = c.get("init")
    ratio = init / bare_init if init and bare_init else None
    size_aim = "" if size is None else ("baseline" if b == bare else ("ok" if size <= aim else f"over by {(size - aim) / 1e6:.2f} MB"))
    init_aim = "" if ratio is None else ("baseline" if b == bare else ("ok" if ratio <= 2 else f"over by {init - 2 * bare_init:.1f} ms"))
    print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        b, f"{size:,}" if size else "", f"{size / 1e6:.2f}" if size else "", size_aim,
        f"{init:.1f}" if init else "", f"{ratio:.2f}" if ratio else "", init_aim,
        f"{c['first']:.1f}" if "first" in c else "", f"{c['rss']:.1f}" if "rss" in c else "",
        c.get("answer", "")))
PY
fi
rm -rf "$report"

if [ "$tool_missing" = 1 ]; then
  echo "bench: sizes only; the cold start was skipped: no cold start tool at $coldstart" >&2
  exit 1
fi
