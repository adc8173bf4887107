#!/usr/bin/env bash
# Rate against flow count, Ocelot and DPDK l3fwd in one run (issue 24): for each profile
# FLOWS:CAPACITY, l3fwd.sh's side-by-side (net_pcap infinite_rx -> net_null, the same 64-byte
# UDP frames for both sides, ROUNDS alternating rounds of SECONDS), then one table:
#   Ocelot full / l3fwd-acl, Ocelot routing (every flow tracked) and stateless / l3fwd-lpm, the
#   share of packets that created a flow.
# A profile whose CAPACITY is below FLOWS replays more flows than the table holds: every packet
# is a new flow (classified both ways, routed, inserted) and evicts one (the every-packet-new
# profile). CAPACITY "-" = twice the flows (a power of two).
#   bench/fastpath/flows.sh [SECONDS] [ROUNDS] [PROFILES...]
#   default profiles: 1024:- 65536:- 1048576:- 65536:16384
# Environment: HUGE=1 runs both sides on 2 MiB hugepages, reserved here for the run and given
# back after (nr_hugepages; the JVM heap on transparent hugepages); default --no-huge.
# DATA_ROOM (default DPDK's 2176, what MTU-size frames need; both sides. With it 4M flows need
# ~10 GB of mbufs per side: DATA_ROOM=384 fits 64-byte frames in a quarter, but makes the pools
# cache-friendly enough that l3fwd-lpm ran 74 Mpps at 1,024 flows), UDP_TIMEOUT (default 3600 s: the flows must not time out while the JVM
# idles during l3fwd's rounds), ROUTES (100000), RULES (100), WARMUP (seconds per pipeline, 15;
# and until each flow came round three times), MAX_LOAD (wait for a lower load, see below).
# Takes the shared benchmark lock (/tmp/ocelot-bench.lock) for the whole run.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-2}
ROUNDS=${2:-3}
shift 2 || shift $#
PROFILES=("$@")
[ ${#PROFILES[@]} -gt 0 ] || PROFILES=(1024:- 65536:- 1048576:- 65536:16384)
export DATA_ROOM=${DATA_ROOM:-2176} UDP_TIMEOUT=${UDP_TIMEOUT:-3600} WARMUP=${WARMUP:-15} HUGE=${HUGE:-0}
ROUTES=${ROUTES:-100000}
RULES=${RULES:-100}
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-flows-bench.XXXXXX)
pages_before=""
mounted_here=""
cleanup() {
  if [ -n "$mounted_here" ]; then umount /dev/hugepages || true; fi
  if [ -n "$pages_before" ]; then echo "$pages_before" > /proc/sys/vm/nr_hugepages; fi
  rm -rf "$work"
}
trap cleanup EXIT
for p in "${PROFILES[@]}"; do
  [[ "$p" =~ ^[0-9]+:([0-9]+|-)$ ]] || { echo "bad profile '$p': want FLOWS:CAPACITY (CAPACITY a power of two or -)" >&2; exit 2; }
done

# compiled once for every profile (l3fwd.sh reuses it through FP_BENCH_WORK)
mvn -q -B -o -pl fastpath install -DskipTests
mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp -r fastpath/target/classes "$work/fastpath-classes"
javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$work/fastpath-classes:$(cat "$work/cp.txt")" -d "$work/classes" \
  bench/src/main/java/ocelot/bench/fastpath/*.java

L3FWD_BUILD_ONLY=1 FP_BENCH_WORK="$work" bench/fastpath/l3fwd.sh

exec 9>/tmp/ocelot-bench.lock
flock 9
echo "flows.sh: lock taken $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
# MAX_LOAD: wait (holding the lock, up to MAX_LOAD_WAIT seconds, default 300) for the 1-minute
# load average to fall below it, so the figures are taken on a quiet machine
if [ -n "${MAX_LOAD:-}" ]; then
  for _ in $(seq 1 $(( ${MAX_LOAD_WAIT:-300} / 5 ))); do
    awk -v m="$MAX_LOAD" '{ exit !($1 < m) }' /proc/loadavg && break
    sleep 5
  done
  echo "flows.sh: starting at load $(cut -d' ' -f1-3 /proc/loadavg) (MAX_LOAD $MAX_LOAD)"
fi

if [ "$HUGE" = 1 ]; then
  # both processes live at once: the JVM's pool and l3fwd's, each sized to the largest pcap
  max=0; for p in "${PROFILES[@]}"; do f=${p%%:*}; [ "$f" -gt "$max" ] && max=$f; done
  mb=$(awk -v m="$((max + 8192))" -v d="$DATA_ROOM" 'BEGIN { x = int(m * (d + 256) / 1048576) + 512; if (x < 1024) x = 1024; print x }')
  pages_before=$(cat /proc/sys/vm/nr_hugepages)
  want=$((pages_before + 2 * mb / 2 + 64))
  echo "$want" > /proc/sys/vm/nr_hugepages
  got=$(cat /proc/sys/vm/nr_hugepages)
  [ "$got" -ge "$want" ] || { echo "reserved only $got of $want 2 MiB hugepages" >&2; exit 1; }
  if ! mountpoint -q /dev/hugepages; then
    mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages && mounted_here=1
  fi
fi

printf '%s\n' "| flows (conntrack capacity) | Ocelot full / l3fwd-acl Mpps | ratio | Ocelot routing / l3fwd-lpm Mpps | ratio | Ocelot stateless / l3fwd-lpm Mpps | ratio | packets that created a flow (full) | load |" > "$work/table.md"
printf '%s\n' "|---|---|---|---|---|---|---|---|---|" >> "$work/table.md"
for p in "${PROFILES[@]}"; do
  flows=${p%%:*}; cap=${p#*:}
  if [ "$cap" = - ]; then unset CT_CAPACITY; else export CT_CAPACITY=$cap; fi
  echo "== profile $flows flows, capacity $cap, $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
  checks=$([ "$p" = "${PROFILES[0]}" ] && echo 1 || echo 0) # l3fwd's forward/deny checks on the first profile
  L3FWD_CHECKS=$checks FP_BENCH_WORK="$work" bench/fastpath/l3fwd.sh "$SECONDS_RUN" "$flows" "$ROUTES" "$RULES" "$ROUNDS" | tee "$work/run.txt"
  v() { awk -v k="$1" '$1 == k {print $2}' "$work/run.txt"; }
  capacity=$(awk '/^== l3fwd/ { for (i = 1; i <= NF; i++) if ($i == "capacity") { c = $(i + 1); sub(",", "", c); print c } }' "$work/run.txt")
  share=$(grep '^round ' "$work/run.txt" | awk '{ for (i = 1; i <= NF; i++) if ($i == "full" && $(i - 1) ~ /^[0-9.]+$/) print $(i + 1) }' \
    | sort -g | awk '{ a[NR] = $1 } END { printf "%.1f %%", 100 * a[int((NR + 1) / 2)] }')
  loads=$(grep '^round ' "$work/run.txt" | awk '{print $NF}' | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}')
  printf '| %s (%s) | %s / %s | **%s×** | %s / %s | %s× | %s / %s | %s× | %s | %s |\n' "$flows" "$capacity" \
    "$(v ocelot-full-mpps)" "$(v l3fwd-acl-mpps)" "$(v ocelot-full-vs-l3fwd-acl-ratio)" \
    "$(v ocelot-routing-mpps)" "$(v l3fwd-lpm-mpps)" "$(v ocelot-routing-vs-l3fwd-lpm-ratio)" \
    "$(v ocelot-stateless-mpps)" "$(v l3fwd-lpm-mpps)" "$(v ocelot-stateless-vs-l3fwd-lpm-ratio)" "$share" "$loads" >> "$work/table.md"
done
echo "== rate against flow count ($(date -u +%Y-%m-%d\ %H:%M) UTC, $(git rev-parse --short HEAD), $([ "$HUGE" = 1 ] && echo "2 MiB hugepages" || echo "--no-huge"), data room $DATA_ROOM, UDP timeout ${UDP_TIMEOUT}s, medians of $ROUNDS rounds of ${SECONDS_RUN}s; Mpps per CPU-second of the forwarding thread)"
cat "$work/table.md"
