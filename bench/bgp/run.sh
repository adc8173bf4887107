#!/usr/bin/env bash
# BGP scale benchmark, Ocelot vs BIRD 2 side by side on loopback (127.9.0.0/16):
#   (a) 1M IPv4 prefixes from one peer through the speaker to another;
#   (b) a route reflector with 200 clients x 100 /32s.
# Usage: bench/bgp/run.sh [rounds] [transitPrefixes] [rrClients] [rrRoutesPerClient] [transit|reflector|both]
#        bench/bgp/run.sh probe [prefixes]     (allocated / live heap bytes per route, RibLoadProbe)
# Builds only bgp/ and this benchmark's sources, so other modules' state cannot block it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
command -v bird >/dev/null || [ -x /usr/sbin/bird ] || { echo "bench/bgp: BIRD 2 missing (apt-get install bird2)" >&2; exit 1; }
cd "$ROOT"
mvn -q -B -o -pl bgp -am install -DskipTests
CP_FILE=$(mktemp)
mvn -q -B -o -pl bgp dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime
OUT=bench/target/bgp-classes
# The speaker's and the benchmark's classes as jars of their own: a rebuild of bgp/ during a long
# run cannot change the DUT, and the JDK's AOT cache accepts only jars on the class path.
DUT_DIR=bench/target/bgp-dut
trap 'rm -f "$CP_FILE"' EXIT
rm -rf "$OUT" "$DUT_DIR"
mkdir -p "$OUT" "$DUT_DIR"
javac -d "$OUT" -cp "bgp/target/classes:$(cat "$CP_FILE")" bench/src/main/java/ocelot/bench/bgp/*.java 2>/dev/null \
  || javac -d "$OUT" -cp "bgp/target/classes:$(cat "$CP_FILE")" bench/src/main/java/ocelot/bench/bgp/*.java
jar cf "$DUT_DIR/bgp.jar" -C bgp/target/classes .
jar cf "$DUT_DIR/bench-bgp.jar" -C "$OUT" .
CP="$ROOT/$DUT_DIR/bench-bgp.jar:$ROOT/$DUT_DIR/bgp.jar:$(cat "$CP_FILE")"
echo "machine: $(lscpu | grep 'Model name' | sed 's/Model name: *//'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${1:-}" = probe ]; then
  # Allocation and live heap per route of the transit's work, in-process (RibLoadProbe), speaker flags.
  shift
  # shellcheck disable=SC2046
  java $(cat bin/node-jvm-flags) -Xmx3g -cp "$CP" ocelot.bench.bgp.RibLoadProbe "$@"
  exit
fi
# OCELOT_AOT=on (or {aot} in OCELOT_DUT_VARIANTS): the speaker JVM's AOT cache (JDK 25, JEP
# 483/514/515: classes loaded and linked, method profiles), trained by one 200k-prefix transit
# through the DUT; a node would build it the same way at install time. It must match the jars and
# the JVM flags. Off by default: A/B runs showed no gain inside the measured span (bgp/README.md).
# With OCELOT_AOT=on every Ocelot device uses it; the DUT is told the path in OCELOT_DUT_AOT_CACHE.
AOT="$ROOT/$DUT_DIR/speaker.aot"
if [ "${OCELOT_AOT:-off}" = on ] || [[ "${OCELOT_DUT_VARIANTS:-}" == *"{aot}"* ]]; then
  OCELOT_DUT_JVM_ARGS="-XX:AOTCacheOutput=$AOT" OCELOT_DUT_VARIANTS="" \
    java -Xmx2g -cp "$CP" ocelot.bench.bgp.BgpScaleBench 1 200000 20 100 transit >/dev/null
  [ -s "$AOT" ] || { echo "bench/bgp: the AOT training run wrote no cache ($AOT)" >&2; exit 1; }
  echo "speaker AOT cache: $AOT ($(du -h "$AOT" | cut -f1), trained by a 200k transit)"
  export OCELOT_DUT_AOT_CACHE="$AOT"
fi
java -Xmx2g -cp "$CP" ocelot.bench.bgp.BgpScaleBench "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
