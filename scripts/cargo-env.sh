# Sourced by every script that builds: one CARGO_TARGET_DIR for the tests, the local stack, the
# cargo-lambda scripts, the reminders script and the benchmarks, outside the clone so that
# repeated runs and clones on one machine reuse the compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/learning-contract-invitations/target}"
