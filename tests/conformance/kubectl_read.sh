#!/usr/bin/env bash
# Real kubectl reads every kind from opsdeck-sim: Table output, -o wide/json/yaml, paging, top, discovery.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_sim
NS=microservices

check "version reaches the server" k version -o json
expect_match "server version is v1.x" '"gitVersion": *"v1\.[0-9]+' "$(k version -o json 2>/dev/null)"
check "api-resources lists the served kinds" k api-resources
for r in pods services deployments replicasets horizontalpodautoscalers ingresses httproutes events secrets configmaps namespaces; do
  expect_match "api-resources knows $r" "(^| )$r( |$)" "$(k api-resources --no-headers 2>/dev/null | awk '{print $1}' | tr '\n' ' ')"
done
expect_match "short names: deploy, hpa, ing" "deploy.*|hpa|ing" "$(k api-resources --no-headers 2>/dev/null)"

for kind in pods services deployments replicasets hpa ingresses httproutes events secrets configmaps; do
  check "get $kind -o wide" k get "$kind" -n "$NS" -o wide
  check "get $kind -o json" k get "$kind" -n "$NS" -o json
  check "get $kind -o yaml" k get "$kind" -n "$NS" -o yaml
  n=$(k get "$kind" -n "$NS" -o json 2>/dev/null | grep -c '"uid"' || true)
  [ "$n" -gt 0 ] && pass "get $kind returns objects ($n)" || fail "get $kind returned no objects"
done
check "get namespaces" k get namespaces
expect_match "namespace microservices exists" "microservices" "$(k get ns -o name 2>/dev/null)"

# Table output: kubectl's usual columns come from the server's Table.
expect_match "pods table has READY STATUS RESTARTS AGE" "NAME +READY +STATUS +RESTARTS +AGE" "$(k get pods -n $NS 2>/dev/null | head -1)"
expect_match "pods wide table adds IP NODE" "IP +NODE" "$(k get pods -n $NS -o wide 2>/dev/null | head -1)"
expect_match "deployments table" "NAME +READY +UP-TO-DATE +AVAILABLE +AGE" "$(k get deploy -n $NS 2>/dev/null | head -1)"
expect_match "hpa table" "NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE" "$(k get hpa -n $NS 2>/dev/null | head -1)"
expect_match "ingress table" "NAME +CLASS +HOSTS +ADDRESS +PORTS +AGE" "$(k get ing -n $NS 2>/dev/null | head -1)"
expect_match "the six seed deployments" "productservice-stable" "$(k get deploy -n $NS -o name 2>/dev/null)"
expect_eq "six deployments" 6 "$(k get deploy -n $NS -o name 2>/dev/null | wc -l)"
expect_eq "three HPAs" 3 "$(k get hpa -n $NS -o name 2>/dev/null | wc -l)"
expect_eq "productservice canary weight 10" 10 "$(k get ing -n $NS -o jsonpath='{range .items[?(@.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary=="true")]}{.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary-weight}{" "}{.spec.rules[0].http.paths[0].backend.service.name}{"\n"}{end}' 2>/dev/null | awk '/productservice/ {print $1}')"
expect_match "an HTTPRoute with weighted backendRefs" "[0-9]+" "$(k get httproutes -n $NS -o jsonpath='{.items[0].spec.rules[0].backendRefs[1].weight}' 2>/dev/null)"

# Paging: kubectl follows continue tokens; the same objects must come back as without paging.
all=$(k get pods -n $NS -o name 2>/dev/null | sort)
paged=$(k get pods -n $NS -o name --chunk-size=2 2>/dev/null | sort)
expect_eq "--chunk-size=2 returns the same pods" "$all" "$paged"
[ "$(printf '%s\n' "$all" | wc -l)" -gt 2 ] && pass "more pods than one page" || fail "too few pods to page"
check "--chunk-size=2 -A -o wide" k get pods -A --chunk-size=2 -o wide

# Label and field selectors.
expect_match "label selector app=productservice,version=canary" "productservice-canary" "$(k get pods -n $NS -l app=productservice,version=canary -o name 2>/dev/null)"
expect_eq "label selector excludes others" "" "$(k get pods -n $NS -l 'app=productservice,version=canary' -o name 2>/dev/null | grep -v productservice-canary || true)"
expect_match "set selector version in (canary)" "canary" "$(k get pods -n $NS -l 'version in (canary)' -o name 2>/dev/null | head -1)"
expect_eq "notin selector" "" "$(k get pods -n $NS -l 'version notin (stable,canary)' -o name 2>/dev/null)"
first=$(k get pods -n $NS -o jsonpath='{.items[0].metadata.name}' 2>/dev/null)
expect_eq "field selector metadata.name" "pod/$first" "$(k get pods -n $NS --field-selector metadata.name=$first -o name 2>/dev/null)"
check "events by involvedObject.kind" k get events -n $NS --field-selector involvedObject.kind=Deployment

# Metrics API, as `kubectl top` reads it.
wait_for "top pods shows CPU and memory" 30 bash -c "$KUBECTL --cache-dir $WORK/cache top pods -n $NS --no-headers | grep -Eq '[0-9]+m +[0-9]+Mi'"

# Errors are real Status objects that kubectl can print.
check_fails "get of a missing pod is NotFound" 'NotFound|not found' k get pod no-such-pod -n $NS
finish
