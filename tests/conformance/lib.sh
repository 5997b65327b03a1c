# Shared by the kubectl conformance scripts: starts opsdeck-sim on a free port with a fresh kubeconfig and
# kubectl cache, and gives small assertion helpers. Source it; needs OPSDECK_SIM (path to opsdeck-sim).
set -euo pipefail

: "${OPSDECK_SIM:?OPSDECK_SIM must name the opsdeck-sim binary}"
KUBECTL=${KUBECTL:-/usr/bin/kubectl}
[ -x "$KUBECTL" ] || { echo "FAIL: kubectl not found at $KUBECTL" >&2; exit 1; }

WORK=$(mktemp -d)
SIM_PID=""
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

FAILURES=0
CHECKS=0

start_sim() {
  "$OPSDECK_SIM" --listen 127.0.0.1:0 --write-kubeconfig "$WORK/kubeconfig" --speed "${SIM_SPEED:-10}" --seed 7 "$@" \
    >"$WORK/sim.out" 2>"$WORK/sim.err" &
  SIM_PID=$!
  for _ in $(seq 1 300); do
    grep -q '^opsdeck-sim ready ' "$WORK/sim.out" 2>/dev/null && break
    kill -0 "$SIM_PID" 2>/dev/null || { echo "FAIL: opsdeck-sim exited:" >&2; cat "$WORK/sim.err" >&2; exit 1; }
    sleep 0.1
  done
  grep -q '^opsdeck-sim ready ' "$WORK/sim.out" || { echo "FAIL: opsdeck-sim never printed its ready line" >&2; exit 1; }
  SIM_URL=$(sed -n 's/.*url=\([^ ]*\).*/\1/p' "$WORK/sim.out")
  export KUBECONFIG="$WORK/kubeconfig"
  mkdir -p "$WORK/cache"
  echo "sim ready at $SIM_URL"
}

# k ARGS: kubectl with the sim's kubeconfig and a fresh discovery cache (DESIGN §12).
k() { "$KUBECTL" --cache-dir "$WORK/cache" --request-timeout=20s "$@"; }

pass() { CHECKS=$((CHECKS + 1)); echo "ok   - $1"; }
fail() { CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1)); echo "FAIL - $1" >&2; }

# check NAME CMD...: the command must succeed.
check() { local name=$1; shift; if "$@" >"$WORK/last.out" 2>"$WORK/last.err"; then pass "$name"; else fail "$name: $(tail -3 "$WORK/last.err")"; fi; }
# check_fails NAME PATTERN CMD...: the command must fail and its stderr match PATTERN.
check_fails() {
  local name=$1 pattern=$2; shift 2
  if "$@" >"$WORK/last.out" 2>"$WORK/last.err"; then fail "$name: succeeded but should have failed";
  elif grep -Eq "$pattern" "$WORK/last.err"; then pass "$name";
  else fail "$name: stderr did not match /$pattern/: $(tail -3 "$WORK/last.err")"; fi
}
# expect_eq NAME EXPECTED ACTUAL
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
# expect_match NAME REGEX TEXT
expect_match() { if printf '%s' "$3" | grep -Eq "$2"; then pass "$1"; else fail "$1: '$3' does not match /$2/"; fi; }
# wait_for NAME SECONDS CMD...: retries CMD until it succeeds.
wait_for() {
  local name=$1 secs=$2; shift 2
  local end=$((SECONDS + secs))
  while [ $SECONDS -lt $end ]; do "$@" >/dev/null 2>&1 && { pass "$name"; return 0; }; sleep 0.5; done
  fail "$name: not true within ${secs}s"
}

finish() {
  echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
  [ "$FAILURES" -eq 0 ]
}
