#!/usr/bin/env bash
# Runs every test: starts the local S3 (radosgw) once for the whole run unless S3_ENDPOINT names
# another server, then `deno test`. Each test file starts its own test broker on a free port.
# Usage: deno task test [deno test args...]   e.g. deno task test tests/config
set -euo pipefail
cd "$(dirname "$0")/.."

deno install --quiet >/dev/null 2>&1 || deno install
if [ -z "${S3_ENDPOINT:-}" ]; then
  bash tools/s3/radosgw.sh start >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
deno test -A --parallel "${@:-tests/}" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e
# One plain summary line for CI, from deno's own "ok | N passed | M failed" line.
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -aE '^(ok|FAILED) \| [0-9]+ passed' | tail -n 1 || true)
passed=$(echo "$summary" | sed -nE 's/.*\| ([0-9]+) passed.*/\1/p')
failed=$(echo "$summary" | sed -nE 's/.*\| ([0-9]+) failed.*/\1/p')
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$code"
