#!/usr/bin/env bash
# The stateless routing path against DPDK's l3fwd --lookup=lpm by route count (issue 19): for
# each ROUTES, l3fwd.sh with LPM_ONLY=1 on the same net_pcap -> net_null devices and the same
# 64-byte UDP frames (ep1 -> ep2, a /32 among ROUTES /26s), ROUNDS alternating rounds of
# SECONDS: l3fwd-lpm, then one slice of each Ocelot pipeline in a warm JVM (routing tracking
# every flow; the stateless path: no policy, NAT or tunnel, so no conntrack). Then one table.
#   bench/fastpath/stateless.sh [SECONDS] [ROUNDS] [ROUTES...]    (default 3 5 10000 100000 1000000)
# Environment: FAMILIES ("4 6": IPv4, then l3fwd's IPv6 LPM mode with IPv6 frames and ROUTES
# /64s, l3fwd.sh's IPV6=1), FLOWS (1024), WARMUP (seconds per pipeline, 10), MAX_LOAD (wait, holding the
# lock, up to 300 s for a lower 1-minute load). Takes the benchmark lock for the whole run.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-3}
ROUNDS=${2:-5}
shift 2 || shift $#
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(10000 100000 1000000)
for r in "${COUNTS[@]}"; do [[ "$r" =~ ^[0-9]+$ ]] && [ "$r" -le 1040000 ] || { echo "bad route count '$r': want 0..1040000" >&2; exit 2; }; done
FLOWS=${FLOWS:-1024}
export WARMUP=${WARMUP:-10} LPM_ONLY=1
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-stateless-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# compiled once for every route count (l3fwd.sh reuses it through FP_BENCH_WORK)
mvn -q -B -o -pl fastpath install -DskipTests
mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp -r fastpath/target/classes "$work/fastpath-classes"
javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$work/fastpath-classes:$(cat "$work/cp.txt")" -d "$work/classes" \
  bench/src/main/java/ocelot/bench/fastpath/*.java
L3FWD_BUILD_ONLY=1 FP_BENCH_WORK="$work" bench/fastpath/l3fwd.sh

exec 9>/tmp/ocelot-bench.lock
flock 9
echo "stateless.sh: lock taken $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${MAX_LOAD:-}" ]; then
  for _ in $(seq 1 60); do awk -v m="$MAX_LOAD" '{ exit !($1 < m) }' /proc/loadavg && break; sleep 5; done
fi

FAMILIES=${FAMILIES:-4 6}
printf '%s\n' "| IP | routes | Ocelot stateless / l3fwd-lpm Mpps | ratio | Ocelot routing with conntrack / l3fwd-lpm Mpps | ratio | load |" > "$work/table.md"
printf '%s\n' "|---|---|---|---|---|---|---|" >> "$work/table.md"
for family in $FAMILIES; do
for routes in "${COUNTS[@]}"; do
  export IPV6=$([ "$family" = 6 ] && echo 1 || echo 0)
  echo "== IPv$family, $routes routes, $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
  checks=$([ "$routes" = "${COUNTS[0]}" ] && echo 1 || echo 0) # l3fwd's forwarding check on the first count
  L3FWD_CHECKS=$checks FP_BENCH_WORK="$work" bench/fastpath/l3fwd.sh "$SECONDS_RUN" "$FLOWS" "$routes" 2 "$ROUNDS" | tee "$work/run.txt"
  v() { awk -v k="$1" '$1 == k {print $2}' "$work/run.txt"; }
  loads=$(grep '^round ' "$work/run.txt" | awk '{print $NF}' | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}')
  printf '| IPv%s | %s | %s / %s | **%s×** | %s / %s | %s× | %s |\n' "$family" "$routes" \
    "$(v ocelot-stateless-mpps)" "$(v l3fwd-lpm-mpps)" "$(v ocelot-stateless-vs-l3fwd-lpm-ratio)" \
    "$(v ocelot-routing-mpps)" "$(v l3fwd-lpm-mpps)" "$(v ocelot-routing-vs-l3fwd-lpm-ratio)" "$loads" >> "$work/table.md"
done
done
echo "== stateless path vs l3fwd-lpm by route count (IPv6: l3fwd's IPv6 LPM mode, IPv6 frames, /64 routes; $(date -u +%Y-%m-%d\ %H:%M) UTC, $(git rev-parse --short HEAD), $FLOWS flows, medians of $ROUNDS rounds of ${SECONDS_RUN}s; Mpps per CPU-second of the forwarding thread; $(lscpu | grep 'Model name' | sed 's/.*: *//'))"
cat "$work/table.md"
