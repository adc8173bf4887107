#!/usr/bin/env bash
# perf profile of the full pipeline benchmark (PipelineThroughput, pipeline only): Java frames
# resolved through the JIT's perf map. Prints the hottest symbols.
#   bench/fastpath/profile.sh [SECONDS] [extra JVM flags...]
# PROFILE_FLOWS distinct flows (default 1024), PROFILE_CAPACITY the conntrack capacity (default
# twice the flows; below the flows every packet is a new flow), PROFILE_DATA_ROOM the mbuf data
# room (default DPDK's 2176).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-8}
shift || true
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-fastpath-prof.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -B -o -pl fastpath install -DskipTests
mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="$PWD/fastpath/target/classes:$(cat "$work/cp.txt")"
javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$work/classes" bench/src/main/java/ocelot/bench/fastpath/*.java
java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx2g \
  -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -Dbench.skipIo=true -Dbench.warmupSeconds=12 \
  -Dbench.dataRoom="${PROFILE_DATA_ROOM:-2176}" ${PROFILE_CAPACITY:+-Dbench.capacity=$PROFILE_CAPACITY} "$@" \
  -Docelot.native.lib="$PWD/native/target/native/libocelot_dpdk.so" \
  -cp "$work/classes:$cp" ocelot.bench.fastpath.PipelineThroughput "$work/flows.pcap" "$SECONDS_RUN" "${PROFILE_FLOWS:-1024}" 100000 100 \
  > "$work/out.txt" 2>&1 &
pid=$!
sleep 14
perf record -F 1999 -g -p "$pid" -o "$work/perf.data" -- sleep "$((SECONDS_RUN - 2))" 2>/dev/null
wait $pid || true
grep -E '^ocelot-pipeline' "$work/out.txt"
perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null | grep -E "^ +[0-9]" | sed -E "s/ +- +- *$//" | cut -c1-200 | head -${TOP:-40}
echo "== by shared object"
perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E "^ +[0-9]" | head -12
