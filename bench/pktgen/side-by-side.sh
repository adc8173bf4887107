#!/usr/bin/env bash
# pktgen (Java on DPDK, ocelot.bench.pktgen.Pktgen) against dpdk-testpmd's own generator and sink
# on the same memif ports, in one run; then pktgen through testpmd's io loop and through an Ocelot
# fastpath (ocelot.bench.pktgen.FastpathDut), each its own process with its own EAL file prefix.
#
#   bench/pktgen/side-by-side.sh [SECONDS] [SIZES] [FLOWS] [ROUTES] [RULES]
#     SECONDS  per measurement (default 5); SIZES comma-separated frame sizes (default 64,128,256,512,1024,1518)
#     FLOWS    pktgen's 5-tuples (default 1024); ROUTES, RULES the fastpath's /26 routes and ingress rules (100000, 100)
#   SEARCH=0.001   also an RFC 2544 zero-loss search (loss tolerance as a fraction) through the fastpath at 64 bytes
#   OUT=DIR        keep the CDF files there (default: a temporary folder)
#
# Steps, one line each in the output:
#   tx:  testpmd rxonly (memif server) counts what arrives; the sender is first testpmd txonly,
#        then pktgen --mode tx (a fresh sink for each, same socket and settings): both senders'
#        Mpps as the sink saw them (its Rx-pps median) and per sender CPU-second.
#   rx:  testpmd txonly (memif server) sends; the receiver is first testpmd rxonly, then pktgen
#        --mode rx (a fresh source for each): the Mpps each received.
#   io:  pktgen --mode loop through testpmd io-forward (port 0 -> 1): offered, delivered, loss, latency.
#   fastpath: the same through FastpathDut (full pipeline) at every frame size: offered,
#        delivered, loss and latency per size; the 64-byte CDF is written to OUT/latency-fastpath.cdf.
# Rates are wall-clock Mpps: both sides busy-poll, so on a shared 2-core machine the load
# average matters more than anywhere else; it is printed with each step.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-5}
SIZES=${2:-64,128,256,512,1024,1518}
FLOWS=${3:-1024}
ROUTES=${4:-100000}
RULES=${5:-100}
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-pktgen-bench.XXXXXX)
OUT=${OUT:-$work}
mkdir -p "$OUT"
pids=()
prefixes=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null || true; done
  for p in "${prefixes[@]}"; do rm -rf "/var/run/dpdk/$p"; done
  rm -rf "$work"
}
trap cleanup EXIT

mvn -q -B -o -pl bench -am install -DskipTests -Docelot.fuzz.skip=true >/dev/null 2>&1 \
  || mvn -q -B -pl bench -am install -DskipTests -Docelot.fuzz.skip=true >&2
cp bench/target/benchmarks.jar "$work/pktgen.jar" # a private copy: other builds rewrite bench/target
PMD=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort | tail -1)
java_cmd=(java --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx1g
  -Docelot.native.lib="$PWD/native/target/native/libocelot_dpdk.so" -cp "$work/pktgen.jar")
