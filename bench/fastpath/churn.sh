#!/usr/bin/env bash
# Forwarding while routes churn (issue 19): ocelot.bench.fastpath.RouteChurn on net_pcap ->
# net_null, ROUTES /26 routes, FLOWS flows each to its own route, UPDATES route changes a second
# published through FastpathControl.publish in TICKS publishes a second, ROUNDS alternating
# quiet/churn slices of SECONDS. Takes the shared benchmark lock; prints the load around the run.
#   bench/fastpath/churn.sh [SECONDS] [FLOWS] [ROUTES] [UPDATES] [ROUNDS] [TICKS]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-3}
FLOWS=${2:-1024}
ROUTES=${3:-1000000}
UPDATES=${4:-10000}
ROUNDS=${5:-5}
TICKS=${6:-10}
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-churn-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -B -o -pl fastpath install -DskipTests
mvn -q -B -o -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp -r fastpath/target/classes "$work/fastpath-classes" # a private copy: other builds rewrite target/ meanwhile
cp="$work/fastpath-classes:$(cat "$work/cp.txt")"
javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$work/classes" \
  bench/src/main/java/ocelot/bench/fastpath/{RouteChurn,PipelineThroughput}.java
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(git rev-parse --short HEAD); $(date -u +%Y-%m-%dT%H:%MZ)"
flock /tmp/ocelot-bench.lock bash -c "echo \"load before: \$(cut -d' ' -f1-3 /proc/loadavg)\";
  java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx4g \
    -Dbench.warmupSeconds=\${WARMUP:-10} -Docelot.native.lib='$PWD/native/target/native/libocelot_dpdk.so' \
    -cp '$work/classes:$cp' ocelot.bench.fastpath.RouteChurn '$work/flows.pcap' $SECONDS_RUN $FLOWS $ROUTES $UPDATES $ROUNDS $TICKS \
    2>&1 | grep -vE '^(EAL|WARNING|TELEMETRY)';
  echo \"load after: \$(cut -d' ' -f1-3 /proc/loadavg)\""
