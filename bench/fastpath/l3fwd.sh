#!/usr/bin/env bash
# Ocelot against DPDK's l3fwd example on the same devices (net_pcap infinite_rx -> net_null), the
# same 64-byte UDP frames (PipelineThroughput.writePcap) and the same route table:
#   routing alone:              Ocelot without endpoint policy  / l3fwd --lookup=lpm
#     (two ways: tracking every flow, and on the stateless path, which skips conntrack where no
#     policy, NAT or tunnel applies: issue 19)
#   policy + conntrack + route: Ocelot full pipeline            / l3fwd --lookup=acl (no conntrack)
# l3fwd is built from dpdk-doc's sources with the changes DESIGN.md's field notes list (LPM
# rules and tbl8 groups raised for 100k /26s; rx offloads masked by what the device can do) and
# -O3 -march=native, run on one lcore (its main thread forwards). Rounds alternate: each round runs l3fwd-lpm, l3fwd-acl, then one slice of
# each Ocelot pipeline in a JVM that stays warm between rounds (L3fwdRounds reads a line per
# round). Rates are packets per second of the forwarding thread's CPU time; medians of ROUNDS.
# Before the rounds, each l3fwd mode is checked: port 1 sends what port 0 receives, and in ACL
# mode the same file with one deny line in front for the benchmark's flows sends nothing.
#   bench/fastpath/l3fwd.sh [SECONDS] [FLOWS] [ROUTES] [RULES] [ROUNDS]
# FLOWS up to 7.68M distinct 5-tuples (UDP source ports 1024-61023 times destination ports
# 7000-7127; ep2's allow rule and the ACL line cover the whole port range). Environment:
#   CT_CAPACITY   Ocelot's conntrack capacity per pipeline (default: a power of two >= 2 x FLOWS);
#                 below FLOWS every packet is a new flow that evicts one
#   UDP_TIMEOUT   Ocelot's UDP conntrack timeouts in seconds (default Linux's 30/120): flows
#                 must outlive the JVM's idle time while l3fwd runs, or they are re-created
#   DATA_ROOM     mbuf data room (headroom included) of both sides' pools (default 2176, DPDK's)
#   HUGE=1        both sides on 2 MiB hugepages (EAL --in-memory; the pages must be reserved,
#                 flows.sh does it) and the JVM heap on transparent hugepages; default --no-huge
#   WARMUP        the JVM's warm-up per pipeline in seconds (default 20)
#   IPV6=1        IPv6 LPM mode: IPv6 frames (ep1 fd00:65::2 to ep2 fd00:65::3, 64 bytes) and
#                 ROUTES /64s (2001:db8:R>>16:R&0xffff::/64) beside the endpoints' /128s in
#                 lpm.v6 and Ocelot's IPv6 plane (implies LPM_ONLY: l3fwd's ACL mode and
#                 Ocelot's policy are IPv4 here)
#   LPM_ONLY=1    l3fwd-lpm against Ocelot's routing and stateless pipelines only (no ACL mode,
#                 no full pipeline: stateless.sh's route-count sweep, where rte_acl over 1M lines
#                 would take minutes to build)
# Both pools hold one mbuf per pcap packet plus 8192 (net_pcap's infinite replay keeps the
# whole file in mbufs); EAL memory is sized to that.
#   L3FWD_PERF=lpm|acl bench/fastpath/l3fwd.sh 8: instead of the rounds, a perf profile of that
#   l3fwd mode's forwarding thread (hottest symbols; bench/fastpath/profile.sh does Ocelot's).
# run.sh calls it with FP_BENCH_WORK set to its work dir (classes already compiled there).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-3}
FLOWS=${2:-1024}
ROUTES=${3:-100000}
RULES=${4:-100}
ROUNDS=${5:-5}
DATA_ROOM=${DATA_ROOM:-2176}
CT_CAPACITY=${CT_CAPACITY:-$(awk -v f="$FLOWS" 'BEGIN { c = 16; while (c < 2 * f) c *= 2; print c }')}
UDP_TIMEOUT=${UDP_TIMEOUT:-30}
HUGE=${HUGE:-0}
WARMUP=${WARMUP:-20}
IPV6=${IPV6:-0}
LPM_ONLY=${LPM_ONLY:-0}
[ "$IPV6" = 0 ] || LPM_ONLY=1
MBUFS=$((FLOWS + 8192))
# an mbuf (header, data room, mempool header) never straddles a 4 KiB page with --no-huge: a
# 2176-byte data room takes a page of its own
# plus l3fwd's LPM tables: tbl24 (64 MiB) and 2^18 tbl8 groups of 1 KiB (256 MiB)
EAL_MB=$(awk -v m="$MBUFS" -v d="$DATA_ROOM" -v huge="$HUGE" 'BEGIN { obj = d + 256; per = huge == 1 ? obj : 4096 / int(4096 / obj); x = int(m * per / 1048576) + 512 + 384; if (x < 1024) x = 1024; print x }')
# the JVM's heap: both pipelines' conntrack tables (IPv4 ~90 and IPv6 ~150 bytes a flow slot,
# the IPv6 table has the same capacity), room for ParallelGC's old generation, and the rest
# and three route tables (a 1M-route one with its hop references: ~0.6 GB)
XMX_MB=$(awk -v c="$CT_CAPACITY" -v r="$ROUTES" -v six="${IPV6:-0}" 'BEGIN { print 1536 + int(2 * c * 512 / 1048576) + int(r * 3 * 600 / 1048576) + six * int(r * 3 * 1200 / 1048576) }')
if [ "$HUGE" = 1 ]; then eal_mem=(--in-memory -m "$EAL_MB"); jvm_huge=(-Dbench.huge=true -XX:+UseTransparentHugePages); else eal_mem=(--no-huge -m "$EAL_MB"); jvm_huge=(); fi
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
here="$PWD"
work=$(mktemp -d /tmp/ocelot-l3fwd-bench.XXXXXX)
l3pid=""
jpid=""
cleanup() {
  if [ -n "$l3pid" ]; then
    kill -INT "$l3pid" 2>/dev/null || true
    # l3fwd only looks at its quit flag in the main loop: one still loading routes is killed
    for _ in $(seq 1 25); do kill -0 "$l3pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$l3pid" 2>/dev/null || true
  fi
  [ -n "$jpid" ] && kill "$jpid" 2>/dev/null || true
  rm -rf "$work" /var/run/dpdk/ocelot-l3fwd-$$-* # this script's l3fwd runtime folders
}
trap cleanup EXIT

