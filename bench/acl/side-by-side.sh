#!/usr/bin/env bash
# Ocelot's TupleMerge classifier vs DPDK rte_acl (best classify algorithm on this CPU) on the same
# ClassBench rule sets and traces, in one run. Prints one table; ratios are Ocelot / rte_acl.
#   bench/acl/side-by-side.sh [REPEATS] [SECONDS] [REPEATS_100K]
#     REPEATS rounds per 1k/10k set (default 2), REPEATS_100K per 100k set (default 1), each round
#     one rte_acl run then one Ocelot run (alternating); SECONDS of classification per run (0.5).
#     OCELOT_ACL_SETS="acl1_1000 fw3_100000 ..." for a subset (default: all twelve seed types at
#     1k, 10k and 100k rules). OCELOT_ACL_RTE_TIMEOUT (default 30 s): an rte_acl run that has not
#     built and classified by then is reported as "no build in N s" and Ocelot's rate stands alone.
# Times are CPU time of the measuring thread (the machine is shared; descheduled time is noise).
# Rates are the median over rounds; build, update and memory the best. The "same" column says
# whether both returned identical rule indices for every header of the trace (checksum).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${OCELOT_CLASSBENCH:-$root/data/classbench}"
repeats="${1:-2}"
seconds="${2:-0.5}"
repeats100k="${3:-1}"
rte_timeout="${OCELOT_ACL_RTE_TIMEOUT:-30}"
java_home="${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$root/bench/target/acl"
mkdir -p "$out/data"
# rte_acl_bench's EAL (--no-shconf) leaves its runtime folder empty behind it: remove it so a
# bench/run --quick inside bin/test leaves nothing for the cleanliness check (rmdir: only if empty)
trap 'rmdir /var/run/dpdk/ocelot_acl_bench 2>/dev/null || true' EXIT

[[ -d "$data" ]] || { echo "ClassBench data not found at $data (set OCELOT_CLASSBENCH)" >&2; exit 1; }
all_sets=""
for size in 1000 10000 100000; do
    for type in acl1 acl2 acl3 acl4 acl5 fw1 fw2 fw3 fw4 fw5 ipc1 ipc2; do all_sets+="${type}_$size "; done
done
sets="${OCELOT_ACL_SETS:-$all_sets}"

# The 100k sets are kept xz-compressed (data/classbench/100k): unpack once next to the binaries.
files_of() { # SET -> "RULES TRACE"
    local set="$1"
    if [[ -f "$data/$set" ]]; then echo "$data/$set $data/${set}_trace"; return; fi
    local f
    for f in "$set" "${set}_trace"; do
        if [[ ! -s "$out/data/$f" || "$data/100k/$f.xz" -nt "$out/data/$f" ]]; then
            xz -dc "$data/100k/$f.xz" > "$out/data/$f.tmp" && mv "$out/data/$f.tmp" "$out/data/$f"
        fi
    done
    echo "$out/data/$set $out/data/${set}_trace"
}

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
started="$(date -u '+%Y-%m-%d %H:%M')"
load_start="$(uptime | sed 's/.*load average: //')"
for set in $sets; do
    read -r rules trace <<< "$(files_of "$set")"
    n=$repeats
    [[ "$set" == *_100000 ]] && n=$repeats100k
    for ((r = 0; r < n; r++)); do
        echo "measuring $set ($((r + 1))/$n), load $(cut -d' ' -f1 /proc/loadavg)" >&2
        echo "load $set $(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
        if ! timeout "$rte_timeout" "$out/rte_acl_bench" "$set" "$rules" "$trace" "$seconds" 2>/dev/null | grep '^rte_acl ' >> "$raw"; then
            echo "rte_acl_failed $set $rte_timeout" >> "$raw"
        fi
        "$java_home/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx3g -cp "$out/classes" \
            ocelot.bench.acl.AclSideBySide "$set" "$rules" "$trace" "$seconds" 2>/dev/null | grep '^ocelot ' >> "$raw"
    done
done

echo "Run $started-$(date -u '+%H:%M') UTC, load $load_start at the start, $(uptime | sed 's/.*load average: //') at the end;" \
    "CPU: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores); command: bench/acl/side-by-side.sh $repeats $seconds $repeats100k"
awk -v sets="$sets" -v tmo="$rte_timeout" '
function best(a, k, v, up) { if (!(k in a) || (up ? v > a[k] : v < a[k])) a[k] = v }
function median(list,   v, m, i, j, t) { m = split(list, v, " ")
  for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
  return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
$1 == "load"    { s = $2; best(lmax, s, $3, 1) }
$1 == "rte_acl_failed" { failed[$2] = 1 }
$1 == "rte_acl" { s = $2; alg[s] = $3; rc[s] = rc[s] " " $4; best(rb, s, $5, 0); best(ru, s, $6, 0); rm[s] = $7; rs[s] = $8 }
$1 == "ocelot"  { s = $2; oc[s] = oc[s] " " $4; best(ob, s, $5, 0); best(ou, s, $6, 0); om[s] = $7; os[s] = $8; rules[s] = $12
                  split($10, p, "="); best(o99, s, p[2], 0); split($11, q, "="); best(omax, s, q[2], 0) }
END {
  printf "| set | rules | rte_acl alg | rte_acl Mcls/s | Ocelot Mcls/s | ratio | build ms rte_acl / Ocelot | 1-rule update ms rte_acl / Ocelot mean (p99, max) | memory MiB rte_acl / Ocelot | memory ratio | same answers | load |\n"
  printf "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
  m = split(sets, list, " ")
  for (i = 1; i <= m; i++) { s = list[i]; if (!(s in oc)) continue
    split(rules[s], rr, "="); o = median(oc[s])
    if (!(s in rc)) {
      printf "| %s | %s | no build in %s s | - | %.2f | - | - / %.1f | - / %.3f (%.3f, %.3f) | - / %.2f | - | - | %.1f |\n", s, rr[2], tmo, o / 1e6,
        ob[s], ou[s], o99[s], omax[s], om[s] / 1048576, lmax[s]
      continue }
    c = median(rc[s])
    printf "| %s | %s | %s | %.2f | %.2f | %.2fx | %.1f / %.1f | %.1f / %.3f (%.3f, %.3f) | %.1f / %.2f | %.3fx | %s | %.1f |\n", s, rr[2], alg[s], c / 1e6, o / 1e6, o / c,
      rb[s], ob[s], ru[s], ou[s], o99[s], omax[s], rm[s] / 1048576, om[s] / 1048576, om[s] / rm[s], (rs[s] == os[s] ? "yes" : "NO"), lmax[s] }
}' "$raw"
