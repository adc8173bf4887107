#!/bin/bash
# Control-plane scale benchmark (issue 6): 10k endpoints, 1k policies on one node.
# Usage: bench/policy/run.sh [endpoints] [policies] [changes]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH=$JAVA_HOME/bin:$PATH
if [ ! -f bench/target/benchmarks.jar ] || [ -n "${REBUILD:-}" ]; then
  # Only this benchmark's modules when the others are installed already (-am would install other
  # engineers' working trees into ~/.m2); a fresh machine builds everything once.
  { mvn -q -B -o -pl acl,control install -Dmaven.test.skip=true \
      && mvn -q -B -o -pl bench package -Dmaven.test.skip=true; } 2>/dev/null \
    || mvn -q -B -pl acl,control,bench -am install -DskipTests -Docelot.fuzz.skip=true
fi
lscpu | grep 'Model name' || true
exec java -Xmx3g -XX:+UseParallelGC -cp bench/target/benchmarks.jar ocelot.bench.policy.PolicyScaleBenchmark "$@"
