#!/usr/bin/env bash
# The full pipeline's Mpps (PipelineThroughput, net_pcap -> net_null, one core, per CPU second)
# under two JVM flag sets, alternated in fresh JVMs, ROUNDS each: does a change to
# bin/node-jvm-flags (GC, young generation, JIT thresholds) cost the node's fastpath anything?
#   bench/fastpath/jvm-flags-ab.sh "FLAGS_A" "FLAGS_B" [ROUNDS] [SECONDS] [FLOWS] [ROUTES] [RULES]
# FLAGS_A "node" stands for bin/node-jvm-flags as committed. Take the bench lock around it.
set -euo pipefail
cd "$(dirname "$0")/../.."
A=${1:?flags A}
B=${2:?flags B}
ROUNDS=${3:-4}
SECONDS_RUN=${4:-3}
FLOWS=${5:-1024}
ROUTES=${6:-100000}
RULES=${7:-100}
[ "$A" = node ] && A=$(cat bin/node-jvm-flags)
[ "$B" = node ] && B=$(cat bin/node-jvm-flags)
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-fastpath-flags-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -B -o -pl fastpath install -DskipTests
mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp -r fastpath/target/classes "$work/fastpath-classes"
cp="$work/fastpath-classes:$(cat "$work/cp.txt")"
javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$work/classes" bench/src/main/java/ocelot/bench/fastpath/*.java
echo "machine: $(lscpu | grep 'Model name' | sed 's/.*: *//'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A: $A"
echo "B: $B"
run() { # flags -> pipeline Mpps
  # shellcheck disable=SC2086
  java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector $1 -Dbench.skipIo=true \
    -Docelot.native.lib="$PWD/native/target/native/libocelot_dpdk.so" \
    -cp "$work/classes:$cp" ocelot.bench.fastpath.PipelineThroughput "$work/flows.pcap" "$SECONDS_RUN" "$FLOWS" "$ROUTES" "$RULES" \
    2>&1 | awk '/^ocelot-pipeline-mpps/ {print $2}'
}
: > "$work/a.txt"
: > "$work/b.txt"
for r in $(seq 1 "$ROUNDS"); do
  a=$(run "$A"); b=$(run "$B")
  echo "round $r: A $a Mpps, B $b Mpps"
  echo "$a" >> "$work/a.txt"
  echo "$b" >> "$work/b.txt"
done
median() { sort -n "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ma=$(median "$work/a.txt"); mb=$(median "$work/b.txt")
awk -v a="$ma" -v b="$mb" 'BEGIN { printf "median A %.2f Mpps, B %.2f Mpps, B/A %.3f\n", a, b, b / a }'
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
