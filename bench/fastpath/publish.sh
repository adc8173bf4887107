#!/usr/bin/env bash
# What one FastpathControl.publish costs for a one-route and a one-endpoint change on a node
# with ENDPOINTS local endpoints and ROUTES BGP routes (ocelot.bench.fastpath.PublishCost),
# at each ROUTES given. Takes the shared benchmark lock; prints the load average around each run.
#   bench/fastpath/publish.sh [ENDPOINTS] [POOL_BLOCKS] [CHANGES] [ROUTES...]
set -euo pipefail
cd "$(dirname "$0")/../.."
ENDPOINTS=${1:-10000}
POOL_BLOCKS=${2:-1000}
CHANGES=${3:-20}
shift $(( $# > 3 ? 3 : $# ))
SIZES=("${@:-100000 1000000}")
export JAVA_HOME=${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ocelot-publish-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -q -B -pl fastpath -am install -DskipTests
mvn -q -B -pl fastpath dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp -r fastpath/target/classes "$work/fastpath-classes"
cp="$work/fastpath-classes:$(cat "$work/cp.txt")"
javac --release 25 --add-modules jdk.incubator.vector -nowarn -cp "$cp" -d "$work/classes" bench/src/main/java/ocelot/bench/fastpath/PublishCost.java
for routes in ${SIZES[@]}; do
  flock /tmp/ocelot-bench.lock bash -c "echo \"load before: \$(cut -d' ' -f1-3 /proc/loadavg)\";
    java -Xmx6g --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp '$work/classes:$cp' \
      ocelot.bench.fastpath.PublishCost $ENDPOINTS $routes $POOL_BLOCKS $CHANGES;
    echo \"load after: \$(cut -d' ' -f1-3 /proc/loadavg)\""
done