java_run() { "${java_cmd[@]}" "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# testpmd on the memif server side: MODE NAME SOCKETS...; its pid in $server. Forwarding lcore 1.
testpmd_server() {
  local mode=$1 name=$2; shift 2
  local vdevs=() i=0
  for s in "$@"; do vdevs+=("--vdev=net_memif$i,role=server,id=0,socket=$s"); i=$((i + 1)); done
  local prefix="ocelot-tp-$name-$$"
  prefixes+=("$prefix")
  dpdk-testpmd --no-huge -m 512 --no-pci --file-prefix="$prefix" -l 0-1 -d "$PMD" "${vdevs[@]}" --log-level=lib.eal:error -- \
    --total-num-mbufs=16384 --forward-mode="$mode" --stats-period=1 --no-mlockall < /dev/null > "$work/$name.txt" 2>&1 &
  server=$!
  pids+=("$server")
}
# testpmd as the memif client for SECONDS, forwarding lcore 0 (the server's is 1); sets $client_pkts
# (its accumulated TX- or RX-packets, by $3) and $client_cpu (its forwarding thread's CPU seconds)
testpmd_client() {
  local mode=$1 name=$2 which=$3 socket=$4
  local prefix="ocelot-tpc-$name-$$"
  prefixes+=("$prefix")
  dpdk-testpmd --no-huge -m 512 --no-pci --file-prefix="$prefix" -l 0-1 --main-lcore=1 -d "$PMD" \
    "--vdev=net_memif0,role=client,id=0,socket=$socket" --log-level=lib.eal:error -- \
    --total-num-mbufs=16384 --forward-mode="$mode" --stats-period=1 --no-mlockall < /dev/null > "$work/$name.txt" 2>&1 &
  local pid=$!
  sleep $((SECONDS_RUN + 2))
  local ticks=0
  for t in /proc/$pid/task/*; do
    if grep -qE 'rte-worker|lcore-worker' "$t/comm" 2>/dev/null; then ticks=$(awk '{print $14 + $15}' "$t/stat"); fi
  done
  stop "$pid"
  rm -rf "/var/run/dpdk/$prefix"
  client_pkts=$(grep -A3 'Accumulated forward statistics' "$work/$name.txt" | sed -n "s/.*$which-packets: *\([0-9]*\).*/\1/p" | head -1)
  client_cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", t / hz}')
}
per_cpu() { awk -v p="${1:-0}" -v c="${2:-0}" 'BEGIN {printf "%.4f", (c > 0) ? p / c / 1e6 : 0}'; }
ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN {printf "%.3f", (b > 0) ? a / b : 0}'; }
# median of the non-zero per-second "Rx-pps" (or Tx-pps) lines of a testpmd log, in Mpps
median_pps() {
  grep "$2-pps:" "$1" | awk '$2 > 0 {print $2}' | sort -n \
    | awk '{a[NR] = $1} END {if (NR == 0) print "0.0000"; else printf "%.4f\n", a[int((NR + 1) / 2)] / 1e6}'
}
stop() { kill -TERM "$1" 2>/dev/null || true; timeout 10 tail --pid="$1" -f /dev/null || kill -KILL "$1" 2>/dev/null || true; }
field() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
first_size=${SIZES%%,*}

# --- tx: one sink configuration, two senders (a fresh sink process on the same socket for each:
# a memif server re-accepting a client after another has left is not reliable) -------------------
sink_median() { awk '/Rx-pps:/ && $2 > 0 {print $2}' "$work/$1.txt" | sort -n \
  | awk '{a[NR] = $1} END {if (NR == 0) print "0.0000"; else printf "%.4f\n", a[int((NR + 1) / 2)] / 1e6}'; }
testpmd_server rxonly sink1 "$work/tx.sock"; sink=$server
sleep 2
testpmd_client txonly txonly TX "$work/tx.sock"
ref_tx_cpu=$(per_cpu "$client_pkts" "$client_cpu")
stop "$sink"
ref_tx=$(sink_median sink1)
testpmd_server rxonly sink2 "$work/tx.sock"; sink=$server
sleep 2
java_run ocelot.bench.pktgen.Pktgen --vdev "net_memif0,role=client,id=0,socket=$work/tx.sock" --mode tx --lcore 0 \
  --size "$first_size" --flows "$FLOWS" --duration "$SECONDS_RUN" --warmup 1 > "$work/pktgen-tx.txt"
stop "$sink"
gen_tx=$(sink_median sink2)
line=$(grep '^pktgen mode=tx' "$work/pktgen-tx.txt")
gen_tx_cpu=$(per_cpu "$(field sent <<< "$line")" "$(field cpu_s <<< "$line")")
echo "step tx: at the same testpmd rxonly sink, wall Mpps: testpmd-txonly ${ref_tx}, pktgen ${gen_tx} (ratio $(ratio "$gen_tx" "$ref_tx"));" \
  "sent per sender CPU-second: testpmd-txonly ${ref_tx_cpu}, pktgen ${gen_tx_cpu} (ratio $(ratio "$gen_tx_cpu" "$ref_tx_cpu")); size $first_size; load $(load)"

# --- rx: one source configuration, two receivers (a fresh source process for each) --------------
testpmd_server txonly source1 "$work/rx.sock"; src=$server
sleep 2
testpmd_client rxonly rxonly RX "$work/rx.sock"
ref_rx=$(median_pps "$work/rxonly.txt" Rx)
ref_rx_cpu=$(per_cpu "$client_pkts" "$client_cpu")
stop "$src"
testpmd_server txonly source2 "$work/rx.sock"; src=$server
sleep 2
java_run ocelot.bench.pktgen.Pktgen --vdev "net_memif0,role=client,id=0,socket=$work/rx.sock" --mode rx --lcore 0 \
  --duration "$SECONDS_RUN" --warmup 1 > "$work/pktgen-rx.txt"
stop "$src"
line=$(grep '^pktgen mode=rx' "$work/pktgen-rx.txt")
gen_rx=$(field delivered_mpps <<< "$line")
gen_rx_cpu=$(per_cpu "$(field received <<< "$line")" "$(field cpu_s <<< "$line")")
echo "step rx: from the same testpmd txonly source, wall Mpps: testpmd-rxonly ${ref_rx}, pktgen ${gen_rx} (ratio $(ratio "$gen_rx" "$ref_rx"));" \
  "received per receiver CPU-second: testpmd-rxonly ${ref_rx_cpu}, pktgen ${gen_rx_cpu} (ratio $(ratio "$gen_rx_cpu" "$ref_rx_cpu")); load $(load)"

# --- io: pktgen through testpmd io-forward ------------------------------------------------------
testpmd_server io io "$work/io0.sock" "$work/io1.sock"; io=$server
sleep 2
java_run ocelot.bench.pktgen.Pktgen --vdev "net_memif0,role=client,id=0,socket=$work/io0.sock" \
  --vdev "net_memif1,role=client,id=0,socket=$work/io1.sock" --tx-port net_memif0 --rx-port net_memif1 --lcore 0 \
  --size "$first_size" --flows "$FLOWS" --duration "$SECONDS_RUN" --warmup 1 --cdf "$OUT/latency-testpmd-io.cdf" > "$work/pktgen-io.txt"
stop "$io"
line=$(grep '^pktgen mode=loop' "$work/pktgen-io.txt")
echo "step io: through testpmd io-forward: offered $(field offered_mpps <<< "$line") Mpps, delivered $(field delivered_mpps <<< "$line") Mpps," \
  "loss $(field loss <<< "$line"), latency p50/p99/p99.9 $(field lat_p50_us <<< "$line")/$(field lat_p99_us <<< "$line")/$(field lat_p999_us <<< "$line") us; load $(load)"
echo "$line"

# --- fastpath: pktgen through an Ocelot fastpath, every frame size -------------------------------
mkdir -p "$work/dut"
"${java_cmd[@]}" ocelot.bench.pktgen.FastpathDut "$work/dut" "$ROUTES" "$RULES" $((FLOWS * 4 > 1024 ? FLOWS * 4 : 1024)) 1 > "$work/dut.txt" 2>&1 &
dut=$!; pids+=("$dut"); prefixes+=("ocelot-dut$dut")
until grep -q '^dut-ready' "$work/dut.txt"; do
  kill -0 "$dut" 2>/dev/null || { cat "$work/dut.txt" >&2; exit 1; }
  sleep 0.5
done
search=()
[ -z "${SEARCH:-}" ] || search=(--search "$SEARCH" --trial 1 --iterations 6)
java_run ocelot.bench.pktgen.Pktgen --vdev "net_memif0,role=client,id=0,socket=$work/dut/fabric.sock" \
  --vdev "net_memif1,role=client,id=0,socket=$work/dut/workload.sock" --tx-port net_memif0 --rx-port net_memif1 --lcore 0 \
  --dst-mac 02:00:00:00:00:10 --dst 10.65.0.3 --src 10.1.0.0/16 --dport 7000 \
  --size "$SIZES" --flows "$FLOWS" --duration "$SECONDS_RUN" --warmup 2 --cdf "$work/last.cdf" > "$work/pktgen-fp.txt"
if [ ${#search[@]} -gt 0 ]; then
  java_run ocelot.bench.pktgen.Pktgen --vdev "net_memif0,role=client,id=0,socket=$work/dut/fabric.sock" \
    --vdev "net_memif1,role=client,id=0,socket=$work/dut/workload.sock" --tx-port net_memif0 --rx-port net_memif1 --lcore 0 \
    --dst-mac 02:00:00:00:00:10 --dst 10.65.0.3 --src 10.1.0.0/16 --dport 7000 \
    --size "$first_size" --flows "$FLOWS" --warmup 1 "${search[@]}" > "$work/pktgen-search.txt"
fi
# latency below saturation: half the rate delivered at the first size, its CDF kept
half=$(grep '^pktgen mode=loop' "$work/pktgen-fp.txt" | head -1 | field delivered_mpps | awk '{h = $1 / 2; if (h < 0.001) h = 0.001; printf "%.4f", h}')
java_run ocelot.bench.pktgen.Pktgen --vdev "net_memif0,role=client,id=0,socket=$work/dut/fabric.sock" \
  --vdev "net_memif1,role=client,id=0,socket=$work/dut/workload.sock" --tx-port net_memif0 --rx-port net_memif1 --lcore 0 \
  --dst-mac 02:00:00:00:00:10 --dst 10.65.0.3 --src 10.1.0.0/16 --dport 7000 --rate "$half" \
  --size "$first_size" --flows "$FLOWS" --duration "$SECONDS_RUN" --warmup 1 --cdf "$OUT/latency-fastpath.cdf" > "$work/pktgen-fp-half.txt"
stop "$dut"
grep '^dut-counters' "$work/dut.txt" || true
grep '^pktgen mode=loop' "$work/pktgen-fp.txt" | while read -r line; do
  echo "step fastpath: size $(field size <<< "$line"): offered $(field offered_mpps <<< "$line") Mpps, delivered $(field delivered_mpps <<< "$line") Mpps," \
    "loss $(field loss <<< "$line"), latency p50/p99 $(field lat_p50_us <<< "$line")/$(field lat_p99_us <<< "$line") us"
  echo "$line"
done
line=$(grep '^pktgen mode=loop' "$work/pktgen-fp-half.txt")
echo "step fastpath-latency: size $first_size at $half Mpps (half the delivered rate): delivered $(field delivered_mpps <<< "$line") Mpps," \
  "loss $(field loss <<< "$line"), latency p50/p90/p99/p99.9 $(field lat_p50_us <<< "$line")/$(field lat_p90_us <<< "$line")/$(field lat_p99_us <<< "$line")/$(field lat_p999_us <<< "$line") us"
echo "$line"
grep -h '^pktgen-search\|^pktgen mode=zero-loss' "$work/pktgen-search.txt" 2>/dev/null || true
echo "load $(load)"
