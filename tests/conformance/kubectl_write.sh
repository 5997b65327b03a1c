#!/usr/bin/env bash
# Real kubectl changes the simulated estate: annotate, the three patch types, scale, rollout restart,
# status, history and undo, auth can-i for both users, and the viewer's writes refused.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_sim
NS=microservices
canary_ing=$(k get ing -n $NS -o jsonpath='{range .items[?(@.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary=="true")]}{.metadata.name}{"\n"}{end}' | grep productservice | head -1)
[ -n "$canary_ing" ] && pass "found the productservice canary ingress ($canary_ing)" || fail "no productservice canary ingress"

# Canary weight, as an SRE shifts it by hand.
check "annotate canary-weight=50 --overwrite" k annotate ingress "$canary_ing" -n $NS nginx.ingress.kubernetes.io/canary-weight=50 --overwrite
expect_eq "canary weight reads back 50" 50 "$(k get ing "$canary_ing" -n $NS -o jsonpath='{.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary-weight}')"
check_fails "canary-weight abc is Invalid (422)" 'Invalid|invalid|422' k annotate ingress "$canary_ing" -n $NS nginx.ingress.kubernetes.io/canary-weight=abc --overwrite
expect_eq "an invalid weight changed nothing" 50 "$(k get ing "$canary_ing" -n $NS -o jsonpath='{.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary-weight}')"

# The three patch types.
check "merge patch" k patch deploy productservice-canary -n $NS --type merge -p '{"metadata":{"labels":{"team":"catalog"}}}'
expect_eq "merge patch applied" catalog "$(k get deploy productservice-canary -n $NS -o jsonpath='{.metadata.labels.team}')"
check "json patch" k patch deploy productservice-canary -n $NS --type json -p '[{"op":"replace","path":"/metadata/labels/team","value":"shop"}]'
expect_eq "json patch applied" shop "$(k get deploy productservice-canary -n $NS -o jsonpath='{.metadata.labels.team}')"
container=$(k get deploy productservice-canary -n $NS -o jsonpath='{.spec.template.spec.containers[0].name}')
check "strategic merge patch of one container's env" k patch deploy productservice-canary -n $NS --type strategic \
  -p "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"$container\",\"env\":[{\"name\":\"FEATURE_X\",\"value\":\"on\"}]}]}}}}"
expect_match "strategic patch merged env by name, image kept" "FEATURE_X=on .*:" "$(k get deploy productservice-canary -n $NS -o jsonpath='{range .spec.template.spec.containers[0].env[*]}{.name}={.value} {end}{.spec.template.spec.containers[0].image}')"
check_fails "bad json patch is rejected" 'Error|error|invalid|Invalid' k patch deploy productservice-canary -n $NS --type json -p '[{"op":"replace","path":"/no/such/path","value":1}]'

# Scale, and the controllers follow.
check "scale orderservice-canary to 3" k scale deploy orderservice-canary -n $NS --replicas=3
expect_eq "spec.replicas is 3" 3 "$(k get deploy orderservice-canary -n $NS -o jsonpath='{.spec.replicas}')"
wait_for "three canary pods become ready" 60 bash -c "[ \"\$($KUBECTL --cache-dir $WORK/cache get deploy orderservice-canary -n $NS -o jsonpath='{.status.readyReplicas}')\" = 3 ]"