if [ -n "${FP_BENCH_WORK:-}" ]; then
  classes="$FP_BENCH_WORK/classes"
  cp="$FP_BENCH_WORK/fastpath-classes:$(cat "$FP_BENCH_WORK/cp.txt")"
else
  mvn -q -B -o -pl fastpath install -DskipTests
  mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
  cp -r fastpath/target/classes "$work/fastpath-classes" # a private copy: other builds rewrite target/ meanwhile
  cp="$work/fastpath-classes:$(cat "$work/cp.txt")"
  classes="$work/classes"
  javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$classes" bench/src/main/java/ocelot/bench/fastpath/*.java
fi
PMD=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort | tail -1)
hz=$(getconf CLK_TCK)

# --- build l3fwd --------------------------------------------------------------------------
src=/usr/share/dpdk/examples
[ -f "$src/l3fwd/main.c" ] || { echo "l3fwd sources missing: apt-get install dpdk-doc" >&2; exit 1; }
cp -r "$src/l3fwd" "$src/common" "$work/"
patch_line() { # FILE SED-EXPR EXPECTED-TEXT: apply, and fail loudly if the source changed shape
  sed -i "$2" "$work/l3fwd/$1"
  grep -qF "$3" "$work/l3fwd/$1" || { echo "l3fwd patch did not apply to $1: $3" >&2; exit 1; }
}
# 100k /26s fall in 25k distinct /24s, 1M in 250k: one tbl8 group each (rte_lpm default here: 256 groups).
patch_line l3fwd_lpm.c 's/^#define IPV4_L3FWD_LPM_MAX_RULES .*/#define IPV4_L3FWD_LPM_MAX_RULES (1 << 21)/' '(1 << 21)'
patch_line l3fwd_lpm.c 's/^#define IPV6_L3FWD_LPM_MAX_RULES .*/#define IPV6_L3FWD_LPM_MAX_RULES (1 << 21)/' 'IPV6_L3FWD_LPM_MAX_RULES (1 << 21)'
patch_line l3fwd_lpm.c 's/^#define IPV4_L3FWD_LPM_NUMBER_TBL8S .*/#define IPV4_L3FWD_LPM_NUMBER_TBL8S (1 << 18)/' 'IPV4_L3FWD_LPM_NUMBER_TBL8S (1 << 18)'
# The ACL context holds every rule and route line (l3fwd's limit: 100000).
patch_line l3fwd_acl.h 's/^#define MAX_ACL_RULE_NUM.*/#define MAX_ACL_RULE_NUM (1 << 20)/' 'MAX_ACL_RULE_NUM (1 << 20)'
# net_pcap/net_null have no rx checksum offload, which l3fwd asks for unconditionally.
patch_line main.c 's/^\t\tret = config_port_max_pkt_len(&local_port_conf, &dev_info);/\t\tlocal_port_conf.rxmode.offloads \&= dev_info.rx_offload_capa;\n&/' 'local_port_conf.rxmode.offloads &= dev_info.rx_offload_capa;'
patch_line main.c 's/rxq_conf.offloads = port_conf.rxmode.offloads;/rxq_conf.offloads = port_conf.rxmode.offloads \& dev_info.rx_offload_capa;/' 'port_conf.rxmode.offloads & dev_info.rx_offload_capa;'
# The pool: one mbuf per replayed packet and the same data room as Ocelot's (both from the environment).
patch_line main.c 's/^\t(unsigned)8192)$/\t(unsigned)atoi(getenv("L3FWD_MBUFS")))/' '(unsigned)atoi(getenv("L3FWD_MBUFS")))'
patch_line main.c 's/^\t\t\t\t\tRTE_MBUF_DEFAULT_BUF_SIZE, socketid);/\t\t\t\t\tatoi(getenv("L3FWD_DATA_ROOM")), socketid);/' 'atoi(getenv("L3FWD_DATA_ROOM")), socketid);'
export L3FWD_MBUFS=$MBUFS L3FWD_DATA_ROOM=$DATA_ROOM
if [ -n "${FP_BENCH_WORK:-}" ] && [ -x "$FP_BENCH_WORK/l3fwd-bin" ]; then
  l3fwd="$FP_BENCH_WORK/l3fwd-bin" # built by an earlier call in the same run (flows.sh's profiles)
