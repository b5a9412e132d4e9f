# Sourced by scripts: starts moto server (serialised, see moto_serial.py) and aws-ses-v2-local on
# free loopback ports, exports MOTO_ENDPOINT and SES_ENDPOINT, and stops them on request.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # url
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "emulator at $1 did not start" >&2
  return 1
}

start_emulators() {
  local log_dir="${EMULATOR_LOG_DIR:-$(mktemp -d)}"
  local moto_port ses_port
  moto_port="${MOTO_PORT:-$(free_port)}"
  ses_port="${SES_PORT:-$(free_port)}"
  .venv/bin/python dev/moto_serial.py -H 127.0.0.1 -p "$moto_port" >"$log_dir/moto.log" 2>&1 &
  MOTO_PID=$!
  node .tools/node_modules/aws-ses-v2-local/dist/cli.js --host 127.0.0.1 --port "$ses_port" >"$log_dir/ses.log" 2>&1 &
  SES_PID=$!
  export MOTO_ENDPOINT="http://127.0.0.1:${moto_port}"
  export SES_ENDPOINT="http://127.0.0.1:${ses_port}"
  wait_http "$MOTO_ENDPOINT/moto-api/"
  wait_http "$SES_ENDPOINT/health-check"
  echo "emulators: moto $MOTO_ENDPOINT, SES $SES_ENDPOINT (logs in $log_dir)"
}

stop_emulators() {
  kill "${MOTO_PID:-}" "${SES_PID:-}" 2>/dev/null || true
  wait "${MOTO_PID:-}" "${SES_PID:-}" 2>/dev/null || true
}
