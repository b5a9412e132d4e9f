#!/usr/bin/env bash
# The heat benchmark of issue 33 (BENCHMARKS.md, "Heat: writes per key"): on a moto server and
# an SES emulator started here on free loopback ports, the product's own code imports a CSV
# (the import function's handler on its S3 event), mails the invitations (the mailer's handler
# on the table's stream records, 25 at a time) and enrols people (the enrol function's store
# calls); every DynamoDB write is counted by partition and by item, for the table and each
# index, in write units. It prints the hottest keys and items with what they take per second
# at the target rates, the critical path's depth, and the time for 1,000,000 rows.
#
# Usage: scripts/bench-heat.sh [--rows N] [--mails N] [--enrolments N] [--chunk-rows N]
#   --rows N        rows of the imported file (default 100,000), fanned out as in production
#                   (a file over 1 MiB planned by the S3 event's run, chunks of 20,000 rows,
#                   each chunk message's run measured as its own branch)
#   --chunk-rows N  chunks of N rows whatever the file's size (a short run's chunks; the
#                   estimate scales the longest chunk to production's 20,000 rows)
#   --mails N       mails sent, the first N invitations (default: all of them); fewer is a
#                   scale the output names, and the rates are per mail
#   --enrolments N  enrolments in the contract (default 10,000), among the mailed invitations
# moto is slow at this size (2 cores): the 100,000-row import takes ~20 minutes, a mail ~40 ms
# (100,000: ~70 minutes), and an enrolment ~5 s once the table holds 100,000 invitations (moto
# scans the whole index for each Query). BENCHMARKS.md's figures come from
# `--mails 5000 --enrolments 100`; the output says when a step ran scaled down and multiplies
# its counts up in the rates.
# A dev build in the shared target folder, niced.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cargo-env.sh
source scripts/emulators.sh

if [ ! -x .venv/bin/python ] || [ ! -f .tools/node_modules/aws-ses-v2-local/dist/cli.js ]; then
  bash scripts/setup.sh
fi
nice -n 5 cargo build --quiet -p heat-bench
trap stop_emulators EXIT
start_emulators
nice -n 5 "$CARGO_TARGET_DIR/debug/heat-bench" "$@"