else
  (cd "$work/l3fwd" && CFLAGS="-march=native" make -s >/dev/null)
  l3fwd="$work/l3fwd/build/l3fwd"
  [ -z "${FP_BENCH_WORK:-}" ] || cp "$l3fwd" "$FP_BENCH_WORK/l3fwd-bin"
fi
[ "${L3FWD_BUILD_ONLY:-0}" = 0 ] || exit 0 # flows.sh builds it before taking the benchmark lock

# --- rule files: the route table of PipelineThroughput.state() -----------------------------
awk -v n="$ROUTES" 'BEGIN {
  print "R10.65.0.2/32 0"; print "R10.65.0.3/32 1"
  for (r = 0; r < n; r++) { a = 184549376 + r * 64; printf "R%d.%d.%d.%d/26 1\n", int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256 }
  print "R192.168.0.0/24 1" }' > "$work/lpm.v4"
if [ "$IPV6" = 1 ]; then
  awk -v n="$ROUTES" 'BEGIN { print "Rfd00:65::2/128 0"; print "Rfd00:65::3/128 1"
    for (r = 0; r < n; r++) printf "R2001:db8:%x:%x::/64 1\n", int(r / 65536), r % 65536 }' > "$work/lpm.v6"
else
  echo "R2001:db8::/32 1" > "$work/lpm.v6"
