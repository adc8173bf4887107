#!/usr/bin/env bash
# acl/ against an earlier version of itself on the ClassBench sets (rule sets without IP set
# conditions): is the current classifier any slower? Builds acl/ at git REF (default: the commit
# before IP set conditions) and the working tree into two private class folders, then alternates
# the two AclSideBySide runs per set, ROUNDS times, and prints the best classification rate of
# each and the ratio now / before. Same process shape, same data, same run: only the ratio counts.
#   bench/acl/before-after.sh [REF] [ROUNDS] [SECONDS]   (OCELOT_ACL_SETS="fw1_10000 ..." for a subset)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ref="${1:-35d2a22}"
rounds="${2:-3}"
seconds="${3:-1}"
data="${OCELOT_CLASSBENCH:-$root/data/classbench}"
java_home="${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$root/bench/target/acl-before-after"
rm -rf "$out" && mkdir -p "$out/src-before" "$out/before" "$out/now"
git -C "$root" archive "$ref" acl/src/main/java bench/src/main/java/ocelot/bench/acl/AclSideBySide.java | tar -x -C "$out/src-before"
"$java_home/bin/javac" -d "$out/before" $(find "$out/src-before" -name '*.java')
"$java_home/bin/javac" -d "$out/now" $(find "$root/acl/src/main/java" -name '*.java') \
    "$root/bench/src/main/java/ocelot/bench/acl/AclSideBySide.java"
raw="$out/raw.txt"
: > "$raw"
sets="${OCELOT_ACL_SETS:-acl1_1000 fw1_1000 ipc1_1000 acl1_10000 fw1_10000 ipc1_10000}"
for set in $sets; do
    for ((r = 0; r < rounds; r++)); do
        for side in before now; do
            echo "measuring $set $side ($((r + 1))/$rounds)" >&2
            "$java_home/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx2g -cp "$out/$side" \
                ocelot.bench.acl.AclSideBySide "$set" "$data/$set" "$data/${set}_trace" "$seconds" 2>/dev/null \
                | grep '^ocelot ' | sed "s/^ocelot/$side/" >> "$raw"
        done
    done
done
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'); load: $(uptime | sed 's/.*load average: //')"
echo "| set | before ($ref) Mcls/s | now Mcls/s | now / before | same answers |"
echo "|---|---|---|---|---|"
awk -v sets="$sets" '
$1 == "before" { s = $2; if ($4 > b[s]) b[s] = $4; bs[s] = $8 }
$1 == "now"    { s = $2; if ($4 > n[s]) n[s] = $4; ns[s] = $8 }
END { m = split(sets, list, " ")
  for (i = 1; i <= m; i++) { s = list[i]; if (!(s in b) || !(s in n)) continue
    printf "| %s | %.2f | %.2f | %.2fx | %s |\n", s, b[s] / 1e6, n[s] / 1e6, n[s] / b[s], (bs[s] == ns[s] ? "yes" : "NO") } }' "$raw"
