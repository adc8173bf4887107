#!/usr/bin/env bash
# A/B of the full pipeline: a baseline commit's fastpath (A) against the working tree's (B),
# both in one JVM over the same devices, alternating slices (PipelineAb).
#   bench/fastpath/ab.sh BASE_COMMIT [ROUNDS] [SLICE_SECONDS]
# AB_FLOWS (default 1024) distinct flows in the replayed pcap, AB_CAPACITY the conntrack capacity
# (default twice the flows; below the flows every packet is a new flow),
# AB_DATA_ROOM the mbuf data room (default DPDK's 2176), AB_JVM extra JVM flags (e.g.
# -XX:+UseTransparentHugePages -Docelot.fastpath.preloadMinFlows=0).
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${1:?baseline commit}
ROUNDS=${2:-15}
SLICE=${3:-1}
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-fastpath-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -B -o -pl fastpath compile
mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
deps=$(cat "$work/cp.txt")
bench=(bench/src/main/java/ocelot/bench/fastpath/PipelineThroughput.java)
mkdir -p "$work/base-src" "$work/a" "$work/b" "$work/driver"
git archive "$BASE" fastpath/src/main/java | tar -x -C "$work/base-src"
jc() { javac --release 25 --add-modules jdk.incubator.vector -nowarn "$@"; }
jc -cp "$deps" -d "$work/a" $(find "$work/base-src" -name '*.java') "${bench[@]}"
cp -r fastpath/target/classes/. "$work/b/"
jc -cp "$work/b:$deps" -d "$work/b" "${bench[@]}"
jc -cp "$deps" -d "$work/driver" bench/src/main/java/ocelot/bench/fastpath/PipelineAb.java
java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx4g ${AB_JVM:-} \
  -Dbench.flows="${AB_FLOWS:-1024}" ${AB_CAPACITY:+-Dbench.capacity=$AB_CAPACITY} -Dbench.dataRoom="${AB_DATA_ROOM:-2176}" -Docelot.native.lib="$PWD/native/target/native/libocelot_dpdk.so" \
  -cp "$work/driver:$deps" ocelot.bench.fastpath.PipelineAb "$work/flows.pcap" "$work/a" "$work/b" "$ROUNDS" "$SLICE" 2>&1 | grep -E '^(round|median)|Exception|at '
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
