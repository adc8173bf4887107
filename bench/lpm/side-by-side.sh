#!/usr/bin/env bash
# Ocelot's IPv4 route tables side by side with DPDK's rte_lpm and rte_fib, in ONE process on
# the same Calico-like route and trace arrays, lookups in alternating rounds.
#
#   bench/lpm/side-by-side.sh [ROUTES...]      default: 100000 1000000
#   SHAPE=internet bench/lpm/side-by-side.sh   the public-BGP-like table instead
#   ROUNDS=15 PASSES=1                         alternating rounds; passes of the 4M trace per round
#   THP=0                                      without -XX:+UseTransparentHugePages (see below)
#   IPV6=100000,1000000                        IPv6 sizes against rte_lpm6 after the IPv4 run ("" skips)
#   IPV4=0                                     skip the IPv4 run (only IPv6)
#   RTE_LPM=0                                  skip rte_lpm's slow build; IPv4 ratios against rte_fib
#
# lpm_reference.c is built here (gcc -O3 -march=native, Debian's libdpdk 22.11) into a shared
# library; ocelot.bench.lpm.Ipv4SideBySide initialises EAL (ocelot.dpdk.Eal.initInMemory:
# --no-huge, so DPDK's tables sit on 4 KiB pages), builds rte_lpm and rte_fib through FFM with
# rte_lpm_add / rte_fib_add, and then runs rounds of one timed pass set per table in turn:
# Ocelot, rte_lpm, Ocelot DIR-24-8, rte_lpm_x4, rte_fib. Each round's Ocelot/rte_lpm ratio
# compares passes under the same load; the table shows the median and best of each and the
# median of the per-round ratios. Rates are lookups per CPU-second of the one thread that runs
# both sides (so descheduled time counts for neither; the wall-clock ratio is printed too).
# Checksums (sum of all answers) must be equal on every row.
#
# The Java heap uses transparent huge pages (THP is "madvise" on this machine; the JVM
# madvises its heap with -XX:+UseTransparentHugePages): a deployment flag ocelot's dataplane
# JVM uses too. THP=0 measures without it (4 KiB pages on both sides).
#
# rte_lpm's adds scan every rule of the same depth, so its 1M build takes 10-25 minutes;
# progress is printed every 100k routes. The route/trace files are written to the work folder
# too; bench/lpm/lpm_side_by_side.c is the older standalone C harness that reads them.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
shape="${SHAPE:-calico}"
work="$(mktemp -d /tmp/ocelot-lpm-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
thp=(-XX:+UseTransparentHugePages)
[ "${THP:-1}" = 1 ] || thp=()

echo "building ..." >&2
# Only lpm/ and this harness, compiled into the work folder (native/ from its installed jar),
# so engineers rebuilding bench/target/benchmarks.jar meanwhile cannot break this run.
mvn -q -B -o -pl lpm compile >&2 2>/dev/null || mvn -q -B -pl lpm compile >&2
# the local repository Maven uses here (a worktree's .mvn/maven.config may name its own)
# (no .mvn/maven.config on a plain clone: sed's failure must not end the script under pipefail)
repo=""
if [ -f .mvn/maven.config ]; then
  repo="$(sed -n 's/.*-Dmaven.repo.local=\([^ ]*\).*/\1/p' .mvn/maven.config | head -1)"
fi
native_jar="${repo:-$HOME/.m2/repository}/dev/ocelot/ocelot-native/0.1.0-SNAPSHOT/ocelot-native-0.1.0-SNAPSHOT.jar"
[ -f "$native_jar" ] || mvn -q -B -o -pl native install -DskipTests >&2
cp -r lpm/target/classes "$work/lpm-classes" # a copy: rebuilding lpm/ meanwhile cannot change this run
cp=$work/lpm-classes:$native_jar
javac -d "$work/classes" -cp "$cp" bench/src/main/java/ocelot/bench/lpm/{Ipv4SideBySide,Ipv6SideBySide,DpdkLpmReference}.java
gcc -O3 -march=native -Wall -shared -fPIC -o "$work/liblpm_reference.so" bench/lpm/lpm_reference.c \
  $(pkg-config --cflags --libs libdpdk)

load="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; shape: $shape;" \
  "THP for the Java heap: ${THP:-1}; load average at start: $load; $(date -u +%Y-%m-%dT%H:%MZ)"
IFS=, joined="${sizes[*]}"; unset IFS
jvm=(java -Xmx3g "${thp[@]}" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC
  -Docelot.lpm.reference.lib="$work/liblpm_reference.so" -Docelot.lpm.skipRteLpm="$([ "${RTE_LPM:-1}" = 0 ] && echo true || echo false)"
  -cp "$work/classes:$cp")
if [ "${IPV4:-1}" = 1 ]; then
  "${jvm[@]}" ocelot.bench.lpm.Ipv4SideBySide "$work" "$joined" "${ROUNDS:-15}" "${PASSES:-1}" "$shape"
fi
ipv6="${IPV6-100000,1000000}"
if [ -n "$ipv6" ]; then
  echo
  echo "IPv6 (Calico-like: /128 endpoints in /122 blocks of fd00:10::/64, /48-/64 aggregates, default):"
  "${jvm[@]}" ocelot.bench.lpm.Ipv6SideBySide "$ipv6" "${ROUNDS:-15}"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
