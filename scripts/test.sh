#!/usr/bin/env bash
# `npm test`: installs what the tests need, builds the dashboard, runs every vitest project
# (unit, integration, e2e) and ends with the plain line "N passed, N failed, N skipped" that CI
# reads. Exits non-zero on any failure. The tests start their own Mosquitto and InfluxDB on
# free loopback ports (test/support/services.ts); nothing is left running afterwards.
#
# Arguments are passed to vitest, e.g. `npm test -- --project unit` or `npm test -- test/integration`.
# shellcheck disable=SC2317,SC2016  # functions run from traps; node -e code in single quotes
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh --browser --compose --ffmpeg --redis --postgres

# The three checks of `npm run check` side by side: they share nothing, and one after the other
# they left a core idle for most of a minute (eslint alone takes about as long as the other two).
echo "test: type check, lint and format check (npm run check)" >&2
checks="$(mktemp -d "${TMPDIR:-/tmp}/vigil-check.XXXXXX")"
declare -A check_pid check_failure
npx tsc -p tsconfig.json --noEmit >"$checks/tsc.log" 2>&1 &
check_pid[tsc]=$!
check_failure[tsc]="type check failed"
npx eslint . >"$checks/eslint.log" 2>&1 &
check_pid[eslint]=$!
check_failure[eslint]="lint failed"
npx prettier --list-different . >"$checks/prettier.log" 2>&1 &
check_pid[prettier]=$!
check_failure[prettier]="files not formatted (npm run format)"
# Each one's output (errors, or the warnings of a passing lint) is printed once it has ended.
check_failed=0
for check in tsc eslint prettier; do
  check_status=0
  wait "${check_pid[$check]}" || check_status=$?
  cat "$checks/$check.log"
  if [[ "$check_status" != 0 ]]; then
    echo "test: ${check_failure[$check]}" >&2
    check_failed=1
  fi
done
rm -rf "$checks"
[[ "$check_failed" == 0 ]] || exit 1

if [[ -f client/index.html ]]; then
  echo "test: building the dashboard" >&2
  npx vite build --config client/vite.config.ts
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/vigil-test-run.XXXXXX")"
# Every service process test/support/services.ts starts is recorded here (pid file holding its
# command line), so that anything still alive after vitest — which the parent-death signal and
# the exit hooks should already have ended — is killed, and only if it is still that command.
export VIGIL_SERVICES_PID_DIR="$work/pids"
mkdir -p "$VIGIL_SERVICES_PID_DIR"

kill_leftovers() {
  local pidfile pid marker
  [[ -n "${VIGIL_SERVICES_PID_DIR:-}" && -d "$VIGIL_SERVICES_PID_DIR" ]] || return 0
  for pidfile in "$VIGIL_SERVICES_PID_DIR"/*; do
    [[ -e "$pidfile" ]] || continue
    pid="$(basename "$pidfile")"
    marker="$(cat "$pidfile")"
    if [[ -r "/proc/$pid/cmdline" ]] && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == *"$marker"* ]]; then
      echo "test: killing leftover service process $pid ($marker)" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap kill_leftovers EXIT

report="$work/vitest.json"
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
set -e

# The closing line CI counts. Failed files that never got to run a test (an import error, a
# failing beforeAll) count as failures too, so a broken file can never read as "0 failed".
counts="$(
  node -e '
    const fs = require("node:fs");
    const [file, exitCode] = process.argv.slice(1);
    let r;
    try { r = JSON.parse(fs.readFileSync(file, "utf8")); } catch { r = null; }
    if (!r) { console.log(`0 passed, ${exitCode === "0" ? 0 : 1} failed`); process.exit(0); }
    const failedFilesWithoutFailedTests = (r.testResults ?? []).filter(
      (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
    ).length;
    let failed = r.numFailedTests + failedFilesWithoutFailedTests;
    if (failed === 0 && exitCode !== "0") failed = 1;
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
  ' "$report" "$status"
)"
echo
echo "$counts"
exit "$status"