# Rollouts: restart, status, history, undo.
rev_before=$(k get deploy productservice-stable -n $NS -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
image_before=$(k get deploy productservice-stable -n $NS -o jsonpath='{.spec.template.spec.containers[0].image}')
check "rollout restart" k rollout restart deploy/productservice-stable -n $NS
check "rollout status completes" k rollout status deploy/productservice-stable -n $NS --timeout=90s
rev_after=$(k get deploy productservice-stable -n $NS -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')
[ "$rev_after" -gt "$rev_before" ] && pass "restart made a new revision ($rev_before -> $rev_after)" || fail "revision did not grow ($rev_before -> $rev_after)"
check "rollout history" k rollout history deploy/productservice-stable -n $NS
expect_match "history lists revisions" "REVISION" "$(k rollout history deploy/productservice-stable -n $NS 2>/dev/null)"

old_rev=$(k rollout history deploy/productservice-stable -n $NS 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -n | head -1)
old_image=$(k rollout history deploy/productservice-stable -n $NS --revision="$old_rev" 2>/dev/null | awk '/Image:/ {print $2; exit}')
check "rollout undo --to-revision=$old_rev" k rollout undo deploy/productservice-stable -n $NS --to-revision="$old_rev"
expect_eq "template restored to revision $old_rev's image" "$old_image" "$(k get deploy productservice-stable -n $NS -o jsonpath='{.spec.template.spec.containers[0].image}')"
[ "$old_image" != "$image_before" ] && pass "the old revision had another image ($old_image)" || fail "old revision image equals the current one: undo proved nothing"
check "rollout status after undo" k rollout status deploy/productservice-stable -n $NS --timeout=90s
new_max=$(k rollout history deploy/productservice-stable -n $NS 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $1}' | sort -n | tail -1)
[ "$new_max" -gt "$rev_after" ] && pass "undo reused the old ReplicaSet as revision $new_max" || fail "undo revision $new_max not above $rev_after"
check "plain rollout undo" k rollout undo deploy/productservice-stable -n $NS
check_fails "undo to a missing revision" 'unable to find|not found|revision' k rollout undo deploy/productservice-stable -n $NS --to-revision=999

# The per-service connection-string Secret (the restore runbook repoints it): get, decode, both patch types.
expect_eq "productservice-db is Opaque" Opaque "$(k get secret productservice-db -n $NS -o jsonpath='{.type}')"
cs=$(k get secret productservice-db -n $NS -o jsonpath='{.data.connectionString}' | base64 -d)
expect_match "productservice-db names the SQL server and ProductDb" \
  '^Server=tcp:opsdeck-sql\.database\.windows\.net,1433;Initial Catalog=ProductDb;' "$cs"
expect_eq "its database key says ProductDb" ProductDb "$(k get secret productservice-db -n $NS -o jsonpath='{.data.database}' | base64 -d)"
restored=$(printf '%s' "$cs" | sed 's/Initial Catalog=ProductDb;/Initial Catalog=ProductDb-restored-202611260900;/')
check "merge patch of the Secret's data" k patch secret productservice-db -n $NS --type merge \
  -p "{\"data\":{\"connectionString\":\"$(printf '%s' "$restored" | base64 -w0)\",\"database\":\"$(printf 'ProductDb-restored-202611260900' | base64 -w0)\"}}"
expect_eq "the patched connection string reads back" "$restored" "$(k get secret productservice-db -n $NS -o jsonpath='{.data.connectionString}' | base64 -d)"
check "strategic patch of the Secret (kubectl's default) puts it back" k patch secret productservice-db -n $NS \
  -p "{\"data\":{\"connectionString\":\"$(printf '%s' "$cs" | base64 -w0)\",\"database\":\"$(printf 'ProductDb' | base64 -w0)\"}}"
expect_eq "the original connection string is back" "$cs" "$(k get secret productservice-db -n $NS -o jsonpath='{.data.connectionString}' | base64 -d)"
check "stringData patch (write-only: the server encodes it into data)" k patch secret productservice-db -n $NS --type merge \
  -p '{"stringData":{"probe":"hello"}}'
expect_eq "stringData landed in data" hello "$(k get secret productservice-db -n $NS -o jsonpath='{.data.probe}' | base64 -d)"
expect_eq "no stringData is stored" "" "$(k get secret productservice-db -n $NS -o jsonpath='{.stringData}')"
check_fails "plain text in data is refused like the API server does" 'illegal base64' \
  k patch secret productservice-db -n $NS --type merge -p '{"data":{"probe":"not base64!"}}'
check "json patch removes a key" k patch secret productservice-db -n $NS --type json -p '[{"op":"remove","path":"/data/probe"}]'
expect_match "kubectl get secrets lists the three -db Secrets" 'notificationservice-db.*orderservice-db.*productservice-db' \
  "$(k get secrets -n $NS --no-headers 2>/dev/null | awk '{print $1}' | sort | tr '\n' ' ')"

# Who may do what.
expect_eq "admin can patch ingresses" yes "$(k auth can-i patch ingresses -n $NS 2>/dev/null || true)"
expect_eq "viewer can list pods" yes "$(k --context opsdeck-sim-viewer auth can-i list pods -n $NS 2>/dev/null || true)"
expect_eq "viewer cannot patch ingresses" no "$(k --context opsdeck-sim-viewer auth can-i patch ingresses -n $NS 2>/dev/null || true)"
check_fails "viewer's annotate is Forbidden" 'Forbidden|forbidden' k --context opsdeck-sim-viewer annotate ingress "$canary_ing" -n $NS nginx.ingress.kubernetes.io/canary-weight=0 --overwrite
check_fails "viewer's scale is Forbidden" 'Forbidden|forbidden' k --context opsdeck-sim-viewer scale deploy orderservice-canary -n $NS --replicas=1
check_fails "a wrong token is Unauthorized" 'Unauthorized|provide credentials|must be logged in' k --token not-a-token get pods -n $NS
finish
