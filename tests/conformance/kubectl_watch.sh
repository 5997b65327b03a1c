#!/usr/bin/env bash
# `kubectl get pods -w` receives a change made while it watches.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_sim
NS=microservices
k get pods -n $NS -w -l app=notificationservice,version=canary >"$WORK/watch.out" 2>"$WORK/watch.err" &
watcher=$!
sleep 3
check "scale notificationservice-canary to 4" k scale deploy notificationservice-canary -n $NS --replicas=4
for _ in $(seq 1 60); do
  grep -q Running "$WORK/watch.out" && [ "$(grep -c notificationservice-canary "$WORK/watch.out")" -gt 4 ] && break
  sleep 0.5
done
kill $watcher 2>/dev/null; wait $watcher 2>/dev/null || true
lines=$(grep -c notificationservice-canary "$WORK/watch.out" || true)
[ "$lines" -gt 4 ] && pass "the watch printed the new pods ($lines lines)" || { fail "the watch saw no change ($lines lines)"; cat "$WORK/watch.err" >&2; }
expect_match "the watch shows pods starting" "Pending|ContainerCreating|Running" "$(cat "$WORK/watch.out")"
finish
