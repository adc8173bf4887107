#!/bin/bash
# `node run` launch to /readiness 200, and the node's RSS, one node in namespaces it creates (root);
# prints one line with the load average. Builds control first if needed. Run it under
# `flock /tmp/ocelot-bench.lock` when other work shares the machine.
set -u
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
HOME_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ ! -f "$HOME_DIR/control/target/node-classpath.txt" ]; then
  (cd "$HOME_DIR" && mvn -q -B -ntp -DskipTests install -Docelot.fuzz.skip=true -pl control -am >/dev/null &&
    mvn -q -B dependency:build-classpath -pl control -Dmdep.outputFile="$HOME_DIR/control/target/node-classpath.txt" >/dev/null) || exit 1
fi
N=ocbn-$$; F=ocbf-$$; D=$(mktemp -d)
cleanup() { [ -n "${PID:-}" ] && { kill -TERM -- -$PID 2>/dev/null; for i in $(seq 30); do kill -0 $PID 2>/dev/null || break; sleep 1; done; kill -KILL -- -$PID 2>/dev/null; }; ip netns del $N 2>/dev/null; ip netns del $F 2>/dev/null; rm -rf $D; }
trap cleanup EXIT
ip netns add $N; ip netns add $F
ip link add ba$$ type veth peer name bb$$; ip link set ba$$ netns $N; ip link set bb$$ netns $F
ip -n $N link set ba$$ name eth0; ip -n $F link set bb$$ name eth0
for ns in $N $F; do ip -n $ns link set lo up; ip -n $ns link set eth0 up; done
ip -n $N addr add 172.31.93.10/24 dev eth0; ip -n $F addr add 172.31.93.1/24 dev eth0
printf 'apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: %s/data\n' $D > $D/cfg
CP=$HOME_DIR/control/target/classes:$(cat "$HOME_DIR/control/target/node-classpath.txt")
# the JVM flags bin/ocelotctl uses for node run (bin/node-jvm-flags)
t0=$(date +%s%N)
ip netns exec $N setsid java $(cat "$HOME_DIR/bin/node-jvm-flags") --enable-native-access=ALL-UNNAMED -cp $CP ocelot.control.cli.OcelotCtl node run --name b1 --ip 172.31.93.10 --run-dir $D/run --host-tap obtap$$ --config=$D/cfg > $D/log 2>&1 &
PID=$!
for i in $(seq 600); do
  if ip netns exec $N python3 -c "import urllib.request,sys;sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:9091/readiness').status==200 else 1)" 2>/dev/null; then break; fi
  sleep 0.1
done
t1=$(date +%s%N)
sleep 2
rss=$(grep VmRSS /proc/$PID/status | awk '{print $2}')
echo "start-to-ready $(( (t1-t0)/1000000 )) ms, RSS $((rss/1024)) MiB (after 2 s idle), load $(cut -d' ' -f1-3 /proc/loadavg)"
