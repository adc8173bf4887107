#!/bin/bash
# Datastore change -> enforcement latency through the dataplane driver (issue 17).
# Usage: bench/node/run-driver-latency.sh [endpoints] [policies] [changes]   (run as root: DPDK EAL in memory)
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$JAVA_HOME/bin:$PATH
if [ ! -f bench/target/benchmarks.jar ] || [ -n "${REBUILD:-}" ]; then
  # -DskipTests, not maven.test.skip: control resolves fastpath's test-jar, which only a build that compiles tests makes
  mvn -q -B -pl acl,lpm,native,fastpath,bgp,control,bench -am install -DskipTests -Docelot.fuzz.skip=true
fi
lscpu | grep 'Model name' || true
exec flock /tmp/ocelot-bench.lock java -Xmx3g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  -cp bench/target/benchmarks.jar ocelot.bench.node.DriverLatencyBenchmark "$@"
