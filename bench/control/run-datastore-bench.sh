#!/usr/bin/env bash
# Embedded datastore vs etcd in one run (durable commits/s, IPAM assignments/s, and their ratio).
# Builds control and the bench jar first. Usage: bench/control/run-datastore-bench.sh [commits] [assigns] [rounds]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../bin/setup"
cd "$OCELOT_HOME"
mvn -q -B -ntp -DskipTests install -pl control -am >/dev/null
mvn -q -B -ntp -DskipTests package -pl bench >/dev/null
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp bench/target/benchmarks.jar \
  ocelot.bench.control.DatastoreCommitBench "$@"
