#!/bin/bash
# BGP route churn through the node's own path into the fastpath (issue 19): the speaker's FIB
# calls into LearnedRouteTable, the DataplaneDriver (batch, calculate, lower, publish) and
# FastpathControl.publish; ocelot.bench.node.LearnedRouteChurn. Takes the shared benchmark lock.
# Usage: bench/node/learned-churn.sh [ROUTES] [UPDATES_PER_SECOND] [SECONDS]   (root: DPDK EAL in memory)
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$JAVA_HOME/bin:$PATH
if [ ! -f bench/target/benchmarks.jar ] || [ -n "${REBUILD:-}" ]; then
  mvn -q -B -pl acl,lpm,native,fastpath,bgp,control,bench -am install -DskipTests -Docelot.fuzz.skip=true
fi
jar=$(mktemp /tmp/ocelot-learned-churn.XXXXXX.jar)
trap 'rm -f "$jar"' EXIT
cp bench/target/benchmarks.jar "$jar" # a private copy: other builds rewrite bench/target meanwhile
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(git rev-parse --short HEAD); $(date -u +%Y-%m-%dT%H:%MZ)"
flock /tmp/ocelot-bench.lock java -Xmx6g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  -cp "$jar" ocelot.bench.node.LearnedRouteChurn "${1:-1000000}" "${2:-10000}" "${3:-20}" 2>&1 | grep -vE '^(EAL|WARNING|TELEMETRY)'
