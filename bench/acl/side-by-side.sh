#!/usr/bin/env bash
# Ocelot's TupleMerge classifier vs DPDK rte_acl (best classify algorithm on this CPU) on the same
# ClassBench rule sets and traces, in one run. Prints one table; ratios are Ocelot / rte_acl.
#   bench/acl/side-by-side.sh [REPEATS] [SECONDS]      (default 2 repeats of 1 s per measurement)
# Times are CPU time of the measuring thread (the machine is shared; descheduled time is noise).
# Each measurement alternates C and Java and keeps the best of REPEATS. The "same" column says
# whether both returned identical rule indices for every header of the trace (checksum).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${OCELOT_CLASSBENCH:-$root/data/classbench}"
repeats="${1:-2}"
seconds="${2:-1}"
java_home="${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$root/bench/target/acl"
mkdir -p "$out"

[[ -d "$data" ]] || { echo "ClassBench data not found at $data (set OCELOT_CLASSBENCH)" >&2; exit 1; }
gcc -O3 -march=native -DALLOW_EXPERIMENTAL_API -o "$out/rte_acl_bench" "$here/rte_acl_bench.c" \
    $(pkg-config --cflags --libs libdpdk)
# The Java side needs only acl/ and one class: build them privately (the shared benchmarks.jar is
# rebuilt by other benchmarks at any time, and a module someone is editing must not stop this one).
(cd "$root" && { JAVA_HOME="$java_home" mvn -q -B -o -pl acl package -DskipTests >/dev/null 2>&1 \
    || JAVA_HOME="$java_home" mvn -q -B -pl acl package -DskipTests; } >&2)
rm -rf "$out/classes" && mkdir -p "$out/classes"
cp -r "$root/acl/target/classes/." "$out/classes/"
"$java_home/bin/javac" -d "$out/classes" -cp "$out/classes" "$root/bench/src/main/java/ocelot/bench/acl/AclSideBySide.java"
raw="$out/raw.txt"
: > "$raw"
for set in acl1_1000 fw1_1000 ipc1_1000 acl1_10000 fw1_10000 ipc1_10000; do
    for ((r = 0; r < repeats; r++)); do
        echo "measuring $set ($((r + 1))/$repeats)" >&2
        "$out/rte_acl_bench" "$set" "$data/$set" "$data/${set}_trace" "$seconds" 2>/dev/null | grep '^rte_acl ' >> "$raw"
        "$java_home/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx2g -cp "$out/classes" \
            ocelot.bench.acl.AclSideBySide "$set" "$data/$set" "$data/${set}_trace" "$seconds" 2>/dev/null | grep '^ocelot ' >> "$raw"
    done
done

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p')"
awk '
function best(a, k, v, up) { if (!(k in a) || (up ? v > a[k] : v < a[k])) a[k] = v }
$1 == "rte_acl" { s = $2; alg[s] = $3; best(rc, s, $4, 1); best(rb, s, $5, 0); best(ru, s, $6, 0); rm[s] = $7; rs[s] = $8 }
$1 == "ocelot"  { s = $2; best(oc, s, $4, 1); best(ob, s, $5, 0); best(ou, s, $6, 0); om[s] = $7; os[s] = $8
                  split($10, p, "="); best(o99, s, p[2], 0); split($11, q, "="); best(omax, s, q[2], 0) }
END {
  printf "| set | rte_acl alg | rte_acl Mcls/s | Ocelot Mcls/s | ratio | build ms rte_acl / Ocelot | 1-rule update ms rte_acl / Ocelot mean (p99, max) | memory MiB rte_acl / Ocelot | memory ratio | same answers |\n"
  printf "|---|---|---|---|---|---|---|---|---|---|\n"
  n = split("acl1_1000 fw1_1000 ipc1_1000 acl1_10000 fw1_10000 ipc1_10000", sets, " ")
  for (i = 1; i <= n; i++) { s = sets[i]; if (!(s in rc) || !(s in oc)) continue
    printf "| %s | %s | %.2f | %.2f | %.2fx | %.1f / %.1f | %.1f / %.3f (%.3f, %.3f) | %.1f / %.2f | %.2fx | %s |\n", s, alg[s], rc[s] / 1e6, oc[s] / 1e6, oc[s] / rc[s],
      rb[s], ob[s], ru[s], ou[s], o99[s], omax[s], rm[s] / 1048576, om[s] / 1048576, om[s] / rm[s], (rs[s] == os[s] ? "yes" : "NO") }
}' "$raw"
