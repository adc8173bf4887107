#!/usr/bin/env bash
# BGP scale benchmark, Ocelot vs BIRD 2 side by side on loopback (127.9.0.0/16):
#   (a) 1M IPv4 prefixes from one peer through the speaker to another;
#   (b) a route reflector with 200 clients x 100 /32s.
# Usage: bench/bgp/run.sh [rounds] [transitPrefixes] [rrClients] [rrRoutesPerClient]
# Builds only bgp/ and this benchmark's sources, so other modules' state cannot block it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
command -v bird >/dev/null || [ -x /usr/sbin/bird ] || { echo "bench/bgp: BIRD 2 missing (apt-get install bird2)" >&2; exit 1; }
cd "$ROOT"
mvn -q -B -o -pl bgp install -DskipTests
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -q -B -o -pl bgp dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime
OUT=bench/target/bgp-classes
mkdir -p "$OUT"
javac -d "$OUT" -cp "bgp/target/classes:$(cat "$CP_FILE")" bench/src/main/java/ocelot/bench/bgp/*.java 2>/dev/null \
  || javac -d "$OUT" -cp "bgp/target/classes:$(cat "$CP_FILE")" bench/src/main/java/ocelot/bench/bgp/*.java
echo "machine: $(lscpu | grep 'Model name' | sed 's/Model name: *//')"
exec java -Xmx2g -cp "$OUT:bgp/target/classes:$(cat "$CP_FILE")" ocelot.bench.bgp.BgpScaleBench "$@"
