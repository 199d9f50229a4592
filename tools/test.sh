#!/usr/bin/env bash
# Runs every test: starts the local S3 (radosgw) once for the whole run unless S3_ENDPOINT names
# another server, then `deno test`. Each test file starts its own test broker on a free port.
# Usage: deno task test [deno test args...]   e.g. deno task test tests/config
#
# Without arguments the run has two phases: every file in parallel, then the tests whose RSS
# bound (a leak check) would be moved by the other files' load, one at a time.
set -euo pipefail
cd "$(dirname "$0")/.."

deno install --quiet >/dev/null 2>&1 || deno install
if [ -z "${S3_ENDPOINT:-}" ]; then
  bash tools/s3/radosgw.sh start >/dev/null
fi

# One id for both phases: the reliability summary (tests/reliability/results/latest.json) starts
# afresh when a run with another id records, so a run never merges into the last one's figures.
export RELIABILITY_RUN_ID="${RELIABILITY_RUN_ID:-test.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) $$}"

# rss_trend_test.ts runs real responders against the leak bound: its clean one must pass it,
# which the other files' load made it miss once (21.8 MiB/min of warm-up growth against 20).
ALONE=(tests/reliability/soak_test.ts tests/reliability/fuzz_test.ts tests/testing/rss_trend_test.ts)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
if [ $# -gt 0 ]; then
  deno test -A --parallel "$@" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
else
  ignore=$(IFS=,; echo "${ALONE[*]}")
  deno test -A --parallel --ignore="$ignore" tests/ 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  deno test -A "${ALONE[@]}" 2>&1 | tee -a "$log"
  alone=${PIPESTATUS[0]}
  [ "$code" -eq 0 ] && code=$alone
fi
set -e
# One plain summary line for CI, from deno's own "ok | N passed | M failed" lines (one a phase).
plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -aE '^(ok|FAILED) \| [0-9]+ passed' || true)
passed=$(echo "$plain" | sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' | awk '{s += $1} END {print s + 0}')
failed=$(echo "$plain" | sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' | awk '{s += $1} END {print s + 0}')
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$code"
