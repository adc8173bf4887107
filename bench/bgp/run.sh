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
mvn -q -B -o -pl bgp install -DskipTests
CP_FILE=$(mktemp)
mvn -q -B -o -pl bgp dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime
OUT=bench/target/bgp-classes
# A private copy of the speaker's classes: a rebuild of bgp/ during a long run cannot change the DUT.
BGP=$(mktemp -d)
trap 'rm -f "$CP_FILE"; rm -rf "$BGP"' EXIT
cp -r bgp/target/classes/. "$BGP/"
mkdir -p "$OUT"
javac -d "$OUT" -cp "$BGP:$(cat "$CP_FILE")" bench/src/main/java/ocelot/bench/bgp/*.java 2>/dev/null \
  || javac -d "$OUT" -cp "$BGP:$(cat "$CP_FILE")" bench/src/main/java/ocelot/bench/bgp/*.java
echo "machine: $(lscpu | grep 'Model name' | sed 's/Model name: *//'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${1:-}" = probe ]; then
  # Allocation and live heap per route of the transit's work, in-process (RibLoadProbe), speaker flags.
  shift
  java -Xmx3g -XX:+UseParallelGC -XX:+UseCompactObjectHeaders -Xmn320m -XX:TieredStopAtLevel=1 \
    -cp "$OUT:$BGP:$(cat "$CP_FILE")" ocelot.bench.bgp.RibLoadProbe "$@"
  exit
fi
java -Xmx2g -cp "$OUT:$BGP:$(cat "$CP_FILE")" ocelot.bench.bgp.BgpScaleBench "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
