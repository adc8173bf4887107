#!/usr/bin/env bash
# Full-pipeline Mpps on one core on two device sets, same machine, same run. Only the ratios
# mean anything across machines.
#  1. net_pcap (infinite_rx) -> net_null: the pipeline, the FFM io loop, and dpdk-testpmd
#     io-forward on the same devices. net_pcap allocates and copies every frame on the
#     forwarding core, so this set charges the forwarder a NIC's DMA work.
#  2. net_ring -> net_ring (RingThroughput): a feeder thread on the other CPU keeps the rx ring
#     full and recycles the forwarded frames; the pipeline alternated with testpmd's io engine
#     in C (ring_feeder.c, built here) on the same ports and feeder, ROUNDS slices each.
#  3. DPDK l3fwd (l3fwd.sh): Ocelot routing alone vs l3fwd --lookup=lpm and the full pipeline vs
#     l3fwd --lookup=acl on the pcap -> null devices, L3FWD_ROUNDS alternating rounds of
#     L3FWD_SECONDS each, medians.
#   bench/fastpath/run.sh [SECONDS] [FLOWS] [ROUTES] [RULES] [ROUNDS] [INFLIGHT]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-5}
FLOWS=${2:-1024}
ROUTES=${3:-100000}
RULES=${4:-100}
ROUNDS=${5:-9}
INFLIGHT=${6:-8192}
RING_SLICE=${RING_SLICE:-1}
L3FWD_ROUNDS=${L3FWD_ROUNDS:-5}
L3FWD_SECONDS=${L3FWD_SECONDS:-3}
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-fastpath-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Compile just this benchmark against fastpath's classpath: independent of the other
# benchmarks in bench/ (and of whether they compile right now).
mvn -q -B -o -pl fastpath install -DskipTests
mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
# a private copy: other engineers' builds rewrite fastpath/target/classes while this runs
cp -r fastpath/target/classes "$work/fastpath-classes"
cp="$work/fastpath-classes:$(cat "$work/cp.txt")"
javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$work/classes" bench/src/main/java/ocelot/bench/fastpath/*.java
gcc -O3 -march=native -Wall -shared -fPIC -o "$work/libfp_ring.so" bench/fastpath/ring_feeder.c \
  $(pkg-config --cflags --libs libdpdk) -lrte_net_ring
PMD=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort | tail -1)

echo "machine: $(lscpu | grep 'Model name' | sed 's/.*: *//')"
echo "== ocelot (Java FFM, one core, invoker mode): $FLOWS flows, $ROUTES /26 routes, $RULES rules per direction"
java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx2g \
  -Docelot.native.lib="$PWD/native/target/native/libocelot_dpdk.so" \
  -cp "$work/classes:$cp" ocelot.bench.fastpath.PipelineThroughput "$work/flows.pcap" "$SECONDS_RUN" "$FLOWS" "$ROUTES" "$RULES" \
  2>&1 | grep -E '^(ocelot-|counters)' | tee "$work/ocelot.txt"

echo "== dpdk-testpmd io-forward (C, one forwarding lcore) on the same pcap -> net_null"
# Like the Java side, the rate is packets per second of the forwarding thread's CPU time (the
# machine is shared): total RX of port 0 divided by utime+stime of testpmd's worker lcore thread.
dpdk-testpmd --no-huge -m 1024 --no-pci --file-prefix=ocelot-bench-tp$$ -d "$PMD" \
  --vdev="net_pcap0,rx_pcap=$work/flows.pcap,infinite_rx=1" --vdev=net_null0,no-rx=1 -l 0-1 --log-level=lib.eal:error -- \
  --total-num-mbufs=16384 --forward-mode=io --stats-period 1 > "$work/testpmd.txt" 2>&1 &
tp=$!
sleep $((SECONDS_RUN + 4))
ticks=0
for t in /proc/$tp/task/*; do
  if grep -qE 'rte-worker|lcore-worker' "$t/comm" 2>/dev/null; then
    ticks=$(awk '{print $14 + $15}' "$t/stat")
  fi
done
kill -INT $tp; wait $tp || true
hz=$(getconf CLK_TCK)
rx=$(grep -E 'RX-packets:' "$work/testpmd.txt" | tail -1 | awk '{print $2}')
wall_pps=$(grep 'Rx-pps:' "$work/testpmd.txt" | awk '$2>0 {print $2}' | sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else print a[int((NR+1)/2)]}')
testpmd_mpps=$(awk -v r="${rx:-0}" -v t="$ticks" -v hz="$hz" 'BEGIN { if (t > 0) printf "%.2f", r / (t / hz) / 1e6; else print 0 }')
echo "testpmd-io-forward-mpps $testpmd_mpps (cpu time; wall-clock median Rx-pps $(awk -v p="$wall_pps" 'BEGIN {printf "%.2f", p/1e6}'))"
pipeline=$(awk '/ocelot-pipeline-mpps/ {print $2}' "$work/ocelot.txt")
awk -v a="$pipeline" -v b="$testpmd_mpps" 'BEGIN { if (b > 0) printf "ocelot-pipeline-vs-testpmd-io-ratio %.3f\n", a/b }'

echo "== net_ring ports, feeder thread on the other CPU ($INFLIGHT frames in flight): pipeline vs testpmd's io engine (C), alternating, $ROUNDS rounds of ${RING_SLICE}s"
java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx2g \
  -Docelot.native.lib="$PWD/native/target/native/libocelot_dpdk.so" \
  -cp "$work/classes:$cp" ocelot.bench.fastpath.RingThroughput "$work/libfp_ring.so" "$ROUNDS" "$RING_SLICE" "$FLOWS" "$ROUTES" "$RULES" "$INFLIGHT" \
  2>&1 | grep -E '^(ring-|round|counters)|Exception|at ' | tee "$work/ring.txt"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"

FP_BENCH_WORK="$work" bench/fastpath/l3fwd.sh "$L3FWD_SECONDS" "$FLOWS" "$ROUTES" "$RULES" "$L3FWD_ROUNDS" | tee "$work/l3fwd.txt"
echo "== all ratios"
cat "$work/ocelot.txt" "$work/ring.txt" "$work/l3fwd.txt" | grep -E 'ratio' || true
echo "ocelot-pipeline-vs-testpmd-io-ratio $(awk -v a="$pipeline" -v b="$testpmd_mpps" 'BEGIN { if (b > 0) printf "%.3f", a/b }')"
