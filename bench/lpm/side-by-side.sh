#!/usr/bin/env bash
# Ocelot's IPv4 route tables side by side with DPDK's rte_lpm and rte_fib, on the same
# Calico-like route files and address traces, in one run on this machine.
#
#   bench/lpm/side-by-side.sh [ROUTES...]        default: 100000 1000000
#   SHAPE=internet bench/lpm/side-by-side.sh     the public-BGP-like table instead
#   REPEAT=3 bench/lpm/side-by-side.sh 100000    alternate Java and C runs 3 times, keep the best
#
# Java writes the files (seeded generator) and measures Ocelot; lpm_side_by_side.c, built
# here with gcc -O3 -march=native against Debian's libdpdk, reads the same files. Lookups are
# bursts of 32 over a 4M-address trace (half endpoint hits, half uniform), best of 5 rounds;
# adds are every route of the file into an empty table (Ocelot with a reader thread looking
# up the whole time; DPDK alone); bytes are the table's arrays (Java) or the DPDK heap growth.
# The checksum column must be equal in every row of one size: the tables answer alike.
# rte_lpm's adds scan its per-depth rule array, so its 1M build alone takes 15+ minutes of
# CPU; the harness measures rte_fib first and prints rte_lpm's add progress as it goes.
# On a shared machine, REPEAT > 1 alternates the Java and C processes so that both meet the
# same load, and the table keeps each one's best run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${OCELOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
shape="${SHAPE:-calico}"
repeat="${REPEAT:-1}"
work="$(mktemp -d /tmp/ocelot-lpm-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "building ..." >&2
# Only lpm/ and this harness: compiled into the work folder, so that engineers rebuilding
# bench/target/benchmarks.jar at the same time cannot break this run (nor it theirs).
mvn -q -B -o -pl lpm compile >&2 2>/dev/null || mvn -q -B -pl lpm compile >&2
javac -d "$work/classes" -cp lpm/target/classes bench/src/main/java/ocelot/bench/lpm/Ipv4SideBySide.java
gcc -O3 -march=native -Wall -o "$work/lpm_side_by_side" bench/lpm/lpm_side_by_side.c \
  $(pkg-config --cflags --libs libdpdk)

results="$work/results"
for n in "${sizes[@]}"; do
 for ((run = 1; run <= repeat; run++)); do
  echo "$n routes, run $run/$repeat: Ocelot ..." >&2
  java -Xmx3g --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$work/classes:lpm/target/classes" \
    ocelot.bench.lpm.Ipv4SideBySide "$work" "$n" 4 "$shape" 2>/dev/null | tee -a "$results" >&2
  echo "$n routes: rte_lpm, rte_fib ..." >&2
  "$work/lpm_side_by_side" "$work/$shape-$n.routes" "$work/$shape-$n.trace" 4 2> >(grep --line-buffered "^rte_lpm:" >&2) \
    | grep -E '^rte_' | tee -a "$results" >&2
 done
done

echo
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; table shape: $shape; $(date -u +%Y-%m-%dT%H:%MZ)"
awk '
  { key = $2 SUBSEP $1
    if (!(key in L)) { rows[++nrows] = key; rname[nrows] = $1; rroutes[nrows] = $2; runs[key] = 0 }
    runs[key]++
    if ($3 > L[key]) L[key] = $3
    if ($4 > A[key]) A[key] = $4
    B[key] = $5
    if ((key in S) && S[key] != $6) S[key] = "DIFFERS"; else S[key] = $6
    if (!($2 in seen)) { seen[$2] = 1; order[++sizes] = $2 } }
  END {
    printf "| %-9s | %-12s | %12s | %12s | %12s | %-14s | %4s |\n", "routes", "table", "lookups/s", "adds/s", "bytes", "checksum", "runs"
    printf "|-----------|--------------|--------------|--------------|--------------|----------------|------|\n"
    for (i = 1; i <= nrows; i++) {
      k = rows[i]
      printf "| %-9s | %-12s | %12.0f | %12.0f | %12.0f | %-14s | %4d |\n", rroutes[i], rname[i], L[k], A[k], B[k], S[k], runs[k]
    }
    print ""
    for (j = 1; j <= sizes; j++) {
      n = order[j]; o = n SUBSEP "ocelot"; l = n SUBSEP "rte_lpm"; f = n SUBSEP "rte_fib"
      if (!(o in L) || !(l in L) || !(f in L)) continue
      same = (S[o] == S[l] && S[o] == S[f]) ? "equal" : "DIFFERENT"
      printf "%s routes: lookups Ocelot/rte_lpm %.2fx (target >= 1.0) | adds Ocelot/rte_fib %.2fx (target >= 1.5) | bytes Ocelot/rte_lpm %.2f (target <= 1.0) | checksums %s\n", \
        n, L[o] / L[l], A[o] / A[f], B[o] / B[l], same
    }
  }' "$results"
