# Shell helpers shared by the bench/ scripts (sourced, not run).
# bench_build_dir [DIR]: prints DIR or the first build with an opsdeck-sim (release, dev, ci).
bench_build_dir() {
  local root b
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  for b in "$root/build/release" "$root/build/dev" "$root/build/ci"; do
    [ -x "$b/bin/opsdeck-sim" ] && { echo "$b"; return; }
  done
  echo "$root/build/release"
}

# bench_start_sim NAME SIM SCENARIO WORKDIR: starts opsdeck-sim on a free loopback port writing
# WORKDIR/kubeconfig; sets bench_sim_pid and bench_sim_url, exports KUBECONFIG. Exits 1 if not ready in 60 s.
bench_start_sim() {
  local name=$1 sim=$2 scenario=$3 work=$4
  "$sim" --scenario "$scenario" --listen 127.0.0.1:0 --write-kubeconfig "$work/kubeconfig" \
    >"$work/ready" 2>"$work/sim.log" &
  bench_sim_pid=$!
  for _ in $(seq 1 600); do grep -q "ready" "$work/ready" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$work/ready" || { echo "$name: sim did not become ready" >&2; cat "$work/sim.log" >&2; exit 1; }
  bench_sim_url=$(sed -n 's/.*url=\([^ ]*\).*/\1/p' "$work/ready")
  export KUBECONFIG="$work/kubeconfig"
}

# bench_stop_sim: stops the sim bench_start_sim started (for EXIT traps).
bench_stop_sim() {
  if [ -n "${bench_sim_pid:-}" ]; then
    kill "$bench_sim_pid" 2>/dev/null || true
    wait "$bench_sim_pid" 2>/dev/null || true
  fi
}

# median of the numbers on stdin (one a line)
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# bench_ratio A B: A / B with three decimals (0 when B is 0)
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