fi
# ACL mode classifies every packet against one rule set, first line wins (l3fwd gives earlier
# lines higher priority); "@" denies, "R ... PORT" forwards, no match drops. Ocelot's policy as
# lines: ep1's egress (99 TCP-port denies) and ep2's ingress (99 source-/24 denies) first, then
# the two allow rules (egress: UDP; ingress: UDP from 10.65.0.0/16 to port 7000) folded into the
# route to ep2, then the rest of the route table as 5-tuple-wildcard routes.
awk -v n="$ROUTES" -v rules="$RULES" 'BEGIN {
  for (r = 0; r < rules - 1; r++) printf "@10.65.0.2/32 0.0.0.0/0 0 : 65535 %d : %d 6/0xff\n", 1 + r % 60000, 1 + r % 60000
  for (r = 0; r < rules - 1; r++) printf "@172.%d.%d.0/24 10.65.0.3/32 0 : 65535 0 : 65535 0/0\n", 16 + int(r / 256) % 16, r % 256
  print "R10.65.0.2/32 10.65.0.3/32 0 : 65535 7000 : 7127 17/0xff 1"
  print "R0.0.0.0/0 10.65.0.2/32 0 : 65535 0 : 65535 0/0 0"
  for (r = 0; r < n; r++) { a = 184549376 + r * 64; printf "R0.0.0.0/0 %d.%d.%d.%d/26 0 : 65535 0 : 65535 0/0 1\n", int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256 }
  print "R0.0.0.0/0 192.168.0.0/24 0 : 65535 0 : 65535 0/0 1" }' > "$work/acl.v4"
{ echo "@10.65.0.0/16 10.65.0.3/32 0 : 65535 7000 : 7127 17/0xff"; cat "$work/acl.v4"; } > "$work/acl-deny.v4"
echo "R0:0:0:0:0:0:0:0/0 2001:db8:0:0:0:0:0:0/32 0 : 65535 0 : 65535 0/0 1" > "$work/acl.v6"

# --- Ocelot: one warm JVM, a round per line on its stdin ----------------------------------
mkfifo "$work/jin"
java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx${XMX_MB}m "${jvm_huge[@]}" \
  -Dbench.warmupSeconds="$WARMUP" -Dbench.skipFull="$([ "$LPM_ONLY" = 1 ] && echo true || echo false)" -Dbench.ipv6="$([ "$IPV6" = 1 ] && echo true || echo false)" -Docelot.native.lib="$here/native/target/native/libocelot_dpdk.so" \
  -cp "$classes:$cp" ocelot.bench.fastpath.L3fwdRounds "$work/flows.pcap" "$SECONDS_RUN" "$FLOWS" "$ROUTES" "$RULES" "$CT_CAPACITY" "$UDP_TIMEOUT" "$DATA_ROOM" \
  < "$work/jin" > "$work/ocelot.txt" 2>&1 &
jpid=$!
exec 7> "$work/jin"
until grep -q '^pcap' "$work/ocelot.txt"; do # written in seconds (4M flows: ~300 MB)
  kill -0 "$jpid" 2>/dev/null || { cat "$work/ocelot.txt" >&2; exit 1; }
  sleep 0.5
done

# --- l3fwd: one run ------------------------------------------------------------------------
stats() { python3 bench/fastpath/ethstats.py "$1" 0 1; } # "port ipackets opackets imissed oerrors" lines
# run_l3fwd MODE RULEFILE_V4 RULEFILE_V6 SECONDS: sets RES="rx tx mpps" (rx: port 0 in, tx: port 1 out)
run_l3fwd() {
  local mode=$1 v4=$2 v6=$3 secs=$4 prefix="ocelot-l3fwd-$$-$RANDOM" tid="" t0 t1 s0 s1
  "$l3fwd" "${eal_mem[@]}" --no-pci --file-prefix="$prefix" -d "$PMD" \
    --vdev="net_pcap0,rx_pcap=$work/flows.pcap,infinite_rx=1" --vdev=net_null0,no-rx=1 -l 1 --log-level=lib.eal:error -- \
    -p 0x3 -P --parse-ptype --config="(0,0,1),(1,0,1)" --lookup="$mode" --rule_ipv4="$v4" --rule_ipv6="$v6" \
    > "$work/l3fwd-$mode.log" 2>&1 &
  l3pid=$!
  # forwarding starts after the tables are built (rte_acl over 100k lines takes seconds) and
  # net_pcap has read the whole file into mbufs; port 0's rx counter already counts that
  # preload (millions of packets: seconds), so wait for l3fwd's own word that it forwards
  for _ in $(seq 1 1500); do
    kill -0 "$l3pid" 2>/dev/null || { echo "l3fwd --lookup=$mode exited:" >&2; tail -20 "$work/l3fwd-$mode.log" >&2; exit 1; }
    grep -q 'entering main loop' "$work/l3fwd-$mode.log" && stats "$prefix" > /dev/null 2>&1 && break
    sleep 0.2
  done
  sleep 1
  tid=/proc/$l3pid/task/$l3pid # one lcore (net_pcap has one tx queue, l3fwd wants one per lcore): the main thread forwards
  t0=$(awk '{print $14 + $15}' "$tid/stat"); s0=$(stats "$prefix")
  if [ -n "${PERF_OUT:-}" ]; then perf record -F 1999 -g -t "$l3pid" -o "$PERF_OUT" -- sleep "$secs" 2>/dev/null; else sleep "$secs"; fi
  t1=$(awk '{print $14 + $15}' "$tid/stat"); s1=$(stats "$prefix")
  kill -INT "$l3pid"; wait "$l3pid" || true; l3pid=""
  rm -rf "/var/run/dpdk/$prefix" # l3fwd exits leaving its runtime folder (not --in-memory)
  RES=$(printf '%s\n%s\n' "$s0" "$s1" | awk -v t="$((t1 - t0))" -v hz="$hz" '
    NR==1 && $1==0 {rx0=$2} NR==2 && $1==1 {tx0=$3} NR==3 && $1==0 {rx1=$2} NR==4 && $1==1 {tx1=$3}
    END { rx = rx1 - rx0; tx = tx1 - tx0; printf "%d %d %.2f\n", rx, tx, (t > 0 ? rx / (t / hz) / 1e6 : 0) }')
}

machine=$(lscpu | grep 'Model name' | sed 's/.*: *//')
echo "== l3fwd (C, -O3 -march=native, one forwarding lcore) vs Ocelot on net_pcap -> net_null: $([ "$IPV6" = 1 ] && echo "IPv6, $ROUTES /64 routes + /128s and ")$FLOWS flows, $ROUTES /26 routes + endpoint /32s, $RULES rules per direction; conntrack capacity $CT_CAPACITY, UDP timeout ${UDP_TIMEOUT}s, $MBUFS mbufs of data room $DATA_ROOM, EAL ${EAL_MB} MB $([ "$HUGE" = 1 ] && echo "2 MiB hugepages" || echo "--no-huge"); $machine"
# checks: everything received is forwarded (routes hit, MACs/ports right), and the ACL rules deny what they should
# (L3FWD_CHECKS=0 skips them: flows.sh checks on its first profile only)
for mode in $([ "${L3FWD_CHECKS:-1}" = 0 ] || { [ "$LPM_ONLY" = 1 ] && echo lpm || echo lpm acl; }); do
  run_l3fwd "$mode" "$work/$mode.v4" "$work/$mode.v6" 1; read -r rx tx _ <<< "$RES"
  awk -v m="$mode" -v rx="$rx" -v tx="$tx" 'BEGIN { ok = rx > 0 && tx >= rx * 0.99; printf "check l3fwd-%s forwards: port0 rx %d, port1 tx %d: %s\n", m, rx, tx, ok ? "ok" : "FAILED"; exit !ok }' \
    || { tail -30 "$work/l3fwd-$mode.log" >&2; exit 1; }
done
if [ "${L3FWD_CHECKS:-1}" != 0 ] && [ "$LPM_ONLY" != 1 ]; then
  run_l3fwd acl "$work/acl-deny.v4" "$work/acl.v6" 1; read -r rx tx _ <<< "$RES"
  awk -v rx="$rx" -v tx="$tx" 'BEGIN { ok = rx > 0 && tx == 0; printf "check l3fwd-acl denies with a deny line for the flows in front: port0 rx %d, port1 tx %d (denied %d): %s\n", rx, tx, rx - tx, ok ? "ok" : "FAILED"; exit !ok }'
fi

if [ -n "${L3FWD_PERF:-}" ]; then
  PERF_OUT="$work/perf.data" run_l3fwd "$L3FWD_PERF" "$work/$L3FWD_PERF.v4" "$work/$L3FWD_PERF.v6" "$SECONDS_RUN"; read -r rx tx mpps <<< "$RES"
  echo "l3fwd-$L3FWD_PERF under perf: $mpps Mpps per CPU-second (rx $rx, tx $tx), load $(cut -d' ' -f1 /proc/loadavg)"
  perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null | grep -E "^ +[0-9]" | sed -E "s/ +- +- *$//" | cut -c1-160 | head -${TOP:-25} || true # head closes the pipe early
  echo "== by shared object"
  perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E "^ +[0-9]" | head -8 || true
  exit 0
fi
until grep -q '^ready' "$work/ocelot.txt"; do
  kill -0 "$jpid" 2>/dev/null || { cat "$work/ocelot.txt" >&2; exit 1; }
  sleep 1
done
for round in $(seq 1 "$ROUNDS"); do
  run_l3fwd lpm "$work/lpm.v4" "$work/lpm.v6" "$SECONDS_RUN"; read -r rx tx lpm <<< "$RES"
  [ "$tx" -ge $((rx * 99 / 100)) ] || { echo "l3fwd-lpm dropped: rx $rx tx $tx" >&2; exit 1; }
  acl=nan
  if [ "$LPM_ONLY" != 1 ]; then
    run_l3fwd acl "$work/acl.v4" "$work/acl.v6" "$SECONDS_RUN"; read -r rx tx acl <<< "$RES"
    [ "$tx" -ge $((rx * 99 / 100)) ] || { echo "l3fwd-acl dropped: rx $rx tx $tx" >&2; exit 1; }
  fi
  echo "round" >&7
  until [ "$(grep -c '^round ' "$work/ocelot.txt")" -ge "$round" ]; do
    kill -0 "$jpid" 2>/dev/null || { cat "$work/ocelot.txt" >&2; exit 1; }
    sleep 0.5
  done
  oc=$(grep '^round ' "$work/ocelot.txt" | tail -1)
  field() { echo "$oc" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
  echo "round $round l3fwd-lpm $lpm l3fwd-acl $acl ocelot-routing $(field routing) ocelot-full $(field full) ocelot-stateless $(field stateless) new-flow-share routing $(field new-flow-share-routing) full $(field new-flow-share-full) stateless $(field new-flow-share-stateless) load $(cut -d' ' -f1 /proc/loadavg)"
  echo "$lpm $acl" >> "$work/l3fwd.txt"
done
exec 7>&-
# The JVM prints its medians and closes the pipelines after the last round: when that fails, show why
wait "$jpid" || { status=$?; echo "l3fwd.sh: Ocelot's JVM exited $status after the rounds:" >&2; tail -40 "$work/ocelot.txt" >&2; exit 1; }
jpid=""
grep -E '^(ocelot-|counters)' "$work/ocelot.txt"
med() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
lpm=$(awk '{print $1}' "$work/l3fwd.txt" | med)
acl=$([ "$LPM_ONLY" = 1 ] && echo nan || awk '{print $2}' "$work/l3fwd.txt" | med)
routing=$(awk '/^ocelot-routing-mpps/ {print $2}' "$work/ocelot.txt")
full=$(awk '/^ocelot-full-mpps/ {print $2}' "$work/ocelot.txt")
stateless=$(awk '/^ocelot-stateless-mpps/ {print $2}' "$work/ocelot.txt")
echo "l3fwd-lpm-mpps $lpm"
echo "l3fwd-acl-mpps $acl"
awk -v a="$routing" -v b="$lpm" 'BEGIN { printf "ocelot-routing-vs-l3fwd-lpm-ratio %.3f\n", a/b }'
awk -v a="$stateless" -v b="$lpm" 'BEGIN { printf "ocelot-stateless-vs-l3fwd-lpm-ratio %.3f\n", a/b }'
[ "$LPM_ONLY" = 1 ] || awk -v a="$full" -v b="$acl" 'BEGIN { printf "ocelot-full-vs-l3fwd-acl-ratio %.3f\n", a/b }'
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
